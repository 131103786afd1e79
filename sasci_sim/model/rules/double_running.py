"""Double running: the commissioner pays for the old service while it moves to the new (ODD: Submodel 'double_running').

When a pilot becomes the way things are done, the service it replaces keeps running for the
transition months: ``transition[j]`` months at ``double_running[j]`` a month (given per
innovation, or by kind from ``double_running.months`` and ``double_running.cost_share`` times
the running cost). Who pays depends on who makes the move:

- a provider that carries the innovation itself pays the whole transition from its reserves
  at the cliff (ODD 'sustainment');
- a commissioner that takes the site on (a council, or a council and its ICB through a pooled
  budget) pays ``double_running[j]`` every month of the transition on top of the contract.
  A grant whose funder covered double running has paid it already; the joint health and social
  care fund pays it for pooled commissioners while it runs and covers double running. If no fund
  covers it, the commissioner must fit it in its budget room (which pressure has cut) when it
  decides: the monthly cost of the move is the contract's net cost plus the double running, and
  a move that does not fit does not happen.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.allocation import allocate, spent_by_group
from sasci_sim.model.nhs import BoardsWorld, fund_running
from sasci_sim.model.population import NO_MONTH, State


def fund_covers_moves(world: BoardsWorld, councils: np.ndarray, month: int | None = None) -> np.ndarray:
    """Whether the joint fund pays the double running of moves by these councils' pools in a month.

    Args:
        world: The model state.
        councils: Council of each move.
        month: The month (default: this month).

    Returns:
        A mask: pooled, with the fund running and covering double running.
    """
    cfg = world.config
    month = world.t if month is None else month
    if not (cfg.nhs.joint_fund_covers_double_running and fund_running(cfg, month)):
        return np.zeros(len(councils), dtype=bool)
    return world.boards.pooled[councils]


def move_cost(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Monthly double running a commissioner would pay to move these sites now, k GBP.

    Args:
        world: The model state.
        rows: Provider of each site.
        cols: Innovation of each site.

    Returns:
        ``double_running[j]`` where the move has a transition, 0 where a grant paid it or the
        joint fund covers the commissioner's pool.
    """
    port, p = world.portfolio, world.providers
    cost = np.where(port.transition[cols] > 0, port.double_running[cols], 0.0)
    covered = p.double_covered.ravel()[rows * p.state.shape[1] + cols] | fund_covers_moves(world, p.council[rows])
    return np.where(covered, 0.0, cost)


def afford_moves(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Which moves of sites the councils already pay for (roll-out contracts) they can afford.

    The double running must fit in the council's budget room, bids ranked by ``priority``;
    what is accepted is committed at once.

    Args:
        world: The model state.
        rows: Provider of each site.
        cols: Innovation of each site.
        priority: The council's ranking of each move (its value V).

    Returns:
        A mask of the moves that go ahead (all those that cost nothing).
    """
    c = world.councils
    la = world.providers.council[rows]
    cost = move_cost(world, rows, cols)
    room = np.maximum(c.budget - c.committed, 0.0)
    ok = allocate(la, cost, priority, room) | (cost <= 0)  # a move a fund pays for needs no room
    c.committed += spent_by_group(la[ok], cost[ok], c.n)
    return ok


def start_moves(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray) -> None:
    """Commissioned sites begin their transition: the old service runs ``transition[j]`` more months.

    Args:
        world: The model state.
        rows: Provider of each site taken on by a commissioner.
        cols: Innovation of each site.
    """
    port, p = world.portfolio, world.providers
    cells = rows * p.state.shape[1] + cols
    paying = ~p.double_covered.ravel()[cells] & (port.transition[cols] > 0) & (port.double_running[cols] > 0)
    end = world.t + port.transition[cols]
    p.transition_end.ravel()[cells] = np.where(paying, end, NO_MONTH).astype(np.int16)


def in_transition(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray, month: int | None = None) -> np.ndarray:
    """Which of these commissioned cells are still double running in a month.

    Args:
        world: The model state.
        rows: Provider of each cell.
        cols: Innovation of each cell.
        month: The month (default: this month).

    Returns:
        A mask: sustained, and the transition ends after that month.
    """
    p = world.providers
    m = p.state.shape[1]
    flat = rows * m + cols
    month = world.t if month is None else month
    return (p.transition_end.ravel()[flat] > month) & (p.state.ravel()[flat] == State.SUSTAINED.value)


def monthly_commitment(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray, month: int | None = None) -> np.ndarray:
    """Double running each commissioned cell adds to its commissioner's commitments in a month, k GBP.

    Args:
        world: The model state.
        rows: Provider of each commissioned cell.
        cols: Innovation of each cell.
        month: The month (default: this month).

    Returns:
        ``double_running[j]`` for cells in transition whose double running no fund pays, else 0.
    """
    moving = in_transition(world, rows, cols, month)
    if not moving.any():
        return np.zeros(len(rows))
    covered = fund_covers_moves(world, world.providers.council[rows], month)
    return np.where(moving & ~covered, world.portfolio.double_running[cols], 0.0)


def fund_double_running(world: BoardsWorld, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Double running the joint fund pays this month, per council, k GBP.

    Args:
        world: The model state.
        rows: Provider of each commissioned cell.
        cols: Innovation of each cell.

    Returns:
        Per council: ``double_running[j]`` summed over its cells in transition that the fund covers.
    """
    la = world.providers.council[rows]
    covered = in_transition(world, rows, cols) & fund_covers_moves(world, la)
    return spent_by_group(la[covered], world.portfolio.double_running[cols[covered]], world.councils.n)
