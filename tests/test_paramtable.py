"""The parameter table is generated from the schema and docs/parameters.md is never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.config.params import SOURCES, calibrated_parameters
from sasci_sim.config.paramtable import GRADES, render, rows

DOC = Path(__file__).resolve().parents[1] / "docs" / "parameters.md"


def test_docs_parameters_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render("markdown"), (
        "docs/parameters.md is stale: regenerate it with `sasci-sim params --format markdown > docs/parameters.md`"
    )


def test_every_parameter_is_traced() -> None:
    table = rows()
    assert len(table) > 60
    for row in table:
        assert row["unit"], row["key"]
        assert row["meaning"], row["key"]
        assert row["grade"] in GRADES, row["key"]
        for source in row["source"].split("+"):
            assert source in SOURCES, (row["key"], source)


def test_text_table_lists_main_levers() -> None:
    text = render("text")
    for key in (
        "funding.grant_duration_months",
        "regulation.flexibility",
        "local_authorities.cost_saving_pressure",
        "research.evidence_role",
        "diffusion.external_influence",
        "diffusion.peer_influence",
    ):
        assert key in text


def test_each_calibrated_parameter_shows_its_grade_posterior_and_median_default() -> None:
    fitted = calibrated_parameters()
    assert fitted, "a calibrated posterior ships (sasci_sim/data/posterior/identification.csv)"
    by_key = {r["key"]: r for r in rows()}
    baseline = load_scenario(None).model_dump()
    for key, p in fitted.items():
        row = by_key[key]
        assert row["grade"] == "calibrated" and "calibrate_anchors" in row["source"], key
        assert f"90% [{p.low:.3g}, {p.high:.3g}]" in row["posterior"], key
        assert p.low <= p.median <= p.high
        section, name = key.split(".")
        # the default is the posterior median (to three significant digits), in the schema and the baseline
        assert float(row["default"]) == pytest.approx(p.median, rel=5e-3), key
        assert baseline[section][name] == pytest.approx(p.median, rel=5e-3), key
    others = [r for r in rows() if r["key"] not in fitted]
    assert all(r["grade"] != "calibrated" and not r["posterior"] for r in others)
