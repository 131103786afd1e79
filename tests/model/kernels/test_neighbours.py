"""Passing changes on to neighbours moves the counts as ``np.add.at`` does (model/kernels/neighbours.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sasci_sim.model.kernels.neighbours import pass_on


def graph(r: np.random.Generator, n: int) -> sp.csr_matrix:
    a = sp.random(n, n, density=min(1.0, 6 / n), random_state=int(r.integers(1 << 30)), format="csr")
    a = ((a + a.T) > 0).astype(np.float32).tocsr()
    a.sort_indices()
    return a


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
@pytest.mark.parametrize("trial", range(8))
def test_counts_of_active_peers_move_as_add_at_moves_them_and_rises_from_zero_are_reported(
    dtype: type, trial: int
) -> None:
    r = np.random.default_rng(trial)
    n, m = int(r.integers(2, 300)), int(r.integers(1, 6))
    adj = graph(r, n)
    active = r.random((n, m)) < r.random()
    counts = (adj @ active.astype(np.float64)).astype(dtype).ravel()  # active peers per cell
    off, on = np.flatnonzero(~active), np.flatnonzero(active)
    started = np.sort(r.choice(off, int(r.integers(0, off.size + 1)), replace=False))
    stopped = np.sort(r.choice(on, int(r.integers(0, on.size + 1)), replace=False))
    changed = np.concatenate([started, stopped])  # the cells started first, as the fold has them
    signs = np.where(np.arange(changed.size) < started.size, 1, -1).astype(dtype)
    rows, cols = changed // m, changed % m
    ties = [adj.indices[adj.indptr[i] : adj.indptr[i + 1]] for i in rows]
    flat = np.concatenate(
        [t.astype(np.int64) * m + j for t, j in zip(ties, cols, strict=True)] + [np.zeros(0, np.int64)]
    )
    want = counts.copy()
    np.add.at(
        want,
        flat,
        np.concatenate([np.full(t.size, s, dtype) for t, s in zip(ties, signs, strict=True)] + [np.zeros(0, dtype)]),
    )
    after = active.ravel().copy()
    after[started], after[stopped] = True, False
    assert np.array_equal(want, (adj @ after.reshape(n, m).astype(np.float64)).astype(dtype).ravel())
    before = counts.copy()
    rose = pass_on(adj.indptr, adj.indices, rows, cols, signs, counts)
    assert counts.dtype == dtype and np.array_equal(counts, want)
    assert set(rose.tolist()) == set(flat[(before[flat] == 0) & (want[flat] != 0)].tolist())
    assert (before[rose] == 0).all()


def test_a_row_without_neighbours_passes_nothing_on() -> None:
    adj = sp.csr_matrix((2, 2), dtype=np.float32)
    counts = np.zeros(4, dtype=np.int8)
    rose = pass_on(adj.indptr, adj.indices, np.array([0, 1]), np.array([1, 0]), np.array([1, 1], np.int8), counts)
    assert rose.size == 0 and not counts.any()
