"""Mesa agents: the readable face of the arrays (ODD: Entities).

``Provider``, ``LocalAuthority`` and ``IntegratedCareBoard`` hold only an index; every attribute is read
from the model's arrays (the rules alone write them), so there is one copy of the
state and one set of rules. ``Funder`` agents are few and act themselves: each runs its
own calls (ODD: Submodel 'funding').
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from sasci_sim.config.schema import Funder as FunderSpec
from sasci_sim.model.nhs import Boards
from sasci_sim.model.population import PROVIDER_KINDS, Payer, State
from sasci_sim.model.rules.funding import award_grants, is_call_month
from sasci_sim.model.world import World


class AgentWorld(World, Protocol):
    """What the agent views read beyond the rules' :class:`World`: the council agents and names."""

    local_authorities: list[LocalAuthority]

    def innovation_index(self, innovation: int | str) -> int:
        """The column of an innovation given by index or name.

        Args:
            innovation: Its index or name.

        Returns:
            Its column in the cell arrays.
        """
        ...


class BoardsAgentWorld(AgentWorld, Protocol):
    """What the ICB views read: the boards' arrays as well."""

    boards: Boards


class Provider(mesa.Agent):
    """A care provider: a view of row ``index`` of the provider arrays."""

    model: AgentWorld

    def __init__(self, model: AgentWorld, index: int) -> None:
        """Make the view of one provider; the arrays stay the only copy of its state.

        Args:
            model: The model holding the provider arrays.
            index: The provider's row in those arrays.
        """
        super().__init__(model)
        self.index = index

    @property
    def local_authority(self) -> LocalAuthority:
        """The council whose area the provider is in (its agent)."""
        return self.model.local_authorities[int(self.model.providers.council[self.index])]

    @property
    def kind(self) -> str:
        """The kind of provider: residential, domiciliary or community."""
        return PROVIDER_KINDS[int(self.model.providers.kind[self.index])]

    @property
    def reserves_k(self) -> float:
        """Reserves, k GBP: what pays the provider's own pilots and running costs."""
        return float(self.model.providers.reserves[self.index])

    @property
    def capability(self) -> float:
        """Composite innovation capability, 0..1, from the five SASCI clusters (ODD 7.3)."""
        return float(self.model.providers.capability[self.index])

    @property
    def capabilities(self) -> dict[str, float]:
        """The five SASCI capability clusters, each 0..1, by name."""
        p = self.model.providers
        return {
            name: float(getattr(p, name)[self.index])
            for name in ("leadership", "knowledge", "culture", "collaboration", "resources")
        }

    def state_of(self, innovation: int | str) -> State:
        """This provider's state for one innovation (by index or name).

        Args:
            innovation: The innovation's index or name.

        Returns:
            The state, read from the arrays at the time of the call.
        """
        j = self.model.innovation_index(innovation)
        return State(int(self.model.providers.state[self.index, j]))

    def payer_of(self, innovation: int | str) -> Payer:
        """Who pays this provider's running cost of one innovation.

        Args:
            innovation: The innovation's index or name.

        Returns:
            The payer (``Payer.NONE`` when it is not piloting or sustaining it).
        """
        j = self.model.innovation_index(innovation)
        return Payer(int(self.model.providers.payer[self.index, j]))

    @property
    def states(self) -> dict[str, State]:
        """This provider's state for every innovation, by innovation name."""
        row = self.model.providers.state[self.index]
        return {name: State(int(s)) for name, s in zip(self.model.portfolio.names, row, strict=True)}


class LocalAuthority(mesa.Agent):
    """A council: a view of entry ``index`` of the council arrays."""

    model: AgentWorld

    def __init__(self, model: AgentWorld, index: int) -> None:
        """Make the view of one council; the arrays stay the only copy of its state.

        Args:
            model: The model holding the council arrays.
            index: The council's entry in those arrays.
        """
        super().__init__(model)
        self.index = index

    @property
    def cost_saving_pressure(self) -> float:
        """How far the council judges innovations by savings rather than benefit, 0..1."""
        return float(self.model.councils.pressure[self.index])

    @property
    def budget_k_per_month(self) -> float:
        """What the council can commit to running innovations each month, k GBP."""
        return float(self.model.councils.budget[self.index])

    @property
    def committed_k_per_month(self) -> float:
        """What it has committed to the contracts it pays for, k GBP a month."""
        return float(self.model.councils.committed[self.index])

    @property
    def pilot_fund_k(self) -> float:
        """What is left in its local pilot fund, k GBP."""
        return float(self.model.councils.pilot_pot[self.index])

    @property
    def reorganisations(self) -> int:
        """How often it has reorganised so far."""
        return int(self.model.councils.reorganisations[self.index])

    @property
    def signed_up(self) -> list[str]:
        """The systems innovations it has signed up to, by name."""
        row = self.model.councils.signed[self.index]
        return [n for n, s in zip(self.model.portfolio.names, row, strict=True) if s]

    @property
    def n_providers(self) -> int:
        """Providers in its area."""
        return int(self.model.councils.n_providers[self.index])


class IntegratedCareBoard(mesa.Agent):
    """An integrated care board: a view of entry ``index`` of the ICB arrays (``model.nhs.Boards``).

    The board covers several councils and puts money of its own into the pooled budgets it
    holds with some of them (ODD: Submodel 'pooled').
    """

    model: BoardsAgentWorld

    def __init__(self, model: BoardsAgentWorld, index: int) -> None:
        """Make the view of board ``index``.

        Args:
            model: The model holding the arrays.
            index: The board's position in the arrays.
        """
        super().__init__(model)
        self.index = index

    @property
    def councils(self) -> list[LocalAuthority]:
        """The councils the board covers."""
        members = np.flatnonzero(self.model.boards.board == self.index)
        return [self.model.local_authorities[int(c)] for c in members]

    @property
    def pooled_councils(self) -> list[LocalAuthority]:
        """The councils that commission through a pooled budget with the board."""
        b = self.model.boards
        members = np.flatnonzero((b.board == self.index) & b.pooled)
        return [self.model.local_authorities[int(c)] for c in members]

    @property
    def budget_k_per_month(self) -> float:
        """What the board puts into pooled budgets each month, k GBP."""
        return float(self.model.boards.budget[self.index])

    @property
    def committed_k_per_month(self) -> float:
        """The board's share of what its pools have committed this month, k GBP."""
        return float(self.model.boards.committed[self.index])


class Funder(mesa.Agent):
    """A funder that opens calls on a cycle and awards grants."""

    model: World

    def __init__(self, model: World, spec: FunderSpec) -> None:
        """Make a funder that acts on its own cycle of calls.

        Args:
            model: The world its calls draw from and write to.
            spec: Its share of each call, the kinds it funds and its grant terms.
        """
        super().__init__(model)
        self.spec = spec
        self.awarded_k = 0.0
        self.grants = 0

    @property
    def name(self) -> str:
        """The funder's name, as in the scenario."""
        return self.spec.name

    def step(self) -> None:
        """Run a call if this is a call month, and add what it awarded to the month's money.

        Funders are Mesa agents because each acts on its own terms; ``award_grants`` does the
        work, vectorised over the providers.
        """
        if is_call_month(self.model):
            before = int(self.model.events["grants"].sum())
            awarded = award_grants(self.model, self.spec)
            self.awarded_k += awarded
            self.model.events_scalar["grants_awarded_k"] += awarded
            self.grants += int(self.model.events["grants"].sum()) - before
