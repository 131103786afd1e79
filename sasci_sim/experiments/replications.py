"""Replications of a scenario -> tidy tables (ODD: Design concepts, Stochasticity).

Replication r of a scenario with root seed s runs with seed derive_seed(s, r),
so any replication can be rerun alone and results do not depend on order.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sasci_sim.analysis.summary import summarise, summarise_run
from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.model.social_care import SocialCareModel, with_levers
from sasci_sim.output.results import RunResult
from sasci_sim.seeds import derive_seed

#: A model holds reference cycles (Mesa agents and events point back to it), so Python frees it only
#: at a later full collection: several finished models' arrays would stay in memory at once. One this
#: big (provider x innovation cells, about 16 MB of arrays) is collected at once; smaller ones are not worth the
#: collection's tenth of a second.
FREE_AT_ONCE_CELLS = 250_000


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
    model = SocialCareModel(scenario, rng=seed, provider_agents=False)
    model.run()
    spread = model.recorder.tidy(model, replication)
    money = model.recorder.money(replication)
    figures = summarise_run(spread, money, scenario)
    if model.providers.state.size >= FREE_AT_ONCE_CELLS:
        del model
        gc.collect()
    return spread, money, {"replication": replication, **figures}


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
    can be rerun alone and comparisons share their luck.

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
    for r, s in enumerate(seeds):
        spread, money, figures = run_one(cfg, r, s)
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
