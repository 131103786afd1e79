"""Honest evidence grades (experiments/grades.py): paired perturbation of assumption-grade parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.compare import analyse
from sasci_sim.experiments.grades import (
    assumption_parameters,
    bounds,
    perturb,
    probe,
    regrade,
    verdict,
)
from sasci_sim.output.results import Finding, RunResult
from tests.support.core import tiny_scenario

SEEDS = list(range(8))


def test_only_nonzero_assumption_grade_mechanism_parameters_are_probed() -> None:
    s = tiny_scenario(local_authorities={"settlement_sd": 0.0})
    keys = assumption_parameters(s)
    assert "local_authorities.commissioning_budget_k_per_provider_month" in keys
    assert "innovations[].upfront_cost_k" in keys
    assert "local_authorities.settlement_sd" not in keys  # switched off
    assert not any(k.startswith(("simulation.", "scale.", "funding.first_call")) for k in keys)
    assert "diffusion.external_influence" not in keys  # graded moderate


def test_perturbation_scales_clips_rounds_and_refuses_invalid_scenarios() -> None:
    s = tiny_scenario(diffusion={"trial_months": 24}, local_authorities={"commissioning_propensity": 0.8})
    assert perturb(s, "diffusion.trial_months", 1.5).diffusion.trial_months == 36
    assert (
        perturb(s, "local_authorities.commissioning_propensity", 1.5).local_authorities.commissioning_propensity == 1.0
    )
    assert bounds("local_authorities.commissioning_propensity") == (0.0, 1.0)
    up = perturb(s, "innovations[].upfront_cost_k", 0.5)
    assert [i.upfront_cost_k for i in up.innovations] == [i.upfront_cost_k * 0.5 for i in s.innovations]
    # a social proof time halved below its bedding-in is not a valid scenario
    assert perturb(s, "diffusion.proof_months_social", 0.3) is None


def test_verdicts_come_from_the_paired_interval() -> None:
    base = np.arange(8.0)
    assert verdict(base + 1.0 + 0.01 * np.sin(base), base) == "higher"
    assert verdict(base - 1.0 + 0.01 * np.sin(base), base) == "lower"
    assert verdict(base + np.array([1, -1] * 4), base) == "unclear"
    assert verdict(base[:1], base[:1]) == "undetermined"


def fake_run(scenario: Scenario) -> RunResult:
    """A run whose figure is larger with longer grants only while councils have budget to commission."""
    budget = scenario.local_authorities.commissioning_budget_k_per_provider_month
    months = scenario.funding.grant_duration_months
    noise = np.linspace(-0.01, 0.01, len(SEEDS))
    value = (months / 24.0) * (budget > 0.15) + noise
    runs = pd.DataFrame({"replication": range(len(SEEDS)), "final_sustained_share": value})
    return RunResult(scenario, SEEDS, pd.DataFrame(), pd.DataFrame(), runs, {})


def test_a_council_budget_assumption_that_decides_a_finding_makes_it_assumption() -> None:
    short = tiny_scenario(name="short", funding={"grant_duration_months": 24})
    long_ = tiny_scenario(name="long", funding={"grant_duration_months": 60})
    comparison = analyse([fake_run(short), fake_run(long_)], {"short": "run", "long": "run"})
    (finding,) = [f for f in comparison.findings if f.figure == "final_sustained_share"]
    assert finding.grade == "moderate"  # the grant length's own grade
    keys = ["local_authorities.commissioning_budget_k_per_provider_month", "local_authorities.cashable_saving_share"]
    decisions = probe(comparison, fake_run, keys=keys)
    assert {(d.parameter, d.factor, d.verdict, d.perturbed) for d in decisions} == {
        ("local_authorities.commissioning_budget_k_per_provider_month", 0.5, "higher", "unclear")
    }
    (regraded,) = [f for f in regrade(comparison.findings, decisions) if f.figure == "final_sustained_share"]
    assert regraded.grade == "assumption"
    assert ("local_authorities.commissioning_budget_k_per_provider_month (council budget)", "assumption") in (
        regraded.leans_on
    )


def test_a_finding_no_perturbation_moves_keeps_its_grade() -> None:
    f = Finding("text", "long", "final_sustained_share", (("funding.grant_duration_months", "moderate"),), "moderate")
    assert regrade([f], []) == [f]


@pytest.mark.parametrize("factor", [0.5, 1.5])
def test_perturbations_move_every_scenario_alike(factor: float) -> None:
    a = tiny_scenario(name="a", local_authorities={"review_hazard_per_month": 0.02})
    b = tiny_scenario(
        name="b", local_authorities={"review_hazard_per_month": 0.02}, funding={"grant_duration_months": 60}
    )
    pa, pb = (perturb(s, "local_authorities.review_hazard_per_month", factor) for s in (a, b))
    assert pa.local_authorities.review_hazard_per_month == pb.local_authorities.review_hazard_per_month == 0.02 * factor
