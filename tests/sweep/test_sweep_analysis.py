"""The analysis pipeline on functions with known answers: Ishigami (Sobol), linear (Morris), a box (PRIM)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sasci_sim.experiments.sweep.analysis import analyse
from sasci_sim.experiments.sweep.designs import build_design
from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from sasci_sim.experiments.sweep.store import SweepStore
from sasci_sim.experiments.sweep.testfunctions import ishigami_indices
from sasci_sim.ui.cli import main
from tests.support.sweep import tiny_grid, write_experiment

PI = math.pi


def sweep_and_analyse(path, out):
    with open_workers(1) as pool:
        report = run_sweep(load_experiment(path, allow_code=True), out, pool, progress=False)
    return report, analyse(report.root)


def test_sobol_analysis_recovers_the_ishigami_indices(tmp_path):
    """N = 1024 Saltelli rows per column: SALib's bootstrap half-widths are a few hundredths, so every
    estimate must sit within two half-widths (about four standard errors) of the analytic value."""
    path = write_experiment(
        tmp_path,
        model="sasci_sim.experiments.sweep.testfunctions:ishigami",
        design="sobol",
        samples=1024,
        seed=5,
        parameters={x: {"min": -PI, "max": PI} for x in ("x1", "x2", "x3")},
        outcomes=["y"],
    )
    report, result = sweep_and_analyse(path, tmp_path / "out")
    assert report.total == 1024 * 5 and not report.failed
    table = pd.read_csv(result.folder / "sobol_y.csv").set_index("parameter")
    truth = ishigami_indices()
    for index in ("S1", "ST"):
        for x in ("x1", "x2", "x3"):
            estimate, half_width = table.loc[x, index], table.loc[x, f"{index}_conf"]
            assert 0 < half_width < 0.1
            assert abs(estimate - truth[index][x]) <= 2 * half_width, (index, x, estimate, truth[index][x])
    assert list(table.index) == ["x1", "x2", "x3"]  # sorted by ST, as the analytic values are
    assert (result.folder / "sobol_y.png").stat().st_size > 10_000
    assert "Sobol indices for y:" in result.text()


def test_morris_analysis_gives_the_coefficients_of_a_linear_function(tmp_path):
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:linear",
        design="morris",
        samples=8,
        parameters={k: {"min": 0, "max": 1} for k in "abc"},
        outcomes=["y"],
    )
    _, result = sweep_and_analyse(path, tmp_path / "out")
    table = pd.read_csv(result.folder / "morris_y.csv").set_index("parameter")
    assert table.loc[["a", "b", "c"], "mu_star"].tolist() == pytest.approx([10, 2, 0], abs=1e-9)
    assert table["sigma"].tolist() == pytest.approx([0, 0, 0], abs=1e-9)  # no interactions, no curvature
    assert (result.folder / "morris_y.png").is_file()


def test_prim_finds_the_box_where_success_is_likely(tmp_path):
    """Success is 90% likely inside a >= 0.6 and b >= 36, 5% outside; c plays no part."""
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:boxed",
        design="lhs",
        samples=600,
        seed=8,
        parameters={"a": {"min": 0, "max": 1}, "b": {"values": list(range(12, 61))}, "c": {"min": 0, "max": 1}},
        outcomes=["success"],
        discovery={"outcome": "success", "at_least": 1, "describe": "the pilot succeeds"},
    )
    _, result = sweep_and_analyse(path, tmp_path / "out")
    boxes = pd.read_csv(result.folder / "prim_boxes.csv")
    first = boxes[boxes["rule"] == 1].set_index("parameter")
    assert set(first.index) == {"a", "b"}
    assert 0.5 <= first.loc["a", "at_least"] <= 0.7 and math.isnan(first.loc["a", "at_most"])
    assert 32 <= first.loc["b", "at_least"] <= 40
    assert first["density"].iloc[0] >= 0.75 and first["coverage"].iloc[0] >= 0.5
    rule = result.rules[0]
    assert rule.startswith("the pilot succeeds in ") and " when a >= 0." in rule and " and b >= " in rule
    assert "(coverage 0." in rule and "density 0." in rule
    assert (result.folder / "prim_rules.txt").read_text(encoding="utf-8").count("rule 1:") == 1


def test_a_two_parameter_grid_gets_heat_maps_and_envelopes(tmp_path):
    _report, result = sweep_and_analyse(tiny_grid(tmp_path), tmp_path / "out")
    runs = pd.read_csv(result.folder / "runs.csv")
    means = pd.read_csv(result.folder / "grid_means.csv")
    share = means[means["outcome"] == "final_adopting_share"].set_index(
        ["funding.grant_duration_months", "regulation.flexibility"]
    )
    expected = runs.groupby(["funding.grant_duration_months", "regulation.flexibility"])["final_adopting_share"].mean()
    pd.testing.assert_series_equal(share["mean"], expected, check_names=False)
    assert (share["count"] == 2).all()
    for outcome in ("final_adopting_share", "ever_abandoned_share", "adopting_at_month_6", "adopting_at_month_12"):
        assert (result.folder / f"heatmap_{outcome}.png").stat().st_size > 10_000
    bands = pd.read_csv(result.folder / "envelopes.csv")
    adopting = bands[bands["curve"] == "adopting_curve"]
    assert adopting["month"].tolist() == list(range(13))
    assert (adopting["p5"] <= adopting["p50"] + 1e-12).all() and (adopting["p50"] <= adopting["p95"] + 1e-12).all()
    last = runs.groupby("point")["adopting_at_month_12"].mean()
    assert adopting["p50"].iloc[-1] == pytest.approx(np.median(last))  # the median point's month-12 value
    assert "curve" not in "".join(runs.columns)  # curves stay in the Parquet runs, not the CSV


def test_sobol_waits_for_every_run_and_skips_outcomes_without_values(tmp_path):
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:fragile",
        design="sobol",
        samples=8,
        parameters={"x": {"min": 0, "max": 1}, "z": {"min": 0, "max": 1}},
        outcomes=["y"],
    )
    experiment = load_experiment(path, allow_code=True)
    store = SweepStore.for_experiment(experiment, build_design(experiment), tmp_path / "out")
    store.unlock()
    partial = analyse(store.root)
    assert "Sobol indices: wait for every run (0 of 32 so far)" in partial.text()
    assert "no successful runs yet" in partial.text()
    _, complete = sweep_and_analyse(path, tmp_path / "out")
    assert "Sobol indices for y: skipped" in complete.text() and "design points have no value" in complete.text()
    assert not (complete.folder / "sobol_y.csv").exists()


def test_analyse_command_on_a_folder_of_sweeps_and_on_a_wrong_folder(tmp_path, capsys):
    sweep_and_analyse(tiny_grid(tmp_path), tmp_path / "out")
    assert main(["analyse", str(tmp_path / "out")]) == 0
    assert "analysis: " in capsys.readouterr().out
    assert main(["analyse", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no sweep results" in err[0]
