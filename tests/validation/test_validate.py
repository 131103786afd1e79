"""`sasci-sim validate` at reduced size: every check, the Bass limit and the hold-outs hold, but the documented failures.

A fact or anchor the model fails at its (calibrated) defaults is a result, not a defect: it is
reported as FAIL and explained in docs/ODD.md (section 8). ``DOCUMENTED_FAILURES`` and
``DOCUMENTED_ANCHOR_FAILURES`` list them; any other failure, or one of them starting to pass
without the ODD saying so, fails the test.

Ten replications per variant (the default is twenty): each check's statistical test
(95% interval inside a band, or a paired mean beyond 3 standard errors) is sized so
that at ten replications a real effect passes and a reversed one fails.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from sasci_sim.experiments.validation.bass import closed_form, recursion
from sasci_sim.experiments.validation.checks import judge, run_variants
from sasci_sim.experiments.validation.facts import FACTS
from sasci_sim.experiments.validation.stats import AtLeast, Band, Estimate
from sasci_sim.ui.cli import main

REDUCED_REPLICATIONS = 10
ODD = (Path(__file__).resolve().parents[2] / "docs" / "ODD.md").read_text(encoding="utf-8")
#: Checks the model fails at its calibrated defaults (issue 14), each explained in the ODD's section 8:
#: 3a and 3b (partial sustainment, pilots that keep something), 6a (council coverage of social
#: innovations), 7a (half the councils never reached in 30 years), 8a and 8b (regulatory
#: flexibility), and the verification check 5a (not significant at ten replications).
DOCUMENTED_FAILURES = {"3a", "3b", "5a", "6a", "7a", "8a", "8b"}
#: Anchors predicted from the shipped posterior that the model misses: Scheirer's partial
#: sustainment (a hold-out) and the Accelerating Reform Fund's total (a set-up check: the ICB areas
#: award 41.9m of 42.6m, what is left in their pots at the end goes back; ODD section 8).
DOCUMENTED_ANCHOR_FAILURES = {"scheirer_partial_sustainment", "arf_total_grant"}


@pytest.fixture(scope="module")
def validation(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("validate")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["validate", "--replications", str(REDUCED_REPLICATIONS), "--out", str(out), "--quiet"])
    return code, out / "validation", buffer.getvalue()


@pytest.mark.slow
def test_every_fact_and_the_bass_limit_pass_but_the_documented_failures(validation: tuple[int, Path, str]) -> None:
    code, folder, table = validation
    print(table)
    report = json.loads((folder / "validation.json").read_text())
    failed = [c["fact"] for c in report["checks"] if not c["passed"]] + [
        f"bass {b['p']},{b['q']}" for b in report["bass"] if not b["passed"]
    ]
    assert set(failed) == DOCUMENTED_FAILURES, f"failed: {failed}\n{table}"
    missed = {a["anchor"] for a in report["anchors"] if a["verdict"] == "FAIL"}
    assert missed == DOCUMENTED_ANCHOR_FAILURES, f"anchors failed: {missed}\n{table}"
    assert report["draws"] > 0 and any(a["verdict"] == "PASS" for a in report["anchors"])
    assert all(a["not_run"] for a in report["anchors"] if a["verdict"] == "not run")
    assert code == (1 if failed or missed else 0)
    assert {c["fact"].rstrip("abc") for c in report["checks"]} == {str(n) for n in range(1, 12)}


def test_each_documented_failure_is_explained_in_the_odd() -> None:
    for fact in sorted(DOCUMENTED_FAILURES):
        assert f"| {fact} |" in ODD, f"fact {fact} is not in the ODD's table of facts"
        assert f"**Check {fact} FAILS**" in ODD, f"the ODD's section 8 must say that check {fact} fails and why"
    for anchor in sorted(DOCUMENTED_ANCHOR_FAILURES):
        assert f"**{anchor} FAILS**" in ODD, f"the ODD's section 8 must say that {anchor} fails and why"


@pytest.mark.slow
def test_one_figure_per_check_and_the_bass_figure(validation: tuple[int, Path, str]) -> None:
    _, folder, table = validation
    for check in FACTS:
        assert (folder / f"fact_{check.label}.png").stat().st_size > 5000
    assert (folder / "bass_limit.png").stat().st_size > 5000
    assert "fact" in table and "verdict" in table and "PASS" in table


@pytest.mark.slow
def test_checks_fail_when_the_effect_is_reversed() -> None:
    """Swap the variants of the comparative facts: their checks must then fail."""
    names = {"short_programme", "long_programme", "low_capability", "high_capability"}
    results = run_variants(names, replications=REDUCED_REPLICATIONS)
    swapped = dict(results)
    swapped["short_programme"], swapped["long_programme"] = results["long_programme"], results["short_programme"]
    swapped["low_capability"], swapped["high_capability"] = results["high_capability"], results["low_capability"]
    by_label = {v.check.label: v for v in judge_subset(swapped, {"4", "10"})}
    assert not by_label["4"].passed and not by_label["10"].passed
    assert all(v.passed for v in judge_subset(results, {"4", "10"}))


def judge_subset(results: dict, labels: set[str]) -> list:
    """Judge only the named checks."""
    return judge(results, tuple(f for f in FACTS if f.label in labels))


def test_estimate_and_tests() -> None:
    e = Estimate.of(np.array([1.0, 2.0, 3.0, 4.0]))
    assert e.mean == 2.5 and e.n == 4
    assert e.se == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2)
    assert e.low < 2.5 < e.high
    assert Band(0.0, 10.0).passes(e) and not Band(2.0, 10.0).passes(e)
    assert AtLeast(0.0).passes(e) and not AtLeast(1.0).passes(e)
    assert not AtLeast(0.0).passes(Estimate.of(np.array([1.0])))  # one replication proves nothing


def test_discrete_bass_tracks_the_closed_form_for_small_p_and_q() -> None:
    p, q, steps = 0.002, 0.05, 300
    t = np.arange(steps + 1)
    assert np.max(np.abs(recursion(p, q, steps) - closed_form(p, q, t))) < 0.02
    assert recursion(p, q, steps)[-1] > 0.9 and recursion(p, q, steps)[0] == 0.0
