"""Pinned fingerprints of short runs: a pure speed change must not change any result.

Each fingerprint is a hash of the core columns of the spread table (counts of
providers per state, events, councils reached, evidence to six decimals) of a
short run with fixed seeds. Optimising how a rule is computed must leave it
unchanged; changing what the model does (rules, parameters, defaults,
calibration, or how random numbers are drawn) changes it, and then the pin is
updated on purpose. The values hold for the project's machines (one kind, one
numpy): another CPU or numpy may round a logarithm differently and so differ.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.model.recording import STATE_COLUMNS
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import SCENARIOS, make_model

#: Columns whose values make the fingerprint (present in every spread table).
CORE = (
    "replication",
    "step",
    "innovation",
    *STATE_COLUMNS,
    "abandoned",
    "councils_reached",
    "evidence",
    "aware_new",
    "pilots_started",
    "grants",
    "sustained_new",
)

#: scenario -> fingerprint of 2 replications x 24 months with seed 1.
PINNED = {
    "baseline": "4f44d48e1c3386e6",
    "validation/bass_limit.yaml": "9c356cafb98ebcc9",
}

HOW_TO_UPDATE = (
    "If you changed the model on purpose (rules, parameters, defaults, calibration, random draws), "
    "set PINNED[{key!r}] in tests/test_fingerprint.py to {got!r}. "
    "If you only meant to make it faster, your change altered results: find out why."
)


def fingerprint(spread: pd.DataFrame) -> str:
    """SHA-256 (first 16 hex digits) of the core columns, in row order, as text."""
    core = spread.loc[:, list(CORE)].copy()
    core["evidence"] = core["evidence"].round(6)
    text = core.to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize("key", sorted(PINNED))
def test_short_run_matches_its_pinned_fingerprint(key: str) -> None:
    scenario = load_scenario(None if key == "baseline" else SCENARIOS / key)
    spread = run_replications(scenario, replications=2, seed=1, steps=24).spread
    got = fingerprint(spread)
    assert got == PINNED[key], HOW_TO_UPDATE.format(key=key, got=got)


def test_a_run_is_the_same_with_or_without_mesa_provider_agents() -> None:
    scenario = load_scenario(None)
    with_agents = SocialCareModel(scenario, rng=3, provider_agents=True)  # as the page and batch_run build it
    without = make_model(scenario, seed=3)  # as run_replications does
    for model in (with_agents, without):
        for _ in range(24):
            model.step()
    assert len(with_agents.agents) > len(without.agents)
    assert fingerprint(with_agents.recorder.tidy(with_agents)) == fingerprint(without.recorder.tidy(without))
    for name in ("state", "payer", "reserves"):
        assert np.array_equal(getattr(with_agents.providers, name), getattr(without.providers, name))
