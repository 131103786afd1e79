"""Councils as commissioners under cost-saving pressure (ODD: Submodel 'commissioning').

A council l values innovation j by a blend of benefit and savings that tilts to
savings as its cost-saving pressure pi[l] grows ("local authorities view
innovation as a tool to save money", seed 000):

    V[l, j] = (1 - pi[l]) * benefit[j] + pi[l] * saving_ratio[j]

and trusts a pilot's results through local proof and research evidence,
weighted by the role of evidence e:

    C[i, j] = (1 - e) * min(1, months_operating[i, j] / proof_months) + e * E[j]

At a pilot's funding cliff the council commissions it with chance
propensity * V * C if its innovation budget can carry the net monthly cost
(running cost less the council's own saving); bids are ranked by V * C.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.allocation import allocate, spent_by_group
from sasci_sim.population import Payer, State
from sasci_sim.rules.transitions import abandon
from sasci_sim.scenario import KINDS

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def council_value(model: SocialCareModel, councils: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """V[l, j] for the given (council, innovation) pairs."""
    pi = model.councils.pressure[councils]
    port = model.portfolio
    return (1.0 - pi) * port.benefit[cols] + pi * port.saving_ratio[cols]


def confidence(model: SocialCareModel, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """C[i, j]: how far the council trusts that the pilot works."""
    cfg = model.config
    e = cfg.research.evidence_role
    proof = np.minimum(1.0, model.providers.months_operating[rows, cols] / cfg.diffusion.proof_months)
    return (1.0 - e) * proof + e * model.evidence[cols]


def council_net_cost(model: SocialCareModel, cols: np.ndarray) -> np.ndarray:
    """Monthly cost to a council of commissioning one site: running less its saving."""
    port = model.portfolio
    return np.maximum(port.running[cols] - port.council_saving[cols], 0.0)


def refresh_commitments(model: SocialCareModel) -> None:
    """Recompute what each council has committed to running innovations per month."""
    p = model.providers
    cells = np.flatnonzero(p.payer == Payer.COUNCIL)
    rows, cols = np.divmod(cells, p.state.shape[1])
    model.councils.committed = spent_by_group(p.council[rows], council_net_cost(model, cols), model.councils.n)


def commission(model: SocialCareModel, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which of these pilots at their cliff the councils take on (mask)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    la = model.providers.council[rows]
    score = council_value(model, la, cols) * confidence(model, rows, cols)
    willing = model.rng.random(len(rows)) < model.config.local_authorities.commissioning_propensity * score
    accepted = np.zeros(len(rows), dtype=bool)
    idx = np.flatnonzero(willing)
    if idx.size:
        room = np.maximum(model.councils.budget - model.councils.committed, 0.0)
        cost = council_net_cost(model, cols[idx])
        ok = allocate(la[idx], cost, score[idx], room)
        accepted[idx[ok]] = True
        model.councils.committed += spent_by_group(la[idx[ok]], cost[ok], model.councils.n)
    return accepted


def review_contracts(model: SocialCareModel) -> np.ndarray:
    """Councils drop contracts of little value to them, more so under pressure.

    Returns the flat indices of dropped cells (the caller decides their fate).
    """
    p = model.providers
    cells = np.flatnonzero(p.payer == Payer.COUNCIL)
    if cells.size == 0:
        return cells
    rows, cols = np.divmod(cells, p.state.shape[1])
    la = p.council[rows]
    hazard = (
        model.config.local_authorities.review_hazard_per_month
        * model.councils.pressure[la]
        * (1.0 - council_value(model, la, cols))
    )
    return cells[model.rng.random(cells.size) < hazard]


def sign_up_systems(model: SocialCareModel) -> None:
    """Councils sign up to systems innovations as evidence and peer councils accumulate."""
    port, c = model.portfolio, model.councils
    systems = np.flatnonzero((port.kind == KINDS.index("systems")) & (port.launch <= model.t))
    if systems.size == 0:
        return
    e = model.config.research.evidence_role
    share = c.signed[:, systems].mean(axis=0)
    pull = (1.0 - e) * share + e * model.evidence[systems]
    value = council_value(model, np.repeat(np.arange(c.n), systems.size), np.tile(systems, c.n)).reshape(
        c.n, systems.size
    )
    hazard = model.config.local_authorities.signup_rate_per_month * pull[None, :] * value
    draws = model.rng.random((c.n, systems.size)) < hazard
    c.signed[:, systems] |= draws


def reorganise(model: SocialCareModel) -> None:
    """Some councils restructure: support is withdrawn and adopters are disrupted (seed 003)."""
    la_cfg, c, p = model.config.local_authorities, model.councils, model.providers
    hit = np.flatnonzero(model.rng.random(c.n) < la_cfg.reorganisation_rate_per_year / 12.0)
    model.events_scalar["reorganisations"] += hit.size
    if hit.size == 0:
        return
    c.reorganisations[hit] += 1
    c.pilot_pot[hit] = 0.0
    withdraw = model.rng.random((hit.size, c.signed.shape[1])) < la_cfg.reorganisation_withdrawal
    c.signed[hit] &= ~withdraw
    in_hit = np.isin(p.council, hit)
    rows = np.flatnonzero(in_hit)
    sub_state, sub_payer = p.state[rows], p.payer[rows]
    active = (sub_state == State.PILOTING) | (sub_state == State.SUSTAINED)
    draw = model.rng.random(active.shape)
    dropped = active & (sub_payer == Payer.COUNCIL) & (draw < la_cfg.reorganisation_withdrawal)
    disrupted = active & ~dropped & (draw > 1.0 - la_cfg.reorganisation_disruption)
    r, j = np.nonzero(dropped | disrupted)
    abandon(model, rows[r], j, "reorganisation")
    refresh_commitments(model)


def update_funds(model: SocialCareModel) -> None:
    """Local pilot funds refill monthly, up to one year's worth."""
    cap = model.config.local_authorities.pilot_fund_k_per_year
    c = model.councils
    np.minimum(c.pilot_pot + cap / 12.0, cap, out=c.pilot_pot)
