"""Integrated care boards and the pooled budgets they hold with councils, as arrays (ODD: Entities; Initialisation).

England's 42 ICBs each cover several councils (NHS England 2022). A council may commission
innovations through a pooled budget with its ICB, as under a section 75 agreement or the
Better Care Fund: the ICB puts in ``nhs.match_ratio`` pounds for each pound of the council's
innovation budget, and pays that share of whatever the pool commits. A joint health and social
care fund pays into a pot in each pool (``fund_pot``) for pilots and double running. The rules in
:mod:`sasci_sim.model.rules.pooled` read and write these arrays; ``agents.IntegratedCareBoard``
is a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.population import Councils
from sasci_sim.model.world import World


@dataclass
class Boards:
    """ICB state (length B) and each council's place in it (length L)."""

    board: np.ndarray  # L: index of the council's ICB
    pooled: np.ndarray  # L bool: the council commissions through a pooled budget with its ICB
    nhs_share: np.ndarray  # L: share of the pool's commitments the ICB pays (0 if not pooled)
    contribution: np.ndarray  # L: k GBP/month the ICB puts into the council's pool
    fund_share: np.ndarray  # L: share of the joint fund paid into the council's pool
    fund_pot: np.ndarray  # L: k GBP of the joint fund in the council's pool, for pilots and double running
    added: np.ndarray  # L: k GBP/month the pool adds to the council's commissioning budget (the ICB's money)
    last_budget: np.ndarray  # L: each council's budget when decommissioning last looked (rules.decommissioning)
    budget: np.ndarray  # B: k GBP/month the ICB puts into pools
    committed: np.ndarray  # B: k GBP/month of pooled commitments the ICB pays
    councils: np.ndarray  # B: councils covered

    @property
    def n(self) -> int:
        """Number of integrated care boards."""
        return len(self.budget)


class BoardsWorld(World, Protocol):
    """The rules' World with the integrated care boards.

    Attributes:
        boards: ICB arrays and each council's pool.
    """

    boards: Boards


def board_count(n_councils: int, councils_per_board: float) -> int:
    """ICBs for a population of councils: England's 153 councils over 42 boards at 3.64 each.

    Args:
        n_councils: Councils in the scenario.
        councils_per_board: ``nhs.councils_per_board``.

    Returns:
        At least one board, at most one per council.
    """
    return int(min(max(round(n_councils / councils_per_board), 1), n_councils))


def board_of_each_council(n_councils: int, councils_per_board: float) -> np.ndarray:
    """The ICB of each council: blocks of neighbouring councils (council indices in order).

    Args:
        n_councils: Councils in the scenario.
        councils_per_board: ``nhs.councils_per_board``.

    Returns:
        Board index per council, 0 .. ``board_count - 1``.
    """
    n_b = board_count(n_councils, councils_per_board)
    return (np.arange(n_councils) * n_b // n_councils).astype(np.int32)


def fund_running(config: Scenario, month: int) -> bool:
    """Whether the joint health and social care fund pays in this month.

    Args:
        config: The scenario.
        month: The month.

    Returns:
        True from ``nhs.joint_fund_start_month`` for ``nhs.joint_fund_months`` months, if it has money.
    """
    n = config.nhs
    start = n.joint_fund_start_month
    return n.joint_fund_k_per_year > 0 and start <= month < start + n.joint_fund_months


def build_boards(scenario: Scenario, councils: Councils, rng: np.random.Generator) -> Boards:
    """Group councils into ICBs and set up the pooled budgets (ODD: Initialisation).

    Councils are split into ``board_count`` consecutive blocks of near-equal size (an ICB covers
    neighbouring councils). A share ``nhs.pooled_council_share`` of councils, drawn at random,
    pool their innovation budget with their ICB; the draw is made only when that share is
    strictly between 0 and 1, so a run without pooling draws nothing.

    Args:
        scenario: The scenario (its ``nhs`` section).
        councils: The council arrays; pooled councils' budgets rise by the ICB's contribution.
        rng: The run's random stream.

    Returns:
        The boards.
    """
    cfg = scenario.nhs
    n_la = councils.n
    n_b = board_count(n_la, cfg.councils_per_board)
    board = board_of_each_council(n_la, cfg.councils_per_board)
    share = cfg.pooled_council_share
    if share <= 0:
        pooled = np.zeros(n_la, dtype=bool)
    elif share >= 1:
        pooled = np.ones(n_la, dtype=bool)
    else:
        pooled = np.zeros(n_la, dtype=bool)
        pooled[rng.choice(n_la, size=round(share * n_la), replace=False)] = True
    contribution = np.where(pooled, cfg.match_ratio * councils.budget, 0.0)
    pool = councils.budget + contribution
    nhs_share = np.divide(contribution, pool, out=np.zeros(n_la), where=pooled & (pool > 0))
    weight = np.where(pooled, councils.n_providers, 0).astype(float)
    fund_share = weight / weight.sum() if weight.sum() > 0 else np.zeros(n_la)
    councils.budget = councils.budget + contribution
    return Boards(
        board=board,
        pooled=pooled,
        nhs_share=nhs_share,
        contribution=contribution,
        fund_share=fund_share,
        fund_pot=cfg.joint_fund_k_per_year / 12.0 * fund_share * fund_running(scenario, 1),
        added=contribution,
        last_budget=councils.budget.copy(),
        budget=np.bincount(board, weights=contribution, minlength=n_b),
        committed=np.zeros(n_b),
        councils=np.bincount(board, minlength=n_b),
    )


__all__ = ["Boards", "BoardsWorld", "board_count", "board_of_each_council", "build_boards", "fund_running"]
