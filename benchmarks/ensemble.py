"""Ensemble speed (issue 16): runs a second one at a time and in batches, beside the bare kernel and Mesa.

    .venv/bin/python benchmarks/ensemble.py                    # 500, 2,000 and 27,000 providers
    .venv/bin/python benchmarks/ensemble.py --sizes 500 2000 --batches 8 32 --repeats 1   # quicker

Everything runs side by side in one invocation, on scenarios/england.yaml resized (20
innovations, 120 months; benchmarks/measure.py's ``england_at``). For each size: per-run processor
time of the one-at-a-time path (``SocialCareModel``, build and run), of the ensemble
(``model.ensemble.Ensemble``) at each batch size (its time over its runs), and of the bare numpy
Bass kernel stepping the same cells (benchmarks/kernel.py), run once right before each of those
measurements and taken as the median of those runs (so the machine's drift moves both); memory per run (tracemalloc peak of
one run alone, and of a batch of 8 over 8); the idiomatic Mesa Bass model (benchmarks/mesa_bass.py)
per cell-step at England's size; and a sweep of baseline runs (2,000 providers, 120 months) on 2
processes, twice: the engine alone on a process pool, each task a batch of runs, and the real
``sasci-sim sweep`` path (``experiments.sweep.runner.run_sweep`` on a pool of 2 workers, tasks as
it makes them, results written to a sweep folder), for baseline replicates (runs that share
batches), for baseline replicates one run a task (as sweeps ran before their tasks were batches)
and for ``experiments/sobol_levers.yaml`` itself cut down to a few Saltelli samples (points that
differ in all 8 policy levers, two replicates each; every lever is a per-run parameter, so a task
holds many points and the engine steps it as one batch); ``--sweep-task-sizes`` also times the
baseline replicates' sweep with tasks of the sizes given (what ``runner.EFFICIENT_TASK`` rests on). Prints the table and each target of
issue 16 as met or not met. Processor time per run is used (not wall time), since the machine
may be shared; the sweep's throughput is wall time, as a sweep sees it.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import kernel  # noqa: E402
from measure import BASS_P, BASS_Q, england_at  # noqa: E402

from sasci_sim.config.loader import load_scenario, validate  # noqa: E402
from sasci_sim.model.ensemble import Ensemble  # noqa: E402
from sasci_sim.model.social_care import SocialCareModel  # noqa: E402

#: Targets of issue 16 (ratios, since absolute seconds move 2x from machine to machine).
WITHIN_KERNEL = {500: 5.0, 2000: 3.0}
ENGLAND_WITHIN_KERNEL = 3.0
ENGLAND_VS_MESA = 50.0
SWEEP_RUNS_PER_S = 25.0
ENGLAND = 27000
INNOVATIONS, STEPS = 20, 120


def cpu(fn: Any) -> float:
    """Processor time of ``fn()`` in this process, seconds."""
    start = time.process_time()
    fn()
    return time.process_time() - start


class Floor:
    """The bare Bass kernel on one size's cells, run again beside every measurement of the model there.

    The machine's speed drifts during an invocation (a shared host, frequency changes). A kernel
    measured once, before or after the model, then moves a ratio by as much as the drift; one
    kernel run right before each model measurement, and their median, moves with the model.
    """

    def __init__(self, providers: int) -> None:
        """No kernel run yet.

        Args:
            providers: The cells' rows (times ``INNOVATIONS`` columns, ``STEPS`` months).
        """
        self.providers = providers
        self.times: list[float] = []

    def beside(self, fn: Any) -> float:
        """Run the kernel once (its next seed), then ``fn``; return ``fn``'s processor seconds."""
        seed = len(self.times)
        self.times.append(cpu(lambda: kernel.run(self.providers, INNOVATIONS, STEPS, BASS_P, BASS_Q, seed)))
        return cpu(fn)

    @property
    def seconds(self) -> float:
        """Median processor seconds of the kernel's runs so far."""
        return statistics.median(self.times)


def one_at_a_time(scenario: Any, repeats: int, floor: Floor) -> float:
    """Median processor seconds of one run built and stepped alone, each beside a kernel run."""
    return statistics.median(
        floor.beside(lambda s=seed: SocialCareModel(scenario, rng=s, provider_agents=False).run())
        for seed in range(repeats)
    )


def in_batch(scenario: Any, batch: int, repeats: int, floor: Floor) -> float:
    """Median processor seconds per run of an ensemble of ``batch`` runs, each beside a kernel run."""
    return statistics.median(
        floor.beside(lambda r=r: Ensemble(scenario, list(range(r * batch, (r + 1) * batch))).run()) / batch
        for r in range(repeats)
    )


def memory_per_run(scenario: Any, batch: int) -> tuple[float, float]:
    """Tracemalloc peak (MB) of one run alone, and of a batch of ``batch`` over ``batch``."""
    tracemalloc.start()
    SocialCareModel(scenario, rng=0, provider_agents=False).run()
    alone = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    tracemalloc.start()
    Ensemble(scenario, list(range(batch))).run()
    together = tracemalloc.get_traced_memory()[1] / 2**20 / batch
    tracemalloc.stop()
    return alone, together


def mesa_per_cell_step(providers: int, innovations: int, steps: int) -> float:
    """Seconds per cell-step of the idiomatic Mesa Bass model (one agent per cell, ``shuffle_do``)."""
    from mesa_bass import BassModel

    model = BassModel(providers, innovations, BASS_P, BASS_Q, rng=1)
    seconds = cpu(lambda: [model.step() for _ in range(steps)])
    return seconds / (providers * innovations * steps)


def _sweep_task(args: tuple[int, list[int]]) -> int:
    """One sweep task: a batch of baseline runs at 2,000 providers (returns how many ran)."""
    providers, seeds = args
    data = load_scenario(None).model_dump()
    data["population"]["providers"] = providers
    data["simulation"]["steps"] = STEPS
    Ensemble(validate(data, "sweep"), seeds).run()
    return len(seeds)


def sweep_throughput(runs: int, batch: int, processes: int = 2, providers: int = 2000) -> float:
    """Baseline runs per second (wall time) on a process pool, each task a batch of runs."""
    tasks = [(providers, list(range(i, min(i + batch, runs)))) for i in range(0, runs, batch)]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_sweep_task, tasks[:processes]))  # start the workers and import the model first
        start = time.perf_counter()
        done = sum(pool.map(_sweep_task, tasks))
        return done / (time.perf_counter() - start)


def sweep_path_throughput(runs: int, processes: int = 2, runs_per_task: int | None = None) -> tuple[float, int]:
    """Runs per second (wall) of ``sasci-sim sweep``'s own path on ``processes`` workers, and its task size.

    The experiment is one point of the built-in baseline (2,000 providers, 120 months), ``runs``
    replicates. Tasks are as the sweep makes them unless ``runs_per_task`` is given. The pool is
    started, and a first small sweep run on it, before the clock starts.
    """
    import yaml

    from sasci_sim.experiments.sweep.executors import open_workers
    from sasci_sim.experiments.sweep.experiment import load_experiment
    from sasci_sim.experiments.sweep.runner import run_sweep, task_size

    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)

        def experiment(name: str, reps: int, parameter: dict[str, Any]) -> Any:
            spec = {
                "name": name,
                "design": "grid",
                "replications": reps,
                "seed": 16,
                "parameters": {"regulation.flexibility": parameter},
                "outcomes": ["final_adopting_share", {"curve": "adopting_curve", "steps": [60, 120]}],
            }
            path = here / f"{name}.yaml"
            path.write_text(yaml.safe_dump(spec), encoding="utf-8")
            return load_experiment(path)

        with open_workers(processes) as pool:
            run_sweep(experiment("warm-up", processes, {"values": [0.5]}), here, pool, progress=False)
            timed = experiment("timed", runs, {"values": [0.5]})
            report = run_sweep(timed, here, pool, progress=False, runs_per_task=runs_per_task)
        assert report.ran == runs and not report.failed, report.failed
        return report.runs_per_second, runs_per_task or task_size(timed, runs, processes)


def sobol_levers_throughput(runs: int, processes: int = 2) -> tuple[float, int, int]:
    """Runs per second (wall) of ``sasci-sim sweep experiments/sobol_levers.yaml`` with fewer samples.

    The shipped experiment (its 8 levers and ranges, baseline scenario of 2,000 providers and 120
    months, 2 replicates a point, its outcomes) with ``samples`` cut so that it makes at least
    ``runs`` runs (a Saltelli sample of ``samples x 10`` points), on the ``run_sweep`` path on a
    pool of ``processes`` workers, tasks as the sweep makes them. The pool is started, and a
    first small sweep run on it, before the clock starts.

    Args:
        runs: Fewest runs to time (rounded up to a power of 2 of Saltelli samples of 20 runs each).
        processes: Workers.

    Returns:
        (runs per second, runs timed, runs per task).
    """
    from sasci_sim.experiments.sweep.executors import open_workers
    from sasci_sim.experiments.sweep.experiment import load_experiment
    from sasci_sim.experiments.sweep.runner import run_sweep, task_size

    path = HERE.parent / "experiments" / "sobol_levers.yaml"
    per_sample = 2 * (8 + 2)  # replicates x Saltelli points per base sample (first and total order)
    samples = 2 ** max(0, math.ceil(math.log2(max(runs / per_sample, 1))))  # a Sobol design takes a power of 2
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        with open_workers(processes) as pool:
            run_sweep(load_experiment(path, samples=1, seed=1), here / "warm-up", pool, progress=False)
            timed = load_experiment(path, samples=samples)
            total = samples * per_sample
            report = run_sweep(timed, here / "timed", pool, progress=False)
        assert report.ran == total and not report.failed, report.failed
        return report.runs_per_second, total, task_size(timed, total, processes)


def verdict(ok: bool) -> str:
    """'met' or 'NOT met'."""
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, ENGLAND])
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--max-cells",
        type=int,
        default=80_000_000,
        help="skip batches holding more cells (the default runs England in batches of 128: about 3 GB, 2 minutes)",
    )
    parser.add_argument("--mesa-steps", type=int, default=3)
    parser.add_argument("--sweep-runs", type=int, default=128)
    parser.add_argument("--sweep-batch", type=int, default=32)
    parser.add_argument("--sweep-path-runs", type=int, default=96, help="runs of each sasci-sim sweep measurement")
    parser.add_argument(
        "--sweep-task-sizes",
        type=int,
        nargs="*",
        default=[],
        help="also time the sasci-sim sweep of baseline replicates with tasks of each of these sizes (the default's grounds)",
    )
    args = parser.parse_args(argv)

    rows, met = [], []
    for n in args.sizes:
        scenario = england_at(n, INNOVATIONS, STEPS)
        kernel_runs = Floor(n)
        single = one_at_a_time(scenario, args.repeats, kernel_runs)
        batched = {}
        for b in args.batches:
            if b * n * INNOVATIONS > args.max_cells:
                batched[b] = None
                continue
            batched[b] = in_batch(scenario, b, 1 if b * n >= 64_000 else args.repeats, kernel_runs)
        floor = kernel_runs.seconds
        alone_mb, batch_mb = memory_per_run(scenario, 8) if 8 * n * INNOVATIONS <= args.max_cells else (None, None)
        rows.append((n, floor, single, batched, alone_mb, batch_mb))

    cols = [f"batch {b}" for b in args.batches]
    print("per-run processor time (ms) and runs/s per core; x = time over the bare kernel's on the same cells")
    print(f"| providers | kernel | one at a time | {' | '.join(cols)} | memory/run alone | in a batch of 8 |")
    print("|" + "---|" * (5 + len(cols)))
    for n, floor, single, batched, alone_mb, batch_mb in rows:
        cells = [f"{single * 1e3:.0f} ms, {1 / single:.1f}/s, x{single / floor:.1f}"]
        for b in args.batches:
            t = batched[b]
            cells.append("skipped (--max-cells)" if t is None else f"{t * 1e3:.1f} ms, {1 / t:.1f}/s, x{t / floor:.1f}")
        mem = "-" if alone_mb is None else f"{alone_mb:.1f} MB"
        mem_b = "-" if batch_mb is None else f"{batch_mb:.1f} MB"
        print(f"| {n:,} | {floor * 1e3:.1f} ms | {' | '.join(cells)} | {mem} | {mem_b} |")

    for n, floor, single, batched, alone_mb, batch_mb in rows:
        best = min([single, *(t for t in batched.values() if t is not None)])
        if n in WITHIN_KERNEL:
            ratio = best / floor
            met.append(
                (
                    ratio <= WITHIN_KERNEL[n],
                    f"{n:,} providers: best per-run time x{ratio:.2f} the kernel (target <= {WITHIN_KERNEL[n]:g})",
                )
            )
        if alone_mb is not None:
            met.append(
                (
                    batch_mb <= alone_mb,
                    f"{n:,} providers: memory per run in a batch {batch_mb:.1f} MB <= alone {alone_mb:.1f} MB",
                )
            )
        if n == ENGLAND:
            ratio = single / floor
            met.append(
                (
                    ratio <= ENGLAND_WITHIN_KERNEL,
                    f"one England run x{ratio:.2f} the kernel (target <= {ENGLAND_WITHIN_KERNEL:g})",
                )
            )
            mesa = mesa_per_cell_step(n, 2, args.mesa_steps)
            model = single / (n * INNOVATIONS * STEPS)
            met.append(
                (
                    mesa / model >= ENGLAND_VS_MESA,
                    f"one England run {mesa / model:.0f}x faster per cell-step than idiomatic Mesa (target >= {ENGLAND_VS_MESA:g}x; Mesa {mesa * 1e9:.0f} ns, model {model * 1e9:.1f} ns)",
                )
            )
    if args.sweep_runs:
        rate = sweep_throughput(args.sweep_runs, args.sweep_batch)
        print(
            f"\nsweep of baseline runs (2,000 providers, {STEPS} months) on 2 processes, tasks of {args.sweep_batch} runs: "
            f"{rate:.1f} runs/s (wall; the ensemble on a process pool, as a sweep whose tasks are batches runs)"
        )
        met.append(
            (rate >= SWEEP_RUNS_PER_S, f"sweep {rate:.1f} runs/s on 2 processes (target >= {SWEEP_RUNS_PER_S:g})")
        )
    if args.sweep_path_runs:
        n = args.sweep_path_runs
        rate, size = sweep_path_throughput(n)
        print(
            f"sasci-sim sweep (run_sweep, pool of 2 workers): {n} baseline replicates (2,000 providers, {STEPS} months), "
            f"tasks of {size} runs: {rate:.1f} runs/s (wall)"
        )
        met.append(
            (
                rate >= SWEEP_RUNS_PER_S,
                f"sasci-sim sweep of baseline replicates {rate:.1f} runs/s on 2 processes (target >= {SWEEP_RUNS_PER_S:g})",
            )
        )
        for size in args.sweep_task_sizes:
            rate, _ = sweep_path_throughput(n, runs_per_task=size)
            print(
                f"sasci-sim sweep (run_sweep, pool of 2 workers): {n} baseline replicates, tasks of {size} runs: {rate:.1f} runs/s (wall)"
            )
        single, _ = sweep_path_throughput(n // 2, runs_per_task=1)
        print(
            f"sasci-sim sweep (run_sweep, pool of 2 workers): {n // 2} baseline replicates, tasks of 1 run "
            f"(one run a task, as before tasks were batches): {single:.1f} runs/s (wall)"
        )
        levers, total, size = sobol_levers_throughput(n)
        print(
            f"sasci-sim sweep experiments/sobol_levers.yaml (run_sweep, pool of 2 workers): {total // 2} Saltelli points "
            f"over its 8 levers x 2 replicates, tasks of {size} runs (many points a batch): {levers:.1f} runs/s (wall)"
        )
        met.append(
            (
                levers >= SWEEP_RUNS_PER_S,
                f"sasci-sim sweep of sobol_levers {levers:.1f} runs/s on 2 processes (target >= {SWEEP_RUNS_PER_S:g})",
            )
        )
    print("\ntargets (issue 16):")
    for ok, text in met:
        print(f"  {verdict(ok):8s} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
