"""The model as pyabc sees it: a particle's parameters in, the anchors' values out, and their distance.

A particle sets the prior parameters in every anchor's historical scenario, runs
each scenario once (anchors that share a scenario share its run) and measures
every anchor with its metric. The run's seed is derived from the experiment's seed
and the particle's values, so the same particle always gives the same anchors,
whichever worker runs it. The distance is the Euclidean norm of the anchors'
differences, each scaled by its own uncertainty (``Anchor.distance``).
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from sasci_sim.analysis.anchors import measure
from sasci_sim.config.anchors import Anchor
from sasci_sim.config.loader import validate
from sasci_sim.experiments.calibration.batching import evaluate
from sasci_sim.experiments.calibration.spec import Calibration
from sasci_sim.experiments.replications import run_many
from sasci_sim.experiments.sweep.experiment import apply_values
from sasci_sim.experiments.sweep.keys import ScenarioKey
from sasci_sim.seeds import derive_seed

#: An anchor a particle cannot produce (a share of no programmes, a month never reached) counts
#: as this many of its standard deviations away: far enough to be rejected, finite so that
#: pyabc's adaptive threshold (a quantile of distances) stays a number.
UNDEFINED_SD = 100.0


def particle_seed(root: int, values: Mapping[str, float]) -> int:
    """A run seed that depends only on the experiment's seed and the particle's values.

    Args:
        root: The experiment's seed.
        values: The particle's parameter values by name.

    Returns:
        A 63-bit seed.
    """
    packed = b"".join(name.encode() + struct.pack("<d", float(values[name])) for name in sorted(values))
    digest = int.from_bytes(hashlib.sha256(packed).digest()[:4], "little")
    return derive_seed(root, digest)


class AnchorModel:
    """Callable for ``pyabc.ABCSMC``: parameters -> {anchor id: simulated value}.

    Args:
        calibration: The checked experiment.
        anchors: The anchors to measure (default: the calibration anchors only).
    """

    def __init__(self, calibration: Calibration, anchors: tuple[Anchor, ...] | None = None) -> None:
        """Resolve the prior keys and load each anchor's scenario once, before any particle runs."""
        self.anchors = anchors if anchors is not None else calibration.calibrating
        self.keys: dict[str, ScenarioKey] = dict(calibration.keys)
        self.scenarios = {a.scenario: calibration.scenarios[a.scenario] for a in self.anchors}
        self.seed = calibration.spec.seed

    def values(self, parameters: Mapping[str, Any]) -> dict[ScenarioKey, Any]:
        """The scenario values a particle sets (whole-number parameters rounded).

        Args:
            parameters: The particle's parameters by prior name.

        Returns:
            Values by resolved scenario key.
        """
        out: dict[ScenarioKey, Any] = {}
        for name, key in self.keys.items():
            value = float(parameters[name])
            out[key] = round(value) if key.kind == "int" else value
        return out

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        """Run every anchor scenario with the particle's parameters and measure the anchors.

        Inside a batch of proposals (``batching.BatchedSimulation``) the particle waits for the
        batch's other proposals and is run with them; alone it runs by itself. Either way its
        anchors are the same.

        Args:
            parameters: The particle's parameters by prior name (a ``pyabc.Parameter``).

        Returns:
            Each anchor's simulated value by anchor id.
        """
        return evaluate(self, parameters)

    def evaluate_many(self, particles: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
        """Several particles' anchors, each scenario's runs stepped together (ODD 7.19).

        The priors are all ``model.blocks.PER_RUN_PARAMETERS``, so the particles' runs of one
        scenario share batches (``experiments.replications.run_many``); each run keeps its own seed.

        Args:
            particles: Each particle's parameters by prior name.

        Returns:
            Each particle's anchor values by anchor id, in the order given.
        """
        plain = [{name: float(p[name]) for name in self.keys} for p in particles]
        seeds = [particle_seed(self.seed, values) for values in plain]
        out: list[dict[str, float]] = [{} for _ in plain]
        for path, data in self.scenarios.items():
            scenarios = [validate(apply_values(data, self.values(values)), path) for values in plain]
            anchors = [a for a in self.anchors if a.scenario == path]
            for found, scenario, (spread, money, _) in zip(out, scenarios, run_many(scenarios, seeds), strict=True):
                for anchor in anchors:
                    found[anchor.id] = measure(anchor, spread, money, scenario)
        return [{a.id: found[a.id] for a in self.anchors} for found in out]


class AnchorDistance:
    """Callable distance for pyabc: the norm of each anchor's difference over its own sd.

    Args:
        anchors: The anchors in the distance.
    """

    def __init__(self, anchors: tuple[Anchor, ...]) -> None:
        """Keep the anchors whose scaled differences make the distance."""
        self.anchors = anchors

    def scaled(self, simulated: Mapping[str, float]) -> dict[str, float]:
        """Each anchor's distance in units of its sd (``UNDEFINED_SD`` where the model gives no number).

        Args:
            simulated: Simulated values by anchor id.

        Returns:
            Scaled distances by anchor id.
        """
        out = {}
        for anchor in self.anchors:
            value = float(simulated[anchor.id])
            out[anchor.id] = anchor.distance(value) if math.isfinite(value) else UNDEFINED_SD
        return out

    def __call__(self, simulated: Mapping[str, float], observed: Mapping[str, float] | None = None) -> float:
        """The distance of one simulation from the observations.

        Args:
            simulated: Simulated values by anchor id.
            observed: pyabc passes the observed values; the anchors already hold them (and their intervals).

        Returns:
            sqrt(sum over anchors of (distance / sd)^2).
        """
        return math.sqrt(sum(d * d for d in self.scaled(simulated).values()))


def observed(anchors: tuple[Anchor, ...]) -> dict[str, float]:
    """The observed values pyabc stores with the run (the middle of an interval anchor).

    Args:
        anchors: The anchors in the distance.

    Returns:
        Observed value by anchor id.
    """
    return {a.id: a.observed for a in anchors}
