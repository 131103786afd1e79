"""The abandonment rule against its documented equation: background hazard base * (1 + m * complexity); money; re-adoption.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.abandonment import background_abandonment, provider_finances, readopt
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


def test_background_hazard_grows_with_complexity() -> None:
    n = 5000
    s = tiny_scenario(
        population={"providers": n},
        abandonment={"base_hazard_per_month": 0.02, "complexity_multiplier": 3.0},
        innovations=[
            innovation("simple", complexity=0.0),
            innovation("compl", complexity=0.5),
            innovation("complex", complexity=1.0),
        ],
    )
    model = make_model(s, seed=6)
    for j in range(3):
        place(model, np.arange(n), j, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(100), 2, State.AWARE, approved=False)  # not operating: no hazard
    background_abandonment(model)
    lost = (model.providers.state == State.ABANDONED).sum(axis=0)
    assert binomial_ok(lost[0], n, 0.02)
    assert binomial_ok(lost[1], n, 0.02 * 2.5)
    assert binomial_ok(lost[2], n - 100, 0.02 * 4.0)
    assert lost[0] < lost[1] < lost[2]
    assert (model.providers.state[:100, 2] == State.AWARE).all()
    assert model.events["abandoned_background"].tolist() == lost.tolist()
    assert model.providers.ever_abandoned.sum() == lost.sum()


def test_providers_that_run_out_of_money_drop_what_they_fund_themselves() -> None:
    s = tiny_scenario(
        population={"providers": 10, **IDENTICAL, "reserves_median_k": 3.0, "surplus_k_per_month": 0.0},
        innovations=[
            innovation("costly", running_cost_k_per_month=5.0),
            innovation("granted", running_cost_k_per_month=5.0),
        ],
    )
    model = make_model(s)
    place(model, np.arange(5), 0, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(10), 1, State.PILOTING, Payer.GRANT, grant_end=30)
    provider_finances(model)
    p = model.providers
    assert (p.reserves >= 0).all()
    assert (p.state[:5, 0] == State.ABANDONED).all()
    assert np.allclose(p.reserves[:5], 0.0) and np.allclose(p.reserves[5:], 3.0)
    assert (p.state[:, 1] == State.PILOTING).all()  # the grant pays, not the reserves
    assert model.events["abandoned_money"].tolist() == [5, 0]


def readopt_model(readoption: bool, n: int = 6000) -> SocialCareModel:
    s = tiny_scenario(
        population={"providers": n},
        abandonment={"readoption": readoption, "readoption_hazard_per_month": 0.15},
        innovations=[innovation("a"), innovation("b")],
    )
    model = make_model(s, seed=9)
    half = n // 2
    place(model, np.arange(half), 0, State.ABANDONED, approved=False)
    model.providers.ever_abandoned[:half, 0] = True
    place(model, np.arange(half, n), 0, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(n), 1, State.AWARE, approved=False)
    return model


def test_abandoners_become_aware_again_with_the_readoption_hazard() -> None:
    n = 6000
    model = readopt_model(True, n)
    readopt(model)
    p = model.providers
    back = p.state[: n // 2, 0] == State.AWARE
    assert binomial_ok(back.sum(), n // 2, 0.15)
    assert ((p.state[: n // 2, 0] == State.ABANDONED) | back).all()
    assert (p.state[n // 2 :, 0] == State.SUSTAINED).all()  # only abandoners are touched
    assert (p.state[:, 1] == State.AWARE).all()
    assert p.ever_abandoned[: n // 2, 0].all()  # the history is kept


def test_no_readoption_unless_the_scenario_allows_it() -> None:
    model = readopt_model(False)
    before = model.providers.state.copy()
    for _ in range(12):
        readopt(model)
    assert (model.providers.state == before).all()


def test_providers_pay_the_net_cost_of_their_own_sites_whether_few_or_most_cells_are_theirs() -> None:
    # few payers (an eighth of the cells or fewer): each cell's cost is added to its provider;
    # most cells: all at once as a matrix-vector product; both charge cost x partial scale per site
    for payers in (5, 80):
        s = tiny_scenario(
            population={"providers": 100, **IDENTICAL, "reserves_median_k": 50.0, "surplus_k_per_month": 1.0},
            diffusion={"partial_scale": 0.5},
            innovations=[
                innovation("costly", running_cost_k_per_month=4.0),
                innovation("free", running_cost_k_per_month=0.0),
            ],
        )
        model = make_model(s)
        place(model, np.arange(payers), 0, State.SUSTAINED, Payer.OWN)
        place(model, np.arange(payers), 1, State.SUSTAINED, Payer.OWN)
        model.providers.partial[:2, 0] = True
        p = model.providers
        before = p.reserves.copy()
        provider_finances(model)
        cost = np.zeros(100)
        cost[:payers] = 4.0
        cost[:2] = 2.0
        expected = np.clip(before + 1.0 - cost, 0.0, p.reserves_cap)
        np.testing.assert_allclose(p.reserves, expected)
        assert model.events_scalar["provider_spend_k"] == np.float64(cost.sum())
