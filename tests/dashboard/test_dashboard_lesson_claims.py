"""What each lesson's narrative tells the class to look for, checked on the model over paired seeds.

Each claim compares the lesson's run with the change its "What to try" suggests, seed by seed
(common random numbers), and asks the mean paired difference to be at least three standard
errors from zero in the claimed direction. If a recalibration breaks one, the narrative (not
this test) must change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from sasci_sim.config.schema import KINDS
from sasci_sim.model.population import State
from sasci_sim.model.recording import PAYER_COLUMNS, Recorder
from sasci_sim.ui.dashboard.catalogue import read_lessons
from sasci_sim.ui.dashboard.model import LessonModel

pytestmark = pytest.mark.slow

LESSONS = {e.key: e for e in read_lessons()}
SEEDS = tuple(range(11, 31))  # twenty paired seeds: enough power for the weakest claim at 3 SE
#: The joint-funding lesson's "What to try": the fund off and grants of two years.
SHORT_GRANTS_NO_FUND = (("grant_duration_months", 24), ("joint_funding", False))


@pytest.fixture(scope="module", autouse=True)
def forget_the_runs() -> Iterator[None]:
    """The kept runs (about 80 MB) are let go when this module's claims are done."""
    yield
    lesson_run.cache_clear()


@functools.cache
def lesson_run(key: str, change: tuple[tuple[str, Any], ...], seed: int) -> tuple[LessonModel, Recorder]:
    """One run of a lesson with ``change``'s levers, kept: several claims measure the same runs."""
    model = LessonModel(LESSONS[key], rng=seed, **dict(change))
    return model, model.run()


def paired_gain(
    key: str, change: dict, measure: Callable[[LessonModel, Recorder], float], seeds: Iterable[int] = SEEDS
) -> np.ndarray:
    """measure(changed run) - measure(lesson run), one value per seed."""
    levers = tuple(sorted(change.items()))
    out = [measure(*lesson_run(key, levers, seed)) - measure(*lesson_run(key, (), seed)) for seed in seeds]
    return np.array(out, dtype=float)


def assert_clearly_positive(gain: np.ndarray) -> None:
    se = gain.std(ddof=1) / np.sqrt(len(gain))
    assert gain.mean() > 3 * se and gain.mean() > 0, f"paired gains {gain} (mean {gain.mean():.2f}, se {se:.2f})"


def cliff_losses(model: LessonModel, rec: Recorder) -> float:
    return float(rec.events["abandoned_cliff"].sum())


def test_funding_cliff_longer_grants_lose_fewer_pilots_at_the_cliff() -> None:
    assert_clearly_positive(-paired_gain("funding_cliff", {"grant_duration_months": 60}, cliff_losses))


def test_joint_funding_switched_off_with_short_grants_brings_the_cliff_back() -> None:
    assert_clearly_positive(paired_gain("joint_funding", dict(SHORT_GRANTS_NO_FUND), cliff_losses))


def sustained_at_end(model: LessonModel, rec: Recorder) -> float:
    return float(rec.counts[-1][State.SUSTAINED].sum())


def test_joint_funding_switched_off_with_short_grants_leaves_far_fewer_sustaining() -> None:
    assert_clearly_positive(-paired_gain("joint_funding", dict(SHORT_GRANTS_NO_FUND), sustained_at_end))


def test_joint_funding_the_pools_without_the_fund_keep_a_clear_gain_over_short_grants() -> None:
    """What students ask: the same pools with the fund at zero still sustain clearly more than short grants.

    Only that is claimed: at this size the split of the whole gain between pooling and the fund's
    money is too noisy to call at ten years (ODD 6.3 gives the split at full size).
    """
    entry = LESSONS["joint_funding"]
    nhs = entry.scenario.nhs.model_copy(update={"joint_fund_k_per_year": 0.0})
    pools_only = replace(entry, scenario=entry.scenario.model_copy(update={"nhs": nhs}))
    gains = []
    for seed in SEEDS:
        pools = LessonModel(pools_only, rng=seed)
        off = lesson_run("joint_funding", SHORT_GRANTS_NO_FUND, seed)
        gains.append(sustained_at_end(pools, pools.run()) - sustained_at_end(*off))
    assert_clearly_positive(np.array(gains, dtype=float))


def test_savings_only_less_pressure_means_councils_keep_more_pilots_and_more_circles_of_support() -> None:
    """The lesson's claim: with less pressure councils pay to keep more pilots going, circles-of-support among them.

    Forty paired seeds. At the calibrated defaults (issue 14) the earlier claim, fewer falls-sensor
    months with less pressure, no longer held (about 1 standard error the other way), so the
    narrative changed; the falls-sensors difference is called unclear there and not tested.
    """
    commissioned = list(PAYER_COLUMNS).index("commissioned")

    def council_paid(name: str | None) -> Callable[[LessonModel, Recorder], float]:
        def measure(model: LessonModel, rec: Recorder) -> float:
            paid = rec.by_payer[:, commissioned, :]
            return float(paid.sum() if name is None else paid[:, model.portfolio.names.index(name)].sum())

        return measure

    for name in (None, "circles-of-support"):
        gain = paired_gain("savings_only", {"cost_saving_pressure": 0.1}, council_paid(name), seeds=range(11, 51))
        assert_clearly_positive(gain)


def test_red_tape_flexibility_means_fewer_pilots_given_up_while_waiting_for_approval() -> None:
    def lost_waiting(model: LessonModel, rec: Recorder) -> float:
        return float(rec.events["abandoned_rigidity"].sum())

    assert_clearly_positive(-paired_gain("red_tape", {"regulatory_flexibility": 0.9}, lost_waiting))


def test_social_innovations_keep_climbing_for_decades() -> None:
    entry = LESSONS["social_decades"]
    assert entry.scenario.simulation.steps >= 300
    gains = []
    for seed in SEEDS:
        model = LessonModel(entry, rng=seed)
        rec = model.run()
        social = model.portfolio.kind == KINDS.index("social")
        sustained = rec.counts[:, State.SUSTAINED][:, social].sum(axis=1)
        gains.append(sustained[300:].mean() - sustained[108:120].mean())  # years 26-30 against year 10
    assert_clearly_positive(np.array(gains, dtype=float))
