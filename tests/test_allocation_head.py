"""A single budget ranks only its best bids: the result equals ranking every bid (sasci_sim/model/kernels/allocation.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.kernels.allocation import MONEY_UNIT_K, _ranked_head, allocate


def allocate_by_full_ranking(cost: np.ndarray, priority: np.ndarray, budget: float) -> np.ndarray:
    """The definition: fund down the stably sorted list until the first bid that does not fit."""
    order = np.lexsort((-priority, np.zeros(len(cost), dtype=np.int64)))
    fits = np.cumsum(np.maximum(cost[order], 0.0)) <= budget + 1e-9
    accepted = np.zeros(len(cost), dtype=bool)
    accepted[order[: int(np.argmin(fits)) if not fits.all() else len(cost)]] = True
    return accepted


@pytest.mark.parametrize("seed", range(10))
def test_ranking_the_head_gives_the_same_winners_as_ranking_all(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1500, 20000))
    cost = rng.choice([0.0, 20.0, 35.0, 60.0], size=n, p=[0.05, 0.45, 0.3, 0.2])
    # coarse priorities make many ties, which must keep the order of the bids
    priority = np.round(rng.random(n), 2) if seed % 2 else rng.random(n)
    budget = float(rng.choice([-1000.0, 500.0, 5000.0, 40000.0, 10**7]))
    expected = allocate_by_full_ranking(cost, priority, budget)
    got = allocate(np.zeros(n, dtype=np.int64), cost, priority, np.array([budget]))
    assert np.array_equal(got, expected)
    units = np.rint(np.maximum(cost, 0.0) / MONEY_UNIT_K).astype(np.int64)
    head = _ranked_head(units, priority, round(budget / MONEY_UNIT_K))
    if head is not None:  # the budget ran out among the best bids
        assert expected.sum() == head.size < n
