"""Helpers for the core tests: tiny scenarios, models, statistical tolerances, repository paths."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sasci_sim.config.loader import merge, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.social_care import SocialCareModel

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SASCI_SIM = ROOT / ".venv" / "bin" / "sasci-sim"


def innovation(name: str = "inn", kind: str = "business_model", **attrs: Any) -> dict[str, Any]:
    """An innovation mapping with no originators (tests place adopters by hand)."""
    return {"name": name, "kind": kind, "initial_pilots": 0, **attrs}


def tiny_data(**sections: Any) -> dict[str, Any]:
    """A small scenario mapping; ``sections`` deep-merge over it (lists are replaced)."""
    base: dict[str, Any] = {
        "name": "tiny",
        "simulation": {"steps": 12, "replications": 2, "seed": 7},
        "population": {"local_authorities": 2, "providers": 40},
        "innovations": [innovation()],
    }
    return merge(base, sections)


def tiny_scenario(**sections: Any) -> Scenario:
    """A validated tiny scenario (see ``tiny_data``)."""
    return validate(tiny_data(**sections), "test")


def make_model(scenario: Scenario | Mapping[str, Any], seed: int = 1, **levers: Any) -> SocialCareModel:
    """A model without Provider views (the rules never need them)."""
    if not isinstance(scenario, Scenario):
        scenario = validate(dict(scenario), "test")
    return SocialCareModel(scenario, rng=seed, provider_agents=False, **levers)


def binomial_ok(count: float, n: int, p: float, z: float = 4.0) -> bool:
    """Whether a Binomial(n, p) count lies within z standard deviations of n p.

    Four standard deviations: a false alarm about once in 16,000 checks, while a
    wrong equation (a missing term or factor) shifts the mean by far more.
    """
    sd = np.sqrt(n * p * (1 - p))
    return abs(count - n * p) <= z * sd + 1e-9


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
