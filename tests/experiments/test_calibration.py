"""``sasci-sim calibrate``: the experiment file's checks, the model wrapper and distance, and a tiny
end-to-end ABC-SMC run (pyabc) that is then resumed from its database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sasci_sim.config.anchors import load_anchors
from sasci_sim.errors import InputError
from sasci_sim.experiments.calibration.model import UNDEFINED_SD, AnchorDistance, AnchorModel, particle_seed
from sasci_sim.experiments.calibration.runner import sampler
from sasci_sim.experiments.calibration.spec import grade_of, load_calibration

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY = HERE / "tiny_calibration.yaml"
SHIPPED = ROOT / "experiments" / "calibrate_anchors.yaml"
ANCHORS = load_anchors()


def experiment(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sasci_sim.ui.cli", "calibrate", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_the_shipped_experiment_loads_and_calibrates_only_weak_or_assumed_parameters() -> None:
    cal = load_calibration(SHIPPED)
    assert cal.spec.population_size >= 100 and cal.spec.generations >= 3
    assert {a.use for a in cal.calibrating} == {"calibration"}
    assert {a.use for a in cal.held_out} == {"holdout"}
    assert len({a.level for a in cal.calibrating}) >= 2
    assert all(grade_of(k.path) in ("weak", "assumption") for k in cal.keys.values())


def test_particles_and_generations_override_the_file() -> None:
    cal = load_calibration(TINY, particles=5, generations=4)
    assert (cal.spec.population_size, cal.spec.generations) == (5, 4)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"calibrate": ["scheirer_partial_sustainment"]}, "calibrate[0]", "use as holdout, not calibration"),
        (
            {"calibrate": ["shared_lives_council_coverage"], "holdout": ["care_certificate_uptake_2018"]},
            "holdout[0]",
            "use as calibration, not holdout",
        ),
        ({"holdout": ["reablement_home_at_91_days"]}, "holdout[0]", "cannot be computed yet (blocked"),
        ({"holdout": ["stirman_sustained_after_funding"]}, "holdout[0]", "figure_pending"),
        ({"calibrate": ["no_such_anchor"]}, "calibrate[0]", "no such anchor"),
        (
            {"priors": {"regulation.flexibility": {"low": 0.1, "high": 0.9}}},
            "priors.regulation.flexibility",
            "graded moderate",
        ),
        (
            {"priors": {"diffusion.peer_influnce": {"low": 0.1, "high": 0.9}}},
            "priors.diffusion.peer_influnce",
            "did you mean",
        ),
        (
            {"priors": {"diffusion.risk_aversion": {"low": 0.1, "high": 1.5}}},
            "priors.diffusion.risk_aversion",
            "allowed range",
        ),
        (
            {"priors": {"diffusion.risk_aversion": {"low": 0.9, "high": 0.1}}},
            "priors.diffusion.risk_aversion",
            "low must be below high",
        ),
        (
            {"priors": {"diffusion.risk_aversion": {"distribution": "normal", "low": 0, "high": 1}}},
            "priors.diffusion.risk_aversion.distribution",
            "uniform",
        ),
        ({"population_size": 2}, "population_size", "from 4"),
        ({"set": {"population.providers": -5}}, "set (in scenarios/history/", "population.providers"),
        ({"surprise": 1}, "surprise", "unknown key"),
    ],
)
def test_a_bad_experiment_is_one_line_naming_the_field(tmp_path: Path, changes: dict, field: str, words: str) -> None:
    path = experiment(tmp_path, **changes)
    with pytest.raises(InputError) as err:
        load_calibration(path)
    message = str(err.value)
    assert message.startswith(f"error: {path}: {field}"), message
    assert words in message and "\n" not in message


def test_a_bad_experiment_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    done = cli(str(experiment(tmp_path, population_size="many")), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_workers_and_scheduler_are_alternatives(tmp_path: Path) -> None:
    done = cli(str(TINY), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert done.returncode == 2 and "not allowed with argument" in done.stderr


def test_the_distance_scales_each_anchor_by_its_sd() -> None:
    coverage, uptake = ANCHORS["shared_lives_council_coverage"], ANCHORS["care_certificate_uptake_2018"]
    distance = AnchorDistance((coverage, uptake))
    inside = {coverage.id: 0.9, uptake.id: uptake.value}
    assert distance(inside) == 0.0
    off = {coverage.id: 0.8 - 3 * coverage.sd, uptake.id: uptake.value + 4 * uptake.sd}
    assert distance(off) == pytest.approx(5.0)
    assert distance({coverage.id: float("nan"), uptake.id: uptake.value}) == pytest.approx(UNDEFINED_SD)


def test_a_particle_always_gives_the_same_anchors() -> None:
    cal = load_calibration(TINY)
    model = AnchorModel(cal)
    theta = {"diffusion.decision_rate_per_month": 0.03, "local_authorities.signup_rate_per_month": 0.5}
    assert particle_seed(1, theta) == particle_seed(1, dict(reversed(theta.items())))
    assert particle_seed(1, theta) != particle_seed(1, {**theta, "diffusion.decision_rate_per_month": 0.031})
    first = model(theta)
    assert set(first) == {a.id for a in cal.calibrating}
    assert model(theta) == first


def test_one_worker_samples_on_a_single_core_and_more_use_pyabcs_multicore_sampler() -> None:
    import pyabc

    assert isinstance(sampler(1, None), pyabc.sampler.SingleCoreSampler)
    assert isinstance(sampler(2, None), pyabc.sampler.MulticoreEvalParallelSampler)


def test_with_one_worker_the_same_experiment_gives_the_same_posterior(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        done = cli(str(TINY), "--particles", "4", "--generations", "1", "--out", str(tmp_path / name), "--quiet")
        assert done.returncode == 0, done.stderr
        runs.append(pd.read_parquet(tmp_path / name / "posterior.parquet"))
    pd.testing.assert_frame_equal(runs[0], runs[1])


@pytest.mark.slow
def test_with_one_worker_the_posterior_depends_neither_on_the_batch_nor_on_resuming(tmp_path: Path) -> None:
    def posterior(name: str, *args: str) -> pd.DataFrame:
        done = cli(str(TINY), "--particles", "4", *args, "--out", str(tmp_path / name), "--quiet")
        assert done.returncode == 0, done.stderr
        return pd.read_parquet(tmp_path / name / "posterior.parquet")

    at_once = posterior("at_once", "--generations", "2", "--batch", "8")
    posterior("resumed", "--generations", "1", "--batch", "5")
    pd.testing.assert_frame_equal(posterior("resumed", "--generations", "2", "--batch", "5"), at_once)


def test_a_tiny_calibration_runs_end_to_end_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    first = cli(str(TINY), "--particles", "8", "--generations", "1", "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "1 generations of 8 particles" in first.stdout and "(1 run now" in first.stdout
    second = cli(str(TINY), "--particles", "8", "--generations", "2", "--out", str(out), "--quiet")
    assert second.returncode == 0, second.stderr
    assert "2 generations of 8 particles" in second.stdout and "(1 run now" in second.stdout
    for name in (
        "abc.db",
        "calibration.json",
        "posterior.parquet",
        "posterior_marginals.png",
        "posterior_pairs.png",
        "predictive.csv",
        "predictive.png",
        "identification.csv",
    ):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert len(posterior) == 8 and posterior["weight"].sum() == pytest.approx(1.0)
    assert set(posterior.columns) == {
        "diffusion.decision_rate_per_month",
        "local_authorities.signup_rate_per_month",
        "weight",
    }
    assert posterior["local_authorities.signup_rate_per_month"].between(0.05, 1.0).all()
    predictive = pd.read_csv(out / "predictive.csv")
    assert set(predictive["anchor"]) == set(ANCHORS), "every anchor is listed"
    predicted = predictive[predictive["verdict"] != "not predicted"].set_index("anchor")
    assert set(predicted.index) == {
        "shared_lives_council_coverage",
        "care_certificate_uptake_2018",
        "scheirer_partial_sustainment",
    }
    assert (predicted["model_5"] <= predicted["model_95"]).all()
    assert set(predicted["verdict"]) <= {"in", "out"}
    assert predicted.loc["scheirer_partial_sustainment", "role"] == "held out"
    ident = pd.read_csv(out / "identification.csv")
    assert list(ident["parameter"]) == ["diffusion.decision_rate_per_month", "local_authorities.signup_rate_per_month"]
    assert (ident["width_ratio"] > 0).all()
    again = cli(str(TINY), "--particles", "9", "--generations", "2", "--out", str(out), "--quiet")
    assert again.returncode == 2 and "different experiment" in again.stderr


@pytest.mark.slow
def test_a_tiny_calibration_runs_on_a_dask_cluster(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        done = cli(
            str(TINY), "--particles", "4", "--generations", "1", "--scheduler", cluster.scheduler_address,
            "--out", str(tmp_path / "cal"), "--quiet",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(tmp_path / "cal" / "posterior.parquet")) == 4
