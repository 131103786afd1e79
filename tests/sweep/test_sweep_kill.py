"""A sweep killed with SIGKILL mid-way, rerun, ends with the table of a sweep never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from sasci_sim.experiments.sweep.store import SweepStore
from tests.support.sweep import tiny_grid

#: Enough runs that default tasks (``runner.task_size``) give each of 2 workers four tasks: parts land one by one.
RUNS = 200


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sasci_sim.ui.cli", "sweep", *args, "--quiet"]


@pytest.mark.slow
def test_sigkill_mid_sweep_then_rerun_gives_the_uninterrupted_table(tmp_path):
    path = tiny_grid(
        tmp_path,
        name="killable",
        parameters={"regulation.flexibility": {"min": 0.0, "max": 1.0, "levels": RUNS // 2}},
    )
    with open_workers(1) as pool:
        report = run_sweep(load_experiment(path), tmp_path / "reference", pool, progress=False)
    reference = SweepStore.existing(report.root).read().drop(columns="seconds")
    assert len(reference) == RUNS

    out = tmp_path / "out"
    parts = out / "killable" / "runs"
    proc = subprocess.Popen(
        cli(str(path), "--workers", "2", "--out", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the pool workers too
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(parts.glob("part-*.parquet"))) < 3:
            assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.communicate()}"
            assert time.monotonic() < deadline, "no parts written within two minutes"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    store = SweepStore.existing(out / "killable")
    survived = store.read().drop(columns="seconds")
    assert 3 <= len(survived) < RUNS, "the kill must land mid-way"
    expected = reference.merge(survived[["point", "replicate"]], on=["point", "replicate"])
    pd.testing.assert_frame_equal(survived, expected)  # what was on disk was whole and right

    rerun = subprocess.run(
        cli(str(path), "--workers", "2", "--out", str(out)), capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{RUNS} runs in" in rerun.stdout and f"{len(survived)} done before" in rerun.stdout
    final = SweepStore.existing(out / "killable").read().drop(columns="seconds")
    pd.testing.assert_frame_equal(final, reference)
    assert len(store.parts()) == 1 and not list(parts.glob(".part-*"))  # compacted, no leftovers
