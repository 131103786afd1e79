"""National policy that follows local practice (ODD 7.12.1): thresholds, lag, mandate at inspection, batches.

A test builds a tiny model, places sustaining providers by hand or steps a small run, and checks
the month the policy is in force against the rule: the first month both thresholds are met, plus
the lag, never before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sasci_sim.analysis.anchors import years_to_national_policy
from sasci_sim.config.loader import validate
from sasci_sim.model.ensemble import Ensemble
from sasci_sim.model.population import State
from sasci_sim.model.rules.national import inspection_chance
from sasci_sim.model.rules.policy import (
    NOT_YET,
    councils_share_sustaining,
    follow_practice,
    in_force,
    policy_events,
    watch_practice,
)
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.seeds import derive_seed
from tests.support.core import IDENTICAL, binomial_ok, innovation, make_model, place, tiny_data, tiny_scenario


def policy_model(n: int = 400, councils: int = 10, seed: int = 3, **policy: object) -> SocialCareModel:
    spec = {"innovation": "practice", "councils_share": 0.3, "evidence": 0.4, "lag_months": 6, "compliance": 1.0}
    spec |= policy
    s = tiny_scenario(
        population={"local_authorities": councils, "providers": n, **IDENTICAL, "reserves_median_k": 10.0},
        innovations=[innovation("other"), innovation("practice", kind="social", evidence=0.1)],
        national={"policy_follows_practice": [spec]},
    )
    return make_model(s, seed=seed)


def sustain_in_councils(model: SocialCareModel, councils: list[int], j: int = 1) -> None:
    for c in councils:
        row = int(np.flatnonzero(model.providers.council == c)[0])
        place(model, [row], j, State.SUSTAINED)


def test_the_share_of_councils_counts_councils_with_a_sustaining_provider_as_the_spread_table_does() -> None:
    model = policy_model()
    sustain_in_councils(model, [0, 3, 7])
    extra = np.flatnonzero(model.providers.council == 3)[1:4]
    place(model, extra, 1, State.SUSTAINED)  # more in a council already reached: still one council
    place(model, np.flatnonzero(model.providers.council == 5)[:2], 1, State.PILOTING)  # piloting: not reached
    assert councils_share_sustaining(model, 1) == pytest.approx([0.3])
    model.recorder.record(model)
    assert model.recorder.councils_reached[model.steps, 1] == 3


def test_the_policy_starts_the_month_both_thresholds_are_met_plus_the_lag_never_before() -> None:
    model = policy_model(lag_months=6)
    model.t = 10
    model.evidence[1] = 0.5
    sustain_in_councils(model, [0, 1])  # 20% of councils: below 30%
    watch_practice(model, model.policy_clock)
    assert model.policy_clock.met[0, 0] == NOT_YET
    model.t = 11
    model.evidence[1] = 0.3  # councils enough, evidence not
    sustain_in_councils(model, [2])
    watch_practice(model, model.policy_clock)
    assert model.policy_clock.met[0, 0] == NOT_YET
    model.t = 12
    model.evidence[1] = 0.4  # both met now
    watch_practice(model, model.policy_clock)
    assert model.policy_clock.met[0, 0] == 12
    model.t = 13
    model.evidence[1] = 0.0  # falling back later does not undo it: the white paper is under way
    watch_practice(model, model.policy_clock)
    assert model.policy_clock.met[0, 0] == 12
    for t in range(13, 18):
        model.t = t
        model.reset_events()
        follow_practice(model, model.policy_clock)
        assert model.events["national_mandate"].sum() == 0 and model.events["inspections"].sum() == 0
    model.t = 18
    model.reset_events()
    follow_practice(model, model.policy_clock)
    assert list(model.events["national_mandate"]) == [0, 1]
    assert model.events["inspections"][1] > 0 and model.events["inspections"][0] == 0


def test_in_force_is_met_plus_lag_and_never_for_runs_not_met() -> None:
    met = np.array([NOT_YET, 5, 10])
    assert list(in_force(met, 3, 7)) == [False, False, False]
    assert list(in_force(met, 3, 8)) == [False, True, False]
    assert list(in_force(met, 3, 13)) == [False, True, True]


def test_once_in_force_it_acts_as_a_national_mandate_at_inspection() -> None:
    n = 4000
    model = policy_model(n=n, inspections_per_year=1.2, compliance=1.0)
    model.policy_clock.met[0, 0] = 1
    model.t = 7
    follow_practice(model, model.policy_clock)
    p = model.providers
    started = p.state[:, 1] == State.PILOTING
    assert binomial_ok(started.sum(), n, inspection_chance(1.2))
    assert p.approved[started, 1].all()
    assert (p.state[:, 0] == State.UNAWARE).all()
    assert model.events["mandated_starts"][1] == started.sum()


def test_off_by_default_no_column_and_no_change() -> None:
    plain = tiny_scenario(innovations=[innovation("practice", kind="social", initial_pilots=3)])
    assert policy_events(plain) == ()
    model = make_model(plain, seed=4)
    model.run()
    spread = model.recorder.tidy(model, 0)
    assert "national_mandate" not in spread.columns
    assert model.policy_clock.met.shape == (0, 1)


def test_a_policy_that_can_never_be_met_changes_nothing_but_its_column() -> None:
    base = tiny_data(
        simulation={"steps": 36, "replications": 1, "seed": 7},
        population={"local_authorities": 4, "providers": 200},
        innovations=[innovation("practice", kind="social", initial_pilots=5)],
    )
    plain = make_model(validate(base, "test"), seed=9)
    plain.run()
    never = base | {
        "national": {"policy_follows_practice": [{"innovation": "practice", "councils_share": 1.0, "evidence": 1.0}]}
    }
    ruled = make_model(validate(never, "test"), seed=9)
    ruled.run()
    got = ruled.recorder.tidy(ruled, 0)
    assert (got.pop("national_mandate") == 0).all()
    pd.testing.assert_frame_equal(got, plain.recorder.tidy(plain, 0), check_exact=True)
    assert years_to_national_policy(got.assign(national_mandate=0), None, None, innovation="practice") == np.inf


def reachable(steps: int = 120) -> dict:
    return tiny_data(
        simulation={"steps": steps, "replications": 1, "seed": 7},
        population={"local_authorities": 6, "providers": 300},
        innovations=[innovation("practice", kind="social", initial_pilots=20, evidence=0.3)],
        national={
            "policy_follows_practice": [
                {"innovation": "practice", "councils_share": 0.34, "evidence": 0.0, "lag_months": 4}
            ]
        },
    )


def test_the_recorded_policy_month_is_the_first_month_the_spread_table_shows_both_thresholds_plus_the_lag() -> None:
    scenario = validate(reachable(), "test")
    model = make_model(scenario, seed=derive_seed(3, 1))
    model.run()
    spread = model.recorder.tidy(model, 0)
    rows = spread[spread["innovation"] == "practice"].set_index("step")
    shown = rows.index[(rows["councils_reached"] / rows["local_authorities"] >= 0.34) & (rows["evidence"] >= 0.0)]
    assert len(shown), "the test scenario must reach its threshold"
    start = int(shown.min()) + 4
    on = rows.index[rows["national_mandate"] > 0]
    assert int(on.min()) == start and list(on) == list(range(start, int(rows.index.max()) + 1))
    assert years_to_national_policy(spread, None, scenario, innovation="practice") == pytest.approx(start / 12)


def test_each_run_of_a_batch_gets_its_own_policy_month_identical_to_the_run_alone() -> None:
    scenario = validate(reachable(), "test")
    seeds = [derive_seed(3, r) for r in range(6)]
    ensemble = Ensemble(scenario, seeds)
    ensemble.run()
    months = []
    for b, seed in enumerate(seeds):
        spread, money = ensemble.tables(b, 0)
        model = make_model(scenario, seed=seed)
        model.run()
        pd.testing.assert_frame_equal(spread, model.recorder.tidy(model, 0), check_exact=True)
        pd.testing.assert_frame_equal(money, model.recorder.money(0), check_exact=True)
        assert ensemble.policy_clock.met[0, b] == model.policy_clock.met[0, 0]
        months.append(int(ensemble.policy_clock.met[0, b]))
    assert len(set(months)) > 1, f"the runs should reach their thresholds in different months (got {months})"


def test_a_policy_for_an_unknown_innovation_is_refused() -> None:
    from sasci_sim.errors import InputError

    with pytest.raises(InputError, match="policy_follows_practice"):
        tiny_scenario(national={"policy_follows_practice": [{"innovation": "nowhere"}]})
