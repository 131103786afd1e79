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

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def background_abandonment(model: SocialCareModel) -> None:
    """Operating adopters stop for reasons unrelated to money."""
    ab = model.config.abandonment
    if ab.base_hazard_per_month <= 0:
        return
    cells = np.flatnonzero(model.operating_mask())
    if cells.size == 0:
        return
    rows, cols = np.divmod(cells, model.providers.state.shape[1])
    hazard = ab.base_hazard_per_month * (1.0 + ab.complexity_multiplier * model.portfolio.complexity[cols])
    hit = model.rng.random(cells.size) < hazard
    abandon(model, rows[hit], cols[hit], "background")


def provider_finances(model: SocialCareModel) -> None:
    """Reserves pay for what providers fund themselves; empty reserves end it."""
    p, port, d = model.providers, model.portfolio, model.config.diffusion
    own = (p.payer == Payer.OWN) & p.approved
    scale = np.where(p.partial, d.partial_scale, 1.0)
    cost = (own * scale) @ port.net_provider_cost
    model.events_scalar["provider_spend_k"] += float(np.maximum(cost, 0).sum())
    p.reserves += p.surplus - cost
    broke = np.flatnonzero(p.reserves < 0)
    np.minimum(p.reserves, p.reserves_cap, out=p.reserves)
    np.maximum(p.reserves, 0.0, out=p.reserves)
    if broke.size:
        sub = own[broke] & (port.net_provider_cost > 0)[None, :]
        r, j = np.nonzero(sub)
        abandon(model, broke[r], j, "money")


def readopt(model: SocialCareModel) -> None:
    """Abandoners open to the innovation again become aware (if allowed)."""
    ab = model.config.abandonment
    if not ab.readoption:
        return
    p = model.providers
    cells = np.flatnonzero(p.state == State.ABANDONED)
    back = cells[model.rng.random(cells.size) < ab.readoption_hazard_per_month]
    p.state.ravel()[back] = State.AWARE
