"""The funding rule against its documented equation: grants pay upfront, running for the grant's length and maybe double running.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.funding import award_grants, grant_cost
from tests.support.core import IDENTICAL, innovation, make_model, place, tiny_scenario


def test_grants_go_to_aware_applicants_within_the_call_budget() -> None:
    s = tiny_scenario(
        population={"providers": 500, **IDENTICAL},
        funding={
            "grant_duration_months": 36,
            "budget_per_call_k": 1000.0,
            "application_rate": 1.0,
            "scale_share": 0.0,
            "funders": [{"name": "joint", "budget_share": 1.0, "covers_double_running": True}],
        },
        innovations=[
            innovation(
                upfront_cost_k=4.0, running_cost_k_per_month=1.0, double_running_k_per_month=2.0, transition_months=3
            )
        ],
    )
    model = make_model(s, seed=21)
    place(model, np.arange(300), 0, State.AWARE, approved=False)
    model.t = 1
    funder = s.funding.funders[0]
    fixed = s.funding.project_fixed_cost_k
    assert grant_cost(model, np.array([0]), funder) == pytest.approx([fixed + 4 + 36 * 1 + 2 * 3])
    awarded = award_grants(model, funder)
    p = model.providers
    won = p.payer[:, 0] == Payer.GRANT
    assert won.sum() == 1000 // (fixed + 46)  # bids at capability 0.5 far outnumber what the budget buys
    assert awarded == pytest.approx(won.sum() * (fixed + 46.0)) and awarded <= 1000.0
    assert not won[300:].any()  # only aware providers apply
    assert (p.state[won, 0] == State.PILOTING).all()
    assert (p.grant_end[won, 0] == 1 + 36).all() and p.double_covered[won, 0].all()
    assert model.events["grants"][0] == won.sum()
