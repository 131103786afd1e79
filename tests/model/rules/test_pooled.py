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
    pay_council_pilots,
    saving_ratios,
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


def test_the_joint_fund_fills_a_pot_that_does_not_pay_contracts_and_lapses_when_it_ends() -> None:
    model = model_with(1.0, match_ratio=1.0, joint_fund_k_per_year=48.0, joint_fund_months=2)
    # month 1: each pool's pot holds its share of 48 / 12 = 4 a month, by providers in the area
    share = 4.0 * np.bincount(model.providers.council, minlength=4) / 40
    assert np.allclose(model.boards.fund_pot, share)
    budget = model.councils.budget.copy()  # the council's own money and the ICB's, not the fund's
    assert np.allclose(budget, 2 * model.boards.contribution)
    place(model, np.arange(40), 0, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    model.t = 1
    refresh_commitments(model)
    committed = model.councils.committed.copy()
    share_pooled_costs(model)
    assert model.events_scalar["joint_fund_spent_k"] == 0.0  # running contracts are the partners'
    assert model.events_scalar["nhs_spend_k"] == pytest.approx(0.5 * committed.sum())
    assert np.allclose(model.boards.fund_pot, 2 * share)  # unspent money carries over within the year
    assert np.allclose(model.councils.budget, budget)
    model.t = 2  # the fund's last month: what is left lapses and nothing comes in
    share_pooled_costs(model)
    assert np.allclose(model.boards.fund_pot, 0.0)


def test_unspent_fund_money_lapses_at_the_end_of_each_fund_year() -> None:
    model = model_with(
        1.0, joint_fund_k_per_year=120.0, joint_fund_start_month=1, joint_fund_months=9, joint_fund_carry_over_months=3
    )
    share = 10.0 * model.boards.fund_share
    pots = []
    for t in range(1, 11):
        model.t = t
        share_pooled_costs(model)
        pots.append(float(model.boards.fund_pot.sum() / share.sum()))
    # months 3, 6 and 9 end a fund year; after month 9 the fund has ended
    assert pots == pytest.approx([2, 3, 1, 2, 3, 1, 2, 3, 0, 0])


def test_a_pools_pilots_are_paid_from_its_pot_first_with_the_fixed_project_cost() -> None:
    model = model_with(1.0, joint_fund_k_per_year=12.0)
    model.boards.fund_pot[:] = [50.0, 10.0, 0.0, 0.0]
    model.councils.pilot_pot[:] = [0.0, 40.0, 40.0, 0.0]
    fixed = model.config.funding.project_fixed_cost_k
    councils = np.array([0, 0, 1, 2, 3])
    cost = np.full(5, 30.0 - fixed)  # 30 with the fixed cost
    value = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    ok = pay_council_pilots(model, councils, cost, value)
    # council 0: its pot pays the first (30 of 50), the second does not fit and it has no pilot fund;
    # council 1: the pot is too small, the pilot fund pays 30 - fixed; council 2: its pilot fund; 3: nothing
    assert ok.tolist() == [True, False, True, True, False]
    assert model.events_scalar["joint_fund_spent_k"] == pytest.approx(30.0)
    assert np.allclose(model.boards.fund_pot, [20.0, 10.0, 0.0, 0.0])
    assert np.allclose(model.councils.pilot_pot, [0.0, 40.0 - (30.0 - fixed), 40.0 - (30.0 - fixed), 0.0])


def test_without_a_fund_council_pilots_come_from_the_pilot_fund_as_before() -> None:
    model = model_with(0.0)
    model.councils.pilot_pot[:] = [40.0, 0.0, 40.0, 40.0]
    ok = pay_council_pilots(model, np.array([0, 1, 2]), np.array([30.0, 30.0, 50.0]), np.ones(3))
    assert ok.tolist() == [True, False, False]
    assert np.allclose(model.councils.pilot_pot, [10.0, 0.0, 40.0, 40.0])
    assert model.events_scalar["joint_fund_spent_k"] == 0.0


def test_the_saving_ratio_table_gives_each_pair_the_same_ratio() -> None:
    model = model_with(0.5, n=40)
    la = np.tile(np.arange(4), 100)  # enough pairs to be looked up in the table
    cols = np.zeros(la.size, dtype=np.int64)
    pooled = model.boards.pooled[la]
    assert 0 < pooled.sum() < la.size
    table = saving_ratios(model)
    assert table.shape == (2, 1)
    assert table[0, 0] == pytest.approx(0.5 / 2.0) and table[1, 0] == pytest.approx(1.5 / 2.0)
    assert np.array_equal(commissioner_saving_ratio(model, la, cols), table[pooled.astype(int), 0])
    assert np.array_equal(commissioner_saving_ratio(model, la[:8], cols[:8]), table[pooled[:8].astype(int), 0])
