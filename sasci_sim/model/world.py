"""What a rule may read and write: the narrow view of the model that every rule takes.

Rules are functions of a :class:`World`, not of ``SocialCareModel``, so that the rules do not
import the model that imports them (no cycle), and a test or another engine (for example a
batch of runs stepped together) can hand the rules any object with these attributes.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.network import PeerExposure
from sasci_sim.model.population import Councils, Portfolio, Providers


class World(Protocol):
    """The state one month of the rules works on.

    Attributes:
        config: The resolved scenario (levers and assumptions).
        rng: The run's only random stream.
        t: The current month (0 before the first step).
        steps: Months stepped so far (Mesa's counter).
        portfolio: The innovations (kind, costs, savings, launch months).
        providers: Provider x innovation cell arrays and provider attributes.
        councils: Council x innovation arrays, budgets and funds.
        exposure: Peer counts of users per provider and innovation.
        peer_learning: Each provider's weight as a learner from peers (mean 1).
        evidence: Evidence strength per innovation (0..1), updated monthly.
        initial_evidence: Evidence per innovation at the start.
        experience: Operating site-months accumulated per innovation.
        events: This month's event counts per innovation, by event name.
        events_scalar: This month's money and other scalar tallies, by name.
    """

    config: Scenario
    rng: np.random.Generator
    t: int
    steps: int
    portfolio: Portfolio
    providers: Providers
    councils: Councils
    exposure: PeerExposure
    peer_learning: np.ndarray
    evidence: np.ndarray
    initial_evidence: np.ndarray
    experience: np.ndarray
    events: dict[str, np.ndarray]
    events_scalar: dict[str, float]

    def operating_mask(self) -> np.ndarray:
        """Cells where the innovation is in use: approved pilots and sustained.

        Returns:
            The N x M operating mask.
        """
        ...

    def operating_at(self, cells: np.ndarray) -> np.ndarray:
        """``operating_mask()`` at the given flat cell indices only.

        Args:
            cells: Flat cell indices.

        Returns:
            Whether each of those cells is operating.
        """
        ...
