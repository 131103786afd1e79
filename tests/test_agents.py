"""Mesa agents are views of the arrays; creating them changes nothing in the results."""

from __future__ import annotations

import pandas as pd
import pytest

from sasci_sim import Funder, LocalAuthority, Payer, Provider, SocialCareModel, State
from sasci_sim.config.loader import load_scenario
from tests.support.core import innovation, tiny_scenario


@pytest.fixture
def model() -> SocialCareModel:
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": 30},
        innovations=[innovation("a"), innovation("b", "systems"), innovation("c", "social")],
    )
    return SocialCareModel(s, rng=5)


def test_one_agent_per_row_and_council(model: SocialCareModel) -> None:
    providers = list(model.agents_by_type[Provider])
    assert sorted(a.index for a in providers) == list(range(30))
    assert [a.index for a in model.agents_by_type[LocalAuthority]] == [0, 1, 2]
    assert len(model.agents_by_type[Funder]) == len(model.config.funding.funders)


def test_provider_reads_its_row_and_follows_changes(model: SocialCareModel) -> None:
    agent = next(a for a in model.agents_by_type[Provider] if a.index == 7)
    p = model.providers
    assert agent.state_of("b") == State.UNAWARE
    p.state[7, 1] = State.PILOTING
    p.payer[7, 1] = Payer.GRANT
    assert agent.state_of("b") == State.PILOTING and agent.state_of(1) == State.PILOTING
    assert agent.payer_of("b") == Payer.GRANT
    assert agent.states == {"a": State.UNAWARE, "b": State.PILOTING, "c": State.UNAWARE}
    p.reserves[7] = 123.5
    assert agent.reserves_k == 123.5
    p.collaboration[7] = 0.9
    assert agent.capabilities["collaboration"] == 0.9
    assert agent.capability == pytest.approx(float(p.capability[7]))
    assert agent.local_authority is model.local_authorities[int(p.council[7])]
    p.council[7] = (p.council[7] + 1) % 3
    assert agent.local_authority.index == int(p.council[7])
    assert agent.kind in ("residential", "domiciliary", "community")


def test_local_authority_reads_the_council_arrays(model: SocialCareModel) -> None:
    la = model.local_authorities[2]
    c = model.councils
    c.pressure[2] = 0.95
    c.pilot_pot[2] = 12.0
    c.budget[2] = 3.0
    c.committed[2] = 1.0
    c.reorganisations[2] = 4
    c.signed[2] = [False, True, False]
    assert (la.cost_saving_pressure, la.pilot_fund_k, la.budget_k_per_month) == (0.95, 12.0, 3.0)
    assert (la.committed_k_per_month, la.reorganisations, la.signed_up) == (1.0, 4, ["b"])
    assert la.n_providers == int((model.providers.council == 2).sum())


def test_funder_agents_count_their_grants() -> None:
    model = SocialCareModel(load_scenario(None), rng=3, provider_agents=False, n_providers=300, steps=13)
    model.run()
    total = sum(f.grants for f in model.funders)
    assert total == int(model.recorder.events["grants"].sum()) > 0
    assert sum(f.awarded_k for f in model.funders) == pytest.approx(model.recorder.scalars["grants_awarded_k"].sum())


def test_provider_views_do_not_change_results() -> None:
    scenario = load_scenario(None)
    frames = []
    for agents in (True, False):
        m = SocialCareModel(scenario, rng=2024, provider_agents=agents, n_providers=400, steps=36)
        m.run()
        frames.append((m.recorder.tidy(m, 0), m.recorder.money(0), m.datacollector.get_model_vars_dataframe()))
        assert len(m.agents_by_type[Provider]) == 400 if agents else Provider not in m.agents_by_type
    for with_views, without in zip(frames[0], frames[1], strict=True):
        pd.testing.assert_frame_equal(with_views, without)
    assert frames[0][0]["aware_new"].sum() > 0 and frames[0][0]["pilots_started"].sum() > 0  # something happened
