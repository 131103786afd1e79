"""Council budgets that move: stop-go settlements, overspends and reinvested savings (ODD: Submodel 'settlements').

Councils set their budgets once a year, after a one-year settlement whose size is not known in
advance (LGA 2024; Public Accounts Committee 2018). In the first month of each year
(t = 1, 13, 25, ...) each council l draws its settlement shock

    z[l] = sqrt(rho) * z_national + sqrt(1 - rho) * z_local[l],   z ~ N(0, 1)

(rho = ``settlement_national_share``). A council with a poor settlement overspends its adult
social care budget: overspent[l] = z[l] < Phi^-1(overspend_share), so that on average
``overspend_share`` of councils overspend (63% in 2022/23, ADASS Spring Survey 2023).
Overspending raises cost-saving pressure for the year, around its average-year level pi0[l]:

    pi[l] = clip(pi0[l] + overspend_pressure_rise * (overspent[l] - overspend_share), 0, 1)

(so the mean pressure stays the scenario's). The monthly innovation budget is re-set:

    budget[l] = b * n_providers[l] * (1 - cut * pi[l]) * max(1 + settlement_sd * z[l], 0)
                + savings_reinvestment_share * S[l]
                + added[l]   (a pooled budget's ICB contribution and joint-fund room, kept: 7.14)

with S[l] the monthly cashable savings the council is realising, at the settlement, from
innovations it does not itself pay for (its contracts' savings already net off their cost). With ``settlement_sd``,
``overspend_pressure_rise`` and ``savings_reinvestment_share`` all 0 budgets never move and no
random numbers are drawn.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.nhs import BoardsWorld
from sasci_sim.model.population import Payer
from sasci_sim.model.world import World


def settlements_on(world: World) -> bool:
    """Whether budgets move at all in this scenario (any of the three mechanisms switched on).

    Args:
        world: The model state.

    Returns:
        False when ``settlement_sd``, ``overspend_pressure_rise`` and ``savings_reinvestment_share`` are all 0.
    """
    la = world.config.local_authorities
    return la.settlement_sd > 0 or la.overspend_pressure_rise > 0 or la.savings_reinvestment_share > 0


def is_settlement_month(t: int) -> bool:
    """Settlements arrive in the first month of each year of the run (months 1, 13, 25, ...)."""
    return t >= 1 and (t - 1) % 12 == 0


def overspend_threshold(share: float) -> float:
    """Phi^-1(share): the settlement shock below which a council overspends (-inf or +inf at 0 or 1).

    Args:
        share: The share of councils that overspend in an average year.

    Returns:
        The standard normal quantile of ``share``.
    """
    if share <= 0.0:
        return -np.inf
    if share >= 1.0:
        return np.inf
    return NormalDist().inv_cdf(share)


def settlement_shocks(world: World) -> np.ndarray:
    """This year's settlement shock z[l] per council: a national part shared by all and a local part.

    Args:
        world: The model state (draws from its random stream).

    Returns:
        Standard normal shocks, one per council, correlated by ``settlement_national_share`` (each
        run draws its national part, then its councils' local parts, from its own stream).
    """
    rho = world.config.local_authorities.settlement_national_share
    runs = world.blocks
    if runs.size == 1:
        national = runs.rngs[0].standard_normal()
        local = runs.rngs[0].standard_normal(world.councils.n)
    else:
        parts = [(rng.standard_normal(), rng.standard_normal(runs.l)) for rng in runs.rngs]
        national = np.repeat([nat for nat, _ in parts], runs.l)
        local = np.concatenate([loc for _, loc in parts])
    return np.sqrt(rho) * national + np.sqrt(1.0 - rho) * local


def annual_settlement(world: BoardsWorld) -> None:
    """In a settlement month, set each council's overspend, pressure and innovation budget for the year.

    The settlement sets the council's own part of its commissioning budget; what a pooled budget
    adds on top (the ICB's contribution and the joint fund's room, ``boards.added``, ODD 7.14)
    stays, so the pool's monthly update keeps working from the new level.

    Args:
        world: The model state; writes ``councils.overspent``, ``pressure`` and ``budget``.
    """
    if not is_settlement_month(world.t) or not settlements_on(world):
        return
    la, c = world.config.local_authorities, world.councils
    z = settlement_shocks(world)
    c.overspent = z < overspend_threshold(la.overspend_share)
    rise = la.overspend_pressure_rise * (c.overspent - la.overspend_share)
    np.clip(c.base_pressure + rise, 0.0, 1.0, out=c.pressure)
    level = (
        la.commissioning_budget_k_per_provider_month
        * c.n_providers
        * (1.0 - la.budget_cut_at_full_pressure * c.pressure)
    )
    reinvested = la.savings_reinvestment_share * reinvestable_savings(world)
    own = np.maximum(level * np.maximum(1.0 + la.settlement_sd * z, 0.0) + reinvested, 0.0)
    c.budget = own + world.boards.added
    world.events_scalar["councils_overspent"] += world.blocks.per_council_run(c.overspent.astype(np.float64))


def reinvestable_savings(world: World) -> np.ndarray:
    """S[l]: the monthly cashable savings council l realises from innovations it does not pay for, k GBP.

    Only sites not commissioned by the council count: a contract's cashable saving already nets
    off its cost in the council's commitments (ODD 7.0, NC). Nothing is computed when no saving
    is reinvested.

    Args:
        world: The model state.

    Returns:
        One value per council: the sum over its operating cells with another payer of
        ``cashable_saving_share * council_saving[j]``.
    """
    la, c = world.config.local_authorities, world.councils
    if la.savings_reinvestment_share <= 0:
        return np.zeros(c.n)
    p = world.providers
    cells = np.flatnonzero(world.operating_mask() & (p.payer != Payer.COUNCIL.value))
    rows, cols = split_cells(cells, p.state.shape[1])
    saving = la.cashable_saving_share * world.portfolio.council_saving[cols]
    return np.bincount(p.council[rows], weights=saving, minlength=c.n)
