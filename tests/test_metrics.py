"""Recorder, tidy tables and summary figures (sasci_sim.model.recording)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sasci_sim.analysis.summary import SPENT_FLOOR_K, first_step_at, per_m_spent, summarise, summarise_run
from sasci_sim.model.population import Payer, State
from sasci_sim.model.recording import STATE_COLUMNS
from tests.support.core import innovation, make_model, tiny_scenario


def test_first_step_at_finds_the_first_crossing_or_nan() -> None:
    shares = np.array([[0.0, 0.0, 0.2], [0.05, 0.0, 0.3], [0.12, 0.0, 0.1], [0.5, 0.09, 0.6]])
    got = first_step_at(shares, 0.10)
    assert got[0] == 2 and np.isnan(got[1]) and got[2] == 0


def hand_spread(sustained: list[list[int]], piloting: list[list[int]], n: int = 10, n_la: int = 4) -> pd.DataFrame:
    """A one-replication spread table for two innovations over len(sustained) steps."""
    rows = []
    kinds = {"a": "business_model", "b": "social"}
    for t, (s_row, p_row) in enumerate(zip(sustained, piloting, strict=True)):
        for j, name in enumerate(("a", "b")):
            rows.append(
                {
                    "replication": 0,
                    "step": t,
                    "innovation": name,
                    "kind": kinds[name],
                    "unaware": n - s_row[j] - p_row[j],
                    "aware": 0,
                    "piloting": p_row[j],
                    "sustained": s_row[j],
                    "abandoned_now": 0,
                    "abandoned": t,
                    "sustained_partial": s_row[j] // 2,
                    "councils_reached": min(n_la, s_row[j]),
                    "grants": 2 if t == 1 else 0,
                    "abandoned_cliff": 2 if t == 2 else 0,  # one grant pilot and one pilot-fund pilot
                    "pilots_abandoned_at_grant_end": 1 if t == 2 else 0,
                    "abandoned_rigidity": 1 if (t, name) in ((1, "a"), (3, "a"), (3, "b")) else 0,
                    "providers": n,
                    "local_authorities": n_la,
                }
            )
    return pd.DataFrame(rows)


def test_summary_figures_of_one_run_follow_their_definitions() -> None:
    spread = hand_spread(sustained=[[0, 0], [0, 0], [1, 0], [6, 1]], piloting=[[0, 0], [2, 0], [4, 0], [0, 0]])
    figures = summarise_run(spread, None, tiny_scenario())
    assert figures["final_sustained_share"] == pytest.approx((0.6 + 0.1) / 2)
    assert figures["peak_piloting_share"] == pytest.approx((0.4 + 0.0) / 2)
    assert figures["final_sustained_share_business_model"] == pytest.approx(0.6)
    assert figures["final_sustained_share_social"] == pytest.approx(0.1)
    # a: adopting 0, .2, .5, .6 -> 10% at step 1, 50% at step 2; b: 10% at step 3, never 50%
    assert figures["months_to_10pct"] == pytest.approx(2.0)
    assert figures["months_to_50pct"] == pytest.approx(2.0)
    assert figures["share_reaching_10pct"] == 1.0
    assert figures["share_at_scale"] == pytest.approx(1.0)  # a: 60% >= 10%; b: 10% >= 10%
    assert figures["councils_reached_share"] == pytest.approx((4 / 4 + 1 / 4) / 2)
    assert figures["pilots_abandoned_at_grant_end"] == 2
    assert figures["share_of_grants_lost_at_cliff"] == pytest.approx(2 / 4)
    assert figures["pilots_given_up_waiting"] == 3  # every month and innovation, summed
    assert figures["partial_share_of_sustained"] == pytest.approx((3 + 0) / 7)
    assert figures["ever_abandoned_share"] == pytest.approx(3 / 10)


def test_summary_is_mean_and_5_to_95_percent_over_replications() -> None:
    values = np.arange(20, dtype=float)
    runs = pd.DataFrame({"replication": range(20), "x": values, "never": np.nan})
    runs.loc[3, "x"] = np.nan
    out = summarise(runs)
    ok = np.delete(values, 3)
    assert out["x"] == {
        "mean": pytest.approx(ok.mean()),
        "p5": pytest.approx(np.percentile(ok, 5)),
        "p95": pytest.approx(np.percentile(ok, 95)),
        "n": 19,
    }
    assert out["never"] == {"mean": None, "p5": None, "p95": None, "n": 0}
    assert "replication" not in out


def test_recorder_counts_states_and_tidy_table_has_one_row_per_step_and_innovation() -> None:
    s = tiny_scenario(
        simulation={"steps": 3},
        population={"local_authorities": 2, "providers": 20},
        innovations=[innovation("a"), innovation("b", "social")],
    )
    model = make_model(s)
    p = model.providers
    p.state[:5, 0] = State.SUSTAINED
    p.payer[:5, 0] = Payer.OWN
    p.approved[:5, 0] = True
    p.state[5:8, 1] = State.AWARE
    model.recorder.record(model)  # month 0 again, after the hand edit
    spread = model.recorder.tidy(model, replication=4)
    assert len(spread) == 2  # only month 0 recorded so far
    row = spread.set_index("innovation").loc["a"]
    assert [row[c] for c in STATE_COLUMNS] == [15, 0, 0, 5, 0]
    assert spread.set_index("innovation").loc["b", "aware"] == 3
    assert row["councils_reached"] == len(set(p.council[:5].tolist()))
    assert (spread["replication"] == 4).all() and (spread["providers"] == 20).all()
    model.run()
    spread = model.recorder.tidy(model)
    assert len(spread) == 4 * 2
    assert spread["step"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    money = model.recorder.money(1)
    assert money["step"].tolist() == [0, 1, 2, 3] and (money["replication"] == 1).all()


def test_per_m_spent_is_the_count_per_million_pounds_and_nan_below_a_penny() -> None:
    assert per_m_spent(30.0, 1500.0) == 30.0 / 1.5
    assert np.isnan(per_m_spent(3.0, 0.0)) and np.isnan(per_m_spent(3.0, float("nan")))
    assert np.isnan(per_m_spent(3.0, 2.2250738585072014e-308))  # not an overflow to infinity
    assert np.isnan(per_m_spent(3.0, SPENT_FLOOR_K / 2)) and per_m_spent(3.0, SPENT_FLOOR_K) == 3.0 / 1e-8
    spent = np.array([2000.0, 0.0, 500.0])
    np.testing.assert_array_equal(per_m_spent(np.array([4.0, 1.0, 1.0]), spent), [2.0, np.nan, 2.0])
