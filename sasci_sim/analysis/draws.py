"""Numbers over posterior draws: how much of a spread is parameter uncertainty, how robust a sign is, what drives it.

A comparison over parameter uncertainty runs K parameter sets (draws) from a posterior,
each with R seeds, the scenarios of a draw sharing their seeds. A paired difference is
then a K x R table. Its spread splits, as in a one-way random-effects analysis of
variance (Searle, Casella and McCulloch 1992, Variance Components, ch. 3), into the
variance between draws (what the parameters do) and within draws (chance):
``within = mean of each draw's variance over its seeds`` and
``between = variance of the draw means - within / R`` (not below zero). Robustness is
the share of draws whose mean difference has the overall sign. Sensitivity is the
standardised regression coefficient of each parameter for the draw means (ordinary
least squares on standardised values; Saltelli et al. 2008, Global Sensitivity Analysis, 1.2.5).
A predictive interval over draws keeps the draws in which an event is never reached (+inf) as
values, not gaps (``predictive_quantiles``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Stands in for +inf ("never reached within the horizon") while quantiles interpolate: far above
#: any metric's own values, so a quantile that interpolates towards it lands above ``_REACHES_NEVER``.
_NEVER = 1e300
_REACHES_NEVER = 1e200


@dataclass(frozen=True)
class VarianceSplit:
    """The variance of a figure over draws and seeds, split into parameters and chance.

    Attributes:
        between: Variance component between draws (parameter uncertainty).
        within: Variance within draws, over seeds (chance).
        draws: Draws with at least one finite value.
    """

    between: float
    within: float
    draws: int

    @property
    def total(self) -> float:
        """Between plus within."""
        return self.between + self.within

    @property
    def parameter_share(self) -> float:
        """Share of the total variance due to parameter uncertainty (NaN when there is no variance)."""
        return self.between / self.total if self.total > 0 else math.nan


def draw_means(values: np.ndarray) -> np.ndarray:
    """Each draw's mean over its seeds (rows are draws, columns seeds; NaN means undefined).

    Args:
        values: A draws x seeds array.

    Returns:
        One mean per draw (NaN for a draw with no finite value).
    """
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values)
    counts = ok.sum(axis=1)
    sums = np.where(ok, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def variance_split(values: np.ndarray) -> VarianceSplit:
    """Split the variance of a draws x seeds table into between-draw and within-draw parts.

    Args:
        values: A draws x seeds array (a figure, or a paired difference, per draw and seed).

    Returns:
        The variance components (NaN where fewer than two draws or seeds make them undefined).
    """
    values = np.asarray(values, dtype=float)
    keep = np.isfinite(values).sum(axis=1) > 0
    values = values[keep]
    k = values.shape[0]
    if k == 0:
        return VarianceSplit(math.nan, math.nan, 0)
    seeds = np.isfinite(values).sum(axis=1)
    within_each = np.array(
        [np.var(row[np.isfinite(row)], ddof=1) if n > 1 else np.nan for row, n in zip(values, seeds, strict=True)]
    )
    within = float(np.nanmean(within_each)) if np.isfinite(within_each).any() else math.nan
    if k < 2:
        return VarianceSplit(math.nan, within, k)
    means = draw_means(values)
    r = float(np.mean(seeds))
    spread = float(np.var(means, ddof=1))
    between = max(spread - (within / r if math.isfinite(within) else 0.0), 0.0)
    return VarianceSplit(between, within, k)


def robustness(means: np.ndarray, overall: float) -> float:
    """Share of draws whose mean difference has the sign of the overall difference.

    A draw whose mean is exactly zero, or undefined, does not count as holding.

    Args:
        means: Each draw's mean paired difference.
        overall: The difference over all draws and seeds.

    Returns:
        The share in [0, 1]; NaN when the overall difference is zero or undefined, or there are no draws.
    """
    means = np.asarray(means, dtype=float)
    if means.size == 0 or not math.isfinite(overall) or overall == 0:
        return math.nan
    return float(np.mean(np.sign(means) == np.sign(overall)))


@dataclass(frozen=True)
class Sensitivity:
    """Standardised regression coefficients of an outcome on the parameters, with the fit's R squared."""

    coefficients: dict[str, float]
    r_squared: float
    draws: int


def standardised_coefficients(x: np.ndarray, y: np.ndarray, names: list[str]) -> Sensitivity:
    """Standardised regression coefficients (SRC) of ``y`` on the columns of ``x``.

    SRC_j = b_j * sd(x_j) / sd(y) for the least-squares fit; their squares sum to about R squared
    when the parameters are uncorrelated, so an SRC says how much of the outcome's spread the
    parameter explains, with its direction. A low R squared warns that the relation is not linear.

    Args:
        x: Draws x parameters.
        y: One outcome per draw (NaN rows are dropped).
        names: The parameters' names, in column order.

    Returns:
        The coefficients by name (0 for a parameter that does not vary) and the fit's R squared.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(y) & np.isfinite(x).all(axis=1)
    x, y = x[ok], y[ok]
    n = y.size
    zero = {name: 0.0 for name in names}
    if n < 3:
        return Sensitivity({name: math.nan for name in names}, math.nan, n)
    if np.std(y) == 0:
        return Sensitivity(zero, math.nan, n)
    sx = x.std(axis=0)
    varying = sx > 0
    z = (x[:, varying] - x[:, varying].mean(axis=0)) / sx[varying]
    zy = (y - y.mean()) / y.std()
    design = np.column_stack([np.ones(n), z])
    beta, *_ = np.linalg.lstsq(design, zy, rcond=None)
    fitted = design @ beta
    r2 = 1.0 - float(np.sum((zy - fitted) ** 2)) / float(np.sum(zy**2))
    coefs = dict(zero)
    for name, b in zip([nm for nm, v in zip(names, varying, strict=True) if v], beta[1:], strict=True):
        coefs[name] = float(b)
    return Sensitivity(coefs, r2, n)


def predictive_quantiles(values: np.ndarray, probabilities: Sequence[float]) -> list[float]:
    """Linear quantiles of an anchor's values over draws: NaN (no value) left out, +inf (never reached) kept.

    A draw in which the event an anchor times is never reached within the horizon is a result,
    not a gap: leaving it out would censor the interval. It sorts above every value reached,
    and a quantile that reaches into those draws is +inf. Without infinite values this is
    numpy's linear quantile exactly.

    Args:
        values: One value per draw (NaN where the metric is undefined, +inf where never reached).
        probabilities: The quantiles wanted, in [0, 1].

    Returns:
        One quantile per probability; NaN for each when no draw has a value.
    """
    kept = values[~np.isnan(values)]
    if kept.size == 0:
        return [math.nan] * len(probabilities)
    stood_in = np.quantile(np.where(np.isposinf(kept), _NEVER, kept), probabilities)
    return [math.inf if q > _REACHES_NEVER else float(q) for q in np.atleast_1d(stood_in)]
