"""The benchmark's references compute the Bass model, and the benchmark runs end to end (benchmarks/).

A reference that did less work, or different work, would make the comparison
meaningless, so both must follow F[t+1] = F[t] + (p + q F[t]) (1 - F[t]) in
expectation: checked at every month with four standard errors of the mean over
innovations (each innovation is an independent Bass run), plus one provider's
worth of rounding.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.support.core import ROOT

BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import kernel  # noqa: E402
import mesa_bass  # noqa: E402

P, Q = 0.01, 0.3


def bass(steps: int) -> np.ndarray:
    f = np.zeros(steps + 1)
    for t in range(steps):
        f[t + 1] = f[t] + (P + Q * f[t]) * (1 - f[t])
    return f


def assert_follows_bass(shares: np.ndarray, providers: int) -> None:
    """shares: (steps + 1, innovations) adopted shares of independent runs."""
    expected = bass(shares.shape[0] - 1)
    mean = shares.mean(axis=1)
    se = shares.std(axis=1, ddof=1) / np.sqrt(shares.shape[1])
    assert np.all(np.abs(mean - expected) <= 4 * se + 1 / providers), (mean, expected)


def test_numpy_kernel_follows_the_bass_recursion() -> None:
    providers, m, steps = 2000, 40, 15
    shares = np.array([kernel.run(providers, m, t, P, Q, seed=t) for t in range(steps + 1)])
    assert_follows_bass(shares, providers)


def test_mesa_reference_follows_the_bass_recursion_with_one_agent_per_cell() -> None:
    providers, m, steps = 300, 12, 12
    model = mesa_bass.BassModel(providers, m, P, Q, rng=4)
    assert len(model.agents) == providers * m
    shares = [model.adopted_share()]
    for _ in range(steps):
        model.step()
        shares.append(model.adopted_share())
    assert_follows_bass(np.array(shares), providers)


@pytest.mark.slow
def test_benchmark_runs_end_to_end_and_writes_its_results(tmp_path) -> None:
    cmd = [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "200,400", "--repeats", "1"]
    cmd += ["--mesa-sizes", "50", "--steps", "6", "--out", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    assert "Targets:" in done.stdout and "ns/cell-step" in done.stdout
    result = json.loads((tmp_path / "latest.json").read_text())
    assert [row["providers"] for row in result["sizes"]] == [200, 400]
    assert result["summary"]["mesa_ns_per_cell_step"] > 0
    assert sum(result["profile"]["shares"].values()) == pytest.approx(1.0)


@pytest.mark.slow
def test_ensemble_benchmark_runs_end_to_end_and_prints_every_target() -> None:
    cmd = [sys.executable, str(BENCHMARKS / "ensemble.py"), "--sizes", "200", "--batches", "2", "4"]
    cmd += ["--repeats", "1", "--sweep-runs", "4", "--sweep-batch", "2", "--sweep-path-runs", "4"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=900)
    row = next(line for line in done.stdout.splitlines() if line.startswith("| 200 |"))
    assert row.count("ms") == 4 and "skipped" not in row, row  # kernel, one at a time, batches 2 and 4
    targets = done.stdout.split("targets (issue 16):")[1]
    for target in ("memory per run in a batch", "sweep", "sasci-sim sweep of baseline replicates", "sobol_levers"):
        assert target in targets, target
    assert all(line.split()[0] in ("met", "NOT") for line in targets.strip().splitlines())


@pytest.mark.slow
def test_calibration_benchmark_checks_batches_against_one_at_a_time_and_prints_simulations_per_second() -> None:
    cmd = [sys.executable, str(BENCHMARKS / "calibration.py"), "--particles", "2", "--batch", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    assert "one at a time:" in done.stdout and "in batches of 2" in done.stdout, done.stdout
    assert "identical anchors" in done.stdout and done.stdout.count("simulations/s") == 2
