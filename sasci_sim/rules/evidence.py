"""Evidence that accumulates (ODD: Submodel 'evidence').

Each operating site-month of innovation j adds to its experience A[j] the share
of its results the site has had time to show, its local proof L (0 while it
beds in; see commissioning), so a pilot cut short adds little; a grant-funded
(evaluated) site-month counts ``evaluation_weight`` times. Evidence rises from
its starting value E0[j] towards 1:

    E[j] = 1 - (1 - E0[j]) * exp(-A[j] / site_months_per_evidence)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.population import Payer, column_counts
from sasci_sim.rules.commissioning import local_proof

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def accumulate_evidence(model: SocialCareModel) -> None:
    """Add this month's operating experience and update evidence."""
    p, res = model.providers, model.config.research
    operating = model.operating_mask()
    m = p.state.shape[1]
    if np.count_nonzero(operating) * 8 < operating.size:  # few sites: weigh each
        cells = np.flatnonzero(operating)
    else:  # most cells operate: those past proof_months weigh 1 and are counted, the rest weighed one by one
        proven = operating & (p.months_operating >= math.ceil(model.config.diffusion.proof_months))
        evaluated = proven & (p.payer == Payer.GRANT.value)
        model.experience += column_counts(proven) + (res.evaluation_weight - 1.0) * column_counts(evaluated)
        cells = np.flatnonzero(operating & ~proven)
    rows = cells // m
    cols = cells - rows * m
    # a site-month weighs its local proof; evaluated (grant-funded) ones evaluation_weight times more
    weight = local_proof(model, rows, cols)
    weight *= np.where(p.payer.ravel()[cells] == Payer.GRANT.value, res.evaluation_weight, 1.0)
    model.experience += np.bincount(cols, weights=weight, minlength=m)
    model.evidence = 1.0 - (1.0 - model.initial_evidence) * np.exp(-model.experience / res.site_months_per_evidence)
    np.add(p.months_operating, operating, out=p.months_operating, casting="unsafe")
