"""Scaling through commissioning (ODD: Submodel 'scaling').

Once a council commissions an innovation from one provider in its area, it can
roll it out: other aware providers in that area are offered a commissioned
contract, with monthly chance decision_rate * V[l, j] * F[i, j] (the council's
valuation times the provider's capability fit), while the council's innovation
budget lasts. Like any pilot, the offer needs the council signed up (systems
innovations) and the provider's capacity (fewer than ``max_concurrent_pilots``
pilots under way); a provider takes at most one new contract a month, chosen at
random among its offers. This is how business-model innovations spread "through markets
and commissioning" (Malley and Holder 2024). Funders' scaling grants are in funding.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.allocation import allocate, spent_by_group
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.adoption import one_free_bid_each
from sasci_sim.model.rules.commissioning import council_net_cost, council_value
from sasci_sim.model.rules.transitions import start_pilots
from sasci_sim.model.world import World


def council_rollout(world: World) -> None:
    """Councils that commission an innovation offer it to more of their providers.

    Args:
        world: The month's world; reads aware cells in areas with a council contract, values, fit
            and budget room, writes council-paid pilots and ``councils.committed``.
    """
    p, port, c = world.providers, world.portfolio, world.councils
    contracts = world.council_contracts()
    if contracts.size == 0:
        return
    m = p.state.shape[1]
    has = np.zeros(c.n * m, dtype=bool)  # council l commissions innovation j somewhere
    has[p.council[contracts // m] * m + contracts % m] = True
    # chance decision_rate * V * F per aware cell in such an area: draw cells
    # sparsely at decision_rate, keep those, thin to V * F
    runs = world.blocks
    rate = runs.param("diffusion.decision_rate_per_month")  # each run's own
    # a run without any council contract draws nothing, as it would alone
    offering = np.bincount(runs.of_cells(contracts), minlength=runs.size) > 0
    cells = runs.cells_with_chance(p.state, State.AWARE.value, rate * offering)
    rows, cols = split_cells(cells, m)
    keep = has[p.council[rows] * m + cols]
    cells, rows, cols = cells[keep], rows[keep], cols[keep]
    if cells.size == 0:
        return
    la = p.council[rows]
    value = council_value(world, la, cols)
    fit = 1.0 - port.complexity[cols] * (1.0 - p.capability[rows])
    blocks = runs.of_rows(rows)
    offer = runs.thin(blocks, rate[blocks] * value * fit, rate)
    idx = np.flatnonzero(offer)
    idx = idx[one_free_bid_each(world, rows[idx], cols[idx])]  # one new contract per provider per month
    if idx.size == 0:
        return
    rows, cols, la = rows[idx], cols[idx], la[idx]
    cost = council_net_cost(world, cols)
    room = np.maximum(c.budget - c.committed, 0.0)
    ok = allocate(la, cost, value[idx], room)
    c.committed += spent_by_group(la[ok], cost[ok], c.n)
    start_pilots(world, rows[ok], cols[ok], Payer.COUNCIL)
