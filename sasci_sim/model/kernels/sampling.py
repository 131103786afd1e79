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

from sasci_sim.model.kernels.cells import flat_nonzero

#: Above this chance a uniform per index costs less than drawing the gaps.
DENSE_ABOVE = 0.2
#: ``bernoulli_blocks`` gathers its hits in one pass below this many a block, else block by block.
_GATHER_BELOW = 500


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
    return _more_hits(rng, size, p, chunk, -1.0)


def bernoulli_blocks(rngs: list[np.random.Generator], size: int, p: np.ndarray) -> np.ndarray:
    """``bernoulli_indices`` for several blocks of ``size`` indices at once, block b with ``rngs[b]`` and ``p[b]``.

    Each block draws exactly what ``bernoulli_indices(rngs[b], size, p[b])`` draws: the gaps of all
    blocks' first chunks are computed in one pass and added in one running sum of whole numbers
    (exact in float64 below 2**53), a block's positions are that sum less the total before the block,
    and a block whose chunk ran out goes on alone.

    Args:
        rngs: One random stream per block.
        size: Indices per block.
        p: Each block's chance.

    Returns:
        Sorted hit indices, block b's offset by ``b * size`` (int64).
    """
    if size <= 0:
        return np.empty(0, dtype=np.int64)
    out: list[np.ndarray | None] = [None] * len(rngs)
    sparse, lengths, scales = [], [], []
    limit = 2.0**52 / len(rngs)  # keeps the running sum over all blocks' chunks exact
    chunks: dict[float, tuple[int, float] | None] = {}  # (most batches share one chance)
    for b, (rng, pb) in enumerate(zip(rngs, np.asarray(p, dtype=np.float64).tolist(), strict=True)):
        if pb not in chunks:
            chunks[pb] = _first_chunk(size, pb, limit)
        chunk = chunks[pb]
        if chunk is None:  # dense, certain, impossible or absurdly small: alone
            out[b] = bernoulli_indices(rng, size, pb)
        else:
            sparse.append(b)
            lengths.append(chunk[0])
            scales.append(chunk[1])
    if sparse:
        ends = np.cumsum(lengths)
        starts = ends - lengths
        x = np.empty(int(ends[-1]))  # every block's first chunk, drawn in place from its own stream
        for b, s, e in zip(sparse, starts.tolist(), ends.tolist(), strict=True):
            rngs[b].random(out=x[s:e])
        np.negative(x, out=x)
        np.log1p(x, out=x)
        x *= scales[0] if min(scales) == max(scales) else np.repeat(scales, lengths)
        np.floor(x, out=x)  # (whole numbers from here on: every sum below is exact)
        x += 1.0  # the gaps
        running = np.cumsum(x, out=x)  # rises strictly, block after block
        before = np.zeros(len(sparse))  # the running total before each block
        before[1:] = running[starts[1:] - 1]
        # block k's position (as alone) is running - before[k] - 1: a hit while running <= before[k] + size
        cuts = np.minimum(np.searchsorted(running, before + size, side="right"), ends)
        counts = cuts - starts
        offsets = np.asarray(sparse) * size - before - 1.0  # from a block's running sum to its global index
        total = int(counts.sum())
        if total < _GATHER_BELOW * len(sparse):  # few hits: gather, then shift all at once
            hits = np.concatenate([running[s:c] for s, c in zip(starts.tolist(), cuts.tolist(), strict=True)])
            hits += np.repeat(offsets, counts)
            hits = hits.astype(np.int64)
        else:  # many: shift each block's hits straight into the result (no temporary as long)
            hits = np.empty(total, dtype=np.int64)
            at = 0
            for s, c, offset in zip(starts.tolist(), cuts.tolist(), offsets.tolist(), strict=True):
                np.add(running[s:c], offset, out=hits[at : at + c - s], casting="unsafe")
                at += c - s
        ran_out = counts == lengths  # the chunk ran out before the block did
        if len(sparse) == len(rngs) and not ran_out.any():
            return hits
        bounds = np.concatenate([[0], np.cumsum(counts)])
        for k, b in enumerate(sparse):
            mine = hits[bounds[k] : bounds[k + 1]] - b * size
            if ran_out[k]:
                last = float(running[ends[k] - 1] - before[k] - 1.0)
                mine = np.concatenate([mine, _more_hits(rngs[b], size, float(p[b]), int(lengths[k]), last)])
            out[b] = mine
    return np.concatenate([hits + b * size for b, hits in enumerate(out) if hits is not None])


def _first_chunk(size: int, p: float, limit: float) -> tuple[int, float] | None:
    """A sparse block's first chunk in ``bernoulli_blocks``: its length and scale, as ``bernoulli_indices`` has them.

    None for a chance ``bernoulli_indices`` draws otherwise, or one so small that the chunk's
    positions could reach ``limit`` (a gap is at most ``1 - 38 * scale``: a uniform is at most
    ``1 - 2**-53``, so ``-log1p(-u) < 37``).
    """
    if not 0.0 < p <= DENSE_ABOVE:
        return None
    expected = size * p
    length = int(expected + 6.0 * math.sqrt(expected) + 16)
    scale = 1.0 / math.log1p(-p)
    return (length, scale) if length * (1.0 - 38.0 * scale) < limit else None


def _more_hits(rng: np.random.Generator, size: int, p: float, chunk: int, last: float) -> np.ndarray:
    """Hits after position ``last``, ``chunk`` geometric gaps a draw (``bernoulli_indices``' loop).

    ``bernoulli_indices`` starts it at -1; a batch continues one run's loop after its first
    chunk, so the run draws exactly what it draws alone.
    """
    scale = 1.0 / math.log1p(-p)  # negative
    parts = []
    while True:
        # inversion: floor(log(1 - U) / log(1 - p)) + 1 is geometric on 1, 2, ...
        # (in place, in float64: positions stay exact integers far beyond any array size)
        x = rng.random(chunk)
        np.negative(x, out=x)
        np.log1p(x, out=x)
        x *= scale
        np.floor(x, out=x)
        x += 1.0
        x[0] += last  # whole numbers: the running sums below ``size`` are exact, whatever the order
        np.cumsum(x, out=x)
        inside = int(np.searchsorted(x, size))  # the positions rise: those below ``size`` come first
        parts.append(x[:inside].astype(np.int64))
        if inside < chunk:
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
        cells = flat_nonzero(flat == value)
        return cells if p >= 1.0 else cells[rng.random(cells.size) < p]
    cells = bernoulli_indices(rng, flat.size, p)
    return cells[np.flatnonzero(flat[cells] == value)]  # (indices: a boolean mask indexes slowly at 10,000+)
