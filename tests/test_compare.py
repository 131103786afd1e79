"""Comparing scenarios: common random numbers, paired figures, reuse of matching run folders, the folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sasci_sim.output.compare_folder as compare_folder_module
from sasci_sim.analysis.intervals import paired_difference
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.compare import candidates, gather, load_run, resolve
from sasci_sim.experiments.replications import run_replications
from sasci_sim.output.compare_folder import MAX_FOLDER_NAME, folder_name, write_comparison
from sasci_sim.output.results import RunResult
from sasci_sim.output.run_folder import write_results
from sasci_sim.seeds import derive_seed
from sasci_sim.ui.cli import main
from tests.support.reports import long_funding, small, small_data


def refuse(scenario: Scenario) -> RunResult:
    raise AssertionError(f"{scenario.name} should have been reused, not run")


class CountingRunner:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, scenario: Scenario) -> RunResult:
        self.names.append(scenario.name)
        return run_replications(scenario)


def test_resolve_gives_the_scenario_run_replications_would_record() -> None:
    scenario = small("a", simulation={"replications": 7, "seed": 3})
    resolved = resolve(scenario, 2, 99, steps=12)
    ran = run_replications(scenario, replications=2, seed=99, steps=12).scenario
    assert resolved.model_dump(mode="json") == ran.model_dump(mode="json")
    assert resolve(scenario, 2, 99).simulation.steps == scenario.simulation.steps


def test_every_scenario_runs_with_the_first_scenarios_seed_and_replications(tmp_path: Path) -> None:
    a = small("a", simulation={"seed": 5, "replications": 2})
    b = small("b", simulation={"seed": 6, "replications": 4}, regulation={"flexibility": 0.9})
    comparison = gather([a, b], tmp_path)
    expected = [derive_seed(5, r) for r in range(2)]
    assert [r.seeds for r in comparison.results] == [expected, expected]
    assert [r.scenario.simulation.seed for r in comparison.results] == [5, 5]
    assert comparison.sources == {"a": "run", "b": "run"}
    overridden = gather([a, b], tmp_path, replications=3, seed=8)
    assert all(r.seeds == [derive_seed(8, r) for r in range(3)] for r in overridden.results)


def test_common_random_numbers_make_identical_levers_give_identical_runs(tmp_path: Path) -> None:
    """Two scenarios that differ only in name: every paired difference is exactly zero."""
    comparison = gather([small("a"), small("same-levers")], tmp_path)
    assert comparison.levers == []
    other = comparison.figures[comparison.figures["scenario"] == "same-levers"]
    defined = other.dropna(subset=["difference"])
    assert len(defined) > 10
    assert (defined["difference"] == 0).all()
    assert (defined["difference_low"] == 0).all() and (defined["difference_high"] == 0).all()
    assert [f.figure for f in comparison.findings] == ["final_sustained_share"]
    assert "no clear difference" in comparison.findings[0].text


def test_figure_table_pairs_replications(tmp_path: Path) -> None:
    comparison = gather([small("short"), long_funding()], tmp_path)
    short, long = (r.runs.set_index("replication") for r in comparison.results)
    table = comparison.figures.set_index(["figure", "scenario"])
    for key in ("final_sustained_share", "pilots_abandoned_at_grant_end", "ever_abandoned_share"):
        expected = paired_difference(long[key].to_numpy(), short[key].to_numpy())
        row = table.loc[(key, "long")]
        assert row["difference"] == pytest.approx(expected.estimate)
        assert row["difference_low"] == pytest.approx(expected.low)
        assert row["mean"] == pytest.approx(long[key].mean())
        assert np.isnan(table.loc[(key, "short"), "difference"])
    assert [d.key for d in comparison.levers] == ["funding.grant_duration_months"]


def test_a_matching_run_folder_is_reused_and_gives_the_same_figures(tmp_path: Path) -> None:
    short, long = small("short"), long_funding()
    fresh = run_replications(resolve(short, 3, 11))
    write_results(fresh, tmp_path)
    runner = CountingRunner()
    comparison = gather([short, long], tmp_path, runner=runner)
    assert runner.names == ["long"]
    assert comparison.sources["short"] == str(tmp_path / "short")
    reused = comparison.results[0]
    pd.testing.assert_frame_equal(reused.runs, fresh.runs, check_dtype=False)
    for key, stats in fresh.summary.items():
        for stat in ("mean", "p5", "p95"):
            if stats[stat] is not None:
                assert reused.summary[key][stat] == pytest.approx(stats[stat], rel=1e-12), key


@pytest.mark.parametrize("change", ["seed", "scenario", "version", "broken table", "no manifest"])
def test_a_run_folder_that_does_not_match_exactly_is_not_reused(tmp_path: Path, change: str) -> None:
    short = resolve(small("short"), 3, 11)
    folder = write_results(run_replications(short), tmp_path)
    meta = json.loads((folder / "manifest.json").read_text())
    if change == "seed":
        meta["replication_seeds"][1] += 1
    elif change == "scenario":
        meta["scenario"]["regulation"]["flexibility"] += 0.01
    elif change == "version":
        meta["versions"]["sasci-sim"] = "0.0.0-other"
    elif change == "broken table":
        (folder / "runs.csv").write_text("not,a\ntable", encoding="utf-8")
    if change == "no manifest":
        (folder / "manifest.json").unlink()
    else:
        (folder / "manifest.json").write_text(json.dumps(meta), encoding="utf-8")
    assert load_run(folder, short) is None
    runner = CountingRunner()
    gather([small("short"), long_funding()], tmp_path, runner=runner)
    assert runner.names == ["short", "long"]


def test_write_comparison_writes_the_folder_and_a_second_comparison_reuses_its_runs(tmp_path: Path) -> None:
    comparison = gather([small("short"), long_funding()], tmp_path)
    folder = write_comparison(comparison, tmp_path, ["short.yaml", "long.yaml"])
    assert folder == tmp_path / "compare-short-vs-long"
    names = {p.name for p in folder.iterdir()}
    assert {"report.html", "spread.png", "differences.png", "figures.csv", "levers.csv", "findings.txt"} <= names
    assert {"manifest.json", "runs"} <= names
    for png in ("spread.png", "differences.png"):
        assert (folder / png).read_bytes().startswith(b"\x89PNG")
    for run in ("short", "long"):
        assert {"spread.csv", "runs.csv", "manifest.json", "report.html"} <= {
            p.name for p in (folder / "runs" / run).iterdir()
        }
    meta = json.loads((folder / "manifest.json").read_text())
    assert meta["comparison"] == ["short", "long"]
    assert meta["replication_seeds"] == comparison.results[0].seeds
    assert set(meta["scenarios"]) == {"short", "long"}
    levers = pd.read_csv(folder / "levers.csv")
    assert levers["key"].tolist() == ["funding.grant_duration_months"]
    assert levers[["short", "long"]].iloc[0].tolist() == [12, 60]
    assert (folder / "findings.txt").read_text().splitlines() == [f.text for f in comparison.findings]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

    again = gather([small("short"), long_funding()], tmp_path, runner=refuse)
    assert again.sources == {n: str(folder / "runs" / n) for n in ("short", "long")}
    rewritten = write_comparison(again, tmp_path)
    pd.testing.assert_frame_equal(
        pd.read_csv(rewritten / "figures.csv"), comparison.figures.reset_index(drop=True), check_dtype=False
    )


def test_a_failed_comparison_leaves_the_earlier_folder_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comparison = gather([small("short"), long_funding()], tmp_path)
    folder = write_comparison(comparison, tmp_path)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(compare_folder_module, "plot_differences", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_comparison(comparison, tmp_path)
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare-short-vs-long"]


def test_folder_names_stay_short_safe_and_distinct() -> None:
    names = [f"scenario_number_{i}_with_a_long_name" for i in range(12)]
    long_name = folder_name(names)
    assert len(long_name) <= MAX_FOLDER_NAME and "/" not in long_name and not long_name.startswith(".")
    assert long_name == folder_name(list(names))
    assert long_name != folder_name([*names[:-1], "another"])
    assert folder_name(["a", "b"]) == "compare-a-vs-b"
    assert len(folder_name(["x" * 80] * 2)) <= MAX_FOLDER_NAME


def test_candidates_are_the_run_folder_then_earlier_comparisons(tmp_path: Path) -> None:
    for sub in ("compare-b-vs-a/runs/a", "compare-a-vs-c/runs/a", "compare-a-vs-c/runs/c"):
        (tmp_path / sub).mkdir(parents=True)
    assert candidates(tmp_path, "a") == [
        tmp_path / "a",
        tmp_path / "compare-a-vs-c/runs/a",
        tmp_path / "compare-b-vs-a/runs/a",
    ]


def test_a_comparison_needs_two_differently_named_scenarios(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least two"):
        gather([small("a")], tmp_path)
    with pytest.raises(InputError, match="own name"):
        gather([small("a"), small("a", regulation={"flexibility": 0.9})], tmp_path)


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_cli_compare_writes_the_report_and_prints_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_yaml(tmp_path / "a.yaml", small_data("short"))
    b = write_yaml(tmp_path / "b.yaml", small_data("long", funding={"grant_duration_months": 60}))
    out = tmp_path / "out"
    code = main(["compare", str(a), str(b), "--replications", "2", "--seed", "4", "--out", str(out), "--quiet"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    folder = out / "compare-short-vs-long"
    assert f"report: {folder / 'report.html'}" in printed
    findings = (folder / "findings.txt").read_text().splitlines()
    assert findings and all(f"- {line}" in printed for line in findings)
    meta = json.loads((folder / "manifest.json").read_text())
    assert meta["replication_seeds"] == [derive_seed(4, r) for r in range(2)]

    code = main(["compare", str(a), str(b), "--replications", "2", "--seed", "4", "--out", str(out), "--quiet"])
    printed, _ = capsys.readouterr()
    assert code == 0 and printed.count("reused:") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compare", "{a}"], "compare needs at least two scenario files"),
        (["compare", "{a}", "{missing}"], "no such file"),
        (["compare", "{a}", "{a}"], "each scenario needs its own name"),
        (["compare", "{a}", "{a}", "--replications", "0"], "must be at least 1"),
    ],
)
def test_cli_compare_bad_input_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    a = write_yaml(tmp_path / "a.yaml", small_data("short"))
    args = [x.format(a=a, missing=tmp_path / "missing.yaml") for x in argv]
    assert main([*args, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


def test_cli_compare_refuses_an_unusable_output_folder_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write_yaml(tmp_path / "a.yaml", small_data("short"))
    b = write_yaml(tmp_path / "b.yaml", small_data("long", funding={"grant_duration_months": 60}))
    out = tmp_path / "out"
    (out / "compare-short-vs-long").mkdir(parents=True)
    (out / "compare-short-vs-long" / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setattr("sasci_sim.experiments.replications.run_replications", refuse)
    assert main(["compare", str(a), str(b), "--out", str(out), "--quiet"]) == 2
    _, err = capsys.readouterr()
    assert "not made by sasci-sim" in err and err.count("\n") == 1
    assert sorted(p.name for p in out.rglob("*")) == ["compare-short-vs-long", "notes.txt"]
