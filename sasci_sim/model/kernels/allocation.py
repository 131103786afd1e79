"""Greedy budget allocation within groups (funders, pilot funds, councils): numpy ranks, one compiled pass takes.

Bids are ranked by priority within their group; a bid is accepted while the
running total of its group's accepted costs stays within the group's budget.

Money is counted in whole tenths of a penny (``MONEY_UNIT_K``) inside an allocation, so the
running totals are exact integers: a group's totals then do not depend on the groups ranked
before it. In floating point they would (one running sum over every group, less the total before
the group, rounds differently when other groups come first), and a run stepped in a batch, whose
other runs' councils and calls are groups of the same allocation, could fund a bid its run alone
refuses at a budget's edge.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.jit import compiled

#: The unit of money inside an allocation, k GBP (a tenth of a penny): costs and budgets are
#: rounded to it, and every running total is an exact integer count of it.
MONEY_UNIT_K = 1e-6
#: The largest budget in units (an unlimited budget, or a larger one, counts as this).
_MOST_UNITS = 2**62


#: Below this many bids ``lexsort`` ranks them as fast as ``_ranked``'s two sorts or faster (measured: even at 1,200).
_LEXSORT_BELOW = 1200


def allocate(group: np.ndarray, cost: np.ndarray, priority: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Boolean mask of accepted bids.

    ``group`` indexes ``budget``; costs of zero or less always fit. Within a
    group, bids are taken in descending priority and the first bid that does
    not fit closes the group (a call's panel funds down its ranked list).

    Args:
        group: The group (council, or the call) of each bid; indexes ``budget``.
        cost: Each bid's cost, in the budget's unit.
        priority: Each bid's rank key; higher is funded first.
        budget: Money per group.

    Returns:
        Which bids are accepted, in the order given.
    """
    n = len(group)
    accepted = np.zeros(n, dtype=bool)
    if n == 0:
        return accepted
    units, room = _units(cost, n), _budget_units(budget)
    if len(budget) == 1 and n > 1024:
        head = _ranked_head(units, priority, int(room[0]))
        if head is not None:
            accepted[head] = True
            return accepted
    _take_in_order(_ranked(group, priority), group, units, room, accepted)
    return accepted


@compiled
def _take_in_order(
    order: np.ndarray, group: np.ndarray, units: np.ndarray, room: np.ndarray, accepted: np.ndarray
) -> None:
    """Go down the ranked bids, accepting each that fits its group's room, until one does not and closes the group.

    One compiled pass (``model.kernels.jit``) over the bids: the totals are whole units (exact).

    Args:
        order: The bids, ranked (by group, then descending priority).
        group: Each bid's group (indexes ``room``).
        units: Each bid's cost in whole units (0 or more).
        room: Each group's budget in whole units.
        accepted: Set where a bid is accepted (all False on entry).
    """
    spent = np.zeros(room.size, dtype=np.int64)
    closed = np.zeros(room.size, dtype=np.bool_)
    for i in order:
        g = group[i]
        if closed[g]:
            continue
        total = spent[g] + units[i]
        if total <= room[g]:
            spent[g] = total
            accepted[i] = True
        else:  # the panel funds down its list: the first bid that does not fit closes the group
            closed[g] = True


def _units(cost: np.ndarray, n: int) -> np.ndarray:
    """Each bid's cost in whole ``MONEY_UNIT_K`` (int64).

    A cost at or below 0 counts as 0; the largest (and an unknown, NaN, one) is capped so that
    the n costs' total cannot overflow, and such a bid fits no budget below the cap.
    """
    most = float(_MOST_UNITS // max(n, 1))
    units = np.asarray(cost, dtype=np.float64) / MONEY_UNIT_K
    np.fmin(units, most, out=units)  # NaN and inf become the cap (fmin ignores a NaN)
    np.maximum(units, 0.0, out=units)
    return np.rint(units, out=units).astype(np.int64)


def _budget_units(budget: np.ndarray) -> np.ndarray:
    """Each group's budget in whole ``MONEY_UNIT_K`` (int64; an unlimited one is ``_MOST_UNITS``, a NaN one fits nothing)."""
    units = np.asarray(budget, dtype=np.float64) / MONEY_UNIT_K
    np.fmax(units, -float(_MOST_UNITS), out=units)  # NaN and -inf become the floor (fmax ignores a NaN)
    np.minimum(units, float(_MOST_UNITS), out=units)
    return np.rint(units, out=units).astype(np.int64)


def _ranked(group: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """``np.lexsort((-priority, group))``: bids by group, then by descending priority, ties as given.

    A quicksort of the priorities and a stable (counting) sort of the groups are several times
    faster than the two merge sorts of ``lexsort`` from about ``_LEXSORT_BELOW`` bids; since the
    quicksort may put equal priorities of a group out of their order, a ranking with such ties (or
    a NaN) is made by ``lexsort``.
    """
    if len(priority) < _LEXSORT_BELOW:
        return np.lexsort((-priority, group))
    order = np.argsort(-priority)
    keys = group[order]
    if len(keys) and keys.min() >= 0 and keys.max() < 2**16:
        keys = keys.astype(np.uint16)  # a stable sort of 16-bit keys is a counting sort
    order = order[np.argsort(keys, kind="stable")]
    ranked, g = priority[order], group[order]
    if np.any((ranked[1:] == ranked[:-1]) & (g[1:] == g[:-1])) or np.isnan(ranked).any():
        return np.lexsort((-priority, group))
    return order


def _ranked_head(units: np.ndarray, priority: np.ndarray, room: int) -> np.ndarray | None:
    """One budget: the accepted bids, ranking only the best few (None if the budget outlasts them).

    A call funds a few hundred bids out of thousands: every bid ranked at or above
    the k-th best priority (ties included, so the order matches a full stable
    sort) is ranked, and if the money runs out among them the rest cannot win.

    Args:
        units: Each bid's cost in whole ``MONEY_UNIT_K``.
        priority: Each bid's rank key; higher is funded first.
        room: The budget in whole ``MONEY_UNIT_K``.
    """
    n = len(units)
    k = max(int(2 * room / max(float(units.mean()), 1e-12)), 0) + 64  # about twice the bids the budget pays for
    while 4 * k < n:
        threshold = np.partition(priority, n - k)[n - k]
        top = np.flatnonzero(priority >= threshold)
        order = top[np.argsort(-priority[top], kind="stable")]
        refused = np.cumsum(units[order]) > room
        if refused.any():
            return order[: int(np.argmax(refused))]
        k *= 4
    return None


def spent_by_group(group: np.ndarray, cost: np.ndarray, n_groups: int) -> np.ndarray:
    """Total cost per group (float, also when there are no bids).

    Negative costs count as zero, as in ``allocate``, so the two always agree.

    Args:
        group: Each accepted bid's group.
        cost: Each accepted bid's cost.
        n_groups: How many groups there are.

    Returns:
        The money spent per group, length ``n_groups``.
    """
    return np.bincount(group, weights=np.maximum(cost, 0.0), minlength=n_groups).astype(np.float64)
