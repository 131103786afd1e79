"""Passing a change of some cells on to every neighbour of their rows, as one compiled loop.

A cell (row i, column j) that changes by +1 or -1 changes the count at (k, j) of every neighbour
k of i in a CSR graph. In numpy that takes ten passes over the neighbours (their lengths, offsets,
repeats, a gather, the flat index, the counts before, ``np.add.at``, the counts after); one loop
(:mod:`sasci_sim.model.kernels.jit`) reads each neighbour once. Counts are whole numbers, so the
order of the adds cannot change them.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.jit import compiled


@compiled
def pass_on(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, cols: np.ndarray, signs: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Add ``signs[c]`` to ``counts[k, cols[c]]`` for every neighbour k of ``rows[c]``.

    Args:
        indptr: The graph's CSR row pointers.
        indices: Its CSR column indices (each row's neighbours).
        rows: The changed cells' rows.
        cols: Their columns.
        signs: +1 or -1 each.
        counts: The flat row-major counts (rows x ``m`` columns, ``m`` = ``counts.size // (len(indptr) - 1)``),
            changed in place.

    Returns:
        The flat cells whose count rose from 0 on the way (each time it did; a count that rose
        and fell back is among them), in the order met.
    """
    m = counts.size // (indptr.size - 1)
    total = 0
    for c in range(rows.size):
        total += indptr[rows[c] + 1] - indptr[rows[c]]
    rose = np.empty(total, dtype=np.int64)
    found = 0
    for c in range(rows.size):
        j, step = cols[c], signs[c]
        for t in range(indptr[rows[c]], indptr[rows[c] + 1]):
            cell = indices[t] * m + j
            before = counts[cell]
            counts[cell] = before + step
            rose[found] = cell
            found += (before == 0) & (step > 0)
    return rose[:found]
