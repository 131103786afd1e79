"""Same scenario and seed, same bytes; replication r's results depend only on (seed, r)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_one, run_replications
from sasci_sim.seeds import derive_seed
from sasci_sim.ui.cli import main

SMALL = ["--set", "population.providers=300", "--steps", "24", "--replications", "3", "--quiet"]


def run_into(folder: Path, seed: int) -> Path:
    assert main(["run", "--seed", str(seed), "--out", str(folder), *SMALL]) == 0
    return folder / "baseline"


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first, second = run_into(tmp_path / "a", 11), run_into(tmp_path / "b", 11)
    for name in ("spread.csv", "money.csv", "runs.csv", "summary.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_different_seeds_give_different_spread(tmp_path: Path) -> None:
    first, second = run_into(tmp_path / "a", 11), run_into(tmp_path / "b", 12)
    assert (first / "spread.csv").read_bytes() != (second / "spread.csv").read_bytes()


def test_replication_results_do_not_depend_on_how_many_run() -> None:
    scenario = load_scenario(None, ["population.providers=300", "simulation.steps=24"])
    two = run_replications(scenario, replications=2, seed=99)
    four = run_replications(scenario, replications=4, seed=99)
    assert four.seeds[:2] == two.seeds
    pd.testing.assert_frame_equal(four.spread[four.spread["replication"] < 2].reset_index(drop=True), two.spread)
    pd.testing.assert_frame_equal(four.runs.iloc[:2], two.runs)
    # any replication can be rerun alone from (root seed, index)
    spread, _, _ = run_one(scenario, 3, derive_seed(99, 3))
    pd.testing.assert_frame_equal(four.spread[four.spread["replication"] == 3].reset_index(drop=True), spread)
    states = ["aware", "piloting", "sustained", "abandoned"]
    rep0 = four.spread.loc[four.spread["replication"] == 0, states].to_numpy()
    rep1 = four.spread.loc[four.spread["replication"] == 1, states].to_numpy()
    assert (rep0 != rep1).any()  # replications differ from each other


def test_derive_seed_is_a_pure_function_of_root_and_key() -> None:
    seeds = [derive_seed(7, r) for r in range(1000)]
    assert seeds == [derive_seed(7, r) for r in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert derive_seed(7, 0) != derive_seed(8, 0)
    assert derive_seed(7, 1, 2) != derive_seed(7, 2, 1)


@pytest.mark.parametrize("seed", [0, 2**63 - 1])
def test_extreme_root_seeds_run(seed: int) -> None:
    scenario = load_scenario(None, ["population.providers=50", "simulation.steps=3"])
    assert len(run_replications(scenario, replications=1, seed=seed).spread) == 4 * len(scenario.innovations)
