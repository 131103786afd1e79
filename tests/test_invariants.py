"""Bookkeeping that must hold whatever the levers: states partition providers, money is never
negative, cumulative abandonment never falls, and no NaN reaches the outputs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sasci_sim.analysis.summary import summarise, summarise_run
from sasci_sim.config.loader import load_scenario, validate
from sasci_sim.model.population import Payer, State
from sasci_sim.model.recording import STATE_COLUMNS
from sasci_sim.model.rules.learning import failures_this_month
from sasci_sim.model.social_care import SocialCareModel

BASELINE = load_scenario(None)

levers = st.fixed_dictionaries(
    {
        "grant_duration_months": st.integers(1, 36),
        "regulatory_flexibility": st.floats(0.0, 1.0),
        "cost_saving_pressure": st.floats(0.0, 1.0),
        "evidence_role": st.floats(0.0, 1.0),
        "peer_influence": st.floats(0.0, 3.0),
        "external_influence": st.floats(0.0, 0.2),
        "n_providers": st.integers(5, 150),
        "n_local_authorities": st.integers(1, 6),
        "call_interval_months": st.integers(1, 12),
        "joint_funding": st.booleans(),
        "reorganisation_rate_per_year": st.floats(0.0, 6.0),
        "budget_per_call_k": st.floats(0.0, 5000.0),
    }
)


def check_month(model: SocialCareModel, previous: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """Assert this month's invariants; returns what the next month is compared with."""
    p, c = model.providers, model.councils
    counts = p.counts()
    assert (counts >= 0).all()
    assert (counts.sum(axis=0) == p.n).all()  # unaware + aware + piloting + sustained + abandoned_now == N
    adopting = (p.state == State.PILOTING) | (p.state == State.SUSTAINED)
    assert ((p.payer != Payer.NONE) == adopting).all()  # exactly the adopters have someone paying
    assert not (p.approved & ~adopting).any()
    assert not (p.partial & (p.state != State.SUSTAINED)).any()
    for name, money in {
        "reserves": p.reserves,
        "pilot_pot": c.pilot_pot,
        "budget": c.budget,
        "committed": c.committed,
    }.items():
        assert np.isfinite(money).all(), name
        assert (money >= -1e-9).all(), name
    assert (c.committed <= c.budget + 1e-6).all()  # councils never commit beyond their budget
    assert ((model.evidence >= 0) & (model.evidence <= 1)).all()
    for name, values in model.events.items():
        assert (values >= 0).all(), name
    assert all(v >= 0 for v in model.events_scalar.values())
    ever = p.ever_abandoned.sum(axis=0)
    assert (counts[State.ABANDONED] <= ever).all()
    if previous is not None:
        assert (ever >= previous["ever"]).all()  # cumulative abandonment never falls
        # evidence falls only for innovations whose pilots failed this month (failure teaches)
        fell = model.evidence < previous["evidence"] - 1e-12
        assert not (fell & (failures_this_month(model) == 0)).any()
    return {"ever": ever, "evidence": model.evidence.copy()}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(  # grants end inside the run, councils reorganise, abandoners come back
    levers={
        "grant_duration_months": 6,
        "regulatory_flexibility": 0.3,
        "cost_saving_pressure": 0.6,
        "evidence_role": 0.2,
        "peer_influence": 0.5,
        "external_influence": 0.01,
        "n_providers": 150,
        "n_local_authorities": 3,
        "call_interval_months": 6,
        "joint_funding": False,
        "reorganisation_rate_per_year": 3.0,
        "budget_per_call_k": 1200.0,
    },
    steps=30,
    readoption=True,
    seed=3,
)
@example(  # a budget of the smallest float: a run spends something, but less than a penny
    levers={
        "grant_duration_months": 1,
        "regulatory_flexibility": 0.0,
        "cost_saving_pressure": 0.0,
        "evidence_role": 0.0,
        "peer_influence": 0.0,
        "external_influence": 0.0,
        "n_providers": 5,
        "n_local_authorities": 2,
        "call_interval_months": 1,
        "joint_funding": True,
        "reorganisation_rate_per_year": 0.0,
        "budget_per_call_k": 2.2250738585072014e-308,
    },
    steps=25,
    readoption=False,
    seed=0,
)
@given(
    levers=levers,
    steps=st.integers(1, 30),
    readoption=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants_hold_every_month(levers: dict[str, Any], steps: int, readoption: bool, seed: int) -> None:
    data = BASELINE.model_dump()
    data["simulation"]["steps"] = steps
    data["abandonment"]["readoption"] = readoption
    data["abandonment"]["readoption_hazard_per_month"] = 0.2
    scenario = validate(data, "test")
    model = SocialCareModel(scenario, rng=seed, provider_agents=False, **levers)
    previous = check_month(model, None)
    while model.running:
        model.step()
        previous = check_month(model, previous)
    assert model.steps == steps

    spread = model.recorder.tidy(model, 0)
    money = model.recorder.money(0)
    assert not spread.isna().any().any()
    assert not money.isna().any().any()
    assert (spread[list(STATE_COLUMNS)].sum(axis=1) == model.providers.n).all()
    assert (spread[list(STATE_COLUMNS)] >= 0).all().all()
    per_innovation = spread.sort_values("step").groupby("innovation")["abandoned"]
    assert per_innovation.apply(lambda s: s.is_monotonic_increasing).all()
    assert (spread["abandoned_now"] <= spread["abandoned"]).all()
    for col in ("grants_awarded_k", "council_spend_k", "provider_spend_k"):
        assert (money[col] >= 0).all()

    figures = summarise_run(spread, money, scenario)
    summary = summarise(pd.DataFrame([{"replication": 0, **figures}]))
    json.dumps(summary, allow_nan=False)  # summary.json refuses NaN
    for name, stats in summary.items():
        assert stats["n"] == 0 or all(np.isfinite(stats[k]) for k in ("mean", "p5", "p95")), name
