"""Check that sparse sampling leaves the model's statistics unchanged: sparse against dense, same seeds.

The rules draw which cells an event hits by geometric skipping and thinning
(sasci_sim/model/kernels/sampling.py). Here every rule module's sampling functions are
swapped for the textbook way, one uniform per cell, and the scenario's
replications are run both ways from the same seeds: the populations drawn at
the start are identical, the random streams differ from the first month on,
so each summary figure differs by replication noise only. The table gives
both means, the difference, Welch's t and the t of the paired differences
(|t| above 3 would be a warning; with some twenty figures, most of them
correlated, one |t| above 2 is expected by chance).

    .venv/bin/python benchmarks/equivalence.py --replications 10
"""

from __future__ import annotations

import argparse
import importlib
import math
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

import sasci_sim.model.rules
from sasci_sim.experiments.replications import run_replications


def dense_bernoulli_indices(rng: np.random.Generator, size: int, p: float) -> np.ndarray:
    """One uniform per index."""
    return np.flatnonzero(rng.random(size) < p)


def dense_cells_with_chance(rng: np.random.Generator, values: np.ndarray, value: int, p: float) -> np.ndarray:
    """One uniform per cell of the value."""
    cells = np.flatnonzero(values.ravel() == value)
    return cells[rng.random(cells.size) < p]


DENSE = {"bernoulli_indices": dense_bernoulli_indices, "cells_with_chance": dense_cells_with_chance}


@contextmanager
def dense_sampling() -> Iterator[None]:
    """Within the block, every rule samples with a uniform per cell."""
    saved = []
    for info in pkgutil.iter_modules(sasci_sim.model.rules.__path__):
        module = importlib.import_module(f"sasci_sim.model.rules.{info.name}")
        for name, dense in DENSE.items():
            if hasattr(module, name):
                saved.append((module, name, getattr(module, name)))
                setattr(module, name, dense)
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def _t(diff: float, se: float) -> float:
    return diff / se if se > 0 else (0.0 if diff == 0 else math.inf)


def compare(sparse: pd.DataFrame, dense: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for col in sparse.columns:
        if col == "replication":
            continue
        both = pd.DataFrame({"a": sparse[col], "b": dense[col]}).dropna()
        a, b = both["a"].to_numpy(float), both["b"].to_numpy(float)
        if len(a) < 2:
            continue
        se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        diff = a.mean() - b.mean()
        paired_se = (a - b).std(ddof=1) / math.sqrt(len(a))
        rows.append(
            {
                "figure": col,
                "sparse": a.mean(),
                "dense": b.mean(),
                "difference": diff,
                "se": se,
                "t": _t(diff, se),
                "paired_t": _t(diff, paired_se),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None, help="scenario file (default: the built-in baseline)")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    sparse = run_replications(args.scenario, replications=args.replications, seed=args.seed).runs
    with dense_sampling():
        dense = run_replications(args.scenario, replications=args.replications, seed=args.seed).runs
    table = compare(sparse, dense)
    with pd.option_context("display.width", 160, "display.max_rows", 100, "display.float_format", "{:.4g}".format):
        print(table.to_string(index=False))
    worst, paired = table["t"].abs().max(), table["paired_t"].abs().max()
    print(
        f"\n{len(table)} figures over {args.replications} replications each way; "
        f"largest |t| = {worst:.2f}, largest paired |t| = {paired:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
