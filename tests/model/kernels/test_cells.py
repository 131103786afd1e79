"""flat_nonzero finds exactly np.flatnonzero's cells, at every density and shape (large ones read by words); distinct cells by a sort; merged kept indices."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.kernels.cells import distinct_sorted, flat_nonzero, merged_where, row_counts, split_cells


@pytest.mark.parametrize("shape", [(7000, 20), (13001, 11), (2700, 20), (13, 7), (5,), (0, 20), (3,)])
@pytest.mark.parametrize("density", [0.0, 0.001, 0.02, 0.1, 0.5, 1.0])
def test_flat_nonzero_matches_numpy(shape: tuple[int, ...], density: float) -> None:
    mask = np.random.default_rng(7).random(shape) < density
    got = flat_nonzero(mask)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.flatnonzero(mask))


def test_flat_nonzero_of_a_view_and_of_a_non_boolean_array() -> None:
    mask = np.random.default_rng(3).random((40, 20)) < 0.05
    np.testing.assert_array_equal(flat_nonzero(mask[:, ::2]), np.flatnonzero(mask[:, ::2]))
    counts = np.arange(24, dtype=np.int8).reshape(4, 6) % 5
    np.testing.assert_array_equal(flat_nonzero(counts), np.flatnonzero(counts))


def test_split_cells_inverts_row_major_indexing() -> None:
    rows, cols = split_cells(np.array([0, 5, 19, 20, 47]), 20)
    np.testing.assert_array_equal(rows, [0, 0, 0, 1, 2])
    np.testing.assert_array_equal(cols, [0, 5, 19, 0, 7])


@pytest.mark.parametrize("size", [0, 1, 2, 50, 5000])
def test_distinct_cells_by_a_sort_are_np_unique(size: int) -> None:
    cells = np.random.default_rng(size).integers(0, max(size // 3, 1), size)  # many repeats
    got = distinct_sorted(cells)
    assert got.dtype == cells.dtype
    np.testing.assert_array_equal(got, np.unique(cells))


@pytest.mark.parametrize("m", [1, 7, 20])
def test_row_counts_count_the_value_in_each_row_given(m: int) -> None:
    r = np.random.default_rng(m)
    values = r.integers(0, 4, (300, m)).astype(np.int8)
    rows = r.integers(0, 300, 500)  # unsorted, with repeats
    for value in range(5):
        assert np.array_equal(row_counts(values, rows, value), (values[rows] == value).sum(axis=1))
    assert row_counts(values, rows[:0], 1).size == 0


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
@pytest.mark.parametrize("trial", range(8))
def test_merged_where_keeps_the_union_s_cells_with_the_value_and_a_count(dtype: type, trial: int) -> None:
    r = np.random.default_rng([trial, np.dtype(dtype).itemsize])
    size = int(r.choice([1, 50, 5000]))
    values = r.integers(0, 4, size).astype(np.int8)
    counts = (r.integers(0, 3, size) * (r.random(size) < 0.5)).astype(dtype)
    kept = np.sort(r.choice(size, int(r.integers(0, size + 1)), replace=False)).astype(np.int64)
    added = np.sort(r.integers(0, size, int(r.integers(0, 2 * size))))  # repeats, and cells of kept
    if trial == 0:
        kept = kept[:0]
    if trial == 1:
        added = added[:0]
    got = merged_where(kept, added, values, 2, counts)
    union = np.union1d(kept, added)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, union[(values[union] == 2) & (counts[union] != 0)])
