"""Stand-in models for sweep tests: known answers, failures on purpose (``model: tests.support.sweep_standins:...``)."""

from __future__ import annotations

import time

import numpy as np

from sasci_sim.experiments.sweep.models import sweep_model


@sweep_model
def fragile(x: float, z: float = 0.0, seed: int | None = None) -> dict[str, float]:
    """y = x squared + z, but raises above x = 0.7 (a run that fails must not stop a sweep)."""
    if x > 0.7:
        raise ValueError(f"x={x} is out of this model's depth")
    return {"y": x * x + z}


@sweep_model
def linear(a: float, b: float, c: float, seed: int | None = None) -> dict[str, float]:
    """y = 10 a + 2 b + 0 c: Morris elementary effects are exactly the coefficients."""
    return {"y": 10 * a + 2 * b + 0 * c}


@sweep_model
def boxed(a: float, b: int, c: float, seed: int | None = None) -> dict[str, float]:
    """Success is likely (90%) inside a >= 0.6 and b >= 36, rare (5%) outside; c is irrelevant."""
    rng = np.random.default_rng(seed)
    inside = a >= 0.6 and b >= 36
    return {"success": float(rng.random() < (0.9 if inside else 0.05))}


@sweep_model
def noisy(x: float, seed: int | None = None) -> dict[str, float]:
    """x plus noise drawn from the run's seed (results must depend on the seed only)."""
    return {"y": x + float(np.random.default_rng(seed).normal())}


@sweep_model
def sleepy(x: float, seed: int | None = None) -> dict[str, float]:
    """y = x, after half a second (a sweep that lasts long enough to be killed part-way)."""
    time.sleep(0.5)
    return {"y": x}
