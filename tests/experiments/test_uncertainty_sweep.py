"""``from_posterior:`` in an experiment: every lever setting runs under the same posterior draws."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.executors import open_workers
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.runner import run_sweep
from tests.experiments.test_uncertainty_posterior import RATE, write_posterior
from tests.support.sweep import tiny_grid


def test_replicate_j_of_every_point_uses_posterior_draw_j(tmp_path: Path) -> None:
    write_posterior(tmp_path / "post", [0.004, 0.05, 0.09], [1.0, 1.0, 1.0])
    experiment = load_experiment(tiny_grid(tmp_path, from_posterior="post"))
    assert len(experiment.posterior_draws) == 2
    again = load_experiment(tiny_grid(tmp_path, from_posterior="post"))
    assert again.posterior_draws == experiment.posterior_draws  # seeded: the same draws
    with open_workers(1) as workers:
        run_sweep(experiment, tmp_path / "out", workers, progress=False)
    runs = pd.concat(
        pd.read_parquet(p) for p in sorted((tmp_path / "out" / experiment.name / "runs").glob("*.parquet"))
    )
    assert (runs["status"] == "ok").all()
    for rep, draw in enumerate(experiment.posterior_draws):
        assert set(runs.loc[runs["replicate"] == rep, RATE]) == {draw[RATE]}


def test_a_drawn_parameter_cannot_also_be_varied(tmp_path: Path) -> None:
    write_posterior(tmp_path / "post", [0.01], [1.0])
    path = tiny_grid(tmp_path, from_posterior="post", parameters={RATE: {"values": [0.01, 0.02]}})
    with pytest.raises(InputError, match="drawn from the posterior"):
        load_experiment(path)
    with pytest.raises(InputError, match="no posterior"):
        load_experiment(tiny_grid(tmp_path, name="other", from_posterior="nowhere"))
