"""Running sweeps: same results on any executor, seeds by key, resume, refusal, failures recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.designs import build_design
from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from sasci_sim.experiments.sweep.store import SweepStore
from sasci_sim.seeds import derive_seed
from sasci_sim.ui.cli import main
from tests.support.sweep import ROOT, tiny_grid, write_experiment


def sweep(path, out, workers=1, **kwargs):
    experiment = load_experiment(path, allow_code=True)
    with open_workers(workers, dask_local=kwargs.pop("dask_local", None)) as pool:
        report = run_sweep(experiment, out, pool, progress=False, **kwargs)
    return report, SweepStore.existing(report.root).read()


def comparable(table: pd.DataFrame) -> pd.DataFrame:
    """A run table without wall-clock times (the only column allowed to differ between executors)."""
    return table.drop(columns=["seconds"])


@pytest.mark.slow
def test_same_table_on_one_worker_two_processes_and_a_dask_local_cluster(tmp_path):
    path = tiny_grid(tmp_path)
    _, inline = sweep(path, tmp_path / "one")
    _, pool = sweep(path, tmp_path / "two", workers=2)
    _, dask = sweep(path, tmp_path / "dask", dask_local=2)
    assert len(inline) == 8 and (inline["status"] == "ok").all()
    assert inline["final_adopting_share"].nunique() > 1  # the runs differ, so equality below means something
    pd.testing.assert_frame_equal(comparable(inline), comparable(pool))
    pd.testing.assert_frame_equal(comparable(inline), comparable(dask))


@pytest.mark.slow
def test_scheduler_option_runs_on_a_running_dask_cluster(tmp_path, capsys):
    import logging

    from distributed import LocalCluster

    path = tiny_grid(tmp_path)
    _, inline = sweep(path, tmp_path / "one")
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        code = main(["sweep", str(path), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "d")])
    assert code == 0
    assert f"on Dask scheduler {cluster.scheduler_address} (2 threads)" in capsys.readouterr().out
    remote = SweepStore.existing(tmp_path / "d" / "tiny-grid").read()
    pd.testing.assert_frame_equal(comparable(inline), comparable(remote))


def test_each_run_is_seeded_by_its_point_and_replicate(tmp_path):
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:noisy",
        design="grid",
        replications=3,
        seed=99,
        parameters={"x": {"values": [0.0, 10.0]}},
        outcomes=["y"],
    )
    _, runs = sweep(path, tmp_path / "out")
    for row in runs.itertuples():
        assert row.seed == derive_seed(99, row.point, row.replicate)
        noise = np.random.default_rng(row.seed).normal()
        assert row.y == pytest.approx(row.x + noise, abs=1e-12)


def test_the_real_model_run_matches_simulate_with_its_seed(tmp_path):
    """A sweep run is exactly sasci_sim.experiments.simulate of its scenario with its derived seed."""
    from sasci_sim.config.loader import validate
    from sasci_sim.experiments.simulate import run_outcomes
    from sasci_sim.experiments.sweep.experiment import apply_values

    path = tiny_grid(tmp_path)
    _, runs = sweep(path, tmp_path / "out")
    experiment = load_experiment(path, allow_code=True)
    row = runs.iloc[5]
    values = {experiment.keys[k]: row[k].item() for k in experiment.keys}
    scenario = validate(apply_values(experiment.base.model_dump(), values), "test")
    expected = run_outcomes(scenario, int(row["seed"]), int(row["replicate"]))
    assert row["final_adopting_share"] == expected["final_adopting_share"]
    assert list(row["adopting_curve"]) == list(expected["adopting_curve"])
    assert row["adopting_at_month_6"] == expected["adopting_curve"][6]


def test_a_rerun_resumes_and_skips_finished_runs(tmp_path):
    path = tiny_grid(tmp_path)
    _, full = sweep(path, tmp_path / "full")
    experiment = load_experiment(path, allow_code=True)
    store = SweepStore.for_experiment(experiment, build_design(experiment), tmp_path / "part")
    store.append(full.iloc[[0, 3, 4]].to_dict("records"))  # three runs an interrupted sweep had finished
    store.unlock()
    report, resumed = sweep(path, tmp_path / "part")
    assert (report.already_done, report.ran, report.total) == (3, 5, 8)
    pd.testing.assert_frame_equal(comparable(resumed), comparable(full))
    again, _ = sweep(path, tmp_path / "part")
    assert (again.already_done, again.ran) == (8, 0)


def test_a_changed_experiment_is_refused_unless_restart(tmp_path):
    path = tiny_grid(tmp_path)
    sweep(path, tmp_path / "out")
    tiny_grid(tmp_path, replications=3)  # same file, edited
    with pytest.raises(InputError) as err:
        sweep(path, tmp_path / "out")
    assert "changed since the results" in err.value.message and "replications" in err.value.message
    assert "--restart" in err.value.message
    report, runs = sweep(path, tmp_path / "out", restart=True)
    assert report.already_done == 0 and len(runs) == 12


def test_results_of_other_code_are_not_resumed_and_mixed_code_is_flagged(tmp_path, monkeypatch):
    from sasci_sim.experiments.sweep.analysis import analyse
    from sasci_sim.output.folders import code_fingerprint

    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:noisy",
        design="grid",
        parameters={"x": {"values": [1.0, 2.0]}},
        outcomes=["y"],
    )
    report, runs = sweep(path, tmp_path / "out")
    assert (runs["code"] == code_fingerprint()).all()
    monkeypatch.setattr("sasci_sim.experiments.sweep.experiment.code_fingerprint", lambda: "edited-code")
    with pytest.raises(InputError, match="sasci-sim code changed"):
        sweep(path, tmp_path / "out")
    store = SweepStore(
        report.root, load_experiment(path, allow_code=True)
    )  # as if a worker with other code had sent a run
    store.append([{**runs.iloc[0].to_dict(), "replicate": 1, "code": "a-cluster-worker"}])
    assert "runs come from 2 versions of the sasci-sim code" in analyse(report.root).text()


def test_editing_only_the_description_or_discovery_still_resumes(tmp_path):
    path = tiny_grid(tmp_path)
    sweep(path, tmp_path / "out")
    tiny_grid(tmp_path, description="now with a note")
    report, _ = sweep(path, tmp_path / "out")
    assert (report.already_done, report.ran) == (8, 0)
    assert SweepStore.existing(report.root).meta()["experiment"]["description"] == "now with a note"


def test_a_folder_not_made_by_sweep_is_refused(tmp_path):
    path = tiny_grid(tmp_path)
    (tmp_path / "out" / "tiny-grid").mkdir(parents=True)
    (tmp_path / "out" / "tiny-grid" / "mine.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(InputError, match="not made by sasci-sim sweep"):
        sweep(path, tmp_path / "out", restart=True)
    assert (tmp_path / "out" / "tiny-grid" / "mine.txt").read_text(encoding="utf-8") == "precious"


def test_two_sweeps_cannot_write_one_folder(tmp_path):
    path = tiny_grid(tmp_path)
    experiment = load_experiment(path, allow_code=True)
    holder = SweepStore.for_experiment(experiment, build_design(experiment), tmp_path / "out")
    try:
        with pytest.raises(InputError, match="another sweep is writing"):
            sweep(path, tmp_path / "out")
    finally:
        holder.unlock()


def test_a_failing_run_is_recorded_and_the_sweep_finishes(tmp_path, capsys):
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:fragile",
        design="grid",
        replications=2,
        parameters={"x": {"values": [0.1, 0.5, 0.8, 0.9]}},
        outcomes=["y"],
    )
    assert main(["sweep", str(path), "--workers", "2", "--out", str(tmp_path / "out"), "--quiet", "--allow-code"]) == 0
    out = capsys.readouterr().out
    assert "8 runs in" in out and "4 failed" in out
    assert "failed: point 2 replicate 0: ValueError: x=0.8 is out of this model's depth" in out
    runs = SweepStore.existing(tmp_path / "out" / "exp").read()
    failed = runs[runs["status"] == "failed"]
    assert sorted(failed["x"]) == [0.8, 0.8, 0.9, 0.9]
    assert failed["y"].isna().all() and failed["error"].str.startswith("ValueError: x=0.").all()
    ok = runs[runs["status"] == "ok"]
    assert ok["y"].tolist() == pytest.approx([0.01, 0.01, 0.25, 0.25]) and ok["error"].isna().all()
    summary = (tmp_path / "out" / "exp" / "analysis" / "runs.csv").read_text(encoding="utf-8")
    assert summary.count("failed") == 4


def mixed_grid(tmp_path):
    """Runs that share batches (a per-run parameter and replicates) and runs that cannot (external influence)."""
    return tiny_grid(
        tmp_path,
        name="mixed",
        replications=3,
        parameters={
            "diffusion.decision_rate_per_month": {"values": [0.01, 0.08]},
            "diffusion.external_influence": {"values": [0.0005, 0.004]},
        },
    )


def test_tasks_hold_runs_that_share_a_batch_and_every_run_once(tmp_path):
    from sasci_sim.experiments.sweep.runner import group_tasks, tasks
    from sasci_sim.experiments.sweep.tasks import RunContext

    experiment = load_experiment(mixed_grid(tmp_path), allow_code=True)
    runs = list(tasks(experiment, build_design(experiment)))
    grouped = list(group_tasks(runs, RunContext.of(experiment), 4))
    assert sorted((r.point, r.replicate) for t in grouped for r in t) == sorted((r.point, r.replicate) for r in runs)
    assert [len(t) for t in grouped] == [4, 2, 4, 2]  # two groups of 6 runs: each external influence
    for task in grouped:
        assert len({r.values["diffusion.external_influence"] for r in task}) == 1


@pytest.mark.parametrize("batch", [27, 32, 8])
@pytest.mark.parametrize("slots", [1, 2, 3, 8])
def test_default_tasks_are_never_smaller_than_pays_while_runs_allow(monkeypatch, batch, slots):
    """Tasks of at most a batch; none under EFFICIENT_TASK runs (or the batch) while every worker can
    have one that size; up to TASKS_PER_SLOT a worker, as many for each, unless a batch caps them."""
    import math

    from sasci_sim.experiments.sweep import runner

    experiment = load_experiment(ROOT / "experiments" / "sobol_levers.yaml")
    monkeypatch.setattr(runner, "batch_size", lambda scenario: batch)
    floor = min(runner.EFFICIENT_TASK, batch)
    for runs in [*range(1, 400), 5120]:
        size = runner.task_size(experiment, runs, slots)
        count = math.ceil(runs / size)
        assert 1 <= size <= batch
        if runs >= slots * floor:
            assert size >= floor and count >= slots, (runs, size)  # no small tasks, and every worker busy
        if size < batch:  # not capped: at most TASKS_PER_SLOT a worker, the same number for each
            per_slot = math.ceil(runs / (slots * size))
            assert per_slot <= runner.TASKS_PER_SLOT and count > slots * (per_slot - 1), (runs, size)
        if runs >= slots * runner.TASKS_PER_SLOT * batch:
            assert size == batch, (runs, size)  # many runs: full batches
    if batch >= runner.EFFICIENT_TASK and slots == 2:
        assert [runner.task_size(experiment, runs, 2) for runs in (96, 160, 40, 10)] == [24, min(27, batch), 20, 5]


def shipped_tasks(name: str, size: int):
    """The shipped experiment ``experiments/<name>.yaml``, its context and its runs grouped as tasks of ``size``."""
    from sasci_sim.experiments.sweep.runner import group_tasks, tasks
    from sasci_sim.experiments.sweep.tasks import RunContext

    experiment = load_experiment(ROOT / "experiments" / f"{name}.yaml")
    context = RunContext.of(experiment)
    runs = list(tasks(experiment, build_design(experiment)))
    return experiment, context, runs, list(group_tasks(runs, context, size))


def test_sobol_levers_makes_tasks_of_many_points_whose_runs_share_one_batch():
    """Every lever of sobol_levers is per run: its tasks hold many points, and each task is one batch."""
    from sasci_sim.experiments.sweep.runner import task_size
    from sasci_sim.experiments.sweep.tasks import _scenario
    from sasci_sim.model.ensemble import batch_key

    experiment, context, runs, grouped = shipped_tasks("sobol_levers", 32)
    assert len(runs) == 5120
    assert [len(t) for t in grouped] == [32] * 160  # one group: no lever splits the runs
    assert all(len({r.point for r in t}) == 16 for t in grouped)  # 16 points x 2 replicates a task
    assert task_size(experiment, len(runs), 2) > experiment.spec.replications  # tasks of more than a point
    for task in (grouped[0], grouped[-1]):
        keys = {batch_key(_scenario(context, r)) for r in task}
        assert len(keys) == 1  # the ensemble steps the whole task as one batch


def test_scale_discovery_batches_its_points_within_each_joint_funding_value():
    """joint_funding is not per run: the tasks of scale_discovery split by it, and by nothing else."""
    from sasci_sim.experiments.sweep.tasks import _scenario
    from sasci_sim.model.ensemble import batch_key

    _, context, runs, grouped = shipped_tasks("scale_discovery", 20)
    counts = {value: sum(r.values["joint_funding"] == value for r in runs) for value in (False, True)}
    assert min(counts.values()) > 400  # both values well represented
    assert len(grouped) == sum(-(-c // 20) for c in counts.values())  # tasks of 20, one short one per value
    by_value: dict[bool, set[str]] = {False: set(), True: set()}
    for task in grouped:
        assert len({r.values["joint_funding"] for r in task}) == 1  # a task never mixes the two
        assert len({r.point for r in task}) == len(task)  # one replicate: a point a run
    for task in grouped[:3] + grouped[-3:]:
        for run in task:
            by_value[run.values["joint_funding"]].add(batch_key(_scenario(context, run)))
    assert len(by_value[False]) == 1 and len(by_value[True]) == 1  # each value's points share one batch
    assert sum(len(t) for t in grouped) == len(runs) == 1000


def test_same_table_whatever_the_task_size_and_executor(tmp_path):
    """Tasks of 1, 5 and 12 runs, in this process and on a pool of 2: identical run tables."""
    path = mixed_grid(tmp_path)
    _, alone = sweep(path, tmp_path / "alone", runs_per_task=1)
    assert len(alone) == 12 and (alone["status"] == "ok").all()
    assert alone["final_adopting_share"].nunique() > 3  # the runs differ, so equality below means something
    for name, workers, size in (("five", 1, 5), ("all", 1, 12), ("pool-one", 2, 1), ("pool-five", 2, 5)):
        _, table = sweep(path, tmp_path / name, workers=workers, runs_per_task=size)
        pd.testing.assert_frame_equal(comparable(table), comparable(alone), obj=name)


def test_a_resumed_sweep_redoes_only_unfinished_runs_of_a_task(tmp_path):
    path = mixed_grid(tmp_path)
    _, full = sweep(path, tmp_path / "full", runs_per_task=12)
    experiment = load_experiment(path, allow_code=True)
    store = SweepStore.for_experiment(experiment, build_design(experiment), tmp_path / "part")
    store.append(full.iloc[[0, 2, 7]].to_dict("records"))  # runs of two tasks an interrupted sweep had finished
    store.unlock()
    report, resumed = sweep(path, tmp_path / "part", runs_per_task=6)
    assert (report.already_done, report.ran, report.total) == (3, 9, 12)
    pd.testing.assert_frame_equal(comparable(resumed), comparable(full))


def test_a_failing_batch_is_run_one_at_a_time_so_only_the_failing_run_fails(tmp_path, monkeypatch):
    from sasci_sim.experiments.sweep import tasks

    path = mixed_grid(tmp_path)
    _, good = sweep(path, tmp_path / "good", runs_per_task=1)
    bad_seed = int(good.loc[4, "seed"])
    one, many = tasks.run_outcomes, tasks.run_outcomes_many

    def breaks_on_one_seed(scenario, seed, replication=0):
        if seed == bad_seed:
            raise FloatingPointError("this run breaks")
        return one(scenario, seed, replication)

    def breaks_with_that_seed(scenarios, seeds, replications=None):
        if bad_seed in seeds:
            raise FloatingPointError("this batch breaks")
        return many(scenarios, seeds, replications)

    monkeypatch.setattr(tasks, "run_outcomes", breaks_on_one_seed)
    monkeypatch.setattr(tasks, "run_outcomes_many", breaks_with_that_seed)
    _, table = sweep(path, tmp_path / "bad", runs_per_task=6)
    failed = table[table["status"] == "failed"]
    assert failed[["point", "replicate"]].values.tolist() == [good.loc[4, ["point", "replicate"]].tolist()]
    assert failed["error"].iloc[0].startswith("FloatingPointError: this run breaks")
    assert failed["final_adopting_share"].isna().all()
    ok = table["status"] == "ok"
    pd.testing.assert_frame_equal(comparable(table[ok]), comparable(good[ok]))


def test_a_task_that_takes_its_worker_down_is_retried_one_run_at_a_time(tmp_path, monkeypatch):
    from concurrent.futures import Future

    from sasci_sim.experiments.sweep.executors import InlineExecutor, Workers

    path = mixed_grid(tmp_path)
    _, good = sweep(path, tmp_path / "good", runs_per_task=1)
    deadly = (1, 2)

    class DiesOnOneRun(InlineExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if any((r.point, r.replicate) == deadly for r in args[1]):
                future: Future = Future()
                future.set_exception(RuntimeError("the worker died"))
                return future
            return super().submit(fn, *args, **kwargs)

    experiment = load_experiment(path, allow_code=True)
    report = run_sweep(
        experiment, tmp_path / "dies", Workers(DiesOnOneRun(), 1, "test"), progress=False, runs_per_task=6
    )
    table = SweepStore.existing(report.root).read()
    assert len(table) == 12 and report.ran == 12
    failed = table[table["status"] == "failed"]
    assert failed[["point", "replicate"]].values.tolist() == [list(deadly)]
    assert failed["error"].iloc[0] == "RuntimeError: the worker died"
    ok = table["status"] == "ok"
    pd.testing.assert_frame_equal(comparable(table[ok]), comparable(good[ok]))


@pytest.mark.slow
def test_same_table_with_tasks_of_many_runs_on_a_dask_local_cluster(tmp_path):
    path = mixed_grid(tmp_path)
    _, alone = sweep(path, tmp_path / "alone", runs_per_task=1)
    _, dask = sweep(path, tmp_path / "dask", dask_local=2, runs_per_task=6)
    pd.testing.assert_frame_equal(comparable(dask), comparable(alone))
