"""Comparisons over posterior draws: common random numbers within a draw, robustness, decisive parameters, files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.loader import validate
from sasci_sim.config.params import calibrated_parameters
from sasci_sim.config.paramtable import rows
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.compare import SPREAD_NEEDS
from sasci_sim.experiments.replications import replication_seeds
from sasci_sim.experiments.uncertainty.decisions import analyse_draws, compare_over_draws
from sasci_sim.experiments.uncertainty.lessons import check_claim
from sasci_sim.experiments.uncertainty.posterior import draw_parameters, load_posterior, posterior_path
from sasci_sim.experiments.uncertainty.runs import run_over_draws
from sasci_sim.output.compare_folder import write_comparison
from sasci_sim.output.findings import comparison_findings
from sasci_sim.output.results import RunResult
from sasci_sim.output.uncertainty_report import has_draws
from tests.experiments.test_uncertainty_posterior import RATE, write_posterior
from tests.support.core import tiny_data, tiny_scenario

FIGURE = "final_sustained_share"


def named(name: str, **sections: object) -> Scenario:
    return validate(tiny_data(name=name, **sections), "test")


def stand_in(scenario: Scenario) -> RunResult:
    """Scenario b sustains (rate - 0.05) more than a, plus noise from the seed: reverses below 0.05."""
    seeds = replication_seeds(scenario)
    rate = scenario.diffusion.decision_rate_per_month
    noise = np.array([(s % 1000) / 1e6 for s in seeds])
    shift = rate - 0.05 if scenario.name == "b" else 0.0
    reps = range(len(seeds))
    runs = pd.DataFrame({"replication": reps, FIGURE: 0.2 + shift + noise})
    spread = pd.DataFrame({c: 0 for c in SPREAD_NEEDS} | {"replication": reps, "innovation": "i", "kind": "social"})
    money = pd.DataFrame({"replication": reps, "step": 0})
    return RunResult(scenario, seeds, spread, money, runs, {})


def test_scenarios_share_seeds_within_a_draw_and_draws_differ(tmp_path: Path) -> None:
    seen: list[tuple[str, float, tuple[int, ...]]] = []

    def record(s: Scenario) -> RunResult:
        seen.append((s.name, s.diffusion.decision_rate_per_month, tuple(replication_seeds(s))))
        return stand_in(s)

    draws = pd.DataFrame({RATE: [0.02, 0.07, 0.09]})
    runs = run_over_draws([named("a"), named("b")], draws, tmp_path, replications=2, seed=3, runner=record)
    by_draw = {rate: {name: seeds for name, r, seeds in seen if r == rate} for rate in draws[RATE]}
    for rate, seeds in by_draw.items():
        assert seeds["a"] == seeds["b"], f"draw {rate}: scenarios must share their seeds"
    assert len({seeds["a"] for seeds in by_draw.values()}) == 3, "each draw has its own luck"
    assert runs.pooled[0].seeds == runs.pooled[1].seeds
    assert sorted(runs.pooled[1].runs["replication"]) == list(range(6))


def test_draw_runs_are_reused_when_their_manifest_matches(tmp_path: Path) -> None:
    draws = pd.DataFrame({RATE: [0.02, 0.07]})
    calls: list[str] = []

    def counting(s: Scenario) -> RunResult:
        calls.append(s.name)
        return stand_in(s)

    scen = [named("a"), named("b")]
    first = run_over_draws(scen, draws, tmp_path, replications=2, seed=3, runner=counting)
    assert first.reused == 0 and len(calls) == 4
    again = run_over_draws(scen, draws, tmp_path, replications=2, seed=3, runner=counting)
    assert again.reused == 4 and len(calls) == 4
    pd.testing.assert_frame_equal(again.pooled[1].runs, first.pooled[1].runs, check_dtype=False)
    run_over_draws(scen, draws, tmp_path, replications=2, seed=4, runner=counting)  # other seeds: run again
    assert len(calls) == 8


def test_robustness_and_the_parameter_that_decides_an_uncertain_finding(tmp_path: Path) -> None:
    # 30 draws, a quarter with rates below 0.05, where b does worse than a.
    rates = np.r_[np.linspace(0.02, 0.045, 10), np.linspace(0.055, 0.095, 30)]
    draws = pd.DataFrame({RATE: rates})
    runs = run_over_draws([named("a"), named("b")], draws, tmp_path, replications=2, seed=1, runner=stand_in)
    comparison = analyse_draws(runs, {"a": "run", "b": "run"}, "test posterior")
    row = comparison.figures.query("figure == @FIGURE and scenario == 'b'").iloc[0]
    assert row["robustness"] == pytest.approx(0.75)
    assert row["difference"] == pytest.approx(np.mean(rates - 0.05), abs=1e-3)
    verdict = comparison.verdicts[0]
    assert verdict.uncertain
    assert len(verdict.limits) == 1 and verdict.limits[0].parameter == RATE
    assert verdict.limits[0].low is None and 0.04 < verdict.limits[0].high < 0.06
    words = verdict.sentence()
    assert "holds in 75% of 40 plausible parameter sets: uncertain" in words
    assert "It reverses when monthly chance that an aware provider considers piloting" in words
    # a calibrated parameter's evidence: the grade it was declared with, and whether the anchors identified it
    row = {r["key"]: r for r in rows()}[RATE]
    assert row["grade"] == "calibrated"
    narrowed = calibrated_parameters()[RATE].identified == "narrowed"
    said = "narrowed by the anchors" if narrowed else "not identified by the anchors"
    evidence = f"(evidence: {row['declared_grade']}, calibrated: {said})"
    assert f"({RATE}) is below 0.0" in words and evidence in words
    assert verdict.influences[0].parameter == RATE and verdict.influences[0].coefficient > 0.9
    assert verdict.parameter_share > 0.99  # the stand-in's seed noise is tiny


def test_a_robust_finding_is_said_so(tmp_path: Path) -> None:
    draws = pd.DataFrame({RATE: np.linspace(0.06, 0.09, 12)})
    runs = run_over_draws([named("a"), named("b")], draws, tmp_path, replications=2, seed=1, runner=stand_in)
    verdict = analyse_draws(runs, {"a": "run", "b": "run"}, "p").verdicts[0]
    assert verdict.robustness == 1.0 and not verdict.uncertain and verdict.limits == ()
    assert verdict.sentence().endswith("robust.")


def test_a_tiny_real_comparison_over_draws_writes_its_files(tmp_path: Path) -> None:
    folder = write_posterior(tmp_path / "post", [0.01, 0.05, 0.09], [1.0, 1.0, 1.0])
    a = tiny_scenario(name="short")
    b = tiny_scenario(name="long", funding={"grant_duration_months": 24})
    comparison = compare_over_draws([a, b], tmp_path / "out", draws=2, posterior=folder, replications=2)
    assert has_draws(comparison)
    expected = draw_parameters(load_posterior(posterior_path(folder)), 2, a.simulation.seed)
    pd.testing.assert_frame_equal(comparison.draws, expected)
    out = write_comparison(comparison, tmp_path / "out")
    for name in ("figures.csv", "uncertainty.csv", "decisions.txt", "draws.csv", "draws.png", "report.html"):
        assert (out / name).is_file(), name
    figures = pd.read_csv(out / "figures.csv")
    assert "robustness" in figures.columns
    compared = figures[figures["scenario"] == "long"]
    assert compared["robustness"].dropna().between(0, 1).all()
    assert 'id="uncertainty"' in (out / "report.html").read_text(encoding="utf-8")
    assert "What to measure next" in (out / "decisions.txt").read_text(encoding="utf-8")
    split = pd.read_csv(out / "uncertainty.csv").dropna(subset=["parameter_share"])
    assert ((split["parameter_share"] + split["chance_share"]).round(9) == 1).all()


def test_a_lesson_claim_is_uncertain_unless_it_holds_in_90_percent_of_draws(tmp_path: Path) -> None:
    post = write_posterior(tmp_path / "post", [0.02, 0.07, 0.08, 0.09], [1.0, 1.0, 1.0, 1.0])
    args = (named("b"), named("a"), FIGURE)
    more = check_claim(*args, "more", tmp_path, draws=40, posterior=post, runner=stand_in)
    less = check_claim(*args, "less", tmp_path, draws=40, posterior=post, runner=stand_in)
    assert (
        0.4 < more.share < 0.9 and not more.holds
    )  # 3 of 4 particles favour b: about 0.75 and more.words.startswith("Uncertain:")
    assert less.share == pytest.approx(1 - more.share)
    sure = write_posterior(tmp_path / "sure", [0.07, 0.09], [1.0, 1.0])
    robust = check_claim(*args, "more", tmp_path, draws=20, posterior=sure, runner=stand_in)
    assert robust.holds and "holds in 100% of 20" in robust.words


def test_key_findings_pair_draw_means_so_their_interval_covers_the_parameters(tmp_path: Path) -> None:
    # 24 draws where b gains 1 point and 16 where it loses 1 (seed noise cancels in the pairs): mean over
    # sd is about 0.2, so the t interval excludes zero over 80 seed pairs but not over the 40 draws.
    rates = np.r_[np.full(24, 0.06), np.full(16, 0.04)]
    runs = run_over_draws(
        [named("a"), named("b")], pd.DataFrame({RATE: rates}), tmp_path, replications=2, seed=1, runner=stand_in
    )
    assert "no clear difference" not in comparison_findings(runs.pooled)[0].text  # what pooling seeds would claim
    comparison = analyse_draws(runs, {"a": "run", "b": "run"}, "p")
    assert "no clear difference" in comparison.findings[0].text
