"""allocate: greedy by priority within groups; the first bid that does not fit closes its group."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sasci_sim.model.kernels.allocation import MONEY_UNIT_K, _ranked, allocate, spent_by_group


def greedy_reference(group: list[int], cost: list[float], priority: list[float], budget: list[float]) -> list[bool]:
    """The documented rule, one bid at a time (ties keep the bids' order, as a stable sort does).

    Money in whole tenths of a penny (``MONEY_UNIT_K``), Python integers: exact totals.
    """
    accepted = [False] * len(group)
    for g in sorted(set(group)):
        bids = sorted((i for i in range(len(group)) if group[i] == g), key=lambda i: -priority[i])
        spent, room = 0, round(budget[g] / MONEY_UNIT_K)
        for i in bids:
            c = round(max(cost[i], 0.0) / MONEY_UNIT_K)
            if spent + c > room:
                break
            spent += c
            accepted[i] = True
    return accepted


def test_takes_bids_in_priority_order_until_one_does_not_fit() -> None:
    group = np.array([0, 0, 0, 0, 1, 1])
    cost = np.array([4.0, 3.0, 1.0, 2.0, 5.0, 1.0])
    priority = np.array([0.9, 0.8, 0.1, 0.7, 0.2, 0.3])
    budget = np.array([8.0, 1.0])
    # group 0 by priority: 4 (0.9), 3 (0.8) -> 7; then 2 (0.7) would make 9 > 8: closed, so the
    # cheap 1 (0.1) is refused too. Group 1: 1 (0.3) fits, then 5 does not.
    assert allocate(group, cost, priority, budget).tolist() == [True, True, False, False, False, True]


def test_zero_and_negative_costs_always_fit_and_empty_input() -> None:
    got = allocate(np.array([0, 0, 0]), np.array([0.0, -2.0, 1.0]), np.array([3.0, 2.0, 1.0]), np.array([0.0]))
    assert got.tolist() == [True, True, False]
    assert allocate(np.array([], dtype=np.int64), np.array([]), np.array([]), np.array([1.0])).size == 0


def test_spent_by_group_sums_positive_costs_per_group() -> None:
    got = spent_by_group(np.array([2, 0, 2]), np.array([1.5, 2.0, -1.0]), 4)
    assert got.dtype == np.float64
    assert got.tolist() == [2.0, 0.0, 1.5, 0.0]
    assert spent_by_group(np.array([], dtype=np.int64), np.array([]), 2).tolist() == [0.0, 0.0]


bids = st.integers(min_value=0, max_value=25).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.floats(-1.0, 10.0, allow_nan=False).map(lambda x: round(x, 2)), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=n, max_size=n, unique=True),
        st.lists(st.floats(0.0, 30.0, allow_nan=False), min_size=4, max_size=4),
    )
)


@settings(max_examples=200, deadline=None)
@given(bids)
def test_matches_the_one_bid_at_a_time_rule(case: tuple[list[int], list[float], list[float], list[float]]) -> None:
    group, cost, priority, budget = case
    got = allocate(np.array(group, dtype=np.int64), np.array(cost), np.array(priority), np.array(budget))
    assert got.tolist() == greedy_reference(group, cost, priority, budget)
    spent = spent_by_group(np.array(group, dtype=np.int64)[got], np.array(cost)[got], 4)
    assert (spent <= np.array(budget) + 1e-6).all()


@pytest.mark.parametrize("seed", range(40))
def test_a_group_s_decisions_do_not_depend_on_the_groups_ranked_before_it(seed: int) -> None:
    # a run alone, and the same run behind another run's large bids in one allocation (a batch):
    # a budget exactly a sum of decimal costs is where floating-point running totals disagree
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    cost = np.round(rng.uniform(5.0, 30.0, k), 1)
    budget = float(np.round(cost[: int(rng.integers(1, k))].sum(), 1))
    priority = -np.arange(k, dtype=float)
    alone = allocate(np.zeros(k, dtype=np.int64), cost, priority, np.array([budget]))
    before = np.round(rng.uniform(1e5, 1e7, 3), 1)
    group = np.r_[np.zeros(3, dtype=np.int64), np.ones(k, dtype=np.int64)]
    together = allocate(group, np.r_[before, cost], np.r_[-np.arange(3.0), priority], np.array([1e9, budget]))
    assert np.array_equal(together[3:], alone)
    assert alone.sum() >= 1  # the budget is a sum of the first bids' costs: they fit exactly


def test_unlimited_nan_and_huge_budgets_and_costs() -> None:
    group = np.array([0, 0, 1, 1, 2])
    cost = np.array([1e12, 5.0, 3.0, np.nan, 2.0])
    got = allocate(group, cost, np.array([2.0, 1.0, 2.0, 1.0, 1.0]), np.array([np.inf, 4.0, np.nan]))
    # unlimited: both fit; 4.0: 3 fits, an unknown cost fits nothing and closes the group; NaN budget: none
    assert got.tolist() == [True, True, True, False, False]


@pytest.mark.parametrize("seed", range(12))
def test_bids_are_ranked_as_a_stable_sort_by_group_then_priority(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 1200)) if seed == 0 else int(rng.integers(1200, 6000))  # lexsort itself below 1,200
    groups = int(rng.choice([1, 32, 70_000]))  # beyond 16 bits, the groups are sorted as they are
    group = rng.integers(0, groups, n)
    if seed % 3 == 0:
        group = np.sort(group)  # as a batch's calls come: run by run
    # coarse priorities make ties within a group, which must keep the bids' order; some NaN
    priority = np.round(rng.random(n), 2) if seed % 2 else rng.random(n)
    if seed % 4 == 1 and n:
        priority[rng.integers(0, n, 3)] = np.nan
    assert np.array_equal(_ranked(group, priority), np.lexsort((-priority, group)))


@pytest.mark.parametrize("seed", range(3))
def test_large_allocations_match_the_one_bid_at_a_time_rule(seed: int) -> None:
    # thousands of bids in a few groups (a batch's calls), many groups running out
    rng = np.random.default_rng(seed)
    n, groups = int(rng.integers(2000, 5000)), int(rng.choice([2, 32, 300]))
    group = rng.integers(0, groups, n)
    cost = np.round(rng.uniform(0.0, 30.0, n), 1)
    priority = np.round(rng.random(n), 3)  # ties within groups
    budget = np.round(rng.uniform(0.0, 3.0 * 15.0 * n / groups, groups), 1)  # some groups run out
    got = allocate(group, cost, priority, budget)
    assert got.tolist() == greedy_reference(group.tolist(), cost.tolist(), priority.tolist(), budget.tolist())
    assert 0 < got.sum() < n
