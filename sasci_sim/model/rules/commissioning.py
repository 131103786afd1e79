"""Councils as commissioners under cost-saving pressure (ODD: Submodel 'commissioning').

A council l values innovation j by a blend of benefit and savings that tilts to
savings as its cost-saving pressure pi[l] grows ("local authorities view
innovation as a tool to save money", Malley and Holder 2024):

    V[l, j] = (1 - pi[l]) * benefit[j] + pi[l] * saving_ratio[j]

and trusts a pilot's results through local proof and research evidence,
weighted by the role of evidence e:

    C[i, j] = (1 - e) * L[i, j] + e * E[j]

L is local proof, the share of its results a pilot has had time to show: none
while it beds in, then rising to all of them at its proof time (full
implementation takes two to four years, Fixsen et al. 2005); both times depend on
the innovation's kind (a systems or social innovation takes longer to bed in):

    L[i, j] = clip((months_operating[i, j] - bedding_in[kind j]) / (proof[kind j] - bedding_in[kind j]), 0, 1)

At a pilot's funding cliff the council commissions it with chance
propensity * V * C if its innovation budget can carry the net monthly cost:
running cost less the cashable part of the saving the pilot has shown,
running - cashable * saving * L; bids are ranked by V * C.
"""

from __future__ import annotations

import numpy as np

from sasci_sim.config.schema import SYSTEMS, Diffusion
from sasci_sim.model.kernels.allocation import allocate, spent_by_group
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.double_running import monthly_commitment, move_cost
from sasci_sim.model.rules.pooled import cashable_saving, commissioner_saving_ratio, saving_ratios, shared_confidence
from sasci_sim.model.rules.regulation import mean_delay_months
from sasci_sim.model.rules.transitions import abandon
from sasci_sim.model.world import World


def council_value(world: World, councils: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """V[l, j] for the given (council, innovation) pairs.

    Args:
        world: The month's world.
        councils: Councils of the pairs (any shape that broadcasts with ``cols``, e.g. a row of
            councils against a column of innovations for every pair).
        cols: Innovations of the pairs.

    Returns:
        V per pair, 0..1, in the broadcast shape.
    """
    pi = world.councils.pressure[councils]
    port = world.portfolio
    saving_ratio = commissioner_saving_ratio(world, councils, cols)  # a pooled budget counts the NHS saving too
    return (1.0 - pi) * port.benefit[world.blocks.council_columns(councils, cols)] + pi * saving_ratio


def every_council_value(world: World, cols: np.ndarray) -> np.ndarray:
    """V[l, j] of every council l for the innovations ``cols``, as ``council_value`` gives each pair.

    Each factor is a small table (per run, or per pooling) looked up by council, not computed
    per pair: the same arithmetic on the same numbers, at less cost when every council is asked.
    Councils run along the last axis (long inner loops: there are few innovations).

    Args:
        world: The month's world.
        cols: Innovations.

    Returns:
        V, ``cols`` x councils, 0..1.
    """
    c, port, runs = world.councils, world.portfolio, world.blocks
    pi = c.pressure[None, :]
    # (np.take along the councils' axis gives row-major tables, which [:, index] would not)
    benefit = np.ascontiguousarray(port.benefit.reshape(-1, port.size)[:, cols].T)  # each run's, innovations x runs
    if runs.size > 1:
        benefit = np.take(benefit, runs.of_councils(np.arange(c.n)), axis=1)
    ratios = np.ascontiguousarray(saving_ratios(world)[:, cols].T)  # alone and pooled: a pool counts the NHS saving
    saving_ratio = np.take(ratios, world.boards.pooled.astype(np.intp), axis=1)
    return (1.0 - pi) * benefit + pi * saving_ratio


def local_proof(world: World, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """L[i, j]: how much of its results a pilot has had time to show, 0..1.

    Args:
        world: The month's world.
        rows: Providers of the pilots.
        cols: Innovations of the pilots.

    Returns:
        L per pilot, 0..1.
    """
    months_operating = world.providers.months_operating
    bedding, span = proof_times(world.config.diffusion, world.portfolio.kind)
    return proof_after(months_operating.ravel()[rows * months_operating.shape[1] + cols], bedding[cols], span[cols])


def proof_times(d: Diffusion, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bedding-in months and proof span (proof minus bedding-in months) of each innovation, by its kind.

    Args:
        d: The diffusion settings (``Diffusion.proof_times`` gives the months per kind).
        kinds: Kind index (into ``KINDS``) of each innovation.

    Returns:
        (bedding_in, span) arrays, one entry per innovation.
    """
    times = np.array(d.proof_times())
    return times[kinds, 0], times[kinds, 1] - times[kinds, 0]


def proof_after(
    months: np.ndarray, bedding: np.ndarray | float, span: np.ndarray | float, out: np.ndarray | None = None
) -> np.ndarray:
    """L for sites that have operated ``months`` months: clip((months - bedding) / span, 0, 1).

    Args:
        months: Operating months (any shape).
        bedding: Bedding-in months, broadcastable to ``months`` (per innovation: the last axis).
        span: Proof months minus bedding-in months, broadcastable likewise.
        out: Array to write into (may be ``months``).

    Returns:
        Local proof, 0..1.
    """
    out = np.subtract(months, bedding, out=out)
    np.divide(out, span, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


def confidence(world: World, rows: np.ndarray, cols: np.ndarray, proof: np.ndarray | None = None) -> np.ndarray:
    """C[i, j]: how far the council trusts that the pilot works.

    Args:
        world: The month's world.
        rows: Providers of the pilots.
        cols: Innovations of the pilots.
        proof: Their local proof L, if the caller has it (else computed).

    Returns:
        C per pilot, 0..1.
    """
    e = world.blocks.param_rows("research.evidence_role", rows)  # each run's own
    proof = local_proof(world, rows, cols) if proof is None else proof
    c = (1.0 - e) * proof + e * world.evidence[world.blocks.columns(rows, cols)]
    return shared_confidence(world, world.providers.council[rows], c)  # a pooled budget shares the risk


def council_net_cost(
    world: World, cols: np.ndarray, seen: np.ndarray | float = 1.0, councils: np.ndarray | None = None
) -> np.ndarray:
    """Monthly budget a council commits per commissioned site: running cost less the cashable saving.

    Only ``cashable_saving_share`` of a saving frees money in the budget; the rest is
    avoided future cost that does not pay this year's bills. When deciding on a pilot
    the council counts only the savings the pilot has shown (``seen`` = local proof L);
    a contract in place realises its full saving. Given the ``councils``, a pooled budget also
    counts the cashable NHS saving (ODD 'pooled').

    Args:
        world: The month's world.
        cols: Innovations of the sites.
        seen: The share of the saving the council counts (local proof L, or 1).
        councils: The commissioning council of each site, if known.

    Returns:
        NC per site, k GBP a month, never below 0.
    """
    port = world.portfolio
    if councils is not None:
        return np.maximum(port.running[cols] - cashable_saving(world, councils, cols) * seen, 0.0)
    cashable = world.config.local_authorities.cashable_saving_share
    return np.maximum(port.running[cols] - cashable * port.council_saving[cols] * seen, 0.0)


def refresh_commitments(world: World) -> None:
    """Recompute what each council has committed to running innovations per month.

    Args:
        world: The month's world; reads the council-paid cells and their net costs, writes
            ``councils.committed``.
    """
    p = world.providers
    m = p.state.shape[1]

    def monthly_cost(cells: np.ndarray) -> np.ndarray:
        rows, cols = split_cells(cells, m)
        cost = council_net_cost(world, cols, councils=p.council[rows])
        cost += monthly_commitment(world, rows, cols)  # double running of moves still in transition
        return cost

    # a contract's monthly cost is fixed while it lasts through the month (kept, when the world keeps it)
    cells, cost = world.per_contract("monthly_cost", monthly_cost)
    world.councils.committed = spent_by_group(p.council[cells // m], cost, world.councils.n)


def commission(world: World, rows: np.ndarray, cols: np.ndarray, seen: np.ndarray | None = None) -> np.ndarray:
    """Which of these pilots at their cliff the councils take on (mask).

    Args:
        world: The month's world; its councils' commitments rise by what they take on.
        rows: Providers of the pilots at their cliff.
        cols: Innovations of those pilots.
        seen: Their local proof L, if the caller has it (else computed).

    Returns:
        Which pilots a council commissions, in the order given.
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    la = world.providers.council[rows]
    seen = local_proof(world, rows, cols) if seen is None else seen
    score = council_value(world, la, cols) * confidence(world, rows, cols, seen)
    runs = world.blocks
    propensity = runs.param("local_authorities.commissioning_propensity")[runs.of_rows(rows)]  # each run's own
    willing = runs.uniform_rows(rows) < propensity * score
    accepted = np.zeros(len(rows), dtype=bool)
    idx = np.flatnonzero(willing)
    if idx.size:
        room = np.maximum(world.councils.budget - world.councils.committed, 0.0)
        cost = council_net_cost(world, cols[idx], seen[idx], la[idx])
        cost += move_cost(world, rows[idx], cols[idx])  # the double running of the move, unless a fund pays it
        ok = allocate(la[idx], cost, score[idx], room)
        accepted[idx[ok]] = True
        world.councils.committed += spent_by_group(la[idx[ok]], cost[ok], world.councils.n)
    return accepted


def review_contracts(world: World) -> np.ndarray:
    """Councils drop contracts of little value to them, more so under pressure.

    Returns the flat indices of dropped cells (the caller decides their fate).

    Args:
        world: The month's world; reads contracts, pressure and values.

    Returns:
        The flat indices of the dropped cells; the caller decides their fate.
    """
    p = world.providers
    m = p.state.shape[1]
    bound = min(1.0, world.config.local_authorities.review_hazard_per_month)
    # the hazard never exceeds the review rate (pressure and 1 - V are at most 1):
    # draw cells sparsely at that rate, keep the contracts, thin to their hazard
    cells = world.blocks.cells_with_chance(p.payer, Payer.COUNCIL.value, bound)
    rows, cols = split_cells(cells, m)
    la = p.council[rows]
    hazard = (
        world.config.local_authorities.review_hazard_per_month
        * world.councils.pressure[la]
        * (1.0 - council_value(world, la, cols))
    )
    return cells[world.blocks.thin(world.blocks.of_rows(rows), hazard, bound)]


def sign_up_systems(world: World) -> None:
    """Councils sign up to systems innovations as evidence and peer councils accumulate.

    Monthly chance for council l and systems innovation j:

        signup_rate * ((1 - e) * S[j] + e * E[j]) * V[l, j] / (1 + D[j])

    S[j] is the share of councils already signed up, E[j] the evidence, V the
    council's valuation, and 1 / (1 + D[j]) the monthly chance that the rules it
    needs changed are approved (D: the regulatory delay of ODD 'regulation'), so
    rigid regulation holds systems innovations back at the council's door too.

    Args:
        world: The month's world; reads sign-ups, evidence, values and regulatory delay, writes
            ``councils.signed``.
    """
    port, c, runs = world.portfolio, world.councils, world.blocks
    systems = np.flatnonzero((port.kind == SYSTEMS) & (port.launch <= world.t))
    if systems.size == 0:
        return
    e = runs.shared("research.evidence_role")
    if e is None:  # each run's own, over its systems innovations
        e = runs.param("research.evidence_role")[:, None]
    k = systems.size
    signed = c.signed[:, systems]
    share = signed.reshape(runs.size, -1, k).mean(axis=1)  # per run: its own councils
    pull = (1.0 - e) * share + e * world.evidence.reshape(runs.size, -1)[:, systems]
    value = every_council_value(world, systems)  # systems x councils (long inner loops), turned at the draw
    rules_changed = 1.0 / (1.0 + mean_delay_months(world).reshape(-1, runs.m)[:, systems])  # one row, or each run's
    run_of = runs.of_councils(np.arange(c.n))
    per_run = runs.param("local_authorities.signup_rate_per_month")[:, None] * (pull * rules_changed)
    hazard = np.take(np.ascontiguousarray(per_run.T), run_of, axis=1) * value  # each council's run's rate and pull
    draws = runs.uniform_councils(np.arange(c.n), k) < hazard.T
    c.signed[:, systems] = signed | draws


def reorganise(world: World) -> np.ndarray:
    """Some councils restructure: support is withdrawn and adopters are disrupted (Mann et al. 2022).

    Args:
        world: The month's world; reads each council's providers and sign-ups, writes sign-ups,
            pilot funds, reorganisation counts and abandonments with cause reorganisation.

    Returns:
        The flat indices of the cells abandoned, sorted (so the schedule knows which cells changed).
    """
    la_cfg, c, p, runs = world.config.local_authorities, world.councils, world.providers, world.blocks
    hit = np.flatnonzero(runs.uniform_councils(np.arange(c.n)) < la_cfg.reorganisation_rate_per_year / 12.0)
    if runs.size == 1:
        world.events_scalar["reorganisations"] += float(hit.size)
    else:  # a whole number per run (a sum of ones)
        world.events_scalar["reorganisations"] += np.bincount(runs.of_councils(hit), minlength=runs.size)
    if hit.size == 0:
        return np.zeros(0, dtype=np.int64)
    c.reorganisations[hit] += 1
    c.pilot_pot[hit] = 0.0
    withdraw = runs.uniform_councils(hit, c.signed.shape[1]) < la_cfg.reorganisation_withdrawal
    c.signed[hit] &= ~withdraw
    rows = _providers_of(p.council, hit)
    sub_state, sub_payer = p.state[rows], p.payer[rows]
    active = (sub_state == State.PILOTING.value) | (sub_state == State.SUSTAINED.value)
    draw = runs.uniform(runs.of_rows(rows), active.shape[1])
    dropped = active & (sub_payer == Payer.COUNCIL.value) & (draw < la_cfg.reorganisation_withdrawal)
    disrupted = active & ~dropped & (draw > 1.0 - la_cfg.reorganisation_disruption)
    r, j = np.nonzero(dropped | disrupted)
    abandon(world, rows[r], j, "reorganisation")
    refresh_commitments(world)
    return rows[r].astype(np.int64) * active.shape[1] + j


def _providers_of(council: np.ndarray, councils: np.ndarray) -> np.ndarray:
    """The provider rows of the given councils, sorted.

    Providers are built sorted by council (``population.build_providers``, and a batch stacks its
    runs' councils in block order), so each council's providers are one stretch of rows, found by
    two binary searches instead of a pass over every provider; unsorted councils take the pass.

    Args:
        council: Each provider's council.
        councils: Distinct councils, sorted.

    Returns:
        The rows whose council is one of ``councils``, as ``np.flatnonzero(np.isin(council, councils))``.
    """
    if not np.all(council[1:] >= council[:-1]):
        in_given = np.zeros(int(council.max(initial=-1)) + 1, dtype=bool)
        in_given[councils[councils < in_given.size]] = True
        return np.flatnonzero(in_given[council])
    starts = np.searchsorted(council, councils, side="left")
    lengths = np.searchsorted(council, councils, side="right") - starts
    total = int(lengths.sum())
    # row k of the result: its council's first row plus its place in that council's stretch
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def update_funds(world: World) -> None:
    """Local pilot funds refill monthly, up to one year's worth.

    Args:
        world: The month's world; reads the pilot fund size (each run's own), writes ``councils.pilot_pot``.
    """
    cap = world.blocks.param_councils("local_authorities.pilot_fund_k_per_year")
    c = world.councils
    np.minimum(c.pilot_pot + cap / 12.0, cap, out=c.pilot_pot)
