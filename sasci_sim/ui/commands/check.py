"""``sasci-sim check``: validate scenario files only."""

from __future__ import annotations

import argparse
from pathlib import Path

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario

NAME = "check"
HELP = "validate scenario files only"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim check``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("scenarios", nargs="+", type=Path)


def execute(args: argparse.Namespace) -> int:
    """Validate each scenario file and check its memory estimate, printing one ``ok:`` line each.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    for path in args.scenarios:
        s = load_scenario(path)
        check_fits(s, path)
        print(
            f"ok: {path}: {s.name} ({len(s.innovations)} innovations, {s.population.providers} providers, {s.population.local_authorities} councils)"
        )
    return 0
