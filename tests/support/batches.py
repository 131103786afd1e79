"""Runs alone and in batches, for the tests of the ensemble engine and its kept views."""

from __future__ import annotations

import pandas as pd

from sasci_sim.config.loader import load_scenario, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.model.ensemble import Ensemble
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import SCENARIOS


def small(path: str | None, providers: int = 300, steps: int = 30) -> Scenario:
    """A shipped scenario cut down to a few hundred providers and a few years."""
    data = load_scenario(None if path is None else SCENARIOS / path).model_dump()
    data["population"]["providers"] = min(data["population"]["providers"], providers)
    data["simulation"]["steps"] = steps
    return validate(data, "test")


def alone(scenario: Scenario, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spread and money tables of one run built and stepped on its own."""
    model = SocialCareModel(scenario, rng=seed, provider_agents=False)
    model.run()
    return model.recorder.tidy(model, 0), model.recorder.money(0)


def in_batch(scenario: Scenario, seeds: list[int], b: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run b's tables from an ensemble of these seeds."""
    ensemble = Ensemble(scenario, seeds)
    ensemble.run()
    return ensemble.tables(b, 0)


#: Scenarios that between them switch on every mechanism: the complete graph (Bass limit), pooled
#: budgets and the joint fund, national programmes and mandates, schemes and network bodies.
SCENARIOS_COVERED = (
    None,
    "validation/bass_limit.yaml",
    "england.yaml",
    "joint_health_social_care_fund.yaml",
    "national_programme.yaml",
    "national_mandate.yaml",
    "history/shared_lives.yaml",
)
