"""Innovations already under way at the start (ODD: Initialisation): users, commissioners, sign-ups."""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from tests.support.core import innovation, make_model, tiny_scenario


def test_a_share_of_providers_already_use_it_and_some_councils_pay() -> None:
    scenario = tiny_scenario(
        population={"local_authorities": 10, "providers": 400},
        innovations=[innovation("a", "systems", initial_share=0.25, initial_council_share=0.3), innovation("b")],
    )
    model = make_model(scenario, seed=2)
    p = model.providers
    users = p.state[:, 0] == State.SUSTAINED
    assert users.sum() == 100
    assert p.approved[users, 0].all() and (p.months_operating[users, 0] >= scenario.diffusion.proof_months).all()
    paying = np.unique(p.council[users & (p.payer[:, 0] == Payer.COUNCIL)])
    assert 1 <= paying.size <= 3
    assert (p.payer[users & ~np.isin(p.council, paying), 0] == Payer.OWN).all()
    assert model.councils.signed[np.unique(p.council[users]), 0].all()
    assert (p.state[:, 1] == State.UNAWARE).all()
    assert model.recorder.counts[0, State.SUSTAINED, 0] == 100  # month 0 records the sector as it is


def test_capable_providers_are_more_likely_to_be_the_users() -> None:
    model = make_model(
        tiny_scenario(population={"providers": 2000}, innovations=[innovation(initial_share=0.1)]), seed=3
    )
    p = model.providers
    users = p.state[:, 0] == State.SUSTAINED
    assert p.capability[users].mean() > p.capability[~users].mean()


def test_an_innovation_launched_later_enters_with_its_users_then() -> None:
    scenario = tiny_scenario(
        abandonment={"base_hazard_per_month": 0.0}, innovations=[innovation(launch_month=2, initial_share=0.5)]
    )
    model = make_model(scenario, seed=1)
    assert (model.providers.state[:, 0] == State.UNAWARE).all()
    model.step()
    assert (model.providers.state[:, 0] == State.UNAWARE).all()
    model.step()
    assert (model.providers.state[:, 0] == State.SUSTAINED).sum() == 20
