"""The adoption rule against its documented equation: P = rate * A * F * R, money from reserves or the council's pilot fund.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.adoption import appeal, decide_pilots
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


def test_decision_to_pilot_has_chance_rate_times_appeal() -> None:
    n = 4000
    s = tiny_scenario(
        population={"providers": n, **IDENTICAL, "reserves_median_k": 1000},
        diffusion={"decision_rate_per_month": 0.5, "provider_saving_weight": 0.0, "risk_aversion": 0.0},
        innovations=[innovation(benefit=0.8, complexity=0.0, upfront_cost_k=5)],
    )
    model = make_model(s, seed=3)
    place(model, np.arange(n), 0, State.AWARE, approved=False)
    assert np.allclose(appeal(model, np.arange(n), np.zeros(n, dtype=np.int64)), 0.8)
    decide_pilots(model)
    started = model.providers.state[:, 0] == State.PILOTING
    assert binomial_ok(started.sum(), n, 0.5 * 0.8)
    assert (model.providers.payer[started, 0] == Payer.OWN).all()
    assert not model.providers.approved[started, 0].any()  # pilots wait for regulation
    assert np.allclose(model.providers.reserves[started], 1000 - 5)
    assert np.allclose(model.providers.reserves[~started], 1000)


def test_appeal_multiplies_value_fit_and_risk() -> None:
    s = tiny_scenario(
        population={"providers": 10, **IDENTICAL},
        diffusion={"provider_saving_weight": 0.25, "risk_aversion": 0.6},
        research={"evidence_role": 0.5},
        innovations=[
            innovation(
                benefit=0.8,
                provider_saving_k_per_month=0.5,
                running_cost_k_per_month=1.0,
                complexity=0.5,
                evidence=0.4,
            )
        ],
    )
    model = make_model(s)
    a = 0.75 * 0.8 + 0.25 * 0.5
    fit = 1 - 0.5 * (1 - 0.5)  # complexity 0.5, capability 0.5
    uncertainty = 0.5 * (1 - 0.0) + 0.5 * (1 - 0.4)  # no peers use it yet
    risk = 1 - 0.6 * (1 - 0.5) * uncertainty
    got = appeal(model, np.array([0, 3]), np.array([0, 0]))
    assert got == pytest.approx([a * fit * risk] * 2)


def test_systems_innovation_needs_the_council_signed_up() -> None:
    n = 400
    s = tiny_scenario(
        population={"local_authorities": 2, "providers": n, **IDENTICAL, "reserves_median_k": 1000},
        diffusion={"decision_rate_per_month": 1.0, "risk_aversion": 0.0, "provider_saving_weight": 0.0},
        innovations=[innovation("sys", "systems", benefit=1.0, complexity=0.0)],
    )
    model = make_model(s)
    place(model, np.arange(n), 0, State.AWARE, approved=False)
    model.councils.signed[:, 0] = [True, False]
    decide_pilots(model)
    piloting = model.providers.state[:, 0] == State.PILOTING
    in_signed = model.providers.council == 0
    assert piloting[in_signed].all()
    assert not piloting[~in_signed].any()


def test_pilot_fund_pays_when_reserves_do_not_and_is_never_overspent() -> None:
    n = 300
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": n, **IDENTICAL, "reserves_median_k": 0.0},
        local_authorities={"pilot_fund_k_per_year": 50.0, "cost_saving_pressure": 0.0},
        diffusion={
            "decision_rate_per_month": 1.0,
            "risk_aversion": 0.0,
            "provider_saving_weight": 0.0,
            "trial_months": 6,
        },
        innovations=[innovation(benefit=1.0, complexity=0.0, upfront_cost_k=4.0, running_cost_k_per_month=1.0)],
    )
    model = make_model(s)
    place(model, np.arange(n), 0, State.AWARE, approved=False)
    decide_pilots(model)
    started = model.providers.state[:, 0] == State.PILOTING
    cost = 4.0 + 1.0 * 6  # upfront + running over the trial
    per_council = np.bincount(model.providers.council[started], minlength=3)
    # each council funds down its list while its pot lasts: floor(50 / 10) pilots, pot 50 - 5 * 10
    assert per_council.tolist() == [5, 5, 5]
    assert (model.providers.payer[started, 0] == Payer.PILOT_FUND).all()
    assert np.allclose(model.councils.pilot_pot, 50.0 - 5 * cost)
