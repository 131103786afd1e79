"""Pooled budgets of councils and integrated care boards (ODD: Submodel 'pooled').

Many social care innovations save the NHS money (admissions avoided, faster discharge) while
the council pays: the "wrong pocket" problem. A council that commissions through a pooled
budget with its ICB (section 75; the Better Care Fund) commissions together with it:

- the pool values an innovation by the whole public saving, council and NHS:
  saving_ratio_pool[j] = clip((council_saving[j] + nhs_saving[j]) / running[j], 0, 1);
- its net cost counts the cashable part of both savings:
  cashable_la * council_saving[j] + cashable_nhs * nhs_saving[j];
- the ICB pays its share s[l] = contribution / pool of everything the pool commits (running
  cost net of savings, and the double running of moves), so the partners share the cost of a
  contract that fails as they share its savings;
- sharing risk: the council's discount for an unproven pilot applies to its own share only,
  C_pool = C + (1 - C) * s[l]; the ICB takes its share at face value, since it spreads the risk
  over a budget many times larger (Arrow and Lind 1970).

A joint health and social care fund pays through the pooled budgets: while it runs, each pool
receives its share of ``nhs.joint_fund_k_per_year / 12`` a month, which pays the double running
of the pool's moves (if it covers double running) and adds the rest to the pool's room; money
not committed in a month is not carried over.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.nhs import BoardsWorld, fund_running
from sasci_sim.model.population import Payer
from sasci_sim.model.rules.double_running import fund_double_running


def commissioner_saving_ratio(world: BoardsWorld, councils: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Saving per pound of running cost as the commissioner counts it, 0..1.

    A council alone counts its own saving; a pooled commissioner counts the NHS saving too.

    Args:
        world: The model state.
        councils: Council of each pair.
        cols: Innovation of each pair.

    Returns:
        The saving ratio of each (council, innovation) pair.
    """
    port = world.portfolio
    saving = port.council_saving[cols] + world.boards.pooled[councils] * port.nhs_saving[cols]
    return np.clip(saving / np.maximum(port.running[cols], 1e-9), 0.0, 1.0)


def cashable_saving(world: BoardsWorld, councils: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Monthly saving per site that frees money in the commissioner's budget, k GBP.

    Args:
        world: The model state.
        councils: Council of each pair.
        cols: Innovation of each pair.

    Returns:
        The cashable council saving, plus the cashable NHS saving where the council pools.
    """
    cfg, port = world.config, world.portfolio
    council = cfg.local_authorities.cashable_saving_share * port.council_saving[cols]
    nhs = cfg.nhs.cashable_saving_share * port.nhs_saving[cols]
    return council + world.boards.pooled[councils] * nhs


def shared_confidence(world: BoardsWorld, councils: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Confidence once the risk of failure is shared: the council discounts only its own share.

    Args:
        world: The model state.
        councils: Council of each pilot.
        confidence: The council's confidence C that each pilot works.

    Returns:
        C + (1 - C) * s, with s the ICB's share of the pool (0 where the council does not pool).
    """
    return confidence + (1.0 - confidence) * world.boards.nhs_share[councils]


def share_pooled_costs(world: BoardsWorld) -> None:
    """Split the month's commitments between councils, ICBs and the joint fund, and set next month's pools.

    In each pooled council the joint fund pays first, never more than its monthly share: the
    double running of covered moves (``fund_double_running``), then commitments up to what is
    left of its share; double running beyond its share falls back on the partners. The ICB pays
    its share ``s[l]`` of what the fund does not. Council spend is reduced by what the others paid
    (and raised by its share of any double running the fund could not pay). NHS savings
    (operating sites times ``nhs_saving``, whoever pays) are recorded in every area. The pooled
    budget for next month is the council's budget, the ICB's contribution and what the fund will
    leave after double running.

    Args:
        world: The model state.
    """
    cfg, b, c, p = world.config, world.boards, world.councils, world.providers
    running = fund_running(cfg, world.t)
    monthly = cfg.nhs.joint_fund_k_per_year / 12.0 * b.fund_share * running
    fund_dr = np.zeros(c.n)
    if b.pooled.any() and running:
        rows, cols = split_cells(np.flatnonzero(p.payer == Payer.COUNCIL.value), p.state.shape[1])
        fund_dr = fund_double_running(world, rows, cols)
    dr_paid = np.minimum(fund_dr, monthly)
    room_now = monthly - dr_paid
    contracts_paid = np.minimum(c.committed, room_now)
    rest = c.committed - contracts_paid + (fund_dr - dr_paid)  # what the partners pay
    nhs_paid = b.nhs_share * rest
    b.committed = np.bincount(b.board, weights=nhs_paid, minlength=b.n)
    scalars, runs = world.events_scalar, world.blocks  # each run's own tallies
    scalars["council_spend_k"] += (
        runs.per_council_run(fund_dr - dr_paid) - runs.per_council_run(nhs_paid) - runs.per_council_run(contracts_paid)
    )
    scalars["nhs_spend_k"] += runs.per_council_run(nhs_paid)
    scalars["joint_fund_spent_k"] += runs.per_council_run(contracts_paid + dr_paid)
    sites = runs.count_columns(world.operating_mask())
    scalars["nhs_savings_k"] += runs.dot_columns(sites, world.portfolio.nhs_saving)
    share_next = cfg.nhs.joint_fund_k_per_year / 12.0 * b.fund_share * fund_running(cfg, world.t + 1)
    added = b.contribution + np.maximum(share_next - fund_dr, 0.0)
    c.budget = c.budget + (added - b.added)
    b.added = added
