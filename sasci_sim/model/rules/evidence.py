"""Evidence that accumulates (ODD: Submodel 'evidence').

Each operating site-month of innovation j adds to its experience A[j] the share
of its results the site has had time to show, its local proof L (0 while it
beds in; see commissioning), so a pilot cut short adds little; a grant-funded
(evaluated) site-month counts ``evaluation_weight`` times. Evidence rises from
its starting value E0[j] towards 1:

    E[j] = 1 - (1 - E0[j]) * exp(-A[j] / site_months_per_evidence)
"""

from __future__ import annotations

import numpy as np

from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.columns import column_sums
from sasci_sim.model.population import Payer
from sasci_sim.model.rules.commissioning import local_proof, proof_after, proof_times
from sasci_sim.model.world import World


def _dense_weight(world: World, operating: np.ndarray) -> np.ndarray:
    """Each cell's weight (local proof, times evaluation_weight if grant-funded; 0 if not operating)."""
    p = world.providers
    weight = p.months_operating.astype(np.float32)
    bedding, span = proof_times(world.config.diffusion, world.portfolio.kind)
    proof_after(weight, bedding.astype(np.float32), span.astype(np.float32), out=weight)
    weight *= operating
    np.multiply(weight, world.config.research.evaluation_weight, out=weight, where=p.payer == Payer.GRANT.value)
    return weight


def accumulate_evidence(world: World) -> None:
    """Add this month's operating experience and update evidence."""
    p, res = world.providers, world.config.research
    operating = world.operating_mask()
    # a site-month weighs its local proof; evaluated (grant-funded) ones evaluation_weight times more
    if np.count_nonzero(operating) * 8 < operating.size:  # few sites: weigh each
        m = p.state.shape[1]
        cells = np.flatnonzero(operating)
        rows, cols = split_cells(cells, m)
        weight = local_proof(world, rows, cols)
        weight *= np.where(p.payer.ravel()[cells] == Payer.GRANT.value, res.evaluation_weight, 1.0)
        world.experience += np.bincount(cols, weights=weight, minlength=m)
    else:  # most cells operate: weigh them all at once, in float32 (plenty for a weight of 0..1)
        world.experience += column_sums(_dense_weight(world, operating))
    world.evidence = 1.0 - (1.0 - world.initial_evidence) * np.exp(-world.experience / res.site_months_per_evidence)
    np.add(p.months_operating, operating, out=p.months_operating, casting="unsafe")
