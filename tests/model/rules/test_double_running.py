"""Double running against ODD 'double_running': the commissioner pays the old service during the move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.rules.commissioning import refresh_commitments
from sasci_sim.model.rules.double_running import monthly_commitment, move_cost
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import FULL_PROOF, IDENTICAL, innovation, make_model, place, tiny_scenario


def cliff(n: int = 200, nhs: dict[str, Any] | None = None, **inn: Any) -> SocialCareModel:
    """Proven grant pilots at their cliff; councils value them fully and would commission every one."""
    scenario = tiny_scenario(
        population={"local_authorities": 2, "providers": n, **IDENTICAL, "reserves_median_k": 0.0},
        local_authorities={"cost_saving_pressure": 0.0, "commissioning_propensity": 1.0},
        research={"evidence_role": 0.0},
        nhs=nhs or {},
        innovations=[
            innovation(
                **{
                    "benefit": 1.0,
                    "running_cost_k_per_month": 1.0,
                    "commissioner_saving_k_per_month": 0.0,
                    "double_running_k_per_month": 0.5,
                    "transition_months": 4,
                    **inn,
                }
            )
        ],
    )
    model = make_model(scenario, seed=4)
    model.t = 24
    model.providers.surplus[:] = 0.0  # only the council can keep them going
    place(model, np.arange(n), 0, State.PILOTING, Payer.GRANT, grant_end=24, months=FULL_PROOF)
    return model


def commissioned(model: SocialCareModel) -> np.ndarray:
    return model.providers.payer[:, 0] == Payer.COUNCIL


def test_by_kind_defaults_fill_in_what_an_innovation_does_not_say() -> None:
    scenario = tiny_scenario(
        double_running={"months": {"systems": 9.0}, "cost_share": {"systems": 0.7}},
        innovations=[
            innovation("a", "systems", running_cost_k_per_month=2.0),
            innovation("b", "systems", double_running_k_per_month=0.1, transition_months=2),
        ],
    )
    port = make_model(scenario).portfolio
    assert np.allclose(port.double_running, [1.4, 0.1]) and np.allclose(port.transition, [9, 2])


def test_the_move_must_fit_in_the_budget_with_its_double_running() -> None:
    model = cliff()
    model.councils.budget[:] = 14.9  # ten sites of net cost 1 and double running 0.5 need 15
    funding_cliff(model)
    per_council = np.bincount(model.providers.council[commissioned(model)], minlength=2)
    assert per_council.tolist() == [9, 9]
    assert model.councils.committed.tolist() == pytest.approx([13.5, 13.5])
    # the providers paid nothing: the commissioner pays its own move
    assert np.allclose(model.providers.reserves, 0.0)


def test_a_grant_that_covered_double_running_leaves_only_the_contract() -> None:
    model = cliff()
    model.providers.double_covered[:, 0] = True
    model.councils.budget[:] = 14.9
    funding_cliff(model)
    assert np.bincount(model.providers.council[commissioned(model)], minlength=2).tolist() == [14, 14]
    assert (model.providers.transition_end[commissioned(model), 0] == NO_MONTH).all()


def test_the_joint_fund_pays_the_double_running_of_pooled_moves() -> None:
    nhs = {"pooled_council_share": 1.0, "match_ratio": 0.0, "joint_fund_k_per_year": 1.0}
    model = cliff(nhs=nhs)
    rows, cols = np.arange(4), np.zeros(4, dtype=np.int64)
    assert np.allclose(move_cost(model, rows, cols), 0.0)
    assert np.allclose(move_cost(cliff(), rows, cols), 0.5)


def test_double_running_is_committed_for_the_transition_months_only() -> None:
    model = cliff(n=20)
    model.councils.budget[:] = 1e6
    funding_cliff(model)
    assert commissioned(model).all()
    assert (model.providers.transition_end[:, 0] == 24 + 4).all()
    rows, cols = np.arange(20), np.zeros(20, dtype=np.int64)
    for t, dr in [(25, 0.5), (27, 0.5), (28, 0.0)]:
        model.t = t
        assert np.allclose(monthly_commitment(model, rows, cols), dr)
        refresh_commitments(model)
        assert model.councils.committed.sum() == pytest.approx(20 * (1.0 + dr))


def test_a_roll_out_contract_moves_only_if_the_council_can_afford_the_double_running() -> None:
    model = cliff(n=20)
    place(model, np.arange(20), 0, State.PILOTING, Payer.COUNCIL, months=FULL_PROOF)
    model.councils.committed[:] = 0.0
    model.councils.budget[:] = [1.0, 0.0]  # room for two moves in council 0, none in council 1
    funding_cliff(model)
    kept = commissioned(model)
    council = model.providers.council
    assert kept[council == 0].sum() == 2
    assert not kept[council == 1].any()
    assert (model.providers.state[~kept, 0] == State.ABANDONED).all()
