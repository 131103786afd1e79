"""Shared pieces of the hardening tests: the CLI in-process and as a real process, folder snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sasci_sim.ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
SASCI_SIM = ROOT / ".venv" / "bin" / "sasci-sim"
CORPUS = ROOT / "tests" / "bad_inputs"
SCENARIOS = ROOT / "scenarios"
EXPERIMENTS = ROOT / "experiments"
#: Keeps a real run of a shipped scenario small (seconds, not minutes).
TINY_RUN = ["--steps", "3", "--replications", "1", "--set", "population.providers=40", "--quiet"]


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``sasci-sim ARGV`` in this process: exit status, stdout, stderr."""
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def process_env() -> dict[str, str]:
    """Environment for a real sasci-sim process: one BLAS thread (the machine is shared)."""
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def run_process(args: list[str], cwd: Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess[str]:
    """The installed ``sasci-sim`` as a real process."""
    return subprocess.run(
        [str(SASCI_SIM), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=process_env(), **kwargs
    )


def assert_one_line_error(code: int, err: str, *fragments: str) -> str:
    """Exit status 2 and a single ``error: ...`` line holding every fragment; returns the line."""
    assert code == 2, f"exit status {code}, stderr: {err!r}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {err[:2000]!r}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every result file under ``folder`` (relative path -> bytes), to compare before and after a fault;
    hidden temporary folders are left out (``hidden_leftovers`` lists them)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file())
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in files
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def hidden_leftovers(folder: Path) -> list[str]:
    """Temporary or moved-aside folders and files (names starting with a dot) directly in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.is_dir() else []


def python_process(code: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A Python snippet in a fresh interpreter of the project's venv (for faults that end the process)."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=process_env()
    )
