"""Regulation: approval delay and the cost of rigid rules (ODD: Submodel 'regulation').

A new pilot waits for approval and compliance. The mean wait is

    D[j] = max_delay * burden[j] * (1 - flexibility)

months, drawn as a monthly approval chance 1 / (1 + D[j]). While it waits, a
pilot of a complex or systems innovation may give up: extra monthly hazard
rigidity * (1 - flexibility) * max(complexity[j], systems[j]).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.config.schema import SYSTEMS
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import State
from sasci_sim.model.rules.transitions import abandon
from sasci_sim.model.world import World


def mean_delay_months(world: World) -> np.ndarray:
    """Mean approval wait per run and innovation, months (each run's own flexibility).

    Args:
        world: The month's world.

    Returns:
        D per innovation: max_delay * burden * (1 - flexibility), length m when the runs share
        their flexibility (index it with the innovation), else B * m (index it with
        ``Blocks.columns``; entries ``b * m ..`` are run b's).
    """
    reg, runs = world.config.regulation, world.blocks
    delay = reg.max_delay_months * world.portfolio.burden
    flexibility = runs.param_columns("regulation.flexibility")  # a scalar when the runs share it
    return delay * (1.0 - flexibility) if np.ndim(flexibility) == 0 else np.tile(delay, runs.size) * (1.0 - flexibility)


def approve_pilots(world: World) -> None:
    """Waiting pilots are approved, or give up under rigid rules.

    Args:
        world: The month's world; reads pilots waiting for approval, writes their approval, or
            abandonments with cause rigidity.
    """
    p, reg = world.providers, world.config.regulation
    if world.many_under_way():  # one pass over the arrays (the same cells, sorted)
        cells = np.flatnonzero((p.state == State.PILOTING.value) & ~p.approved)
    else:
        cells = world.under_way()
        waiting = np.greater(p.state.ravel()[cells] == State.PILOTING.value, p.approved.ravel()[cells])  # not yet
        cells = cells[np.flatnonzero(waiting)]  # (faster than a boolean selection)
    if cells.size == 0:
        return
    m = p.state.shape[1]
    rows, cols = split_cells(cells, m)
    port = world.portfolio
    exposure = np.maximum(port.complexity, (port.kind == SYSTEMS).astype(float))
    runs = world.blocks
    give_up = reg.rigidity_hazard_per_month * (1.0 - runs.param_rows("regulation.flexibility", rows)) * exposure[cols]
    draw = runs.uniform_rows(rows)
    quit_ = draw < give_up
    abandon(world, rows[quit_], cols[quit_], "rigidity")
    approve = ~quit_ & (runs.uniform_rows(rows) < 1.0 / (1.0 + _delay_of(world, rows, cols)))
    p.approved.ravel()[cells[approve]] = True
    world.cells_written(cells[approve])  # they start operating


def _delay_of(world: World, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The mean approval wait D of these cells' innovations in their own runs."""
    delay = mean_delay_months(world)
    return delay[cols] if delay.size == world.blocks.m else delay[world.blocks.columns(rows, cols)]
