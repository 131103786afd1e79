"""Anchor metrics on hand-made tables, the ones waiting for issue 13's columns, and the historical scenarios."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sasci_sim.analysis import anchors as metrics
from sasci_sim.analysis.anchors import METRICS, MissingColumn, measure
from sasci_sim.config.anchors import load_anchors, scenario_file
from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_one

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = load_anchors()
HISTORY = sorted((ROOT / "scenarios" / "history").glob("*.yaml"))
SMALL = ["population.providers=120", "population.local_authorities=4"]


def spread_table(rows: list[dict]) -> pd.DataFrame:
    base = {
        "replication": 0,
        "kind": "social",
        "piloting": 0,
        "sustained": 0,
        "councils_reached": 0,
        "grants": 0,
        "sustained_after_grant": 0,
        "providers": 100,
        "local_authorities": 10,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def money_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"replication": 0, "grants_awarded_k": 0.0, **r} for r in rows])


@pytest.fixture(scope="module")
def programme_scenario():
    return load_scenario(ROOT / "scenarios" / "history" / "funded_programmes.yaml")


def test_councils_reached_and_adopting_shares_read_the_right_month() -> None:
    spread = spread_table(
        [
            {"step": 1, "innovation": "a", "councils_reached": 2, "piloting": 5, "sustained": 1},
            {"step": 2, "innovation": "a", "councils_reached": 7, "piloting": 10, "sustained": 20},
            {"step": 2, "innovation": "b", "councils_reached": 1},
        ]
    )
    assert metrics.councils_reached_share(spread, None, None, innovation="a") == pytest.approx(0.7)
    assert metrics.councils_reached_share(spread, None, None, innovation="a", month=1) == pytest.approx(0.2)
    assert metrics.adopting_share_at_month(spread, None, None, innovation="a", month=1) == pytest.approx(0.06)
    assert metrics.adopting_share_at_month(spread, None, None, innovation="a", month=2) == pytest.approx(0.30)
    with pytest.raises(ValueError, match="months 1 to 2"):
        metrics.adopting_share_at_month(spread, None, None, innovation="a", month=36)
    with pytest.raises(ValueError, match="no innovation 'c'"):
        metrics.councils_reached_share(spread, None, None, innovation="c")


def test_replications_are_averaged() -> None:
    spread = spread_table(
        [
            {"replication": 0, "step": 1, "innovation": "a", "councils_reached": 2},
            {"replication": 1, "step": 1, "innovation": "a", "councils_reached": 6},
        ]
    )
    assert metrics.councils_reached_share(spread, None, None, innovation="a") == pytest.approx(0.4)


def test_scheirer_counts_programmes_where_most_sites_keep_something(programme_scenario) -> None:
    steps = programme_scenario.simulation.steps
    rows = []
    # programme a: 10 sites, 7 keep something (70% >= 60%); b: 10 sites, 5 keep (50%); c: 2 sites (not counted)
    for name, sites, kept in (("a", 10, 7), ("b", 10, 5), ("c", 2, 2)):
        rows.append({"step": 1, "innovation": name, "grants": sites})
        rows.append({"step": steps, "innovation": name, "sustained_after_grant": kept})
    spread = spread_table(rows)
    share = metrics.programmes_mostly_kept_share(spread, None, programme_scenario, site_share=0.6, min_sites=3)
    assert share == pytest.approx(0.5)
    assert metrics.kept_after_grant_share(spread, None, programme_scenario) == pytest.approx(14 / 22)


def test_sustainment_metrics_refuse_runs_whose_grants_are_still_running() -> None:
    baseline = load_scenario(None)  # calls every year to the end: grants still running at the end
    spread = spread_table([{"step": baseline.simulation.steps, "innovation": "a", "grants": 5}])
    with pytest.raises(ValueError, match="last_call_month"):
        metrics.programmes_mostly_kept_share(spread, None, baseline)


def test_programme_money_awarded_sums_the_window_of_the_programmes_only() -> None:
    money = money_table([{"step": s, "grants_awarded_k": 7.0, "programme_awarded_k": 100.0 * s} for s in range(1, 6)])
    with_programme = SimpleNamespace(national=SimpleNamespace(programmes=["a fund"]))
    got = metrics.programme_awarded_k(None, money, with_programme, first_month=2, last_month=4)
    assert got == pytest.approx(900.0), "the grant-makers' calls (grants_awarded_k) are not the fund's money"
    with pytest.raises(ValueError, match="past the run's end"):
        metrics.programme_awarded_k(None, money, with_programme, first_month=1, last_month=24)
    without = SimpleNamespace(national=SimpleNamespace(programmes=[]))
    with pytest.raises(ValueError, match=r"national\.programmes"):
        metrics.programme_awarded_k(None, money, without, first_month=2, last_month=4)


BLOCKED = [a for a in ANCHORS.values() if a.status == "blocked"]


@pytest.mark.parametrize("anchor", BLOCKED, ids=[a.id for a in BLOCKED])
def test_a_blocked_anchor_raises_naming_its_missing_column(anchor) -> None:
    spread = spread_table([{"step": 1, "innovation": str(anchor.metric_args.get("innovation", "a"))}])
    money = money_table([{"step": 1}])
    with pytest.raises(MissingColumn) as err:
        measure(anchor, spread, money, load_scenario(None))
    assert err.value.columns and all(c in str(err.value) for c in err.value.columns)
    assert any(c in anchor.blocked_on for c in err.value.columns), "blocked_on should name the column"


def test_metrics_for_issue_13_compute_once_their_columns_exist() -> None:
    spread = spread_table(
        [
            {"step": 1, "innovation": "sl", "people_supported": 5, "people_using_care": 500, "councils_with_scheme": 3},
            {
                "step": 2,
                "innovation": "sl",
                "people_supported": 10,
                "people_using_care": 1000,
                "councils_with_scheme": 9,
            },
        ]
    )
    assert metrics.people_share(spread, None, None, innovation="sl") == pytest.approx(0.01)
    one_each = SimpleNamespace(innovations=[SimpleNamespace(name="sl", schemes_per_council=1)])
    assert metrics.schemes_per_council(spread, None, one_each, innovation="sl") == pytest.approx(0.9)
    several = SimpleNamespace(innovations=[SimpleNamespace(name="sl", schemes_per_council=None)])
    with pytest.raises(ValueError, match="schemes_per_council: 1"):
        metrics.schemes_per_council(spread, None, several, innovation="sl")
    assert metrics.programme_target_share(spread, None, None, target_people=153.0, month=2) == pytest.approx(
        10 * 153 / 10 / 153
    )
    mandate = spread_table(
        [{"step": s, "innovation": "ol", "national_mandate": int(s >= 252)} for s in (12, 251, 252, 300)]
    )
    assert metrics.years_to_national_policy(mandate, None, None, innovation="ol") == pytest.approx(21.0)
    never = mandate.assign(national_mandate=0)
    assert math.isinf(metrics.years_to_national_policy(never, None, None, innovation="ol")), "never is not censored"
    money = money_table(
        [
            {
                "step": 1,
                "councils_in_consortia": 8,
                "projects": 20,
                "consortia": 4,
                "councils_overspent": 3,
                "pooled_budget": 10,
            },
            {
                "step": 2,
                "councils_in_consortia": 9,
                "projects": 29,
                "consortia": 10,
                "councils_overspent": 6,
                "pooled_budget": 10,
            },
        ]
    )
    assert metrics.councils_in_consortia_share(spread, money, None) == pytest.approx(0.9)
    assert metrics.projects_per_consortium(spread, money, None) == pytest.approx(2.9)
    assert metrics.councils_overspending_share(spread, money, None) == pytest.approx(0.6)
    assert metrics.councils_overspending_share(spread, money, None, month=1) == pytest.approx(0.3)
    assert metrics.pooled_budget_share(spread, money, None) == pytest.approx(1.0)


def test_every_metric_is_named_by_an_anchor() -> None:
    assert {a.metric for a in ANCHORS.values()} == set(METRICS)


@pytest.mark.parametrize("path", HISTORY, ids=[p.stem for p in HISTORY])
def test_each_historical_scenario_loads_runs_small_and_gives_its_ready_anchors(path: Path) -> None:
    scenario = load_scenario(path, SMALL)
    spread, money, _ = run_one(scenario, 0, 11)
    assert int(spread["step"].max()) == scenario.simulation.steps
    for anchor in ANCHORS.values():
        if scenario_file(anchor).resolve() != path.resolve() or anchor.status == "blocked":
            continue
        value = measure(anchor, spread, money, scenario)
        assert np.isfinite(value) and value >= 0, anchor.id


def test_every_ready_anchor_has_its_historical_scenario() -> None:
    shipped = {p.resolve() for p in HISTORY}
    for anchor in ANCHORS.values():
        if anchor.status != "blocked":
            assert scenario_file(anchor).resolve() in shipped, anchor.id


def test_the_arf_scenario_starts_with_the_sector_under_way_and_pays_from_the_first_determination() -> None:
    path = ROOT / "scenarios" / "history" / "arf_2023.yaml"
    scenario = load_scenario(path, SMALL)
    spread, money, _ = run_one(scenario, 0, 11)
    records = spread[(spread["innovation"] == "digital-care-records") & (spread["step"] == 0)].iloc[0]
    assert records["sustained"] == round(0.50 * 120), "half of providers already keep digital records in April 2023"
    awarded = money.set_index("step")["programme_awarded_k"]
    assert (awarded.loc[1:11] == 0).all(), "no fund money before its first grant determination (March 2024)"
    assert awarded.loc[12:24].sum() > 0
    assert [p.start_month for p in scenario.national.programmes] == [12, 20]
    assert sum(p.budget_k for p in scenario.national.programmes) == pytest.approx(ANCHORS["arf_total_grant"].value)
    assert {p.route for p in scenario.national.programmes} == {"icb_areas"}
