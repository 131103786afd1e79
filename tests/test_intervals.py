"""Paired intervals: agreement with scipy, coverage by simulation, edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sasci_sim.analysis.intervals import LEVEL, paired_difference, ratio_of_means

# Coverage checks: R simulated experiments, each with n pairs. The share of intervals that
# cover the truth is Binomial(R, 0.9)/R: its standard deviation is sqrt(0.9 * 0.1 / R)
# (0.0067 at R = 2000); four of them allow a false alarm about once in 16,000 runs while
# an interval of the wrong width fails: a z instead of a t quantile at n = 8 covers 0.856,
# and Fieller without the covariance term covers 0.976 with the pairs below (rho = 0.7).
R = 2000
TOL = 4 * math.sqrt(LEVEL * (1 - LEVEL) / R)


def correlated_pairs(rng: np.random.Generator, n: int, mean_x: float, mean_b: float, rho: float = 0.7):
    cov = [[1.0, rho], [rho, 1.0]]
    draws = rng.multivariate_normal([mean_x, mean_b], cov, size=n)
    return draws[:, 0], draws[:, 1]


def test_paired_difference_matches_scipy_paired_t_test() -> None:
    rng = np.random.default_rng(1)
    x, b = correlated_pairs(rng, 12, 3.0, 2.5)
    est = paired_difference(x, b)
    ci = stats.ttest_rel(x, b).confidence_interval(confidence_level=LEVEL)
    assert est.estimate == pytest.approx(np.mean(x - b))
    assert (est.low, est.high) == pytest.approx((ci.low, ci.high))
    assert est.n == 12


def test_paired_difference_covers_the_true_difference_at_its_level() -> None:
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(R):
        x, b = correlated_pairs(rng, 8, 1.3, 1.0)
        est = paired_difference(x, b)
        hits += est.low <= 0.3 <= est.high
    assert abs(hits / R - LEVEL) <= TOL


def test_fieller_covers_the_true_ratio_at_its_level() -> None:
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(R):
        x, b = correlated_pairs(rng, 8, 6.0, 3.0)
        est = ratio_of_means(x, b)
        assert est.low is not None and est.high is not None
        hits += est.low <= 2.0 <= est.high
    assert abs(hits / R - LEVEL) <= TOL


def test_fieller_excludes_one_exactly_when_the_paired_t_interval_excludes_zero() -> None:
    rng = np.random.default_rng(4)
    for _ in range(300):
        x, b = correlated_pairs(rng, 6, 5.0 + rng.normal(0, 0.6), 5.0)
        d, r = paired_difference(x, b), ratio_of_means(x, b)
        assert r.low is not None and r.high is not None
        assert d.clear == r.clear
        assert r.low <= r.estimate <= r.high


def test_fieller_with_a_constant_base_is_the_t_interval_scaled() -> None:
    x = np.array([2.0, 2.4, 1.9, 2.6, 2.2])
    b = np.full(5, 2.0)
    r = ratio_of_means(x, b)
    ci = stats.ttest_1samp(x, 0).confidence_interval(confidence_level=LEVEL)
    assert (r.low, r.high) == pytest.approx((ci.low / 2.0, ci.high / 2.0))


def test_ratio_is_undefined_without_a_positive_base_and_unbounded_when_the_base_is_unclear() -> None:
    assert math.isnan(ratio_of_means(np.array([1.0, 2.0]), np.array([0.0, 0.0])).estimate)
    unclear = ratio_of_means(np.array([1.0, 1.2, 0.9]), np.array([0.1, -0.2, 0.25]))
    assert unclear.low is None and unclear.high is None and not unclear.clear


def test_pairs_with_a_missing_figure_are_dropped_and_one_pair_has_no_interval() -> None:
    est = paired_difference(np.array([1.0, np.nan, 3.0]), np.array([0.5, 1.0, np.nan]))
    assert est.n == 1 and est.estimate == 0.5 and est.low is None and not est.clear
    assert paired_difference(np.array([np.nan]), np.array([1.0])).n == 0


def test_identical_samples_give_a_zero_width_interval_that_is_not_a_difference() -> None:
    x = np.array([0.1, 0.3, 0.2])
    est = paired_difference(x, x.copy())
    assert (est.estimate, est.low, est.high) == (0.0, 0.0, 0.0)
    assert not est.clear
    shifted = paired_difference(x + 0.05, x)
    assert shifted.clear and shifted.low == pytest.approx(0.05)


def test_unequal_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        paired_difference(np.zeros(3), np.zeros(4))
