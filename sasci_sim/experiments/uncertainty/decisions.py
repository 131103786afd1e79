"""What a comparison over posterior draws tells: figures over draws and seeds, robustness, decisive parameters.

For each figure and scenario against the first, the paired difference is a draws x
seeds table. Its mean is the difference; its interval is the 5-95% range of the draws'
mean differences (what the plausible parameter sets say, seed noise averaged within
each); robustness is the share of draws with the overall sign; the variance split says
how much of the spread is parameters and how much chance. For the headline figure, an
uncertain finding's decisive parameters come from PRIM scenario discovery over the
draws (``sasci_sim.experiments.sweep.discovery``, EMA Workbench), and every parameter
is ranked by its standardised regression coefficient on the draws' mean differences.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sasci_sim.analysis.draws import draw_means, robustness, standardised_coefficients, variance_split
from sasci_sim.analysis.intervals import ratio_of_means
from sasci_sim.config.diff import lever_differences
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.compare import analyse
from sasci_sim.experiments.replications import run_replications
from sasci_sim.experiments.sweep.discovery import discover
from sasci_sim.experiments.sweep.experiment import Discovery
from sasci_sim.experiments.uncertainty.posterior import draw_parameters, load_posterior, posterior_path
from sasci_sim.experiments.uncertainty.runs import DrawRuns, run_over_draws
from sasci_sim.output.findings import HEADLINE, comparison_findings
from sasci_sim.output.results import RunResult
from sasci_sim.output.uncertainty_report import MIN_DISCOVERY_DRAWS, ROBUST, DrawsComparison, Influence, Limit, Verdict
from sasci_sim.output.wording import ordered


def paired_table(x: pd.DataFrame, base: pd.DataFrame, key: str, replications: int) -> np.ndarray:
    """A figure's paired difference as a draws x seeds array (NaN where undefined).

    Args:
        x: The compared scenario's pooled runs table.
        base: The first scenario's pooled runs table.
        key: The figure.
        replications: Seeds per draw.

    Returns:
        The draws x seeds array.
    """
    merged = x[["replication", key]].merge(base[["replication", key]], on="replication", suffixes=("", "_b"))
    merged = merged.sort_values("replication")
    d = merged[key].to_numpy(float) - merged[f"{key}_b"].to_numpy(float)
    return d.reshape(-1, replications)


def _quantiles(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [0.05, 0.95])
    return float(low), float(high)


def draw_ratios(x: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Each draw's ratio of means (x over base), NaN where the base mean is zero.

    Args:
        x: Draws x seeds values of the compared scenario.
        base: Draws x seeds values of the first scenario.

    Returns:
        One ratio per draw.
    """
    mx, mb = draw_means(x), draw_means(base)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mb != 0, mx / mb, np.nan)


def figure_rows(runs: DrawRuns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """figures.csv (today's columns over draws and seeds, plus ``robustness``) and uncertainty.csv.

    Args:
        runs: The pooled runs over the draws.

    Returns:
        The figures table and the uncertainty table.
    """
    results, reps = runs.pooled, runs.replications
    base = results[0].runs.sort_values("replication")
    keys = ordered([c for c in base.columns if c != "replication"])
    rows: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for key in keys:
        for i, res in enumerate(results):
            if key not in res.runs:
                continue
            own = res.runs.sort_values("replication")[key].to_numpy(float)
            finite = own[np.isfinite(own)]
            p5, p95 = _quantiles(own)
            own_split = variance_split(own.reshape(-1, reps))
            row: dict[str, Any] = {
                "figure": key,
                "scenario": res.scenario.name,
                "mean": float(finite.mean()) if finite.size else float("nan"),
                "p5": p5,
                "p95": p95,
                "replications": int(finite.size),
            }
            info: dict[str, Any] = {
                "figure": key,
                "scenario": res.scenario.name,
                "draws": len(runs.draws),
                "seeds_per_draw": reps,
                "figure_parameter_share": own_split.parameter_share,
            }
            if i > 0:
                d = paired_table(res.runs, base, key, reps)
                overall = float(np.nanmean(d)) if np.isfinite(d).any() else float("nan")
                means = draw_means(d)
                low, high = _quantiles(means)
                xs = res.runs.sort_values("replication")[key].to_numpy(float)
                ratio = ratio_of_means(xs, base[key].to_numpy(float))
                rlow, rhigh = _quantiles(draw_ratios(xs.reshape(-1, reps), base[key].to_numpy(float).reshape(-1, reps)))
                split = variance_split(d)
                rob = robustness(means, overall)
                row |= {
                    "difference": overall,
                    "difference_low": low,
                    "difference_high": high,
                    "pairs": int(np.isfinite(d).sum()),
                    "ratio": ratio.estimate,
                    "ratio_low": rlow,
                    "ratio_high": rhigh,
                    "robustness": rob,
                }
                info |= {
                    "difference": overall,
                    "robustness": rob,
                    "uncertain": not (rob >= ROBUST),
                    "between_draw_variance": split.between,
                    "within_draw_variance": split.within,
                    "parameter_share": split.parameter_share,
                    "chance_share": 1 - split.parameter_share,
                }
            rows.append(row)
            extra.append(info)
    return pd.DataFrame(rows), pd.DataFrame(extra)


def verdict(runs: DrawRuns, i: int, key: str) -> Verdict:
    """Scenario ``i`` against the first on one figure: robustness, decisive limits and influences.

    Args:
        runs: The pooled runs over the draws.
        i: The compared scenario's position (at least 1).
        key: The figure.

    Returns:
        The verdict.
    """
    base, res = runs.pooled[0], runs.pooled[i]
    d = paired_table(res.runs, base.runs.sort_values("replication"), key, runs.replications)
    overall = float(np.nanmean(d)) if np.isfinite(d).any() else float("nan")
    means = draw_means(d)
    low, high = _quantiles(means)
    rob = robustness(means, overall)
    params = [str(c) for c in runs.draws.columns]
    x = runs.draws.reset_index(drop=True).astype(float)
    sens = standardised_coefficients(x.to_numpy(float), means, params)
    ranked = sorted(
        (Influence(p, c) for p, c in sens.coefficients.items() if np.isfinite(c)),
        key=lambda inf: -abs(inf.coefficient),
    )
    limits: tuple[Limit, ...] = ()
    if np.isfinite(rob) and rob < ROBUST and len(means) >= MIN_DISCOVERY_DRAWS:
        reverses = np.sign(means) != np.sign(overall)
        spec = Discovery(outcome=key, at_least=0, describe="the finding reverses", min_coverage=0.5, boxes=1)
        found = discover(x, reverses, spec, set())
        if found.rules:
            limits = tuple(Limit(c.parameter, c.low, c.high) for c in found.rules[0].conditions)
    return Verdict(
        scenario=res.scenario.name,
        base=base.scenario.name,
        figure=key,
        difference=overall,
        low=low,
        high=high,
        robustness=rob,
        parameter_share=variance_split(d).parameter_share,
        draws=len(means),
        limits=limits,
        influences=tuple(ranked),
        r_squared=sens.r_squared,
    )


def per_draw(result: RunResult, replications: int) -> RunResult:
    """A pooled run with one row per draw (its mean over the draw's seeds), numbered by draw.

    Args:
        result: A scenario's pooled run over the draws.
        replications: Seeds per draw.

    Returns:
        The run with ``runs`` holding draw means; ``replication`` is the draw's number.
    """
    table = result.runs.assign(replication=result.runs["replication"] // replications)
    means = table.groupby("replication", as_index=False).mean(numeric_only=True)
    return RunResult(result.scenario, result.seeds, result.spread, result.money, means, result.summary)


def analyse_draws(runs: DrawRuns, sources: dict[str, str], posterior: str) -> DrawsComparison:
    """The comparison over draws: pooled findings, figures over draws and seeds, verdicts per scenario.

    Args:
        runs: The pooled runs over the draws.
        sources: Scenario name -> "run" (pooled runs are always assembled for this comparison).
        posterior: The posterior file, for the report.

    Returns:
        The comparison, with ``figures`` carrying ``robustness``.
    """
    pooled = analyse(runs.pooled, sources)
    figures, uncertainty = figure_rows(runs)
    # Key findings pair draw means, not single seeds: their interval then covers the parameters too.
    findings = comparison_findings([per_draw(r, runs.replications) for r in runs.pooled])
    key = next(k for k in HEADLINE if k in runs.pooled[0].runs)
    verdicts = [verdict(runs, i, key) for i in range(1, len(runs.pooled))]
    differences = {
        r.scenario.name: draw_means(paired_table(r.runs, runs.pooled[0].runs, key, runs.replications))
        for r in runs.pooled[1:]
    }
    return DrawsComparison(
        results=pooled.results,
        sources=sources,
        figures=figures,
        levers=lever_differences([r.scenario for r in runs.pooled]),
        findings=findings,
        draws=runs.draws,
        replications=runs.replications,
        posterior=posterior,
        uncertainty=uncertainty,
        verdicts=verdicts,
        draw_differences=differences,
        reused=runs.reused,
    )


def compare_over_draws(
    scenarios: list[Scenario],
    out: Path,
    *,
    draws: int,
    posterior: Path | None = None,
    replications: int | None = None,
    seed: int | None = None,
    steps: int | None = None,
    workers: int = 1,
    runner: Callable[[Scenario], RunResult] = run_replications,
    on_done: Callable[[], None] | None = None,
) -> DrawsComparison:
    """``compare --draws K``: draw K parameter sets, run every scenario under each, and analyse.

    Args:
        scenarios: The scenarios, first scenario first.
        out: The output folder (draw runs are kept and reused in ``out/draws/``).
        draws: How many parameter sets (K >= 1).
        posterior: A calibrate output folder; None for the shipped posterior.
        replications: Seeds per draw (default: the first scenario's replications).
        seed: The root seed (default: the first scenario's).
        steps: Months, when overridden.
        workers: Processes running draw runs at once.
        runner: How to run a resolved scenario.
        on_done: Called after each (draw, scenario) run (progress).

    Returns:
        The comparison over draws.

    Raises:
        InputError: Without a posterior, on a bad posterior, or with fewer than two scenarios.
    """
    if len(scenarios) < 2:
        raise InputError("command line", "scenarios", "compare needs at least two scenarios", got=len(scenarios))
    path = posterior_path(posterior)
    first = scenarios[0].simulation
    reps = replications if replications is not None else first.replications
    root = seed if seed is not None else first.seed
    table = draw_parameters(load_posterior(path), draws, root)
    runs = run_over_draws(
        scenarios,
        table,
        out,
        replications=reps,
        seed=root,
        steps=steps,
        workers=workers,
        runner=runner,
        on_done=on_done,
    )
    return analyse_draws(runs, {s.name: "run" for s in scenarios}, str(path))
