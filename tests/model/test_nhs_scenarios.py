"""The shipped NHS scenarios do what they say, at a small size: pools commission more, the joint fund pays."""

from __future__ import annotations

import pandas as pd

from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import SCENARIOS

SMALL = ["population.providers=600", "population.local_authorities=6"]


def run(name: str, steps: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = run_replications(load_scenario(SCENARIOS / name, SMALL), replications=3, seed=2, steps=steps)
    return result.spread, result.money


def commissioned_at_end(spread: pd.DataFrame) -> pd.Series:
    return spread[spread.step == spread.step.max()].groupby("replication")["commissioned"].sum()


def test_pooled_budgets_commission_more_than_councils_alone_and_the_nhs_pays_its_share() -> None:
    alone, alone_money = run("short_term_funding.yaml")
    pooled, pooled_money = run("nhs_pooled_budget.yaml")
    # same seeds: every replication with pools commissions more than the same replication without
    assert (commissioned_at_end(pooled) > commissioned_at_end(alone)).all()
    assert (alone_money.nhs_spend_k == 0).all()
    assert (pooled_money.groupby("replication").nhs_spend_k.sum() > 0).all()
    # the wrong pocket: NHS savings arise whether or not the councils pool
    assert (alone_money.groupby("replication").nhs_savings_k.sum() > 0).all()


def test_the_joint_fund_pays_through_the_pools_and_no_grants_are_awarded() -> None:
    _, money = run("joint_health_social_care_fund.yaml")
    totals = money.groupby("replication").sum()
    assert (totals.grants_awarded_k == 0).all()
    assert (totals.joint_fund_spent_k > 0).all()
    # its pots never pay out more than the fund has paid in so far (3m a year, 250k a month from month 1)
    for _, rep in money.sort_values("step").groupby("replication"):
        paid_in = 3000 / 12 * rep.step.clip(lower=0)
        assert (rep.joint_fund_spent_k.cumsum().to_numpy() <= paid_in.to_numpy() + 1e-6).all()


def test_pools_never_commit_beyond_their_budget_and_no_money_goes_negative_when_the_fund_ends() -> None:
    overrides = [
        *SMALL,
        "population.providers=400",
        "nhs.pooled_council_share=0.6",
        "nhs.joint_fund_months=40",
        "simulation.steps=80",
    ]
    for seed in (0, 1):
        model = SocialCareModel(load_scenario(SCENARIOS / "joint_health_social_care_fund.yaml", overrides), rng=seed)
        while model.running:
            model.step()
            c = model.councils
            assert (c.committed <= c.budget + 1e-6).all(), model.steps
            assert all(v >= -1e-9 for v in model.events_scalar.values()), model.steps
            assert (model.boards.committed >= 0).all()
        assert model.boards.pooled.sum() == 4  # 0.6 of 6 councils, rounded
