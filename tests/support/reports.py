"""Small scenarios for the comparison and report tests: three innovations, one of each kind."""

from __future__ import annotations

from typing import Any

from sasci_sim.config.loader import merge, validate
from sasci_sim.config.schema import Scenario


def small_data(name: str = "short", **sections: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "description": f"A small test scenario called {name}.",
        "simulation": {"steps": 36, "replications": 3, "seed": 11},
        "population": {"local_authorities": 3, "providers": 300},
        "funding": {"grant_duration_months": 12, "call_interval_months": 6, "budget_per_call_k": 200},
        "innovations": [
            {"name": "records", "kind": "business_model", "initial_pilots": 5},
            {"name": "certificate", "kind": "systems", "initial_pilots": 5},
            {"name": "shared-lives", "kind": "social", "initial_pilots": 5},
        ],
    }
    return merge(base, sections)


def small(name: str = "short", **sections: Any) -> Scenario:
    """A validated small scenario; ``sections`` deep-merge over the defaults above."""
    return validate(small_data(name, **sections), "test")


def long_funding() -> Scenario:
    """The same scenario with five-year grants."""
    return small("long", funding={"grant_duration_months": 60})
