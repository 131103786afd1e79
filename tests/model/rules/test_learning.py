"""Failure teaches, against ODD 'learning' and 'evidence': perceived benefit and evidence fall with failures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sasci_sim.model.rules.evidence import accumulate_evidence
from sasci_sim.model.rules.learning import failures_this_month, learn_from_outcomes
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import innovation, make_model, tiny_scenario


def model_with(**learning: Any) -> SocialCareModel:
    scenario = tiny_scenario(
        learning={"prior_weight": 20.0, "failure_weight": 1.0, "memory_months": 12.0, **learning},
        research={"site_months_per_evidence": 100.0},
        innovations=[innovation("a", benefit=0.8, evidence=0.5), innovation("b", benefit=0.6, prior_benefit=0.2)],
    )
    return make_model(scenario)


def test_failures_are_the_ends_blamed_on_the_innovation() -> None:
    model = model_with()
    model.events["abandoned_cliff"][:] = [3, 0]
    model.events["abandoned_review"][:] = [1, 1]
    model.events["abandoned_background"][:] = [5, 5]  # not blamed
    model.events["abandoned_reorganisation"][:] = [5, 5]  # not blamed
    assert failures_this_month(model).tolist() == [4.0, 1.0]


def test_with_a_true_prior_and_no_failures_the_perceived_benefit_is_the_truth() -> None:
    model = model_with()
    model.learned.shown[:] = [7.3, 0.0]
    learn_from_outcomes(model)
    assert model.portfolio.benefit[0] == 0.8  # exactly, not nearly


def test_failed_pilots_lower_the_perceived_benefit_and_are_forgotten() -> None:
    model = model_with()
    model.events["abandoned_cliff"][:] = [10, 0]
    model.learned.shown[:] = [10.0, 0.0]
    learn_from_outcomes(model)
    # (20 x 0.8 + 10 x 0.8) / (20 + 10 + 10)
    assert model.portfolio.benefit[0] == pytest.approx(24.0 / 40.0)
    model.events["abandoned_cliff"][:] = 0
    for _ in range(120):
        learn_from_outcomes(model)
    assert model.portfolio.benefit[0] == pytest.approx(0.8, abs=1e-3)


def test_a_wrong_prior_is_corrected_by_sites_that_show_the_truth() -> None:
    model = model_with()
    learn_from_outcomes(model)
    assert model.portfolio.benefit[1] == pytest.approx(0.2)
    model.learned.shown[:] = [0.0, 180.0]
    learn_from_outcomes(model)
    assert model.portfolio.benefit[1] == pytest.approx((20 * 0.2 + 180 * 0.6) / 200)


def test_failures_take_evidence_away_but_not_below_zero() -> None:
    model = model_with(failure_evidence_site_months=10.0)
    model.events["abandoned_money"][:] = [2, 0]
    accumulate_evidence(model)
    # A = -20: E = 1 - 0.5 exp(0.2)
    assert model.evidence[0] == pytest.approx(1 - 0.5 * np.exp(0.2))
    assert model.evidence[0] < 0.5
    model.events["abandoned_money"][:] = [1000, 1000]
    accumulate_evidence(model)
    assert model.evidence.tolist() == pytest.approx([0.0, 0.0])
    assert model.experience == pytest.approx([100 * np.log(0.5), 100 * np.log(0.9)])
