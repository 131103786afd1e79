"""One run of a sweep, as executed on a worker: design point + replicate + seed -> a record.

``run_task`` is what executors receive; it never raises for a run that fails
(bad parameter combination, model error): it returns a record with status
``failed`` and the error, so one bad point cannot stop a sweep. Everything it
needs travels in a small picklable ``RunContext``, so it works the same in this
process, a process pool or on Dask workers.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sasci_sim.config.loader import validate
from sasci_sim.errors import InputError
from sasci_sim.experiments.simulate import run_outcomes
from sasci_sim.experiments.sweep.experiment import SIMULATOR, Experiment, apply_values
from sasci_sim.experiments.sweep.keys import ScenarioKey
from sasci_sim.experiments.sweep.models import resolve_model
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
    """Run one design point replicate and return its record (status ``ok`` or ``failed``).

    A failure is recorded with its message, so one bad point does not stop the sweep.

    Args:
        context: What the experiment's runs share.
        task: The point, replicate, seed and values.

    Returns:
        The run's record: identifiers, values, outcomes, status, error and seconds.
    """
    record: dict[str, Any] = {"point": task.point, "replicate": task.replicate, "seed": task.seed, **task.values}
    start = time.perf_counter()
    try:
        result = _simulate(context, task) if context.model == SIMULATOR else _stand_in(context, task)
        record.update(_pick(context, result))
        record.update(status="ok", error=None)
    except Exception as exc:  # a failed run is data, not a crash
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
        record.update({name: math.nan for name in context.outcomes})
        record.update({name: None for name in context.curves})
        text = (
            exc.message.removeprefix("error: ") if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}{at}"
        )
        record.update(status="failed", error=text)
    record["seconds"] = time.perf_counter() - start
    record["code"] = code_fingerprint()  # a cluster worker with other code shows up here
    return record


def _simulate(context: RunContext, task: RunTask) -> Mapping[str, Any]:
    values = {context.keys[k]: v for k, v in task.values.items()}
    scenario = validate(apply_values(context.base, values), f"design point {task.point}")  # type: ignore[arg-type]
    return run_outcomes(scenario, task.seed, task.replicate)


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
