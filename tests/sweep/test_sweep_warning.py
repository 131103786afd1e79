"""A sweep too small for its sensitivity indices says so in one line, with the size it needs."""

from __future__ import annotations

import math
import re

import pandas as pd

from sasci_sim.experiments.sweep.analysis import SOBOL_HALF_WIDTH, analyse, too_wide
from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from tests.support.sweep import write_experiment


def ishigami(tmp_path, samples: int):
    path = write_experiment(
        tmp_path,
        model="sasci_sim.experiments.sweep.testfunctions:ishigami",
        design="sobol",
        samples=samples,
        seed=5,
        parameters={x: {"min": -math.pi, "max": math.pi} for x in ("x1", "x2", "x3")},
        outcomes=["y"],
    )
    with open_workers(1) as pool:
        report = run_sweep(load_experiment(path), tmp_path / "out", pool, progress=False)
    return analyse(report.root)


def test_too_few_sobol_samples_give_one_warning_with_the_samples_needed(tmp_path) -> None:
    result = ishigami(tmp_path, 8)
    warnings = [line for line in result.lines if line.startswith("warning:")]
    assert len(warnings) == 1, result.lines
    needed = int(re.search(r"use --samples (\d+) or more", warnings[0]).group(1))
    assert needed > 8 and needed & (needed - 1) == 0  # a power of 2, as a Sobol design needs
    assert "95% bootstrap intervals are wider than ±0.1" in warnings[0]
    table = pd.read_csv(result.folder / "sobol_y.csv")
    worst = max(table["S1_conf"].max(), table["ST_conf"].max())
    assert needed >= 8 * (worst / SOBOL_HALF_WIDTH) ** 2  # the intervals would shrink to ±0.1
    assert "warning:" in (result.folder / "summary.txt").read_text()


def test_enough_samples_give_no_warning_and_flags_follow_the_intervals() -> None:
    table = pd.DataFrame(
        {"parameter": ["a", "b"], "S1": [0.5, 0.1], "S1_conf": [0.02, 0.3], "ST": [0.6, 0.1], "ST_conf": [0.03, 0.05]}
    )
    flags, needed = too_wide(table, "Sobol", 64)
    assert flags.tolist() == [False, True] and needed == 1024  # 64 * (0.3 / 0.1)^2 = 576 -> 1024
    flags, needed = too_wide(table.assign(S1_conf=[0.02, 0.05]), "Sobol", 64)
    assert not flags.any() and needed is None
    morris = pd.DataFrame({"parameter": ["a", "b"], "mu_star": [10.0, 2.0], "mu_star_conf": [0.5, 2.0], "sigma": 0})
    flags, needed = too_wide(morris, "Morris", 10)
    assert flags.tolist() == [False, True] and needed == 40  # 10 * (2 / 1)^2
