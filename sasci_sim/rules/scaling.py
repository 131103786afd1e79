"""Scaling through commissioning (ODD: Submodel 'scaling').

Once a council commissions an innovation from one provider in its area, it can
roll it out: other aware providers in that area are offered a commissioned
contract, with monthly chance decision_rate * V[l, j] * F[i, j] (the council's
valuation times the provider's capability fit), while the council's innovation
budget lasts. This is how business-model innovations spread "through markets
and commissioning" (seed 000). Funders' scaling grants are in funding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.allocation import allocate, spent_by_group
from sasci_sim.population import Payer, State
from sasci_sim.rules.adoption import eligible
from sasci_sim.rules.commissioning import council_net_cost, council_value
from sasci_sim.rules.transitions import start_pilots

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def council_rollout(model: SocialCareModel) -> None:
    """Councils that commission an innovation offer it to more of their providers."""
    p, port, c = model.providers, model.portfolio, model.councils
    contracts = p.payer == Payer.COUNCIL
    if not contracts.any():
        return
    m = p.state.shape[1]
    pairs = np.flatnonzero(contracts.ravel())
    has = np.zeros((c.n, m), dtype=bool)
    has[p.council[pairs // m], pairs % m] = True
    cells = np.flatnonzero((p.state == State.AWARE) & has[p.council])
    if cells.size == 0:
        return
    rows, cols = np.divmod(cells, m)
    la = p.council[rows]
    value = council_value(model, la, cols)
    fit = 1.0 - port.complexity[cols] * (1.0 - p.capability[rows])
    offer = model.rng.random(cells.size) < model.config.diffusion.decision_rate_per_month * value * fit
    offer &= eligible(model, rows, cols)
    idx = np.flatnonzero(offer)
    if idx.size == 0:
        return
    rows, cols, la = rows[idx], cols[idx], la[idx]
    cost = council_net_cost(model, cols)
    room = np.maximum(c.budget - c.committed, 0.0)
    ok = allocate(la, cost, value[idx], room)
    c.committed += spent_by_group(la[ok], cost[ok], c.n)
    start_pilots(model, rows[ok], cols[ok], Payer.COUNCIL)
