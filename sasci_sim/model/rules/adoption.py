"""The decision to pilot (ODD: Submodel 'adoption'; ODD+D decision making).

Each month an aware provider i considers innovation j with chance

    P[i, j] = decision_rate * A[i, j] * F[i, j] * R[i, j] * exp(-fatigue * lost[i])

lost[i] counts the pilots i has lost at a funding cliff ("pilotitis" leaves
providers wary of the next pilot, Social Finance 2024). A (appeal) = (1 - w) * benefit[j] + w * own_saving_ratio[j], with w the weight
providers give to savings (small: "care providers were less driven to save
money", Malley and Holder 2024). F (capability fit, NASSS) = 1 - complexity[j] * (1 - cap[i]).
R (risk) = 1 - risk_aversion * (1 - appetite[i]) * U[i, j], where uncertainty
U = (1 - e) * (1 - x[i, j]) + e * (1 - E[j]) falls as peers use it (practice
knowledge) or as research evidence grows, weighted by the role of evidence e.

A provider starts at most one pilot a month (one of the innovations it wants,
chosen at random). It needs spare capacity (fewer than
``max_concurrent_pilots`` pilots under way), its council signed up (systems
innovations) and money: its own reserves (upfront cost plus
``self_funding_months`` of net running cost) or, failing that, the council's
local pilot fund: the council is keen with chance V[l, j] (its valuation, see
commissioning) and its fund pays for keen bids ranked by V while it lasts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sasci_sim.config.schema import SYSTEMS
from sasci_sim.model.kernels.cells import row_counts, split_cells
from sasci_sim.model.population import Payer, State
from sasci_sim.model.rules.commissioning import council_value
from sasci_sim.model.rules.pooled import pay_council_pilots
from sasci_sim.model.rules.transitions import start_pilots
from sasci_sim.model.world import World


def appeal(world: World, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """A * F * R: how much provider i wants innovation j, 0..1.

    Args:
        world: The month's world.
        rows: Providers of the cells.
        cols: Innovations of the cells.

    Returns:
        The appeal per cell, the chance factor of the decision to pilot.
    """
    cfg, port, p = world.config, world.portfolio, world.providers
    w = cfg.diffusion.provider_saving_weight
    own_ratio = np.clip(port.provider_saving / np.maximum(port.running, 1e-9), 0.0, 1.0)
    run_cols = world.blocks.columns(rows, cols)  # perceived benefit and evidence are each run's own
    a = (1.0 - w) * port.benefit[run_cols] + w * own_ratio[cols]
    fit = 1.0 - port.complexity[cols] * (1.0 - p.capability[rows])
    e = world.blocks.param_rows("research.evidence_role", rows)  # each run's own
    uncertainty = (1.0 - e) * (1.0 - world.exposure.share_at(rows, cols)) + e * (1.0 - world.evidence[run_cols])
    risk = 1.0 - cfg.diffusion.risk_aversion * (1.0 - p.culture[rows]) * uncertainty
    return np.clip(a * fit * risk, 0.0, 1.0)


def eligible(world: World, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Systems innovations need the provider's council signed up.

    Args:
        world: The month's world.
        rows: Providers of the bids.
        cols: Innovations of the bids.

    Returns:
        Which bids may go ahead: every non-systems bid, and systems bids where the provider's
        council is signed up.
    """
    systems = world.portfolio.kind[cols] == SYSTEMS
    signed = world.councils.signed
    return ~systems | signed.ravel()[world.providers.council[rows] * signed.shape[1] + cols]


def readiness(world: World, rows: np.ndarray) -> np.ndarray:
    """Pilot fatigue: exp(-fatigue * pilots lost at a funding cliff), 1 for a fresh provider.

    Args:
        world: The month's world.
        rows: Providers.

    Returns:
        Each provider's readiness to pilot or bid again, 0..1.
    """
    return np.exp(-world.config.diffusion.pilot_fatigue * world.providers.pilots_lost[rows])


def has_capacity(world: World, rows: np.ndarray) -> np.ndarray:
    """Providers running fewer than ``max_concurrent_pilots`` pilots (capacity to innovate).

    Args:
        world: The month's world.
        rows: Providers.

    Returns:
        Which of them can take on another pilot.
    """
    running = row_counts(world.providers.state, rows, State.PILOTING.value)
    return running < world.config.diffusion.max_concurrent_pilots


def one_per_row(rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
    """Mask keeping one entry per provider, chosen at random (not by portfolio order).

    Args:
        rng: The run's random stream.
        rows: The provider of each entry.

    Returns:
        A mask keeping exactly one entry of each provider.
    """
    return _one_per_row(rows, lambda providers: rng.random(providers.size))


def _one_per_row(rows: np.ndarray, uniform: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``one_per_row`` with the uniforms drawn by ``uniform(providers)`` (one per provider, in row order)."""
    order = np.argsort(rows, kind="stable")  # linear when rows come sorted, as cells in row-major order do
    sorted_rows = rows[order]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = sorted_rows[1:] != sorted_rows[:-1]
    starts = np.flatnonzero(first)
    lengths = np.empty_like(starts)
    lengths[:-1] = starts[1:] - starts[:-1]
    lengths[-1:] = rows.size - starts[-1:]
    pick = starts + (uniform(sorted_rows[starts]) * lengths).astype(np.int64)  # uniform within each provider's run
    keep = np.zeros(rows.size, dtype=bool)
    keep[order[pick]] = True
    return keep


def one_free_bid_each(world: World, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which of these (provider, innovation) bids go ahead: eligible, one per provider, capacity left.

    A provider's management attention is limited, so it takes up at most one new pilot, bid or
    contract at a time, chosen at random among its eligible ones, and only while it runs fewer
    pilots than ``diffusion.max_concurrent_pilots``. Capacity is a property of the provider, so it
    can be checked after the one bid is chosen.

    Args:
        world: The model state.
        rows: Provider of each candidate.
        cols: Innovation of each candidate.

    Returns:
        Indices into ``rows``/``cols`` of the candidates kept.
    """
    idx = np.flatnonzero(eligible(world, rows, cols))
    candidates = rows[idx]
    if world.blocks.size == 1:
        idx = idx[one_per_row(world.blocks.rngs[0], candidates)]
    else:  # each run draws its providers' choices from its own stream, in row order
        idx = idx[_one_per_row(candidates, world.blocks.uniform_rows)]
    return idx[has_capacity(world, rows[idx])]


def decide_pilots(world: World) -> None:
    """Aware providers decide whether to pilot, and find the money.

    Args:
        world: The month's world; reads aware cells, appeal, reserves, pilot funds and capacity,
            writes new pilots paid by the provider or its council's pilot fund.
    """
    p, cfg, port = world.providers, world.config, world.portfolio
    # chance decision_rate * appeal per aware cell: draw cells sparsely at
    # decision_rate, keep the aware ones, then keep each with chance appeal
    runs = world.blocks
    rate = runs.param("diffusion.decision_rate_per_month")  # each run's own
    cells = runs.cells_with_chance(p.state, State.AWARE.value, rate)
    if cells.size == 0:
        return
    m = p.state.shape[1]
    rows, cols = split_cells(cells, m)
    blocks = runs.of_rows(rows)
    want = runs.thin(blocks, rate[blocks] * appeal(world, rows, cols) * readiness(world, rows), rate)
    rows, cols = rows[want], cols[want]
    keep = one_free_bid_each(world, rows, cols)  # one new pilot per provider per month
    rows, cols = rows[keep], cols[keep]
    if rows.size == 0:
        return
    need = port.upfront[cols] + cfg.diffusion.self_funding_months * np.maximum(port.net_provider_cost[cols], 0.0)
    own = p.reserves[rows] >= need
    start_pilots(world, rows[own], cols[own], Payer.OWN)
    rows, cols = rows[~own], cols[~own]
    if rows.size == 0:
        return
    la = p.council[rows]
    value = council_value(world, la, cols)
    keen = runs.uniform_rows(rows) < value
    cost = port.upfront[cols] + port.running[cols] * max(cfg.diffusion.trial_months, 1)
    ok = np.zeros(rows.size, dtype=bool)
    idx = np.flatnonzero(keen)
    ok[idx] = pay_council_pilots(world, la[idx], cost[idx], value[idx])  # a pool's joint pot first
    start_pilots(world, rows[ok], cols[ok], Payer.PILOT_FUND)
