"""The walk along geometric gaps that sparse sampling takes, as one compiled loop (ODD 7.11).

Sparse sampling (:mod:`sasci_sim.model.kernels.sampling`) turns uniforms into gaps between
hits, ``floor(log(1 - U) / log(1 - p)) + 1``, adds them up to positions, stops at the end of
the cells and keeps the positions whose cell holds the right value. In numpy that is eight
passes over the gaps, and the running sum alone is sequential: numpy's accumulate loop waits
on each add (about 2.5 ns a gap, a third of what a month's sampling costs). Here one compiled
loop (Numba) takes the whole walk in one pass, without branching on the cell's value.

The uniforms and their logarithms stay numpy's (``Generator.random``, ``np.log1p``), so the
draws are bitwise those of a numpy walk: the loop multiplies each logarithm by the same scale
and floors it (exact IEEE operations, no fused or reordered arithmetic), and adds whole numbers
only, exact in float64 below 2**53, so it finds the same cells on any machine.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.jit import compiled


@compiled
def walk(
    logs: np.ndarray,
    scale: float,
    last: float,
    size: int,
    flat: np.ndarray,
    offset: int,
    value: int,
    out: np.ndarray,
    found: int,
) -> tuple[int, int, float]:
    """Walk on from position ``last`` by the gaps ``floor(logs[i] * scale) + 1`` until ``size``.

    Args:
        logs: ``log(1 - U)`` of each uniform (``np.log1p(-U)``).
        scale: ``1 / log(1 - p)``.
        last: The position walked to so far (-1 at the start).
        size: Where the positions end.
        flat: The cell values read at ``offset + position`` (unread when ``value`` < 0).
        offset: Added to each position to give the cell written to ``out``.
        value: Keep only positions whose cell holds this value; every position when negative.
        out: Where kept cells go, from index ``found`` (room for one per gap).
        found: Cells already in ``out``.

    Returns:
        (cells now in ``out``, gaps used, position reached): all ``logs`` were used when the
        walk did not reach ``size``.
    """
    pos = last
    for i in range(logs.size):
        pos += np.floor(logs[i] * scale) + 1.0  # (a float: a gap may be far beyond any int)
        if pos >= size:
            return found, i, pos
        cell = int(pos) + offset
        out[found] = cell
        if value < 0:
            found += 1
        else:
            found += flat[cell] == value  # (no branch on the cell: its value is a coin toss)
    return found, logs.size, pos


@compiled
def walk_blocks(
    logs: np.ndarray,
    bounds: np.ndarray,
    scales: np.ndarray,
    offsets: np.ndarray,
    size: int,
    flat: np.ndarray,
    value: int,
    out: np.ndarray,
    lasts: np.ndarray,
) -> int:
    """``walk`` from -1 over each block's gaps ``logs[bounds[k]:bounds[k + 1]]``, block after block.

    Args:
        logs: Every block's ``log(1 - U)``, end to end.
        bounds: Where each block's start (one more than blocks).
        scales: Each block's ``1 / log(1 - p)``.
        offsets: Each block's first cell.
        size: Positions per block.
        flat: The cell values (unread when ``value`` < 0).
        value: Keep only cells holding this value; every cell when negative.
        out: Where kept cells go (room for one per gap).
        lasts: Written: each block's position reached when its gaps ran out before ``size``, else NaN.

    Returns:
        The number of cells in ``out``, block after block.
    """
    found = 0
    for k in range(scales.size):
        found, used, pos = walk(
            logs[bounds[k] : bounds[k + 1]], scales[k], -1.0, size, flat, offsets[k], value, out, found
        )
        lasts[k] = pos if used == bounds[k + 1] - bounds[k] else np.nan
    return found
