"""Writing small experiment files for the sweep tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
#: A small, quick version of the baseline for runs of the real model.
TINY = {"simulation.steps": 12, "population.providers": 80, "population.local_authorities": 4}


def write_experiment(folder: Path, name: str = "exp", **spec: Any) -> Path:
    """Write an experiment file ``folder/<name>.yaml`` from keyword arguments; returns its path."""
    data = {"name": name, **spec}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def tiny_grid(folder: Path, name: str = "tiny-grid", **extra: Any) -> Path:
    """A 2 x 2 grid over the real model at tiny size, 2 replicates: 8 runs."""
    spec: dict[str, Any] = {
        "base": str(BASELINE),
        "design": "grid",
        "replications": 2,
        "seed": 11,
        "set": dict(TINY),
        "parameters": {
            "funding.grant_duration_months": {"values": [12, 60]},
            "regulation.flexibility": {"values": [0.1, 0.9]},
        },
        "outcomes": ["final_adopting_share", "ever_abandoned_share", {"curve": "adopting_curve", "steps": [6, 12]}],
    }
    spec.update(extra)
    return write_experiment(folder, name, **spec)
