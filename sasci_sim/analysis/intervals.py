"""Intervals for paired comparisons over common-random-number replications.

Replication r of every scenario in a comparison uses the same seed, so the
figures of two scenarios come in pairs. A difference gets the Student t interval
of the mean paired difference; a ratio of means gets Fieller's interval, which
uses the same pairs (their covariance) and excludes 1 exactly when the paired t
interval excludes 0. Both assume the replication means are roughly normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.90


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval (bounds None when there is no interval)."""

    estimate: float
    low: float | None
    high: float | None
    n: int
    null: float  # the value meaning "no difference": 0 for differences, 1 for ratios

    @property
    def clear(self) -> bool:
        """Whether the interval excludes the no-difference value."""
        if self.low is None or self.high is None:
            return False
        return self.low > self.null or self.high < self.null


def _pairs(x: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs where both figures exist (a figure may be undefined in a replication)."""
    x, base = np.asarray(x, dtype=float), np.asarray(base, dtype=float)
    if x.shape != base.shape:
        raise ValueError(f"paired samples must have the same length ({x.size} and {base.size})")
    ok = np.isfinite(x) & np.isfinite(base)
    return x[ok], base[ok]


def _t(level: float, n: int) -> float:
    return float(stats.t.ppf(0.5 + level / 2, n - 1))


def paired_difference(x: np.ndarray, base: np.ndarray, level: float = LEVEL) -> Estimate:
    """Mean of x - base over pairs, with the Student t interval (n - 1 degrees of freedom).

    Pairing by replication (common random numbers) removes the luck both runs share, so
    the interval is much narrower than for two independent samples.

    Args:
        x: The figure per replication under the scenario compared.
        base: The same figure per replication under the base scenario.
        level: The interval's confidence level.

    Returns:
        The mean difference over the pairs where both figures exist, with its interval
        (bounds None with fewer than two pairs).

    Raises:
        ValueError: When ``x`` and ``base`` differ in length.
    """
    x, base = _pairs(x, base)
    n = x.size
    if n == 0:
        return Estimate(math.nan, None, None, 0, 0.0)
    d = x - base
    mean = float(d.mean())
    if n < 2:
        return Estimate(mean, None, None, n, 0.0)
    half = _t(level, n) * float(d.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n, 0.0)


def ratio_of_means(x: np.ndarray, base: np.ndarray, level: float = LEVEL) -> Estimate:
    """mean(x) / mean(base) with Fieller's interval for paired samples.

    Undefined (NaN) unless mean(base) > 0; the bounds are None when the interval
    is unbounded, i.e. when mean(base) is not clearly above zero.

    Args:
        x: The figure per replication under the scenario compared.
        base: The same figure per replication under the base scenario.
        level: The interval's confidence level.

    Returns:
        The ratio and its interval over the pairs where both figures exist.

    Raises:
        ValueError: When ``x`` and ``base`` differ in length.
    """
    x, base = _pairs(x, base)
    n = x.size
    if n == 0:
        return Estimate(math.nan, None, None, 0, 1.0)
    a, b = float(x.mean()), float(base.mean())
    if b <= 0:
        return Estimate(math.nan, None, None, n, 1.0)
    ratio = a / b
    if n < 2:
        return Estimate(ratio, None, None, n, 1.0)
    cov = np.cov(x, base, ddof=1) / n  # covariance matrix of the two means
    v11, v22, v12 = float(cov[0, 0]), float(cov[1, 1]), float(cov[0, 1])
    t2 = _t(level, n) ** 2
    g = t2 * v22 / b**2
    if g >= 1:
        return Estimate(ratio, None, None, n, 1.0)
    centre = ratio - t2 * v12 / b**2
    radicand = v11 - 2 * ratio * v12 + ratio**2 * v22 - t2 / b**2 * (v11 * v22 - v12**2)
    half = math.sqrt(max(radicand, 0.0)) * math.sqrt(t2) / b
    return Estimate(ratio, (centre - half) / (1 - g), (centre + half) / (1 - g), n, 1.0)


PCT = round(LEVEL * 100)
METHOD = (
    "Differences to the first scenario are means of paired differences over common-random-number "
    f"replications (replication r of every scenario uses the same seed), with a {PCT}% Student t interval "
    f"(n - 1 degrees of freedom). Ratios ('times as many', '% more', '% fewer') use Fieller's {PCT}% "
    "interval for a ratio of paired means. Ranges beside single scenarios are the 5th to 95th "
    "percentiles over replications: the spread of outcomes, not the uncertainty of the mean."
)
