"""What a rule may read and write: the narrow view of the model that every rule takes.

Rules are functions of a :class:`World`, not of ``SocialCareModel``, so that the rules do not
import the model that imports them (no cycle), and a test or another engine (for example a
batch of runs stepped together) can hand the rules any object with these attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.blocks import Blocks
from sasci_sim.model.network import PeerExposure
from sasci_sim.model.population import Councils, Portfolio, Providers


class World(Protocol):
    """The state one month of the rules works on.

    Attributes:
        config: The resolved scenario (levers and assumptions).
        rng: The random stream of the first (for a single run: the only) run.
        blocks: The runs stepped together and their own random streams; every random draw of the
            rules goes through it (ODD 7.19: the ensemble engine). A single run is a batch of one.
        t: The current month (0 before the first step).
        steps: Months stepped so far (Mesa's counter).
        portfolio: The innovations (kind, costs, savings, launch months).
        providers: Provider x innovation cell arrays and provider attributes.
        councils: Council x innovation arrays, budgets and funds.
        exposure: Peer counts of users per provider and innovation.
        peer_learning: Each provider's weight as a learner from peers (mean 1).
        evidence: Evidence strength per run and innovation (0..1, flat: run b at ``b * m ..``).
        initial_evidence: Evidence per run and innovation at the start.
        experience: Operating site-months accumulated per run and innovation.
        events: This month's event counts per run and innovation, by event name.
        events_scalar: This month's money and other scalar tallies, by name (a float for a
            single run, one value per run for a batch).
    """

    config: Scenario
    rng: np.random.Generator
    blocks: Blocks
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
    events_scalar: dict[str, float | np.ndarray]

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

    def council_contracts(self) -> np.ndarray:
        """Flat indices of the council-paid cells (payer COUNCIL), sorted.

        Returns:
            The cells, as ``np.flatnonzero(providers.payer == Payer.COUNCIL)`` gives them.
        """
        ...

    def operating_sites(self) -> np.ndarray:
        """Operating cells per run and innovation: ``operating_mask()`` counted by column.

        Returns:
            The counts (flat, run b's at ``b * M ..``).
        """
        ...

    def under_way(self) -> np.ndarray:
        """Flat indices of the cells PILOTING or SUSTAINED, sorted.

        Returns:
            The cells, as ``np.flatnonzero`` of the state being PILOTING or SUSTAINED gives them.
        """
        ...

    def many_under_way(self) -> bool:
        """Whether most cells are under way, so that whole-array passes cost less than the index.

        Returns:
            True when more than one cell in eight is PILOTING or SUSTAINED.
        """
        ...

    def unaware_exposed(self) -> np.ndarray:
        """Flat indices of the UNAWARE cells with a peer using the innovation (network topologies), sorted.

        Returns:
            The cells, as ``np.flatnonzero`` of ``exposure.exposed_mask()`` and the state being
            UNAWARE gives them.
        """
        ...

    def refresh_exposure(self) -> None:
        """Bring ``exposure`` up to date with the operating cells (approved pilots and sustained)."""
        ...

    def aware_cells(self) -> np.ndarray:
        """Flat indices of the AWARE cells, sorted.

        Returns:
            The cells, as ``np.flatnonzero`` of the state being AWARE gives them.
        """
        ...

    def pilots_started(self, cells: np.ndarray) -> None:
        """Report cells that have just started piloting, for a world that keeps the cells under way.

        Args:
            cells: Flat indices of the cells.
        """
        ...

    def cells_written(self, cells: np.ndarray) -> None:
        """Report cells whose state, payer, approval, cut-down or history fields a rule wrote (for the Recorder's tally).

        Args:
            cells: Flat indices of the cells.
        """
        ...

    def take_written(self) -> np.ndarray | None:
        """The cells reported written since the last call, or None when writes may have gone unreported.

        Returns:
            Flat cell indices, or None (then every cell must be compared).
        """
        ...

    def per_contract(self, name: str, compute: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The council contracts and ``compute(contracts)``, one value per contract.

        Args:
            name: What the values are (a world may keep values it knows stay fixed while a
                contract lasts, by name).
            compute: The values for given contract cells.

        Returns:
            (contracts, values), the contracts as ``council_contracts()`` gives them.
        """
        ...
