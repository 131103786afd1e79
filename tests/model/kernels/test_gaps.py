"""The compiled walk along sparse sampling's gaps finds exactly what numpy's running sum finds (model/kernels/gaps.py).

The reference is the walk written out in numpy: gaps ``floor(log(1 - U) * scale) + 1`` added
one after another from ``last`` by ``np.cumsum``, the positions below ``size`` kept, offset,
and (with a value) only those whose cell holds it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sasci_sim.model.kernels import gaps

NO_CELLS = np.zeros(0, dtype=np.int8)


def numpy_walk(
    logs: np.ndarray, scale: float, last: float, size: int, flat: np.ndarray, offset: int, value: int
) -> tuple[list[int], int, float]:
    positions = last + np.cumsum(np.floor(logs * scale) + 1.0)
    used = int(np.searchsorted(positions, size))
    cells = positions[:used].astype(np.int64) + offset
    if value >= 0:
        cells = cells[flat[cells] == value]
    return cells.tolist(), used, float(positions[-1])


@pytest.mark.parametrize("p", [1e-300, 1e-12, 1e-4, 0.005, 0.05, 0.2])
@pytest.mark.parametrize("value", [-1, 2])
@pytest.mark.parametrize("last", [-1.0, 37.0])
def test_the_walk_keeps_the_positions_and_cells_the_running_sum_gives(p: float, value: int, last: float) -> None:
    r = np.random.default_rng([int(p * 1e6), value + 1, int(last) + 1])
    size, offset = 3000, 3000 * 2
    flat = r.integers(0, 4, size * 4).astype(np.int8)
    for chunk in (1, 16, int(size * p + 6 * math.sqrt(size * p) + 16), 20_000):
        logs = np.log1p(-r.random(chunk))
        scale = 1.0 / math.log1p(-p)
        out = np.full(chunk + 5, -7, dtype=np.int64)
        found, used, reached = gaps.walk(logs, scale, last, size, flat, offset, value, out, 5)
        want, want_used, want_last = numpy_walk(logs, scale, last, size, flat, offset, value)
        assert out[5:found].tolist() == want and used == want_used
        if used == chunk:  # the gaps ran out before the end: the position reached goes on
            assert reached == want_last
        assert (out[:5] == -7).all()  # cells already found stay


def test_a_walk_that_keeps_cells_of_a_value_reads_only_those() -> None:
    flat = np.zeros(100, dtype=np.int8)
    flat[[3, 50, 99]] = 1
    logs = np.zeros(100)  # every gap is 1: the walk visits every position
    out = np.empty(100, dtype=np.int64)
    found, used, _ = gaps.walk(logs, -1.0, -1.0, 100, flat, 0, 1, out, 0)
    assert out[:found].tolist() == [3, 50, 99] and used == 100
    found, used, _ = gaps.walk(logs, -1.0, -1.0, 60, flat, 40, -1, out, 0)
    assert out[:found].tolist() == list(range(40, 100)) and used == 60


@pytest.mark.parametrize("trial", range(10))
def test_walking_blocks_is_walking_each_block_from_the_start(trial: int) -> None:
    r = np.random.default_rng(trial)
    blocks, size = int(r.integers(1, 12)), int(r.integers(1, 2000))
    chances = r.choice([1e-12, 1e-3, 0.01, 0.1, 0.2], size=blocks)
    lengths = r.integers(1, 400, blocks)
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    logs = np.log1p(-r.random(int(bounds[-1])))
    scales = 1.0 / np.array([math.log1p(-p) for p in chances])
    offsets = np.arange(blocks, dtype=np.int64) * size
    flat = r.integers(0, 3, blocks * size).astype(np.int8)
    for value, cells in ((-1, NO_CELLS), (1, flat)):
        out = np.empty(logs.size, dtype=np.int64)
        lasts = np.empty(blocks)
        found = gaps.walk_blocks(logs, bounds, scales, offsets, size, cells, value, out, lasts)
        want: list[int] = []
        for k in range(blocks):
            mine, used, reached = numpy_walk(
                logs[bounds[k] : bounds[k + 1]], scales[k], -1.0, size, flat, int(offsets[k]), value
            )
            want += mine
            assert lasts[k] == reached if used == lengths[k] else np.isnan(lasts[k])
        assert out[:found].tolist() == want
