"""Every shipped scenario file loads, checks and runs (new files are picked up by the glob)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sasci_sim.config.loader import load_scenario
from sasci_sim.model.recording import STATE_COLUMNS
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.ui.cli import main
from tests.support.core import SCENARIOS

SHIPPED = sorted([*SCENARIOS.glob("*.yaml"), *(SCENARIOS / "validation").glob("*.yaml")])
LARGE = 10_000  # providers above which a scenario runs fewer months here


def test_the_glob_finds_the_known_scenarios() -> None:
    names = {p.relative_to(SCENARIOS).as_posix() for p in SHIPPED}
    assert {"baseline.yaml", "england.yaml", "long_term_funding.yaml", "validation/bass_limit.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(SCENARIOS).as_posix())
def test_shipped_scenario_loads_and_runs(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.description, "a shipped scenario says what it represents"
    steps = 3 if scenario.population.providers > LARGE else 12
    model = SocialCareModel(scenario, rng=1, provider_agents=False)
    n = model.providers.n
    assert n == scenario.population.providers and model.councils.n == scenario.population.local_authorities
    for _ in range(steps):
        model.step()
        assert (model.providers.counts().sum(axis=0) == n).all()
    spread = model.recorder.tidy(model)
    assert spread["step"].max() == steps
    assert not spread.isna().any().any()
    assert (spread[list(STATE_COLUMNS)].sum(axis=1) == n).all()
    assert set(spread["innovation"]) == {i.name for i in scenario.innovations}


def test_check_accepts_every_shipped_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, SHIPPED)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.splitlines()) == len(SHIPPED)
    assert all(line.startswith("ok: ") for line in out.splitlines())


def total_call_budget(path: Path) -> float:
    """Money offered over a run: the call budget times the calls that open (month 1, then every interval)."""
    s = load_scenario(path)
    f = s.funding
    last = f.last_call_month if getattr(f, "last_call_month", None) is not None else s.simulation.steps
    calls = sum(1 for t in range(1, min(last, s.simulation.steps) + 1) if (t - 1) % f.call_interval_months == 0)
    return f.budget_per_call_k * calls


def test_long_and_short_funding_differ_in_grant_length_at_equal_total_budget() -> None:
    """The comparison the two scenario files are written for (stylised fact 4, docs/ODD.md 1.2)."""
    short = load_scenario(SCENARIOS / "short_term_funding.yaml")
    long_ = load_scenario(SCENARIOS / "long_term_funding.yaml")
    assert long_.funding.grant_duration_months > short.funding.grant_duration_months
    assert np.isclose(
        total_call_budget(SCENARIOS / "long_term_funding.yaml"),
        total_call_budget(SCENARIOS / "short_term_funding.yaml"),
    )


def test_england_is_full_scale() -> None:
    england = load_scenario(SCENARIOS / "england.yaml")
    assert (england.population.local_authorities, england.population.providers) == (153, 27000)
