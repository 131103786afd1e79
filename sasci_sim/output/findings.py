"""Key findings as plain sentences, generated from the numbers (never written by hand).

A comparison's findings set each scenario against the first, figure by figure,
with the paired interval of ``sasci_sim.analysis.intervals``; a run's findings describe
its summary figures with their range over replications. Every finding names the
levers it leans on (settings that differ from the scenario it is set against)
and their evidence grades from the schema.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sasci_sim.analysis.intervals import PCT, Estimate, paired_difference, ratio_of_means
from sasci_sim.config.diff import LeverDiff, group, lever_differences, weakest
from sasci_sim.config.schema import KINDS, Scenario
from sasci_sim.output.results import Finding, RunResult
from sasci_sim.output.wording import KIND_WORDS, Figure, change, figure, period, scenario_title, value

#: Figures a comparison reports on, in order; the first is always stated, the others when clear.
HEADLINE = (
    "final_sustained_share",
    *(f"final_sustained_share_{k}" for k in KINDS),
    "share_at_scale",
    "pilots_abandoned_at_grant_end",
    "ever_abandoned_share",
    "council_spend_k",
    "council_savings_k",
)
COMPARATIVES = {  # measure -> (times as ..., more, fewer)
    "countable": ("many", "more", "fewer"),
    "amount": ("high", "higher", "lower"),
    "duration": ("long", "longer", "shorter"),
}


def lever_grades(diffs: Sequence[LeverDiff]) -> tuple[tuple[str, str], ...]:
    """Differing settings grouped into levers (a funder list is one lever), each with its weakest grade.

    Args:
        diffs: The settings that differ between the scenarios.

    Returns:
        (lever, weakest grade) pairs in the order the levers first appear.
    """
    groups: dict[str, list[str]] = {}
    for d in diffs:
        groups.setdefault(group(d.key), []).append(d.grade)
    return tuple((name, weakest(grades) or "ungraded") for name, grades in groups.items())


def overall_grade(leans_on: Sequence[tuple[str, str]]) -> str:
    """A finding is only as strong as the weakest evidence behind the levers it leans on.

    Args:
        leans_on: (lever, grade) pairs, as ``lever_grades`` gives them.

    Returns:
        The weakest grade, or "ungraded" when none is graded.
    """
    return weakest([g for _, g in leans_on]) or "ungraded"


def _pct(x: float) -> str:
    x = abs(x) * 100
    return f"{x:.0f}%" if x >= 10 else f"{x:.1f}%"


def _ratio_words(r: Estimate, measure: str) -> tuple[str, str, str]:
    """(change, interval, comparison word) for a clear ratio: '2.3 times as many', '39% more', '20% fewer'."""
    times, more, fewer = COMPARATIVES[measure]
    assert r.low is not None and r.high is not None
    if r.estimate >= 2:
        return f"{r.estimate:.1f} times as {times}", f"{r.low:.1f} to {r.high:.1f} times", "as"
    if r.estimate > 1:
        return f"{_pct(r.estimate - 1)} {more}", f"{_pct(r.low - 1)} to {_pct(r.high - 1)} {more}", "than"
    return f"{_pct(1 - r.estimate)} {fewer}", f"{_pct(1 - r.high)} to {_pct(1 - r.low)} {fewer}", "than"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def pair_sentence(
    key: str, name: str, base_name: str, x: np.ndarray, base: np.ndarray, steps: int, always: bool = False
) -> str | None:
    """One figure of a scenario against the first; None if the difference is not clear (unless ``always``).

    The sentence says the size of the difference as readers compare things (times as many,
    percent more or fewer) with its paired interval, and only claims what the interval shows.

    Args:
        key: The summary figure.
        name: The scenario compared.
        base_name: The first scenario.
        x: The figure per replication under ``name``.
        base: The figure per replication under ``base_name``, paired by replication.
        steps: Months run, for "over 10 years".
        always: Whether to say something even when the difference is not clear.

    Returns:
        The sentence, or None.
    """
    fig: Figure = figure(key)
    ok = np.isfinite(x) & np.isfinite(base)
    if not ok.any():
        return None
    a, b = value(float(x[ok].mean()), fig.unit), value(float(base[ok].mean()), fig.unit)
    title, base_title = scenario_title(name), scenario_title(base_name)
    diff = paired_difference(x, base)
    if diff.low is None or diff.high is None:
        if not always:
            return None
        return (
            f"{title}: {_lower(fig.label)}, {a} against {b} under {base_title} "
            f"(one replication, so no interval: use two or more replications)."
        )
    spread = f"difference {change(diff.estimate, fig.unit)}, {PCT}% interval {change(diff.low, fig.unit)} to {change(diff.high, fig.unit)}"
    if not diff.clear:
        if not always:
            return None
        return f"{title}: no clear difference from {base_title} in {_lower(fig.label)} ({a} against {b}; {spread})."
    ratio = ratio_of_means(x, base)
    if ratio.low is None or ratio.high is None or not fig.noun or ratio.low <= 0:
        return f"{title}: {_lower(fig.label)}, {a} against {b} under {base_title} ({spread})."
    words, interval, link = _ratio_words(ratio, fig.measure)
    when = f" over {period(steps)}" if fig.measure == "amount" else ""
    numbers = f"({a} against {b}{when}; {PCT}% interval {interval})"
    if fig.measure == "countable":
        predicate = fig.predicate.format(period=period(steps))
        return f"{title}: {words} {fig.noun} {predicate} {link} under {base_title} {numbers}."
    return f"{title}: {fig.noun} {fig.verb} {words} {link} under {base_title} {numbers}."


def _paired(runs: pd.DataFrame, base_runs: pd.DataFrame, key: str) -> tuple[np.ndarray, np.ndarray]:
    """A figure's values in both scenarios, paired by replication."""
    merged = runs[["replication", key]].merge(base_runs[["replication", key]], on="replication", suffixes=("", "_b"))
    return merged[key].to_numpy(dtype=float), merged[f"{key}_b"].to_numpy(dtype=float)


def comparison_findings(results: Sequence[RunResult]) -> list[Finding]:
    """Each scenario against the first: the headline figure always, the others where the difference is clear.

    Args:
        results: The runs, first scenario first, replications paired by seed.

    Returns:
        The findings, each with the levers it leans on and its weakest grade.
    """
    base = results[0]
    out: list[Finding] = []
    for res in results[1:]:
        leans = lever_grades(lever_differences([base.scenario, res.scenario]))
        grade = overall_grade(leans)
        for i, key in enumerate(HEADLINE):
            if key not in res.runs or key not in base.runs:
                continue
            x, b = _paired(res.runs, base.runs, key)
            text = pair_sentence(
                key, res.scenario.name, base.scenario.name, x, b, res.scenario.simulation.steps, always=i == 0
            )
            if text is not None:
                out.append(Finding(text, res.scenario.name, key, leans, grade))
    return out


def _fig(summary: dict[str, dict[str, float]], key: str) -> tuple[float, float, float] | None:
    entry = summary.get(key)
    if not entry or entry.get("mean") is None:
        return None
    return entry["mean"], entry["p5"], entry["p95"]


def run_findings(result: RunResult, reference: Scenario) -> list[Finding]:
    """A run's headline figures in words; they lean on the settings that differ from ``reference``.

    Args:
        result: The run.
        reference: The scenario whose settings count as given (the built-in baseline).

    Returns:
        The findings of the run, in the order of the headline figures.
    """
    s, summary = result.scenario, result.summary
    leans = lever_grades(lever_differences([reference, s]))
    grade = overall_grade(leans)
    n = len(result.seeds)
    when = period(s.simulation.steps)
    texts: list[tuple[str, str]] = []
    sustained = _fig(summary, "final_sustained_share")
    if sustained is not None:
        mean, p5, p95 = sustained
        texts.append(
            (
                "final_sustained_share",
                f"After {when}, {value(mean, 'share')} of providers sustain the average innovation "
                f"(5-95% range over {n} replication{'s' if n != 1 else ''}: {value(p5, 'share')} to {value(p95, 'share')}).",
            )
        )
    kinds = [(k, _fig(summary, f"final_sustained_share_{k}")) for k in KINDS]
    parts = [f"{KIND_WORDS[k]} {value(f[0], 'share')}" for k, f in kinds if f is not None]
    if len(parts) > 1:
        texts.append(
            ("final_sustained_share_by_kind", f"By kind of innovation, providers sustaining it: {', '.join(parts)}.")
        )
    scale = _fig(summary, "share_at_scale")
    if scale is not None:
        m = len(s.innovations)
        texts.append(
            (
                "share_at_scale",
                f"On average {scale[0] * m:.1f} of the {m} innovations are at scale after {when} (sustained by at "
                f"least {s.scale.provider_share:.0%} of providers or present in at least {s.scale.council_share:.0%} of councils).",
            )
        )
    cliff, lost = _fig(summary, "pilots_abandoned_at_grant_end"), _fig(summary, "share_of_grants_lost_at_cliff")
    if cliff is not None:
        share = f" ({value(lost[0], 'share')} of grants)" if lost is not None and 0 <= lost[0] <= 1 else ""
        texts.append(
            (
                "pilots_abandoned_at_grant_end",
                f"On average {cliff[0]:.0f} pilots are abandoned when their grant ends{share}, over {when}.",
            )
        )
    reach, months = _fig(summary, "share_reaching_10pct"), _fig(summary, "months_to_10pct")
    if reach is not None:
        tail = (
            ""
            if months is None or not math.isfinite(months[0])
            else f"; those that do take {months[0]:.0f} months on average"
        )
        texts.append(
            (
                "share_reaching_10pct",
                f"{value(reach[0], 'share')} of innovations are ever piloted or sustained by 10% of providers{tail}.",
            )
        )
    return [Finding(text, s.name, key, leans, grade) for key, text in texts]
