"""``sasci-sim analyse``: sensitivity indices, heat maps, envelopes and PRIM rules of a sweep folder."""

from __future__ import annotations

import argparse
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
    """Analyse each sweep folder given and print what was found.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.experiments.sweep.analysis import analyse, sweep_folders

    for root in sweep_folders(args.folder):
        result = analyse(root)
        print(result.text(), end="")
        print(f"analysis: {result.folder}")
    return 0
