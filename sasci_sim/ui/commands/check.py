"""``sasci-sim check``: validate scenario files only, every one of them.

Each file gets its own line: ``ok: ...`` on stdout, or the one-line ``error: ...`` on stderr.
A bad file does not stop the others being checked; the exit status is 2 if any was bad.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError

NAME = "check"
HELP = "validate scenario files only (each is checked and reported; exit 2 if any is bad)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the command's arguments.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("scenarios", nargs="+", type=Path)


def execute(args: argparse.Namespace) -> int:
    """Check every scenario file named, reporting each.

    Args:
        args: The parsed command line.

    Returns:
        0 if every file is a valid scenario that fits in memory, else 2.
    """
    bad = 0
    for path in args.scenarios:
        try:
            s = load_scenario(path)
            check_fits(s, path)
        except InputError as exc:
            print(exc.message, file=sys.stderr)
            bad += 1
            continue
        print(
            f"ok: {path}: {s.name} ({len(s.innovations)} innovations, {s.population.providers} providers, "
            f"{s.population.local_authorities} councils)",
            flush=True,
        )
    return 2 if bad else 0
