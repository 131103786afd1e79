"""Drawing from many runs' streams in one compiled pass gives what ``Generator.random`` gives (model/kernels/streams.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.kernels.streams import Streams

BIT_GENERATORS = (np.random.PCG64, np.random.Philox, np.random.SFC64, np.random.MT19937)


@pytest.mark.parametrize("trial", range(12))
def test_the_uniforms_and_the_streams_after_them_are_those_of_generator_random(trial: int) -> None:
    r = np.random.default_rng(trial)
    runs = int(r.integers(1, 70))
    seeds = [int(s) for s in r.integers(0, 100_000, runs)]
    counts = r.integers(0, 4, runs) * r.choice([0, 1, 7, 300, 20_000], runs)  # many empty, some large
    kind = BIT_GENERATORS[trial % len(BIT_GENERATORS)]
    streams = Streams([np.random.Generator(kind(s)) for s in seeds])
    alone = [np.random.Generator(kind(s)) for s in seeds]
    got = streams.uniforms(counts, np.empty(int(counts.sum())))
    want = np.concatenate([rng.random(int(c)) for rng, c in zip(alone, counts, strict=True)])
    assert np.array_equal(got, want)
    assert [rng.random() for rng in streams.rngs] == [rng.random() for rng in alone]  # each stream goes on alike


def test_rows_of_uniforms_fill_a_two_dimensional_array_in_order() -> None:
    streams = Streams([np.random.default_rng(s) for s in (4, 5, 6)])
    got = streams.uniforms(np.array([2, 0, 3]) * 4, np.empty((5, 4)))
    want = np.vstack([np.random.default_rng(4).random((2, 4)), np.random.default_rng(6).random((3, 4))])
    assert np.array_equal(got, want)


def test_a_mixed_batch_of_bit_generators_draws_each_from_its_own() -> None:
    made = [kind(7) for kind in BIT_GENERATORS]
    streams = Streams([np.random.Generator(b) for b in made])
    got = streams.uniforms(np.array([3, 1, 0, 2]), np.empty(6))
    want = [np.random.Generator(kind(7)).random(c) for kind, c in zip(BIT_GENERATORS, (3, 1, 0, 2), strict=True)]
    assert np.array_equal(got, np.concatenate(want))


@pytest.mark.parametrize(
    ("counts", "out"),
    [
        (np.array([2, 2]), np.empty(5)),  # the counts add up to less than the array
        (np.array([3, 3]), np.empty(5)),  # ...or to more: no write past its end
        (np.array([6, -1]), np.empty(5)),  # a negative count
        (np.array([5]), np.empty(5)),  # one count for two streams
        (np.array([2, 3]), np.empty(5, dtype=np.float32)),
        (np.array([2, 3]), np.empty(10)[::2]),  # not contiguous: a reshape would copy it
    ],
)
def test_counts_that_do_not_fit_the_streams_or_the_array_are_refused(counts: np.ndarray, out: np.ndarray) -> None:
    streams = Streams([np.random.default_rng(1), np.random.default_rng(2)])
    with pytest.raises(ValueError):
        streams.uniforms(counts, out)
    assert streams.rngs[0].random() == np.random.default_rng(1).random()  # nothing was drawn
