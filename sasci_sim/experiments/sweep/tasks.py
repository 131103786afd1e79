"""The runs of a sweep, as executed on a worker: design point + replicate + seed -> a record.

A task is a list of runs (``run_tasks``, what executors receive). The simulator's runs of a
task are stepped together by the ensemble engine (``experiments.simulate.run_outcomes_many``:
runs that differ only in ``model.blocks.PER_RUN_PARAMETERS`` share a batch), and every run's
record is the one it gives alone, so the task size changes speed, never results. A task never
raises for a run that fails (bad parameter combination, model error): that run's record has
status ``failed`` and the error, so one bad point cannot stop a sweep; if a batch fails, its
runs are run again one at a time (``run_task``) so each gets its own record. Everything a task
needs travels in a small picklable ``RunContext``, so it works the same in this process, a
process pool or on Dask workers.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.simulate import run_outcomes, run_outcomes_many
from sasci_sim.experiments.sweep.experiment import SIMULATOR, Experiment, apply_values
from sasci_sim.experiments.sweep.keys import SPECIAL_LEVERS, ScenarioKey
from sasci_sim.experiments.sweep.models import resolve_model
from sasci_sim.model.blocks import PER_RUN_PARAMETERS, SHARED_WHETHER_POSITIVE
from sasci_sim.output.folders import code_fingerprint


@dataclass(frozen=True)
class RunContext:
    """What every run of one experiment shares (shipped with each task)."""

    model: str
    base: dict[str, Any] | None
    keys: dict[str, ScenarioKey]
    outcomes: tuple[str, ...]
    curve_points: dict[str, tuple[str, int]]
    curves: tuple[str, ...]
    allow_code: bool = False

    @classmethod
    def of(cls, experiment: Experiment) -> RunContext:
        """What every run of ``experiment`` needs, gathered once.

        Args:
            experiment: The experiment.

        Returns:
            What its runs share, as plain data a worker process can receive.
        """
        base = experiment.base.model_dump() if experiment.base is not None else None
        return cls(
            experiment.spec.model,
            base,
            dict(experiment.keys),
            experiment.outcomes,
            dict(experiment.curve_points),
            experiment.curves,
            experiment.allow_code,
        )


@dataclass(frozen=True)
class RunTask:
    """One run: a design point's values, its replicate and its seed."""

    point: int
    replicate: int
    seed: int
    values: dict[str, Any]


def run_task(context: RunContext, task: RunTask) -> dict[str, Any]:
    """Run one design point replicate alone and return its record (status ``ok`` or ``failed``).

    A failure is recorded with its message, so one bad point does not stop the sweep.

    Args:
        context: What the experiment's runs share.
        task: The point, replicate, seed and values.

    Returns:
        The run's record: identifiers, values, outcomes, status, error and seconds.
    """
    start = time.perf_counter()
    try:
        result = _simulate(context, task) if context.model == SIMULATOR else _stand_in(context, task)
    except Exception as exc:  # a failed run is data, not a crash
        return _failed(context, task, exc, time.perf_counter() - start)
    return _record(context, task, result, time.perf_counter() - start)


def run_tasks(context: RunContext, tasks: Sequence[RunTask]) -> list[dict[str, Any]]:
    """Run a task's runs (the simulator's stepped together) and return one record per run, in order.

    Each record is what ``run_task`` gives for that run alone, except ``seconds``: a run
    stepped in a batch is charged its scenario's checking (done once for runs with the same
    values) and an equal share of the batch's time. A run whose scenario the schema refuses fails on its own; if the batch itself fails
    (a model error in one of its runs), every run of it is run again alone, so the failing run
    gets its own record and the others theirs.

    Args:
        context: What the experiment's runs share.
        tasks: The runs of this task.

    Returns:
        Their records, in the order given.
    """
    if context.model != SIMULATOR or len(tasks) == 1:
        return [run_task(context, task) for task in tasks]
    records: dict[int, dict[str, Any]] = {}
    ready: list[tuple[int, Scenario, float]] = []
    checked: dict[str, Scenario] = {}  # a point's replicates share its values: its scenario is checked once
    for i, task in enumerate(tasks):
        start = time.perf_counter()
        key = repr(sorted(task.values.items()))
        try:
            scenario = checked.get(key) or checked.setdefault(key, _scenario(context, task))
            ready.append((i, scenario, time.perf_counter() - start))
        except Exception as exc:  # the schema refused this point: its own failed record
            records[i] = _failed(context, task, exc, time.perf_counter() - start)
    if ready:
        start = time.perf_counter()
        try:
            results = run_outcomes_many(
                [scenario for _, scenario, _ in ready],
                [tasks[i].seed for i, _, _ in ready],
                [tasks[i].replicate for i, _, _ in ready],
            )
            share = (time.perf_counter() - start) / len(ready)
            for (i, _, checking), result in zip(ready, results, strict=True):
                records[i] = _record(context, tasks[i], result, checking + share)
        except Exception:  # some run of the batch fails: run each alone, so each gets its own record
            for i, _, _ in ready:
                records[i] = run_task(context, tasks[i])
    return [records[i] for i in range(len(tasks))]


def shares_batches(context: RunContext, task: RunTask) -> str:
    """What a run must have in common with others to be stepped in one batch with them.

    The run's values less those of ``model.blocks.PER_RUN_PARAMETERS`` (the same base scenario
    then gives the same ``model.ensemble.batch_key``): of a joint fund's size only whether it is
    above 0, and a flat lever that sets several scenario values (``joint_funding``) is kept
    whole, even though the key it names is per run. A stand-in model has no batches, so only
    its run itself. The runner keeps runs alike in this into the same tasks.

    Args:
        context: What the experiment's runs share.
        task: The run.

    Returns:
        A text that is equal for runs that can share a batch.
    """
    if context.model != SIMULATOR:
        return f"{task.point}/{task.replicate}"
    kept = []
    for k, v in sorted(task.values.items()):
        path = context.keys[k].path
        if k in SPECIAL_LEVERS or path not in PER_RUN_PARAMETERS:
            kept.append((k, v))
        elif path in SHARED_WHETHER_POSITIVE:
            kept.append((k, v > 0))  # a fund or none: that is shared by a batch's runs
    return repr(kept)


def _record(context: RunContext, task: RunTask, result: Mapping[str, Any], seconds: float) -> dict[str, Any]:
    record: dict[str, Any] = {"point": task.point, "replicate": task.replicate, "seed": task.seed, **task.values}
    try:
        record.update(_pick(context, result))
    except Exception as exc:  # e.g. a stand-in that returns no such outcome
        return _failed(context, task, exc, seconds)
    record.update(status="ok", error=None, seconds=seconds, code=code_fingerprint())
    return record


def _failed(context: RunContext, task: RunTask, exc: Exception, seconds: float) -> dict[str, Any]:
    record: dict[str, Any] = {"point": task.point, "replicate": task.replicate, "seed": task.seed, **task.values}
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    record.update({name: math.nan for name in context.outcomes})
    record.update({name: None for name in context.curves})
    text = exc.message.removeprefix("error: ") if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}{at}"
    record.update(status="failed", error=text, seconds=seconds)
    record["code"] = code_fingerprint()  # a cluster worker with other code shows up here
    return record


def _scenario(context: RunContext, task: RunTask) -> Scenario:
    values = {context.keys[k]: v for k, v in task.values.items()}
    return validate(apply_values(context.base, values), f"design point {task.point}")  # type: ignore[arg-type]


def _simulate(context: RunContext, task: RunTask) -> Mapping[str, Any]:
    return run_outcomes(_scenario(context, task), task.seed, task.replicate)


def _stand_in(context: RunContext, task: RunTask) -> Mapping[str, Any]:
    result = resolve_model(context.model, allow_code=context.allow_code)(**task.values, seed=task.seed)
    if not isinstance(result, Mapping):
        raise TypeError(f"{context.model} returned {type(result).__name__}, not a mapping of outcomes")
    return result


def _pick(context: RunContext, result: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in context.outcomes:
        if name in context.curve_points:
            curve, step = context.curve_points[name]
            values = result[curve]
            out[name] = float(values[step]) if step < len(values) else math.nan
        elif name in result:
            out[name] = float(result[name])
        else:
            raise KeyError(f"the model returned no outcome {name!r} (it returned {', '.join(map(str, result))})")
    for curve in context.curves:
        out[curve] = [float(v) for v in result[curve]]
    return out
