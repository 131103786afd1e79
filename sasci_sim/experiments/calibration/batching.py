"""pyabc's proposals evaluated in batches: several particles stepped together by the ensemble engine.

pyabc's samplers call ``simulate_one`` once per proposal, and ``simulate_one`` samples a
parameter, calls the model, computes the distance and decides acceptance, all in one call.
Nothing in pyabc hands a model several proposals at once, yet a batch of runs costs far less
per run than runs one at a time (ODD 7.19: a calibration particle at the baseline region's size
takes about a third of the time in a batch of 8). So ``BatchedSimulation`` wraps
``simulate_one``: when it has no particle ready it starts ``size`` threads, each running
pyabc's own ``simulate_one``; each thread reaches the model with its proposal
(``AnchorModel.__call__``), which hands it to this batch's ``Rendezvous`` and waits; when every
thread has arrived, the last one evaluates all the proposals as one ensemble batch
(``AnchorModel.evaluate_many``) and each thread carries its own result back through pyabc's
distance and acceptance. The wrapper then hands its particles out one call at a time, so every
pyabc sampler (single-core, multicore, Dask) works unchanged around it.

Order: the threads sample their proposals one after another in thread order (each waits for
its turn, which passes when the thread before it reaches the model), so the proposals come from
numpy's global generator in the order one thread calling ``simulate_one`` repeatedly would draw
them, and the particles are handed out in that order. Each particle's result depends only on its
parameters (``model.particle_seed``), never on the batch. With one worker a calibration's
accepted particles therefore do not depend on the batch size (the sampler reseeds numpy at the
start of each generation, so proposals drawn and not used at a generation's end change nothing
later; ``runner.sampler``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pyabc

from sasci_sim.seeds import derive_seed

#: Proposals evaluated in one batch by default: 16 take about a quarter of the time per particle
#: of one at a time at the shipped experiment's size (ODD 7.19), while a generation's end wastes at
#: most 15 evaluations per worker.
DEFAULT_BATCH = 16

_current = threading.local()


class BatchModel(Protocol):
    """A model that can evaluate several proposals together."""

    def evaluate_many(self, parameters: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Each proposal's result, in the order given."""
        ...


class Rendezvous:
    """Where one batch's threads meet: proposals in, in thread order; results out when all have arrived.

    Args:
        size: Threads in the batch.
    """

    def __init__(self, size: int) -> None:
        """Wait for ``size`` proposals; thread 0 has the first turn."""
        self._cond = threading.Condition()
        self._expected = size
        self._turn = 0
        self._pending: dict[int, Mapping[str, Any]] = {}
        self._model: BatchModel | None = None
        self._results: dict[int, Any] = {}
        self._error: BaseException | None = None
        self._done = False

    def wait_turn(self, index: int) -> None:
        """Block thread ``index`` until every thread before it has reached the model (or finished).

        Args:
            index: The thread's place in the batch.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._turn >= index)

    def submit(self, index: int, model: BatchModel, parameters: Mapping[str, Any]) -> Any:
        """Hand in thread ``index``'s proposal and wait for its result.

        The thread that completes the batch evaluates it, holding the lock: the others are
        waiting for their results, so nothing else could run meanwhile.

        Args:
            index: The thread's place in the batch.
            model: The model (the same for every thread of a batch).
            parameters: The thread's proposal.

        Returns:
            The model's result for this proposal.
        """
        with self._cond:
            self._pending[index] = parameters
            self._model = model
            self._pass_turn(index)
            self._evaluate_if_complete()
            self._cond.wait_for(lambda: self._done)
            if self._error is not None:
                raise self._error
            return self._results[index]

    def leave(self, index: int) -> None:
        """Thread ``index`` has finished; if it never reached the model, the batch stops waiting for it.

        Args:
            index: The thread's place in the batch.
        """
        with self._cond:
            if index in self._pending or self._done:
                return
            self._expected -= 1
            self._pass_turn(index)
            self._evaluate_if_complete()

    def _pass_turn(self, index: int) -> None:
        self._turn = max(self._turn, index + 1)
        self._cond.notify_all()

    def _evaluate_if_complete(self) -> None:
        if self._done or not self._pending or len(self._pending) < self._expected:
            return
        order = sorted(self._pending)
        try:
            assert self._model is not None  # set by the first submit
            results = self._model.evaluate_many([self._pending[i] for i in order])
            self._results = dict(zip(order, results, strict=True))
        except BaseException as exc:  # every waiting thread re-raises it
            self._error = exc
        self._done = True
        self._cond.notify_all()


def evaluate(model: BatchModel, parameters: Mapping[str, Any]) -> Any:
    """One proposal's result: through this thread's batch when it runs in one, else alone.

    Args:
        model: The model.
        parameters: The proposal.

    Returns:
        The model's result for it.
    """
    slot = getattr(_current, "slot", None)
    if slot is None:
        return model.evaluate_many([parameters])[0]
    rendezvous, index = slot
    return rendezvous.submit(index, model, parameters)


def _in_turn(rendezvous: Rendezvous, index: int, simulate_one: Callable[[], Any], out: list[Any]) -> None:
    """Thread body: wait for this thread's turn, run pyabc's ``simulate_one``, keep its particle (or error)."""
    _current.slot = (rendezvous, index)
    try:
        rendezvous.wait_turn(index)
        out[index] = simulate_one()
    except BaseException as exc:  # re-raised by the caller, in the caller's thread
        out[index] = exc
    finally:
        rendezvous.leave(index)
        _current.slot = None


class BatchedSimulation:
    """The ``simulate_one`` of pyabc, evaluated ``size`` proposals at a time and handed out one at a time.

    Picklable (Dask's sampler sends it to its workers): the particles ready are the copy's own.

    Args:
        simulate_one: The function pyabc built for this generation.
        size: Proposals per batch.
    """

    def __init__(self, simulate_one: Callable[[], Any], size: int) -> None:
        """Nothing is evaluated until the first call."""
        self.simulate_one = simulate_one
        self.size = size
        self._ready: deque[Any] = deque()

    def __call__(self) -> Any:
        """The next particle (sampled, simulated and judged by pyabc), evaluating a new batch when none is ready.

        Returns:
            A ``pyabc.Particle``.
        """
        if not self._ready:
            self._ready.extend(self._batch())
        return self._ready.popleft()

    def _batch(self) -> list[Any]:
        rendezvous = Rendezvous(self.size)
        out: list[Any] = [None] * self.size
        threads = [
            threading.Thread(target=_in_turn, args=(rendezvous, i, self.simulate_one, out), daemon=True)
            for i in range(self.size)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for result in out:
            if isinstance(result, BaseException):
                raise result
        return out


class BatchingSampler:
    """Mixin for a pyabc sampler: every generation's ``simulate_one`` evaluated ``batch`` proposals at a time.

    It also reseeds numpy's global generator (which pyabc samples proposals from) at the start of
    each generation from the experiment's seed and the generation, so a one-worker calibration's
    generation depends only on the population before it: not on the batch size, and not on
    whether the run was stopped and resumed.

    Args:
        *args: The pyabc sampler's own arguments.
        batch: Proposals per batch.
        seed: The experiment's seed.
        **kwargs: The pyabc sampler's own keyword arguments.
    """

    def __init__(self, *args: Any, batch: int, seed: int, **kwargs: Any) -> None:
        """Initialise the pyabc sampler, then keep the batch size and seed."""
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.seed = seed

    def sample_until_n_accepted(self, n: int, simulate_one: Callable[[], Any], t: int, **kwargs: Any) -> Any:
        """Sample one generation the pyabc way, through ``BatchedSimulation``.

        Args:
            n: Particles to accept.
            simulate_one: pyabc's function for this generation.
            t: The generation (pyabc's index; the sample that calibrates the first threshold has its own key).
            **kwargs: pyabc's options (``max_eval``, ``all_accepted``, ``ana_vars``).

        Returns:
            pyabc's ``Sample``.
        """
        key = (t + 1, int(bool(kwargs.get("all_accepted", False))))  # t is -1 or more
        np.random.seed(derive_seed(self.seed, *key) % 2**32)
        return super().sample_until_n_accepted(n, BatchedSimulation(simulate_one, self.batch), t, **kwargs)  # type: ignore[misc]


class BatchedSingleCoreSampler(BatchingSampler, pyabc.sampler.SingleCoreSampler):
    """pyabc's single-core sampler, proposals evaluated in batches (reproducible: one process)."""


class BatchedMulticoreSampler(BatchingSampler, pyabc.sampler.MulticoreEvalParallelSampler):
    """pyabc's multicore evaluation-parallel sampler; each worker process evaluates its proposals in batches."""


class BatchedDaskSampler(BatchingSampler, pyabc.sampler.DaskDistributedSampler):
    """pyabc's Dask sampler; each job on the cluster evaluates ``batch`` proposals as one batch."""
