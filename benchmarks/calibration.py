"""Simulations per second of the shipped calibration: particle evaluations one at a time and in batches, timed.

    .venv/bin/python benchmarks/calibration.py               # 16 particles, one process (about 15 s)
    .venv/bin/python benchmarks/calibration.py --particles 32 --batch 16

One simulation is one particle's runs of every calibration anchor's historical scenario
(``experiments.calibration.model.AnchorModel``), at the experiment's own sizes. Particles are
drawn from the experiment's priors with a fixed seed and evaluated twice, side by side: one at a
time, and ``--batch`` at a time as ``sasci-sim calibrate``'s samplers evaluate them
(``AnchorModel.evaluate_many``, ODD 7.19); the two give identical anchors, which is checked.
Prints the processor seconds per simulation and simulations per second on one core for each;
pyabc's multicore sampler with W workers runs at most W times that, less on a shared machine
(the load average is printed with the figure).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from sasci_sim.experiments.calibration.batching import DEFAULT_BATCH
from sasci_sim.experiments.calibration.model import AnchorModel
from sasci_sim.experiments.calibration.spec import load_calibration

EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "calibrate_anchors.yaml"


def main() -> None:
    """Time a few particle evaluations of the shipped calibration and print simulations per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=16, help="particles to time (default 16)")
    parser.add_argument(
        "--batch", type=int, default=DEFAULT_BATCH, help=f"proposals per batch (default {DEFAULT_BATCH})"
    )
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
    start = time.process_time()
    alone = [model(particle) for particle in particles]
    one_at_a_time = (time.process_time() - start) / len(particles)
    start = time.process_time()
    batched = [
        found
        for first in range(0, len(particles), args.batch)
        for found in model.evaluate_many(particles[first : first + args.batch])
    ]
    in_batches = (time.process_time() - start) / len(particles)
    if batched != alone:
        raise SystemExit("error: particles evaluated in batches gave other anchors than one at a time")
    print(
        f"{calibration.name}: {len(particles)} simulations ({len(calibration.calibrating)} anchors "
        f"in {len({a.scenario for a in calibration.calibrating})} scenarios), one core, load average "
        f"{os.getloadavg()[0]:.2f}:\n"
        f"  one at a time:    {one_at_a_time:.3f} s per simulation, {1 / one_at_a_time:.2f} simulations/s\n"
        f"  in batches of {args.batch:<3} {in_batches:.3f} s per simulation, {1 / in_batches:.2f} simulations/s "
        f"(x{one_at_a_time / in_batches:.1f}); identical anchors"
    )


if __name__ == "__main__":
    main()
