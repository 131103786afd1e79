"""Experiment files: validated like scenarios, one-line errors naming file, field and what is allowed."""

from __future__ import annotations

import pytest

from sasci_sim.config.params import parameter_rows
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.experiment import load_experiment
from sasci_sim.experiments.sweep.keys import resolve_key, value_at
from sasci_sim.ui.cli import main
from tests.support.core import SWEEP_EXPERIMENTS
from tests.support.sweep import ROOT, TINY, tiny_grid, write_experiment

SHIPPED = SWEEP_EXPERIMENTS


def test_the_four_experiments_of_the_issue_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert {"funding_vs_regulation_grid", "sobol_levers", "morris_screening", "scale_discovery"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_experiment_validates(path):
    experiment = load_experiment(path)
    assert experiment.name == path.stem
    assert experiment.base is not None and experiment.parameters and experiment.outcomes


def test_the_sobol_experiment_covers_six_to_eight_main_levers():
    experiment = load_experiment(ROOT / "experiments" / "sobol_levers.yaml")
    assert experiment.spec.design == "sobol"
    assert 6 <= len(experiment.parameters) <= 8


def test_the_morris_screen_covers_every_numeric_parameter():
    """Every numeric scenario parameter set in the base, except the sections the file says it leaves out and why."""
    experiment = load_experiment(ROOT / "experiments" / "morris_screening.yaml")
    base = experiment.base.model_dump()
    left_out = ("simulation.", "scale.", "population.provider_mix.")
    numeric = {
        key
        for key in (r["key"] for r in parameter_rows(Scenario))
        if not key.startswith(left_out)
        and resolve_key(key, base, "test", key).numeric
        and value_at(base, key) is not None  # switched off in the base (e.g. funding.last_call_month)
    }
    screened = {p.key for p in experiment.parameters}
    assert numeric - screened == set(), "add these to experiments/morris_screening.yaml"
    assert screened <= numeric


def test_relative_ranges_follow_the_base_value_within_the_allowed_range(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "name: b\nregulation: {flexibility: 0.8}\npopulation: {local_authorities: 15}\n", encoding="utf-8"
    )
    path = write_experiment(
        tmp_path,
        design="lhs",
        samples=4,
        base="base.yaml",
        parameters={
            "regulation.flexibility": {"relative": 0.5},
            "population.local_authorities": {"relative": 0.5},
        },
        outcomes=["final_sustained_share"],
    )
    flex, councils = load_experiment(path).parameters
    assert (flex.low, flex.high) == pytest.approx((0.4, 1.0))  # 0.8 x 1.5 is past the allowed 1
    assert (councils.kind, councils.low, councils.high) == ("int", 7, 23)  # 7.5 and 22.5, widened to whole numbers


def test_a_key_cannot_be_both_fixed_and_varied(tmp_path):
    path = tiny_grid(tmp_path, set={**TINY, "regulation.flexibility": 0.5})
    with pytest.raises(InputError, match=r"parameters\.regulation\.flexibility: is also fixed under set:"):
        load_experiment(path)


def bad(tmp_path, **changes):
    """Load a tiny grid with ``changes`` and return the one-line error."""
    path = tiny_grid(tmp_path, **changes)
    with pytest.raises(InputError) as err:
        load_experiment(path)
    message = err.value.message
    assert "\n" not in message and message.startswith(f"error: {path}")
    return message


def test_unknown_parameter_key_suggests_the_scenario_key(tmp_path):
    message = bad(tmp_path, parameters={"regulation.flexbility": {"values": [0.1, 0.5]}})
    assert "parameters.regulation.flexbility: unknown scenario key; did you mean 'regulation.flexibility'?" in message


def test_unknown_set_key_and_flat_lever_typos(tmp_path):
    assert "did you mean 'simulation.steps'" in bad(tmp_path, set={"simulation.step": 12})
    message = bad(tmp_path, parameters={"grant_duraton_months": {"values": [12, 24]}})
    assert "did you mean 'grant_duration_months'" in message


def test_unknown_experiment_key_suggests_the_experiment_key(tmp_path):
    assert "replicatons: unknown key; did you mean 'replications'?" in bad(tmp_path, replicatons=3)


def test_value_outside_the_parameters_range_names_it(tmp_path):
    message = bad(tmp_path, parameters={"regulation.flexibility": {"values": [0.5, 1.5]}})
    assert "parameters.regulation.flexibility.values[1]: must be a number from 0 to 1" in message
    message = bad(tmp_path, design="lhs", samples=4, parameters={"regulation.flexibility": {"min": -1, "max": 1}})
    assert "parameters.regulation.flexibility.min: must be a number from 0 to 1" in message


def test_parameter_spec_errors(tmp_path):
    assert "give exactly one of values" in bad(tmp_path, parameters={"regulation.flexibility": {}})
    message = bad(tmp_path, design="lhs", samples=4, parameters={"regulation.flexibility": {"min": 0.6, "max": 0.2}})
    assert "min must be below max" in message
    message = bad(tmp_path, parameters={"funding.grant_duration_months": {"values": [12, 24.5]}})
    assert "values[1]: must be a whole number" in message
    message = bad(tmp_path, parameters={"regulation.flexibility": {"min": 0, "max": 1}})
    assert "a grid needs values" in message
    assert "unknown key; did you mean 'values'?" in bad(tmp_path, parameters={"regulation.flexibility": {"valus": [1]}})
    message = bad(tmp_path, design="lhs", samples=4, parameters={"network.topology": {"relative": 0.5}})
    assert "parameters.network.topology.relative: needs a numeric parameter" in message


def test_design_errors(tmp_path):
    assert "samples: is required for a sobol design" in bad(tmp_path, design="sobol")
    assert "must be a power of 2" in bad(tmp_path, design="sobol", samples=100)
    assert "samples: applies to lhs, sobol and morris designs" in bad(tmp_path, samples=10)
    assert "design:" in bad(tmp_path, design="factorial")
    assert "second_order: applies to sobol designs only" in bad(tmp_path, second_order=True)


def test_outcome_errors(tmp_path):
    message = bad(tmp_path, outcomes=["final_sustained_shares"])
    assert "outcomes[0]: unknown summary figure; did you mean 'final_sustained_share'?" in message
    assert "past the end of the shortest run" in bad(tmp_path, outcomes=[{"curve": "sustained_curve", "steps": [13]}])
    assert "outcomes[0].curve" in bad(tmp_path, outcomes=[{"curve": "sustained", "steps": [3]}])
    assert "repeated" in bad(tmp_path, outcomes=["share_at_scale", "share_at_scale"])


def test_base_is_relative_to_the_experiment_file(tmp_path):
    (tmp_path / "sub").mkdir()
    scenario = tmp_path / "sub" / "mine.yaml"
    scenario.write_text("name: mine\nregulation: {flexibility: 0.77}\n", encoding="utf-8")
    path = tiny_grid(tmp_path, base="sub/mine.yaml", parameters={"funding.grant_duration_months": {"values": [12]}})
    assert load_experiment(path).base.regulation.flexibility == 0.77
    assert "base: no scenario file at" in bad(tmp_path, base="missing.yaml")


def test_command_line_set_is_checked_and_named(tmp_path):
    path = tiny_grid(tmp_path)
    with pytest.raises(InputError) as err:
        load_experiment(path, overrides=["simulation.steps=0"])
    assert err.value.message.startswith("error: --set: set.simulation.steps: must be a whole number")
    assert load_experiment(path, overrides=["simulation.steps=20"]).base.simulation.steps == 20


def test_bad_experiment_on_the_command_line_is_one_line_and_status_2(tmp_path, capsys):
    path = tiny_grid(tmp_path, parameters={"regulation.flexbility": {"values": [0.1]}})
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean 'regulation.flexibility'" in err[0]
    assert not (tmp_path / "out").exists()


def test_a_stand_in_model_takes_free_parameter_names(tmp_path):
    path = write_experiment(
        tmp_path,
        model="tests.support.sweep_standins:linear",
        design="morris",
        samples=3,
        parameters={k: {"min": 0, "max": 1} for k in "abc"},
        outcomes=["y"],
    )
    experiment = load_experiment(path, allow_code=True)
    assert experiment.base is None and [p.key for p in experiment.parameters] == ["a", "b", "c"]
    missing = write_experiment(
        tmp_path, "m", model="no_such_module:f", design="grid", parameters={"a": {"values": [1]}}, outcomes=["y"]
    )
    with pytest.raises(InputError, match="names code outside sasci-sim"):
        load_experiment(missing)
    assert load_experiment(missing, allow_code=True).spec.model == "no_such_module:f"  # imported only by the sweep


def test_tiny_set_is_what_the_helpers_say():
    assert TINY["simulation.steps"] >= 12  # tiny_grid records the adopting curve at month 12


def test_the_joint_funding_lever_in_a_design_point_sets_up_the_pooled_fund():
    from sasci_sim.experiments.sweep.experiment import apply_values

    base = Scenario(name="base")
    key = resolve_key("joint_funding", base.model_dump(), "test", "joint_funding")
    assert key.kind == "bool" and key.path == "nhs.joint_fund_k_per_year"
    on = Scenario.model_validate(apply_values(base.model_dump(), {key: True}))
    assert on.funding.budget_per_call_k == 0 and on.nhs.pooled_council_share == 1.0
    f = base.funding
    assert on.nhs.joint_fund_k_per_year == f.budget_per_call_k * 12 / f.call_interval_months
    assert on.nhs.joint_fund_start_month == f.first_call_month and on.nhs.joint_fund_covers_double_running
    assert Scenario.model_validate(apply_values(base.model_dump(), {key: False})) == base
