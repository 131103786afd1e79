"""Lesson claims over the posterior: resolved from lessons.yaml, checked by ``sasci-sim lessons``, shown by the page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sasci_sim.errors import InputError
from sasci_sim.experiments.uncertainty.posterior import shipped_posterior
from sasci_sim.ui.cli import main
from sasci_sim.ui.dashboard.catalogue import read_lessons
from sasci_sim.ui.dashboard.claims import (
    SHIPPED_CLAIMS,
    claim_sentence,
    claim_text,
    posterior_digest,
    read_claims,
    scenario_digest,
)
from tests.dashboard.test_dashboard_catalogue import copy_lessons
from tests.experiments.test_uncertainty_posterior import write_posterior

LESSONS = {e.key: e for e in read_lessons()}


def test_a_claim_is_the_lesson_set_against_its_own_file_with_the_claims_changes() -> None:
    cliff = LESSONS["funding_cliff"]
    assert cliff.claim is not None
    against = cliff.claim.against
    assert against.name == "lesson_funding_cliff_against"
    assert (cliff.scenario.funding.grant_duration_months, against.funding.grant_duration_months) == (24, 60)
    same = cliff.scenario.model_dump(exclude={"name", "funding"}) == against.model_dump(exclude={"name", "funding"})
    assert same, "nothing but the claim's change may differ"
    assert LESSONS["social_decades"].claim is None


def test_a_claim_on_an_unknown_figure_or_key_is_one_line(tmp_path: Path) -> None:
    catalogue = copy_lessons(tmp_path)
    text = catalogue.read_text()
    catalogue.write_text(text.replace("figure: pilots_abandoned_at_grant_end", "figure: happiness", 1))
    with pytest.raises(InputError, match=r"lessons\[0\]\.claim\.figure: not a summary figure.*\(got 'happiness'\)"):
        read_lessons(catalogue)
    catalogue.write_text(text.replace("direction: more", "direction: sideways", 1))
    with pytest.raises(InputError, match=r"lessons\[0\]\.claim\.direction"):
        read_lessons(catalogue)
    catalogue.write_text(text.replace("{funding.grant_duration_months: 60}", "{funding.grant_duration_months: -3}", 1))
    with pytest.raises(InputError, match="grant_duration_months"):
        read_lessons(catalogue)


def test_the_sentence_says_uncertain_below_90_percent() -> None:
    claim = LESSONS["funding_cliff"].claim
    assert claim is not None
    assert claim_sentence(claim, 0.9, 50).startswith("The claim holds: this lesson gives more")
    low = claim_sentence(claim, 0.88, 50)
    assert low.startswith("Uncertain:") and "only in 88% of 50 plausible parameter sets" in low


def test_lessons_checks_every_claim_and_the_page_shows_only_current_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    post = write_posterior(tmp_path / "post", [0.01, 0.03], [1.0, 1.0])
    argv = ["lessons", "--draws", "2", "--replications", "1", "--posterior", str(post), "--out", str(tmp_path / "o")]
    assert main([*argv, "--quiet"]) == 0
    printed = capsys.readouterr().out
    claims = read_claims(tmp_path / "o" / "claims.csv")
    with_claims = [key for key, e in LESSONS.items() if e.claim is not None]
    assert sorted(claims) == sorted(with_claims)
    for key in with_claims:
        row = claims[key]
        assert float(row["share"]) in (0.0, 0.5, 1.0) and row["draws"] == "2"
        assert row["words"] in printed
        assert claim_text(LESSONS[key], claims, posterior_digest(post / "posterior.parquet")).startswith(row["words"])
    cliff = LESSONS["funding_cliff"]
    other = posterior_digest(write_posterior(tmp_path / "other", [0.02], [1.0]) / "posterior.parquet")
    assert "has not been checked" in claim_text(cliff, claims, other)  # another calibration
    stale = {**claims, "funding_cliff": {**claims["funding_cliff"], "lesson_sha256": "0" * 64}}
    assert "has not been checked" in claim_text(
        cliff, stale, posterior_digest(post / "posterior.parquet")
    )  # the lesson changed
    turned = {**claims, "funding_cliff": {**claims["funding_cliff"], "direction": "less"}}
    assert "has not been checked" in claim_text(
        cliff, turned, posterior_digest(post / "posterior.parquet")
    )  # the claim changed
    assert "no calibrated posterior ships" in claim_text(cliff, claims, None)
    assert claim_text(LESSONS["social_decades"], claims, None) is None


def test_lessons_without_a_posterior_is_one_line_and_runs_nothing(tmp_path: Path, capsys) -> None:
    assert main(["lessons", "--posterior", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_the_shipped_claims_are_current_for_the_shipped_posterior() -> None:
    """Whenever a posterior ships, claims.csv ships with it, checked against it and today's lessons."""
    posterior = shipped_posterior()
    if posterior is None:
        assert not SHIPPED_CLAIMS.exists(), "claims.csv ships without the posterior it was checked against"
        return
    claims = read_claims()
    for key, entry in LESSONS.items():
        if entry.claim is None:
            continue
        row = claims.get(key)
        assert row is not None, f"{key}: rerun `sasci-sim lessons` and ship claims.csv"
        assert row["posterior_sha256"] == posterior_digest(posterior), f"{key}: checked against another posterior"
        assert row["lesson_sha256"] == scenario_digest(entry.scenario), f"{key}: the lesson changed since its check"
        assert row["against_sha256"] == scenario_digest(entry.claim.against), f"{key}: its reference changed"
        assert (row["figure"], row["direction"]) == (entry.claim.figure, entry.claim.direction), f"{key}: reworded"
    with SHIPPED_CLAIMS.open(encoding="utf-8") as handle:
        assert int(next(csv.DictReader(handle))["draws"]) >= 50, "the shipped check uses at least 50 draws"


def test_the_joint_fund_claim_is_set_against_the_funding_cliff_lesson_which_switching_it_off_gives() -> None:
    from sasci_sim.ui.dashboard.model import without_joint_fund

    joint = LESSONS["joint_funding"]
    assert joint.claim is not None and joint.claim.against is LESSONS["funding_cliff"].scenario
    off = without_joint_fund(joint.scenario).model_dump(exclude={"name", "description"})
    assert off == LESSONS["funding_cliff"].scenario.model_dump(exclude={"name", "description"})


def test_a_claim_needs_exactly_one_reference(tmp_path: Path) -> None:
    catalogue = copy_lessons(tmp_path)
    text = catalogue.read_text()
    catalogue.write_text(text.replace("against_lesson: funding_cliff", "against_lesson: joint_funding", 1))
    with pytest.raises(InputError, match=r"claim\.against_lesson: not another lesson"):
        read_lessons(catalogue)
    both = "      against_lesson: funding_cliff\n      against: {regulation.flexibility: 0.5}\n"
    catalogue.write_text(text.replace("      against_lesson: funding_cliff", both.rstrip("\n"), 1))
    with pytest.raises(InputError, match="exactly one of against"):
        read_lessons(catalogue)
