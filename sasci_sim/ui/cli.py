"""The command line: thin. Parses, calls the library, turns bad input into one line.

Exit status: 0 done, 1 a check failed, 2 bad input (one line on stderr, no traceback).
Subcommands live in ``sasci_sim.ui.commands``, one module each, listed in ``COMMANDS``.

Besides ``InputError``, three ways a command can fail that are not bugs are also one line:
the machine's memory (``MemoryError``, or a library that cannot be mapped under ``ulimit -v``),
input nested too deeply for Python's stack (``RecursionError``), and a reader that went away
(``sasci-sim check ... | head -1``: the output is dropped quietly, as other tools do).
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
from collections.abc import Sequence

from sasci_sim.errors import InputError

#: Subcommand modules under sasci_sim.ui.commands, in the order ``--help`` lists them.
COMMANDS = ("run", "check", "params", "validate", "compare", "dashboard", "lessons", "sweep", "analyse", "calibrate")
#: Exit status after the reader of the output closed it (128 + SIGPIPE, as a shell reports it).
EXIT_BROKEN_PIPE = 141
#: What the loader says when it cannot map a library into memory (ulimit -v, or no memory left).
_NO_MEMORY = ("failed to map segment", "cannot allocate memory", "cannot map", "out of memory")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("command line", "", message)


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    """The argument parser with every subcommand, and the subcommand modules by name.

    Returns:
        The parser, and a mapping of command name to its module.
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


def memory_limit_text() -> str:
    """The address-space limit, as the memory message gives it ("" when there is none).

    Returns:
        E.g. ``" (the address-space limit, ulimit -v, is 400 MB)"``.
    """
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return ""
    return f" (the address-space limit, ulimit -v, is {soft // 1024**2} MB)"


def _out_of_memory(exc: BaseException) -> bool:
    """Whether an exception means the process ran out of memory rather than a bug."""
    if isinstance(exc, MemoryError):
        return True
    limited = resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY
    if isinstance(exc, SystemError) and limited:  # an allocation failed and lost its MemoryError
        return True
    # the loader's own message, or one a library's wrapping of it hides (llvmlite, under Numba,
    # raises "could not find/load shared object" from dlopen's "failed to map segment")
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if isinstance(seen, ImportError | OSError | SystemError) and any(s in text for s in _NO_MEMORY):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sasci-sim ARGV``.

    Args:
        argv: The arguments (default: the process's).

    Returns:
        The exit status.
    """
    command = "sasci-sim"
    if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY:
        # Each OpenBLAS thread reserves tens of MB of address space, and OpenBLAS exits the
        # process when it cannot: under ``ulimit -v`` one thread keeps a refusal one line.
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ.setdefault(name, "1")
    try:
        parser, modules = build_parser()
        args = parser.parse_args(argv)
        command = args.command
        return modules[args.command].execute(args)
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: earlier results are untouched", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    except RecursionError:
        print(f"error: {command}: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except (MemoryError, ImportError, OSError, SystemError) as exc:
        if not _out_of_memory(exc):
            raise
        problem = f"not enough memory to run{memory_limit_text()}; free memory or raise the limit"
        print(f"error: {command}: {problem}; earlier results are untouched", file=sys.stderr)
        return 2


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (captured by a test)
        pass


if __name__ == "__main__":
    sys.exit(main())
