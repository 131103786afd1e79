"""The anchors file: the shipped anchors are complete and sourced, and bad files fail in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sasci_sim.analysis.anchors import METRICS
from sasci_sim.config.anchors import HISTORY_FOLDER, Anchor, load_anchors, scenario_file
from sasci_sim.errors import InputError

ANCHORS = load_anchors()

GOOD = {
    "id": "x_share",
    "quantity": "share of councils reached",
    "value": 0.5,
    "sd": 0.1,
    "approximate": False,
    "years": [2020],
    "level": "council",
    "scenario": "scenarios/history/x.yaml",
    "metric": "councils_reached_share",
    "metric_args": {"innovation": "shared-lives"},
    "use": "calibration",
    "status": "blocked",
    "blocked_on": "issue 13",
    "source": "Somebody, A. (2020). A long enough citation. Journal 1, 1-2.",
}


def write(tmp_path: Path, anchors: list[dict]) -> Path:
    path = tmp_path / "anchors.yaml"
    path.write_text(yaml.safe_dump({"anchors": anchors}), encoding="utf-8")
    return path


def test_the_shipped_file_has_at_least_eight_anchors_at_several_levels() -> None:
    assert len(ANCHORS) >= 8
    levels = {a.level for a in ANCHORS.values()}
    assert "national" in levels and levels & {"provider", "council"}
    ready = [a for a in ANCHORS.values() if a.status == "ready"]
    assert len(ready) >= 8, "at least eight anchors the model computes"
    ready_levels = {a.level for a in ready}
    assert "national" in ready_levels and ready_levels & {"provider", "council"}


def test_the_anchors_the_issue_asks_for_are_there() -> None:
    for anchor_id in (
        "shared_lives_council_coverage",
        "shared_lives_penetration",
        "ordinary_life_years_to_policy",
        "care_certificate_uptake_2018",
        "scheirer_partial_sustainment",
        "stirman_sustained_after_funding",
        "arf_total_grant",
        "arf_council_coverage",
        "arf_projects_per_consortium",
        "adass_overspend_share",
    ):
        assert anchor_id in ANCHORS, anchor_id
    assert ANCHORS["adass_overspend_share"].use == "input"
    assert ANCHORS["adass_overspend_share"].value == 0.63
    assert ANCHORS["arf_total_grant"].value == 42600
    assert ANCHORS["scheirer_partial_sustainment"].value == pytest.approx(14 / 17, abs=0.005)


def test_every_anchor_names_a_metric_that_exists_and_cites_a_source() -> None:
    for anchor in ANCHORS.values():
        assert anchor.metric in METRICS, anchor.id
        assert anchor.scenario.startswith(HISTORY_FOLDER)
        assert len(anchor.source) > 60 and any(str(y) in anchor.source for y in range(1900, 2030)), anchor.id


def test_the_split_is_declared_with_both_calibration_and_holdout_anchors_ready() -> None:
    ready = [a for a in ANCHORS.values() if a.status == "ready"]
    assert {a.use for a in ready} >= {"calibration", "holdout"}
    for anchor in ready:
        assert scenario_file(anchor).is_file(), anchor.scenario


def test_a_pending_figure_has_no_value_and_cannot_be_used() -> None:
    pending = ANCHORS["stirman_sustained_after_funding"]
    assert pending.status == "figure_pending" and pending.value is None and pending.interval is None
    assert not pending.usable


def test_distance_scales_by_sd_and_is_zero_inside_an_interval() -> None:
    point = Anchor.model_validate({**GOOD, "value": 0.5, "sd": 0.1})
    assert point.distance(0.7) == pytest.approx(2.0)
    band = Anchor.model_validate({**GOOD, "value": None, "interval": [0.8, 1.0], "sd": 0.1})
    assert band.distance(0.9) == 0.0
    assert band.distance(0.6) == pytest.approx(2.0)
    assert band.observed == pytest.approx(0.9)
    assert band.covers(0.7, 0.85) and not band.covers(0.1, 0.7)
    assert point.covers(0.4, 0.6) and not point.covers(0.6, 0.9)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"sd": 0}, "anchors[0].sd", "above 0"),
        ({"interval": [0.1, 0.2]}, "anchors[0]", "exactly one of value and interval"),
        ({"value": None}, "anchors[0]", "exactly one of value and interval"),
        ({"blocked_on": None}, "anchors[0]", "blocked_on is required"),
        ({"scenario": "scenarios/x.yaml"}, "anchors[0].scenario", "under scenarios/history/"),
        ({"scenario": "scenarios/history/../../etc.yaml"}, "anchors[0].scenario", "under scenarios/history/"),
        ({"years": [2020, 2001]}, "anchors[0].years", "in order"),
        ({"use": "tuning"}, "anchors[0].use", "calibration"),
        ({"colour": "red"}, "anchors[0].colour", "unknown key"),
        ({"status": "figure_pending", "blocked_on": None}, "anchors[0]", "gives no value"),
    ],
)
def test_a_bad_anchor_is_one_line_naming_the_field(tmp_path: Path, change: dict, field: str, words: str) -> None:
    path = write(tmp_path, [{**GOOD, **change}])
    with pytest.raises(InputError) as err:
        load_anchors(path)
    message = str(err.value)
    assert message.startswith(f"error: {path}: {field}: "), message
    assert words in message and "\n" not in message


def test_duplicate_ids_and_missing_scenarios_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be unique"):
        load_anchors(write(tmp_path, [GOOD, GOOD]))
    ready = {**GOOD, "status": "ready", "blocked_on": None}
    with pytest.raises(InputError, match=r"anchors\[0\]\.scenario: no scenario file"):
        load_anchors(write(tmp_path, [ready]))
    (tmp_path / "scenarios" / "history").mkdir(parents=True)
    (tmp_path / "scenarios" / "history" / "x.yaml").write_text("name: x\n", encoding="utf-8")
    assert list(load_anchors(write(tmp_path, [ready]))) == ["x_share"]


def test_an_empty_or_broken_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text("anchors: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid YAML"):
        load_anchors(path)
    path.write_text("anchors: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="anchors"):
        load_anchors(path)
