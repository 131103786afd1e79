"""``sasci-sim run``: a scenario's replications -> results/<name>/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.output.folders import check_target, safe_child
from sasci_sim.ui.commands.args import add_overrides, positive_int, seed
from sasci_sim.ui.commands.draws import add_draw_options, run_with_draws

NAME = "run"
HELP = "run a scenario's replications and write spread curves"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim run``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("scenario", nargs="?", default=None, help="scenario file (default: the built-in baseline)")
    parser.add_argument("--replications", type=positive_int)
    parser.add_argument("--seed", type=seed)
    parser.add_argument("--steps", type=positive_int)
    parser.add_argument("--out", type=Path, default=Path("results"), help="output folder (default: results)")
    add_overrides(parser, "override a scenario value (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_draw_options(parser)


def execute(args: argparse.Namespace) -> int:
    """Run the replications, write the run folder and print where its files are.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.experiments.replications import run_replications
    from sasci_sim.output.run_folder import write_results

    scenario = load_scenario(args.scenario, args.overrides)
    if args.draws:
        return run_with_draws(args, scenario)
    check_fits(scenario, args.scenario or "baseline", replications=args.replications, steps=args.steps)
    check_target(safe_child(args.out, scenario.name))
    reps = args.replications or scenario.simulation.replications
    with tqdm(total=reps, desc=scenario.name, unit="rep", disable=args.quiet, file=sys.stderr) as bar:
        result = run_replications(
            scenario, replications=args.replications, seed=args.seed, steps=args.steps, on_done=lambda _: bar.update()
        )
    folder = write_results(result, args.out)
    print(f"spread curves: {folder / 'spread.png'}")
    print(f"tables: {folder / 'spread.csv'}, {folder / 'summary.json'}")
    print(f"report: {folder / 'report.html'}")
    return 0
