"""Running an experiment: every design point x replicate, resumable, on any executor.

Run (point p, replicate r) of an experiment with seed s uses
``derive_seed(s, p, r)``, so its result does not depend on the executor, the
number of workers or the order runs finish. Finished runs are written as soon
as they come back; runs already on disk are skipped. At most ``slots`` x 2 runs
are in flight, which bounds what a kill can lose. Only runs so quick that writing
each costs more than running it (well under a second of work together, e.g. test
functions) are gathered into one part before writing.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from sasci_sim.experiments.sweep.designs import Design, build_design
from sasci_sim.experiments.sweep.executors import Workers
from sasci_sim.experiments.sweep.experiment import Experiment
from sasci_sim.experiments.sweep.models import resolve_model
from sasci_sim.experiments.sweep.store import SweepStore
from sasci_sim.experiments.sweep.tasks import RunContext, RunTask, run_task
from sasci_sim.seeds import derive_seed

#: Finished runs are written at once unless together they took less work than this (seconds)...
WRITE_WORK_S = 0.05
#: ...and were all finished within this long (seconds).
WRITE_WAIT_S = 0.5


class _Unwritten:
    """Finished runs not yet on disk: written as soon as they are worth a file."""

    def __init__(self, store: SweepStore) -> None:
        self.store = store
        self.records: list[dict[str, Any]] = []
        self.since = time.monotonic()

    def add(self, records: list[dict[str, Any]]) -> None:
        if not self.records:
            self.since = time.monotonic()
        self.records += records
        work = sum(r["seconds"] for r in self.records if not math.isnan(r["seconds"]))
        if work >= WRITE_WORK_S or time.monotonic() - self.since >= WRITE_WAIT_S:
            self.flush()

    def flush(self) -> None:
        if self.records:
            self.store.append(self.records)
            self.records = []


class SweepAborted(RuntimeError):
    """The executor itself broke (e.g. a pool worker was killed); finished runs are saved."""


@dataclass
class SweepReport:
    """What a sweep did: where its results are, how many runs, which failed."""

    root: Path
    total: int
    already_done: int
    ran: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def runs_per_second(self) -> float:
        """Runs finished per second of wall clock in this invocation (NaN before any)."""
        return self.ran / self.seconds if self.seconds > 0 else float("nan")


def tasks(experiment: Experiment, design: Design) -> Iterator[RunTask]:
    """Every run of the experiment, point by point, with its derived seed.

    Args:
        experiment: The experiment.
        design: Its design points.

    Yields:
        One task per (point, replicate).
    """
    seed = experiment.spec.seed
    for point in range(design.size):
        values = design.values(point)
        for rep in range(experiment.spec.replications):
            drawn = experiment.posterior_draws[rep] if experiment.posterior_draws else {}
            yield RunTask(point, rep, derive_seed(seed, point, rep), values | drawn)


def run_sweep(
    experiment: Experiment,
    out: Path,
    workers: Workers,
    *,
    restart: bool = False,
    progress: bool = True,
) -> SweepReport:
    """Run (or resume) an experiment into ``out/<name>/``.

    A stand-in ``model:`` is imported here, when the sweep starts, and never before (see
    ``sasci_sim.experiments.sweep.models``).

    Args:
        experiment: The experiment.
        out: The folder that holds the sweep's folder.
        workers: Where runs execute.
        restart: Discard earlier results of this experiment.
        progress: Show a progress bar.

    Returns:
        What the sweep did.
    """
    if not experiment.simulator:
        resolve_model(experiment.spec.model, experiment.source, allow_code=experiment.allow_code)
    design = build_design(experiment)
    store = SweepStore.for_experiment(experiment, design, out, restart=restart)
    try:
        return _run(experiment, design, store, workers, progress)
    finally:
        store.unlock()


def _run(experiment: Experiment, design: Design, store: SweepStore, workers: Workers, progress: bool) -> SweepReport:
    done = store.finished()
    total = design.size * experiment.spec.replications
    report = SweepReport(store.root, total, len(done))
    report.failed = _failed(store) if done else []
    todo = (t for t in tasks(experiment, design) if (t.point, t.replicate) not in done)
    context = RunContext.of(experiment)
    window = max(2, 2 * workers.slots)
    start = time.perf_counter()
    bar = tqdm(total=total, initial=len(done), desc=experiment.name, unit="run", disable=not progress, file=sys.stderr)
    pending: dict[Future, RunTask] = {}
    unwritten = _Unwritten(store)
    try:
        while True:
            while len(pending) < window and (task := next(todo, None)) is not None:
                pending[workers.executor.submit(run_task, context, task)] = task
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            records, broken = _collect(finished, pending, context)
            if records:
                unwritten.add(records)
                report.ran += len(records)
                report.failed += [_failure(r) for r in records if r["status"] == "failed"]
                bar.update(len(records))
                bar.set_postfix(failed=len(report.failed))
            if broken is not None:
                raise SweepAborted(
                    f"the workers stopped ({type(broken).__name__}: {broken}); "
                    f"{len(done) + report.ran} of {total} runs are saved in {store.root}: rerun to resume"
                ) from broken
    finally:
        unwritten.flush()
        bar.close()
        for future in pending:
            future.cancel()
        report.seconds = time.perf_counter() - start
    store.compact()
    return report


def _collect(
    finished: set[Future], pending: dict[Future, RunTask], context: RunContext
) -> tuple[list[dict[str, Any]], BaseException | None]:
    """Records of finished futures. A run whose worker died is a failed run; a broken pool stops the sweep."""
    records, broken = [], None
    for future in sorted(finished, key=lambda f: (pending[f].point, pending[f].replicate)):
        task = pending.pop(future)
        exc = future.exception()
        if exc is None:
            records.append(future.result())
        elif isinstance(exc, BrokenExecutor):
            broken = exc
        else:  # e.g. Dask's KilledWorker: the run took its worker down every time it was tried
            records.append(_lost(task, exc, context))
    return records, broken


def _lost(task: RunTask, exc: BaseException, context: RunContext) -> dict[str, Any]:
    return {
        **dict.fromkeys(context.outcomes, float("nan")),
        **dict.fromkeys(context.curves),
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        **task.values,
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}",
        "seconds": float("nan"),
        "code": None,
    }


def _failure(record: dict[str, Any]) -> dict[str, Any]:
    return {"point": record["point"], "replicate": record["replicate"], "error": record["error"]}


def _failed(store: SweepStore) -> list[dict[str, Any]]:
    frame = store.read(columns=["point", "replicate", "status", "error"])
    bad = frame[frame["status"] == "failed"]
    return [_failure(r) for r in bad.to_dict("records")]
