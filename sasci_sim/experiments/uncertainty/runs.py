"""Scenarios run over posterior draws: common random numbers within a draw, runs reused by manifest.

Draw d of a comparison with root seed s runs every scenario with the draw's parameter
values and the root seed ``derive_seed(s, 15, d)``, so within a draw every scenario
uses the same R replication seeds (common random numbers), while different draws have
different luck (so chance and parameters can be told apart). Each (draw, scenario)
run is kept in ``OUT/draws/<scenario>/<digest>/`` (tables and manifest only) and is
reused when its manifest matches exactly, as ``sasci_sim.experiments.compare`` does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sasci_sim.analysis.summary import summarise
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.compare import load_run, resolve
from sasci_sim.experiments.replications import replication_seeds, run_replications
from sasci_sim.experiments.uncertainty.posterior import DRAW_STREAM, draw_keys, with_draw
from sasci_sim.output.folders import manifest, safe_child, write_json, write_run
from sasci_sim.output.results import RunResult
from sasci_sim.seeds import derive_seed

DRAWS_FOLDER = "draws"


@dataclass
class DrawRuns:
    """Every scenario's runs over the draws, pooled; replication ``d * R + r`` is seed r of draw d.

    Attributes:
        pooled: One run per scenario (first scenario first) holding all draws' replications.
        draws: The parameter sets, one row per draw.
        replications: Seeds per draw (R).
        reused: How many (draw, scenario) runs were read back rather than run.
    """

    pooled: list[RunResult]
    draws: pd.DataFrame
    replications: int
    reused: int = 0


def draw_scenario(
    scenario: Scenario, draws: pd.DataFrame, d: int, replications: int, seed: int, steps: int | None
) -> Scenario:
    """Draw ``d``'s resolved scenario: the draw's values set, its own root seed, R replications.

    Args:
        scenario: The scenario as loaded.
        draws: The drawn parameter sets.
        d: The draw's number.
        replications: Seeds per draw.
        seed: The comparison's root seed.
        steps: Months, when overridden.

    Returns:
        The resolved scenario of that draw.
    """
    keys = draw_keys(draws, scenario, "posterior")
    drawn = with_draw(scenario, keys, draws.iloc[d])
    return resolve(drawn, replications, derive_seed(seed, DRAW_STREAM, d), steps)


def cache_folder(out: Path, scenario: Scenario) -> Path:
    """Where a (draw, scenario) run is kept: named by a digest of the resolved scenario and its seeds.

    Args:
        out: The output folder.
        scenario: The resolved draw scenario.

    Returns:
        ``out/draws/<name>/<digest>``.
    """
    text = json.dumps([scenario.model_dump(mode="json"), replication_seeds(scenario)], sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return safe_child(safe_child(Path(out) / DRAWS_FOLDER, scenario.name), digest)


def keep(result: RunResult, folder: Path) -> None:
    """Write a draw run's tables and manifest (no figures: there are many draw runs), atomically.

    Args:
        result: The run.
        folder: Its cache folder.
    """
    dump = result.scenario.model_dump(mode="json")
    write_run(
        folder,
        {
            "spread.csv": lambda p: result.spread.to_csv(p, index=False),
            "money.csv": lambda p: result.money.to_csv(p, index=False),
            "runs.csv": lambda p: result.runs.to_csv(p, index=False),
            "manifest.json": lambda p: write_json(p, manifest(dump, result.seeds)),
        },
    )


def _renumber(table: pd.DataFrame, d: int, replications: int) -> pd.DataFrame:
    return table.assign(replication=table["replication"] + d * replications)


def pool(runs: Sequence[RunResult], base: Scenario, replications: int) -> RunResult:
    """One scenario's draw runs as a single run whose replication ``d * R + r`` is seed r of draw d.

    Args:
        runs: The scenario's runs, draw by draw.
        base: The scenario without draw values (resolved), which the pooled run is labelled with.
        replications: Seeds per draw.

    Returns:
        The pooled run; its seeds are every draw's seeds in order, so scenarios pair replication by replication.
    """
    spread = pd.concat([_renumber(r.spread, d, replications) for d, r in enumerate(runs)], ignore_index=True)
    money = pd.concat([_renumber(r.money, d, replications) for d, r in enumerate(runs)], ignore_index=True)
    table = pd.concat([_renumber(r.runs, d, replications) for d, r in enumerate(runs)], ignore_index=True)
    seeds = [s for r in runs for s in r.seeds]
    return RunResult(base, seeds, spread, money, table, summarise(table))


def run_over_draws(
    scenarios: Sequence[Scenario],
    draws: pd.DataFrame,
    out: Path,
    *,
    replications: int,
    seed: int,
    steps: int | None = None,
    workers: int = 1,
    runner: Callable[[Scenario], RunResult] = run_replications,
    on_done: Callable[[], None] | None = None,
) -> DrawRuns:
    """Run (or reuse) every scenario under every draw, R seeds each, common random numbers within a draw.

    Args:
        scenarios: The scenarios, first scenario first.
        draws: The parameter sets (``draw_parameters``).
        out: The output folder (draw runs are kept in ``out/draws/``).
        replications: Seeds per draw (R).
        seed: The comparison's root seed.
        steps: Months, when overridden.
        workers: Processes running draw runs at once (1 runs them here, in order).
        runner: How to run a resolved scenario (``run_replications``; must be picklable with workers > 1).
        on_done: Called after each (draw, scenario) run is ready (progress).

    Returns:
        The pooled runs, the draws, and how many runs were reused.
    """
    for scenario in scenarios:  # every posterior key must fit every scenario, before any run
        draw_keys(draws, scenario, "posterior")
    plan = [
        (i, d, draw_scenario(s, draws, d, replications, seed, steps))
        for d in range(len(draws))
        for i, s in enumerate(scenarios)
    ]
    results: dict[tuple[int, int], RunResult] = {}
    todo = []
    for i, d, resolved in plan:
        found = load_run(cache_folder(out, resolved), resolved)
        if found is not None:
            results[(i, d)] = found
            if on_done is not None:
                on_done()
        else:
            todo.append((i, d, resolved))
    reused = len(results)

    def done(i: int, d: int, resolved: Scenario, result: RunResult) -> None:
        keep(result, cache_folder(out, resolved))
        results[(i, d)] = result
        if on_done is not None:
            on_done()

    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool_:
            futures = [(i, d, r, pool_.submit(runner, r)) for i, d, r in todo]
            for i, d, r, future in futures:
                done(i, d, r, future.result())
    else:
        for i, d, r in todo:
            done(i, d, r, runner(r))
    pooled = []
    for i, scenario in enumerate(scenarios):
        base = resolve(scenario, replications, seed, steps)
        pooled.append(pool([results[(i, d)] for d in range(len(draws))], base, replications))
    return DrawRuns(pooled, draws, replications, reused)
