"""Key findings as plain sentences, generated from the numbers (never written by hand).

A comparison's findings set each scenario against the first, figure by figure,
with the paired interval of ``sasci_sim.analysis.intervals``; a run's findings describe
its summary figures with their range over replications. Every finding names the
levers it leans on (settings that differ from the scenario it is set against)
and their evidence grades from the schema.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

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


#: The grade of a lever whose value the user set with ``--set``: its evidence is the user's, not the default's.
SET_BY_YOU = "set by you"
#: The grade of a finding that leans on no changed setting: it rests on the model's defaults as a whole.
DEFAULTS = "defaults"


def lever_grades(diffs: Sequence[LeverDiff], set_by_user: Collection[str] = ()) -> tuple[tuple[str, str], ...]:
    """Differing settings grouped into levers (a funder list is one lever), each with its weakest grade.

    Args:
        diffs: The settings that differ.
        set_by_user: Dotted keys the user set with ``--set``; their default's grade does not apply.

    Returns:
        (lever, grade) pairs; a lever whose differing settings were all set by the user is "set by you".
    """
    groups: dict[str, list[str]] = {}
    for d in diffs:
        groups.setdefault(group(d.key), []).append(SET_BY_YOU if d.key in set_by_user else d.grade)
    out = []
    for name, grades in groups.items():
        graded = weakest(grades)
        out.append((name, graded or (SET_BY_YOU if SET_BY_YOU in grades else "ungraded")))
    return tuple(out)


def overall_grade(leans_on: Sequence[tuple[str, str]]) -> str:
    """The weakest schema grade among the levers a finding leans on.

    Args:
        leans_on: (lever, grade) pairs.

    Returns:
        That grade; "set by you" if only user-set values are leant on; "defaults" if nothing differs.
    """
    if not leans_on:
        return DEFAULTS
    grades = [g for _, g in leans_on]
    return weakest(grades) or (SET_BY_YOU if SET_BY_YOU in grades else "ungraded")


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
    key: str,
    name: str | Scenario,
    base_name: str | Scenario,
    x: np.ndarray,
    base: np.ndarray,
    steps: int,
    always: bool = False,
) -> str | None:
    """One figure of a scenario against the first; None if the difference is not clear (unless ``always``).

    Args:
        key: The summary figure.
        name: The scenario (or its name), for its title.
        base_name: The first scenario (or its name).
        x: The figure per replication in the scenario.
        base: The figure per replication in the first scenario, paired with ``x``.
        steps: Months simulated.
        always: State the figure even when the difference is not clear.

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
            text = pair_sentence(key, res.scenario, base.scenario, x, b, res.scenario.simulation.steps, always=i == 0)
            if text is not None:
                out.append(Finding(text, res.scenario.name, key, leans, grade))
    return out


def _fig(summary: dict[str, dict[str, float]], key: str) -> tuple[float, float, float] | None:
    entry = summary.get(key)
    if not entry or entry.get("mean") is None:
        return None
    return entry["mean"], entry["p5"], entry["p95"]


def _of(n: int, total: int) -> str:
    """'in all 10 replications', 'in the 7 of 10 replications where any did'."""
    return f"all {total} replications" if n >= total else f"the {n} of {total} replications in which any did"


def run_findings(result: RunResult, reference: Scenario, set_by_user: Collection[str] = ()) -> list[Finding]:
    """A run's headline figures in words; they lean on the settings that differ from ``reference``.

    Args:
        result: The run.
        reference: The scenario its settings are set against (the built-in baseline).
        set_by_user: Dotted keys the user set with ``--set`` (graded "set by you").

    Returns:
        The findings, most important first.
    """
    s, summary = result.scenario, result.summary
    leans = lever_grades(lever_differences([reference, s]), set_by_user)
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
                f"On average {scale[0] * m:.1f} of the {m} innovations are at scale "
                f"after {when}: sustained by at least {s.scale.provider_share:.0%} of providers, or present in at "
                f"least {s.scale.council_share:.0%} of councils (one provider per council is enough for that).",
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
    reach = _fig(summary, "share_reaching_10pct")
    if reach is not None:
        months = summary.get("months_to_10pct") or {}
        defined = int(months.get("n") or 0)
        if reach[0] == 0 or not defined:
            tail = f": none is reached in {when}"
        else:
            tail = (
                f"; those that do take {months['mean']:.0f} months on average (averaged over {_of(defined, n)}; "
                f"the others are not reached in {when})"
            )
        gap = ""
        if scale is not None and scale[0] > reach[0]:
            gap = (
                " More innovations are at scale than reach 10% of providers because most of those at scale "
                f"get there by being present in {s.scale.council_share:.0%} of councils, not by being used widely."
            )
        texts.append(
            (
                "share_reaching_10pct",
                f"{value(reach[0], 'share')} of innovations are ever piloted or sustained by 10% of providers"
                f"{tail}.{gap}",
            )
        )
    return [Finding(text, s.name, key, leans, grade) for key, text in texts]


def run_headline(result: RunResult) -> str:
    """One or two sentences a director can read first: how far innovations spread and what is lost.

    Args:
        result: The run.

    Returns:
        The headline, from the run's summary figures.
    """
    s, summary = result.scenario, result.summary
    when = period(s.simulation.steps)
    parts = []
    sustained, scale = _fig(summary, "final_sustained_share"), _fig(summary, "share_at_scale")
    if sustained is not None:
        parts.append(
            f"After {when}, the average innovation is sustained by {value(sustained[0], 'share')} of providers"
        )
        if scale is not None:
            m = len(s.innovations)
            parts[-1] += f", and {scale[0] * m:.1f} of {m} innovations are at scale"
        parts[-1] += "."
    cliff, lost = _fig(summary, "pilots_abandoned_at_grant_end"), _fig(summary, "share_of_grants_lost_at_cliff")
    if cliff is not None and lost is not None and 0 <= lost[0] <= 1:
        parts.append(f"{value(lost[0], 'share')} of grant-funded pilots stop when their grant ends.")
    return " ".join(parts) or "No summary figure could be computed from this run."


def comparison_headline(results: Sequence[RunResult], findings: Sequence[Finding]) -> str:
    """The comparison in one or two sentences: each scenario's headline finding, and its main trade-off.

    A scenario that does better on one figure where better has a direction and worse on another
    (fewer sustaining but fewer lost at the cliff, say) is reported with both, so the headline
    never hides a trade-off.

    Args:
        results: The runs, first scenario first.
        findings: The comparison's findings (:func:`comparison_findings`).

    Returns:
        The headline.
    """
    sentences = []
    base = results[0]
    for res in results[1:]:
        own = [f for f in findings if f.scenario == res.scenario.name]
        if not own:
            continue
        first, others = own[0], own[1:]
        sentence = _short(first.text)
        if _clear(res, base, first.figure):
            good = _is_good(res, base, first.figure)
            others = [f for f in others if figure(f.figure).better and _is_good(res, base, f.figure) is not good]
            link = "but"
        else:
            link = "but"
        if others:
            sentence += f"; {link} {_gist(res, base, others[0].figure)}"
        sentences.append(sentence + ".")
    return " ".join(sentences[:2]) or "The scenarios could not be compared."


def _gist(res: RunResult, base: RunResult, key: str) -> str:
    """A figure's change in a few words: 'fewer pilots are abandoned when their grant ends (0 against 18)'."""
    fig = figure(key)
    x, b = (float(np.nanmean(v)) for v in _paired(res.runs, base.runs, key))
    numbers = f"({value(x, fig.unit)} against {value(b, fig.unit)})"
    _, more, fewer = COMPARATIVES[fig.measure]
    word = more if x > b else fewer
    if fig.noun and fig.measure == "countable":
        return f"{word} {fig.noun} {fig.predicate.format(period=period(res.scenario.simulation.steps))} {numbers}"
    if fig.noun:
        return f"{fig.noun} {fig.verb} {word} {numbers}"
    return f"{_lower(fig.label)}: {'higher' if x > b else 'lower'} {numbers}"


def _short(text: str) -> str:
    """A finding without its numbers in brackets (the headline gives the gist; the list gives the numbers)."""
    return text.split(" (")[0].rstrip(".")


def _clear(res: RunResult, base: RunResult, key: str) -> bool:
    """Whether a figure's paired difference to the first scenario is clear (its interval excludes zero)."""
    if key not in res.runs or key not in base.runs:
        return False
    return bool(paired_difference(*_paired(res.runs, base.runs, key)).clear)


def _is_good(res: RunResult, base: RunResult, key: str) -> bool | None:
    """Whether a scenario moves a figure in its good direction against the first (None: no direction)."""
    better = figure(key).better
    if not better or key not in res.runs or key not in base.runs:
        return None
    x, b = _paired(res.runs, base.runs, key)
    return bool((np.nanmean(x) > np.nanmean(b)) == (better == "up"))


#: Settings that make a comparison one of grant regimes (short against long grants).
GRANT_KEYS = ("funding.grant_duration_months", "funding.funders")


def programme_note(results: Sequence[RunResult]) -> str | None:
    """Why "longer funding beats short funding" and "fewer providers sustain under long grants" are both true.

    Shown when the scenarios differ in grant length and the longer grants give a lower sector-wide
    sustained share: ``sasci-sim validate``'s fact 4 judges what a programme buys, these figures the
    whole sector (docs/ODD.md, "What the model says about short and long grants overall").

    Args:
        results: The runs, first scenario first.

    Returns:
        The explanation, or None where the figures do not seem to disagree with fact 4.
    """
    base = results[0]
    for res in results[1:]:
        diffs = lever_differences([base.scenario, res.scenario])
        if not any(d.key.startswith(GRANT_KEYS) for d in diffs):
            continue
        longer = res.scenario.funding.grant_duration_months - base.scenario.funding.grant_duration_months
        b, x = _fig(base.summary, "final_sustained_share"), _fig(res.summary, "final_sustained_share")
        if not longer or b is None or x is None or (x[0] - b[0]) * longer >= 0:
            continue
        if not _clear(res, base, "final_sustained_share"):
            continue
        long_t, short_t = (scenario_title(res.scenario), scenario_title(base.scenario))
        if longer < 0:
            long_t, short_t = short_t, long_t
        return (
            f"Why fewer providers sustain innovations under {long_t}, when long grants keep more of their pilots: "
            "sasci-sim validate checks (fact 4) what a grant programme buys, and there more of the pilots paid "
            "for by long grants are still going years later, and far fewer stop when the money ends. The figures "
            "here are for the whole sector. With the same budget, short grants pay for about twice as many "
            "pilots; they spread the word to more providers, and their survivors reach council commissioning "
            f"sooner, so after {period(res.scenario.simulation.steps)} more providers sustain an innovation "
            f"under {short_t}. Most adoption is not grant-funded at all. Both statements hold; they answer "
            "different questions (docs/ODD.md, 'What the model says about short and long grants overall')."
        )
    return None
