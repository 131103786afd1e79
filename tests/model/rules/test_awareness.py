"""The awareness rule against its documented equation: h = min(1, p + r e E[j] + q c[i] x[i, j]).

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.awareness import spread_awareness
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_scenario


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
    model.exposure.update(np.flatnonzero(model.operating_mask()))
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
