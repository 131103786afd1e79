"""The commissioning rule against its documented equation: V = (1 - pi) benefit + pi saving_ratio; chance propensity V C.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.ensemble import Ensemble
from sasci_sim.model.rules.commissioning import commission, council_value, every_council_value
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import FULL_PROOF, binomial_ok, innovation, make_model, tiny_data, tiny_scenario


def commissioning_model(pressure: float, n: int = 3000) -> SocialCareModel:
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": n},
        local_authorities={
            "cost_saving_pressure": pressure,
            "commissioning_propensity": 0.8,
            "commissioning_budget_k_per_provider_month": 100.0,
        },
        research={"evidence_role": 0.0},
        innovations=[
            innovation("benefit-only", benefit=0.9, commissioner_saving_k_per_month=0.0, running_cost_k_per_month=1.0),
            innovation("saves-money", benefit=0.3, commissioner_saving_k_per_month=1.0, running_cost_k_per_month=1.0),
        ],
    )
    model = make_model(s, seed=8)
    model.providers.months_operating[:] = FULL_PROOF  # confidence 1 with evidence_role 0
    return model


@pytest.mark.parametrize(("pressure", "p_benefit", "p_saving"), [(0.0, 0.8 * 0.9, 0.8 * 0.3), (1.0, 0.0, 0.8 * 1.0)])
def test_commissioning_tilts_to_cost_saving_innovations_under_pressure(
    pressure: float, p_benefit: float, p_saving: float
) -> None:
    n = 3000
    model = commissioning_model(pressure, n)
    assert (model.councils.pressure == pressure).all()
    rows = np.arange(n)
    got_benefit = commission(model, rows, np.zeros(n, dtype=np.int64)).sum()
    got_saving = commission(model, rows, np.ones(n, dtype=np.int64)).sum()
    assert binomial_ok(got_benefit, n, p_benefit)
    assert binomial_ok(got_saving, n, p_saving)
    if pressure == 1.0:
        assert got_saving > got_benefit
    else:
        assert got_benefit > got_saving


def test_council_value_blends_benefit_and_savings_by_pressure() -> None:
    model = commissioning_model(0.0, n=30)
    model.councils.pressure[:] = [0.0, 0.5, 1.0]
    councils = np.array([0, 1, 2, 0, 1, 2])
    cols = np.array([0, 0, 0, 1, 1, 1])
    assert council_value(model, councils, cols) == pytest.approx([0.9, 0.45, 0.0, 0.3, 0.65, 1.0])


def mixed_councils_data() -> dict:
    """Six councils, half of them pooling with their ICB, three innovations with different savings."""
    return tiny_data(
        population={"local_authorities": 6, "providers": 60},
        nhs={"pooled_council_share": 0.5},
        innovations=[
            innovation("a", benefit=0.9, commissioner_saving_k_per_month=0.2, nhs_saving_k_per_month=0.5),
            innovation("b", benefit=0.4, commissioner_saving_k_per_month=1.5, nhs_saving_k_per_month=0.0),
            innovation("c", benefit=0.6, commissioner_saving_k_per_month=0.0, nhs_saving_k_per_month=2.0),
        ],
    )


@pytest.mark.parametrize("batch", [1, 3])
def test_every_council_value_is_council_value_of_each_pair(batch: int) -> None:
    world = Ensemble(tiny_scenario(**mixed_councils_data()), list(range(batch)))
    c = world.councils
    c.pressure[:] = np.random.default_rng(4).random(c.n)
    world.portfolio.benefit[:] = np.random.default_rng(5).random(world.portfolio.benefit.size)  # each run's own
    assert 0 < world.boards.pooled.sum() < c.n
    cols = np.array([2, 0])
    councils, pairs = np.meshgrid(np.arange(c.n), cols)
    assert np.array_equal(every_council_value(world, cols), council_value(world, councils, pairs))
