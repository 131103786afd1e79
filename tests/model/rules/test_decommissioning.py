"""Decommissioning against ODD 'decommissioning': a budget that falls below commitments drops contracts."""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.commissioning import refresh_commitments
from sasci_sim.model.rules.decommissioning import drop_unaffordable
from sasci_sim.model.rules.pooled import share_pooled_costs
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import FULL_PROOF, IDENTICAL, innovation, make_model, place, tiny_scenario


def contracted() -> SocialCareModel:
    """Twenty commissioned sites in one council: ten of a valued innovation, ten of a less valued one."""
    scenario = tiny_scenario(
        population={"local_authorities": 1, "providers": 10, **IDENTICAL},
        local_authorities={"cost_saving_pressure": 0.0},
        innovations=[
            innovation("good", benefit=0.9, running_cost_k_per_month=1.0, double_running_k_per_month=0.0),
            innovation("fair", benefit=0.3, running_cost_k_per_month=1.0, double_running_k_per_month=0.0),
        ],
    )
    model = make_model(scenario)
    for j in (0, 1):
        place(model, np.arange(10), j, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    model.councils.budget[:] = 20.0
    model.boards.last_budget[:] = 20.0
    refresh_commitments(model)
    return model


def test_a_fallen_budget_keeps_the_most_valued_contracts() -> None:
    model = contracted()
    model.councils.budget[:] = 12.5
    drop_unaffordable(model)
    p = model.providers
    assert (p.state[:, 0] == State.SUSTAINED).all()
    assert (p.state[:, 1] == State.SUSTAINED).sum() == 2
    assert model.events["abandoned_review"].tolist() == [0, 8]
    assert model.councils.committed[0] == 12.0


def test_a_council_over_budget_whose_budget_did_not_fall_is_left_alone() -> None:
    model = contracted()
    model.councils.budget[:] = 12.5
    model.boards.last_budget[:] = 12.5  # it began the run with these contracts
    drop_unaffordable(model)
    assert (model.providers.state == State.SUSTAINED).all()


def test_the_joint_fund_is_no_room_for_contracts_so_its_end_drops_none() -> None:
    """The fund pays pilots and double running from its pot; running contracts are the partners' (ODD 7.14)."""
    scenario = tiny_scenario(
        population={"local_authorities": 1, "providers": 10, **IDENTICAL},
        local_authorities={"commissioning_budget_k_per_provider_month": 0.0},
        nhs={"pooled_council_share": 1.0, "joint_fund_k_per_year": 240.0, "joint_fund_months": 2},
        innovations=[innovation(running_cost_k_per_month=1.0, double_running_k_per_month=0.0)],
    )
    model = make_model(scenario)
    assert model.councils.budget[0] == 0.0  # the fund's 240 a year is not the pool's commissioning money
    assert model.boards.fund_pot[0] == 20.0  # it is in the pool's joint pot
    place(model, np.arange(10), 0, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    refresh_commitments(model)
    model.t = 2  # the fund's last month: its pot lapses, the pool's budget does not move
    share_pooled_costs(model)
    drop_unaffordable(model)
    assert model.boards.fund_pot[0] == 0.0 and model.councils.budget[0] == 0.0
    assert (model.providers.state[:, 0] == State.SUSTAINED).all()  # the fund's end drops none of them


def test_double_running_due_this_month_counts_when_the_budget_falls() -> None:
    """The smaller budget applies now: contracts must fit with the double running still due this month."""
    scenario = tiny_scenario(
        population={"local_authorities": 1, "providers": 10, **IDENTICAL},
        local_authorities={"cost_saving_pressure": 0.0},
        innovations=[innovation("good", benefit=0.9, running_cost_k_per_month=1.0, double_running_k_per_month=0.5)],
    )
    model = make_model(scenario)
    place(model, np.arange(10), 0, State.SUSTAINED, Payer.COUNCIL, months=FULL_PROOF)
    model.t = 30
    model.providers.transition_end[:, 0] = 31  # the old service still runs this month, not next
    model.councils.budget[:] = 20.0
    model.boards.last_budget[:] = 20.0
    refresh_commitments(model)
    assert model.councils.committed[0] == 15.0
    model.councils.budget[:] = 12.5
    drop_unaffordable(model)
    assert (model.providers.state[:, 0] == State.SUSTAINED).sum() == 8  # 8 x 1.5 fits in 12.5, 10 x 1.0 would not now
    assert model.councils.committed[0] <= 12.5
