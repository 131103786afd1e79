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
from sasci_sim.output.findings import comparison_findings, pair_sentence, run_findings
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
