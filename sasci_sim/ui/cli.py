"""The command line: thin. Parses, calls the library, turns bad input into one line.

Exit status: 0 done, 1 a check failed, 2 bad input (one line on stderr, no traceback).
Subcommands live in ``sasci_sim.ui.commands``, one module each, listed in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sasci_sim.errors import InputError

#: Subcommand modules under sasci_sim.ui.commands, in the order ``--help`` lists them.
COMMANDS = ("run", "check", "params", "validate", "compare", "dashboard", "sweep", "analyse", "calibrate")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("command line", "", message)


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    """Build the parser from the subcommand modules, so each command owns its arguments.

    Returns:
        The parser, and the command modules by name.
    """
    parser = _Parser(
        prog="sasci-sim", description="Simulate how innovations in adult social care spread, stall and die."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"sasci_sim.ui.commands.{name}")
        module.configure(sub.add_parser(module.NAME, help=module.HELP, description=module.HELP))
        modules[module.NAME] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sasci-sim``: bad input becomes one ``error:`` line and exit status 2, never a traceback.

    Args:
        argv: The arguments; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: the command's, 2 for bad input, 130 when interrupted.
    """
    try:
        parser, modules = build_parser()
        args = parser.parse_args(argv)
        return modules[args.command].execute(args)
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: earlier results are untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
