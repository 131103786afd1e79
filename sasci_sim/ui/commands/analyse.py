"""``sasci-sim analyse``: sensitivity indices, heat maps, envelopes and PRIM rules of a sweep folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "analyse"
HELP = "analyse a sweep's results: Sobol or Morris indices, heat maps, envelopes, scenario discovery"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim analyse``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("folder", type=Path, help="a sweep folder (OUT/<experiment name>), or a folder holding several")


def execute(args: argparse.Namespace) -> int:
    """Analyse every sweep folder given or found, reporting each; a damaged one does not stop the others.

    Args:
        args: The parsed command line.

    Returns:
        0 if every folder was analysed, else 2.
    """
    from sasci_sim.errors import InputError
    from sasci_sim.experiments.sweep.analysis import analyse, sweep_folders

    bad = 0
    for root in sweep_folders(args.folder):
        try:
            result = analyse(root)
        except InputError as exc:
            print(exc.message, file=sys.stderr)
            bad += 1
            continue
        print(result.text(), end="")
        print(f"analysis: {result.folder}")
    return 2 if bad else 0
