"""``run --draws`` and ``compare --draws`` on the command line; ``--draws 0`` leaves compare as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sasci_sim.ui.cli import main
from tests.experiments.test_uncertainty_posterior import RATE, write_posterior
from tests.support.core import tiny_data


def scenario_file(folder: Path, name: str, **sections: object) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(tiny_data(name=name, **sections)), encoding="utf-8")
    return path


def test_run_over_draws_pools_every_draw_and_splits_the_variance(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    post = write_posterior(tmp_path / "post", [0.01, 0.09], [1.0, 1.0])
    path = scenario_file(tmp_path, "one")
    argv = ["run", str(path), "--draws", "3", "--replications", "2", "--posterior", str(post)]
    assert main([*argv, "--out", str(tmp_path / "out"), "--quiet"]) == 0
    folder = tmp_path / "out" / "one"
    runs = pd.read_csv(folder / "runs.csv")
    assert sorted(runs["replication"]) == list(range(6))  # 3 draws x 2 seeds
    draws = pd.read_csv(folder / "draws.csv")
    assert len(draws) == 3 and set(draws[RATE]) <= {0.01, 0.09}
    split = pd.read_csv(folder / "uncertainty.csv")
    assert {"between_draw_variance", "within_draw_variance", "parameter_share"} <= set(split.columns)
    assert "3 parameter sets" in capsys.readouterr().out
    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"uncertainty.csv", "draws.csv"} <= set(listed)  # written inside the atomic folder, checksummed


def test_run_over_draws_never_leaves_a_folder_without_its_uncertainty_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = write_posterior(tmp_path / "post", [0.01, 0.09], [1.0, 1.0])
    path = scenario_file(tmp_path, "one")

    to_csv = pd.DataFrame.to_csv

    def full_at_uncertainty(self: pd.DataFrame, path: object = None, **kwargs: object) -> object:
        if Path(str(path)).name == "uncertainty.csv":
            raise OSError("disk full")
        return to_csv(self, path, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_at_uncertainty)
    argv = ["run", str(path), "--draws", "2", "--replications", "2", "--posterior", str(post)]
    assert main([*argv, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out" / "one").exists()


def test_compare_without_draws_is_unchanged(tmp_path: Path) -> None:
    a, b = scenario_file(tmp_path, "a"), scenario_file(tmp_path, "b", funding={"grant_duration_months": 24})
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    folder = tmp_path / "out" / "compare-a-vs-b"
    assert "robustness" not in pd.read_csv(folder / "figures.csv").columns
    assert not (folder / "uncertainty.csv").exists() and not (tmp_path / "out" / "draws").exists()
    assert 'id="uncertainty"' not in (folder / "report.html").read_text(encoding="utf-8")


def test_compare_over_draws_prints_the_headline_and_reuses_its_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    post = write_posterior(tmp_path / "post", [0.01, 0.09], [1.0, 1.0])
    a, b = scenario_file(tmp_path, "a"), scenario_file(tmp_path, "b", funding={"grant_duration_months": 24})
    argv = ["compare", str(a), str(b), "--draws", "2", "--replications", "2", "--posterior", str(post)]
    argv += ["--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "reused 0 of 4 draw runs" in first and "Headline" in first and "What to measure next" in first
    assert main(argv) == 0
    assert "reused 4 of 4 draw runs" in capsys.readouterr().out
