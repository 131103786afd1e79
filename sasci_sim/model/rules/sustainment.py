"""The funding cliff: sustain, cut down, or abandon (ODD: Submodel 'sustainment').

A pilot reaches its decision when its grant ends (grant-funded) or when it has
operated ``trial_months`` (otherwise). Going on means making the transition,
which costs double running (double_running x transition months) unless the
funder covered it (then the funder spends it now): a commissioner that takes the
site on pays it monthly during the transition (ODD 'double_running'), a provider
that carries it pays it from its reserves. Someone must pay the running cost,
tried in this order:

1. a council pilot already commissioned by the council stays commissioned, if
   the council can fit the double running in its budget room;
2. the council commissions it (see commissioning; the double running counts in
   the cost);
3. it pays for itself: the saving the provider has seen so far covers the
   running cost (savings show as the pilot proves itself: realised saving =
   saving x L, with L the local proof of commissioning);
4. the provider carries the net cost (running less realised saving) from its
   monthly surplus (at most ``surplus_share_per_innovation`` of it), if it wants to go on: chance
   appeal x L, since a pilot cut short has not shown its worth or become
   routine;
5. a cut-down version (``partial_scale`` of cost) is kept the same way
   (partial sustainment, Scheirer 2005);
6. otherwise, or if the pilot was never approved before its grant ended (it
   never got going), the pilot is abandoned: at a grant's end this is the funding
   cliff (Shediac-Rizkallah and Bone 1998; Social Finance 2024).
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.jit import compiled
from sasci_sim.model.population import NO_MONTH, Payer, State
from sasci_sim.model.rules.adoption import appeal
from sasci_sim.model.rules.commissioning import commission, council_value, local_proof
from sasci_sim.model.rules.double_running import afford_moves, start_moves
from sasci_sim.model.rules.transitions import abandon, sustain
from sasci_sim.model.world import World

_PILOTING, _GRANT = State.PILOTING.value, Payer.GRANT.value


def decisions_due(world: World) -> np.ndarray:
    """Flat indices of pilots whose grant has ended or whose trial is over.

    Args:
        world: The month's world.

    Returns:
        The flat indices of the pilots to decide this month.
    """
    p = world.providers
    # with many cells under way, one pass over the state (the same pilots, sorted)
    cells = np.flatnonzero(p.state == State.PILOTING.value) if world.many_under_way() else world.under_way()
    flat = (p.state, p.payer, p.grant_end, p.months_operating, p.approved)
    return _due(cells, *(a.reshape(-1) for a in flat), world.t, world.config.diffusion.trial_months)


@compiled
def _due(
    cells: np.ndarray,
    state: np.ndarray,
    payer: np.ndarray,
    grant_end: np.ndarray,
    months_operating: np.ndarray,
    approved: np.ndarray,
    t: int,
    trial_months: int,
) -> np.ndarray:
    """The pilots among ``cells`` that are due, in their order.

    Due: grant-funded ones whose grant has ended by month ``t``, the others operating
    ``trial_months`` and approved. One compiled pass (``model.kernels.jit``) reads each field
    only at the pilots it decides (a read at scattered cells costs about a cache line per cell).
    """
    due = np.empty(cells.size, dtype=np.int64)
    found = 0
    for cell in cells:
        if state[cell] != _PILOTING:
            continue
        if payer[cell] == _GRANT:
            ended = grant_end[cell] <= t
        else:
            ended = months_operating[cell] >= trial_months and approved[cell]
        if ended:
            due[found] = cell
            found += 1
    return due[:found]


def funding_cliff(world: World) -> None:
    """Decide every pilot that has reached its cliff this month.

    Args:
        world: The month's world; reads the pilots due, their payers, reserves, councils and local
            proof, writes sustained, commissioned or abandoned cells.
    """
    p, port, cfg = world.providers, world.portfolio, world.config
    cells = decisions_due(world)
    if cells.size == 0:
        return
    rows, cols = split_cells(cells, p.state.shape[1])
    # each field read once, at the flat cells: below only ``sustain`` writes a payer, of the cells that go on
    was_grant = p.grant_end.ravel()[cells] != NO_MONTH
    was_payer = p.payer.ravel()[cells]
    double_covered = p.double_covered.ravel()[cells]
    dr = np.where(double_covered, 0.0, port.double_running[cols] * port.transition[cols])
    reserves = p.reserves[rows]
    # a pilot whose grant ended before it was approved never got going: it cannot go on
    started = p.approved.ravel()[cells]
    full_ok = started & (reserves >= dr)
    part_ok = started & (reserves >= cfg.diffusion.partial_scale * dr)
    payer = np.full(cells.size, Payer.NONE, dtype=np.int8)
    partial = np.zeros(cells.size, dtype=bool)

    # a commissioner, not the provider, pays the double running of a move it makes (rules.double_running)
    council_paid = (was_payer == Payer.COUNCIL) & started
    idx = np.flatnonzero(council_paid)
    already = np.zeros(cells.size, dtype=bool)
    already[idx[afford_moves(world, rows[idx], cols[idx], council_value(world, p.council[rows[idx]], cols[idx]))]] = (
        True
    )
    payer[already] = Payer.COUNCIL
    todo = np.flatnonzero(~council_paid & started)
    proof = local_proof(world, rows, cols)
    taken = commission(world, rows[todo], cols[todo], proof[todo])
    payer[todo[taken]] = Payer.COUNCIL

    realised = port.provider_saving[cols] * proof
    open_ = payer == Payer.NONE
    pays_itself = open_ & full_ok & (realised >= port.running[cols])
    payer[pays_itself] = Payer.OWN

    open_ = payer == Payer.NONE
    wants = world.blocks.uniform_rows(rows) < appeal(world, rows, cols) * proof
    net = np.maximum(port.running[cols] - realised, 0.0)
    room = cfg.diffusion.surplus_share_per_innovation * p.surplus[rows]
    carry = open_ & wants & full_ok & (net <= room)
    payer[carry] = Payer.OWN
    open_ = payer == Payer.NONE
    cut = open_ & wants & part_ok & (cfg.diffusion.partial_scale * net <= room) & (cfg.diffusion.partial_scale > 0)
    payer[cut] = Payer.OWN
    partial[cut] = True

    go = payer != Payer.NONE
    scale = np.where(partial, cfg.diffusion.partial_scale, 1.0)
    paid_dr = scale * dr
    covered = go & double_covered  # the funder pays the double running it promised
    if covered.any():
        cost = scale[covered] * port.double_running[cols[covered]] * port.transition[cols[covered]]
        world.events_scalar["grants_spent_k"] += world.blocks.sums(cost, world.blocks.of_rows(rows[covered]))
    own = payer == Payer.OWN
    np.subtract.at(p.reserves, rows[own], paid_dr[own])
    moved = payer == Payer.COUNCIL
    start_moves(world, rows[moved], cols[moved])
    np.maximum(p.reserves, 0.0, out=p.reserves)
    sustain(world, rows[go], cols[go], payer[go], partial[go])
    stop = ~go
    cliff = stop & (was_grant | (was_payer == Payer.PILOT_FUND))
    abandon(world, rows[cliff], cols[cliff], "cliff")
    rest = stop & ~cliff
    abandon(world, rows[rest], cols[rest], "money")
