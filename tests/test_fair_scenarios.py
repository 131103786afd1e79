"""The fair funding comparison's scenario files (scenarios/fair/): they load, run small, and are fair by construction."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.compare import analyse
from sasci_sim.experiments.replications import run_replications
from sasci_sim.ui.cli import main
from tests.support.core import SCENARIOS

FAIR = sorted((SCENARIOS / "fair").glob("*.yaml"))
REGIMES = ("short_grants", "long_grants", "joint_fund")
VARIANTS = ("pooled_no_programme", "pooled_short_grants", "joint_fund_grants")


def test_the_fair_comparison_has_counterfactuals_three_regimes_and_their_variants() -> None:
    assert {p.stem for p in FAIR} == {"no_programme", *REGIMES, *VARIANTS}


@pytest.mark.parametrize("path", FAIR, ids=lambda p: p.stem)
def test_every_grant_and_the_fund_end_before_the_first_evaluation_month(path: Path) -> None:
    s = load_scenario(path)
    assert s.description
    f = s.funding
    assert f.evaluation_months == [120, 180] and s.simulation.steps == 180
    assert f.last_grant_end() <= min(f.evaluation_months)
    assert f.first_call_month > 1  # calls open once providers could bid
    n = s.nhs
    if n.joint_fund_k_per_year > 0:
        assert n.joint_fund_start_month == f.first_call_month
        assert n.joint_fund_start_month + n.joint_fund_months - 1 < min(f.evaluation_months)  # its last month


def test_the_regimes_differ_in_grant_length_and_the_route_of_the_money_only() -> None:
    short, long_, joint = (load_scenario(SCENARIOS / "fair" / f"{name}.yaml") for name in REGIMES)
    assert (short.funding.grant_duration_months, long_.funding.grant_duration_months) == (24, 60)
    assert long_.funding.call_interval_months == short.funding.call_interval_months
    assert long_.funding.last_call() == short.funding.last_call()
    # the joint fund: no grants, every council pools with its ICB, the money offered is the grants'
    assert joint.funding.budget_per_call_k == 0 and joint.nhs.pooled_council_share == 1.0
    calls = (short.funding.last_call() - short.funding.first_call_month) // 12 + 1
    offered = joint.nhs.joint_fund_k_per_year * joint.nhs.joint_fund_months / 12
    assert offered == calls * short.funding.budget_per_call_k
    assert joint.nhs.joint_fund_covers_double_running
    assert joint.nhs.joint_fund_carry_over_months == joint.nhs.joint_fund_months  # a long-term fund
    pooled = load_scenario(SCENARIOS / "fair" / "pooled_no_programme.yaml")
    assert pooled.nhs == joint.nhs.model_copy(
        update={k: v for k, v in pooled.nhs.model_dump().items() if k.startswith("joint_fund")}
    )
    grants = load_scenario(SCENARIOS / "fair" / "joint_fund_grants.yaml")
    assert [f.covers_double_running for f in grants.funding.funders] == [True]
    assert set(grants.funding.funders[0].kinds) == {"business_model", "systems", "social"}


def test_the_fair_script_gives_the_pooled_fund_its_own_spend_and_counterfactuals() -> None:
    spec = importlib.util.spec_from_file_location("fair_funding", SCENARIOS.parent / "experiments" / "fair_funding.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up
    spec.loader.exec_module(script)
    added_per_m, spent_k, table = script.added_per_m, script.spent_k, script.table
    names = ("no_programme", "short_grants", "joint_fund", "pooled_no_programme")
    results = [
        run_replications(
            load_scenario(SCENARIOS / "fair" / f"{name}.yaml", ["population.providers=400"]), replications=2
        )
        for name in names
    ]
    by = {r.scenario.name: r for r in results}
    fund = spent_k(by["fair_joint_fund"], 120)
    assert (fund > 0).all() and (fund <= 24000 + 1e-6).all()  # what its pots paid, never more than offered
    assert np.allclose(spent_k(by["fair_joint_fund"], 180), fund)  # nothing after the fund has ended
    assert (spent_k(by["fair_pooled_no_programme"], 180) == 0).all()
    per_m = added_per_m(results, 120)
    assert {"short grants", "joint fund (pooled)", "joint fund over pools"} <= set(per_m)
    assert "joint fund (pooled)" in table(results) and "long grants" not in table(results)


def test_a_small_fair_comparison_reports_spend_and_adopters_added_per_million() -> None:
    results = [
        run_replications(load_scenario(SCENARIOS / "fair" / f"{name}.yaml"), replications=2, steps=None)
        for name in ("no_programme", "short_grants")
    ]
    comparison = analyse(results, {r.scenario.name: "run" for r in results})
    figures = set(comparison.figures["figure"])
    assert {"grants_spent_k_m120", "added_adopters_per_m_spent_m120", "added_adopters_per_m_spent_m180"} <= figures
    short = comparison.figures[
        (comparison.figures["scenario"] == "fair_short_grants")
        & (comparison.figures["figure"] == "grants_spent_k_m120")
    ]
    assert float(short["mean"].iloc[0]) > 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "funding: {last_call_month: 49, grant_duration_months: 60, evaluation_months: [100]}",
            "funding: evaluation month 100 is before the last grant ends (month 109)",
        ),
        (
            "local_authorities: {overspend_share: 1.7}",
            "local_authorities.overspend_share: must be a number from 0 to 1",
        ),
        ("diffusion: {proof_months_systems: 10}", "proof_months_systems (10) must be greater than"),
        ("funding: {project_fixed_cost_k: -1}", "funding.project_fixed_cost_k:"),
    ],
)
def test_bad_values_in_the_new_settings_give_one_line_errors(
    text: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: ") and says in err
