"""experiments/calibration.py runs selected checks for candidate values and prints the table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "experiments" / "calibration.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_runs_a_check_for_candidate_values() -> None:
    done = run("--replications", "2", "--checks", "10", "--set", "population.providers=300")
    assert done.returncode == 0, done.stderr
    assert "Higher organisational capability raises adoption" in done.stdout
    assert "high_capability" in done.stdout and "low_capability" in done.stdout
    assert "by who pays" in done.stdout


def test_bad_candidate_is_a_one_line_error() -> None:
    done = run("--checks", "10", "--set", "regulation.flexibility=7")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "regulation.flexibility" in done.stderr
    assert run("--checks", "99").returncode == 2
