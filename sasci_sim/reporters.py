"""Model-level reporters for Mesa's DataCollector, shared by the model, page and tests.

Each reads the population arrays once; there are no per-agent reporters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasci_sim.population import State

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel


def _share(model: SocialCareModel, state: State) -> float:
    cells = model.providers.state
    return np.count_nonzero(cells == state.value) / cells.size


def aware_share(model: SocialCareModel) -> float:
    """Share of provider-innovation cells aware but not (yet) adopting."""
    return _share(model, State.AWARE)


def piloting_share(model: SocialCareModel) -> float:
    return _share(model, State.PILOTING)


def sustained_share(model: SocialCareModel) -> float:
    return _share(model, State.SUSTAINED)


def ever_abandoned_share(model: SocialCareModel) -> float:
    cells = model.providers.ever_abandoned
    return np.count_nonzero(cells) / cells.size


def pilots_lost_at_cliff(model: SocialCareModel) -> int:
    """Pilots abandoned when their grant or pilot fund ran out, so far."""
    return int(model.recorder.events["abandoned_cliff"][: model.recorder.t + 1].sum())


def mean_evidence(model: SocialCareModel) -> float:
    return float(model.evidence.mean())


MODEL_REPORTERS = {
    "aware": aware_share,
    "piloting": piloting_share,
    "sustained": sustained_share,
    "ever_abandoned": ever_abandoned_share,
    "pilots_lost_at_cliff": pilots_lost_at_cliff,
    "mean_evidence": mean_evidence,
}
