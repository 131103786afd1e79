"""Pooled budgets against ODD 'pooled': joint valuation, cashable savings, shared risk and the split of costs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.commissioning import council_net_cost, council_value, refresh_commitments
from sasci_sim.model.rules.pooled import (
    cashable_saving,
    commissioner_saving_ratio,
    share_pooled_costs,
    shared_confidence,
)
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import FULL_PROOF, IDENTICAL, innovation, make_model, place, tiny_scenario

INN = {
    "running_cost_k_per_month": 2.0,
    "commissioner_saving_k_per_month": 0.5,
    "nhs_saving_k_per_month": 1.0,
    "double_running_k_per_month": 0.0,
}


def model_with(pooled: float, n: int = 40, inn: dict[str, Any] | None = None, **nhs: Any) -> SocialCareModel:
    """Four councils, one innovation that saves the council 0.5 and the NHS 1.0 a month per site."""
    scenario = tiny_scenario(
        research={"evidence_role": 0.0},  # confidence is the local proof alone
        population={"local_authorities": 4, "providers": n, **IDENTICAL},
        local_authorities={"cashable_saving_share": 0.5, "cost_saving_pressure": 1.0},
        nhs={"pooled_council_share": pooled, "cashable_saving_share": 0.2, "match_ratio": 1.0, **nhs},
        innovations=[innovation(**{**INN, **(inn or {})})],
    )
    return make_model(scenario, seed=5)


def test_the_nhs_saving_counts_only_in_a_pool() -> None:
    la, cols = np.arange(4), np.zeros(4, dtype=np.int64)
    alone, pooled = model_with(0.0), model_with(1.0)
    assert np.allclose(commissioner_saving_ratio(alone, la, cols), 0.5 / 2.0)
    assert np.allclose(commissioner_saving_ratio(pooled, la, cols), 1.5 / 2.0)
    # at full pressure the council's value is the saving ratio
    assert np.allclose(council_value(pooled, la, cols), 0.75)
    assert np.allclose(cashable_saving(alone, la, cols), 0.25)
    assert np.allclose(cashable_saving(pooled, la, cols), 0.25 + 0.2)
    assert np.allclose(council_net_cost(pooled, cols, councils=la), 2.0 - 0.45)


def test_a_default_nhs_saving_follows_the_share_of_its_kind() -> None:
    scenario = tiny_scenario(
        nhs={"saving_share": {"systems": 0.5, "social": 0.25}},
        innovations=[
            innovation("a", "systems", commissioner_saving_k_per_month=0.8),
            innovation("b", "social", commissioner_saving_k_per_month=0.9),
            innovation("c", "social", commissioner_saving_k_per_month=-0.5),
        ],
    )
    # NHS share s of the public saving: nhs = council * s / (1 - s); a council loss gives no NHS saving
    assert np.allclose(make_model(scenario).portfolio.nhs_saving, [0.8, 0.3, 0.0])


def test_sharing_risk_discounts_only_the_councils_share() -> None:
    model = model_with(1.0, match_ratio=3.0)  # the ICB puts in 3 for 1: its share is 0.75
    c = np.array([0.0, 0.4, 1.0])
    assert np.allclose(shared_confidence(model, np.zeros(3, dtype=np.int64), c), c + (1 - c) * 0.75)
    assert np.array_equal(shared_confidence(model_with(0.0), np.zeros(3, dtype=np.int64), c), c)


def test_a_pool_commissions_what_the_council_alone_cannot_value() -> None:
    # pressure 1: value = saving ratio; fully proven pilots (confidence 1) at their cliff, no one else pays
    counts = []
    for pooled in (0.0, 1.0):
        model = model_with(pooled, n=400, inn={"benefit": 0.0, "evidence": 0.0})
        model.t = 24
        model.providers.surplus[:] = 0.0
        place(model, np.arange(400), 0, State.PILOTING, Payer.GRANT, grant_end=24, months=FULL_PROOF)
        model.councils.budget[:] = 1e6
        funding_cliff(model)
        counts.append(int((model.providers.payer[:, 0] == Payer.COUNCIL).sum()))
    # chance propensity x V: propensity x 0.25 alone, propensity x 0.75 pooled
    k = model.config.local_authorities.commissioning_propensity
    assert counts[0] == pytest.approx(400 * k * 0.25, abs=4 * np.sqrt(400 * k * 0.25 * (1 - k * 0.25)))
    assert counts[1] == pytest.approx(400 * k * 0.75, abs=4 * np.sqrt(400 * k * 0.75 * (1 - k * 0.75)))


def test_the_board_pays_its_share_of_the_pools_commitments() -> None:
    model = model_with(1.0, match_ratio=1.5)
    place(model, np.arange(40), 0, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    model.t = 1
    refresh_commitments(model)
    committed = model.councils.committed.copy()
    sites = np.bincount(model.providers.council, minlength=4)
    assert np.allclose(committed, sites * (2.0 - 0.45))  # every site at the pooled net cost
    model.events_scalar["council_spend_k"] = float(committed.sum())
    share_pooled_costs(model)
    assert model.events_scalar["nhs_spend_k"] == pytest.approx(0.6 * committed.sum())
    assert model.events_scalar["council_spend_k"] == pytest.approx(0.4 * committed.sum())
    assert model.boards.committed.sum() == pytest.approx(0.6 * committed.sum())
    assert model.events_scalar["nhs_savings_k"] == pytest.approx(40 * 1.0)
    assert model.events_scalar["joint_fund_spent_k"] == 0.0


def test_the_joint_fund_pays_first_and_only_while_it_runs() -> None:
    model = model_with(1.0, match_ratio=1.0, joint_fund_k_per_year=48.0, joint_fund_months=2)
    # month 1 budgets already hold the fund's share of 48 / 12 = 4 a month, by providers in the area
    fund = 4.0 * np.bincount(model.providers.council) / 40
    assert np.allclose(model.boards.fund_share * 4.0, fund)
    own_and_icb = model.councils.budget - fund
    place(model, np.arange(40), 0, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    model.t = 1
    refresh_commitments(model)
    committed = model.councils.committed.copy()
    share_pooled_costs(model)
    assert model.events_scalar["joint_fund_spent_k"] == pytest.approx(4.0)
    assert model.events_scalar["nhs_spend_k"] == pytest.approx(0.5 * (committed.sum() - 4.0))
    assert np.allclose(model.councils.budget, own_and_icb + fund)  # month 2: still running
    model.t = 2
    share_pooled_costs(model)
    assert np.allclose(model.councils.budget, own_and_icb)  # month 3: the fund has ended
