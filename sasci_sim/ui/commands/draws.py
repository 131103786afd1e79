"""``--draws K`` and ``--posterior DIR`` for ``compare`` and ``run``: the same command over parameter uncertainty."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from sasci_sim.config.limits import check_fits
from sasci_sim.config.schema import Scenario
from sasci_sim.output.folders import check_target, safe_child
from sasci_sim.ui.commands.args import positive_int

MAX_DRAWS = 10_000


def draw_count(text: str) -> int:
    """``--draws``: a whole number from 0 (today's behaviour) to ``MAX_DRAWS``.

    Args:
        text: The argument as typed.

    Returns:
        The number of draws.

    Raises:
        argparse.ArgumentTypeError: With the reason, which argparse prints as one line.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 0 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_DRAWS} (got {value})")
    return value


def add_draw_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--draws``, ``--posterior`` and ``--workers``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument(
        "--draws",
        type=draw_count,
        default=0,
        help="parameter sets drawn from the posterior, each run with --replications seeds (default 0: no draws)",
    )
    parser.add_argument(
        "--posterior",
        type=Path,
        metavar="DIR",
        help="a `sasci-sim calibrate` output folder to draw from (default: the posterior that ships)",
    )
    parser.add_argument(
        "--workers", type=positive_int, default=1, help="processes running draw runs at once (default 1)"
    )


def compare_with_draws(args: argparse.Namespace, scenarios: list[Scenario]) -> int:
    """``compare --draws K``: run the comparison over posterior draws, write its folder, print the headlines.

    Args:
        args: The parsed arguments (files already checked and loaded).
        scenarios: The loaded scenarios, first scenario first.

    Returns:
        The exit status: 0 on success.
    """
    from sasci_sim.experiments.uncertainty.decisions import compare_over_draws
    from sasci_sim.experiments.uncertainty.posterior import load_posterior, posterior_path
    from sasci_sim.output.compare_folder import folder_name, write_comparison

    posterior = posterior_path(args.posterior)  # a missing or bad posterior fails before any run
    load_posterior(posterior)
    reps = args.replications or scenarios[0].simulation.replications
    check_fits(scenarios, "command line", replications=reps * args.draws, steps=args.steps)
    check_target(safe_child(args.out, folder_name([s.name for s in scenarios])))
    total = args.draws * len(scenarios)
    with tqdm(total=total, desc="draws x scenarios", unit="run", disable=args.quiet, file=sys.stderr) as bar:
        comparison = compare_over_draws(
            scenarios,
            args.out,
            draws=args.draws,
            posterior=posterior,
            replications=args.replications,
            seed=args.seed,
            steps=args.steps,
            workers=args.workers,
            on_done=bar.update,
        )
    folder = write_comparison(comparison, args.out, [str(p) for p in args.scenarios])
    print(f"reused {comparison.reused} of {total} draw runs (manifests matched)")
    print(f"report: {folder / 'report.html'}")
    print(f"decisions: {folder / 'decisions.txt'}")
    print((folder / "decisions.txt").read_text(encoding="utf-8"), end="")
    return 0


def run_with_draws(args: argparse.Namespace, scenario: Scenario) -> int:
    """``run --draws K``: the scenario's replications under each of K posterior draws, pooled in one run folder.

    The run folder holds every draw's replications (replication ``d * R + r`` is seed r of
    draw d), ``draws.csv`` and ``uncertainty.csv`` (each figure's spread split into
    parameter uncertainty and chance).

    Args:
        args: The parsed arguments.
        scenario: The loaded scenario.

    Returns:
        The exit status: 0 on success.
    """
    import numpy as np  # numpy and pandas only once a run is asked for: check stays small
    import pandas as pd

    from sasci_sim.analysis.draws import variance_split
    from sasci_sim.experiments.uncertainty.posterior import draw_parameters, load_posterior, posterior_path
    from sasci_sim.experiments.uncertainty.runs import run_over_draws
    from sasci_sim.output.run_folder import write_results

    path = posterior_path(args.posterior)
    reps = args.replications or scenario.simulation.replications
    root = args.seed if args.seed is not None else scenario.simulation.seed
    check_fits(scenario, args.scenario or "baseline", replications=reps * args.draws, steps=args.steps)
    check_target(safe_child(args.out, scenario.name))
    table = draw_parameters(load_posterior(path), args.draws, root)
    with tqdm(total=args.draws, desc=scenario.name, unit="draw", disable=args.quiet, file=sys.stderr) as bar:
        runs = run_over_draws(
            [scenario],
            table,
            args.out,
            replications=reps,
            seed=root,
            steps=args.steps,
            workers=args.workers,
            on_done=bar.update,
        )
    result = runs.pooled[0]
    rows = []
    for key in [c for c in result.runs.columns if c != "replication"]:
        values = result.runs.sort_values("replication")[key].to_numpy(float)
        split = variance_split(values.reshape(-1, reps))
        rows.append(
            {
                "figure": key,
                "mean": float(np.nanmean(values)) if np.isfinite(values).any() else float("nan"),
                "between_draw_variance": split.between,
                "within_draw_variance": split.within,
                "parameter_share": split.parameter_share,
            }
        )
    folder = write_results(
        result,
        args.out,
        extra={
            "uncertainty.csv": lambda p: pd.DataFrame(rows).to_csv(p, index=False),
            "draws.csv": lambda p: table.rename_axis("draw").reset_index().to_csv(p, index=False),
        },
    )
    print(f"{args.draws} parameter sets from {path}, {reps} seeds each")
    print(f"tables: {folder / 'runs.csv'}, {folder / 'uncertainty.csv'}, {folder / 'draws.csv'}")
    print(f"report: {folder / 'report.html'}")
    return 0
