"""The numbers behind comparisons over posterior draws: variance split, robustness, regression sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sasci_sim.analysis.draws import (
    draw_means,
    predictive_quantiles,
    robustness,
    standardised_coefficients,
    variance_split,
)


def test_the_variance_split_recovers_known_components() -> None:
    # Each draw's seeds are its offset -1 and +1: within-draw variance 2 exactly (ddof 1).
    offsets = np.array([0.0, 3.0, -2.0, 5.0, 1.0])
    values = np.column_stack([offsets - 1, offsets + 1])
    split = variance_split(values)
    assert split.within == pytest.approx(2.0)
    # Draw means are the offsets; their variance less within / R is the between component.
    assert split.between == pytest.approx(np.var(offsets, ddof=1) - 2.0 / 2)
    assert split.parameter_share == pytest.approx(split.between / (split.between + 2.0))
    assert split.draws == 5


def test_pure_chance_gives_no_parameter_share_and_pure_parameters_all() -> None:
    rng = np.random.default_rng(3)
    chance = rng.normal(size=(400, 4))  # the same distribution in every draw
    assert variance_split(chance).parameter_share < 0.1
    parameters = np.repeat(rng.normal(size=(50, 1)), 4, axis=1)  # seeds agree within each draw
    split = variance_split(parameters)
    assert split.within == 0
    assert split.parameter_share == 1.0


def test_undefined_values_are_left_out() -> None:
    values = np.array([[1.0, np.nan], [np.nan, np.nan], [3.0, 5.0]])
    assert draw_means(values)[0] == 1.0 and math.isnan(draw_means(values)[1]) and draw_means(values)[2] == 4.0
    assert variance_split(values).draws == 2


def test_robustness_is_the_share_of_draws_with_the_overall_sign() -> None:
    assert robustness(np.array([1.0, 2.0, -1.0, 3.0]), 1.25) == 0.75
    assert robustness(np.array([1.0, 0.0, -1.0, -3.0]), -0.75) == 0.5  # a zero draw does not hold
    assert math.isnan(robustness(np.array([1.0, -1.0]), 0.0))


def test_standardised_coefficients_find_the_parameter_that_matters() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(60, 3))
    y = 5 * x[:, 1] - 1 * x[:, 2]
    sens = standardised_coefficients(x, y, ["a", "b", "c"])
    assert abs(sens.coefficients["a"]) < 0.05
    assert sens.coefficients["b"] > 0.9
    assert -0.3 < sens.coefficients["c"] < -0.1
    assert sens.r_squared == pytest.approx(1.0)


def test_a_parameter_that_does_not_vary_has_no_influence() -> None:
    x = np.column_stack([np.linspace(0, 1, 10), np.full(10, 2.0)])
    sens = standardised_coefficients(x, 2 * x[:, 0], ["a", "fixed"])
    assert sens.coefficients["fixed"] == 0.0
    assert sens.coefficients["a"] == pytest.approx(1.0)


def test_predictive_quantiles_keep_never_reached_draws_and_leave_out_undefined_ones() -> None:
    reached = np.array([19.0, 19.9, 21.7, 23.8, 24.8, 24.9])
    assert predictive_quantiles(reached, (0.05, 0.5, 0.95)) == list(np.quantile(reached, (0.05, 0.5, 0.95)))
    with_gaps = np.concatenate([reached, [np.nan, np.nan]])
    assert predictive_quantiles(with_gaps, (0.05, 0.95)) == list(np.quantile(reached, (0.05, 0.95)))
    never = np.concatenate([reached, np.full(14, np.inf)])
    low, mid, high = predictive_quantiles(never, (0.05, 0.5, 0.95))
    assert low == pytest.approx(np.quantile(np.concatenate([reached, np.full(14, 1e6)]), 0.05))
    assert mid == math.inf and high == math.inf, "most draws never reach it: the interval reaches never"
    assert predictive_quantiles(np.array([1.0, np.inf]), (0.0, 1.0)) == [1.0, math.inf]
    assert all(math.isnan(q) for q in predictive_quantiles(np.array([np.nan]), (0.05, 0.95)))
