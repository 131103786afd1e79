"""Hold-out anchors predicted from a posterior, and the evidence / verification split of the checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.anchors import load_anchors
from sasci_sim.experiments.calibration.spec import load_calibration
from sasci_sim.experiments.validation.facts import FACTS, LONG_RUN_MONTHS
from sasci_sim.experiments.validation.holdout import AnchorPrediction, number, observed_text, predict_anchors
from sasci_sim.experiments.validation.stats import Estimate
from sasci_sim.ui.commands.validate import anchor_rows

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = load_anchors()


@pytest.fixture(scope="module")
def small_posterior(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two particles at the shipped experiment's prior medians, equal weights."""
    calibration = load_calibration(ROOT / "experiments" / "calibrate_anchors.yaml")
    row = {name: p.quantiles((0.5,))[0] for name, p in calibration.spec.priors.items()}
    path = tmp_path_factory.mktemp("posterior") / "posterior.parquet"
    pd.DataFrame([row, row]).assign(weight=[0.5, 0.5]).to_parquet(path)
    return path


def test_every_holdout_check_and_input_anchor_is_predicted_or_says_why(small_posterior: Path) -> None:
    predictions = predict_anchors(2, posterior=small_posterior)
    wanted = [a for a in ANCHORS.values() if a.use in ("holdout", "check", "input")]
    assert sorted(p.anchor.id for p in predictions) == sorted(a.id for a in wanted)
    assert [p.anchor.use for p in predictions] == sorted(
        (p.anchor.use for p in predictions), key=("holdout", "check", "input").index
    )
    for p in predictions:
        if p.anchor.status == "ready":
            assert p.predicted and p.values.size == 2, p.anchor.id
            assert p.verdict in ("PASS", "FAIL")
        else:
            assert not p.predicted and p.verdict == "not run" and p.reason, p.anchor.id
    assert not any(p.anchor.use == "calibration" for p in predictions), "a calibration anchor is not a hold-out"
    rows = anchor_rows(predictions)
    assert {r["group"] for r in rows} <= {"hold-out", "set-up check, not evidence", "input, not evidence"}
    assert all(r["fact"] and r["verdict"] for r in rows)


def test_a_prediction_passes_only_when_its_interval_meets_the_observation() -> None:
    scheirer = ANCHORS["scheirer_partial_sustainment"]  # 0.82
    inside = AnchorPrediction(scheirer, np.array([0.7, 0.9]), 0.7, 0.9)
    below = AnchorPrediction(scheirer, np.array([0.0, 0.1]), 0.0, 0.1)
    empty = AnchorPrediction(scheirer, np.array([np.nan, np.nan]), np.nan, np.nan)
    assert inside.passed and inside.verdict == "PASS"
    assert not below.passed and below.verdict == "FAIL"
    assert not empty.passed and empty.undefined == 2, "no value is a failure, not a pass"
    never = AnchorPrediction(scheirer, np.array([0.8, np.inf, np.nan]), 0.8, np.inf)
    assert (never.never, never.undefined) == (1, 1), "never reached is a value; undefined is not"
    coverage = ANCHORS["shared_lives_council_coverage"]  # interval 0.8 to 1
    assert AnchorPrediction(coverage, np.array([0.7]), 0.6, 0.85).passed
    assert not AnchorPrediction(coverage, np.array([0.7]), 0.5, 0.75).passed


def test_observed_values_print_as_their_source_gives_them() -> None:
    assert observed_text(ANCHORS["arf_total_grant"]) == "42,600"
    assert observed_text(ANCHORS["shared_lives_council_coverage"]) == "0.8-1"
    assert observed_text(ANCHORS["stirman_sustained_after_funding"]) == "pending"
    assert number(0.0333) == "0.0333"
    assert number(float("inf")) == "never"


def test_checks_true_by_construction_are_verification_the_rest_evidence() -> None:
    verification = {f.label for f in FACTS if not f.evidence}
    assert verification == {"2", "5a", "5b", "10", "11a", "11b"}
    assert {f.label for f in FACTS if f.evidence} >= {"1", "3a", "3b", "4", "4b", "4c", "6a", "6b", "7a", "7b", "8a"}


def test_a_time_never_reached_fails_fact_7a_and_6a_needs_half_the_councils() -> None:
    by_label = {f.label: f for f in FACTS}
    never = Estimate.of(np.full(10, LONG_RUN_MONTHS + 1.0))
    decades = Estimate.of(np.linspace(200.0, 260.0, 10))
    assert not by_label["7a"].check.passes(never), "not reached within the horizon is not 'decades'"
    assert by_label["7a"].check.passes(decades)
    assert not by_label["6a"].check.passes(Estimate.of(np.linspace(0.44, 0.48, 10)))
    assert by_label["6a"].check.passes(Estimate.of(np.linspace(0.6, 0.7, 10)))
