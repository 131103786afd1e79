"""Lever differences between resolved scenarios: dotted keys, grades from the schema."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sasci_sim.config.diff import describe, flatten, group, lever_differences, schema_key, weakest
from sasci_sim.config.loader import load_scenario, validate
from sasci_sim.config.paramtable import rows
from tests.support.core import SCENARIOS
from tests.support.reports import small, small_data

#: The declared grade: a calibrated parameter is graded in findings by its prior's grade (config.diff.describe).
GRADES = {r["key"]: r["declared_grade"] for r in rows()}


def test_flatten_walks_mappings_and_lists_of_mappings_but_keeps_plain_lists_whole() -> None:
    data = {"a": {"b": 1, "c": [{"d": 2}, {"d": 3, "e": ["x", "y"]}]}, "f": [], "g": {}}
    assert flatten(data) == {"a.b": 1, "a.c.0.d": 2, "a.c.1.d": 3, "a.c.1.e": ["x", "y"], "f": [], "g": {}}


def test_schema_key_and_group_strip_list_positions() -> None:
    assert schema_key("funding.funders.2.budget_share") == "funding.funders[].budget_share"
    assert schema_key("innovations.10.benefit") == "innovations[].benefit"
    assert group("funding.funders.2.budget_share") == "funding.funders"
    assert group("regulation.flexibility") == "regulation.flexibility"


def test_short_and_long_funding_differ_in_grant_length_only() -> None:
    short = load_scenario(SCENARIOS / "short_term_funding.yaml")
    long = load_scenario(SCENARIOS / "long_term_funding.yaml")
    diffs = lever_differences([short, long])
    assert [d.key for d in diffs] == ["funding.grant_duration_months"]
    d = diffs[0]
    assert d.values == (short.funding.grant_duration_months, long.funding.grant_duration_months)
    assert d.grade == GRADES["funding.grant_duration_months"]
    assert d.meaning and d.source


def test_differing_keys_are_ones_set_accepts(tmp_path: Path) -> None:
    """Applying the second scenario's values with --set to the first leaves no difference."""
    data = small_data("b", regulation={"flexibility": 0.8}, local_authorities={"cost_saving_pressure": 0.9})
    data["innovations"][1]["benefit"] = 0.95
    a, b = small("b"), validate(data, "test")
    diffs = lever_differences([a, b])
    assert {d.key for d in diffs} == {
        "regulation.flexibility",
        "local_authorities.cost_saving_pressure",
        "innovations.1.benefit",
    }
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(small_data("b")), encoding="utf-8")
    moved = load_scenario(path, [f"{d.key}={json.dumps(d.values[1])}" for d in diffs])
    assert lever_differences([moved, b]) == []


def test_joint_fund_differs_in_its_pooled_budgets_with_levers_described() -> None:
    short = load_scenario(SCENARIOS / "short_term_funding.yaml")
    joint = load_scenario(SCENARIOS / "joint_health_social_care_fund.yaml")
    diffs = {d.key: d for d in lever_differences([short, joint])}
    pooled = diffs["nhs.pooled_council_share"]
    assert pooled.values == (0.0, 1.0)
    assert pooled.grade == GRADES["nhs.pooled_council_share"]
    assert "pooled budget" in pooled.meaning
    fund = diffs["nhs.joint_fund_k_per_year"]
    assert fund.values == (0.0, 3000.0)
    assert fund.grade == GRADES["nhs.joint_fund_k_per_year"]
    assert diffs["funding.budget_per_call_k"].values[1] == 0.0  # the fund replaces the grants


def test_names_descriptions_seeds_and_replications_are_not_levers() -> None:
    a = small("a", simulation={"seed": 1, "replications": 2})
    b = small("b", description="other", simulation={"seed": 2, "replications": 5})
    assert lever_differences([a, b]) == []
    steps = lever_differences([a, small("c", simulation={"steps": 48})])
    assert [d.key for d in steps] == ["simulation.steps"]


def test_every_graded_parameter_is_described_with_its_grade() -> None:
    for key, grade in GRADES.items():
        dotted = key.replace("[]", ".0")
        assert describe(dotted)[1] == grade


def test_a_calibrated_parameter_keeps_its_declared_grade_in_findings() -> None:
    calibrated = [r for r in rows() if r["grade"] == "calibrated"]
    assert calibrated, "the shipped posterior calibrates some parameters"
    for r in calibrated:
        assert describe(r["key"])[1] == r["declared_grade"] in ("weak", "assumption"), r["key"]


def test_a_setting_the_parameter_table_lacks_is_ungraded() -> None:
    assert describe("funding.funders.0.no_such_field") == ("", "ungraded", "")
    assert schema_key("funding.funders.0.no_such_field") not in GRADES


def test_weakest_grade_ignores_ungraded_settings() -> None:
    assert weakest(["strong", "weak", "moderate"]) == "weak"
    assert weakest(["ungraded", "moderate"]) == "moderate"
    assert weakest(["ungraded"]) is None
