"""Awareness: the external channel and the peer channel (ODD: Submodel 'awareness').

For an unaware provider i and a launched innovation j the monthly chance of
becoming aware is the discrete Bass hazard

    h[i, j] = min(1, p + r * e * E[j] + q * c[i] * x[i, j])

p: external influence (funders, intermediaries, press); r: research
dissemination, e: role of evidence, E[j]: evidence; q: peer influence;
x[i, j]: share of i's peers using j; c[i]: how much i learns from peers, its
collaboration capability relative to the population mean (1 when providers are
identical). With every friction off this is exactly Bass (1969).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.population import State

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def spread_awareness(model: SocialCareModel) -> None:
    """Unaware providers become aware through the external and peer channels."""
    p, cfg = model.providers, model.config
    model.exposure.update(model.active_mask())
    launched = model.portfolio.launch <= model.t
    if not launched.any():
        return
    cells = np.flatnonzero((p.state == State.UNAWARE) & launched)
    if cells.size == 0:
        return
    rows, cols = np.divmod(cells, p.state.shape[1])
    external = (
        cfg.diffusion.external_influence
        + cfg.research.dissemination_per_month * cfg.research.evidence_role * model.evidence[cols]
    )
    peer = cfg.diffusion.peer_influence * model.peer_learning[rows] * model.exposure.share_at(rows, cols)
    hazard = np.minimum(1.0, external + peer)
    hit = model.rng.random(cells.size) < hazard
    p.state.ravel()[cells[hit]] = State.AWARE
    np.add.at(model.events["aware_new"], cols[hit], 1)
