"""Faults: a full disk and SIGKILL at random moments never lose or corrupt earlier results.

For ``run`` and ``compare`` an earlier result folder must, after the fault, be byte-identical
to what it was before (or, if the command finished before the kill, be the complete new
folder), other folders in the output folder must be untouched, and rerunning the command must
complete and leave no temporary or moved-aside folders behind. For ``sweep`` the runs already
on disk must survive every kill unchanged, and a rerun must resume without redoing them.
Kill delays are drawn from a seeded generator: some from the start of the command, some from
the moment its result folder starts being written (or a new sweep part appears), so that kills
land in the phases where something could be lost.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sasci_sim.experiments.sweep.runner
import sasci_sim.experiments.sweep.store
from sasci_sim.experiments.sweep.store import SweepStore
from tests.support.faults import disk_full, kill_after, timed, timed_writing, writing, written_leftovers
from tests.support.hardening import SCENARIOS, assert_one_line_error, cli, hidden_leftovers, python_process, snapshot

SEED = 20241122
RUN_FILES = {"spread.csv", "money.csv", "runs.csv", "summary.json", "spread.png", "report.html", "manifest.json"}
#: Varies between two otherwise identical runs: when and how they were started.
STAMPED = ("created", "command_line")


def write_scenario(folder: Path, name: str, **sections) -> Path:
    data = {
        "extends": str(SCENARIOS / "baseline.yaml"),
        "name": name,
        "simulation": {"steps": 12, "replications": 2, "seed": 1},
        "population": {"providers": 150, "local_authorities": 4},
        **sections,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def same_results(folder: Path, reference: Path) -> None:
    """Two complete run folders of the same scenario and seed: equal files but for the time stamps."""
    assert {p.name for p in folder.iterdir()} == RUN_FILES
    for name in ("spread.csv", "money.csv", "runs.csv", "summary.json"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name
    new, old = (json.loads((f / "manifest.json").read_text()) for f in (folder, reference))
    assert {k: v for k, v in new.items() if k not in STAMPED} == {k: v for k, v in old.items() if k not in STAMPED}


# -- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def earlier(tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[Path, Path, dict[str, bytes]]:
    """An output folder holding an earlier run of ``alpha`` (seed 1) and of ``beta``: the results to keep."""
    out = tmp_path / "out"
    for name in ("alpha", "beta"):
        code, _, err = cli(["run", str(write_scenario(tmp_path, name)), "--out", str(out), "--quiet"], capsys)
        assert code == 0, err
    return tmp_path, out, snapshot(out)


@pytest.mark.parametrize("fill", [0.0, 0.02, 0.3, 0.7, 0.9])
def test_run_on_a_full_disk_keeps_the_earlier_results(
    fill: float, earlier, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tally
) -> None:
    """The disk fills at a share ``fill`` of the bytes the new run folder needs."""
    folder, out, before = earlier
    alpha = folder / "alpha.yaml"
    size = sum(len(v) for k, v in before.items() if k.startswith("alpha/"))
    with disk_full(monkeypatch, out, int(fill * size)) as disk:
        code, _, err = cli(["run", str(alpha), "--seed", "2", "--out", str(out), "--quiet"], capsys)
    assert disk.hit
    assert_one_line_error(code, err, f"{out / 'alpha'}: could not be written (No space left on device)")
    assert snapshot(out) == before, "earlier results changed"
    assert hidden_leftovers(out) == []
    code, _, err = cli(["run", str(alpha), "--seed", "2", "--out", str(out), "--quiet"], capsys)  # space again
    assert code == 0, err
    assert json.loads((out / "alpha" / "manifest.json").read_text())["seed"] == 2
    assert {k: v for k, v in snapshot(out).items() if k.startswith("beta/")} == {
        k: v for k, v in before.items() if k.startswith("beta/")
    }
    tally.add("full disk (writes fail with ENOSPC part-way)", injected=1, earlier_results_intact=1, reruns_completed=1)


@pytest.mark.parametrize("fill", [0.1, 0.9])
def test_compare_on_a_full_disk_keeps_the_earlier_comparison(
    fill: float, earlier, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tally
) -> None:
    folder, out, _ = earlier
    files = [str(folder / "alpha.yaml"), str(folder / "beta.yaml")]
    code, _, err = cli(["compare", *files, "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    before = snapshot(out)
    size = sum(len(v) for k, v in before.items() if k.startswith("compare-"))
    with disk_full(monkeypatch, out, int(fill * size)) as disk:
        code, _, err = cli(["compare", *files, "--seed", "5", "--out", str(out), "--quiet"], capsys)
    assert disk.hit
    assert_one_line_error(code, err, "could not be written (No space left on device)")
    assert snapshot(out) == before and hidden_leftovers(out) == []
    code, _, err = cli(["compare", *files, "--seed", "5", "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    assert json.loads((out / "compare-alpha-vs-beta" / "manifest.json").read_text())["seed"] == 5
    tally.add("full disk (writes fail with ENOSPC part-way)", injected=1, earlier_results_intact=1, reruns_completed=1)


def test_sweep_on_a_full_disk_keeps_its_finished_runs_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tally
) -> None:
    """The disk fills while the fourth part is written: the parts before it stay whole, a rerun resumes."""
    experiment = write_sweep(tmp_path, levels=8)
    out = tmp_path / "sweeps"
    real_write = sasci_sim.experiments.sweep.store.pq.write_table
    calls = {"n": 0, "rows": 0}

    def filling_write(table, where, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= 5:  # the design table, then three parts, then the disk is full
            Path(where).write_bytes(b"PAR1 half a part")
            raise OSError(28, "No space left on device")
        calls["rows"] += table.num_rows if calls["n"] > 1 else 0
        return real_write(table, where, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(sasci_sim.experiments.sweep.store.pq, "write_table", filling_write)
        patch.setattr(sasci_sim.experiments.sweep.runner, "WRITE_WORK_S", 0.0)  # one part per finished run
        code, _, err = cli(["sweep", str(experiment), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    assert code == 1, err
    errors = [line for line in err.strip().splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in err, err
    assert "the sweep stopped (No space left on device)" in errors[0] and "rerun to resume" in errors[0]
    store = SweepStore.existing(out / "fills")
    kept = store.read()
    assert len(kept) == calls["rows"] > 0 and (kept["status"] == "ok").all()
    assert not list((out / "fills" / "runs").glob(".part-*")), "no half-written part left behind"
    code, stdout, err = cli(["sweep", str(experiment), "--out", str(out), "--workers", "1", "--quiet"], capsys)
    assert code == 0, err
    assert "16 runs in" in stdout and f"{len(kept)} done before, {16 - len(kept)} run now" in stdout
    final = SweepStore.existing(out / "fills").read()
    pd.testing.assert_frame_equal(final.merge(kept[["point", "replicate"]]), kept)  # untouched, not redone
    tally.add("full disk (writes fail with ENOSPC part-way)", injected=1, earlier_results_intact=1, reruns_completed=1)


def mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow
def test_a_real_full_file_system(tmp_path: Path, tally) -> None:
    """On a real 1 MB tmpfs (needs root; skipped otherwise) a run that does not fit fails with one
    line and leaves the earlier, smaller result whole; with room again the rerun completes."""
    disk = tmp_path / "disk"
    if shutil.which("mount") is None or not mount_tmpfs(disk, "1m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        small = write_scenario(tmp_path, "gamma", simulation={"steps": 6, "replications": 1, "seed": 1})
        done = python_process(
            f"from sasci_sim.ui.cli import main; raise SystemExit(main(['run', {str(small)!r}, '--out', {str(disk)!r}, '--quiet']))",
            tmp_path,
        )
        assert done.returncode == 0, done.stderr
        before = snapshot(disk)
        big = write_scenario(
            tmp_path, "gamma", simulation={"steps": 120, "replications": 3, "seed": 2}, population={"providers": 100}
        )
        done = python_process(
            f"from sasci_sim.ui.cli import main; raise SystemExit(main(['run', {str(big)!r}, '--out', {str(disk)!r}, '--quiet']))",
            tmp_path,
        )
        assert_one_line_error(done.returncode, done.stderr, "could not be written (No space left on device)")
        assert snapshot(disk) == before and hidden_leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    tally.add("full disk (writes fail with ENOSPC part-way)", injected=1, earlier_results_intact=1)


# -- SIGKILL at random moments ---------------------------------------------------------------


@pytest.mark.slow
def test_run_killed_at_random_moments(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    rng = random.Random(SEED)
    out = tmp_path / "out"
    alpha, beta = write_scenario(tmp_path, "alpha"), write_scenario(tmp_path, "beta")
    for path in (alpha, beta):
        assert cli(["run", str(path), "--out", str(out), "--quiet"], capsys)[0] == 0
    before = snapshot(out)
    command = ["run", str(alpha), "--seed", "2", "--out", str(out), "--quiet"]
    took, window = timed_writing(
        ["run", str(alpha), "--seed", "2", "--out", str(tmp_path / "reference"), "--quiet"],
        tmp_path,
        tmp_path / "reference",
        "alpha",
    )
    reference = tmp_path / "reference" / "alpha"
    outcomes = {"killed": 0, "finished first": 0, "left leftovers": 0}
    leftovers: set[str] = set()
    for moment in ("any", "any", "writing", "writing", "writing"):  # at random, then at random while writing
        if moment == "any":
            finished = kill_after(command, tmp_path, rng.uniform(0.3 * took, 1.05 * took))
        else:
            finished = kill_after(command, tmp_path, rng.uniform(0, window), ready=writing(out, "alpha"))
        now = snapshot(out)
        assert {k: v for k, v in now.items() if k.startswith("beta/")} == {
            k: v for k, v in before.items() if k.startswith("beta/")
        }
        alpha_now = {k: v for k, v in now.items() if k.startswith("alpha/")}
        if alpha_now != {k: v for k, v in before.items() if k.startswith("alpha/")}:
            same_results(out / "alpha", reference)  # replaced, but only ever by the whole new folder
        outcomes["finished first" if finished else "killed"] += 1
        outcomes["left leftovers"] += bool(set(written_leftovers(out, "alpha")) - leftovers)
        leftovers = set(written_leftovers(out, "alpha"))
        before = now
    code, _, err = cli(command, capsys)
    assert code == 0, err
    same_results(out / "alpha", reference)
    assert hidden_leftovers(out) == [], "a rerun clears what killed runs left"
    tally.add(
        "SIGKILL of run at random moments",
        injected=outcomes["killed"],
        killed_while_writing=outcomes["left leftovers"],
        earlier_results_intact=outcomes["killed"],
        reruns_completed=1,
    )


@pytest.mark.slow
def test_compare_killed_at_random_moments(tmp_path: Path, capsys: pytest.CaptureFixture, tally) -> None:
    rng = random.Random(SEED + 1)
    out = tmp_path / "out"
    files = [str(write_scenario(tmp_path, "alpha")), str(write_scenario(tmp_path, "beta"))]
    assert cli(["compare", *files, "--out", str(out), "--quiet"], capsys)[0] == 0
    before = snapshot(out)
    command = ["compare", *files, "--seed", "9", "--out", str(out), "--quiet"]
    folder = "compare-alpha-vs-beta"
    took, window = timed_writing(
        ["compare", *files, "--seed", "9", "--out", str(tmp_path / "reference"), "--quiet"],
        tmp_path,
        tmp_path / "reference",
        folder,
    )
    reference = tmp_path / "reference" / folder
    killed = while_writing = 0
    leftovers: set[str] = set()
    for moment in ("any", "writing", "writing"):
        if moment == "any":
            finished = kill_after(command, tmp_path, rng.uniform(0.3 * took, 1.05 * took))
        else:
            finished = kill_after(command, tmp_path, rng.uniform(0, window), ready=writing(out, folder))
        now = snapshot(out)
        if now != before:  # only ever the whole new comparison
            for name in ("alpha", "beta"):
                same_results(out / "compare-alpha-vs-beta" / "runs" / name, reference / "runs" / name)
            assert (out / "compare-alpha-vs-beta" / "figures.csv").read_bytes() == (
                reference / "figures.csv"
            ).read_bytes()
        killed += not finished
        while_writing += bool(set(written_leftovers(out, folder)) - leftovers)
        leftovers = set(written_leftovers(out, folder))
        before = now
    code, _, err = cli(command, capsys)
    assert code == 0, err
    assert (out / "compare-alpha-vs-beta" / "figures.csv").read_bytes() == (reference / "figures.csv").read_bytes()
    assert hidden_leftovers(out) == []
    tally.add(
        "SIGKILL of compare at random moments",
        injected=killed,
        killed_while_writing=while_writing,
        earlier_results_intact=killed,
        reruns_completed=1,
    )


def new_part(runs: Path):
    """Whether a part has been written in ``runs`` since now."""
    parts = set(runs.glob("part-*"))
    return lambda: bool(set(runs.glob("part-*")) - parts)


def write_sweep(folder: Path, levels: int, name: str = "fills", steps: int = 12) -> Path:
    data = {
        "name": name,
        "base": str(SCENARIOS / "baseline.yaml"),
        "set": {"simulation.steps": steps, "population.providers": 80, "population.local_authorities": 4},
        "design": "grid",
        "replications": 2,
        "seed": 3,
        # a parameter runs cannot share a batch in (not model.blocks.PER_RUN_PARAMETERS): each point's
        # replicates are a task, and a part, of their own, so a sweep writes many parts
        "parameters": {"diffusion.external_influence": {"min": 0.001, "max": 0.02, "levels": levels}},
        "outcomes": ["final_adopting_share", {"curve": "adopting_curve", "steps": [6, 12]}],
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.slow
def test_sweep_killed_at_random_moments_resumes_without_redoing_runs(tmp_path: Path, tally) -> None:
    rng = random.Random(SEED + 2)
    experiment = write_sweep(tmp_path, levels=40, name="killed", steps=24)
    took, done = timed(["sweep", str(experiment), "--out", "reference", "--workers", "2", "--quiet"], tmp_path)
    assert done.returncode == 0, done.stderr
    reference = SweepStore.existing(tmp_path / "reference" / "killed").read().drop(columns="seconds")
    out = tmp_path / "out"
    command = ["sweep", str(experiment), "--out", str(out), "--workers", "2", "--quiet"]
    kept = pd.DataFrame()
    killed = 0
    runs = out / "killed" / "runs"
    for moment in ("running", "running", "any"):  # at random after a new part is written, then at random
        if moment == "any":
            finished = kill_after(command, tmp_path, rng.uniform(0.2 * took, 0.6 * took))
        else:
            finished = kill_after(command, tmp_path, rng.uniform(0, 0.5), ready=new_part(runs))
        killed += not finished
        if not (out / "killed" / "sweep.json").is_file():
            continue  # killed before the sweep folder was made: nothing to keep yet
        now = SweepStore.existing(out / "killed").read().drop(columns="seconds")
        if len(kept):  # every run on disk before this kill is still there, unchanged
            pd.testing.assert_frame_equal(now.merge(kept[["point", "replicate"]]), kept)
        expected = reference.merge(now[["point", "replicate"]], on=["point", "replicate"])
        pd.testing.assert_frame_equal(now, expected)  # and every run on disk is whole and right
        kept = now
    _, final_run = timed(command, tmp_path)
    assert final_run.returncode == 0, final_run.stderr
    assert f"{len(reference)} runs in" in final_run.stdout
    assert f"{len(kept)} done before, {len(reference) - len(kept)} run now" in final_run.stdout
    final = SweepStore.existing(out / "killed").read().drop(columns="seconds")
    pd.testing.assert_frame_equal(final, reference)
    assert hidden_leftovers(out) == [] and not list((out / "killed" / "runs").glob(".part-*"))
    tally.add(
        "SIGKILL of sweep at random moments",
        injected=killed,
        earlier_results_intact=killed,
        reruns_completed=1,
        runs_kept_not_redone=len(kept),
    )


def test_a_kill_between_moving_the_old_folder_aside_and_the_new_one_in(
    tmp_path: Path, capsys: pytest.CaptureFixture, tally
) -> None:
    """The one moment a result folder is not in place: a process dying there leaves it aside, and the
    next run puts it back before doing anything else."""
    alpha = write_scenario(tmp_path, "alpha", simulation={"steps": 6, "replications": 1, "seed": 1})
    out = tmp_path / "out"
    assert cli(["run", str(alpha), "--out", str(out), "--quiet"], capsys)[0] == 0
    before = snapshot(out)
    code = f"""
import os
import sasci_sim.output.folders
from sasci_sim.ui.cli import main
real = os.replace
moves = []
def dies_on_second_move(src, dst):
    moves.append(dst)
    if len(moves) == 2:
        os._exit(9)  # killed after the old folder went aside, before the new one came in
    real(src, dst)
sasci_sim.output.folders.os.replace = dies_on_second_move
main(['run', {str(alpha)!r}, '--seed', '2', '--out', {str(out)!r}, '--quiet'])
"""
    died = python_process(code, tmp_path)
    assert died.returncode == 9, died.stderr
    assert not (out / "alpha").exists() and any(".alpha.old-" in n for n in hidden_leftovers(out))
    code, _, err = cli(["check", str(alpha)], capsys)
    assert code == 0, err
    code, _, err = cli(["run", str(alpha), "--out", str(out), "--quiet"], capsys)  # puts alpha back, then replaces
    assert code == 0, err
    assert hidden_leftovers(out) == []
    same = {k: v for k, v in snapshot(out).items() if not k.endswith("manifest.json") and not k.endswith(".html")}
    assert same == {k: v for k, v in before.items() if not k.endswith("manifest.json") and not k.endswith(".html")}
    tally.add("SIGKILL between the two renames of a result folder", injected=1, earlier_results_intact=1)
