"""Each rule against its documented equation (module docstrings of sasci_sim/model/rules/*).

A test builds a tiny model, sets cells of the arrays by hand, calls one rule and
compares the outcome with the equation. Random rules are checked with binomial
or normal tolerances of four standard errors (see core_helpers.binomial_ok): a
false alarm about once in 16,000 checks, while a wrong term moves the mean by
many standard errors at these sample sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from core_helpers import binomial_ok, innovation, make_model, tiny_scenario

from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.rules.abandonment import background_abandonment, provider_finances
from sasci_sim.model.rules.adoption import appeal, decide_pilots
from sasci_sim.model.rules.awareness import spread_awareness
from sasci_sim.model.rules.commissioning import commission, council_value, reorganise
from sasci_sim.model.rules.evidence import accumulate_evidence
from sasci_sim.model.rules.funding import award_grants, grant_cost
from sasci_sim.model.rules.regulation import approve_pilots, mean_delay_months
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.social_care import SocialCareModel

#: Months operating that give full local proof whatever proof_months is (at most 240).
FULL_PROOF = 240

#: Identical providers (capability 0.5, reserves = median, surplus = median surplus).
IDENTICAL = {"capability_sd": 0.0, "reserves_sigma": 0.0}


def place(
    model: SocialCareModel,
    rows: Any,
    col: int,
    state: State,
    payer: Payer = Payer.NONE,
    *,
    approved: bool = True,
    grant_end: int = int(NO_MONTH),
    months: int = 0,
    double_covered: bool = False,
) -> None:
    """Put providers ``rows`` in a state for innovation ``col``, as the rules would."""
    p = model.providers
    p.state[rows, col] = state
    p.payer[rows, col] = payer
    p.approved[rows, col] = approved
    p.grant_end[rows, col] = grant_end
    p.months_operating[rows, col] = months
    p.double_covered[rows, col] = double_covered


# -- awareness: h = min(1, p + r e E[j] + q c[i] x[i, j]) ------------------------------------


def test_awareness_hazard_is_external_plus_peer_times_share() -> None:
    n = 4000
    s = tiny_scenario(
        population={"local_authorities": 1, "providers": n, **IDENTICAL},
        network={"topology": "complete"},
        diffusion={"external_influence": 0.02, "peer_influence": 0.4},
        research={"evidence_role": 1.0, "dissemination_per_month": 0.1},
        innovations=[
            innovation("peers", evidence=0.0),
            innovation("nobody", evidence=0.0),
            innovation("evidenced", evidence=0.5),
            innovation("later", evidence=0.0, launch_month=5),
        ],
    )
    model = make_model(s, seed=11)
    place(model, np.arange(1000), 0, State.SUSTAINED, Payer.OWN)  # x = 1000 / 4000 = 0.25
    model.t = 1
    spread_awareness(model)
    state = model.providers.state
    # peers: p + q x = 0.02 + 0.4 * 0.25 among the 3000 unaware
    assert (state[:1000, 0] == State.SUSTAINED).all()
    assert binomial_ok((state[1000:, 0] == State.AWARE).sum(), 3000, 0.12)
    # nobody uses it: the external channel alone
    assert binomial_ok((state[:, 1] == State.AWARE).sum(), n, 0.02)
    # research channel: p + r e E = 0.02 + 0.1 * 1 * 0.5
    assert binomial_ok((state[:, 2] == State.AWARE).sum(), n, 0.07)
    # not launched yet: nobody hears of it
    assert (state[:, 3] == State.UNAWARE).all()
    assert model.events["aware_new"].tolist() == (state == State.AWARE).sum(axis=0).tolist()


def test_awareness_on_a_network_uses_each_providers_peer_share() -> None:
    s = tiny_scenario(
        population={"local_authorities": 5, "providers": 3000, **IDENTICAL},
        network={"topology": "council_and_sector", "local_ties": 6, "sector_ties": 2},
        diffusion={"external_influence": 0.01, "peer_influence": 0.8},
        research={"evidence_role": 0.0},
    )
    model = make_model(s, seed=5)
    users = model.rng.choice(3000, size=600, replace=False)
    place(model, users, 0, State.PILOTING, Payer.OWN)
    model.exposure.update(model.operating_mask())
    unaware = np.flatnonzero(model.providers.state[:, 0] == State.UNAWARE)
    share = model.exposure.share_at(unaware, np.zeros(unaware.size, dtype=np.int64))
    expected = np.minimum(1.0, 0.01 + 0.8 * share)
    model.t = 1
    spread_awareness(model)
    hit = model.providers.state[unaware, 0] == State.AWARE
    for group in (share == 0, share > 0):
        mean, var = expected[group].sum(), (expected[group] * (1 - expected[group])).sum()
        assert abs(hit[group].sum() - mean) <= 4 * np.sqrt(var)
    assert hit[share > 0].mean() > hit[share == 0].mean()


def test_awareness_hazard_is_capped_at_one() -> None:
    s = tiny_scenario(
        population={"providers": 200, **IDENTICAL},
        network={"topology": "complete"},
        diffusion={"external_influence": 0.0, "peer_influence": 10.0},
    )
    model = make_model(s)
    place(model, np.arange(50), 0, State.SUSTAINED, Payer.OWN)  # q x = 10 * 0.25 = 2.5 -> 1
    model.t = 1
    spread_awareness(model)
    assert (model.providers.state[50:, 0] == State.AWARE).all()


# -- adoption: P = rate * A * F * R, money from reserves or the council's pilot fund ------------


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


# -- regulation: approval chance 1 / (1 + D), D = max_delay * burden * (1 - flexibility) -----------


def test_approval_wait_is_geometric_with_mean_one_plus_delay() -> None:
    n = 3000
    s = tiny_scenario(
        population={"providers": n},
        regulation={"max_delay_months": 18.0, "flexibility": 0.5, "rigidity_hazard_per_month": 0.2},
        innovations=[
            innovation("heavy", regulatory_burden=1.0, complexity=0.0),
            innovation("light", regulatory_burden=0.5, complexity=0.0),
        ],
    )
    model = make_model(s, seed=2)
    delay = mean_delay_months(model)
    assert delay == pytest.approx([9.0, 4.5])
    for j in range(2):
        place(model, np.arange(n), j, State.PILOTING, Payer.OWN, approved=False)
    waited = np.zeros((n, 2))
    for month in range(1, 301):  # P(still waiting after 300 months) = 0.9**300: never
        before = model.providers.approved.copy()
        approve_pilots(model)
        waited[model.providers.approved & ~before] = month
    assert model.providers.approved.all()  # a simple business-model pilot never gives up
    for j, d in enumerate(delay):
        success = 1 / (1 + d)
        se = np.sqrt((1 - success) / success**2 / n)
        assert abs(waited[:, j].mean() - (1 + d)) <= 4 * se


def test_full_flexibility_approves_at_once_and_nobody_gives_up() -> None:
    s = tiny_scenario(
        population={"providers": 500},
        regulation={"max_delay_months": 120.0, "flexibility": 1.0, "rigidity_hazard_per_month": 1.0},
        innovations=[innovation("sys", "systems", regulatory_burden=1.0, complexity=1.0)],
    )
    model = make_model(s)
    place(model, np.arange(500), 0, State.PILOTING, Payer.OWN, approved=False)
    approve_pilots(model)
    assert model.providers.approved[:, 0].all()
    assert (model.providers.state[:, 0] == State.PILOTING).all()


def test_rigid_rules_make_complex_and_systems_pilots_give_up() -> None:
    n = 4000
    s = tiny_scenario(
        population={"providers": n},
        regulation={"max_delay_months": 100.0, "flexibility": 0.0, "rigidity_hazard_per_month": 0.2},
        innovations=[
            innovation("simple", complexity=0.0, regulatory_burden=1.0),
            innovation("complicated", complexity=0.5, regulatory_burden=1.0),
            innovation("sys", "systems", complexity=0.0, regulatory_burden=1.0),
        ],
    )
    model = make_model(s, seed=9)
    for j in range(3):
        place(model, np.arange(n), j, State.PILOTING, Payer.OWN, approved=False)
    approve_pilots(model)
    quit_ = (model.providers.state == State.ABANDONED).sum(axis=0)
    assert quit_[0] == 0
    assert binomial_ok(quit_[1], n, 0.2 * 0.5)
    assert binomial_ok(quit_[2], n, 0.2 * 1.0)  # systems counts as full exposure
    assert model.events["abandoned_rigidity"].tolist() == quit_.tolist()


# -- sustainment: the funding cliff and its order of payers --------------------------------------


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
        assert model.events["abandoned_post_grant"][0] == 200


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
    assert model.events["abandoned_post_grant"][0] == 0


def test_pilots_before_their_cliff_are_left_alone() -> None:
    model = cliff_model(population={"surplus_k_per_month": 0.0})
    model.providers.grant_end[:, 0] = 25
    funding_cliff(model)
    assert (model.providers.state[:, 0] == State.PILOTING).all()


# -- commissioning: V = (1 - pi) benefit + pi saving_ratio; chance propensity V C --------------------


def commissioning_model(pressure: float, n: int = 3000) -> SocialCareModel:
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": n},
        local_authorities={
            "cost_saving_pressure": pressure,
            "commissioning_propensity": 0.8,
            "commissioning_budget_k_per_provider_month": 100.0,
        },
        research={"evidence_role": 0.0},
        innovations=[
            innovation("benefit-only", benefit=0.9, commissioner_saving_k_per_month=0.0, running_cost_k_per_month=1.0),
            innovation("saves-money", benefit=0.3, commissioner_saving_k_per_month=1.0, running_cost_k_per_month=1.0),
        ],
    )
    model = make_model(s, seed=8)
    model.providers.months_operating[:] = FULL_PROOF  # confidence 1 with evidence_role 0
    return model


@pytest.mark.parametrize(("pressure", "p_benefit", "p_saving"), [(0.0, 0.8 * 0.9, 0.8 * 0.3), (1.0, 0.0, 0.8 * 1.0)])
def test_commissioning_tilts_to_cost_saving_innovations_under_pressure(
    pressure: float, p_benefit: float, p_saving: float
) -> None:
    n = 3000
    model = commissioning_model(pressure, n)
    assert (model.councils.pressure == pressure).all()
    rows = np.arange(n)
    got_benefit = commission(model, rows, np.zeros(n, dtype=np.int64)).sum()
    got_saving = commission(model, rows, np.ones(n, dtype=np.int64)).sum()
    assert binomial_ok(got_benefit, n, p_benefit)
    assert binomial_ok(got_saving, n, p_saving)
    if pressure == 1.0:
        assert got_saving > got_benefit
    else:
        assert got_benefit > got_saving


def test_council_value_blends_benefit_and_savings_by_pressure() -> None:
    model = commissioning_model(0.0, n=30)
    model.councils.pressure[:] = [0.0, 0.5, 1.0]
    councils = np.array([0, 1, 2, 0, 1, 2])
    cols = np.array([0, 0, 0, 1, 1, 1])
    assert council_value(model, councils, cols) == pytest.approx([0.9, 0.45, 0.0, 0.3, 0.65, 1.0])


# -- evidence: E = 1 - (1 - E0) exp(-A / K) -----------------------------------------------------------


def test_evidence_follows_the_saturating_formula() -> None:
    s = tiny_scenario(
        population={"providers": 50},
        research={"site_months_per_evidence": 100.0, "evaluation_weight": 3.0},
        innovations=[innovation("a", evidence=0.2), innovation("b", evidence=0.0)],
    )
    model = make_model(s)
    place(model, np.arange(10), 0, State.PILOTING, Payer.GRANT, grant_end=30)  # evaluated: weight 3
    place(model, np.arange(10, 15), 0, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(15, 20), 0, State.PILOTING, Payer.OWN, approved=False)  # waiting: not operating
    place(model, np.arange(20, 30), 0, State.PILOTING, Payer.OWN)  # operating but still bedding in
    d = model.config.diffusion
    proven = int(d.proof_months) + 5
    model.providers.months_operating[:15, 0] = proven  # full local proof L = 1
    for month in (1, 2):
        accumulate_evidence(model)
        # a site-month weighs its local proof L: the 15 proven sites count fully, the new ones not yet
        experience = month * (10 * 3 + 5)
        assert model.evidence == pytest.approx([1 - 0.8 * np.exp(-experience / 100.0), 0.0])
    months = model.providers.months_operating[:, 0]
    assert (months[:15] == proven + 2).all() and (months[15:20] == 0).all() and (months[20:30] == 2).all()
    # half-way between bedding in and proof, a site-month counts one half
    model.providers.months_operating[20:30, 0] = int((d.bedding_in_months + d.proof_months) / 2)
    before = model.experience[0]
    accumulate_evidence(model)
    assert model.experience[0] - before == pytest.approx(10 * 3 + 5 + 10 * 0.5)


# -- abandonment: background hazard base * (1 + m * complexity); money -------------------------------


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


# -- councils: reorganisation withdraws support ---------------------------------------------------


def reorganising_model(withdrawal: float, disruption: float, rate: float = 12.0, n_la: int = 4) -> SocialCareModel:
    s = tiny_scenario(
        population={"local_authorities": n_la, "providers": 400},
        local_authorities={
            "reorganisation_rate_per_year": rate,  # 12 a year: every council, every month
            "reorganisation_withdrawal": withdrawal,
            "reorganisation_disruption": disruption,
            "pilot_fund_k_per_year": 60.0,
        },
        innovations=[innovation("sys", "systems"), innovation("bm")],
    )
    model = make_model(s, seed=12)
    model.councils.signed[:, 0] = True
    place(model, np.arange(0, 400, 2), 1, State.SUSTAINED, Payer.COUNCIL)
    place(model, np.arange(1, 400, 2), 1, State.SUSTAINED, Payer.OWN)
    return model


def test_reorganisation_withdraws_sign_up_contracts_and_the_pilot_fund() -> None:
    model = reorganising_model(withdrawal=1.0, disruption=0.0)
    reorganise(model)
    c, p = model.councils, model.providers
    assert not c.signed.any()
    assert (c.pilot_pot == 0).all()
    assert (c.reorganisations == 1).all()
    assert model.events_scalar["reorganisations"] == 4
    assert (p.state[0::2, 1] == State.ABANDONED).all()  # council contracts withdrawn
    assert (p.state[1::2, 1] == State.SUSTAINED).all()  # providers' own adoption survives (no disruption)
    assert model.events["abandoned_reorganisation"][1] == 200
    assert c.committed.sum() == 0


def test_reorganisation_disruption_stops_adopters_and_none_without_reorganisation() -> None:
    model = reorganising_model(withdrawal=0.0, disruption=1.0)
    reorganise(model)
    assert model.councils.signed[:, 0].all()
    assert (model.providers.state[:, 1] == State.ABANDONED).all()

    calm = reorganising_model(withdrawal=1.0, disruption=1.0, rate=0.0)
    reorganise(calm)
    assert calm.councils.signed[:, 0].all() and (calm.councils.pilot_pot == 60.0).all()
    assert (calm.providers.state[:, 1] == State.SUSTAINED).all()


def test_reorganisation_withdraws_each_sign_up_with_its_chance() -> None:
    model = reorganising_model(withdrawal=0.3, disruption=0.0, n_la=400)
    reorganise(model)
    assert binomial_ok((~model.councils.signed[:, 0]).sum(), 400, 0.3)


# -- funding: grants pay upfront, running for the grant's length and maybe double running -------------


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
    assert grant_cost(model, np.array([0]), funder) == pytest.approx([4 + 36 * 1 + 2 * 3])
    awarded = award_grants(model, funder)
    p = model.providers
    won = p.payer[:, 0] == Payer.GRANT
    assert won.sum() == 1000 // 46  # bids at capability 0.5 far outnumber what the budget buys
    assert awarded == pytest.approx(won.sum() * 46.0) and awarded <= 1000.0
    assert not won[300:].any()  # only aware providers apply
    assert (p.state[won, 0] == State.PILOTING).all()
    assert (p.grant_end[won, 0] == 1 + 36).all() and p.double_covered[won, 0].all()
    assert model.events["grants"][0] == won.sum()
