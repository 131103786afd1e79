"""Evidence that accumulates (ODD: Submodel 'evidence').

Each operating site-month of innovation j adds to its experience A[j]; a
grant-funded (evaluated) site-month counts ``evaluation_weight`` times. Evidence
rises from its starting value E0[j] towards 1:

    E[j] = 1 - (1 - E0[j]) * exp(-A[j] / site_months_per_evidence)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.population import Payer, column_counts

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def accumulate_evidence(model: SocialCareModel) -> None:
    """Add this month's operating experience and update evidence."""
    p, res = model.providers, model.config.research
    operating = model.operating_mask()
    # site-months weigh 1, evaluated (grant-funded) ones evaluation_weight
    sites = column_counts(operating)
    evaluated = column_counts(operating & (p.payer == Payer.GRANT.value))
    model.experience += sites + (res.evaluation_weight - 1.0) * evaluated
    model.evidence = 1.0 - (1.0 - model.initial_evidence) * np.exp(-model.experience / res.site_months_per_evidence)
    np.add(p.months_operating, operating, out=p.months_operating, casting="unsafe")
