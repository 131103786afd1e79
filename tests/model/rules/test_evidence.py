"""The evidence rule against its documented equation: E = 1 - (1 - E0) exp(-A / K).

A test builds a tiny model, sets cells by hand, calls one rule and compares the outcome with the
equation; random rules are checked with binomial or normal tolerances of four standard errors
(tests.support.core.binomial_ok), a false alarm about once in 16,000 checks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.evidence import accumulate_evidence
from tests.support.core import innovation, make_model, place, tiny_scenario


def test_evidence_follows_the_saturating_formula() -> None:
    s = tiny_scenario(
        population={"providers": 50},
        research={"site_months_per_evidence": 100.0, "evaluation_weight": 3.0},
        innovations=[innovation("a", evidence=0.2), innovation("b", evidence=0.0)],
    )
    model = make_model(s)
    place(model, np.arange(10), 0, State.PILOTING, Payer.GRANT, grant_end=30)  # evaluated: weight 3
    place(model, np.arange(10, 15), 0, State.SUSTAINED, Payer.OWN)
    place(model, np.arange(15, 20), 0, State.PILOTING, Payer.OWN, approved=False)  # waiting: not operating
    place(model, np.arange(20, 30), 0, State.PILOTING, Payer.OWN)  # operating but still bedding in
    d = model.config.diffusion
    proven = int(d.proof_months) + 5
    model.providers.months_operating[:15, 0] = proven  # full local proof L = 1
    for month in (1, 2):
        accumulate_evidence(model)
        # a site-month weighs its local proof L: the 15 proven sites count fully, the new ones not yet
        experience = month * (10 * 3 + 5)
        assert model.evidence == pytest.approx([1 - 0.8 * np.exp(-experience / 100.0), 0.0])
    months = model.providers.months_operating[:, 0]
    assert (months[:15] == proven + 2).all() and (months[15:20] == 0).all() and (months[20:30] == 2).all()
    # half-way between bedding in and proof, a site-month counts one half
    model.providers.months_operating[20:30, 0] = int((d.bedding_in_months + d.proof_months) / 2)
    before = model.experience[0]
    accumulate_evidence(model)
    assert model.experience[0] - before == pytest.approx(10 * 3 + 5 + 10 * 0.5)
