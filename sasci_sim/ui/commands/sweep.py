"""``sasci-sim sweep``: run an experiment's design points x replicates, resumably, then analyse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sasci_sim.ui.commands.args import add_overrides, positive_int, seed

NAME = "sweep"
HELP = "run a parameter sweep (grid, LHS, Sobol, Morris) from an experiment file, then analyse it"
MAX_FAILURES_SHOWN = 10


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim sweep``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("experiment", type=Path, help="experiment file (YAML)")
    parser.add_argument("--workers", type=positive_int, help="processes on this machine (default: one per core)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    where.add_argument(
        "--dask-local", type=positive_int, metavar="N", help="start a Dask cluster of N workers on 127.0.0.1"
    )
    parser.add_argument("--out", type=Path, default=Path("sweeps"), help="output folder (default: sweeps)")
    parser.add_argument("--restart", action="store_true", help="discard earlier results of this experiment")
    parser.add_argument("--samples", type=positive_int, help="override the experiment's samples")
    parser.add_argument("--replications", type=positive_int, help="override the experiment's replications")
    parser.add_argument("--seed", type=seed, help="override the experiment's seed")
    add_overrides(parser, "fix a scenario value for every run (adds to the experiment's set:; repeatable)")
    parser.add_argument(
        "--allow-code",
        action="store_true",
        help="trust the experiment's model: (a function outside sasci-sim) and run it",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def execute(args: argparse.Namespace) -> int:
    """Run or resume the sweep, then analyse it and print the summary.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 on success, 1 when the sweep or its analysis stopped (finished runs are saved).

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.config.limits import check_fits
    from sasci_sim.experiments.sweep.analysis import analyse
    from sasci_sim.experiments.sweep.executors import default_workers, open_workers
    from sasci_sim.experiments.sweep.experiment import load_experiment
    from sasci_sim.experiments.sweep.runner import SweepAborted, run_sweep
    from sasci_sim.experiments.sweep.sizes import largest_run

    experiment = load_experiment(
        args.experiment,
        samples=args.samples,
        replications=args.replications,
        seed=args.seed,
        overrides=args.overrides,
        allow_code=args.allow_code,
    )
    workers = args.workers or default_workers()
    largest = largest_run(experiment)
    if largest is not None and args.scheduler is None:  # a cluster's memory is on other machines
        check_fits(largest, args.experiment, replications=1, runs_at_once=args.dask_local or workers)
    try:
        with open_workers(workers, args.scheduler, args.dask_local) as pool:
            where = pool.description  # said with the result, so a refusal stays a single line
            report = run_sweep(experiment, args.out, pool, restart=args.restart, progress=not args.quiet)
    except SweepAborted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. a full disk: the parts already written stay whole
        problem = f"the sweep stopped ({exc.strerror or exc}); the runs finished before are saved: rerun to resume"
        print(f"error: {args.out}: {problem}", file=sys.stderr)
        return 1
    rate = f"{report.runs_per_second:.2f} runs/s" if report.ran else "nothing left to run"
    print(
        f"{report.total} runs in {report.root}: {report.already_done} done before, {report.ran} run now "
        f"on {where} in {report.seconds:.1f} s ({rate}), {len(report.failed)} failed"
    )
    for failure in report.failed[:MAX_FAILURES_SHOWN]:
        print(f"  failed: point {failure['point']} replicate {failure['replicate']}: {failure['error']}")
    if len(report.failed) > MAX_FAILURES_SHOWN:
        print(
            f"  ... and {len(report.failed) - MAX_FAILURES_SHOWN} more (status and error columns of analysis/runs.csv)"
        )
    try:
        result = analyse(report.root)
    except OSError as exc:
        problem = f"the analysis could not be written ({exc.strerror or exc}); every run is saved"
        print(f"error: {report.root}: {problem}: rerun `sasci-sim analyse {report.root}`", file=sys.stderr)
        return 1
    print(result.text(), end="")
    print(f"analysis: {result.folder}")
    return 0
