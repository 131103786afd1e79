"""Argument types shared by subcommands: each rejects bad values with a one-line reason."""

from __future__ import annotations

import argparse

from sasci_sim.errors import show_value


def positive_int(text: str) -> int:
    """An argument that must be a whole number of at least 1 (replications, months).

    Args:
        text: The argument as typed.

    Returns:
        The number.

    Raises:
        argparse.ArgumentTypeError: With the reason, which argparse prints as one line.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {show_value(text)})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {show_value(value)})")
    return value


def seed(text: str) -> int:
    """A seed: a whole number that numpy and Mesa accept, 0 to 2**63-1.

    Args:
        text: The argument as typed.

    Returns:
        The seed.

    Raises:
        argparse.ArgumentTypeError: With the reason, which argparse prints as one line.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63-1 (got {show_value(text)})") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2**63-1 (got {show_value(value)})")
    return value


def add_overrides(parser: argparse.ArgumentParser, help_text: str) -> None:
    """The repeatable ``--set KEY.PATH=VALUE`` option (scenario overrides).

    Args:
        parser: The subcommand's parser.
        help_text: The option's help.
    """
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE", help=help_text
    )
