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

from sasci_sim.model.kernels.cells import flat_nonzero, split_cells
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
    p, port = world.providers, world.portfolio
    net = port.net_provider_cost
    if net.any():
        own = (p.payer == Payer.OWN.value) & p.approved  # own-funded and operating
        own[:, net == 0] = False  # innovations that cost nothing net change nothing
    else:  # nothing costs or saves anyone anything (as in the Bass limit)
        own = np.zeros(p.state.shape, dtype=bool)
    runs = world.blocks
    per_run = runs.count_per_run(own) if runs.size > 1 else None
    if per_run is not None and (per_run * 8 < own[: runs.n].size).all():  # every run has few payers
        cost = _own_costs(world, own, 0)  # a provider's costs are added in the order it adds them alone
    else:
        spans = [slice(b * runs.n, (b + 1) * runs.n) for b in range(runs.size)]
        cost = np.concatenate([_own_costs(world, own[rows], rows.start) for rows in spans])
    world.events_scalar["provider_spend_k"] += runs.per_run(np.maximum(cost, 0))
    p.reserves += p.surplus - cost
    broke = np.flatnonzero(p.reserves < 0)
    np.minimum(p.reserves, p.reserves_cap, out=p.reserves)
    np.maximum(p.reserves, 0.0, out=p.reserves)
    if broke.size:
        r, j = np.nonzero(own[broke] & (net > 0)[None, :])
        abandon(world, broke[r], j, "money")


def _own_costs(world: World, own: np.ndarray, first: int) -> np.ndarray:
    """This month's net cost to each provider of one run of what it pays for itself (rows from ``first``)."""
    p, net, d = world.providers, world.portfolio.net_provider_cost, world.config.diffusion
    partial = p.partial[first : first + own.shape[0]]
    if np.count_nonzero(own) * 8 < own.size:  # few payers: work on their cells only
        m = own.shape[1]
        cells = flat_nonzero(own)
        rows, cols = split_cells(cells, m)
        scale = np.where(partial.ravel()[cells], d.partial_scale, 1.0)
        return np.bincount(rows, weights=scale * net[cols], minlength=own.shape[0])
    return (own * np.where(partial, d.partial_scale, 1.0)) @ net


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
