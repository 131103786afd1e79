"""Greedy budget allocation within groups, vectorised (funders, pilot funds, councils).

Bids are ranked by priority within their group; a bid is accepted while the
running total of its group's accepted costs stays within the group's budget.
"""

from __future__ import annotations

import numpy as np


def allocate(group: np.ndarray, cost: np.ndarray, priority: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Boolean mask of accepted bids.

    ``group`` indexes ``budget``; costs of zero or less always fit. Within a
    group, bids are taken in descending priority and the first bid that does
    not fit closes the group (a call's panel funds down its ranked list).
    """
    n = len(group)
    accepted = np.zeros(n, dtype=bool)
    if n == 0:
        return accepted
    order = np.lexsort((-priority, group))
    g = group[order]
    c = np.maximum(cost[order], 0.0)
    running = np.cumsum(c)
    first = np.searchsorted(g, g, side="left")
    before = np.where(first > 0, running[first - 1], 0.0)
    within = running - before
    fits = within <= budget[g] + 1e-9
    # once a bid in a group does not fit, later bids in that group are refused
    refused = ~fits
    refused_so_far = np.cumsum(refused)
    refused_before = np.where(first > 0, refused_so_far[first - 1], 0)
    accepted[order] = (refused_so_far - refused_before) == 0
    return accepted


def spent_by_group(group: np.ndarray, cost: np.ndarray, n_groups: int) -> np.ndarray:
    """Total cost per group (float, also when there are no bids)."""
    return np.bincount(group, weights=np.maximum(cost, 0.0), minlength=n_groups).astype(np.float64)
