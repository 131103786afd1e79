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

from sasci_sim.model.kernels import gaps
from sasci_sim.model.kernels.cells import flat_nonzero
from sasci_sim.model.kernels.streams import Streams

#: Above this chance a uniform per index costs less than drawing the gaps.
DENSE_ABOVE = 0.2
#: The cell values of a walk that keeps every position (never read).
_NO_CELLS = np.zeros(0, dtype=np.int8)


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
    return _more_hits(rng, size, p, _chunk(size, p), -1.0)


def bernoulli_blocks(streams: Streams, size: int, p: np.ndarray) -> np.ndarray:
    """``bernoulli_indices`` for several blocks of ``size`` indices at once, block b with stream b and ``p[b]``.

    Each block draws exactly what ``bernoulli_indices(streams.rngs[b], size, p[b])`` draws (``_walk_blocks``).

    Args:
        streams: One random stream per block.
        size: Indices per block.
        p: Each block's chance.

    Returns:
        Sorted hit indices, block b's offset by ``b * size`` (int64).
    """
    return _walk_blocks(streams, size, p, None, -1)


def cells_with_chance_blocks(streams: Streams, values: np.ndarray, value: int, p: np.ndarray) -> np.ndarray:
    """``cells_with_chance`` over equal blocks of rows, one per stream, block b with stream b and ``p[b]``.

    Each block draws exactly what ``cells_with_chance(streams.rngs[b], its rows, value, p[b])`` draws.

    Args:
        streams: One random stream per block.
        values: The stacked cell array (state or payer), the blocks' rows one after another.
        value: The value a cell must hold to count.
        p: Each block's chance.

    Returns:
        The kept cells' flat indices into ``values``, sorted.
    """
    return _walk_blocks(streams, values.size // len(streams.rngs), p, values.reshape(-1), value)


def _walk_blocks(streams: Streams, size: int, p: np.ndarray, flat: np.ndarray | None, value: int) -> np.ndarray:
    """Every block's hits (of ``flat``'s cells holding ``value``, unless ``flat`` is None), in one walk.

    The first chunk of gaps of every sparse block is drawn from its own stream into one array
    (``Streams.uniforms``), turned into logarithms at once and walked in one compiled loop (``gaps.walk_blocks``); a
    block whose chunk ran out before its end goes on alone, as it does alone. Other blocks
    (dense, certain or impossible chances) are drawn alone.
    """
    if size <= 0:
        return np.empty(0, dtype=np.int64)
    rngs = streams.rngs
    chances = np.asarray(p, dtype=np.float64).tolist()
    out: list[np.ndarray | None] = [None] * len(rngs)
    sparse = []
    for b, pb in enumerate(chances):
        if 0.0 < pb <= DENSE_ABOVE:
            sparse.append(b)
        elif flat is None:
            out[b] = bernoulli_indices(rngs[b], size, pb) + b * size
        else:
            out[b] = cells_with_chance(rngs[b], flat[b * size : (b + 1) * size], value, pb) + b * size
    if sparse:
        shapes: dict[float, tuple[int, float]] = {}  # (most batches share one chance)
        for b in sparse:
            if chances[b] not in shapes:
                shapes[chances[b]] = (_chunk(size, chances[b]), 1.0 / math.log1p(-chances[b]))
        lengths = [shapes[chances[b]][0] for b in sparse]
        bounds = np.zeros(len(sparse) + 1, dtype=np.int64)
        np.cumsum(lengths, out=bounds[1:])
        counts = np.zeros(len(rngs), dtype=np.intp)
        counts[sparse] = lengths
        logs = streams.uniforms(counts, np.empty(int(bounds[-1])))  # every block's first chunk, from its own stream
        scales = np.array([shapes[chances[b]][1] for b in sparse])
        offsets = np.asarray(sparse, dtype=np.int64) * size
        hits = np.empty(logs.size, dtype=np.int64)
        lasts = np.empty(len(sparse))
        cells = _NO_CELLS if flat is None else flat
        found = gaps.walk_blocks(_logs(logs), bounds, scales, offsets, size, cells, value, hits, lasts)
        hits = hits[:found]
        ran_out = ~np.isnan(lasts)
        if len(sparse) == len(rngs) and not ran_out.any():
            return hits
        cuts = np.searchsorted(hits, np.append(offsets, offsets[-1] + size))
        for k, b in enumerate(sparse):
            mine = hits[cuts[k] : cuts[k + 1]]
            if ran_out[k]:
                more = _more_hits(rngs[b], size, chances[b], lengths[k], float(lasts[k]), cells, value, b * size)
                mine = np.concatenate([mine, more])
            out[b] = mine
    return np.concatenate([hits for hits in out if hits is not None])


def _chunk(size: int, p: float) -> int:
    """Gaps drawn at a time over ``size`` indices at chance ``p``: six standard deviations above the hits expected."""
    expected = size * p
    return int(expected + 6.0 * math.sqrt(expected) + 16)


def _logs(uniforms: np.ndarray) -> np.ndarray:
    """``log(1 - U)`` of each uniform, in place (by inversion the gap is ``floor(log(1 - U) / log(1 - p)) + 1``)."""
    np.negative(uniforms, out=uniforms)
    return np.log1p(uniforms, out=uniforms)


def _more_hits(
    rng: np.random.Generator,
    size: int,
    p: float,
    chunk: int,
    last: float,
    flat: np.ndarray = _NO_CELLS,
    value: int = -1,
    offset: int = 0,
) -> np.ndarray:
    """Hits after position ``last``, ``chunk`` geometric gaps a draw (the loop of ``bernoulli_indices``).

    ``bernoulli_indices`` starts it at -1; a batch continues one run's loop after its first
    chunk, so the run draws exactly what it draws alone. With ``value`` 0 or more only the hits
    whose cell of ``flat`` (at ``offset`` + position) holds it are kept; hits are returned offset.
    """
    scale = 1.0 / math.log1p(-p)  # negative
    hits = np.empty(chunk, dtype=np.int64)
    found = 0
    while True:
        found, used, last = gaps.walk(_logs(rng.random(chunk)), scale, last, size, flat, offset, value, hits, found)
        if used < chunk:
            return hits[:found]
        hits = np.concatenate([hits[:found], np.empty(chunk, dtype=np.int64)])  # room for the next chunk's


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
    if flat.size == 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    return _more_hits(rng, flat.size, p, _chunk(flat.size, p), -1.0, flat, value)  # read as the walk goes
