"""Run ABC-SMC with pyabc: multicore on one machine, Dask on a cluster, resumable from its database.

pyabc's database (``abc.db``, sqlite) lives in the output folder next to
``calibration.json``, which records the experiment's fingerprint. Rerunning the same
experiment into the same folder loads the database (``ABCSMC.load``) and runs only the
generations still missing; a different experiment is refused, so a posterior is never
silently mixed with another. pyabc logs each generation (threshold, acceptance rate)
to standard error: that is the progress shown.

Each simulation is reproducible from its parameters (see ``model.particle_seed``), and a
generation's proposals are evaluated in batches (``batching``), which changes no particle. With
one worker the whole calibration is reproducible too: pyabc's single-core sampler draws every
proposal from numpy's global generator, which the sampler reseeds at each generation from the
experiment's seed and the generation, so the posterior depends neither on the batch size nor on
whether the calibration was stopped and resumed. pyabc's multicore and Dask samplers reseed
their workers at random, so with several workers two runs may accept different particles.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyabc

from sasci_sim.errors import InputError
from sasci_sim.experiments.calibration.batching import (
    DEFAULT_BATCH,
    BatchedDaskSampler,
    BatchedMulticoreSampler,
    BatchedSingleCoreSampler,
)
from sasci_sim.experiments.calibration.model import AnchorDistance, AnchorModel, observed
from sasci_sim.experiments.calibration.spec import Calibration
from sasci_sim.output.folders import write_json
from sasci_sim.seeds import derive_seed

DATABASE = "abc.db"
IDENTITY = "calibration.json"


@dataclass(frozen=True)
class CalibrationRun:
    """What a calibration left in its folder.

    Attributes:
        history: pyabc's history of the run (all generations so far).
        generations_run: Generations sampled by this call (0 if the folder was already complete).
        folder: The output folder.
    """

    history: pyabc.History
    generations_run: int
    folder: Path


def prior(calibration: Calibration) -> pyabc.Distribution:
    """The experiment's priors as a pyabc distribution (scipy's uniform and loguniform).

    Args:
        calibration: The checked experiment.

    Returns:
        A ``pyabc.Distribution`` over the prior names.
    """
    rvs = {}
    for name, p in calibration.spec.priors.items():
        if p.distribution == "uniform":
            rvs[name] = pyabc.RV("uniform", p.low, p.high - p.low)
        else:
            rvs[name] = pyabc.RV("loguniform", p.low, p.high)
    return pyabc.Distribution(**rvs)


def sampler(workers: int, scheduler: str | None, *, batch: int = DEFAULT_BATCH, seed: int = 0) -> pyabc.sampler.Sampler:
    """The pyabc sampler, its proposals evaluated ``batch`` at a time (``batching``).

    Single-core (reproducible) for one worker, multicore for more, Dask at ``scheduler`` (each
    job one batch).

    Args:
        workers: Processes on this machine (ignored with a scheduler).
        scheduler: Address of a dask.distributed scheduler, e.g. ``tcp://10.0.0.5:8786``.
        batch: Proposals evaluated together.
        seed: The experiment's seed (each generation's proposals are drawn from it).

    Returns:
        The sampler.

    Raises:
        InputError: The scheduler cannot be reached.
    """
    if scheduler is None and workers == 1:
        return BatchedSingleCoreSampler(batch=batch, seed=seed)
    if scheduler is None:
        return BatchedMulticoreSampler(n_procs=workers, batch=batch, seed=seed)
    from dask.distributed import Client

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("--scheduler", "", f"cannot connect to a Dask scheduler ({exc})", got=scheduler) from None
    return BatchedDaskSampler(dask_client=client, batch_size=batch, batch=batch, seed=seed)


def _check_folder(calibration: Calibration, folder: Path) -> None:
    """Refuse a folder that holds another experiment's database; record this experiment's identity."""
    identity_file = folder / IDENTITY
    fingerprint = calibration.fingerprint()
    if identity_file.is_file():
        try:
            earlier = json.loads(identity_file.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            earlier = None
        if earlier != fingerprint:
            raise InputError(
                folder,
                "",
                "holds a calibration of a different experiment (priors, anchors, population size, scenarios or seed "
                "differ); choose another --out or remove that folder",
            )
    elif (folder / DATABASE).exists():
        raise InputError(folder, "", f"has a {DATABASE} but no {IDENTITY}: not a folder this command wrote")
    write_json(
        identity_file,
        {
            "experiment": calibration.name,
            "file": str(calibration.path),
            "fingerprint": fingerprint,
            "spec": calibration.spec.model_dump(),
        },
    )


def show_progress(quiet: bool) -> None:
    """Let pyabc's per-generation log lines through to standard error (its own handler), or silence them.

    Args:
        quiet: No progress lines.
    """
    logging.getLogger("ABC").setLevel(logging.WARNING if quiet else logging.INFO)


def run_calibration(
    calibration: Calibration,
    folder: Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    batch: int = DEFAULT_BATCH,
    quiet: bool = False,
) -> CalibrationRun:
    """Run (or continue) the ABC-SMC calibration into ``folder``.

    Args:
        calibration: The checked experiment.
        folder: Output folder; its ``abc.db`` is created or continued.
        workers: Processes for the multicore sampler.
        scheduler: A Dask scheduler address instead of local processes.
        batch: Proposals evaluated together (the results do not depend on it).
        quiet: No progress lines.

    Returns:
        The history and how many generations this call sampled.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _check_folder(calibration, folder)
    show_progress(quiet)
    spec = calibration.spec
    abc = pyabc.ABCSMC(
        AnchorModel(calibration),
        prior(calibration),
        AnchorDistance(calibration.calibrating),
        population_size=spec.population_size,
        sampler=sampler(workers, scheduler, batch=batch, seed=spec.seed),
    )
    file = folder / DATABASE
    db = f"sqlite:///{file.resolve()}"
    if file.is_file() and pyabc.History(db).n_populations == 0:
        file.unlink()  # stopped before its first generation was stored: nothing to continue
    history = abc.load(db, 1) if file.is_file() else abc.new(db, observed(calibration.calibrating))
    missing = spec.generations - history.n_populations
    if missing > 0:
        # pyabc draws from numpy's global generator outside its samplers too (the samplers reseed
        # it at each generation): seed it by where this call starts
        np.random.seed(derive_seed(spec.seed, history.n_populations) % 2**32)
        history = abc.run(max_nr_populations=missing)
    return CalibrationRun(history=history, generations_run=max(missing, 0), folder=folder)
