"""The ensemble engine: a run's tables do not depend on the batch it is stepped in (ODD: Ensemble engine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sasci_sim.config.loader import validate
from sasci_sim.config.schema import Scenario
from sasci_sim.model.blocks import Blocks
from sasci_sim.model.ensemble import Ensemble, batch_key
from sasci_sim.model.kernels.columns import column_counts, column_counts_by_block
from sasci_sim.model.kernels.sampling import bernoulli_blocks, bernoulli_indices, cells_with_chance
from sasci_sim.model.kernels.streams import Streams
from sasci_sim.seeds import derive_seed
from tests.support.batches import SCENARIOS_COVERED, alone, in_batch, small


@pytest.mark.parametrize("path", SCENARIOS_COVERED)
def test_a_run_alone_and_inside_batches_of_8_and_32_gives_identical_tables(path: str | None) -> None:
    scenario = small(path)
    seed = derive_seed(1, 3)
    spread, money = alone(scenario, seed)
    others = [derive_seed(2, r) for r in range(40)]
    batch_of_8 = [*others[:5], seed, *others[5:7]]  # the run in the middle
    batch_of_32 = [seed, *others[7:38]]  # first, with other companions
    for seeds in (batch_of_8, batch_of_32):
        got_spread, got_money = in_batch(scenario, seeds, seeds.index(seed))
        pd.testing.assert_frame_equal(got_spread, spread, check_exact=True)
        pd.testing.assert_frame_equal(got_money, money, check_exact=True)


def test_every_run_of_a_batch_matches_its_run_alone_over_ten_years() -> None:
    scenario = small(None, providers=400, steps=120)
    seeds = [derive_seed(5, r) for r in range(8)]
    ensemble = Ensemble(scenario, seeds)
    ensemble.run()
    for b, seed in enumerate(seeds):
        spread, money = ensemble.tables(b, 0)
        want_spread, want_money = alone(scenario, seed)
        pd.testing.assert_frame_equal(spread, want_spread, check_exact=True)
        pd.testing.assert_frame_equal(money, want_money, check_exact=True)


def test_runs_of_a_batch_differ_from_one_another() -> None:
    ensemble = Ensemble(small(None), [11, 12])
    ensemble.run()
    first, second = (ensemble.tables(b, 0)[0] for b in range(2))
    assert not first["aware"].equals(second["aware"])


def test_a_batch_of_one_draws_from_the_run_s_own_stream() -> None:
    rng = np.random.default_rng(4)
    blocks = Blocks([rng], n=10, l=2, m=3)
    state = rng.bit_generator.state
    got = blocks.uniform_rows(np.arange(5))
    rng.bit_generator.state = state
    assert np.array_equal(got, rng.random(5))


def test_each_block_draws_its_items_in_their_order_from_its_own_stream() -> None:
    seeds = [1, 2, 3]
    blocks = Blocks([np.random.default_rng(s) for s in seeds], n=4, l=1, m=2)
    rows = np.array([9, 1, 8, 0, 2])  # blocks 2, 0, 2, 0, 0: unsorted
    got = blocks.uniform_rows(rows)
    first, third = np.random.default_rng(1).random(3), np.random.default_rng(3).random(2)
    assert np.array_equal(got[[1, 3, 4]], first)
    assert np.array_equal(got[[0, 2]], third)
    assert blocks.rngs[1].random() == np.random.default_rng(2).random()  # block 1 drew nothing


def test_a_block_whose_bound_is_zero_draws_nothing() -> None:
    blocks = Blocks([np.random.default_rng(s) for s in (1, 2)], n=5, l=1, m=1)
    keep = blocks.thin(np.array([0, 0, 1, 1]), np.array([0.5, 0.5, 0.0, 0.0]), np.array([1.0, 0.0]))
    assert not keep[2:].any()
    assert blocks.rngs[1].random() == np.random.default_rng(2).random()


def test_sparse_cells_of_each_block_are_offset_to_its_rows() -> None:
    blocks = Blocks([np.random.default_rng(s) for s in (1, 2)], n=50, l=1, m=4)
    values = np.zeros((100, 4), dtype=np.int8)
    values[50:] = 1  # only block 1's cells hold the value
    cells = blocks.cells_with_chance(values, 1, 0.1)
    assert cells.size > 0 and (cells >= 200).all()
    assert np.array_equal(cells - 200, cells_with_chance(np.random.default_rng(2), values[50:], 1, 0.1))


def test_per_run_sums_add_as_a_run_alone_adds() -> None:
    rng = np.random.default_rng(0)
    values = rng.random(1000) * 1e6
    blocks = Blocks([np.random.default_rng(s) for s in range(3)], n=10, l=1, m=1)
    which = np.sort(rng.integers(0, 3, size=1000))
    got = blocks.sums(values, which)
    for b in range(3):
        assert got[b] == float(values[which == b].sum())


def with_values(scenario: Scenario, **values: float) -> Scenario:
    """The scenario with some of ``PER_RUN_PARAMETERS`` set (``section__name=value``)."""
    data = scenario.model_dump()
    for key, value in values.items():
        section, name = key.split("__")
        data[section][name] = value
    return validate(data, "test")


@pytest.mark.parametrize("path", [None, "england.yaml", "validation/bass_limit.yaml"])
def test_a_batch_mixing_parameter_sets_gives_each_run_its_own_tables(path: str | None) -> None:
    base = small(path, steps=36)
    rng = np.random.default_rng(0)
    scenarios = [
        with_values(
            base,
            diffusion__decision_rate_per_month=float(rng.uniform(0.002, 0.1)),
            local_authorities__signup_rate_per_month=float(rng.uniform(0.05, 1.0)),
            local_authorities__commissioning_propensity=float(rng.uniform(0.2, 1.0)),
            abandonment__base_hazard_per_month=float(rng.choice([0.0, 0.002, 0.01])),
            research__dissemination_per_month=float(rng.uniform(0.001, 0.05)),
            population__surplus_k_per_month=float(rng.uniform(0.3, 5.0)),
        )
        for _ in range(8)
    ]
    seeds = [derive_seed(9, r) for r in range(8)]
    ensemble = Ensemble(scenarios, seeds)
    ensemble.run()
    for b in (0, 3, 7):
        spread, money = ensemble.tables(b, 0)
        want_spread, want_money = alone(scenarios[b], seeds[b])
        pd.testing.assert_frame_equal(spread, want_spread, check_exact=True)
        pd.testing.assert_frame_equal(money, want_money, check_exact=True)
    assert ensemble.tables(0, 0)[0]["pilots_started"].sum() != ensemble.tables(1, 0)[0]["pilots_started"].sum()


def lever_values(rng: np.random.Generator, run: int, joint_fund: bool = False) -> dict[str, float | int]:
    """Values of every policy lever of ``PER_RUN_PARAMETERS`` for one run of a mixed batch.

    Each run has its own call calendar (first call, interval) and grant length, so the funders'
    schedules differ from run to run; run 5 has no grant money and run 6 councils at full
    cost-saving pressure (the edge cases the rules treat on their own). With ``joint_fund``, each
    run's joint fund has its own size too.
    """
    fund = {"nhs__joint_fund_k_per_year": float(rng.uniform(500.0, 20000.0))} if joint_fund else {}
    return fund | {
        "regulation__flexibility": float(rng.uniform(0.0, 1.0)),
        "local_authorities__cost_saving_pressure": 1.0 if run == 6 else float(rng.uniform(0.0, 1.0)),
        "local_authorities__pilot_fund_k_per_year": float(rng.uniform(0.0, 400.0)),
        "research__evidence_role": float(rng.uniform(0.0, 1.0)),
        "diffusion__peer_influence": float(rng.uniform(0.05, 0.6)),
        "funding__grant_duration_months": int(rng.integers(3, 30)),
        "funding__budget_per_call_k": 0.0 if run == 5 else float(rng.uniform(500.0, 8000.0)),
        "funding__call_interval_months": int(rng.integers(2, 13)),
        "funding__first_call_month": int(rng.integers(1, 16)),
        "funding__application_rate": float(rng.uniform(0.05, 1.0)),
        "funding__scale_share": float(rng.uniform(0.0, 1.0)),
    }


@pytest.mark.parametrize(
    "path",
    [
        None,
        "england.yaml",
        "validation/bass_limit.yaml",
        "national_programme.yaml",
        "joint_health_social_care_fund.yaml",
        "last_call",
    ],
)
def test_a_batch_mixing_every_policy_lever_gives_each_run_its_own_tables(path: str | None) -> None:
    """Each run alone and inside a batch of 8 runs that differ in every lever give identical tables."""
    base = small("national_programme.yaml" if path == "last_call" else path, steps=48)
    if path == "last_call":  # calls stop part-way, in every run
        base = with_values(base, funding__last_call_month=30)
    rng = np.random.default_rng(16)
    joint = base.nhs.joint_fund_k_per_year > 0
    scenarios = [with_values(base, **lever_values(rng, b, joint)) for b in range(8)]
    seeds = [derive_seed(16, r) for r in range(8)]
    ensemble = Ensemble(scenarios, seeds)
    ensemble.run()
    grant_months, fund_spent = [], set()
    for b in range(8):
        spread, money = ensemble.tables(b, 0)
        want_spread, want_money = alone(scenarios[b], seeds[b])
        pd.testing.assert_frame_equal(spread, want_spread, check_exact=True)
        pd.testing.assert_frame_equal(money, want_money, check_exact=True)
        grant_months.append(tuple(money.loc[money["grants_awarded_k"] > 0, "step"]))
        fund_spent.add(float(money["joint_fund_spent_k"].sum()))
    assert grant_months[5] == ()  # no money, no grants
    if path != "validation/bass_limit.yaml":  # (the Bass limit has no funders' calls)
        assert len({months for months in grant_months if months}) >= 6  # the calendars really differ
    if joint:
        assert len(fund_spent) == 8  # each run's fund of its own size pays its pools' pilots


def test_runs_sharing_a_call_calendar_but_not_its_money_or_grant_length_match_runs_alone() -> None:
    """One calendar for all, but each run its own budget (one none), grant length and funders' rules."""
    base = small(None, steps=48)
    values = [(0.0, 6), (2500.0, 12), (9000.0, 36), (4000.0, 24)]
    scenarios = [
        with_values(base, funding__budget_per_call_k=budget, funding__grant_duration_months=months)
        for budget, months in values
    ]
    seeds = [derive_seed(17, r) for r in range(4)]
    ensemble = Ensemble(scenarios, seeds)
    ensemble.run()
    awarded = []
    for b in range(4):
        spread, money = ensemble.tables(b, 0)
        want_spread, want_money = alone(scenarios[b], seeds[b])
        pd.testing.assert_frame_equal(spread, want_spread, check_exact=True)
        pd.testing.assert_frame_equal(money, want_money, check_exact=True)
        awarded.append(float(money["grants_awarded_k"].sum()))
    assert awarded[0] == 0.0 and len(set(awarded[1:])) == 3


def test_a_batch_of_one_computes_with_the_scenario_s_own_lever_values() -> None:
    """A run alone reads each lever as the scalar its scenario holds (ints for months), no per-row gather."""
    scenario = small(None, steps=1)
    blocks = Ensemble(scenario, [1]).blocks
    for key in ("funding.call_interval_months", "funding.grant_duration_months", "funding.first_call_month"):
        section, name = key.split(".")
        value = blocks.param_rows(key, np.arange(5))
        assert type(value) is int and value == getattr(getattr(scenario, section), name)
    assert blocks.param_rows("research.evidence_role", np.arange(5)) == scenario.research.evidence_role
    mixed = Ensemble([scenario, with_values(scenario, research__evidence_role=0.9)], [1, 2]).blocks
    assert mixed.param_rows("research.evidence_role", np.array([0, mixed.n])).tolist() == [
        scenario.research.evidence_role,
        0.9,
    ]
    assert mixed.param_rows("funding.call_interval_months", np.arange(3)) == scenario.funding.call_interval_months


def test_runs_that_differ_in_anything_else_cannot_share_a_batch() -> None:
    base = small(None)
    other = with_values(base, diffusion__external_influence=0.02)
    with pytest.raises(ValueError, match="may differ only in"):
        Ensemble([base, other], [1, 2])
    assert batch_key(base) != batch_key(other)
    assert batch_key(base) == batch_key(with_values(base, diffusion__decision_rate_per_month=0.05))
    assert batch_key(base) == batch_key(with_values(base, **lever_values(np.random.default_rng(1), 0)))
    assert batch_key(base) != batch_key(with_values(base, funding__last_call_month=40))  # not per run
    funded = with_values(base, nhs__joint_fund_k_per_year=1000.0)
    assert batch_key(funded) == batch_key(with_values(base, nhs__joint_fund_k_per_year=5000.0))  # its size
    assert batch_key(funded) != batch_key(base)  # but whether there is a fund at all is shared


def test_run_many_groups_runs_into_batches_and_keeps_their_order() -> None:
    from sasci_sim.experiments.replications import run_many

    base = small(None, steps=12)
    scenarios = [
        with_values(base, diffusion__decision_rate_per_month=0.05),
        with_values(base, diffusion__external_influence=0.02),  # a batch of its own
        base,
    ]
    got = run_many(scenarios, [1, 2, 3], [0, 1, 2])
    for scenario, seed, replication, (spread, money, figures) in zip(scenarios, [1, 2, 3], [0, 1, 2], got, strict=True):
        want_spread, want_money = alone(scenario, seed)
        pd.testing.assert_frame_equal(spread, want_spread.assign(replication=replication), check_exact=True)
        pd.testing.assert_frame_equal(money, want_money.assign(replication=replication), check_exact=True)
        assert figures["replication"] == replication


@pytest.mark.parametrize("trial", range(40))
def test_bernoulli_blocks_draws_what_each_block_draws_alone(trial: int) -> None:
    r = np.random.default_rng(trial)
    blocks, size = int(r.integers(1, 7)), int(r.integers(0, 3000))
    chances = r.choice([0.0, 1e-4, 0.01, 0.1, 0.19, 0.3, 1.0], size=blocks)
    seeds = r.integers(0, 1000, blocks)
    got = bernoulli_blocks(Streams([np.random.default_rng(s) for s in seeds]), size, chances)
    want = [
        bernoulli_indices(np.random.default_rng(s), size, p) + b * size
        for b, (s, p) in enumerate(zip(seeds, chances, strict=True))
    ]
    assert np.array_equal(got, np.concatenate(want))


def test_bernoulli_blocks_goes_on_alone_when_a_first_chunk_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import sasci_sim.model.kernels.sampling as sampling

    real = sampling.math.sqrt
    monkeypatch.setattr(sampling.math, "sqrt", lambda x: -(x + 14.0) / 6.0)  # first chunks of one or two gaps
    got = bernoulli_blocks(Streams([np.random.default_rng(s) for s in (1, 2, 3)]), 400, np.array([0.05, 0.1, 0.02]))
    want = [
        bernoulli_indices(np.random.default_rng(s), 400, p) + b * 400
        for b, (s, p) in enumerate([(1, 0.05), (2, 0.1), (3, 0.02)])
    ]
    monkeypatch.setattr(sampling.math, "sqrt", real)
    assert np.array_equal(got, np.concatenate(want))
    assert got.size > 30


@pytest.mark.parametrize("trial", range(20))
def test_column_counts_by_block_equals_each_block_counted_alone(trial: int) -> None:
    r = np.random.default_rng(trial)
    blocks, n, m = int(r.integers(1, 9)), int(r.integers(1, 700)), int(r.integers(1, 30))
    mask = r.random((blocks * n, m)) < r.random()
    want = np.concatenate([column_counts(mask[b * n : (b + 1) * n]) for b in range(blocks)])
    assert np.array_equal(column_counts_by_block(mask, blocks), want)


def test_outcomes_of_many_runs_are_those_of_each_run_alone() -> None:
    from sasci_sim.experiments.simulate import run_outcomes, run_outcomes_many

    base = small(None, steps=12)
    scenarios = [base, with_values(base, research__dissemination_per_month=0.04), base]
    many = run_outcomes_many(scenarios, [4, 5, 6])
    for scenario, seed, got in zip(scenarios, [4, 5, 6], many, strict=True):
        want = run_outcomes(scenario, seed)
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert np.array_equal(np.asarray(got[key]), np.asarray(value), equal_nan=True), key


def test_a_batch_with_readoption_reinvested_savings_and_pooling_on_a_network_matches_runs_alone() -> None:
    data = small("national_programme.yaml", steps=40).model_dump()
    data["abandonment"].update(readoption=True, readoption_hazard_per_month=0.2, base_hazard_per_month=0.01)
    data["local_authorities"].update(
        savings_reinvestment_share=0.5, overspend_pressure_rise=0.2, reorganisation_rate_per_year=1.0
    )
    data["nhs"]["pooled_council_share"] = 0.5
    scenario = validate(data, "test")
    seeds = [derive_seed(3, r) for r in range(8)]
    ensemble = Ensemble(scenario, seeds)
    ensemble.run()
    for b in (0, 5):
        spread, money = ensemble.tables(b, 0)
        want_spread, want_money = alone(scenario, seeds[b])
        pd.testing.assert_frame_equal(spread, want_spread, check_exact=True)
        pd.testing.assert_frame_equal(money, want_money, check_exact=True)
    assert money["reorganisations"].sum() > 0
