"""The parameter table is generated from the schema and docs/parameters.md is never stale."""

from __future__ import annotations

from pathlib import Path

from sasci_sim.config.params import SOURCES
from sasci_sim.config.paramtable import render, rows

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
        assert row["grade"] in {"strong", "moderate", "weak", "assumption"}, row["key"]
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
