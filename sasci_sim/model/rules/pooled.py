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
receives its share of ``nhs.joint_fund_k_per_year / 12`` a month into a joint innovation pot
that is the fund's own ring-fenced money in the pool. The pot pays the double running of the
pool's moves (if the fund covers double running) and the pilots the pool commissions from its
providers (upfront and trial running, plus the fixed project cost a grant also pays); it does not
pay running contracts, which the partners carry so that a move is sustainable when the fund
ends. Unspent money carries over within a fund year (``nhs.joint_fund_carry_over_months``) and
lapses at its end, as a commissioner's budget does at the end of a financial year.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.allocation import allocate, spent_by_group
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.nhs import BoardsWorld, fund_running
from sasci_sim.model.rules.double_running import fund_double_running

#: Below this many (council, innovation) pairs the ratios are computed per pair (no table to build).
_FEW_PAIRS = 256


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
    port, pooled = world.portfolio, world.boards.pooled
    if np.broadcast(councils, cols).size < _FEW_PAIRS:
        saving = port.council_saving[cols] + pooled[councils] * port.nhs_saving[cols]
        return np.clip(saving / np.maximum(port.running[cols], 1e-9), 0.0, 1.0)
    return saving_ratios(world).ravel()[pooled[councils] * port.size + cols]  # many pairs: one look-up each


def saving_ratios(world: BoardsWorld) -> np.ndarray:
    """Each innovation's saving ratio for a council alone (row 0) and a pooled commissioner (row 1).

    The same arithmetic as ``commissioner_saving_ratio`` per pair, so a look-up in this table
    gives the same numbers; it pays when there are many pairs.

    Args:
        world: The model state.

    Returns:
        A 2 x M array.
    """
    port = world.portfolio
    saving = port.council_saving + np.array([[False], [True]]) * port.nhs_saving
    return np.clip(saving / np.maximum(port.running, 1e-9), 0.0, 1.0)


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


def pay_council_pilots(world: BoardsWorld, councils: np.ndarray, cost: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Which pilots a council pays for itself, first from its pool's joint innovation pot, then from its pilot fund.

    A pool's joint pot (the joint fund's money, ``boards.fund_pot``) funds pilots as a council
    pilot fund does, in order of the council's value, each costing also
    ``funding.project_fixed_cost_k`` (bid, set-up, project management and evaluation, as for a
    grant); the pilots it cannot take go to the council's own pilot fund at their own cost.
    What the pot pays is recorded as ``joint_fund_spent_k``.

    Args:
        world: The model state; its pots are reduced by what they pay.
        councils: Council of each pilot the council is keen to pay for.
        cost: Each pilot's upfront and trial running cost, k GBP.
        value: The council's value of each, its ranking.

    Returns:
        Which of the pilots go ahead, in the order given.
    """
    b, c = world.boards, world.councils
    ok = np.zeros(len(councils), dtype=bool)
    if b.fund_pot.any():
        with_fixed = cost + world.config.funding.project_fixed_cost_k
        ok = allocate(councils, with_fixed, value, b.fund_pot)
        paid = spent_by_group(councils[ok], with_fixed[ok], c.n)
        b.fund_pot = np.maximum(b.fund_pot - paid, 0.0)
        world.events_scalar["joint_fund_spent_k"] += world.blocks.per_council_run(paid)
    rest = np.flatnonzero(~ok)
    own = allocate(councils[rest], cost[rest], value[rest], c.pilot_pot)
    ok[rest[own]] = True
    c.pilot_pot -= spent_by_group(councils[rest[own]], cost[rest[own]], c.n)
    np.maximum(c.pilot_pot, 0.0, out=c.pilot_pot)
    return ok


def fund_year_ends(world: BoardsWorld) -> bool:
    """Whether this month is the last of a year of the joint fund (its unspent money then lapses).

    Args:
        world: The model state.

    Returns:
        True in the fund's months ``start + k * carry_over - 1`` and in its last month.
    """
    n, t = world.config.nhs, world.t
    months_in = t - n.joint_fund_start_month + 1
    return months_in % n.joint_fund_carry_over_months == 0 or not fund_running(world.config, t + 1)


def share_pooled_costs(world: BoardsWorld) -> None:
    """Split the month's commitments between councils and ICBs, pay the fund's double running, and refill its pots.

    In each pooled council the joint innovation pot pays the double running of covered moves
    (``fund_double_running``) as far as it holds; double running beyond it falls on the
    partners. The ICB pays its share ``s[l]`` of the pool's commitments and of that rest. Council
    spend is reduced by what the ICB paid (and raised by its share of any double running the pot
    could not pay). NHS savings (operating sites times ``nhs_saving``, whoever pays) are recorded
    in every area. At the end of a fund year the pot's unspent money lapses; while the fund runs
    next month, the pot receives that month's share of the fund.

    Args:
        world: The model state.
    """
    cfg, b, c, p = world.config, world.boards, world.councils, world.providers
    fund_dr = np.zeros(c.n)
    if b.pooled.any() and fund_running(cfg, world.t):
        rows, cols = split_cells(world.council_contracts(), p.state.shape[1])
        fund_dr = fund_double_running(world, rows, cols)
    dr_paid = np.minimum(fund_dr, b.fund_pot)
    b.fund_pot = b.fund_pot - dr_paid
    rest = c.committed + (fund_dr - dr_paid)  # what the partners pay
    nhs_paid = b.nhs_share * rest
    b.committed = np.bincount(b.board, weights=nhs_paid, minlength=b.n)
    scalars, runs = world.events_scalar, world.blocks  # each run's own tallies
    scalars["council_spend_k"] += runs.per_council_run(fund_dr - dr_paid) - runs.per_council_run(nhs_paid)
    scalars["nhs_spend_k"] += runs.per_council_run(nhs_paid)
    scalars["joint_fund_spent_k"] += runs.per_council_run(dr_paid)
    sites = world.operating_sites()
    scalars["nhs_savings_k"] += runs.dot_columns(sites, world.portfolio.nhs_saving)
    if fund_running(cfg, world.t) and fund_year_ends(world):
        b.fund_pot = np.zeros(c.n)  # the year's unspent money lapses
    b.fund_pot = b.fund_pot + fund_month(world, world.t + 1)


def fund_month(world: BoardsWorld, month: int) -> np.ndarray:
    """The joint fund's money paid into each pool's pot for a month, k GBP.

    Args:
        world: The model state.
        month: The month.

    Returns:
        ``nhs.joint_fund_k_per_year / 12 * fund_share[l]`` (each run's own fund) while the fund
        runs, else 0.
    """
    cfg = world.config
    per_year = world.blocks.param_councils("nhs.joint_fund_k_per_year")
    return per_year / 12.0 * world.boards.fund_share * fund_running(cfg, month)
