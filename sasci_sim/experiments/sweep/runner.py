"""Running an experiment: every design point x replicate, resumable, on any executor.

Run (point p, replicate r) of an experiment with seed s uses
``derive_seed(s, p, r)``, so its result does not depend on the executor, the
number of workers or the order runs finish. Finished runs are written as soon
as they come back; runs already on disk are skipped (run by run, never whole tasks).

A task is a list of runs that a worker steps together (``tasks.run_tasks``): runs alike in
everything but ``model.blocks.PER_RUN_PARAMETERS`` (a design point's replicates, points that
differ only in those) are put in the same tasks, so that they share the ensemble engine's
batches. Since a run's record never depends on the runs it is stepped with, results are the
same whatever the task size, the number of workers or the executor. By default a task holds
up to ``experiments.replications.batch_size`` runs of the base scenario, fewer when there are
too few runs left to give every worker ``TASKS_PER_SLOT`` tasks, but not fewer than
``EFFICIENT_TASK`` while there are enough runs for every worker to have a task that size (each
worker then gets the same number of tasks); a stand-in model's runs go one to a task. At most
``slots`` x 2 tasks are in flight, which bounds what a kill can lose.
A task that takes its worker down (Dask's ``KilledWorker``) has its runs tried again one to a
task, so only the run that does it is recorded as failed. Only runs so quick that writing each
costs more than running it (well under a second of work together, e.g. test functions) are
gathered into one part before writing.
"""

from __future__ import annotations

import math
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from sasci_sim.experiments.replications import batch_size
from sasci_sim.experiments.sweep.designs import Design, build_design
from sasci_sim.experiments.sweep.executors import Workers
from sasci_sim.experiments.sweep.experiment import Experiment
from sasci_sim.experiments.sweep.models import resolve_model
from sasci_sim.experiments.sweep.store import SweepStore
from sasci_sim.experiments.sweep.tasks import RunContext, RunTask, run_tasks, shares_batches
from sasci_sim.seeds import derive_seed

#: By default tasks are made small enough that each worker gets at least this many (load balance
#: at the end of a sweep, a progress bar that moves, little lost to a kill).
TASKS_PER_SLOT = 4
#: ...but not so small that the ensemble engine's batches and each task's own work (checking its
#: scenario, building, handing back its records) cost much more per run: 96 baseline runs (2,000
#: providers) on 2 workers ran at 18.6, 20.7 and 23.5 runs/s in tasks of 12, 16 and 24
#: (``benchmarks/ensemble.py --sweep-task-sizes 12 16 24``).
EFFICIENT_TASK = 24

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


def task_size(experiment: Experiment, runs: int, slots: int) -> int:
    """How many runs to put in one task by default.

    The simulator's runs: up to ``experiments.replications.batch_size`` of the base scenario
    (as many as the ensemble engine steps together), in tasks that give every worker the same
    number of them: ``TASKS_PER_SLOT``, or fewer where tasks would then hold fewer than
    ``EFFICIENT_TASK`` runs (down to one task a worker); more when a batch caps them. A stand-in
    model's runs: one a task.

    Args:
        experiment: The experiment.
        runs: Runs still to do.
        slots: Runs the executor works on at once.

    Returns:
        At least 1.
    """
    if not experiment.simulator or experiment.base is None:
        return 1
    batch, slots = batch_size(experiment.base), max(slots, 1)
    per_slot = max(1, min(TASKS_PER_SLOT, runs // (slots * min(EFFICIENT_TASK, batch))))
    return max(1, min(batch, math.ceil(runs / (slots * per_slot))))


def group_tasks(runs: list[RunTask], context: RunContext, size: int) -> Iterator[list[RunTask]]:
    """The runs to do as tasks of at most ``size`` runs, each task's runs able to share a batch.

    Runs are grouped by ``tasks.shares_batches`` (groups in the order of their first run, each
    group's runs in point and replicate order) and each group is cut into tasks of ``size``.

    Args:
        runs: The runs to do, in point and replicate order.
        context: What the experiment's runs share.
        size: Most runs in one task.

    Yields:
        Lists of runs.
    """
    groups: dict[str, list[RunTask]] = {}
    for run in runs:
        groups.setdefault(shares_batches(context, run), []).append(run)
    for group in groups.values():
        for first in range(0, len(group), size):
            yield group[first : first + size]


def run_sweep(
    experiment: Experiment,
    out: Path,
    workers: Workers,
    *,
    restart: bool = False,
    progress: bool = True,
    runs_per_task: int | None = None,
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
        runs_per_task: Runs in one task; by default ``task_size``. Results do not depend on it.

    Returns:
        What the sweep did.
    """
    if not experiment.simulator:
        resolve_model(experiment.spec.model, experiment.source, allow_code=experiment.allow_code)
    design = build_design(experiment)
    store = SweepStore.for_experiment(experiment, design, out, restart=restart)
    try:
        return _run(experiment, design, store, workers, progress, runs_per_task)
    finally:
        store.unlock()


def _run(
    experiment: Experiment,
    design: Design,
    store: SweepStore,
    workers: Workers,
    progress: bool,
    runs_per_task: int | None,
) -> SweepReport:
    done = store.finished()
    total = design.size * experiment.spec.replications
    report = SweepReport(store.root, total, len(done))
    report.failed = _failed(store) if done else []
    runs = [t for t in tasks(experiment, design) if (t.point, t.replicate) not in done]
    context = RunContext.of(experiment)
    size = runs_per_task or task_size(experiment, len(runs), workers.slots)
    todo = group_tasks(runs, context, size)
    again: deque[list[RunTask]] = deque()  # runs of a task that took its worker down, one to a task
    window = max(2, 2 * workers.slots)
    start = time.perf_counter()
    bar = tqdm(total=total, initial=len(done), desc=experiment.name, unit="run", disable=not progress, file=sys.stderr)
    pending: dict[Future, list[RunTask]] = {}
    unwritten = _Unwritten(store)
    try:
        while True:
            while len(pending) < window and (task := again.popleft() if again else next(todo, None)) is not None:
                pending[workers.executor.submit(run_tasks, context, task)] = task
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            records, broken = _collect(finished, pending, context, again)
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
    finished: set[Future], pending: dict[Future, list[RunTask]], context: RunContext, again: deque[list[RunTask]]
) -> tuple[list[dict[str, Any]], BaseException | None]:
    """Records of finished tasks. A run whose worker died is a failed run; a broken pool stops the sweep.

    A task of several runs whose worker died has its runs queued in ``again``, one to a task,
    so that only the run that takes its worker down is recorded as failed.
    """
    records: list[dict[str, Any]] = []
    broken = None
    for future in sorted(finished, key=lambda f: (pending[f][0].point, pending[f][0].replicate)):
        task = pending.pop(future)
        exc = future.exception()
        if exc is None:
            records += future.result()
        elif isinstance(exc, BrokenExecutor):
            broken = exc
        elif len(task) > 1:
            again.extend([run] for run in task)
        else:  # e.g. Dask's KilledWorker: the run took its worker down every time it was tried
            records.append(_lost(task[0], exc, context))
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
