"""Replications of a scenario -> tidy tables (ODD: Design concepts, Stochasticity).

Replication r of a scenario with root seed s runs with seed derive_seed(s, r),
so any replication can be rerun alone and results do not depend on order.
Replications are stepped together in batches (``model.ensemble.Ensemble``); a run's tables do
not depend on the batch it is in, so the batch size is a matter of speed and memory only.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from sasci_sim.analysis.summary import summarise, summarise_run
from sasci_sim.config.limits import BASE_BYTES, available_bytes, estimate
from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.model.ensemble import Ensemble, batch_key
from sasci_sim.model.social_care import with_levers
from sasci_sim.output.results import RunResult
from sasci_sim.seeds import derive_seed

#: A batch's ensemble holds no reference cycles, so it is freed as soon as it is let go. Should it ever
#: outlive that (a cycle would keep it until a later full collection, and several finished batches'
#: arrays would stay in memory at once), one this big (provider x innovation cells, about 16 MB of
#: arrays) is collected at once; smaller ones are not worth the collection's tenth of a second.
FREE_AT_ONCE_CELLS = 250_000
#: A batch of runs holds at most about this much model memory (``config.limits.estimate``: about two
#: million provider x innovation cells), at most half the memory still available, and at most
#: ``MAX_BATCH`` runs: small runs gain most from sharing a month's fixed cost; a run of England's
#: size gains little and runs alone.
BATCH_BYTES = 128 * 1024**2
MAX_BATCH = 64


def batch_size(scenario: Scenario) -> int:
    """How many runs of this scenario to step together (``BATCH_BYTES``, ``MAX_BATCH``, memory available).

    Args:
        scenario: A resolved scenario.

    Returns:
        At least 1.
    """
    per_run = max(estimate(scenario, replications=0).model - BASE_BYTES, 1)
    budget = BATCH_BYTES
    room = available_bytes()
    if room is not None:
        budget = min(budget, max(room // 2 - BASE_BYTES, 0))
    return int(max(1, min(MAX_BATCH, budget // per_run)))


def run_batch(
    scenario: Scenario | Sequence[Scenario], replications: list[int], seeds: list[int]
) -> list[tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]]:
    """Several runs stepped together: each one's spread table, money table and summary figures.

    Args:
        scenario: The resolved scenario of every run, or one per run (differing only in
            ``model.blocks.PER_RUN_PARAMETERS``).
        replications: The runs' replication numbers (written in their tables).
        seeds: Their seeds, in the same order.

    Returns:
        One (spread, money, figures) per run, in the order given; each is what the run gives alone.
    """
    ensemble = Ensemble(scenario, seeds)
    ensemble.run()
    out = []
    for b, replication in enumerate(replications):
        spread, money = ensemble.tables(b, replication)
        figures = summarise_run(spread, money, ensemble.scenarios[b])
        out.append((spread, money, {"replication": replication, **figures}))
    big = ensemble.providers.state.size >= FREE_AT_ONCE_CELLS
    kept = weakref.ref(ensemble)
    del ensemble
    if big and kept() is not None:  # something holds it in a cycle: collect it now, not later
        gc.collect()
    return out


def run_many(
    scenarios: Sequence[Scenario], seeds: Sequence[int], replications: Sequence[int] | None = None
) -> list[tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]]:
    """Any runs (calibration particles, posterior draws, design points), in as few batches as they allow.

    Runs whose scenarios differ only in ``PER_RUN_PARAMETERS`` share batches of ``batch_size``;
    the others run in batches of their own. Results do not depend on the grouping.

    Args:
        scenarios: Each run's resolved scenario.
        seeds: Each run's seed.
        replications: Each run's replication number (0 for all when None).

    Returns:
        One (spread, money, figures) per run, in the order given.
    """
    numbers = list(replications) if replications is not None else [0] * len(scenarios)
    groups: dict[str, list[int]] = {}
    for i, scenario in enumerate(scenarios):
        groups.setdefault(batch_key(scenario), []).append(i)
    out: list[tuple[pd.DataFrame, pd.DataFrame, dict[str, float]] | None] = [None] * len(scenarios)
    for members in groups.values():
        size = batch_size(scenarios[members[0]])
        for first in range(0, len(members), size):
            part = members[first : first + size]
            results = run_batch([scenarios[i] for i in part], [numbers[i] for i in part], [seeds[i] for i in part])
            for i, result in zip(part, results, strict=True):
                out[i] = result
    return [r for r in out if r is not None]


def replication_seeds(scenario: Scenario) -> list[int]:
    """The seed of each replication of a resolved scenario: ``derive_seed(root seed, r)``.

    Args:
        scenario: A resolved scenario (its ``simulation.seed`` and ``simulation.replications``).

    Returns:
        One seed per replication, in replication order.
    """
    sim = scenario.simulation
    return [derive_seed(sim.seed, r) for r in range(sim.replications)]


def run_one(scenario: Scenario, replication: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """One replication: its spread table, money table and summary figures.

    Args:
        scenario: The resolved scenario.
        replication: The replication's number.
        seed: Its seed.

    Returns:
        Its spread table, money table and a row of summary figures (with ``replication``).
    """
    return run_batch(scenario, [replication], [seed])[0]


def run_replications(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    steps: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> RunResult:
    """Run a scenario's replications; arguments given here override the file.

    Each replication's seed derives from the root seed and its number, so any replication
    can be rerun alone and comparisons share their luck. Replications are stepped together in
    batches of ``batch_size`` (identical results to running them one at a time).

    Args:
        scenario: A Scenario, a scenario file, or None for the built-in baseline.
        replications: Overrides the scenario's replications.
        seed: Overrides its root seed.
        steps: Overrides its months.
        on_done: Called with each replication's number when it finishes (progress).

    Returns:
        The run: resolved scenario, seeds, tables and summary.

    Raises:
        InputError: When the scenario or an override is invalid.
    """
    cfg = with_levers(scenario, {})
    updates = {k: v for k, v in {"replications": replications, "seed": seed, "steps": steps}.items() if v is not None}
    if updates:
        data = cfg.model_dump()
        data["simulation"] = {**data["simulation"], **updates}
        cfg = validate(data, "command line")
    seeds = replication_seeds(cfg)
    spreads, monies, rows = [], [], []
    size = batch_size(cfg)
    for first in range(0, len(seeds), size):
        numbers = list(range(first, min(first + size, len(seeds))))
        for r, (spread, money, figures) in zip(
            numbers, run_batch(cfg, numbers, seeds[first : first + size]), strict=True
        ):
            spreads.append(spread)
            monies.append(money)
            rows.append(figures)
            if on_done is not None:
                on_done(r)
    runs = pd.DataFrame(rows)
    return RunResult(
        scenario=cfg,
        seeds=seeds,
        spread=pd.concat(spreads, ignore_index=True),
        money=pd.concat(monies, ignore_index=True),
        runs=runs,
        summary=summarise(runs),
    )


def run_scenario(
    scenario: Scenario | str | Path | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    steps: int | None = None,
) -> pd.DataFrame:
    """The spread table (one row per replication, step and innovation).

    Args:
        scenario: A Scenario, a scenario file, or None for the built-in baseline.
        replications: Overrides the scenario's replications.
        seed: Overrides its root seed.
        steps: Overrides its months.

    Returns:
        The spread table of every replication.
    """
    return run_replications(scenario, replications=replications, seed=seed, steps=steps).spread
