"""The command line: thin. Parses, calls the library, turns bad input into one line.

Exit status: 0 done, 1 a check failed, 2 bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from sasci_sim.errors import InputError
from sasci_sim.loader import load_scenario


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("command line", "", message)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63-1 (got {text!r})") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2**63-1 (got {value})")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sasci-sim", description="Simulate how innovations in adult social care spread, stall and die."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario's replications and write spread curves")
    run.add_argument("scenario", nargs="?", default=None, help="scenario file (default: the built-in baseline)")
    run.add_argument("--replications", type=_positive)
    run.add_argument("--seed", type=_seed)
    run.add_argument("--steps", type=_positive)
    run.add_argument("--out", type=Path, default=Path("results"), help="output folder (default: results)")
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value (repeatable)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")

    check = sub.add_parser("check", help="validate scenario files only")
    check.add_argument("scenarios", nargs="+", type=Path)

    params = sub.add_parser("params", help="print the parameter table (meaning, unit, range, source, grade)")
    params.add_argument("--format", choices=["text", "markdown"], default="text")
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from sasci_sim.results import write_results
    from sasci_sim.runner import run_replications

    scenario = load_scenario(args.scenario, args.overrides)
    reps = args.replications or scenario.simulation.replications
    with tqdm(total=reps, desc=f"{scenario.name}", unit="rep", disable=args.quiet, file=sys.stderr) as bar:
        result = run_replications(
            scenario, replications=args.replications, seed=args.seed, steps=args.steps, on_done=lambda _: bar.update()
        )
    folder = write_results(result, args.out)
    print(f"spread curves: {folder / 'spread.png'}")
    print(f"tables: {folder / 'spread.csv'}, {folder / 'summary.json'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    for path in args.scenarios:
        scenario = load_scenario(path)
        print(
            f"ok: {path}: {scenario.name} ({len(scenario.innovations)} innovations, {scenario.population.providers} providers, {scenario.population.local_authorities} councils)"
        )
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from sasci_sim.paramtable import render

    print(render(args.format))
    return 0


COMMANDS = {"run": cmd_run, "check": cmd_check, "params": cmd_params}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: earlier results are untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
