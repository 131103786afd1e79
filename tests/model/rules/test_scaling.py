"""The scaling rule against its documented equation: offer chance decision_rate * V * F, within the budget room.

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.scaling import council_rollout
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import binomial_ok, innovation, make_model, place, tiny_scenario

RATE = 0.2
PRESSURE = 0.5
# benefit 0.8, saving ratio 0.5 / 1.0: V = (1 - 0.5) * 0.8 + 0.5 * 0.5
VALUE = 0.65
COMPLEXITY = 0.8
CAPABILITY = 0.5
# F = 1 - complexity * (1 - capability)
FIT = 1.0 - COMPLEXITY * (1.0 - CAPABILITY)
# NC(1) = max(running - cashable * council_saving, 0) = 1.0 - 0.5 * 0.5
NET_COST = 0.75


def rollout_model(n: int = 6000, *innovations: dict[str, Any], seed: int = 3) -> SocialCareModel:
    """Two councils of equal pressure, identical providers, a budget that never binds."""
    if not innovations:
        innovations = (rolled_out(),)
    s = tiny_scenario(
        population={"local_authorities": 2, "providers": n},
        diffusion={"decision_rate_per_month": RATE, "max_concurrent_pilots": 2},
        local_authorities={
            "cost_saving_pressure": PRESSURE,
            "pressure_sd": 0.0,
            "cashable_saving_share": 0.5,
            "commissioning_budget_k_per_provider_month": 1e3,
        },
        innovations=list(innovations),
    )
    model = make_model(s, seed=seed)
    model.providers.capability[:] = CAPABILITY
    return model


def rolled_out(name: str = "records", kind: str = "business_model") -> dict[str, Any]:
    return innovation(
        name,
        kind=kind,
        benefit=0.8,
        commissioner_saving_k_per_month=0.5,
        running_cost_k_per_month=1.0,
        complexity=COMPLEXITY,
    )


def with_contract(model: SocialCareModel, col: int = 0, council: int = 0) -> np.ndarray:
    """One provider of ``council`` holds a council contract for ``col``; every other provider is aware of it.

    Returns the providers of ``council`` that are aware (candidates for an offer).
    """
    p = model.providers
    members = np.flatnonzero(p.council == council)
    place(model, np.arange(p.n), col, State.AWARE, approved=False)
    place(model, members[0], col, State.SUSTAINED, Payer.COUNCIL)
    return members[1:]


def new_contracts(model: SocialCareModel, col: int = 0) -> np.ndarray:
    p = model.providers
    return (p.state[:, col] == State.PILOTING) & (p.payer[:, col] == Payer.COUNCIL)


def test_offers_come_with_chance_rate_times_value_times_fit_only_where_the_council_commissions() -> None:
    model = rollout_model()
    candidates = with_contract(model)
    assert model.councils.pressure == pytest.approx([PRESSURE, PRESSURE])
    council_rollout(model)
    started = new_contracts(model)
    in_council_1 = model.providers.council == 1
    assert started[in_council_1].sum() == 0  # council 1 commissions nothing: no roll-out there
    assert binomial_ok(started[candidates].sum(), candidates.size, RATE * VALUE * FIT)
    assert started.sum() == started[candidates].sum() == model.events["pilots_started"][0]
    assert (~model.providers.approved[started]).all()  # a roll-out pilot still waits for approval
    assert model.councils.committed == pytest.approx([NET_COST * started.sum(), 0.0])


def test_offers_stop_when_the_council_budget_room_runs_out() -> None:
    model = rollout_model()
    with_contract(model)
    c = model.councils
    c.budget[:] = 100.0
    c.committed[:] = [100.0 - 3 * NET_COST - 0.1, 0.0]  # room for three contracts, not four
    council_rollout(model)
    assert new_contracts(model).sum() == 3
    assert c.committed[0] == pytest.approx(100.0 - 0.1)


def test_a_provider_takes_at_most_one_contract_a_month_and_only_with_capacity() -> None:
    n = 4000
    model = rollout_model(n, rolled_out("a"), rolled_out("b"), innovation("busy-1"), innovation("busy-2"))
    candidates = with_contract(model, col=0)
    with_contract(model, col=1)
    full = candidates[: candidates.size // 2]  # already running max_concurrent_pilots pilots
    place(model, full, 2, State.PILOTING, Payer.OWN)
    place(model, full, 3, State.PILOTING, Payer.OWN)
    free = candidates[candidates.size // 2 :]
    council_rollout(model)
    per_provider = new_contracts(model, 0).astype(int) + new_contracts(model, 1)
    assert per_provider.max() == 1
    assert per_provider[full].sum() == 0
    # an offer for either innovation, each with chance rate * V * F, gives one contract
    p = RATE * VALUE * FIT
    assert binomial_ok(per_provider[free].sum(), free.size, 1 - (1 - p) ** 2)


def test_systems_offers_need_the_council_signed_up() -> None:
    model = rollout_model(2000, rolled_out("certificate", kind="systems"))
    candidates = with_contract(model)
    council_rollout(model)
    assert new_contracts(model).sum() == 0
    model.councils.signed[0, 0] = True
    council_rollout(model)
    assert binomial_ok(new_contracts(model)[candidates].sum(), candidates.size, RATE * VALUE * FIT)
