"""The settlements rule against its documented equations: stop-go budgets, overspend pressure, reinvested savings.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random draws are checked with normal tolerances of four standard errors, a false alarm
about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.settlements import (
    annual_settlement,
    is_settlement_month,
    overspend_threshold,
    reinvestable_savings,
    settlement_shocks,
)
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import innovation, make_model, place, tiny_scenario


def settlement_model(n_la: int = 400, **la: float) -> SocialCareModel:
    s = tiny_scenario(
        population={"local_authorities": n_la, "providers": 2 * n_la},
        local_authorities={
            "cost_saving_pressure": 0.5,
            "pressure_sd": 0.0,
            "commissioning_budget_k_per_provider_month": 1.0,
            "budget_cut_at_full_pressure": 0.5,
            **la,
        },
        innovations=[innovation(commissioner_saving_k_per_month=2.0)],
    )
    return make_model(s, seed=11)


def test_settlements_come_in_the_first_month_of_each_year() -> None:
    assert [t for t in range(0, 40) if is_settlement_month(t)] == [1, 13, 25, 37]


def test_overspend_threshold_is_the_normal_quantile() -> None:
    assert overspend_threshold(0.5) == pytest.approx(0.0)
    assert overspend_threshold(0.63) == pytest.approx(0.3319, abs=1e-4)
    assert overspend_threshold(0.0) == -np.inf and overspend_threshold(1.0) == np.inf


def test_shocks_are_standard_normal_with_the_national_share_in_common() -> None:
    model = settlement_model(n_la=2000, settlement_national_share=0.5)
    draws = np.array([settlement_shocks(model) for _ in range(200)])  # years x councils
    assert draws.std() == pytest.approx(1.0, abs=0.05)
    # two councils' shocks correlate by rho, the national share of the variance
    pair = np.corrcoef(draws[:, 0], draws[:, 1])[0, 1]
    assert abs(pair - 0.5) < 4 * (1 - 0.25) / np.sqrt(200)
    assert abs(draws.mean(axis=0).mean()) < 4 * np.sqrt(0.5 / 200 + 0.5 / (200 * 2000))


def test_about_the_overspend_share_of_councils_overspend_and_pressure_rises_for_them() -> None:
    model = settlement_model(settlement_sd=0.0, overspend_share=0.63, overspend_pressure_rise=0.2)
    model.t = 13
    years, overspent = 60, 0
    for _ in range(years):
        annual_settlement(model)
        c = model.councils
        overspent += int(c.overspent.sum())
        assert np.allclose(c.pressure[c.overspent], 0.5 + 0.2 * (1 - 0.63))
        assert np.allclose(c.pressure[~c.overspent], 0.5 - 0.2 * 0.63)
    # shocks share a national part, so years are correlated: test the mean share with the between-year sd
    assert abs(overspent / (years * model.councils.n) - 0.63) < 4 * np.sqrt(0.5 / years)


def test_budget_follows_the_settlement_and_pressure() -> None:
    model = settlement_model(settlement_sd=0.2, overspend_pressure_rise=0.0, savings_reinvestment_share=0.0)
    model.t = 1
    state = model.rng.bit_generator.state
    annual_settlement(model)
    model.rng.bit_generator.state = state
    z = settlement_shocks(model)  # the same draws the settlement used
    c = model.councils
    level = 1.0 * c.n_providers * (1 - 0.5 * c.pressure)
    assert np.allclose(c.budget, level * np.maximum(1 + 0.2 * z, 0))
    assert c.budget.std() > 0


def test_no_settlement_outside_its_month_and_no_draws_when_switched_off() -> None:
    model = settlement_model()
    model.t = 2
    before = model.councils.budget.copy()
    annual_settlement(model)
    assert np.array_equal(model.councils.budget, before)
    off = settlement_model(settlement_sd=0.0, overspend_pressure_rise=0.0, savings_reinvestment_share=0.0)
    off.t = 13
    state = off.rng.bit_generator.state
    budget = off.councils.budget.copy()
    annual_settlement(off)
    assert off.rng.bit_generator.state == state  # the Bass limit relies on this
    assert np.array_equal(off.councils.budget, budget)


def test_reinvested_savings_come_from_sites_the_council_does_not_pay_for() -> None:
    share, cashable = 0.4, 0.5
    model = settlement_model(
        n_la=2,
        settlement_sd=0.0,
        overspend_pressure_rise=0.0,
        savings_reinvestment_share=share,
        cashable_saving_share=cashable,
    )
    p = model.providers
    in_first = np.flatnonzero(p.council == 0)
    place(model, in_first[:1], 0, State.SUSTAINED, Payer.OWN)  # counts
    place(model, in_first[1:2], 0, State.SUSTAINED, Payer.COUNCIL)  # already nets off its contract
    place(model, in_first[2:3], 0, State.PILOTING, Payer.GRANT, approved=False)  # not operating yet
    assert reinvestable_savings(model).tolist() == pytest.approx([cashable * 2.0, 0.0])
    model.t = 13
    level = model.councils.n_providers * (1 - 0.5 * model.councils.pressure)
    annual_settlement(model)
    assert model.councils.budget[0] == pytest.approx(level[0] + share * cashable * 2.0)
    assert model.councils.budget[1] == pytest.approx(level[1])


def test_mean_pressure_stays_the_scenarios_over_the_years() -> None:
    model = settlement_model(settlement_sd=0.1, overspend_pressure_rise=0.3)
    pressures = []
    for year in range(40):
        model.t = 1 + 12 * year
        annual_settlement(model)
        pressures.append(model.councils.pressure.mean())
    spread = 0.3 * np.sqrt(0.63 * 0.37)  # the sd of one council-year's pressure around its average-year level
    assert abs(np.mean(pressures) - 0.5) < 4 * spread * np.sqrt(0.5 / 40 + 0.5 / (40 * model.councils.n))
