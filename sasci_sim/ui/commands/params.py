"""``sasci-sim params``: the parameter table (meaning, unit, default, range, source, grade)."""

from __future__ import annotations

import argparse

from sasci_sim.config.paramtable import render

NAME = "params"
HELP = "print the parameter table"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim params``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("--format", choices=["text", "markdown"], default="text")


def execute(args: argparse.Namespace) -> int:
    """Print the parameter table.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0.
    """
    print(render(args.format), end="" if args.format == "markdown" else "\n")
    return 0
