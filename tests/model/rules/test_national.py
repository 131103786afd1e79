"""The national rules against their documented equations: mandates at inspection, programmes through local pots.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial tolerances of four standard errors
(core_helpers.binomial_ok).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sasci_sim.config.schema import Programme
from sasci_sim.model.nhs import board_of_each_council
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.adoption import appeal
from sasci_sim.model.rules.national import (
    fund_programmes,
    inspect_mandates,
    inspection_chance,
    programme_areas,
)
from sasci_sim.model.rules.transitions import abandon
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


def mandate_model(n: int = 4000, seed: int = 3, **mandate: object):
    spec = {"innovation": "standard", "start_month": 5, "inspections_per_year": 1.2, "compliance": 1.0}
    spec |= mandate
    s = tiny_scenario(
        population={"local_authorities": 4, "providers": n, **IDENTICAL, "reserves_median_k": 10.0},
        innovations=[innovation("standard", kind="systems"), innovation("other")],
        national={"mandates": [spec]},
    )
    return make_model(s, seed=seed)


def test_inspection_chance_is_the_monthly_chance_of_a_poisson_rate() -> None:
    assert inspection_chance(0.0) == 0.0
    assert inspection_chance(12.0) == pytest.approx(1 - math.exp(-1))
    assert inspection_chance(0.59) == pytest.approx(1 - math.exp(-0.59 / 12))


def test_nothing_happens_before_the_mandate_starts() -> None:
    model = mandate_model()
    model.t = 4
    inspect_mandates(model)
    assert (model.providers.state == State.UNAWARE).all()
    assert not model.councils.signed.any()
    assert model.events["inspections"].sum() == 0


def test_inspected_providers_comply_and_start_at_once_with_no_money_from_anyone() -> None:
    n = 4000
    model = mandate_model(n)
    model.t = 5
    inspect_mandates(model)
    p = model.providers
    started = p.state[:, 0] == State.PILOTING
    assert binomial_ok(started.sum(), n, inspection_chance(1.2))
    assert p.approved[started, 0].all() and (p.payer[started, 0] == Payer.OWN).all()
    assert (p.state[~started, 0] == State.UNAWARE).all()  # not inspected: nothing
    assert (p.state[:, 1] == State.UNAWARE).all()  # other innovations untouched
    assert model.councils.signed[:, 0].all() and not model.councils.signed[:, 1].any()
    assert model.events["mandated_starts"][0] == started.sum() == model.events["pilots_started"][0]
    assert model.events["inspections"][0] == started.sum()  # with everyone a non-adopter, every inspection finds one
    assert np.allclose(p.reserves[started], 0.0)  # paid the upfront cost (10) from reserves of 10
    assert model.events_scalar["programme_awarded_k"] == 0.0


def test_non_compliers_learn_of_the_standard_and_pay_for_not_complying() -> None:
    n = 4000
    model = mandate_model(n, compliance=0.0, noncompliance_cost_k=4.0)
    model.t = 6
    before = model.providers.reserves.copy()
    inspect_mandates(model)
    p = model.providers
    aware = p.state[:, 0] == State.AWARE
    assert binomial_ok(aware.sum(), n, inspection_chance(1.2))
    assert (p.state[~aware, 0] == State.UNAWARE).all()
    assert np.allclose(before[aware] - p.reserves[aware], 4.0)
    assert np.allclose(before[~aware], p.reserves[~aware])
    assert model.events_scalar["noncompliance_cost_k"] == pytest.approx(4.0 * aware.sum())
    assert model.events["aware_new"][0] == aware.sum()


def test_compliance_is_a_chance_and_users_are_left_alone_while_abandoners_are_pushed_again() -> None:
    n = 6000
    model = mandate_model(n, compliance=0.3, inspections_per_year=12.0)
    place(model, np.arange(1000), 0, State.SUSTAINED, Payer.COUNCIL)
    place(model, np.arange(1000, 3000), 0, State.ABANDONED, approved=False)
    model.t = 7
    inspect_mandates(model)
    p = model.providers
    hit = inspection_chance(12.0)
    assert binomial_ok(model.events["inspections"][0], n, hit)  # users are inspected too, and nothing follows
    assert (p.state[:1000, 0] == State.SUSTAINED).all() and (p.payer[:1000, 0] == Payer.COUNCIL).all()
    restarted = p.state[1000:3000, 0] == State.PILOTING
    assert binomial_ok(restarted.sum(), 2000, hit * 0.3)
    assert (p.state[1000:3000, 0][~restarted] == State.ABANDONED).all()
    fresh = p.state[3000:, 0]
    assert binomial_ok((fresh == State.PILOTING).sum(), 3000, hit * 0.3)
    assert binomial_ok((fresh == State.AWARE).sum(), 3000, hit * 0.7)
    assert ((fresh == State.PILOTING) | (fresh == State.AWARE) | (fresh == State.UNAWARE)).all()


def programme_model(n: int = 3000, seed: int = 5, councils: int = 6, **programme: object):
    spec = {
        "name": "digitise",
        "innovations": ["records"],
        "budget_k": 1e6,
        "start_month": 2,
        "end_month": 11,
        "target_share": 1.0,
        "route": "councils",
        "funded_months": 12,
        "uptake_per_month": 0.2,
    }
    spec |= programme
    s = tiny_scenario(
        population={"local_authorities": councils, "providers": n, **IDENTICAL},
        innovations=[
            innovation("records", upfront_cost_k=8.0, running_cost_k_per_month=0.5, evidence=0.5),
            innovation("other"),
        ],
        diffusion={"max_concurrent_pilots": 5},
        national={"programmes": [spec]},
    )
    return make_model(s, seed=seed)


def test_areas_are_councils_or_blocks_of_councils_in_icb_proportion() -> None:
    councils = Programme(name="p", innovations=["x"], route="councils")
    icb = Programme(name="p", innovations=["x"], route="icb_areas")
    assert programme_areas(councils, board_of_each_council(15, 3.64)).tolist() == list(range(15))
    england = programme_areas(icb, board_of_each_council(153, 3.64))
    assert england.max() + 1 == 42 and (np.diff(england) >= 0).all()
    assert set(np.bincount(england)) <= {3, 4}  # 153 councils in 42 areas of 3 or 4
    assert programme_areas(icb, board_of_each_council(15, 3.64)).max() + 1 == 4  # round(15 / 3.64)
    assert programme_areas(icb, board_of_each_council(1, 3.64)).tolist() == [0]


def test_pots_fill_in_monthly_tranches_by_providers_and_empty_after_the_end() -> None:
    model = programme_model(budget_k=1000.0, uptake_per_month=0.0)
    pots = model.programme_pots
    share = model.councils.n_providers / model.councils.n_providers.sum()
    model.t = 1
    fund_programmes(model, pots)
    assert (pots.pot[0] == 0).all()  # not started
    for t in range(2, 12):
        model.t = t
        fund_programmes(model, pots)
    assert np.allclose(pots.pot[0], 1000.0 * share)  # ten tranches of 100, nobody offered
    model.t = 12
    fund_programmes(model, pots)
    assert (pots.pot[0] == 0).all()


def test_offers_are_taken_with_chance_uptake_times_appeal_and_paid_as_grants() -> None:
    n = 3000
    model = programme_model(n)
    place(model, np.arange(n // 2), 0, State.AWARE, approved=False)  # half aware, half not: both are offered
    rows = np.arange(n)
    expected = 0.2 * appeal(model, rows, np.zeros(n, dtype=np.int64))  # identical providers: one value
    model.t = 2
    fund_programmes(model, model.programme_pots)
    p = model.providers
    funded = p.state[:, 0] == State.PILOTING
    assert binomial_ok(funded.sum(), n, float(expected[0]))
    assert funded[: n // 2].any() and funded[n // 2 :].any()
    assert (p.payer[funded, 0] == Payer.GRANT).all() and (p.grant_end[funded, 0] == 14).all()
    assert (p.state[:, 1] == State.UNAWARE).all()
    cost = 8.0 + 0.5 * 12
    assert model.events_scalar["programme_awarded_k"] == pytest.approx(cost * funded.sum())
    assert model.events["programme_grants"][0] == model.events["grants"][0] == funded.sum()
    assert model.events["aware_new"][0] == funded[n // 2 :].sum()  # the unaware ones it reached


def test_money_runs_out_and_areas_at_target_are_not_offered() -> None:
    n = 3000
    model = programme_model(n, budget_k=10 * 14.0 * 6 * 3, target_share=0.5)  # 3 grants per council per month
    p = model.providers
    first = p.council == 0
    place(model, np.flatnonzero(first)[: int(np.ceil(first.sum() * 0.5))], 0, State.SUSTAINED, Payer.OWN)
    model.t = 2
    fund_programmes(model, model.programme_pots)
    started = (p.state[:, 0] == State.PILOTING) & (p.payer[:, 0] == Payer.GRANT)
    per_council = np.bincount(p.council[started], minlength=model.councils.n)
    assert per_council[0] == 0  # council 0 is at its target
    share = model.councils.n_providers / model.councils.n_providers.sum()
    budget_now = 10 * 14.0 * 6 * 3 / 10 * share
    assert (per_council * 14.0 <= budget_now + 1e-9).all()
    assert (model.programme_pots.pot[0] >= 0).all()
    assert (per_council[1:] >= 1).all()


def test_no_national_section_means_no_national_draws() -> None:
    s = tiny_scenario(population={"providers": 200})
    a, b = make_model(s, seed=9), make_model(s, seed=9)
    a.t = b.t = 3
    inspect_mandates(a)
    fund_programmes(a, a.programme_pots)
    assert a.rng.random() == b.rng.random()


def test_money_is_spent_as_pilots_go_on_not_when_it_is_promised() -> None:
    n = 2000
    model = programme_model(n)
    model.t = 2
    fund_programmes(model, model.programme_pots)
    p = model.providers
    funded = np.flatnonzero(p.state[:, 0] == State.PILOTING)
    assert funded.size > 20
    assert model.events_scalar["programme_spent_k"] == pytest.approx(8.0 * funded.size)  # the upfront cost
    assert model.events_scalar["programme_awarded_k"] == pytest.approx((8.0 + 0.5 * 12) * funded.size)
    model.config.national.programmes[0].uptake_per_month = 0.0  # no more awards
    spent = []
    for t in range(3, 18):
        if t == 5:
            abandon(model, funded[:10], np.zeros(10, dtype=np.int64), "money")  # stopped after two paid months
        model.t = t
        model.events_scalar["programme_spent_k"] = 0.0
        fund_programmes(model, model.programme_pots)
        spent.append(model.events_scalar["programme_spent_k"])
    assert spent[:2] == pytest.approx([0.5 * funded.size] * 2)  # months 3 and 4
    assert spent[2:12] == pytest.approx([0.5 * (funded.size - 10)] * 10)  # months 5 to 14, the grant's end
    assert spent[12:] == pytest.approx([0.0] * 3)
    assert sum(spent) == pytest.approx(0.5 * (12 * (funded.size - 10) + 2 * 10))
