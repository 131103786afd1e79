"""Flat cell indices of a provider x innovation array, and back to rows and columns.

Rules draw events over the flattened (row-major) cell arrays; this turns the drawn cells back
into (provider, innovation) pairs. ``cells - rows * m`` is cheaper than a second division.
:func:`flat_nonzero` finds the true cells of a sparse mask faster than ``np.flatnonzero``,
:func:`distinct_sorted` the distinct cells of a list faster than ``np.unique``, :func:`row_counts`
a value's cells in given rows faster than gathering the rows, and :func:`merged_where` a kept index
brought up to date in one pass.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.jit import compiled

#: Above this share of 8-cell words holding a true cell, ``np.flatnonzero`` on the cells is faster.
_DENSE_WORDS = 0.75
#: Below this many cells ``np.flatnonzero`` is as fast or faster (measured up to about 100,000 cells).
_SMALL = 2**17


def split_cells(cells: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (providers) and columns (innovations) of flat indices into an N x m array.

    Args:
        cells: Flat row-major indices.
        m: The number of columns (innovations).

    Returns:
        The row and the column of each cell, in the order of ``cells``.
    """
    rows = cells // m
    return rows, cells - rows * m


def distinct_sorted(cells: np.ndarray) -> np.ndarray:
    """``np.unique(cells)`` of flat cell indices, by one sort.

    numpy 2's ``np.unique`` finds the distinct values by hashing and then sorts them: on a month's
    few thousand written cells that costs about seven times a sort. Sorted, the cells are then
    also read from the cell arrays in order, which costs less than reading them scattered.

    Args:
        cells: Flat cell indices (any order; repeats allowed).

    Returns:
        The distinct indices, sorted.
    """
    ordered = np.sort(cells)
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def flat_nonzero(mask: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(mask)`` of a boolean cell mask, faster when a few per cent of cells are true.

    The monthly masks (piloting, operating, exposed and unaware) hold 0.1 to 5 per cent true
    cells. Over a large mask (from about 100,000 cells) ``np.flatnonzero`` is slow at these
    densities: two passes over an array that outgrows the cache, skipping zeros one stretch at a
    time. Read as 64-bit words of 8 cells, the mask is an eighth as long, and only the few words
    holding a true cell are searched cell by cell (at 540,000 cells: 1.3 times as fast at 1 per
    cent, about twice at 2.5 to 5). Smaller masks go to ``np.flatnonzero`` directly.

    Args:
        mask: A boolean array (any shape; read in row-major order).

    Returns:
        The flat indices of its true cells, sorted (int64), exactly those of ``np.flatnonzero``.
    """
    flat = mask.reshape(-1)
    whole = flat.size // 8 * 8
    if flat.size < _SMALL or mask.dtype != np.bool_ or not flat.flags.c_contiguous:
        return np.flatnonzero(flat)
    words = flat[:whole].view(np.uint64)
    busy = np.flatnonzero(words != 0)
    if busy.size > _DENSE_WORDS * words.size:
        return np.flatnonzero(flat)
    within = np.flatnonzero(words[busy].view(np.bool_))  # byte k of busy word w is cell 8 * busy[w] + k % 8
    out = (busy[within >> 3] << 3) | (within & 7)
    if whole < flat.size:
        out = np.concatenate([out, whole + np.flatnonzero(flat[whole:])])
    return out


@compiled
def row_counts(values: np.ndarray, rows: np.ndarray, value: int) -> np.ndarray:
    """How many cells of each of ``rows`` (of an N x m array) hold ``value``, one compiled pass.

    A bid's capacity check counts a provider's pilots under way: gathering whole rows and
    summing them in numpy costs three passes and a temporary per bid (``model.kernels.jit``).

    Args:
        values: An N x m cell array (C order).
        rows: The rows to count (repeats allowed).
        value: The value to count.

    Returns:
        One count per row given (int64).
    """
    m = values.shape[1]
    flat = values.reshape(-1)
    counts = np.zeros(rows.size, dtype=np.int64)
    for k in range(rows.size):
        start = rows[k] * m
        for j in range(start, start + m):
            counts[k] += flat[j] == value
    return counts


@compiled
def merged_where(kept: np.ndarray, added: np.ndarray, values: np.ndarray, value: int, counts: np.ndarray) -> np.ndarray:
    """The cells of two sorted lists, each once and in order, that hold ``value`` and a count above 0.

    A kept index of cells (the unaware cells a peer's use reaches) is brought up to date each
    month with the cells added since, dropping those that left. In numpy that is a merge by sort,
    a pass for repeats, two gathers and three passes to filter; here one compiled pass walks both
    lists and reads each cell's two values once.

    Args:
        kept: Flat cell indices, sorted, each once.
        added: Flat cell indices, sorted (repeats and cells of ``kept`` allowed).
        values: The flat cell values (a state).
        value: The value a cell must hold.
        counts: The flat counts (of peers using the innovation); a cell needs one above 0.

    Returns:
        The cells kept, sorted, each once (int64).
    """
    out = np.empty(kept.size + added.size, dtype=np.int64)
    found, i, j, last = 0, 0, 0, -1
    while i < kept.size or j < added.size:
        if j == added.size or (i < kept.size and kept[i] <= added[j]):
            cell = kept[i]
            i += 1
        else:
            cell = added[j]
            j += 1
        if cell != last:
            last = cell
            if values[cell] == value and counts[cell] != 0:
                out[found] = cell
                found += 1
    return out[:found]
