"""Each block of a batch draws from its own stream exactly what its run draws alone (sasci_sim/model/blocks.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.blocks import Blocks


def _streams(seeds: list[int]) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in seeds]


@pytest.mark.parametrize("trial", range(20))
def test_uniform_rows_in_order_or_not_draw_each_run_s_rows_from_its_own_stream(trial: int) -> None:
    r = np.random.default_rng(trial)
    size, n = int(r.integers(2, 9)), int(r.integers(1, 40))
    rows = np.sort(r.choice(size * n, size=int(r.integers(0, size * n)), replace=False))
    if trial % 2:  # every other trial: rows out of order
        r.shuffle(rows)
    seeds = [int(s) for s in r.integers(0, 1000, size)]
    blocks = Blocks(_streams(seeds), n=n, l=1, m=1)
    got = blocks.uniform_rows(rows)
    for b, seed in enumerate(seeds):
        alone = np.random.default_rng(seed)
        mine = (rows >= b * n) & (rows < (b + 1) * n)
        assert np.array_equal(got[mine], alone.random(int(mine.sum())))  # in the order the rows come
        assert blocks.rngs[b].random() == alone.random()  # and the stream goes on as it does alone


@pytest.mark.parametrize("width", [None, 3])
@pytest.mark.parametrize("trial", range(10))
def test_uniform_draws_each_item_s_uniforms_from_its_block_s_stream(width: int | None, trial: int) -> None:
    r = np.random.default_rng([trial, width or 0])
    size = int(r.integers(1, 40))
    items = r.integers(0, size, int(r.integers(0, 200)))
    if trial % 2:  # every other trial: the items in block order
        items = np.sort(items)
    seeds = [int(s) for s in r.integers(0, 1000, size)]
    blocks = Blocks(_streams(seeds), n=1, l=1, m=1)
    got = blocks.uniform(items, width)
    assert got.shape == ((len(items),) if width is None else (len(items), width))
    for b, seed in enumerate(seeds):
        alone = np.random.default_rng(seed)
        mine = items == b
        want = alone.random(int(mine.sum())) if width is None else alone.random((int(mine.sum()), width))
        assert np.array_equal(got[mine], want)
        assert blocks.rngs[b].random() == alone.random()


@pytest.mark.parametrize("size", [1, 4])
def test_block_columns_are_the_columns_of_the_cells_rows_and_innovations(size: int) -> None:
    n, m = 7, 3
    runs = Blocks([np.random.default_rng(b) for b in range(size)], n, 2, m)
    cells = np.arange(size * n * m)
    rows, cols = cells // m, cells % m
    expected = runs.columns(rows, cols)
    assert np.array_equal(runs.block_columns(runs.of_rows(rows), cols), expected)
    if size > 1:
        assert np.array_equal(expected, rows // n * m + cols)


@pytest.mark.parametrize("trial", range(12))
def test_cells_of_some_runs_are_those_runs_cells_of_a_sorted_index_in_order(trial: int) -> None:
    r = np.random.default_rng(trial)
    size, n, m = int(r.integers(1, 7)), int(r.integers(1, 30)), int(r.integers(1, 5))
    runs = Blocks(_streams(list(range(size))), n, 1, m)
    cells = np.sort(r.choice(size * n * m, size=int(r.integers(0, size * n * m + 1)), replace=False))
    wanted = r.random(size) < 0.5
    got = runs.cells_of(cells, wanted)
    assert np.array_equal(got, cells[wanted[cells // (n * m)]])
    assert got.dtype == cells.dtype
    assert runs.cells_of(cells, np.ones(size, dtype=bool)) is cells  # every run: the index as it is
