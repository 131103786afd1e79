"""``sasci-sim calibrate``: ABC-SMC (pyabc) against the real-world anchors, resumable, with checks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sasci_sim.ui.commands.args import positive_int

NAME = "calibrate"
HELP = "calibrate weak and assumed parameters against the real-world anchors (ABC-SMC with pyabc)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim calibrate``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("experiment", type=Path, help="calibration experiment file (YAML)")
    parser.add_argument("--particles", type=positive_int, help="population size per generation (overrides the file)")
    parser.add_argument("--generations", type=positive_int, help="ABC-SMC generations (overrides the file)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=1, help="processes on this machine (default 1)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    parser.add_argument(
        "--batch",
        type=positive_int,
        default=None,
        help="proposals evaluated together by each worker (default 16; the particles do not depend on it)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default results/calibration/EXPERIMENT-NAME)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _number(x: float) -> str:
    return "-" if x != x else f"{x:.3g}"


def execute(args: argparse.Namespace) -> int:
    """Run (or resume) the calibration, write its outputs and print the predictive checks.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success.
    """
    from sasci_sim.experiments.calibration.batching import DEFAULT_BATCH
    from sasci_sim.experiments.calibration.outputs import write_outputs
    from sasci_sim.experiments.calibration.runner import run_calibration
    from sasci_sim.experiments.calibration.spec import load_calibration

    calibration = load_calibration(args.experiment, particles=args.particles, generations=args.generations)
    out = args.out if args.out is not None else Path("results") / "calibration" / calibration.name
    start = time.perf_counter()
    try:
        run = run_calibration(
            calibration,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            batch=args.batch or DEFAULT_BATCH,
            quiet=args.quiet,
        )
        outputs = write_outputs(calibration, run.history, out, quiet=args.quiet)
    except OSError as exc:  # e.g. a full disk: pyabc's database keeps every finished generation
        problem = f"the calibration stopped ({exc.strerror or exc}); finished generations are saved: rerun to resume"
        print(f"error: {out}: {problem}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    sims = int(run.history.total_nr_simulations)
    # the rate only when every simulation ran in this call (the seconds include the predictive checks)
    rate = f", {sims / seconds:.2f} simulations/s" if run.generations_run == run.history.n_populations else ""
    print(
        f"{calibration.name}: {run.history.n_populations} generations of {calibration.spec.population_size} "
        f"particles in {out} ({run.generations_run} run now, {sims} simulations in all; {seconds:.1f} s this call"
        f"{rate})"
    )
    print("\nPosterior predictive checks (model 90% interval from the posterior):")
    print(f"  {'anchor':34} {'role':11} {'observed':>10} {'model 5%':>10} {'median':>10} {'95%':>10}  verdict")
    for _, r in outputs.predictive.iterrows():
        if r["verdict"] == "not predicted":
            continue
        observed = (
            f"{r['observed_low']:.3g}-{r['observed_high']:.3g}"
            if r["observed_low"] == r["observed_low"]
            else _number(r["observed"])
        )
        print(
            f"  {r['anchor']:34} {r['role']:11} {observed:>10} {_number(r['model_5']):>10} "
            f"{_number(r['model_median']):>10} {_number(r['model_95']):>10}  {r['verdict']}"
        )
    others = outputs.predictive[outputs.predictive["verdict"] == "not predicted"]
    print(f"  ({len(others)} other anchors not predicted: see predictive.csv)")
    print("\nWhat the anchors identify (posterior 90% width / prior 90% width):")
    for _, r in outputs.identification.iterrows():
        print(
            f"  {r['parameter']:40} {r['prior']:28} posterior {_number(r['posterior_5'])}-{_number(r['posterior_95'])}"
            f" (median {_number(r['posterior_median'])}): width ratio {r['width_ratio']:.2f}, {r['identified']}"
        )
    return 0
