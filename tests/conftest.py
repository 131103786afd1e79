"""Fixtures shared by the core tests (plain helpers live in core_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from core_helpers import make_model, tiny_scenario

from sasci_sim.model import SocialCareModel
from sasci_sim.scenario import Scenario


@pytest.fixture
def scenario_factory() -> Callable[..., Scenario]:
    """Build a tiny validated scenario from section overrides."""
    return tiny_scenario


@pytest.fixture
def model_factory() -> Callable[..., SocialCareModel]:
    """Build a model of a scenario without Provider views."""
    return make_model
