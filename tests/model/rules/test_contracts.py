"""The council month's bookkeeping rules against their documented equations (ODD 7.8).

Pilot funds refill to min(pot + fund / 12, fund); commitments are the sum of NC[j](1) over a
council's contracts; a contract is reviewed away with hazard review * pi * (1 - V); a council
signs up to a systems innovation with hazard signup * ((1 - e) S + e E) / (1 + D) * V.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.commissioning import (
    refresh_commitments,
    review_contracts,
    sign_up_systems,
    update_funds,
)
from tests.support.core import binomial_ok, innovation, make_model, place, tiny_scenario


def test_pilot_funds_refill_by_a_twelfth_up_to_one_year() -> None:
    fund = 24.0
    s = tiny_scenario(
        population={"local_authorities": 4, "providers": 8},
        local_authorities={"pilot_fund_k_per_year": fund},
    )
    model = make_model(s)
    c = model.councils
    c.pilot_pot[:] = [0.0, 10.0, fund - 1.0, fund]
    update_funds(model)
    assert c.pilot_pot == pytest.approx([2.0, 12.0, fund, fund])
    update_funds(model)
    assert c.pilot_pot == pytest.approx([4.0, 14.0, fund, fund])


def test_commitments_are_the_net_cost_of_each_council_contract() -> None:
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": 60},
        local_authorities={"cashable_saving_share": 0.5},
        innovations=[
            # NC(1) = max(running - 0.5 * council_saving, 0)
            innovation("costly", running_cost_k_per_month=2.0, commissioner_saving_k_per_month=1.0),  # 1.5
            innovation("pays-off", running_cost_k_per_month=1.0, commissioner_saving_k_per_month=4.0),  # 0
            innovation("cheap", running_cost_k_per_month=0.4, commissioner_saving_k_per_month=0.0),  # 0.4
        ],
    )
    model = make_model(s)
    p, c = model.providers, model.councils
    c.committed[:] = 99.0  # stale: replaced, not added to
    in_0 = np.flatnonzero(p.council == 0)
    in_1 = np.flatnonzero(p.council == 1)
    place(model, in_0[:3], 0, State.SUSTAINED, Payer.COUNCIL)
    place(model, in_0[:2], 1, State.SUSTAINED, Payer.COUNCIL)
    place(model, in_0[3], 2, State.PILOTING, Payer.COUNCIL)  # a commissioned pilot counts too
    place(model, in_1[:5], 0, State.SUSTAINED, Payer.OWN)  # not the council's money
    place(model, in_1[5], 2, State.SUSTAINED, Payer.COUNCIL)
    refresh_commitments(model)
    assert c.committed == pytest.approx([3 * 1.5 + 0.4, 0.4, 0.0])


def test_contracts_are_reviewed_away_with_hazard_review_times_pressure_times_one_minus_value() -> None:
    n = 8000
    review = 0.6
    s = tiny_scenario(
        population={"local_authorities": 2, "providers": n},
        local_authorities={"review_hazard_per_month": review},
        innovations=[
            innovation("valued", benefit=0.9, commissioner_saving_k_per_month=0.0, running_cost_k_per_month=1.0),
        ],
    )
    model = make_model(s, seed=4)
    p, c = model.providers, model.councils
    c.pressure[:] = [0.2, 1.0]
    # V = (1 - pi) * 0.9 + pi * 0: 0.72 in council 0, 0 in council 1
    hazard = review * np.array([0.2, 1.0]) * (1.0 - np.array([0.72, 0.0]))
    half = n // 2
    place(model, np.arange(half), 0, State.SUSTAINED, Payer.COUNCIL)
    place(model, np.arange(half, n), 0, State.SUSTAINED, Payer.OWN)  # not a contract: never reviewed
    before = p.state.copy()
    dropped = review_contracts(model)
    rows = dropped // p.state.shape[1]
    assert (rows < half).all()
    assert (p.state == before).all()  # the rule only names them; the caller abandons them
    for la in (0, 1):
        contracts = np.count_nonzero(p.council[:half] == la)
        assert binomial_ok(np.count_nonzero(p.council[rows] == la), contracts, hazard[la])


def test_councils_sign_up_with_peer_share_and_evidence_slowed_by_regulation() -> None:
    n_la = 2000
    signup, e, evidence = 0.8, 0.5, 0.4
    s = tiny_scenario(
        population={"local_authorities": n_la, "providers": n_la},
        local_authorities={"signup_rate_per_month": signup, "cost_saving_pressure": 0.0, "pressure_sd": 0.0},
        research={"evidence_role": e},
        regulation={"max_delay_months": 2.0, "flexibility": 0.5},
        innovations=[
            innovation("certificate", kind="systems", benefit=0.7, regulatory_burden=1.0),
            innovation("records", kind="business_model", benefit=0.7),
            innovation("later", kind="systems", benefit=0.7, regulatory_burden=1.0, launch_month=6),
        ],
    )
    model = make_model(s, seed=5)
    c = model.councils
    model.evidence[:] = evidence
    already = n_la // 4
    c.signed[:already, 0] = True  # S = 0.25 before this month's draws
    sign_up_systems(model)
    # D = 2 * 1 * (1 - 0.5) = 1; V = benefit at zero pressure
    hazard = signup * ((1 - e) * 0.25 + e * evidence) / (1 + 1.0) * 0.7
    assert c.signed[:already, 0].all()  # a sign-up is not withdrawn here
    assert binomial_ok(c.signed[already:, 0].sum(), n_la - already, hazard)
    assert not c.signed[:, 1].any()  # business-model innovations need no sign-up
    assert not c.signed[:, 2].any()  # not launched yet


def test_no_sign_up_without_peers_or_evidence() -> None:
    s = tiny_scenario(
        population={"local_authorities": 200, "providers": 200},
        local_authorities={"signup_rate_per_month": 1.0},
        innovations=[innovation("certificate", kind="systems", evidence=0.0)],
    )
    model = make_model(s, seed=5)
    model.evidence[:] = 0.0
    for _ in range(12):
        sign_up_systems(model)
    assert not model.councils.signed.any()
