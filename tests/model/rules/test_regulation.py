"""The regulation rule against its documented equation: approval chance 1 / (1 + D), D = max_delay * burden * (1 - flexibility).

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.regulation import approve_pilots, mean_delay_months
from tests.support.core import binomial_ok, innovation, make_model, place, tiny_scenario


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
