"""Scenario discovery with PRIM (EMA Workbench): which lever ranges make the runs of interest likely.

For each box PRIM peels, the box reported is, on its peeling trajectory, the
densest one that still covers at least ``min_coverage`` of the runs of interest
(Bryant and Lempert 2010 trade coverage against density; this picks one point of
that trade-off reproducibly). Limits that are not significant (quasi-p above
0.05, a one-sided binomial test, per side of a range) are then given back one at
a time, least significant first, so every condition in a rule carries weight, and a box whose
density is not significantly above the base rate (binomial test) is not
reported. Each box becomes
a plain-language rule such as "innovations reach scale in 80% of runs when
grant_duration_months >= 36 and regulation.flexibility >= 0.6 (coverage 0.70,
density 0.80)". EMA Workbench is an optional extra (``sasci-sim[discovery]``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from sasci_sim.experiments.sweep.experiment import Discovery

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Condition:
    """One limit of a PRIM box on one parameter, as readers are told it.

    Attributes:
        parameter: The varied parameter.
        low: The box's lower limit, or None when it is not restricted.
        high: The box's upper limit, or None when it is not restricted.
        allowed: The categories kept, for parameters given as lists of values.
        qp: PRIM's quasi-p-value of the restriction.
    """

    parameter: str
    low: Any  # None when the lower end is not restricted
    high: Any  # None when the upper end is not restricted
    allowed: tuple[Any, ...] | None = None  # categories, for lists of values
    qp: float = math.nan

    def text(self) -> str:
        """Say the condition as a reader would check it.

        Returns:
        The condition in words, for example "0.2 <= regulation.flexibility <= 0.8".
        """
        if self.allowed is not None:
            if len(self.allowed) == 1 and isinstance(self.allowed[0], bool | np.bool_):
                return f"{self.parameter} is {'on' if self.allowed[0] else 'off'}"
            return f"{self.parameter} is {' or '.join(map(str, self.allowed))}"
        if self.low is not None and self.high is not None:
            return f"{_num(self.low)} <= {self.parameter} <= {_num(self.high)}"
        if self.low is not None:
            return f"{self.parameter} >= {_num(self.low)}"
        return f"{self.parameter} <= {_num(self.high)}"


@dataclass(frozen=True)
class Rule:
    """One PRIM box as conditions and statistics."""

    describe: str
    conditions: tuple[Condition, ...]
    coverage: float
    density: float
    mass: float
    runs: int

    def text(self) -> str:
        """Say the box as one plain sentence.

        Returns:
        The rule as one sentence with its coverage, density and runs.
        """
        when = " and ".join(c.text() for c in self.conditions)
        return (
            f"{self.describe} in {self.density:.0%} of runs when {when} "
            f"(coverage {self.coverage:.2f}, density {self.density:.2f}, {self.runs} runs in the box)"
        )


@dataclass(frozen=True)
class DiscoveryResult:
    """What scenario discovery found: the boxes, the base rate of the runs of interest, or why none.

    Attributes:
        rules: The boxes found, best first.
        base_rate: The share of all runs that are of interest.
        runs: Runs analysed.
        note: Why nothing was found, when that is the case.
    """

    rules: tuple[Rule, ...]
    base_rate: float  # share of all runs that are of interest
    runs: int
    note: str = ""


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def of_interest(values: pd.Series, spec: Discovery) -> np.ndarray:
    """Which runs are of interest (NaN never is).

    Args:
        values: An outcome per run.
        spec: The discovery settings (``at_least`` or ``at_most``).

    Returns:
        Which runs are of interest.
    """
    v = values.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        hit = v >= spec.at_least if spec.at_least is not None else v <= spec.at_most
    return hit & ~np.isnan(v)


def discover(x: pd.DataFrame, y: np.ndarray, spec: Discovery, int_columns: set[str]) -> DiscoveryResult:
    """Run PRIM on parameter values ``x`` (one row per run) and the runs of interest ``y``.

    Args:
        x: Parameter values, one row per run.
        y: Whether each run is of interest.
        spec: The discovery settings (number of boxes).
        int_columns: Parameters that take whole numbers, so limits are printed as such.

    Returns:
        The boxes found, or why there are none (nothing to find, or EMA Workbench missing).
    """
    n, k = len(y), int(y.sum())
    if n == 0 or k == 0 or k == n:
        what = "no run is" if k == 0 else "every run is"
        return DiscoveryResult((), k / n if n else math.nan, n, f"{what} of interest: nothing to discover")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        return DiscoveryResult((), k / n, n, "PRIM needs EMA Workbench: pip install 'sasci-sim[discovery]'")
    # EMA Workbench 3.0 pastes fractional limits into integer columns, which pandas 3 refuses: use floats.
    x = x.reset_index(drop=True).copy()
    for col in x.columns:
        if pd.api.types.is_numeric_dtype(x[col]) and not pd.api.types.is_bool_dtype(x[col]):
            x[col] = x[col].astype(float)
        else:
            x[col] = x[col].astype(object)
    with warnings.catch_warnings():
        # EMA Workbench 3.0 uses pandas' deprecated inplace=; not ours to fix
        warnings.simplefilter("ignore", getattr(pd.errors, "Pandas4Warning", FutureWarning))
        finder = prim.Prim(x, np.asarray(y, dtype=bool))
    rules = []
    for _ in range(spec.boxes):
        box = finder.find_box()
        if box is None:
            break
        remaining = np.asarray(y, dtype=bool)[finder.yi_remaining]
        rule = _chosen(box, finder, finder.box_init, spec, int_columns, float(remaining.mean()))
        if rule is None or not rule.conditions:
            break
        rules.append(rule)
    return DiscoveryResult(tuple(rules), k / n, n)


def _restricted(lim: pd.DataFrame, init: pd.DataFrame) -> list[str]:
    return [c for c in init.columns if lim[c].iloc[0] != init[c].iloc[0] or lim[c].iloc[1] != init[c].iloc[1]]


def _chosen(
    box: Any, finder: Any, init: pd.DataFrame, spec: Discovery, int_columns: set[str], base_rate: float
) -> Rule | None:
    """The reported box of one PRIM search, or None if no box beats the base rate significantly."""
    traj = box.peeling_trajectory
    candidates = traj[traj["coverage"] >= spec.min_coverage]
    if candidates.empty:
        return None
    best = candidates.sort_values(["density", "res_dim"], ascending=[False, True], kind="stable").index[0]
    box.select(int(best))
    qp = _relax_weak_limits(box, finder, init)
    i = box._cur_box
    row = box.peeling_trajectory.iloc[i]
    if binomtest(int(row["k"]), int(row["n"]), base_rate, alternative="greater").pvalue > SIGNIFICANCE:
        return None
    lim = box.box_lims[i]
    conditions = tuple(_condition(d, lim, init, qp[d], d in int_columns) for d in _restricted(lim, init))
    return Rule(
        spec.describe, conditions, float(row["coverage"]), float(row["density"]), float(row["mass"]), int(row["n"])
    )


def _relax_weak_limits(box: Any, finder: Any, init: pd.DataFrame) -> dict[str, float]:
    """Give back limits that are not significant, least significant first; return each restriction's quasi-p.

    A limit is one side of a range (or a category set); EMA Workbench's quasi-p values
    are per side, so a strong lower limit is kept when its upper limit is noise.
    """
    while True:
        i = box._cur_box
        lim = box.box_lims[i]
        sides = []  # (quasi-p, dimension, side: 0 lower, 1 upper, None for a category set)
        for d in _restricted(lim, init):
            qps = [q if q is not None else -1.0 for q in box.p_values[i].get(d, [-1.0, -1.0])]
            if isinstance(lim[d].iloc[0], set):
                sides.append((max(qps), d, None))
                continue
            sides += [(qps[s], d, s) for s in (0, 1) if lim[d].iloc[s] != init[d].iloc[s]]
        weak = [side for side in sides if side[0] > SIGNIFICANCE]
        if not weak or len(sides) == 1:
            return {d: max(q for q, dim, _ in sides if dim == d) for _, d, _ in sides}
        _, d, side = max(weak, key=lambda item: item[0])
        relaxed = lim.copy()
        if side is None:
            relaxed[d] = init[d].to_numpy()
        else:
            relaxed.loc[relaxed.index[side], d] = init[d].iloc[side]
        remaining = finder.yi_remaining
        box.update(relaxed, remaining[_inside(finder.x.loc[remaining], relaxed)])


def _inside(x: pd.DataFrame, lim: pd.DataFrame) -> np.ndarray:
    """Which rows of ``x`` lie in the box ``lim`` (row 0 lower limits, row 1 upper; sets for categories)."""
    mask = np.ones(len(x), dtype=bool)
    for col in lim.columns:
        low, high = lim[col].iloc[0], lim[col].iloc[1]
        if isinstance(low, set):
            mask &= x[col].isin(low).to_numpy()
        else:
            mask &= ((x[col] >= low) & (x[col] <= high)).to_numpy()
    return mask


def _condition(col: str, lim: pd.DataFrame, init: pd.DataFrame, qp: float, whole: bool) -> Condition:
    low, high = lim[col].iloc[0], lim[col].iloc[1]
    if isinstance(low, set):
        return Condition(col, None, None, tuple(sorted(low, key=str)), qp)
    low_set = low > init[col].iloc[0]
    high_set = high < init[col].iloc[1]
    if whole:
        low, high = math.ceil(low), math.floor(high)
    return Condition(col, low if low_set else None, high if high_set else None, None, qp)
