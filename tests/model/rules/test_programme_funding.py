"""Programme funding against its documented rules: the programme start, fixed project costs, money spent, evaluation months.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation (ODD 7.1).
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.errors import InputError
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.funding import award_grants, is_call_month, spend_grants
from sasci_sim.model.rules.sustainment import funding_cliff
from tests.support.core import IDENTICAL, innovation, make_model, place, tiny_scenario


def test_calls_open_from_the_programme_start_every_interval_until_the_last_call() -> None:
    s = tiny_scenario(
        simulation={"steps": 80}, funding={"first_call_month": 7, "call_interval_months": 12, "last_call_month": 49}
    )
    model = make_model(s)
    months = []
    for t in range(0, 81):
        model.t = t
        if is_call_month(model):
            months.append(t)
    assert months == [7, 19, 31, 43]
    assert s.funding.last_call() == 43
    assert s.funding.last_grant_end() == 43 + s.funding.grant_duration_months


def test_evaluation_months_must_come_after_every_grant_has_ended() -> None:
    ok = tiny_scenario(funding={"last_call_month": 49, "grant_duration_months": 60, "evaluation_months": [109, 180]})
    assert ok.funding.last_grant_end() == 49 + 60
    with pytest.raises(InputError, match="before the last grant ends"):
        tiny_scenario(funding={"last_call_month": 49, "grant_duration_months": 60, "evaluation_months": [108]})
    with pytest.raises(InputError, match="needs last_call_month"):
        tiny_scenario(funding={"evaluation_months": [120]})
    with pytest.raises(InputError, match="before first_call_month"):
        tiny_scenario(funding={"first_call_month": 13, "last_call_month": 1})


def grant_model(fixed: float, months: int = 10, covers: bool = False):
    s = tiny_scenario(
        population={"providers": 400, **IDENTICAL},
        funding={
            "grant_duration_months": months,
            "budget_per_call_k": 500.0,
            "application_rate": 1.0,
            "scale_share": 0.0,
            "project_fixed_cost_k": fixed,
            "funders": [{"name": "one", "budget_share": 1.0, "covers_double_running": covers}],
        },
        innovations=[
            innovation(
                upfront_cost_k=5.0, running_cost_k_per_month=2.0, double_running_k_per_month=1.0, transition_months=4
            )
        ],
    )
    model = make_model(s, seed=5)
    place(model, np.arange(300), 0, State.AWARE, approved=False)
    model.t = 1
    return model, s.funding.funders[0]


@pytest.mark.parametrize("fixed", [0.0, 15.0])
def test_a_fixed_project_cost_means_fewer_grants_and_is_spent_at_the_award(fixed: float) -> None:
    model, funder = grant_model(fixed)
    awarded = award_grants(model, funder)
    won = int((model.providers.payer[:, 0] == Payer.GRANT).sum())
    assert won == int(500 // (fixed + 5 + 10 * 2))
    assert awarded == pytest.approx(won * (fixed + 5 + 20))
    assert model.events_scalar["grants_spent_k"] == pytest.approx(won * (fixed + 5))  # running not yet paid


def test_running_costs_are_spent_monthly_until_the_grant_ends_and_not_after_a_pilot_stops() -> None:
    model, funder = grant_model(0.0, months=10)
    award_grants(model, funder)
    won = np.flatnonzero(model.providers.payer[:, 0] == Payer.GRANT)
    spent_at_award = model.events_scalar["grants_spent_k"]
    monthly = []
    for t in range(1, 13):
        model.t = t
        model.events_scalar["grants_spent_k"] = 0.0
        if t == 4:  # a third of the pilots stop early: their grants spend no more
            model.providers.payer[won[: won.size // 3], 0] = Payer.NONE
            model.providers.state[won[: won.size // 3], 0] = State.ABANDONED
        spend_grants(model)
        monthly.append(model.events_scalar["grants_spent_k"])
    left = won.size - won.size // 3
    assert monthly[:3] == [won.size * 2.0] * 3  # months 1, 2, 3 (the award month counts)
    assert monthly[3:10] == [left * 2.0] * 7  # months 4 to 10
    assert monthly[10:] == [0.0, 0.0]  # month 11 = grant_end: decided, not paid
    assert spent_at_award == pytest.approx(won.size * 5.0)


def test_covered_double_running_is_spent_when_the_pilot_goes_on() -> None:
    model, funder = grant_model(0.0, months=10, covers=True)
    model.config.local_authorities.commissioning_budget_k_per_provider_month = 0.0
    award_grants(model, funder)
    p = model.providers
    won = np.flatnonzero(p.payer[:, 0] == Payer.GRANT)
    p.approved[won, 0] = True
    p.months_operating[won, 0] = 240
    p.reserves[:] = 1e6
    p.surplus[:] = 1e6
    model.t = 11
    model.events_scalar["grants_spent_k"] = 0.0
    funding_cliff(model)
    kept = p.state[won, 0] == State.SUSTAINED
    partial = p.partial[won, 0]
    expected = (np.where(partial, model.config.diffusion.partial_scale, 1.0) * 1.0 * 4)[kept].sum()
    assert kept.any()
    assert model.events_scalar["grants_spent_k"] == pytest.approx(expected)


def test_money_spent_never_exceeds_money_awarded_over_a_run() -> None:
    s = tiny_scenario(
        simulation={"steps": 60},
        population={"providers": 300},
        funding={"first_call_month": 6, "last_call_month": 30, "budget_per_call_k": 400.0},
    )
    model = make_model(s, seed=3)
    model.run()
    spent = model.recorder.scalars["grants_spent_k"].sum()
    awarded = model.recorder.scalars["grants_awarded_k"].sum()
    assert 0 < spent <= awarded + 1e-9
