"""Simulations per second of the shipped calibration: a few particle evaluations, timed.

    .venv/bin/python benchmarks/calibration.py               # 6 particles, one process (about 5 s)
    .venv/bin/python benchmarks/calibration.py --particles 10

One simulation is one particle's runs of every calibration anchor's historical scenario
(``experiments.calibration.model.AnchorModel``, as pyabc calls it), at the experiment's
own sizes. Particles are drawn from the experiment's priors with a fixed seed. Prints the
seconds per simulation and simulations per second on one core; pyabc's multicore sampler
with W workers runs at most W times that, less on a shared machine (the load average is
printed with the figure). Nothing long: a handful of particles.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from sasci_sim.experiments.calibration.model import AnchorModel
from sasci_sim.experiments.calibration.spec import load_calibration

EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "calibrate_anchors.yaml"


def main() -> None:
    """Time a few particle evaluations of the shipped calibration and print simulations per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=6, help="particles to time (default 6)")
    parser.add_argument("--experiment", type=Path, default=EXPERIMENT, help="calibration experiment file")
    args = parser.parse_args()
    calibration = load_calibration(args.experiment)
    model = AnchorModel(calibration)
    rng = np.random.default_rng(20261201)
    particles = [
        {name: p.quantiles((float(rng.random()),))[0] for name, p in calibration.spec.priors.items()}
        for _ in range(args.particles)
    ]
    model(particles[0])  # warm-up: imports and first allocations
    start = time.perf_counter()
    for particle in particles:
        model(particle)
    elapsed = time.perf_counter() - start
    per_sim = elapsed / len(particles)
    print(
        f"{calibration.name}: {len(particles)} simulations ({len(calibration.calibrating)} anchors "
        f"in {len({a.scenario for a in calibration.calibrating})} scenarios) in {elapsed:.2f} s on one core: "
        f"{per_sim:.3f} s per simulation, {1 / per_sim:.2f} simulations/s (load average {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
