"""Draws from a posterior: seeded weighted resampling, checked columns, and the error when none ships."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.uncertainty.posterior import (
    draw_keys,
    draw_parameters,
    load_posterior,
    posterior_path,
    shipped_posterior,
    with_draw,
)
from tests.support.core import ROOT

RATE = "diffusion.decision_rate_per_month"


def write_posterior(folder: Path, rates: list[float], weights: list[float]) -> Path:
    """A posterior.parquet with one parameter, as ``sasci-sim calibrate`` writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({RATE: rates, "weight": weights}).to_parquet(folder / "posterior.parquet")
    return folder


def test_the_same_seed_gives_the_same_draws_and_weights_decide_them(tmp_path: Path) -> None:
    folder = write_posterior(tmp_path / "post", [0.01, 0.02, 0.03], [0.0, 1.0, 3.0])
    post = load_posterior(posterior_path(folder))
    assert post["weight"].sum() == pytest.approx(1.0)
    a, b = draw_parameters(post, 400, seed=5), draw_parameters(post, 400, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not draw_parameters(post, 400, seed=6).equals(a)
    assert 0.01 not in set(a[RATE])  # a zero-weight particle is never drawn
    assert np.mean(a[RATE] == 0.03) == pytest.approx(0.75, abs=0.07)


def test_a_draw_sets_its_values_in_the_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(None)
    draws = pd.DataFrame({RATE: [0.0123]})
    keys = draw_keys(draws, scenario, "posterior")
    assert with_draw(scenario, keys, draws.iloc[0]).diffusion.decision_rate_per_month == pytest.approx(0.0123)


def test_a_column_that_is_not_a_scenario_key_is_refused() -> None:
    with pytest.raises(InputError, match="unknown scenario key"):
        draw_keys(pd.DataFrame({"diffusion.no_such_rate": [0.1]}), load_scenario(None), "posterior")


def test_a_table_without_weights_is_not_a_posterior(tmp_path: Path) -> None:
    pd.DataFrame({RATE: [0.1]}).to_parquet(tmp_path / "posterior.parquet")
    with pytest.raises(InputError, match="weight"):
        load_posterior(tmp_path / "posterior.parquet")
    with pytest.raises(InputError, match=r"no posterior\.parquet"):
        posterior_path(tmp_path / "missing")


@pytest.mark.skipif(shipped_posterior() is not None, reason="a posterior ships")
def test_draws_without_a_posterior_is_one_line_saying_how_to_make_one(tmp_path: Path) -> None:
    scen = [str(ROOT / "scenarios" / n) for n in ("short_term_funding.yaml", "long_term_funding.yaml")]
    done = subprocess.run(
        [sys.executable, "-m", "sasci_sim.ui.cli", "compare", *scen, "--draws", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "no calibrated posterior ships yet" in lines[0] and "sasci-sim calibrate" in lines[0]
    assert not list(tmp_path.iterdir())  # nothing written
