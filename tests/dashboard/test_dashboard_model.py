"""LessonModel and the page's levers: what SolaraViz passes on Reset builds the run the sliders show."""

from __future__ import annotations

import numpy as np
import pytest
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params

from sasci_sim.config.schema import LEVERS, Funding
from sasci_sim.errors import InputError
from sasci_sim.ui.dashboard.catalogue import find, read_lessons, scenario_entry
from sasci_sim.ui.dashboard.levers import TEACHING_MAX_PROVIDERS, initial_kwargs, model_params
from sasci_sim.ui.dashboard.model import LessonModel, is_joint_fund_only, parse_seed

LESSONS = {e.key: e for e in read_lessons()}
SMALL = {"n_providers": 60, "n_local_authorities": 3}


def run(model: LessonModel, steps: int = 12) -> np.ndarray:
    for _ in range(steps):
        model.step()
    return model.recorder.counts[: steps + 1].copy()


@pytest.mark.parametrize("key", [*LESSONS, "scenario:baseline"])
def test_params_are_levers_starting_at_the_scenario_values(key: str) -> None:
    entry = LESSONS.get(key) or scenario_entry(None)
    params = model_params(entry)
    assert set(params) - {"lesson", "rng"} <= set(LEVERS)
    start = initial_kwargs(params)
    s = entry.scenario
    assert start["lesson"] is entry
    assert start["grant_duration_months"] == s.funding.grant_duration_months
    assert start["regulatory_flexibility"] == pytest.approx(s.regulation.flexibility)
    assert start["cost_saving_pressure"] == pytest.approx(s.local_authorities.cost_saving_pressure)
    assert start["evidence_role"] == pytest.approx(s.research.evidence_role)
    assert start["peer_influence"] == pytest.approx(s.diffusion.peer_influence)
    assert start["joint_funding"] == is_joint_fund_only(s)
    assert start["n_providers"] == min(s.population.providers, TEACHING_MAX_PROVIDERS)
    assert start["rng"] == str(s.simulation.seed)
    for spec in params.values():
        if isinstance(spec, dict) and spec.get("type", "").startswith("Slider"):
            assert spec["min"] <= spec["value"] <= spec["max"]

    model = LessonModel(**{**start, **SMALL})
    _check_model_params(model, params)  # SolaraViz's own check of model_params against __init__
    assert model.seed == s.simulation.seed


def test_reset_builds_the_same_run_as_the_first_model() -> None:
    """SolaraViz's Reset adds scenario=<empty Mesa Scenario>; the rebuilt run must be identical."""
    start = {**initial_kwargs(model_params(LESSONS["funding_cliff"])), **SMALL}
    first = LessonModel(**start)
    kwargs = _build_model_init_kwargs(first, start, add_scenario_when_empty=True, require_model_accepts_scenario=True)
    assert isinstance(kwargs["scenario"], MesaScenario)
    again = type(first)(**kwargs)
    assert np.array_equal(run(first), run(again))
    assert first.config == again.config


def test_a_mesa_scenario_with_parameters_is_refused() -> None:
    with pytest.raises(TypeError, match="takes its scenario from the lesson"):
        LessonModel(LESSONS["funding_cliff"], scenario=MesaScenario(rng=None, density=0.8), **SMALL)


def test_the_seed_box() -> None:
    assert parse_seed("", 5) == 5 and parse_seed(None, 5) == 5 and parse_seed("  42 ", 5) == 42
    for bad in ("abc", "-1", "1.5", str(2**63)):
        with pytest.raises(InputError) as err:
            parse_seed(bad, 5)
        assert err.value.message.startswith("error: seed box: seed: must be a whole number from 0 to 2**63-1")
    entry = LESSONS["red_tape"]
    typed_badly = LessonModel(entry, rng="abc", **SMALL)  # the page's box: run, and say so on the page
    assert typed_badly.seed == entry.scenario.simulation.seed and "got 'abc'" in typed_badly.seed_problem
    with pytest.raises(InputError):
        LessonModel(entry, rng=-1, **SMALL)
    typed, numeric = LessonModel(entry, rng=" 7", **SMALL), LessonModel(entry, rng=7, **SMALL)
    assert typed.seed == numeric.seed == 7
    assert np.array_equal(run(typed), run(numeric))
    other = LessonModel(entry, rng="8", **SMALL)
    assert not np.array_equal(run(other, 24), run(LessonModel(entry, rng="7", **SMALL), 24))


def test_the_joint_funding_switch() -> None:
    joint = LESSONS["joint_funding"]
    assert is_joint_fund_only(joint.scenario)
    assert is_joint_fund_only(LessonModel(joint, **SMALL).config)
    assert is_joint_fund_only(LessonModel(joint, joint_funding=True, **SMALL).config)
    off = LessonModel(joint, joint_funding=False, **SMALL).config
    assert off.funding.funders == Funding().funders, "switched off: today's funders get the same budget"
    assert off.funding.grant_duration_months == joint.scenario.funding.grant_duration_months
    assert off.funding.budget_per_call_k == joint.scenario.nhs.joint_fund_k_per_year  # a call a year
    assert off.nhs.joint_fund_k_per_year == 0 and off.nhs.pooled_council_share == 0  # councils alone

    cliff = LESSONS["funding_cliff"]
    assert not is_joint_fund_only(cliff.scenario)
    assert LessonModel(cliff, joint_funding=False, **SMALL).config.funding == cliff.scenario.funding
    switched_on = LessonModel(cliff, joint_funding=True, **SMALL).config
    assert is_joint_fund_only(switched_on)
    assert switched_on.nhs == joint.scenario.nhs  # the lesson is the cliff lesson with the switch on


def test_levers_reach_the_model_and_unknown_ones_are_refused() -> None:
    entry = find(list(LESSONS.values()), "savings_only")
    model = LessonModel(entry, grant_duration_months=60, cost_saving_pressure=0.1, **SMALL)
    assert model.config.funding.grant_duration_months == 60
    assert model.config.local_authorities.cost_saving_pressure == pytest.approx(0.1)
    assert model.providers.n == 60 and model.councils.n == 3
    with pytest.raises(InputError, match="unknown lever"):
        LessonModel(entry, colour="red", **SMALL)
