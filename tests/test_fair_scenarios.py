"""The fair funding comparison's scenario files (scenarios/fair/): they load, run small, and are fair by construction."""

from __future__ import annotations

from pathlib import Path

import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.compare import analyse
from sasci_sim.experiments.replications import run_replications
from sasci_sim.ui.cli import main
from tests.support.core import SCENARIOS

FAIR = sorted((SCENARIOS / "fair").glob("*.yaml"))
REGIMES = ("short_grants", "long_grants", "joint_fund")


def test_the_fair_comparison_has_a_counterfactual_and_three_regimes() -> None:
    assert {p.stem for p in FAIR} == {"no_programme", *REGIMES}


@pytest.mark.parametrize("path", FAIR, ids=lambda p: p.stem)
def test_every_grant_ends_before_the_first_evaluation_month(path: Path) -> None:
    s = load_scenario(path)
    assert s.description
    f = s.funding
    assert f.evaluation_months == [120, 180] and s.simulation.steps == 180
    assert f.last_grant_end() <= min(f.evaluation_months)
    assert f.first_call_month > 1  # calls open once providers could bid


def test_the_regimes_differ_in_grant_length_and_double_running_only() -> None:
    short, long_, joint = (load_scenario(SCENARIOS / "fair" / f"{name}.yaml") for name in REGIMES)
    assert (short.funding.grant_duration_months, long_.funding.grant_duration_months) == (24, 60)
    assert joint.funding.grant_duration_months == 60
    assert [f.covers_double_running for f in joint.funding.funders] == [True]
    assert set(joint.funding.funders[0].kinds) == {"business_model", "systems", "social"}
    for s in (long_, joint):
        assert s.funding.call_interval_months == short.funding.call_interval_months
        assert s.funding.last_call() == short.funding.last_call()


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
