"""Model-level reporters for Mesa's DataCollector, shared by the model, page and tests.

There are no per-agent reporters. The DataCollector runs right after the
Recorder, so a reporter reads the Recorder's counts for the month when it has
them and scans the population arrays only otherwise.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sasci_sim.model.population import State
from sasci_sim.model.recording import Recorder
from sasci_sim.model.world import World


class Observed(World, Protocol):
    """A world whose months are recorded: what the reporters read."""

    recorder: Recorder


def _recorded(model: Observed) -> int | None:
    """This month's row of the Recorder, if it has recorded this month."""
    recorder = getattr(model, "recorder", None)
    return recorder.t if recorder is not None and recorder.t == model.steps else None


def _share(model: Observed, state: State) -> float:
    cells = model.providers.state
    t = _recorded(model)
    if t is not None:
        return int(model.recorder.counts[t, state].sum()) / cells.size
    return np.count_nonzero(cells == state.value) / cells.size


def aware_share(model: Observed) -> float:
    """Share of provider-innovation cells aware but not (yet) adopting.

    Args:
        model: The recorded world.

    Returns:
        A share, 0..1.
    """
    return _share(model, State.AWARE)


def piloting_share(model: Observed) -> float:
    """Share of provider-innovation cells piloting.

    Args:
        model: The recorded world.

    Returns:
        A share, 0..1.
    """
    return _share(model, State.PILOTING)


def sustained_share(model: Observed) -> float:
    """Share of provider-innovation cells sustained.

    Args:
        model: The recorded world.

    Returns:
        A share, 0..1.
    """
    return _share(model, State.SUSTAINED)


def ever_abandoned_share(model: Observed) -> float:
    """Share of provider-innovation cells ever abandoned.

    Args:
        model: The recorded world.

    Returns:
        A share, 0..1.
    """
    cells = model.providers.ever_abandoned
    t = _recorded(model)
    if t is not None:
        return int(model.recorder.ever_abandoned[t].sum()) / cells.size
    return np.count_nonzero(cells) / cells.size


def abandoned_cliff_so_far(model: Observed) -> int:
    """Pilots abandoned when their grant or pilot fund ran out, so far.

    Args:
        model: The recorded world.

    Returns:
        ``abandoned_cliff`` summed over innovations and the months recorded.
    """
    return int(model.recorder.events["abandoned_cliff"][: model.recorder.t + 1].sum())


def mean_evidence(model: Observed) -> float:
    """Mean evidence strength over the innovations.

    Args:
        model: The world.

    Returns:
        Evidence, 0..1.
    """
    return float(model.evidence.mean())


MODEL_REPORTERS = {
    "aware": aware_share,
    "piloting": piloting_share,
    "sustained": sustained_share,
    "ever_abandoned": ever_abandoned_share,
    "abandoned_cliff_so_far": abandoned_cliff_so_far,
    "mean_evidence": mean_evidence,
}
