"""Sparse Bernoulli sampling: which of many cells an event hits, at a cost in proportion to the hits.

Most monthly hazards are small (a few per cent) and apply to a minority of the
provider x innovation cells. Drawing a uniform for every cell would cost work in
proportion to providers x innovations every month; geometric skipping draws only
the gaps between hits, and thinning turns one bound into per-cell chances. Both
give every cell exactly its own independent chance (Devroye 1986, ch. VI.3).
"""

from __future__ import annotations

import math

import numpy as np

#: Above this chance a uniform per index costs less than drawing the gaps.
DENSE_ABOVE = 0.2


def bernoulli_indices(rng: np.random.Generator, size: int, p: float) -> np.ndarray:
    """Sorted indices of ``range(size)``, each included independently with chance ``p``.

    The gaps between hits are geometric, so the cost is about ``size * p`` draws.

    Args:
        rng: The run's random stream.
        size: How many indices there are.
        p: Each index's chance, the same for all.

    Returns:
        The hit indices, sorted (int64).
    """
    if size <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(size, dtype=np.int64)
    if p > DENSE_ABOVE:  # most indices are hits: one uniform each is cheaper than the gaps
        return np.flatnonzero(rng.random(size) < p)
    expected = size * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 16)
    scale = 1.0 / math.log1p(-p)  # negative
    parts = []
    last = -1.0
    while True:
        # inversion: floor(log(1 - U) / log(1 - p)) + 1 is geometric on 1, 2, ...
        # (in place, in float64: positions stay exact integers far beyond any array size)
        x = rng.random(chunk)
        np.negative(x, out=x)
        np.log1p(x, out=x)
        x *= scale
        np.floor(x, out=x)
        x += 1.0
        np.cumsum(x, out=x)
        x += last
        inside = x[x < size]
        parts.append(inside.astype(np.int64))
        if inside.size < chunk:
            break
        last = float(x[-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def thin(rng: np.random.Generator, chance: np.ndarray, bound: float) -> np.ndarray:
    """Mask keeping each candidate drawn with chance ``bound`` with chance ``chance / bound``.

    Together with :func:`bernoulli_indices` at ``bound`` this hits each cell with
    chance ``chance`` (which must not exceed ``bound``).

    Args:
        rng: The run's random stream.
        chance: Each candidate's own chance, at most ``bound``.
        bound: The chance the candidates were drawn with.

    Returns:
        Which candidates to keep.
    """
    if bound <= 0.0:
        return np.zeros(len(chance), dtype=bool)
    return rng.random(len(chance)) * bound < chance


def cells_with_chance(rng: np.random.Generator, values: np.ndarray, value: int, p: float) -> np.ndarray:
    """Sorted flat indices of the cells of ``values`` equal to ``value``, each kept with chance ``p``.

    Most monthly chances apply to a minority of cells, so drawing sparse hits and keeping
    those in the right state costs far less than one uniform per cell.

    Args:
        rng: The run's random stream.
        values: A cell array (state or payer).
        value: The value a cell must hold to count.
        p: Each such cell's chance.

    Returns:
        The kept cells' flat indices, sorted.
    """
    flat = values.ravel()
    if p > DENSE_ABOVE:
        cells = np.flatnonzero(flat == value)
        return cells if p >= 1.0 else cells[rng.random(cells.size) < p]
    cells = bernoulli_indices(rng, flat.size, p)
    return cells[flat[cells] == value]
