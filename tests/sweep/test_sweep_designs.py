"""Design points: full grids, and SALib's LHS, Sobol and Morris samples mapped to parameter values."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.experiments.sweep.designs import RAW, build_design
from sasci_sim.experiments.sweep.experiment import load_experiment
from tests.support.sweep import BASELINE, write_experiment


def design_of(tmp_path, **spec):
    spec.setdefault("model", "tests.support.sweep_standins:linear")
    spec.setdefault("outcomes", ["y"])
    return build_design(load_experiment(write_experiment(tmp_path, **spec), allow_code=True))


def test_grid_is_every_combination_first_parameter_slowest(tmp_path):
    d = design_of(
        tmp_path,
        design="grid",
        parameters={"a": {"values": [1, 2]}, "b": {"min": 0, "max": 1, "levels": 3}, "c": {"values": ["x"]}},
    )
    assert d.problem is None and d.size == 6
    assert d.table["a"].tolist() == [1, 1, 1, 2, 2, 2]
    assert d.table["b"].tolist() == [0.0, 0.5, 1.0] * 2
    assert d.values(4) == {"a": 2, "b": 0.5, "c": "x"}
    assert type(d.values(4)["a"]) is int and type(d.values(4)["b"]) is float


@pytest.mark.parametrize(("second_order", "rows"), [(False, 16 * (3 + 2)), (True, 16 * (2 * 3 + 2))])
def test_sobol_has_saltelli_rows_and_is_seeded(tmp_path, second_order, rows):
    spec = {
        "design": "sobol",
        "samples": 16,
        "second_order": second_order,
        "parameters": {k: {"min": 0, "max": 1} for k in "abc"},
    }
    first = design_of(tmp_path, seed=3, **spec)
    assert first.size == rows
    assert first.problem["names"] == ["a", "b", "c"] and first.problem["bounds"] == [[0.0, 1.0]] * 3
    again = design_of(tmp_path, seed=3, **spec)
    other = design_of(tmp_path, seed=4, **spec)
    assert first.table.equals(again.table)
    assert not first.table.equals(other.table)


def test_morris_has_trajectories_of_d_plus_one_points_on_the_level_grid(tmp_path):
    d = design_of(
        tmp_path, design="morris", samples=5, morris_levels=4, parameters={k: {"min": 0, "max": 3} for k in "abc"}
    )
    assert d.size == 5 * (3 + 1)
    assert set(np.unique(d.raw())) <= {0.0, 1.0, 2.0, 3.0}
    steps = np.abs(np.diff(d.raw().reshape(5, 4, 3), axis=1))
    assert ((steps > 0).sum(axis=2) == 1).all()  # each step of a trajectory moves one parameter


def test_lhs_puts_one_point_in_each_stratum(tmp_path):
    d = design_of(tmp_path, design="lhs", samples=50, parameters={"a": {"min": 2, "max": 7}, "b": {"min": 0, "max": 1}})
    for key, low, high in (("a", 2, 7), ("b", 0, 1)):
        strata = np.floor((d.table[key].to_numpy() - low) / (high - low) * 50).astype(int)
        assert sorted(strata) == list(range(50))
    assert RAW + "a" in d.table


def test_whole_numbers_are_equally_likely_across_the_range(tmp_path):
    """Sampled on [min - 0.5, max + 0.5) and rounded: with stratified LHS each whole number gets exactly N/k points."""
    path = write_experiment(
        tmp_path,
        base=str(BASELINE),
        design="lhs",
        samples=490,
        parameters={"funding.grant_duration_months": {"min": 12, "max": 60}},
        outcomes=["final_sustained_share"],
    )
    months = build_design(load_experiment(path)).table["funding.grant_duration_months"]
    assert months.dtype == np.int64
    counts = months.value_counts()
    assert sorted(counts.index) == list(range(12, 61)) and set(counts) == {10}


def test_listed_values_are_sampled_evenly(tmp_path):
    d = design_of(
        tmp_path,
        design="lhs",
        samples=30,
        parameters={"a": {"values": ["low", "mid", "high"]}, "b": {"min": 0, "max": 1}},
    )
    assert d.table["a"].value_counts().to_dict() == {"low": 10, "mid": 10, "high": 10}
