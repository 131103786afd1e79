"""Decommissioning: a commissioner whose budget falls below its commitments drops contracts (ODD: Submodel 'decommissioning').

A council's budget moves with its yearly settlement (stop-go, ODD 'settlements'). A council l whose budget has fallen since last month and whose commitments now exceed
it keeps its contracts in order of its
value V[l, j] (ODD 'commissioning') while their cost, net cost plus the double running still due
this month or next (whichever is more) that no fund will pay, fits in the budget, as a panel funds down a ranked list; the rest are dropped
(cause ``review``) and commitments are recomputed. This is the funding cliff of a fund that pays
through commissioners rather than through grants.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.allocation import allocate
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.nhs import BoardsWorld
from sasci_sim.model.rules.commissioning import council_net_cost, council_value, refresh_commitments
from sasci_sim.model.rules.double_running import monthly_commitment
from sasci_sim.model.rules.transitions import abandon


def drop_unaffordable(world: BoardsWorld) -> np.ndarray:
    """Councils whose budget fell below their commitments drop their least valued contracts until the rest fit.

    A council over budget for other reasons (contracts it held when the run began) is left alone.

    Args:
        world: The month's world; reads budgets and contracts, abandons the contracts dropped and
            recomputes commitments.

    Returns:
        The flat indices of the contracts dropped, sorted (so the schedule knows which cells changed).
    """
    c, p, b = world.councils, world.providers, world.boards
    over = (c.budget < b.last_budget - 1e-9) & (c.committed > c.budget + 1e-9)
    b.last_budget = c.budget.copy()
    if not over.any():
        return np.zeros(0, dtype=np.int64)
    m = p.state.shape[1]
    cells = world.council_contracts()
    rows, cols = split_cells(cells, m)
    la = p.council[rows]
    hit = over[la]
    cells, rows, cols, la = cells[hit], rows[hit], cols[hit], la[hit]
    # what each contract costs this month and next, whichever is more: the smaller budget applies now,
    # and double running a fund pays now may fall on the commissioner next month
    due = np.maximum(monthly_commitment(world, rows, cols), monthly_commitment(world, rows, cols, world.t + 1))
    cost = council_net_cost(world, cols, councils=la) + due
    keep = allocate(la, cost, council_value(world, la, cols), c.budget)
    abandon(world, rows[~keep], cols[~keep], "review")
    refresh_commitments(world)
    return cells[~keep]
