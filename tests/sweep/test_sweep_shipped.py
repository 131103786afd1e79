"""Every shipped experiment runs end to end at tiny size (few samples, one replicate, small population)."""

from __future__ import annotations

import pytest

from sasci_sim.experiments.sweep.analysis import analyse
from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from tests.support.sweep import ROOT

TINY_SAMPLES = {"grid": None, "lhs": 24, "sobol": 4, "morris": 2}


def tiny(path):
    """The experiment shrunk: the fewest steps its outcomes allow, 60 providers, 4 councils (unless varied)."""
    full = load_experiment(path)
    steps = max([6, *(step for _, step in full.curve_points.values())])
    varied = {full.keys[p.key].path for p in full.parameters}
    fixed = {"simulation.steps": steps, "population.providers": 60, "population.local_authorities": 4}
    overrides = [f"{k}={v}" for k, v in fixed.items() if k not in varied]
    return load_experiment(path, samples=TINY_SAMPLES[full.spec.design], replications=1, overrides=overrides)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_experiment_runs_and_is_analysed_at_tiny_size(path, tmp_path):
    experiment = tiny(path)
    with open_workers(1) as pool:
        report = run_sweep(experiment, tmp_path, pool, progress=False)
    assert report.ran == report.total > 0
    assert not report.failed, report.failed[:3]
    result = analyse(report.root)
    files = {p.name for p in result.folder.iterdir()}
    assert {"runs.csv", "summary.txt", "envelopes.png"} <= files
    design = experiment.spec.design
    if design in ("sobol", "morris"):
        tables = {f"{design}_{o}.csv" for o in experiment.outcomes}
        skipped = {o for o, idx in result.indices.items() if idx.table is None}
        assert tables - {f"{design}_{o}.csv" for o in skipped} <= files
        assert len(skipped) < len(experiment.outcomes), "at least one outcome varies even at tiny size"
    if design == "grid":
        assert {f"heatmap_{o}.png" for o in experiment.outcomes} <= files
    if experiment.spec.discovery is not None:
        assert {"prim_rules.txt", "prim_boxes.csv"} <= files
