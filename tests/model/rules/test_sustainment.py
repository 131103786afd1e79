"""The sustainment rule against its documented equation: the funding cliff and its order of payers.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.sustainment import decisions_due, funding_cliff
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import FULL_PROOF, IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


def cliff_model(n: int = 200, inn: dict[str, Any] | None = None, **sections: Any) -> SocialCareModel:
    """Grant-funded pilots of one innovation whose grant ends now (month 24)."""
    base_la = {
        "cost_saving_pressure": 0.0,
        "commissioning_propensity": 1.0,
        "commissioning_budget_k_per_provider_month": 0.0,
    }
    data = {
        "population": {"local_authorities": 2, "providers": n, **IDENTICAL, "reserves_median_k": 100.0},
        "local_authorities": {**base_la, **sections.pop("local_authorities", {})},
        "research": {"evidence_role": 1.0},
        "diffusion": {"provider_saving_weight": 0.0, "risk_aversion": 0.0, "partial_scale": 0.3},
        "innovations": [
            innovation(
                **{
                    "benefit": 1.0,
                    "evidence": 1.0,
                    "complexity": 0.0,
                    "running_cost_k_per_month": 1.0,
                    "commissioner_saving_k_per_month": 0.0,
                    "provider_saving_k_per_month": 0.0,
                    "double_running_k_per_month": 0.0,
                    **(inn or {}),
                }
            )
        ],
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    model = make_model(tiny_scenario(**data), seed=4)
    model.t = 24
    place(model, np.arange(n), 0, State.PILOTING, Payer.GRANT, grant_end=24, months=FULL_PROOF)
    return model


def outcome(model: SocialCareModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = model.providers
    return p.state[:, 0], p.payer[:, 0], p.partial[:, 0]


def test_council_commissions_first_even_when_the_pilot_pays_for_itself() -> None:
    model = cliff_model(
        inn={"provider_saving_k_per_month": 2.0},
        local_authorities={"commissioning_budget_k_per_provider_month": 10.0},
    )
    funding_cliff(model)
    state, payer, partial = outcome(model)
    assert (state == State.SUSTAINED).all() and (payer == Payer.COUNCIL).all() and not partial.any()
    # council net cost per site = running 1 - council saving 0
    assert model.councils.committed.sum() == pytest.approx(200 * 1.0)


def test_a_pilot_the_council_already_pays_for_stays_commissioned() -> None:
    # no budget room for new contracts and no surplus: only the existing contract can keep it going
    model = cliff_model(population={"surplus_k_per_month": 0.0})
    place(model, np.arange(200), 0, State.PILOTING, Payer.COUNCIL, months=FULL_PROOF)
    funding_cliff(model)
    state, payer, partial = outcome(model)
    assert (state == State.SUSTAINED).all() and (payer == Payer.COUNCIL).all() and not partial.any()


def test_council_budget_limits_commissioning() -> None:
    model = cliff_model(local_authorities={"commissioning_budget_k_per_provider_month": 10.0})
    model.councils.budget[:] = 10.5  # room for ten sites of net cost 1 in each council
    model.providers.surplus[:] = 0.0  # nobody can carry it alone
    funding_cliff(model)
    state, payer, _ = outcome(model)
    per_council = np.bincount(model.providers.council[payer == Payer.COUNCIL], minlength=2)
    assert per_council.tolist() == [10, 10]
    assert (state[payer != Payer.COUNCIL] == State.ABANDONED).all()
    assert model.councils.committed.tolist() == pytest.approx([10.0, 10.0])


@pytest.mark.parametrize(("provider_saving", "sustained"), [(1.0, True), (0.99, False)])
def test_pays_for_itself_is_kept_whatever_the_provider_thinks(provider_saving: float, sustained: bool) -> None:
    # benefit 0 and no weight on savings: appeal 0, the provider never 'wants' it; the council values it at 0
    model = cliff_model(inn={"benefit": 0.0, "provider_saving_k_per_month": provider_saving})
    funding_cliff(model)
    state, payer, partial = outcome(model)
    if sustained:
        assert (state == State.SUSTAINED).all() and (payer == Payer.OWN).all() and not partial.any()
    else:
        assert (state == State.ABANDONED).all() and (payer == Payer.NONE).all()
        assert model.events["abandoned_cliff"][0] == 200
        assert model.events["abandoned_within_6_months_of_grant_end"][0] == 200


@pytest.mark.parametrize(
    ("surplus", "expected"),
    [(4.0, "full"), (1.0, "partial"), (0.4, "abandoned")],
)
def test_provider_carries_from_surplus_then_cut_down_then_abandons(surplus: float, expected: str) -> None:
    # net cost 1 per month; a provider commits at most half its surplus; a cut-down costs 0.3
    model = cliff_model(population={"surplus_k_per_month": surplus})
    funding_cliff(model)
    state, payer, partial = outcome(model)
    if expected == "full":
        assert (state == State.SUSTAINED).all() and (payer == Payer.OWN).all() and not partial.any()
    elif expected == "partial":
        assert (state == State.SUSTAINED).all() and (payer == Payer.OWN).all() and partial.all()
    else:
        assert (state == State.ABANDONED).all()
        assert model.events["abandoned_cliff"][0] == 200


def test_provider_keeps_it_with_chance_equal_to_appeal() -> None:
    n = 4000
    model = cliff_model(n=n, inn={"benefit": 0.4}, population={"surplus_k_per_month": 4.0})
    funding_cliff(model)
    state, _, _ = outcome(model)
    assert binomial_ok((state == State.SUSTAINED).sum(), n, 0.4)


def test_double_running_bites_unless_the_funder_covers_it() -> None:
    # pays for itself, but moving over costs double running 2 x 5 months = 10 from reserves
    model = cliff_model(
        n=400, inn={"provider_saving_k_per_month": 1.0, "double_running_k_per_month": 2.0, "transition_months": 5}
    )
    p = model.providers
    covered = np.arange(400) < 100
    p.double_covered[:, 0] = covered
    p.reserves[:] = 0.0
    p.reserves[100:200] = 0.0  # not covered, nothing to pay with: abandoned
    p.reserves[200:300] = 12.0  # pays the full 10
    p.reserves[300:] = 5.0  # only the cut-down share 0.3 x 10 = 3
    funding_cliff(model)
    state, payer, partial = outcome(model)
    assert (state[:100] == State.SUSTAINED).all() and not partial[:100].any()
    assert np.allclose(p.reserves[:100], 0.0)
    assert (state[100:200] == State.ABANDONED).all()
    assert (state[200:300] == State.SUSTAINED).all() and not partial[200:300].any()
    assert np.allclose(p.reserves[200:300], 2.0)
    assert (state[300:] == State.SUSTAINED).all() and partial[300:].all()
    assert np.allclose(p.reserves[300:], 2.0)
    assert (payer[state == State.SUSTAINED] == Payer.OWN).all()


def test_self_funded_trial_ending_without_money_is_abandoned_for_money() -> None:
    model = cliff_model(population={"surplus_k_per_month": 0.0})
    place(model, np.arange(200), 0, State.PILOTING, Payer.OWN, months=FULL_PROOF)  # past its trial
    funding_cliff(model)
    assert (model.providers.state[:, 0] == State.ABANDONED).all()
    assert model.events["abandoned_money"][0] == 200
    assert model.events["abandoned_cliff"][0] == 0
    assert model.events["abandoned_within_6_months_of_grant_end"][0] == 0


def test_pilots_before_their_cliff_are_left_alone() -> None:
    model = cliff_model(population={"surplus_k_per_month": 0.0})
    model.providers.grant_end[:, 0] = 25
    funding_cliff(model)
    assert (model.providers.state[:, 0] == State.PILOTING).all()


@pytest.mark.parametrize("seed", range(4))
def test_the_pilots_due_are_those_whose_grant_ended_or_whose_trial_is_over_and_approved(seed: int) -> None:
    model = cliff_model(n=300)
    p, r = model.providers, np.random.default_rng(seed)
    p.state[:, 0] = r.choice([State.AWARE, State.PILOTING, State.SUSTAINED], size=300)
    p.payer[:, 0] = r.choice([Payer.GRANT, Payer.OWN, Payer.COUNCIL, Payer.PILOT_FUND], size=300)
    p.grant_end[:, 0] = r.integers(20, 28, 300)
    p.months_operating[:, 0] = r.integers(0, 2 * model.config.diffusion.trial_months, 300)
    p.approved[:, 0] = r.random(300) < 0.7
    piloting = p.state[:, 0] == State.PILOTING
    by_grant = (p.payer[:, 0] == Payer.GRANT) & (p.grant_end[:, 0] <= model.t)
    trial_over = (p.payer[:, 0] != Payer.GRANT) & (p.months_operating[:, 0] >= model.config.diffusion.trial_months)
    want = np.flatnonzero(piloting & (by_grant | (trial_over & p.approved[:, 0])))
    assert want.size > 20 and np.array_equal(decisions_due(model), want)  # one innovation: cells are rows
