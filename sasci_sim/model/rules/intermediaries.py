"""National network bodies that keep an innovation's schemes alive (ODD: Submodel 'intermediaries').

A body of the Shared Lives Plus kind (scenario list ``intermediaries``) works for some
innovations from its founding month. Two things follow:

- **Awareness**: each month every unaware provider hears of each of the body's launched
  innovations with chance ``awareness_per_month`` (its guidance, events and advocacy: one more
  external channel beside the Bass p of the awareness submodel).
- **Support**: a provider running one of the body's innovations is a member with chance
  ``membership_share`` (drawn once per provider and body at the start). The body's support
  (insurance, guidance, training, a voice with councils and the regulator) removes the share
  ``abandonment_cut`` of a member scheme's background abandonment hazard: a member scheme that
  the background hazard hits is kept with chance ``1 - prod_b (1 - cut_b)`` over the bodies
  ``b`` it is a member of for that innovation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sasci_sim.config.schema import Scenario
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.population import Portfolio, State
from sasci_sim.model.world import World


@dataclass
class NetworkBodies:
    """The network bodies of a run and their members.

    Attributes:
        cols: For each body, the indices of the innovations it supports.
        member: For each body, whether each provider is a member (length N).
    """

    cols: list[np.ndarray]
    member: list[np.ndarray]

    @classmethod
    def build(
        cls, scenario: Scenario, portfolio: Portfolio, n_providers: int, rng: np.random.Generator
    ) -> NetworkBodies:
        """Draw each body's members (no draw at all when the scenario has no bodies).

        Args:
            scenario: The resolved scenario.
            portfolio: The innovations (names to indices).
            n_providers: The number of providers N.
            rng: The run's random stream.

        Returns:
            The bodies with their members.
        """
        cols, member = [], []
        for body in scenario.intermediaries:
            cols.append(np.array([portfolio.names.index(name) for name in body.innovations], dtype=np.int64))
            member.append(rng.random(n_providers) < body.membership_share)
        return cls(cols, member)


class NetworkWorld(World, Protocol):
    """A World with network bodies (``SocialCareModel`` has them, empty when the scenario has none)."""

    network_bodies: NetworkBodies


def network_awareness(world: NetworkWorld) -> None:
    """Unaware providers hear of the bodies' innovations through the bodies.

    Args:
        world: The model state; cells and the ``aware_new`` counter change.
    """
    p = world.providers
    m = p.state.shape[1]
    for body, cols in zip(world.config.intermediaries, world.network_bodies.cols, strict=True):
        if world.t < body.founded_month or body.awareness_per_month <= 0:
            continue
        cols = cols[world.portfolio.launch[cols] <= world.t]
        if cols.size == 0:
            continue
        cells = world.blocks.cells_with_chance(p.state, State.UNAWARE.value, body.awareness_per_month)
        cells = cells[np.isin(cells % m, cols)]
        p.state.ravel()[cells] = State.AWARE
        world.cells_written(cells)
        rows, inn = split_cells(cells, m)
        events = world.events["aware_new"]
        events += np.bincount(world.blocks.columns(rows, inn), minlength=events.size)


def kept_by_network(world: NetworkWorld, cells: np.ndarray) -> np.ndarray:
    """Which operating cells hit by background abandonment the bodies' support keeps going.

    Args:
        world: The model state.
        cells: Flat indices of the cells the background hazard hit this month.

    Returns:
        A mask over ``cells``: True where the scheme is kept.
    """
    bodies = world.network_bodies
    if not bodies.cols or cells.size == 0:
        return np.zeros(cells.size, dtype=bool)
    rows, cols = split_cells(cells, world.providers.state.shape[1])
    lost = np.ones(cells.size)  # chance the hazard still applies
    for body, body_cols, member in zip(world.config.intermediaries, bodies.cols, bodies.member, strict=True):
        if world.t < body.founded_month:
            continue
        supported = member[rows] & np.isin(cols, body_cols)
        lost = np.where(supported, lost * (1.0 - body.abandonment_cut), lost)
    return world.blocks.uniform_rows(rows) >= lost
