"""sasci_sim.simulate(**levers): scalar and time-series outcomes, so EMA Workbench and SALib can drive the model."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import sasci_sim
from sasci_sim.experiments.replications import run_replications
from sasci_sim.experiments.simulate import CURVES

SMALL = {"n_providers": 120, "n_local_authorities": 4, "steps": 24}


def test_simulate_returns_summary_figures_and_spread_curves():
    out = sasci_sim.simulate(**SMALL)
    assert set(CURVES) <= set(out)
    for name in CURVES:
        assert isinstance(out[name], np.ndarray) and out[name].shape == (SMALL["steps"] + 1,)
        assert ((out[name] >= 0) & (out[name] <= 1)).all()
    scalars = {k: v for k, v in out.items() if k not in CURVES}
    assert all(isinstance(v, float) for v in scalars.values())
    assert out["sustained_curve"][-1] == pytest.approx(out["final_sustained_share"])
    assert out["adopting_curve"][-1] == pytest.approx(out["final_adopting_share"])
    assert out["councils_reached_curve"][-1] == pytest.approx(out["councils_reached_share"])
    assert np.allclose(out["adopting_curve"], out["piloting_curve"] + out["sustained_curve"])
    assert (np.diff(out["abandoned_curve"]) >= 0).all()  # ever abandoned only grows


def test_without_a_seed_simulate_is_replication_0_of_sasci_sim_run():
    scenario = sasci_sim.load_scenario(None, [f"simulation.steps={SMALL['steps']}", "population.providers=120"])
    out = sasci_sim.simulate(scenario)
    row = run_replications(scenario, replications=1).runs.iloc[0]
    for name in ("final_sustained_share", "peak_piloting_share", "ever_abandoned_share", "council_spend_k"):
        assert out[name] == row[name]
    assert sasci_sim.simulate(scenario)["council_spend_k"] == out["council_spend_k"]  # same call, same outcome


def test_same_levers_and_seed_give_the_same_outcomes_and_bad_levers_are_one_line_errors():
    rigid = sasci_sim.simulate(seed=3, regulatory_flexibility=0.0, **SMALL)
    again = sasci_sim.simulate(seed=3, regulatory_flexibility=0.0, **SMALL)
    assert all(np.array_equal(rigid[k], again[k], equal_nan=True) for k in rigid)
    with pytest.raises(sasci_sim.InputError, match="unknown lever"):
        sasci_sim.simulate(regulatory_flexibilty=0.5)
    with pytest.raises(sasci_sim.InputError, match="must be a number from 0 to 1"):
        sasci_sim.simulate(regulatory_flexibility=2.0)


def test_ema_workbench_drives_simulate_directly():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            ArrayOutcome,
            Constant,
            Model,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            perform_experiments,
        )

        model = Model("sasci", function=sasci_sim.simulate)
        model.uncertainties = [RealParameter("regulatory_flexibility", 0.0, 1.0)]
        model.constants = [Constant(k, v) for k, v in {**SMALL, "seed": 5}.items()]
        model.outcomes = [ScalarOutcome("final_adopting_share"), ArrayOutcome("adopting_curve")]
        with SequentialEvaluator(model) as evaluator:
            experiments, outcomes = perform_experiments(model, scenarios=3, evaluator=evaluator)
    assert len(experiments) == 3
    assert outcomes["adopting_curve"].shape == (3, SMALL["steps"] + 1)
    for i, flex in enumerate(experiments["regulatory_flexibility"]):
        direct = sasci_sim.simulate(seed=5, regulatory_flexibility=float(flex), **SMALL)
        assert outcomes["final_adopting_share"][i] == direct["final_adopting_share"]
        assert np.array_equal(outcomes["adopting_curve"][i], direct["adopting_curve"])


def test_spread_curves_are_each_share_s_mean_over_innovations_month_by_month_exactly():
    from sasci_sim.experiments.simulate import spread_curves

    spread = run_replications(None, replications=2, steps=24, seed=5).spread
    spread = spread[spread["replication"] == 1]
    providers, councils = float(spread["providers"].iloc[0]), float(spread["local_authorities"].iloc[0])
    columns = {
        "aware_curve": ("aware", providers),
        "piloting_curve": ("piloting", providers),
        "sustained_curve": ("sustained", providers),
        "adopting_curve": (["piloting", "sustained"], providers),
        "abandoned_curve": ("abandoned", providers),
        "councils_reached_curve": ("councils_reached", councils),
    }
    got = spread_curves(spread)
    assert list(got) == list(CURVES)
    for name, (column, denominator) in columns.items():
        values = spread[column].sum(axis=1) if isinstance(column, list) else spread[column]
        want = (values / denominator).groupby(spread["step"], sort=True).mean().to_numpy(dtype=float)
        assert got[name].dtype == want.dtype and np.array_equal(got[name], want), name
