"""Calibration proposals in batches (``experiments.calibration.batching``): the rendezvous of a
batch's threads, the wrapper around pyabc's ``simulate_one``, and that batching changes no result."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

from sasci_sim.experiments.calibration.batching import BatchedSimulation, evaluate
from sasci_sim.experiments.calibration.model import AnchorModel
from sasci_sim.experiments.calibration.spec import load_calibration
from tests.experiments.test_calibration import TINY


class Recording:
    """A model that records every batch it is asked to evaluate."""

    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[float]] = []
        self.fail = fail
        self.lock = threading.Lock()

    def evaluate_many(self, parameters: Sequence[Mapping[str, Any]]) -> list[float]:
        with self.lock:
            self.batches.append([p["x"] for p in parameters])
        if self.fail:
            raise RuntimeError("the model broke")
        return [10 * p["x"] for p in parameters]


def simulate_one_drawing_from_numpy(model: Recording):
    """Like pyabc's: sample from numpy's global generator, call the model, return a particle."""

    def simulate_one() -> tuple[float, float]:
        x = float(np.random.random())
        return x, evaluate(model, {"x": x})

    return simulate_one


def test_a_batch_evaluates_all_its_proposals_together_in_the_order_one_thread_would_draw_them() -> None:
    model = Recording()
    np.random.seed(3)
    batched = BatchedSimulation(simulate_one_drawing_from_numpy(model), 5)
    particles = [batched() for _ in range(7)]
    np.random.seed(3)
    expected = [float(np.random.random()) for _ in range(10)]
    assert [x for x, _ in particles] == expected[:7]
    assert [y for _, y in particles] == [10 * x for x in expected[:7]]
    assert model.batches == [expected[:5], expected[5:10]], "two batches of five; the second's last three wait"


def test_alone_a_proposal_is_evaluated_by_itself() -> None:
    model = Recording()
    assert evaluate(model, {"x": 0.5}) == 5.0
    assert model.batches == [[0.5]]


def test_a_thread_that_fails_before_reaching_the_model_does_not_hold_up_the_others() -> None:
    model = Recording()
    calls = iter(range(4))

    def simulate_one() -> float:
        if next(calls) == 1:
            raise ValueError("no valid proposal")
        return evaluate(model, {"x": 1.0})

    with pytest.raises(ValueError, match="no valid proposal"):
        BatchedSimulation(simulate_one, 4)()
    assert model.batches == [[1.0, 1.0, 1.0]], "the three others were still evaluated, together"


def test_a_model_error_reaches_the_caller() -> None:
    with pytest.raises(RuntimeError, match="the model broke"):
        BatchedSimulation(simulate_one_drawing_from_numpy(Recording(fail=True)), 3)()


def test_the_wrapper_pickles_and_each_copy_evaluates_its_own_batches() -> None:
    copy = pickle.loads(pickle.dumps(BatchedSimulation(_constant, 2)))  # as Dask's sampler sends it to a job
    assert copy.size == 2 and [copy(), copy(), copy()] == [1, 1, 1]


def _constant() -> int:
    return 1


def test_particles_run_together_give_the_anchors_each_gives_alone() -> None:
    model = AnchorModel(load_calibration(TINY))
    particles = [
        {"diffusion.decision_rate_per_month": rate, "local_authorities.signup_rate_per_month": signup}
        for rate, signup in [(0.01, 0.2), (0.05, 0.9), (0.03, 0.5)]
    ]
    assert model.evaluate_many(particles) == [model(p) for p in particles]
