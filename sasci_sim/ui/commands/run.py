"""``sasci-sim run``: a scenario's replications -> results/<name>/.

With ``--set`` overrides that change levers the run is a variant with a name of its own
(``baseline-flexibility-0_9``), unless ``--name`` names it; see ``sasci_sim.output.run_folder``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.config.limits import check_fits
from sasci_sim.config.loader import load_scenario
from sasci_sim.output.folders import check_target, safe_child
from sasci_sim.ui.commands.args import add_overrides, positive_int, seed
from sasci_sim.ui.commands.draws import add_draw_options, run_with_draws
from sasci_sim.ui.commands.tables import wrapped

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
    add_overrides(parser, "override a scenario value (repeatable); a run that changes levers gets its own folder")
    parser.add_argument(
        "--name",
        type=scenario_name,
        help="name (and folder) of this run (default: the scenario's name, plus the levers --set changed)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_draw_options(parser)


def scenario_name(text: str) -> str:
    """A ``--name``: what the schema allows as a scenario name (it becomes a folder name).

    Args:
        text: The name as given.

    Returns:
        The name.
    """
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,80}", text):
        raise argparse.ArgumentTypeError(f"must be 1 to 80 letters, digits, _ or - (got {text!r})")
    return text


def execute(args: argparse.Namespace) -> int:
    """Run the replications, write the run folder, and print its headline, key findings and report path.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.
    """
    from sasci_sim.config.loader import baseline_path
    from sasci_sim.experiments.replications import run_replications
    from sasci_sim.output.findings import run_findings, run_headline
    from sasci_sim.output.folders import MANIFEST
    from sasci_sim.output.results import Origin
    from sasci_sim.output.run_folder import describe_variant, write_results

    origin = Origin(None if args.scenario is None else str(args.scenario), tuple(args.overrides), args.name)
    scenario = load_scenario(args.scenario, args.overrides)
    if origin.overrides or origin.name:
        scenario = describe_variant(scenario, load_scenario(args.scenario), origin)
    if args.draws:
        return run_with_draws(args, scenario)
    check_fits(scenario, args.scenario or "baseline", replications=args.replications, steps=args.steps)
    target = safe_child(args.out, scenario.name)
    check_target(target, "run")
    replacing = (target / MANIFEST).is_file()
    reps = args.replications or scenario.simulation.replications
    with tqdm(total=reps, desc=scenario.name, unit="rep", disable=args.quiet, file=sys.stderr) as bar:
        result = run_replications(
            scenario, replications=args.replications, seed=args.seed, steps=args.steps, on_done=lambda _: bar.update()
        )
    folder = write_results(result, args.out, origin)
    if replacing:
        print(f"replaced: the earlier results in {folder} (use --name or another --out to keep both)")
    print(f"report: {folder / 'report.html'}")
    print(f"spread curves: {folder / 'spread.png'}")
    print(f"tables: {folder / 'spread.csv'}, {folder / 'summary.json'}")
    print(wrapped(run_headline(result)))
    print("key findings:")
    findings = run_findings(result, load_scenario(baseline_path()), origin.settings())
    for finding in findings[:3]:
        print(wrapped(f"- {finding.text} [evidence: {finding.grade}]", "  "))
    return 0
