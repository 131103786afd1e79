"""Funders' calls and grants (ODD: Submodel 'funding').

The programme starts in ``first_call_month`` (calls open only once providers could
bid: a programme is announced, and bids are written, before its first call), then
every ``call_interval_months`` each funder opens a call with its share of the
call budget, until ``last_call_month``. Aware providers of an eligible kind bid with chance
application_rate * capability * exp(-fatigue * lost) (writing bids takes
capacity, and providers that lost pilots at a funding cliff are wary); the panel ranks
bids by capability plus the role of evidence times evidence, with noise, and
funds down the list while money lasts. A grant pays a fixed project cost (bid,
set-up, project management, evaluation), the upfront cost, the running cost for
the grant's length and, if the funder covers it, the double running at
transition. Money is spent as it goes (``spend_grants``): the fixed and upfront
costs at the award, the running cost each month the grant's pilot is still
under way; a pilot abandoned before its grant ends spends no more. Bids for innovations whose evidence has passed the
scaling threshold have first call on a share of each call (``scale_share``);
what they leave unspent, and the rest of the call, goes down the ranked list of
all remaining bids. A provider makes at most one bid per call (for one of the
innovations it could bid for, chosen at random).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.config.schema import KINDS, Funder
from sasci_sim.model.kernels.allocation import allocate
from sasci_sim.model.population import Payer
from sasci_sim.model.rules.adoption import one_free_bid_each, readiness
from sasci_sim.model.rules.transitions import start_pilots
from sasci_sim.model.world import World


def is_call_month(world: World) -> bool:
    """Whether a call opens this month (in some run of a batch: ``calling_runs`` says which).

    Calls open at the programme start (``first_call_month``) and then every call interval,
    until the programme's last call.

    Args:
        world: The model state (reads ``t``, ``config.funding`` and each run's calendar).

    Returns:
        True in a call month.
    """
    calling = calling_runs(world)
    if calling is not None:
        return bool(calling.any())
    runs = world.blocks
    first = runs.shared("funding.first_call_month")
    return _opens(world, first, runs.shared("funding.call_interval_months"))


def calling_runs(world: World) -> np.ndarray | None:
    """Which runs of a batch open a call this month, when their call calendars differ.

    Runs may differ in ``first_call_month`` and ``call_interval_months`` (they are
    ``model.blocks.PER_RUN_PARAMETERS``); each keeps its own calendar, as it does alone.

    Args:
        world: The model state.

    Returns:
        One bool per run, or None when every run of the batch has the same calendar (then
        ``is_call_month`` answers for all of them).
    """
    runs = world.blocks
    first = runs.shared("funding.first_call_month")
    interval = runs.shared("funding.call_interval_months")
    if first is not None and interval is not None:
        return None
    return _opens(world, runs.param("funding.first_call_month"), runs.param("funding.call_interval_months"))


def _opens(world: World, first: int | np.ndarray, interval: int | np.ndarray) -> bool | np.ndarray:
    """Whether a call opens this month, for one calendar (a bool) or one per run (an array)."""
    t, last = world.t, world.config.funding.last_call_month
    one = np.ndim(first) == 0 and np.ndim(interval) == 0
    if last is not None and t > last:
        return False if one else np.zeros(world.blocks.size, dtype=bool)
    if one:
        return t >= first and (t - first) % interval == 0
    return (t >= first) & ((t - first) % interval == 0)  # a run before its first call: False, whatever the remainder


def grant_cost(world: World, cols: np.ndarray, funder: Funder, rows: np.ndarray | None = None) -> np.ndarray:
    """What one grant for innovation j costs this funder, k GBP.

    Args:
        world: The model state.
        cols: Innovation of each grant.
        funder: The funder's specification (grant length, double running).
        rows: The provider of each grant, for its run's grant length (needed for a batch whose
            runs differ in ``funding.grant_duration_months``).

    Returns:
        fixed project cost + upfront + running x grant months (+ double running x transition months
        if the funder covers it), per grant.
    """
    port = world.portfolio
    months = grant_months(world, funder, rows)
    cost = world.config.funding.project_fixed_cost_k + port.upfront[cols] + port.running[cols] * months
    if funder.covers_double_running:
        cost = cost + port.double_running[cols] * port.transition[cols]
    return cost


def award_spend(world: World, cols: np.ndarray, rows: np.ndarray | None = None) -> float | np.ndarray:
    """Money a funder pays out when it awards grants for these innovations: fixed project cost and upfront, k GBP.

    Args:
        world: The model state.
        cols: Innovation of each grant awarded.
        rows: The provider of each grant, to count each run's own (needed for a batch of runs).

    Returns:
        The sum over grants of ``project_fixed_cost_k + upfront[j]`` (per run for a batch).
    """
    runs = world.blocks
    fixed = world.config.funding.project_fixed_cost_k
    if runs.size == 1:
        return float(cols.size * fixed + world.portfolio.upfront[cols].sum())
    blocks = runs.of_rows(rows)
    return np.bincount(blocks, minlength=runs.size) * fixed + runs.sums(world.portfolio.upfront[cols], blocks)


def spend_grants(world: World) -> None:
    """Add this month's running cost of grant-funded pilots to the money spent (``grants_spent_k``).

    A grant pays a pilot's running cost in each month from its award until the month its grant
    ends (when the pilot's sustainment is decided); a pilot abandoned early spends no more.
    Double running that a funder covers is spent at the transition (see sustainment).

    Args:
        world: The model state; writes ``events_scalar['grants_spent_k']``.
    """
    p = world.providers
    if world.many_under_way():  # a pass over the payers
        cells = np.flatnonzero(p.payer == Payer.GRANT.value)
    else:  # a grant pays for a pilot only (start_pilots; every other writer of a state sets its payer)
        cells = world.under_way()
        cells = cells[np.flatnonzero(p.payer.ravel()[cells] == Payer.GRANT.value)]
    if cells.size == 0:
        return
    running = p.grant_end.ravel()[cells] > world.t
    cells = cells[running]
    cols = cells % p.state.shape[1]
    world.events_scalar["grants_spent_k"] += world.blocks.sums(
        world.portfolio.running[cols], world.blocks.of_cells(cells)
    )


def grant_months(world: World, funder: Funder, rows: np.ndarray | None = None) -> int | np.ndarray:
    """How long this funder's grants last: its own term, else the programme's (each run's own).

    Args:
        world: The world (for the programme's grant duration in each run).
        funder: The funder.
        rows: The provider of each grant, needed when the runs of a batch differ in
            ``funding.grant_duration_months`` and the funder has no term of its own.

    Returns:
        Months: one for every grant, or one per grant (integers either way).
    """
    if funder.grant_duration_months:
        return funder.grant_duration_months
    runs = world.blocks
    months = runs.shared("funding.grant_duration_months")
    if months is not None:
        return months
    if rows is None:
        raise ValueError("the runs differ in funding.grant_duration_months: give the grants' rows")
    return runs.param_rows("funding.grant_duration_months", rows)


def award_grants(world: World, funder: Funder) -> float | np.ndarray:
    """Run one funder's call in every run; returns the money awarded, k GBP (per run for a batch).

    Args:
        world: The month's world; its aware providers bid, and winners start grant-funded pilots.
        funder: The funder whose call it is.

    Returns:
        The money awarded, k GBP (a float for a single run, one value per run for a batch).
    """
    cfg, p, runs = world.config, world.providers, world.blocks
    budget = runs.param_runs("funding.budget_per_call_k") * funder.budget_share  # each run's own
    calling = calling_runs(world)
    closed = None  # the runs of a batch with no call this month, or no money for one
    if calling is None and np.ndim(budget) == 0:
        if budget <= 0:
            return 0.0
    else:
        closed = np.broadcast_to(~((budget > 0) & (True if calling is None else calling)), (runs.size,))
        if np.all(closed):
            return 0.0
    funded = np.zeros(len(KINDS), dtype=bool)
    funded[[KINDS.index(k) for k in funder.kinds]] = True
    open_to = funded[world.portfolio.kind] & (world.portfolio.launch <= world.t)  # innovations it funds
    m = p.state.shape[1]
    # the aware cells are many: each pass over them counts, so the rows are found only for the
    # cells that may bid, and the innovations only for those that bid
    cells = world.aware_cells()  # (kept from call to call while tracked)
    if closed is not None and closed.any():  # their providers do not bid, and draw nothing, as alone
        cells = runs.cells_of(cells, ~closed)  # (each run's one stretch: a run alone costs its own cells)
    if not open_to.all():
        cells = cells[np.flatnonzero(np.tile(open_to, p.state.shape[0])[cells])]
    rows = cells // m
    if rows.size == 0:
        return 0.0
    everyone = np.arange(p.n)
    per_provider = runs.param_rows("funding.application_rate", everyone) * p.capability * readiness(world, everyone)
    bid = np.flatnonzero(runs.uniform_rows(rows) < per_provider[rows])
    rows = rows[bid]
    cols = cells[bid] - rows * m
    keep = one_free_bid_each(world, rows, cols)  # one bid per provider per call
    rows, cols = rows[keep], cols[keep]
    if rows.size == 0:
        return 0.0
    e = runs.param_rows("research.evidence_role", rows)  # each run's own
    call = runs.of_rows(rows)  # each run has its own call, with the whole budget
    run_cols = runs.block_columns(call, cols)
    score = p.capability[rows] + e * world.evidence[run_cols] + 0.5 * runs.uniform_rows(rows)
    cost = grant_cost(world, cols, funder, rows)
    proven = world.evidence[run_cols] >= cfg.research.scale_evidence_threshold
    scale_budget = budget * runs.param_runs("funding.scale_share")
    won = np.zeros(rows.size, dtype=bool)
    won[proven] = allocate(call[proven], cost[proven], score[proven], np.full(runs.size, scale_budget))
    left = budget - np.asarray(runs.sums(cost[won], call[won])).reshape(-1)
    rest = ~won
    won[rest] = allocate(call[rest], cost[rest], score[rest], left)
    months = grant_months(world, funder, rows)
    start_pilots(
        world,
        rows[won],
        cols[won],
        Payer.GRANT,
        grant_end=world.t + (months[won] if np.ndim(months) else months),
        double_covered=funder.covers_double_running,
    )
    np.add.at(world.events["grants"], run_cols[won], 1)
    world.events_scalar["grants_spent_k"] += award_spend(world, cols[won], rows[won])
    return runs.sums(cost[won], call[won])
