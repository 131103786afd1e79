"""Background abandonment, running out of money, and re-adoption (ODD: Submodel 'abandonment').

Operating adopters stop with monthly hazard base * (1 + m * complexity[j])
(NASSS: complexity stalls adoption and raises abandonment). Providers pay the
net running cost of what they fund themselves out of reserves, refilled by
their monthly surplus up to a cap; a provider whose reserves run out drops
everything it pays for itself. Abandoners may, if the scenario allows
re-adoption, become open to the innovation again (back to aware).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.population import Payer, State
from sasci_sim.rules.transitions import abandon
from sasci_sim.sampling import bernoulli_indices, thin

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def background_abandonment(model: SocialCareModel) -> None:
    """Operating adopters stop for reasons unrelated to money."""
    ab = model.config.abandonment
    if ab.base_hazard_per_month <= 0:
        return
    n, m = model.providers.state.shape
    hazard = np.minimum(1.0, ab.base_hazard_per_month * (1.0 + ab.complexity_multiplier * model.portfolio.complexity))
    bound = float(hazard.max())
    # sparse draw at the largest hazard, thinned to each innovation's own
    cells = bernoulli_indices(model.rng, n * m, bound)
    cells = cells[model.operating_at(cells)]
    cells = cells[thin(model.rng, hazard[cells % m], bound)]
    rows = cells // m
    abandon(model, rows, cells - rows * m, "background")


def provider_finances(model: SocialCareModel) -> None:
    """Reserves pay for what providers fund themselves; empty reserves end it."""
    p, port, d = model.providers, model.portfolio, model.config.diffusion
    m = p.state.shape[1]
    cells = np.flatnonzero((p.payer == Payer.OWN.value) & p.approved)  # own-funded and operating
    rows = cells // m
    cols = cells - rows * m
    scale = np.where(p.partial.ravel()[cells], d.partial_scale, 1.0)
    cost = np.bincount(rows, weights=scale * port.net_provider_cost[cols], minlength=p.n)
    model.events_scalar["provider_spend_k"] += float(np.maximum(cost, 0).sum())
    p.reserves += p.surplus - cost
    broke = p.reserves < 0
    np.minimum(p.reserves, p.reserves_cap, out=p.reserves)
    np.maximum(p.reserves, 0.0, out=p.reserves)
    drop = broke[rows] & (port.net_provider_cost[cols] > 0)
    if drop.any():
        abandon(model, rows[drop], cols[drop], "money")


def readopt(model: SocialCareModel) -> None:
    """Abandoners open to the innovation again become aware (if allowed)."""
    ab = model.config.abandonment
    if not ab.readoption:
        return
    p = model.providers
    cells = bernoulli_indices(model.rng, p.state.size, ab.readoption_hazard_per_month)
    back = cells[p.state.ravel()[cells] == State.ABANDONED.value]
    p.state.ravel()[back] = State.AWARE
