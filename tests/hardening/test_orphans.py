"""A sweep killed with SIGKILL leaves no process behind: its pool workers, forkserver and resource tracker end too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sasci_sim.experiments.sweep.store import SweepStore

#: The repository root, from which the sweep tests' stand-in models import (``tests.support.sweep_standins``).
ROOT = Path(__file__).resolve().parents[2]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """The processes of ``pids`` still running (zombies, waiting for a parent to reap them, are gone)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.add(pid)
    return out


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_sweep_with_two_workers_leaves_no_orphans(tmp_path: Path, tally) -> None:
    spec = {
        "name": "sleepy",
        "model": "tests.support.sweep_standins:sleepy",
        "design": "grid",
        "parameters": {"x": {"min": 0.0, "max": 1.0, "levels": 200}},
        "outcomes": ["y"],
    }
    path = tmp_path / "sleepy.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "sasci_sim.ui.cli", "sweep", str(path), "--workers", "2", "--allow-code"]
    proc = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out"), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    below: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / "out" / "sleepy" / "runs").glob("part-*.parquet")):  # workers are running
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no run finished within a minute"
            time.sleep(0.05)
        below = descendants(proc.pid)
        assert len(below) >= 4, f"expected forkserver, two workers and the resource tracker, got {below}"
        os.kill(proc.pid, signal.SIGKILL)  # the sweep only: what it started must follow by itself
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = alive(below)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in alive(below):  # never leave them to the next test
            os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} processes outlived the killed sweep by 20 s"
    kept = SweepStore.existing(tmp_path / "out" / "sleepy").read()
    assert len(kept) >= 1 and set(kept["status"]) == {"ok"}  # the runs written before the kill are whole
    tally.add(
        "SIGKILL of sweep --workers 2 (the sweep process alone)",
        injected=1,
        earlier_results_intact=1,
        processes_left=0,
        processes_ended=len(below),
    )
