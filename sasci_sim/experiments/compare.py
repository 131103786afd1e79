"""Comparing scenarios with common random numbers, reusing matching run folders.

Every scenario of a comparison runs with the same root seed and number of
replications, so replication r of each uses the same seed: differences are then
due to the levers, not to luck, and figures can be paired by replication.

A scenario is not rerun when a run folder already in the output folder holds it:
its manifest must match exactly (resolved scenario, replication seeds, code fingerprint and
sasci-sim version). Candidates are ``OUT/<name>/`` (what ``sasci-sim run --out
OUT`` writes) and the ``runs/<name>/`` folders of earlier comparisons in OUT.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sasci_sim.analysis.intervals import paired_difference, ratio_of_means
from sasci_sim.analysis.summary import summarise
from sasci_sim.config.diff import lever_differences
from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.replications import replication_seeds, run_replications
from sasci_sim.model.social_care import with_levers
from sasci_sim.output.findings import comparison_findings
from sasci_sim.output.folders import MANIFEST, files_intact, package_versions
from sasci_sim.output.results import Comparison, RunResult
from sasci_sim.output.wording import ordered

RUN_TABLES = ("spread.csv", "money.csv", "runs.csv")
#: Columns of spread.csv that the comparison's figures read.
SPREAD_NEEDS = ("replication", "step", "innovation", "kind", "providers", "sustained", "piloting", "abandoned")


def resolve(scenario: Scenario, replications: int, seed: int, steps: int | None = None) -> Scenario:
    """The scenario as ``run_replications`` resolves it with these settings (so manifests compare equal).

    Args:
        scenario: The scenario as loaded.
        replications: Replications to run.
        seed: The root seed shared by the comparison.
        steps: Months, when overridden.

    Returns:
        The resolved, validated scenario.
    """
    cfg = with_levers(scenario, {})
    data = cfg.model_dump()
    updates = {"replications": replications, "seed": seed} | ({"steps": steps} if steps is not None else {})
    data["simulation"] = {**data["simulation"], **updates}
    return validate(data, "command line")


def candidates(out: Path, name: str) -> list[Path]:
    """Run folders in ``out`` that may hold a scenario's results.

    Args:
        out: The output folder.
        name: The scenario's name.

    Returns:
        ``out/<name>`` and the run folders of earlier comparisons, to check in that order.
    """
    return [out / name, *sorted(out.glob(f"compare-*/runs/{name}"))]


def load_run(folder: Path, scenario: Scenario) -> RunResult | None:
    """A run folder's results if its manifest matches ``scenario`` exactly, else None.

    Reuse is only safe when scenario, seeds and code are exactly the same and every table is
    complete, so anything else means running again.

    Args:
        folder: A run folder.
        scenario: The resolved scenario to match.

    Returns:
        The run read back, or None.
    """
    try:
        meta = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seeds = replication_seeds(scenario)
    if not isinstance(meta, dict):
        return None
    same = (
        meta.get("scenario") == scenario.model_dump(mode="json")
        and meta.get("replication_seeds") == seeds
        and isinstance(meta.get("versions"), dict)
        and all(meta["versions"].get(k) == package_versions()[k] for k in ("sasci-sim", "sasci-sim-code"))
    )
    if not same or not files_intact(folder, RUN_TABLES):  # a table cut short or edited is not reused
        return None
    try:
        spread, money, runs = (pd.read_csv(folder / name) for name in RUN_TABLES)
    except (OSError, ValueError):
        return None
    everyone = list(range(len(seeds)))
    for table, columns in ((spread, SPREAD_NEEDS), (money, ("replication", "step")), (runs, ("replication",))):
        if not set(columns) <= set(table.columns) or sorted(set(table["replication"])) != everyone:
            return None
    if sorted(runs["replication"]) != everyone:
        return None
    return RunResult(scenario, seeds, spread, money, runs, summarise(runs))


def gather(
    scenarios: Sequence[Scenario],
    out: Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    steps: int | None = None,
    runner: Callable[[Scenario], RunResult] = run_replications,
) -> Comparison:
    """Run (or reuse) every scenario with common random numbers; defaults come from the first scenario.

    Args:
        scenarios: The scenarios, first scenario first (the others are compared with it).
        out: The output folder, searched for run folders to reuse.
        replications: Replications for every scenario.
        seed: The root seed for every scenario.
        steps: Months for every scenario, when overridden.
        runner: How to run a scenario (``run_replications``; tests pass stand-ins).

    Returns:
        The comparison, with where each run came from.

    Raises:
        InputError: With fewer than two scenarios or two of the same name.
    """
    if len(scenarios) < 2:
        raise InputError("command line", "scenarios", "compare needs at least two scenarios", got=len(scenarios))
    names = [s.name for s in scenarios]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError("command line", "scenarios", "each scenario needs its own name", got=", ".join(twice))
    first = scenarios[0].simulation
    reps = replications if replications is not None else first.replications
    root = seed if seed is not None else first.seed
    results, sources = [], {}
    for scenario in scenarios:
        resolved = resolve(scenario, reps, root, steps)
        found = next(
            ((run, path) for path in candidates(Path(out), resolved.name) if (run := load_run(path, resolved))),
            None,
        )
        if found is None:
            results.append(runner(resolved))
            sources[resolved.name] = "run"
        else:
            results.append(found[0])
            sources[resolved.name] = str(found[1])
    return analyse(results, sources)


def analyse(results: list[RunResult], sources: dict[str, str]) -> Comparison:
    """Figures table, lever differences and findings of runs that share their seeds.

    Args:
        results: The runs, first scenario first.
        sources: Scenario name -> "run" or the folder it was reused from.

    Returns:
        The comparison.

    Raises:
        ValueError: When the runs do not share their seeds (no common random numbers).
    """
    seeds = {tuple(r.seeds) for r in results}
    if len(seeds) != 1:
        raise ValueError("a comparison needs common random numbers: every run must use the same seeds")
    return Comparison(
        results=results,
        sources=sources,
        figures=figure_table(results),
        levers=lever_differences([r.scenario for r in results]),
        findings=comparison_findings(results),
    )


def figure_table(results: Sequence[RunResult]) -> pd.DataFrame:
    """One row per (figure, scenario): mean and 5-95% range; difference and ratio to the first, paired.

    Args:
        results: The runs, first scenario first.

    Returns:
        The figures table (figures.csv).
    """
    base = results[0].runs
    keys = ordered([c for c in base.columns if c != "replication"])
    rows: list[dict[str, Any]] = []
    for key in keys:
        for i, res in enumerate(results):
            if key not in res.runs:
                continue
            stats = res.summary.get(key, {})
            row: dict[str, Any] = {
                "figure": key,
                "scenario": res.scenario.name,
                "mean": stats.get("mean"),
                "p5": stats.get("p5"),
                "p95": stats.get("p95"),
                "replications": stats.get("n", 0),
            }
            if i > 0:
                merged = res.runs[["replication", key]].merge(base[["replication", key]], on="replication")
                x, b = merged[f"{key}_x"].to_numpy(float), merged[f"{key}_y"].to_numpy(float)
                d, r = paired_difference(x, b), ratio_of_means(x, b)
                row |= {
                    "difference": d.estimate,
                    "difference_low": d.low,
                    "difference_high": d.high,
                    "pairs": d.n,
                    "ratio": r.estimate,
                    "ratio_low": r.low,
                    "ratio_high": r.high,
                }
            rows.append(row)
    return pd.DataFrame(rows)
