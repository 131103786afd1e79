"""``sasci-sim compare``: scenarios side by side with common random numbers -> OUT/compare-<names>/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError
from sasci_sim.output.folders import check_target, safe_child
from sasci_sim.ui.commands.args import positive_int, seed
from sasci_sim.ui.commands.draws import add_draw_options, compare_with_draws
from sasci_sim.ui.commands.tables import Column, add_table_options, render_table, wrapped

NAME = "compare"
HELP = "compare scenarios (same seeds for all) and write a report with figures, table and findings"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim compare``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="two or more scenario files")
    parser.add_argument(
        "--replications", type=positive_int, help="replications of every scenario (default: the first scenario's)"
    )
    parser.add_argument("--seed", type=seed, help="root seed shared by every scenario (default: the first scenario's)")
    parser.add_argument("--steps", type=positive_int, help="months to simulate (default: each scenario's own)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="output folder; matching run folders already in it are reused (default: results)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_table_options(parser)
    add_draw_options(parser)


#: ``--format`` csv, json or markdown: the summary figures of figures.csv, for other programs.
COLUMNS = tuple(
    Column(k, k) for k in ("scenario", "figure", "mean", "p5", "p95", "difference", "difference_low", "difference_high")
)


def execute(args: argparse.Namespace) -> int:
    """Run or reuse each scenario, write the comparison folder and print its key findings.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.config.schema import Scenario
    from sasci_sim.experiments.compare import gather
    from sasci_sim.experiments.replications import run_replications
    from sasci_sim.output.compare_folder import folder_name, write_comparison
    from sasci_sim.output.findings import comparison_headline
    from sasci_sim.output.results import RunResult

    if len(args.scenarios) < 2:
        raise InputError(
            "command line", "scenarios", "compare needs at least two scenario files", got=len(args.scenarios)
        )
    scenarios = [load_scenario(path) for path in args.scenarios]
    reps = args.replications or scenarios[0].simulation.replications
    for path, scenario in zip(args.scenarios, scenarios, strict=True):  # one too big: name its file
        check_fits(scenario, path, replications=reps * max(args.draws, 1), steps=args.steps)
    if args.draws:
        return compare_with_draws(args, scenarios)
    check_fits(scenarios, "command line", replications=reps, steps=args.steps)  # their tables together
    check_target(safe_child(args.out, folder_name([s.name for s in scenarios])), "comparison")

    def run(scenario: Scenario) -> RunResult:
        reps = scenario.simulation.replications
        with tqdm(total=reps, desc=scenario.name, unit="rep", disable=args.quiet, file=sys.stderr) as bar:
            return run_replications(scenario, on_done=lambda _: bar.update())

    comparison = gather(
        scenarios, args.out, replications=args.replications, seed=args.seed, steps=args.steps, runner=run
    )
    folder = write_comparison(comparison, args.out, [str(p) for p in args.scenarios])
    for name, source in comparison.sources.items():
        if source != "run":
            print(f"reused: {name} from {source}", file=sys.stdout if args.format == "text" else sys.stderr)
    if args.format != "text":
        frame = comparison.figures.astype(object).where(comparison.figures.notna(), "")
        print(render_table(frame.to_dict("records"), COLUMNS, args.format))
        print(f"report: {folder / 'report.html'}", file=sys.stderr)
        return 0
    print(f"report: {folder / 'report.html'}")
    print(wrapped(comparison_headline(comparison.results, comparison.findings), wide=args.wide))
    print("key findings:")
    for finding in comparison.findings:
        print(wrapped(f"- {finding.text} [evidence: {finding.grade}]", "  ", args.wide))
    return 0
