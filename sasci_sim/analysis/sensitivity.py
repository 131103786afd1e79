"""Global sensitivity indices with SALib: Sobol (S1, ST) and Morris (mu*, sigma) per outcome.

SALib's estimators need one finite value per design point, in the row order it
sampled. Replicates of a point are averaged first (the model is stochastic; the
mean is the quantity whose sensitivity is asked for), failed replicates are left
out of that mean, and an outcome with a point that has no value at all, or with
no variation, is skipped with a reason rather than given made-up indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

CONF_LEVEL = 0.95
RESAMPLES = 1000


@dataclass(frozen=True)
class Indices:
    """One outcome's table of indices (one row per parameter), or why there is none."""

    outcome: str
    table: pd.DataFrame | None
    skipped: str = ""


def point_means(runs: pd.DataFrame, points: int, outcome: str) -> np.ndarray:
    """Mean of ``outcome`` over the successful replicates of each point (NaN where none).

    Args:
        runs: A sweep's table, one row per run with ``point``, ``status`` and the outcomes.
        points: How many design points the design has.
        outcome: The outcome column.

    Returns:
        One mean per design point, in point order, as SALib expects.
    """
    ok = runs[runs["status"] == "ok"]
    means = ok.groupby("point")[outcome].mean()
    return means.reindex(range(points)).to_numpy(dtype=float)


def _unusable(y: np.ndarray) -> str:
    missing = int(np.isnan(y).sum())
    if missing:
        return f"{missing} of {y.size} design points have no value (failed runs or an undefined figure)"
    if np.ptp(y) == 0:
        return f"the same in every design point ({y[0]:.4g}): nothing to attribute"
    return ""


def sobol_indices(problem: dict[str, Any], y: np.ndarray, outcome: str, *, second_order: bool, seed: int) -> Indices:
    """First-order and total Sobol indices with bootstrap confidence intervals.

    Args:
        problem: SALib's problem (names and bounds of the parameters).
        y: One outcome value per design point of a Saltelli sample.
        outcome: The outcome's name, for the result.
        second_order: Whether the sample was drawn with second-order terms.
        seed: Seed of the bootstrap, so the intervals are reproducible.

    Returns:
        The table sorted by ST, or no table and the reason when ``y`` has missing values or
        does not vary.
    """
    if reason := _unusable(y):
        return Indices(outcome, None, reason)
    res = sobol.analyze(
        problem,
        y,
        calc_second_order=second_order,
        num_resamples=RESAMPLES,
        conf_level=CONF_LEVEL,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )
    return Indices(outcome, table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True))


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, outcome: str, *, levels: int, seed: int
) -> Indices:
    """Morris elementary effects: mu* (overall influence) and sigma (interactions, non-linearity).

    Args:
        problem: SALib's problem (names and bounds of the parameters).
        x: The Morris sample.
        y: One outcome value per row of ``x``.
        outcome: The outcome's name, for the result.
        levels: The grid levels the sample was drawn with.
        seed: Seed of the bootstrap, so the intervals are reproducible.

    Returns:
        The table sorted by mu*, or no table and the reason when ``y`` is unusable.
    """
    if reason := _unusable(y):
        return Indices(outcome, None, reason)
    res = morris.analyze(problem, x, y, num_resamples=RESAMPLES, conf_level=CONF_LEVEL, num_levels=levels, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
            "mu": res["mu"],
        }
    )
    return Indices(outcome, table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True))


def describe(indices: Indices, method: str) -> list[str]:
    """The table as text lines for the terminal and summary.txt.

    Args:
        indices: One outcome's indices.
        method: "Sobol" or "Morris", which decides the columns.

    Returns:
        A heading and one aligned line per parameter, or one line saying why it was skipped.
    """
    if indices.table is None:
        return [f"{method} indices for {indices.outcome}: skipped, {indices.skipped}"]
    t = indices.table
    width = max(len("parameter"), *(len(p) for p in t["parameter"]))
    if method == "Sobol":
        head = f"  {'parameter':<{width}}  {'S1':>7} {'± 95%':>7}  {'ST':>7} {'± 95%':>7}"
        rows = [
            f"  {r.parameter:<{width}}  {r.S1:7.3f} {r.S1_conf:7.3f}  {r.ST:7.3f} {r.ST_conf:7.3f}"
            for r in t.itertuples()
        ]
    else:
        head = f"  {'parameter':<{width}}  {'mu*':>9} {'± 95%':>9}  {'sigma':>9}"
        rows = [
            f"  {r.parameter:<{width}}  {r.mu_star:9.4g} {r.mu_star_conf:9.4g}  {r.sigma:9.4g}" for r in t.itertuples()
        ]
    return [f"{method} indices for {indices.outcome}:", head, *rows]
