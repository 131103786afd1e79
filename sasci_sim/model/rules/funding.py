"""Funders' calls and grants (ODD: Submodel 'funding').

Every ``call_interval_months`` each funder opens a call with its share of the
call budget. Aware providers of an eligible kind bid with chance
application_rate * capability * exp(-fatigue * lost) (writing bids takes
capacity, and providers that lost pilots at a funding cliff are wary); the panel ranks
bids by capability plus the role of evidence times evidence, with noise, and
funds down the list while money lasts. A grant pays the upfront cost, the
running cost for the grant's length and, if the funder covers it, the double
running at transition. Bids for innovations whose evidence has passed the
scaling threshold have first call on a share of each call (``scale_share``);
what they leave unspent, and the rest of the call, goes down the ranked list of
all remaining bids. A provider makes at most one bid per call (for one of the
innovations it could bid for, chosen at random).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.config.schema import KINDS, Funder
from sasci_sim.model.kernels.allocation import allocate
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.adoption import eligible, has_capacity, one_per_row, readiness
from sasci_sim.model.rules.transitions import start_pilots

if TYPE_CHECKING:
    from sasci_sim.model.social_care import SocialCareModel


def is_call_month(model: SocialCareModel) -> bool:
    """Calls open in month 1 and then every call interval, until the programme's last call."""
    f = model.config.funding
    if f.last_call_month is not None and model.t > f.last_call_month:
        return False
    return (model.t - 1) % f.call_interval_months == 0


def grant_cost(model: SocialCareModel, cols: np.ndarray, funder: Funder) -> np.ndarray:
    """What one grant for innovation j costs this funder, k GBP."""
    port = model.portfolio
    months = grant_months(model, funder)
    cost = port.upfront[cols] + port.running[cols] * months
    if funder.covers_double_running:
        cost = cost + port.double_running[cols] * port.transition[cols]
    return cost


def grant_months(model: SocialCareModel, funder: Funder) -> int:
    return funder.grant_duration_months or model.config.funding.grant_duration_months


def award_grants(model: SocialCareModel, funder: Funder) -> float:
    """Run one funder's call; returns the money awarded, k GBP."""
    cfg, p = model.config, model.providers
    budget = cfg.funding.budget_per_call_k * funder.budget_share
    if budget <= 0:
        return 0.0
    kinds = np.isin(model.portfolio.kind, [KINDS.index(k) for k in funder.kinds])
    launched = model.portfolio.launch <= model.t
    aware = p.state == State.AWARE.value
    aware[:, ~(kinds & launched)] = False  # cheaper than broadcasting a row mask over every row
    cells = np.flatnonzero(aware)
    if cells.size == 0:
        return 0.0
    m = p.state.shape[1]
    rows = cells // m
    cols = cells - rows * m
    per_provider = cfg.funding.application_rate * p.capability * readiness(model, np.arange(p.n))
    bid = model.rng.random(cells.size) < per_provider[rows]
    rows, cols = rows[bid], cols[bid]
    ok = eligible(model, rows, cols)
    rows, cols = rows[ok], cols[ok]
    first = one_per_row(model.rng, rows)  # one bid per provider per call
    rows, cols = rows[first], cols[first]
    free = has_capacity(model, rows)  # a property of the provider, so it can follow one_per_row
    rows, cols = rows[free], cols[free]
    if rows.size == 0:
        return 0.0
    e = cfg.research.evidence_role
    score = p.capability[rows] + e * model.evidence[cols] + 0.5 * model.rng.random(rows.size)
    cost = grant_cost(model, cols, funder)
    proven = model.evidence[cols] >= cfg.research.scale_evidence_threshold
    scale_budget = budget * cfg.funding.scale_share
    won = np.zeros(rows.size, dtype=bool)
    won[proven] = allocate(np.zeros(proven.sum(), np.int64), cost[proven], score[proven], np.array([scale_budget]))
    left = budget - cost[won].sum()
    rest = ~won
    won[rest] = allocate(np.zeros(rest.sum(), np.int64), cost[rest], score[rest], np.array([left]))
    months = grant_months(model, funder)
    start_pilots(
        model,
        rows[won],
        cols[won],
        Payer.GRANT,
        grant_end=model.t + months,
        double_covered=funder.covers_double_running,
    )
    np.add.at(model.events["grants"], cols[won], 1)
    return float(cost[won].sum())
