"""The national-route scenarios end to end (small runs), and one-line errors for bad national sections."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.replications import run_replications
from sasci_sim.ui.cli import main
from tests.support.core import SCENARIOS, innovation, tiny_scenario

SMALL = ["population.providers=600", "population.local_authorities=6"]


def adopting_share(spread, innovation: str, month: int) -> np.ndarray:
    rows = spread[(spread.innovation == innovation) & (spread.step == month)]
    return ((rows.piloting + rows.sustained) / rows.providers).to_numpy()


def test_a_mandate_moves_adoption_through_inspection_and_not_grants() -> None:
    mandate = load_scenario(SCENARIOS / "national_mandate.yaml", SMALL)
    baseline = load_scenario(SCENARIOS / "baseline.yaml", SMALL)
    runs = {s.name: run_replications(s, replications=2, seed=3, steps=36) for s in (mandate, baseline)}
    with_mandate = adopting_share(runs["national_mandate"].spread, "care-certificate", 36)
    without = adopting_share(runs["baseline"].spread, "care-certificate", 36)
    assert (with_mandate > without + 0.2).all()
    spread = runs["national_mandate"].spread
    cc = spread[spread.innovation == "care-certificate"]
    assert cc["mandated_starts"].sum() > cc["grants"].sum()
    assert cc.loc[cc.step == 0, "mandated_starts"].sum() == 0
    assert runs["national_mandate"].money["noncompliance_cost_k"].sum() > 0


def test_a_programme_spends_its_budget_through_local_pots_and_people_are_counted() -> None:
    programme = load_scenario(SCENARIOS / "national_programme.yaml", [*SMALL, "national.programmes.0.budget_k=3300"])
    result = run_replications(programme, replications=2, seed=3, steps=48)
    money = result.money.groupby("replication")["programme_awarded_k"].sum()
    assert (money > 0).all() and (money <= 3300 + 1e-6).all()
    spent = result.money.groupby("replication")["programme_spent_k"].sum()
    assert (spent > 0).all() and (spent < money).all()  # pilots stopped early and months after the run are not spent
    after_end = result.money[result.money.step > 40]
    assert (after_end["programme_awarded_k"] == 0).all()
    records = result.spread[result.spread.innovation == "digital-care-records"]
    assert records["programme_grants"].sum() > 0
    assert {"people_share_social", "scheme_coverage_share_social", "people_share"} <= set(result.summary)
    assert 0 < result.summary["people_share_social"]["mean"] < 1
    figures = result.summary
    assert figures["programme_spent_k"]["mean"] == pytest.approx(spent.mean())
    assert figures["programme_awarded_k"]["mean"] == pytest.approx(money.mean())
    assert "noncompliance_cost_k" not in figures  # no mandate in this scenario


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("extends: " + str(SCENARIOS / "baseline.yaml") + "\nname: bad\n" + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (
            "national:\n  mandates:\n    - {innovation: nothing-like-it}\n",
            "national",
            "mandates[0].innovation names 'nothing-like-it', which is not one of the scenario's innovations",
        ),
        (
            "national:\n  programmes:\n    - {name: p, innovations: [shared-lives], start_month: 30, end_month: 10}\n",
            "national.programmes[0]",
            "programme: end_month (10) is before start_month (30)",
        ),
        (
            "national:\n  mandates:\n    - {innovation: care-certificate, compliance: 1.5}\n",
            "national.mandates[0].compliance",
            "must be a number from 0 to 1 (probability)",
        ),
        (
            "intermediaries:\n  - {name: n, innovations: [shared-lives], awarenes_per_month: 0.1}\n",
            "intermediaries[0].awarenes_per_month",
            "unknown key; did you mean 'awareness_per_month'?",
        ),
        (
            "people:\n  using_care_per_council: many\n",
            "people.using_care_per_council",
            "must be a number",
        ),
        (
            "national:\n  programmes:\n    - {name: p, innovations: [shared-lives], route: postcode}\n",
            "national.programmes[0].route",
            "must be one of councils, icb_areas",
        ),
    ],
)
def test_bad_national_sections_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, field: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.field == field
    assert caught.value.problem.startswith(problem)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"error: {path}: {field}: ")


EDGES = {
    "everything_at_once": {
        "national": {
            "mandates": [{"innovation": "standard", "start_month": 0, "inspections_per_year": 12, "compliance": 1}],
            "programmes": [
                {
                    "name": "p",
                    "innovations": ["standard", "scheme"],
                    "budget_k": 1e6,
                    "start_month": 1,
                    "end_month": 1,
                    "target_share": 1,
                    "funded_months": 0,
                    "uptake_per_month": 1,
                }
            ],
        },
        "intermediaries": [
            {
                "name": "b",
                "innovations": ["scheme"],
                "abandonment_cut": 1,
                "awareness_per_month": 1,
                "membership_share": 1,
            }
        ],
        "people": {"using_care_per_council": 1},
    },
    "nothing_at_all": {
        "national": {
            "mandates": [{"innovation": "standard", "inspections_per_year": 0, "compliance": 0}],
            "programmes": [{"name": "p", "innovations": ["scheme"], "budget_k": 0, "target_share": 0}],
        },
        "intermediaries": [{"name": "b", "innovations": ["scheme"], "abandonment_cut": 0, "awareness_per_month": 0}],
        "people": {"using_care_per_council": 0},
    },
}


@pytest.mark.parametrize("edge", sorted(EDGES))
@pytest.mark.parametrize("size", [(1, 3), (40, 1), (60, 5)], ids=lambda s: f"{s[0]}p{s[1]}c")
def test_national_sections_at_their_edges_run_without_nan(edge: str, size: tuple[int, int]) -> None:
    providers, councils = size
    scenario = tiny_scenario(
        population={"providers": providers, "local_authorities": councils},
        innovations=[
            innovation("standard", kind="systems", initial_pilots=1),
            innovation("scheme", kind="social", people_per_scheme=30.0, scheme_growth_months=0.0, initial_pilots=1),
        ],
        **EDGES[edge],
    )
    result = run_replications(scenario, replications=2, seed=5, steps=24)
    for table in (result.spread, result.money):
        assert not table.isna().any().any()
        assert np.isfinite(table.select_dtypes("number").to_numpy()).all()
    people = result.spread["people_supported"] / result.spread["people_using_care"].clip(lower=1e-12)
    assert ((people >= 0) & (people <= 1 + 1e-9)).all()
    for name, stats in result.summary.items():
        if name.startswith(("people", "scheme")):
            assert stats["mean"] is not None and 0 <= stats["mean"] <= 1, name
