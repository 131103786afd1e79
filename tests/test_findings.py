"""Findings are sentences generated from the numbers, with the grades of the levers they lean on."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sasci_sim.analysis.intervals import paired_difference, ratio_of_means
from sasci_sim.config.paramtable import rows
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.findings import (
    comparison_findings,
    comparison_headline,
    pair_sentence,
    programme_note,
    run_findings,
)
from sasci_sim.output.results import RunResult
from sasci_sim.output.wording import change, period, value
from tests.support.reports import long_funding, small

GRADES = {r["key"]: r["grade"] for r in rows()}
BASE = np.array([0.030, 0.032, 0.028, 0.031, 0.029, 0.030, 0.033, 0.027, 0.030, 0.031])
NOISE = np.array([0.001, -0.002, 0.002, 0.000, -0.001, 0.001, -0.001, 0.002, -0.002, 0.000])


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]


def test_a_large_ratio_is_said_as_times_as_many_with_its_fieller_interval() -> None:
    x = 2.3 * BASE + NOISE
    text = pair_sentence("final_sustained_share", "long_term_funding", "short_term_funding", x, BASE, 120)
    r = ratio_of_means(x, BASE)
    assert text is not None
    assert text.startswith(
        f"Long term funding: {r.estimate:.1f} times as many providers sustain the average innovation "
        "after 10 years as under Short term funding"
    )
    assert f"90% interval {r.low:.1f} to {r.high:.1f} times" in text
    assert f"({value(x.mean(), 'share')} against {value(BASE.mean(), 'share')};" in text


def test_a_drop_is_said_as_percent_fewer_with_the_interval_in_the_same_terms() -> None:
    x = 0.6 * BASE + NOISE / 3
    text = pair_sentence("pilots_abandoned_at_grant_end", "b", "a", x * 1000, BASE * 1000, 60)
    r = ratio_of_means(x, BASE)
    assert text is not None
    assert f"{(1 - r.estimate) * 100:.0f}% fewer pilots are abandoned when their grant ends than under A" in text
    low, high = numbers(text.split("interval")[1])
    assert low == pytest.approx((1 - r.high) * 100, abs=0.5) and high == pytest.approx((1 - r.low) * 100, abs=0.5)
    assert low < (1 - r.estimate) * 100 < high


def test_amounts_are_higher_or_lower_with_their_verb() -> None:
    text = pair_sentence("council_savings_k", "b", "a", BASE * 1.2e5, BASE * 1e5, 120)
    assert text is not None and "council savings are 20% higher than under A" in text and "over 10 years" in text


def test_an_unclear_difference_is_only_stated_for_the_headline_figure() -> None:
    x = BASE + NOISE
    d = paired_difference(x, BASE)
    assert not d.clear
    assert pair_sentence("share_at_scale", "b", "a", x, BASE, 120) is None
    text = pair_sentence("final_sustained_share", "b", "a", x, BASE, 120, always=True)
    assert text is not None and text.startswith("B: no clear difference from A in providers sustaining")
    assert f"difference {change(d.estimate, 'share')}" in text
    assert f"90% interval {change(d.low, 'share')} to {change(d.high, 'share')}" in text


def test_one_replication_says_there_is_no_interval() -> None:
    text = pair_sentence("final_sustained_share", "b", "a", BASE[:1] * 2, BASE[:1], 120, always=True)
    assert text is not None and "no interval" in text


def fake_result(scenario: Scenario, runs: dict[str, np.ndarray]) -> RunResult:
    n = len(next(iter(runs.values())))
    frame = pd.DataFrame({"replication": range(n), **runs})
    return RunResult(scenario, list(range(n)), pd.DataFrame(), pd.DataFrame(), frame, {})


def test_comparison_findings_lean_on_the_differing_levers_with_the_weakest_grade() -> None:
    short, long = small("short"), long_funding()
    flexible = small("flexible", regulation={"flexibility": 0.9}, funding={"budget_per_call_k": 400})
    base = fake_result(short, {"final_sustained_share": BASE, "share_at_scale": BASE})
    results = [
        base,
        fake_result(long, {"final_sustained_share": BASE * 3 + NOISE, "share_at_scale": BASE + NOISE}),
        fake_result(flexible, {"final_sustained_share": BASE + NOISE, "share_at_scale": BASE * 2 + NOISE}),
    ]
    found = comparison_findings(results)
    assert [(f.scenario, f.figure) for f in found] == [
        ("long", "final_sustained_share"),
        ("flexible", "final_sustained_share"),
        ("flexible", "share_at_scale"),
    ]
    assert found[0].leans_on == (("funding.grant_duration_months", GRADES["funding.grant_duration_months"]),)
    assert found[0].text.startswith("Long: 3.0 times as many providers")
    levers = dict(found[1].leans_on)
    assert set(levers) == {"funding.budget_per_call_k", "regulation.flexibility"}
    order = ["assumption", "weak", "moderate", "strong"]
    assert found[1].grade == min(levers.values(), key=order.index)
    assert "no clear difference" in found[1].text


def test_run_findings_describe_the_run_from_its_summary() -> None:
    scenario = small("runner")
    result = run_replications(scenario)
    found = run_findings(result, small("runner", regulation={"flexibility": 0.9}))
    texts = {f.figure: f.text for f in found}
    mean = result.summary["final_sustained_share"]["mean"]
    assert texts["final_sustained_share"].startswith(f"After {period(36)}, {value(mean, 'share')} of providers")
    scale = result.summary["share_at_scale"]["mean"] * 3
    assert f"On average {scale:.1f} of the 3 innovations are at scale" in texts["share_at_scale"]
    assert all(f.leans_on == (("regulation.flexibility", GRADES["regulation.flexibility"]),) for f in found)


def test_findings_grade_user_set_values_and_defaults_by_what_they_are() -> None:
    result = run_replications(small("runner", regulation={"flexibility": 0.9}))
    reference = small("runner")
    mine = run_findings(result, reference, {"regulation.flexibility"})
    assert all(f.leans_on == (("regulation.flexibility", "set by you"),) and f.grade == "set by you" for f in mine)
    same = run_findings(result, result.scenario)
    assert all(f.leans_on == () and f.grade == "defaults" for f in same)


def test_a_time_some_replications_never_reach_says_over_how_many() -> None:
    result = run_replications(small("runner"))
    n = len(result.seeds)
    result.summary["share_reaching_10pct"] = {"mean": 0.04, "p5": 0.0, "p95": 0.1, "n": n}
    result.summary["months_to_10pct"] = {"mean": 104.0, "p5": 90.0, "p95": 118.0, "n": n - 1}
    result.summary["share_at_scale"] = {"mean": 0.2, "p5": 0.1, "p95": 0.3, "n": n}
    text = {f.figure: f.text for f in run_findings(result, result.scenario)}["share_reaching_10pct"]
    assert f"averaged over the {n - 1} of {n} replications in which any did" in text
    assert "the others are not reached in 3 years" in text
    assert "present in 50% of councils" in text  # why more are at scale than reach 10% of providers
    result.summary["months_to_10pct"] = {"mean": None, "p5": None, "p95": None, "n": 0}
    text = {f.figure: f.text for f in run_findings(result, result.scenario)}["share_reaching_10pct"]
    assert "none is reached in 3 years" in text and "take" not in text


def synthetic(scenario: Scenario, sustained: np.ndarray, lost: np.ndarray) -> RunResult:
    """A run with only two figures per replication, to test sentences without simulating."""
    runs = pd.DataFrame(
        {
            "replication": range(len(sustained)),
            "final_sustained_share": sustained,
            "pilots_abandoned_at_grant_end": lost,
        }
    )
    summary = {
        c: {"mean": float(runs[c].mean()), "p5": 0.0, "p95": 1.0, "n": len(runs)} for c in runs if c != "replication"
    }
    return RunResult(scenario, list(range(len(runs))), pd.DataFrame(), pd.DataFrame(), runs, summary)


def test_the_headline_names_a_trade_off_rather_than_hiding_it() -> None:
    short = synthetic(small("short"), BASE, BASE * 1000)
    long = synthetic(long_funding(), 0.6 * BASE + NOISE / 3, 300 * BASE + NOISE * 10)
    found = comparison_findings([short, long])
    headline = comparison_headline([short, long], found)
    assert headline.startswith("Long: ") and "fewer providers sustain the average innovation" in headline
    assert "; but " in headline and "fewer pilots are abandoned when their grant ends" in headline
    assert "interval" not in headline  # numbers and method stay in the findings and the footnote


def test_the_programme_note_appears_only_where_sector_and_programme_seem_to_disagree() -> None:
    short = synthetic(small("short"), BASE, BASE * 1000)
    fewer = synthetic(long_funding(), 0.6 * BASE + NOISE / 3, 300 * BASE)
    note = programme_note([short, fewer])
    assert note is not None and note.startswith("Why fewer providers sustain innovations under Long")
    assert "fact 4" in note and "whole sector" in note
    more = synthetic(long_funding(), 1.5 * BASE + NOISE, 300 * BASE)
    assert programme_note([short, more]) is None
    unclear = synthetic(long_funding(), BASE + NOISE, 300 * BASE)
    assert programme_note([short, unclear]) is None
    other_lever = synthetic(small("short", regulation={"flexibility": 0.9}), 0.6 * BASE, 300 * BASE)
    assert programme_note([short, other_lever]) is None
