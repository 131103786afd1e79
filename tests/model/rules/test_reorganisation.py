"""The reorganisation rule against its documented equation: reorganisation withdraws support.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.commissioning import _providers_of, reorganise
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import binomial_ok, innovation, make_model, place, tiny_scenario


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


def test_providers_of_councils_are_the_rows_a_pass_over_every_provider_finds() -> None:
    rng = np.random.default_rng(3)
    council = np.sort(rng.integers(0, 30, size=500)).astype(np.int32)  # as providers are built
    for councils in (np.array([], dtype=np.int64), np.array([0]), np.array([2, 7, 29]), np.arange(30), np.array([31])):
        expected = np.flatnonzero(np.isin(council, councils))
        assert np.array_equal(_providers_of(council, councils), expected)
        shuffled = rng.permutation(council)  # unsorted: the pass itself
        assert np.array_equal(_providers_of(shuffled, councils), np.flatnonzero(np.isin(shuffled, councils)))
