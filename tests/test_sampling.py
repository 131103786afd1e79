"""Sparse Bernoulli sampling gives every cell exactly its own independent chance (sasci_sim/model/kernels/sampling.py).

The rules draw which cells an event hits by geometric skipping and thinning
instead of a uniform per cell. These tests check the distribution, not the
random stream: hit frequencies per index against the chance with binomial
tolerances of four standard errors (about one false alarm in 16,000 checks),
over enough draws that a chance wrong by a tenth of itself is many errors out.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.kernels import sampling
from sasci_sim.model.kernels.sampling import DENSE_ABOVE, bernoulli_indices, cells_with_chance, thin
from sasci_sim.model.kernels.streams import Streams
from sasci_sim.model.rules.adoption import one_per_row
from tests.support.core import binomial_ok


@pytest.mark.parametrize("p", [0.002, 0.05, 0.19, DENSE_ABOVE + 0.05, 0.7])
def test_each_index_is_hit_with_its_chance_independently_of_the_others(p: float) -> None:
    rng = np.random.default_rng(1)
    size, draws = 600, 4000
    hits = np.zeros(size, dtype=np.int64)
    together = 0  # index 0 and index 1 hit in the same draw: p * p if independent
    for _ in range(draws):
        idx = bernoulli_indices(rng, size, p)
        assert np.all(np.diff(idx) > 0) and (idx.size == 0 or (idx[0] >= 0 and idx[-1] < size))
        hits[idx] += 1
        together += idx.size >= 2 and idx[0] == 0 and idx[1] == 1
    assert binomial_ok(int(hits.sum()), size * draws, p)
    # the first, a middle and the last index: geometric skipping must not favour either end
    for i in (0, size // 2, size - 1):
        assert binomial_ok(int(hits[i]), draws, p)
    assert binomial_ok(together, draws, p * p)


def test_counts_over_a_large_array_follow_the_binomial() -> None:
    rng = np.random.default_rng(2)
    size, p = 540_000, 0.004  # England's cells at a typical monthly hazard
    counts = np.array([bernoulli_indices(rng, size, p).size for _ in range(400)])
    assert binomial_ok(int(counts.sum()), size * 400, p)
    # the spread of the count per draw is binomial too: variance n p (1 - p)
    assert counts.var(ddof=1) == pytest.approx(size * p * (1 - p), rel=0.25)


def test_certain_and_impossible_chances() -> None:
    rng = np.random.default_rng(3)
    assert bernoulli_indices(rng, 5, 1.0).tolist() == [0, 1, 2, 3, 4]
    assert bernoulli_indices(rng, 5, 0.0).size == 0
    assert bernoulli_indices(rng, 0, 0.5).size == 0
    assert thin(rng, np.array([0.3, 0.0]), 0.0).tolist() == [False, False]


def test_thinning_keeps_each_candidate_with_chance_over_bound() -> None:
    rng = np.random.default_rng(4)
    bound, draws = 0.05, 200_000
    chance = np.array([0.0, 0.01, 0.025, 0.05])
    kept = np.zeros(len(chance), dtype=np.int64)
    for _ in range(draws // 1000):
        kept += thin(rng, np.repeat(chance[None, :], 1000, axis=0).ravel(), bound).reshape(1000, -1).sum(axis=0)
    for k, c in zip(kept, chance, strict=True):
        assert binomial_ok(int(k), draws, c / bound)


@pytest.mark.parametrize("p", [0.03, 0.5, 1.0])
def test_cells_with_chance_draws_only_cells_of_the_value(p: float) -> None:
    rng = np.random.default_rng(5)
    values = np.zeros((50, 4), dtype=np.int8)
    values[::3, 1] = 2  # 17 cells of value 2
    draws = 3000
    hits = np.zeros(values.size, dtype=np.int64)
    for _ in range(draws):
        cells = cells_with_chance(rng, values, 2, p)
        assert np.all(values.ravel()[cells] == 2) and np.all(np.diff(cells) > 0)
        hits[cells] += 1
    target = np.flatnonzero(values.ravel() == 2)
    assert binomial_ok(int(hits[target].sum()), target.size * draws, p)


@pytest.mark.parametrize("rows", [[0, 0, 0, 1, 2, 2, 5], [2, 0, 5, 0, 2, 1, 0]])
def test_one_per_row_keeps_one_entry_per_provider_uniformly(rows: list[int]) -> None:
    rng = np.random.default_rng(6)
    rows_arr = np.array(rows, dtype=np.int64)
    draws = 6000
    kept = np.zeros(len(rows), dtype=np.int64)
    for _ in range(draws):
        keep = one_per_row(rng, rows_arr)
        assert sorted(rows_arr[keep].tolist()) == sorted(set(rows))  # exactly one entry per provider
        kept += keep
    for i, row in enumerate(rows):
        assert binomial_ok(int(kept[i]), draws, 1 / rows.count(row))


@pytest.mark.parametrize("chunk", [3, 16, 1000])
def test_more_hits_are_the_running_sums_of_geometric_gaps_chunk_by_chunk(chunk: int) -> None:
    # the reference: every chunk's gaps floor(log(1 - U) / log(1 - p)) + 1 added one after another
    size, p = 5000, 0.01
    rng = np.random.default_rng(11)
    expected, position = [], -1.0
    while True:
        gaps = np.floor(np.log1p(-rng.random(chunk)) * (1.0 / np.log1p(-p))) + 1.0
        positions = position + np.cumsum(gaps)
        expected.extend(int(x) for x in positions if x < size)
        if (positions < size).all():
            position = float(positions[-1])
            continue
        break
    got = sampling._more_hits(np.random.default_rng(11), size, p, chunk, -1.0)
    assert got.tolist() == expected


@pytest.mark.parametrize("trial", range(30))
def test_bernoulli_blocks_draws_and_leaves_each_stream_as_the_block_alone(trial: int) -> None:
    # many blocks, chances from absurdly small (the gaps too large to sum in one pass) to dense
    r = np.random.default_rng(100 + trial)
    blocks, size = int(r.integers(1, 40)), int(r.integers(0, 5000))
    chances = r.choice([0.0, 1e-300, 1e-12, 1e-4, 0.005, 0.05, DENSE_ABOVE, 0.3, 1.0], size=blocks)
    seeds = [int(s) for s in r.integers(0, 10_000, blocks)]
    streams = [np.random.default_rng(s) for s in seeds]
    got = sampling.bernoulli_blocks(Streams(streams), size, chances)
    alone = [np.random.default_rng(s) for s in seeds]
    want = [bernoulli_indices(rng, size, p) + b * size for b, (rng, p) in enumerate(zip(alone, chances, strict=True))]
    assert got.dtype == np.int64 and np.array_equal(got, np.concatenate(want))
    assert [s.random() for s in streams] == [s.random() for s in alone]
