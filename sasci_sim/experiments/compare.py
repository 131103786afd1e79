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

import numpy as np
import pandas as pd

from sasci_sim.analysis.intervals import PCT, paired_difference, ratio_of_means
from sasci_sim.analysis.summary import per_m_spent, summarise
from sasci_sim.config.diff import lever_differences
from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.replications import replication_seeds, run_replications
from sasci_sim.model.social_care import with_levers
from sasci_sim.output.findings import comparison_findings, lever_grades, overall_grade
from sasci_sim.output.folders import MANIFEST, files_intact, package_versions
from sasci_sim.output.results import Comparison, Finding, RunResult
from sasci_sim.output.wording import change, figure, ordered, scenario_title, value

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
    with_added = with_added_per_m_spent(results)
    return Comparison(
        results=results,
        sources=sources,
        figures=figure_table(with_added),
        levers=lever_differences([r.scenario for r in results]),
        findings=comparison_findings(results) + spend_findings(with_added),
    )


def spend_months(results: Sequence[RunResult]) -> list[str]:
    """Suffixes of the money-spent figures every run has: '_m<month>' per evaluation month, else '' (the end of the run)."""
    common = set.intersection(*(set(r.runs.columns) for r in results))
    months = sorted(int(c.removeprefix("money_spent_k_m")) for c in common if c.startswith("money_spent_k_m"))
    if months:
        return [f"_m{m}" for m in months]
    return [""] if "money_spent_k" in common else []


def _spent_key(suffix: str) -> str:
    """Programme money spent (grants, joint fund, national programmes; ``summary.PROGRAMME_MONEY``)."""
    return f"money_spent_k{suffix}"


def with_added_per_m_spent(results: Sequence[RunResult]) -> list[RunResult]:
    """The runs with ``added_adopters_per_m_spent<suffix>`` columns when the first scenario spends no programme money.

    The first scenario is then the counterfactual (no programme): every other scenario's sustained
    adopters above it, sector-wide and paired by replication, per million pounds it spent, is what
    its money bought. The counterfactual's own column is NaN. Runs are copied, not changed.

    Args:
        results: The runs of the comparison, first scenario first.

    Returns:
        New RunResults (same scenario, seeds and tables, with the columns added to ``runs``), or
        ``results`` unchanged when the first scenario spends money, or no scenario does.
    """
    suffixes = spend_months(results)
    base = results[0].runs.sort_values("replication")
    if not suffixes or base[_spent_key(suffixes[0])].abs().max() > 0:
        return list(results)
    if not any(r.runs[_spent_key(suffixes[0])].max() > 0 for r in results[1:]):
        return list(results)  # nobody spends: nothing was bought
    out = []
    for res in results:
        runs = res.runs.sort_values("replication").reset_index(drop=True)
        for suffix in suffixes:
            count = "sustained_adopters" + suffix
            if count not in runs or count not in base:
                continue
            merged = runs[["replication", count]].merge(
                base[["replication", count]], on="replication", suffixes=("", "_b")
            )
            added = merged[count].to_numpy(float) - merged[f"{count}_b"].to_numpy(float)
            runs[f"added_adopters_per_m_spent{suffix}"] = per_m_spent(added, runs[_spent_key(suffix)].to_numpy(float))
        out.append(RunResult(res.scenario, res.seeds, res.spread, res.money, runs, summarise(runs)))
    return out


def spend_findings(results: Sequence[RunResult]) -> list[Finding]:
    """Regimes compared at equal spend: money actually spent, and what each £m bought, against the first regime.

    The first scenario that spends programme money is the reference regime. For the end of the run and
    each evaluation month, each later regime gets two findings: its money spent against the
    reference's (so a reader sees whether spend was equal), and its outcome per £m spent against the
    reference's (added sustained adopters over a no-programme first scenario if there is one, else
    sustained adopters per £m), each a paired difference with its interval.

    Args:
        results: The runs of the comparison (with added columns, see ``with_added_per_m_spent``).

    Returns:
        Findings in order of month, then scenario.
    """
    spenders = spending(results)
    if len(spenders) < 2:
        return []
    suffixes = spend_months(results)
    ref = spenders[0]
    out: list[Finding] = []
    for suffix in suffixes:
        per_m = f"added_adopters_per_m_spent{suffix}"
        if per_m not in ref.runs:
            per_m = f"sustained_per_m_spent{suffix}"
        for res in spenders[1:]:
            diffs = lever_differences([ref.scenario, res.scenario])
            if not diffs:  # the same regime: nothing to compare
                continue
            leans = lever_grades(diffs)
            grade = overall_grade(leans)
            for key in (_spent_key(suffix), per_m):
                if key not in res.runs or key not in ref.runs:
                    continue
                text = spend_sentence(key, res, ref)
                out.append(Finding(text, res.scenario.name, key, leans, grade))
    return out


def spending(results: Sequence[RunResult]) -> list[RunResult]:
    """The runs that spend programme money, in order (the first is the reference regime of the equal-spend findings)."""
    suffixes = spend_months(results)
    return [r for r in results if suffixes and r.runs[_spent_key(suffixes[0])].max() > 0]


def is_spend_figure(key: str) -> bool:
    """Whether a finding's figure is one of the equal-spend findings' (set against the reference regime)."""
    return key.startswith(("money_spent_k", "added_adopters_per_m_spent", "sustained_per_m_spent"))


def reference_for(results: Sequence[RunResult], key: str) -> RunResult:
    """The run a finding on figure ``key`` is set against: the reference regime for spend figures, else the first.

    Args:
        results: The runs of the comparison, first scenario first.
        key: The finding's figure.

    Returns:
        The run the finding's scenario is compared with.
    """
    spenders = spending(results)
    return spenders[0] if is_spend_figure(key) and spenders else results[0]


def spend_sentence(key: str, res: RunResult, ref: RunResult) -> str:
    """One figure of a regime against the reference regime, paired, with its interval.

    Args:
        key: A figure in both runs tables.
        res: The regime.
        ref: The reference regime.

    Returns:
        A sentence naming both means, the paired difference and its interval, and whether it is clear.
    """
    merged = res.runs[["replication", key]].merge(ref.runs[["replication", key]], on="replication", suffixes=("", "_r"))
    x, b = merged[key].to_numpy(float), merged[f"{key}_r"].to_numpy(float)
    fig = figure(key)
    d = paired_difference(x, b)
    ok = np.isfinite(x) & np.isfinite(b)
    a_mean = value(float(np.mean(x[ok])) if ok.any() else None, fig.unit)
    b_mean = value(float(np.mean(b[ok])) if ok.any() else None, fig.unit)
    title, ref_title = scenario_title(res.scenario.name), scenario_title(ref.scenario.name)
    if d.low is None or d.high is None:
        return (
            f"At equal spend: {title}: {fig.label.lower()}, {a_mean} against {b_mean} under {ref_title} (no interval)."
        )
    verdict = "clearly different" if d.clear else "no clear difference"
    return (
        f"At equal spend: {title}: {fig.label.lower()}, {a_mean} against {b_mean} under {ref_title} "
        f"(difference {change(d.estimate, fig.unit)}, {PCT}% interval {change(d.low, fig.unit)} to "
        f"{change(d.high, fig.unit)}: {verdict})."
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
