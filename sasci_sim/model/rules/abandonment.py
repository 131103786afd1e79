"""Background abandonment, running out of money, and re-adoption (ODD: Submodel 'abandonment').

Operating adopters stop with monthly hazard base * (1 + m * complexity[j])
(NASSS: complexity stalls adoption and raises abandonment), less what a network body's
support saves of its member schemes (ODD: Submodel 'intermediaries'). Providers pay the
net running cost of what they fund themselves out of reserves, refilled by
their monthly surplus up to a cap; a provider whose reserves run out drops
everything it pays for itself that costs it money (what saves it money stays).
Abandoners may, if the scenario allows
re-adoption, become open to the innovation again (back to aware).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.intermediaries import kept_by_network
from sasci_sim.model.rules.transitions import abandon
from sasci_sim.model.world import World


def background_abandonment(world: World) -> None:
    """Operating adopters stop for reasons unrelated to money.

    Args:
        world: The month's world; reads the operating cells and each innovation's complexity, writes
            abandonments with cause background.
    """
    ab, runs = world.config.abandonment, world.blocks
    base = runs.param("abandonment.base_hazard_per_month")  # each run's own
    if (base <= 0).all():
        return
    m = world.providers.state.shape[1]
    per_innovation = 1.0 + ab.complexity_multiplier * world.portfolio.complexity
    hazard = np.minimum(1.0, base[:, None] * per_innovation[None, :])  # run x innovation
    bound = np.where(base > 0, hazard.max(axis=1), 0.0)  # a run without the hazard draws nothing
    # sparse draw at the largest hazard, thinned to each innovation's own (each run over its own cells)
    cells = runs.bernoulli(runs.n * m, bound)
    cells = cells[world.operating_at(cells)]
    blocks = runs.of_cells(cells)
    cells = cells[runs.thin(blocks, hazard.ravel()[blocks * m + cells % m], bound)]
    cells = cells[~kept_by_network(world, cells)]  # network bodies keep some member schemes going
    rows, cols = split_cells(cells, m)
    abandon(world, rows, cols, "background")


def provider_finances(world: World) -> None:
    """Reserves pay for what providers fund themselves; empty reserves end it.

    Args:
        world: The month's world; reads own-funded operating cells and each innovation's net cost,
            writes reserves, provider spend and abandonments with cause money.
    """
    p, port, runs = world.providers, world.portfolio, world.blocks
    net = port.net_provider_cost
    m = p.state.shape[1]
    # a cell has payer OWN only while under way (model.rules.transitions); an innovation that costs
    # nothing net changes nothing, so with none (the Bass limit) no cell is charged
    cells = world.under_way() if (net != 0).any() else np.empty(0, dtype=np.int64)
    # own-funded and operating
    own = (p.payer.ravel()[cells] == Payer.OWN.value) & p.approved.ravel()[cells]
    if not (net != 0).all():
        own &= (net != 0)[cells % m]
    cells = cells[np.flatnonzero(own)]  # (taking at indices is faster than a boolean selection at ~half true)
    rows, cols = split_cells(cells, m)
    per_run = np.diff(runs.cell_bounds(cells))
    few = per_run * 8 < runs.n * m  # few payers: each cell's cost is added to its provider
    if few.all():  # a provider's costs are added in the order it adds them alone
        cost = _cell_costs(world, cells, rows, cols, p.state.shape[0])
    else:
        bounds = np.concatenate([[0], np.cumsum(per_run)])
        cost = np.concatenate(
            [_own_costs(world, cells[bounds[b] : bounds[b + 1]], b, few[b]) for b in range(runs.size)]
        )
    world.events_scalar["provider_spend_k"] += runs.per_run(np.maximum(cost, 0))
    p.reserves += p.surplus - cost
    broke = p.reserves < 0
    np.minimum(p.reserves, p.reserves_cap, out=p.reserves)
    np.maximum(p.reserves, 0.0, out=p.reserves)
    if broke.any():
        drop = broke[rows] & (net > 0)[cols]
        abandon(world, rows[drop], cols[drop], "money")


def _cell_costs(world: World, cells: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """Each of ``n`` providers' net cost of its own-funded cells (rows from 0 of ``rows``' numbering)."""
    scale = np.where(world.providers.partial.ravel()[cells], world.config.diffusion.partial_scale, 1.0)
    return np.bincount(rows, weights=scale * world.portfolio.net_provider_cost[cols], minlength=n)


def _own_costs(world: World, cells: np.ndarray, b: int, few: bool) -> np.ndarray:
    """This month's net cost to each provider of run ``b`` of what it pays for itself (``cells`` are its own)."""
    p, runs = world.providers, world.blocks
    m = p.state.shape[1]
    local = cells - b * runs.n * m
    if few:  # work on their cells only
        rows, cols = split_cells(local, m)
        return _cell_costs(world, cells, rows, cols, runs.n)
    rows = slice(b * runs.n, (b + 1) * runs.n)
    own = np.zeros((runs.n, m), dtype=bool)  # most cells: all at once, as a matrix-vector product
    own.ravel()[local] = True
    return (
        own * np.where(p.partial[rows], world.config.diffusion.partial_scale, 1.0)
    ) @ world.portfolio.net_provider_cost


def readopt(world: World) -> None:
    """Abandoners open to the innovation again become aware (if allowed).

    Args:
        world: The month's world; reads the abandoned cells, writes their state (back to AWARE).
    """
    ab = world.config.abandonment
    if not ab.readoption:
        return
    p = world.providers
    back = world.blocks.cells_with_chance(p.state, State.ABANDONED.value, ab.readoption_hazard_per_month)
    p.state.ravel()[back] = State.AWARE
    world.cells_written(back)
