"""State changes shared by several rules: starting a pilot, sustaining, abandoning.

Every change into or out of piloting, sustained or abandoned after launch goes
through here, so the bookkeeping that goes with it (who pays, grant dates, event
counters) stays in one place (ODD: Submodel 'transitions'). The changes with no
bookkeeping write their one field where they happen: becoming aware (awareness),
approval (regulation), re-adoption (abandonment) and the originators' pilots at
launch (``model.ensemble.launch_innovations``); ODD section 3 lists them. Every
writer reports the cells it writes to the world (``pilots_started``,
``cells_written``), which keeps its lists of cells from those reports.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.world import World

#: Causes of abandonment, as recorded per step (ODD: Observation).
CAUSES = ("cliff", "background", "rigidity", "reorganisation", "money", "review")


def start_pilots(
    world: World,
    rows: np.ndarray,
    cols: np.ndarray,
    payer: Payer,
    *,
    grant_end: np.ndarray | int | None = None,
    double_covered: np.ndarray | bool = False,
) -> None:
    """Aware providers start piloting: they pay the upfront cost unless a grant or fund does.

    Args:
        world: The month's world.
        rows: Providers starting.
        cols: Innovations they start.
        payer: Who pays the running cost.
        grant_end: The month a grant ends (per pilot or for all), or None without a grant.
        double_covered: Whether a funder pays the double running.
    """
    p = world.providers
    cells = rows * p.state.shape[1] + cols
    world.pilots_started(cells)
    # written at flat indices (the cell arrays are C-contiguous: ravel is a view), cheaper than [rows, cols]
    p.state.ravel()[cells] = State.PILOTING
    p.payer.ravel()[cells] = payer
    p.approved.ravel()[cells] = False
    p.months_operating.ravel()[cells] = 0
    p.partial.ravel()[cells] = False
    p.grant_end.ravel()[cells] = NO_MONTH if grant_end is None else grant_end
    p.double_covered.ravel()[cells] = double_covered
    if payer == Payer.OWN:
        np.subtract.at(p.reserves, rows, world.portfolio.upfront[cols])
        np.maximum(p.reserves, 0.0, out=p.reserves)
    np.add.at(world.events["pilots_started"], world.blocks.columns(rows, cols), 1)


def sustain(world: World, rows: np.ndarray, cols: np.ndarray, payer: np.ndarray, partial: np.ndarray) -> None:
    """Pilots become the way things are done, paid for by ``payer``.

    Args:
        world: The month's world.
        rows: Providers sustaining.
        cols: Innovations they sustain.
        payer: Who pays from now on, per cell.
        partial: Whether a cut-down version is kept, per cell.
    """
    p = world.providers
    cells = rows * p.state.shape[1] + cols
    world.cells_written(cells)
    p.state.ravel()[cells] = State.SUSTAINED
    p.payer.ravel()[cells] = payer
    p.partial.ravel()[cells] = partial
    np.add.at(world.events["sustained_new"], world.blocks.columns(rows, cols), 1)


def abandon(world: World, rows: np.ndarray, cols: np.ndarray, cause: str) -> None:
    """Adopters stop: the state becomes ABANDONED and the cause is counted.

    Args:
        world: The month's world.
        rows: Providers stopping.
        cols: Innovations they stop.
        cause: One of ``CAUSES``, counted as ``abandoned_<cause>``.
    """
    if len(rows) == 0:
        return
    p = world.providers
    cells = rows * p.state.shape[1] + cols
    grant_end = p.grant_end.ravel()[cells]
    was_grant = grant_end != NO_MONTH
    world.cells_written(cells)
    p.state.ravel()[cells] = State.ABANDONED
    p.payer.ravel()[cells] = Payer.NONE
    p.approved.ravel()[cells] = False
    p.partial.ravel()[cells] = False
    p.ever_abandoned.ravel()[cells] = True
    where = world.blocks.columns(rows, cols)  # each run's own event counts
    np.add.at(world.events[f"abandoned_{cause}"], where, 1)
    if cause == "cliff":
        np.add.at(p.pilots_lost, rows, 1)
        np.add.at(world.events["pilots_abandoned_at_grant_end"], where[was_grant], 1)
    # abandonment within six months after a grant ended (stylised fact 2)
    since = world.t - grant_end
    post = was_grant & (since >= 0) & (since < 6)
    np.add.at(world.events["abandoned_within_6_months_of_grant_end"], where[post], 1)
