"""The network-body rules against their documented equations: an awareness channel, and support that keeps schemes.

Random rules are checked with binomial tolerances of four standard errors (core_helpers.binomial_ok).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.abandonment import background_abandonment
from sasci_sim.model.rules.intermediaries import kept_by_network, network_awareness
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


def network_model(n: int = 5000, seed: int = 4, bodies: list[dict] | None = None, **sections: object):
    body = {
        "name": "network",
        "innovations": ["scheme"],
        "founded_month": 3,
        "membership_share": 1.0,
        "abandonment_cut": 0.5,
        "awareness_per_month": 0.05,
    }
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": n, **IDENTICAL},
        innovations=[innovation("scheme", kind="social", complexity=0.0), innovation("other", complexity=0.0)],
        intermediaries=[body] if bodies is None else bodies,
        **sections,
    )
    return make_model(s, seed=seed)


def test_members_are_drawn_with_the_membership_share() -> None:
    n = 5000
    model = network_model(n, bodies=[{"name": "b", "innovations": ["scheme"], "membership_share": 0.7}])
    assert binomial_ok(model.network_bodies.member[0].sum(), n, 0.7)
    assert model.network_bodies.cols[0].tolist() == [0]


def test_the_body_makes_unaware_providers_aware_of_its_innovations_only_once_founded() -> None:
    n = 5000
    model = network_model(n)
    model.t = 2
    network_awareness(model)
    assert (model.providers.state == State.UNAWARE).all()
    model.t = 3
    network_awareness(model)
    state = model.providers.state
    assert binomial_ok((state[:, 0] == State.AWARE).sum(), n, 0.05)
    assert (state[:, 1] == State.UNAWARE).all()
    assert model.events["aware_new"].tolist() == [(state[:, 0] == State.AWARE).sum(), 0]


def test_member_schemes_lose_the_cut_share_of_the_background_hazard() -> None:
    n = 5000
    model = network_model(n, abandonment={"base_hazard_per_month": 0.04, "complexity_multiplier": 0.0})
    place(model, np.arange(n), 0, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(n), 1, State.SUSTAINED, Payer.OWN)
    model.t = 5
    background_abandonment(model)
    lost = (model.providers.state == State.ABANDONED).sum(axis=0)
    assert binomial_ok(lost[0], n, 0.04 * 0.5)  # supported and members: half the hazard
    assert binomial_ok(lost[1], n, 0.04)  # not the body's innovation
    assert lost[0] < lost[1]


def test_support_needs_membership_and_combines_over_bodies() -> None:
    n = 8000
    bodies = [
        {"name": "a", "innovations": ["scheme"], "membership_share": 1.0, "abandonment_cut": 0.5},
        {"name": "b", "innovations": ["scheme"], "membership_share": 1.0, "abandonment_cut": 0.5},
        {
            "name": "late",
            "innovations": ["other"],
            "membership_share": 1.0,
            "abandonment_cut": 1.0,
            "founded_month": 50,
        },
    ]
    model = network_model(n, bodies=bodies)
    model.network_bodies.member[1][n // 2 :] = False  # the second half are members of a only
    m = model.providers.state.shape[1]
    cells = np.concatenate([np.arange(n) * m, np.arange(n) * m + 1])
    model.t = 10
    kept = kept_by_network(model, cells)
    both, only_a, other = kept[: n // 2], kept[n // 2 : n], kept[n:]
    assert binomial_ok(both.sum(), n // 2, 1 - 0.5 * 0.5)
    assert binomial_ok(only_a.sum(), n // 2, 0.5)
    assert not other.any()  # its body is not founded yet


def test_without_bodies_nothing_is_kept_and_nothing_is_drawn() -> None:
    s = tiny_scenario(population={"providers": 300})
    a, b = make_model(s, seed=2), make_model(s, seed=2)
    assert not kept_by_network(a, np.arange(50)).any()
    a.t = 4
    network_awareness(a)
    assert a.rng.random() == b.rng.random()
