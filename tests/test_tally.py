"""The Recorder's tallies, kept from the cells that changed, equal a full recount (sasci_sim/model/tally.py).

They must stay right whatever wrote the arrays: the rules, or a hand edit as
the tests and the teaching page make.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.kernels.columns import column_counts
from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.model.tally import CellTally
from tests.support.core import innovation, make_model, tiny_scenario


def recount(model: SocialCareModel) -> dict[str, np.ndarray]:
    """Every tally computed from scratch, one column count at a time."""
    p = model.providers
    sustained = p.state == State.SUSTAINED
    active = sustained | (p.state == State.PILOTING)
    m = p.state.shape[1]
    reached = np.zeros((model.councils.n, m), dtype=bool)
    rows, cols = np.nonzero(sustained)
    reached[p.council[rows], cols] = True
    return {
        "states": np.array([column_counts(p.state == s) for s in State]),
        "ever_abandoned": column_counts(p.ever_abandoned),
        "partial": column_counts(p.partial & sustained),
        "after_grant": column_counts(sustained & (p.grant_end != NO_MONTH)),
        "payers": np.array([column_counts(active & (p.payer == k)) for k in Payer]),
        "reached": reached.sum(axis=0),
    }


def tallied(tally: CellTally) -> dict[str, np.ndarray]:
    return {
        "states": tally.states,
        "ever_abandoned": tally.ever_abandoned,
        "partial": tally.partial,
        "after_grant": tally.after_grant,
        "payers": tally.payers,
        "reached": tally.councils_reached(),
    }


@pytest.mark.parametrize("providers", [13, 200])  # 13 x 3 cells: not a whole number of 8-cell words
def test_tally_equals_a_recount_after_rules_and_hand_edits(providers: int) -> None:
    s = tiny_scenario(
        simulation={"steps": 40},
        population={"local_authorities": 3, "providers": providers},
        diffusion={"external_influence": 0.05, "decision_rate_per_month": 0.3},
        abandonment={"readoption": True, "readoption_hazard_per_month": 0.2},
        innovations=[
            innovation("a", initial_pilots=2),
            innovation("b", "systems", initial_pilots=2),
            innovation("c", "social", initial_pilots=2),
        ],
    )
    model = make_model(s, seed=3)
    p = model.providers
    rng = np.random.default_rng(0)
    for month in range(40):
        model.step()
        if month % 3 == 0:  # hand edits of every watched array, including alone
            cells = rng.integers(0, p.state.size, 6)
            p.state.ravel()[cells[:2]] = rng.integers(0, len(State), 2)
            p.payer.ravel()[cells[2]] = rng.integers(0, len(Payer))
            p.partial.ravel()[cells[3]] ^= True
            p.ever_abandoned.ravel()[cells[4]] ^= True
            p.grant_end.ravel()[cells[5]] = NO_MONTH if p.grant_end.ravel()[cells[5]] != NO_MONTH else month
        model.recorder.tally.update(p)
        expected, got = recount(model), tallied(model.recorder.tally)
        for name in expected:
            assert np.array_equal(got[name], expected[name]), (month, name)


def test_recorder_reports_the_tallies_of_its_month() -> None:
    s = tiny_scenario(population={"local_authorities": 2, "providers": 30}, innovations=[innovation("a")])
    model = make_model(s)
    model.providers.state[:4, 0] = State.SUSTAINED
    model.providers.payer[:4, 0] = Payer.COUNCIL
    model.recorder.record(model)
    t = model.recorder.t
    assert model.recorder.counts[t, :, 0].tolist() == [26, 0, 0, 4, 0]
    assert model.recorder.by_payer[t, :, 0].tolist() == [0, 0, 0, 4]  # own, grant, pilot fund, council
    assert model.recorder.councils_reached[t, 0] == len(set(model.providers.council[:4].tolist()))
