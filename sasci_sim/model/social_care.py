"""SocialCareModel: the Mesa model that steps the rules (ODD: Process overview and scheduling)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sasci_sim.config.loader import apply_override, load_scenario, validate, with_joint_fund
from sasci_sim.config.schema import LEVERS, SYSTEMS, Scenario
from sasci_sim.errors import InputError
from sasci_sim.model import reporters
from sasci_sim.model.agents import Funder, IntegratedCareBoard, LocalAuthority, Provider
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.columns import column_counts
from sasci_sim.model.network import PeerExposure, build_network
from sasci_sim.model.nhs import build_boards
from sasci_sim.model.population import Payer, Portfolio, State, build_councils, build_providers, place_existing_users
from sasci_sim.model.recording import Recorder
from sasci_sim.model.rules.abandonment import background_abandonment, provider_finances, readopt
from sasci_sim.model.rules.adoption import decide_pilots
from sasci_sim.model.rules.awareness import spread_awareness
from sasci_sim.model.rules.commissioning import (
    refresh_commitments,
    reorganise,
    review_contracts,
    sign_up_systems,
    update_funds,
)
from sasci_sim.model.rules.decommissioning import drop_unaffordable
from sasci_sim.model.rules.evidence import accumulate_evidence
from sasci_sim.model.rules.funding import spend_grants
from sasci_sim.model.rules.intermediaries import NetworkBodies, network_awareness
from sasci_sim.model.rules.learning import Learned, learn_from_outcomes
from sasci_sim.model.rules.national import (
    NATIONAL_EVENTS,
    NATIONAL_SCALARS,
    ProgrammePots,
    fund_programmes,
    inspect_mandates,
)
from sasci_sim.model.rules.pooled import share_pooled_costs
from sasci_sim.model.rules.regulation import approve_pilots
from sasci_sim.model.rules.scaling import council_rollout
from sasci_sim.model.rules.settlements import annual_settlement
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.rules.transitions import CAUSES, abandon
from sasci_sim.model.schemes import People

EVENT_NAMES = (
    "aware_new",
    "pilots_started",
    "grants",
    "sustained_new",
    "abandoned_within_6_months_of_grant_end",
    "pilots_abandoned_at_grant_end",
    *(f"abandoned_{c}" for c in CAUSES),
)
SCALAR_NAMES = (
    "grants_awarded_k",
    "grants_spent_k",
    "council_spend_k",
    "provider_spend_k",
    "council_savings_k",
    "reorganisations",
    "nhs_spend_k",
    "joint_fund_spent_k",
    "nhs_savings_k",
    "councils_overspent",
)
EVENT_NAMES += NATIONAL_EVENTS
SCALAR_NAMES += NATIONAL_SCALARS


def with_levers(scenario: Scenario | str | Path | None, levers: Mapping[str, Any]) -> Scenario:
    """Resolve a scenario argument and apply flat lever keywords (``LEVERS``).

    Args:
        scenario: A Scenario, a scenario file, or None for the built-in baseline.
        levers: Flat lever keywords and values.

    Returns:
        The scenario with the levers applied and validated again.

    Raises:
        TypeError: When ``scenario`` is none of those.
        InputError: On an unknown lever or a value the schema refuses.
    """
    if isinstance(scenario, Scenario):
        base = scenario
    elif scenario is None or isinstance(scenario, str | Path):
        base = load_scenario(scenario)
    else:
        raise TypeError(f"scenario must be a Scenario, a path or None, not {type(scenario).__name__}")
    if not levers:
        return base
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        raise InputError("levers", unknown[0], f"unknown lever; allowed: {', '.join(sorted(LEVERS))}")
    data = base.model_dump()
    for key, value in sorted(
        levers.items(), key=lambda kv: kv[0] == "joint_funding"
    ):  # the fund takes the budget as set
        if key == "joint_funding":
            if not isinstance(value, bool):
                raise InputError("levers", key, "must be true or false", got=value)
            if value:
                data = with_joint_fund(data, "levers")
            continue
        data = apply_override(data, LEVERS[key], value)
    return validate(data, "levers")


def _piloting_or_sustained(state: np.ndarray) -> np.ndarray:
    """Whether each state is PILOTING or SUSTAINED, as one unsigned comparison (they are consecutive)."""
    return (state.view(np.uint8) - np.uint8(State.PILOTING)) <= State.SUSTAINED - State.PILOTING


class SocialCareModel(mesa.Model):
    """Innovation spread among providers, councils and funders; one step is one month.

    ``scenario`` is a loaded Scenario, a path, or None for the built-in baseline;
    ``levers`` are flat keyword names of the main levers (see ``LEVERS``), so that
    ``mesa.batch_run`` can sweep them. ``provider_agents=False`` skips creating the
    Mesa ``Provider`` views (the rules never need them; results are identical).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        rng: Any = None,
        provider_agents: bool = True,
        **levers: Any,
    ) -> None:
        """Build the population, councils, network and agents; launch and record month 0.

        Args:
            scenario: A loaded Scenario, a path, or None for the built-in baseline.
            rng: Seed or generator for the run's only random stream (text, as SolaraViz
                hands it, is read as an integer).
            provider_agents: Whether to create the Mesa ``Provider`` views (the rules never need
                them; results are identical without them, and faster).
            **levers: Flat lever keywords (see ``LEVERS``), so ``mesa.batch_run`` can sweep them.

        Raises:
            InputError: When the levers or the scenario are invalid.
        """
        if isinstance(rng, str):  # SolaraViz's seed box hands over text
            rng = int(rng) if rng.strip() else None
        super().__init__(rng=rng)
        self.config: Scenario = with_levers(scenario, levers)
        cfg = self.config
        self.t = 0
        self.portfolio = Portfolio.from_scenario(cfg)
        self.providers = build_providers(cfg, self.portfolio, self.rng)
        self.councils = build_councils(cfg, self.providers, self.portfolio, self.rng)
        adjacency = build_network(cfg.network, self.providers.council, self.providers.kind, self.rng)
        n, m = self.providers.state.shape
        self.exposure = PeerExposure(adjacency, n, m)
        self.boards = build_boards(cfg, self.councils, self.rng)
        self.learned = Learned.empty(m)
        collab = self.providers.collaboration
        self.peer_learning = collab / collab.mean() if collab.mean() > 0 else np.ones(n)
        self.initial_evidence = np.array([i.evidence for i in cfg.innovations])
        self.evidence = self.initial_evidence.copy()
        self.experience = np.zeros(m)
        self.programme_pots = ProgrammePots.build(cfg, self.portfolio, self.councils, self.boards.board)
        self.network_bodies = NetworkBodies.build(cfg, self.portfolio, n, self.rng)
        self.people = People.from_scenario(cfg, self.councils)
        self.events: dict[str, np.ndarray] = {}
        self.events_scalar: dict[str, float] = {}
        self._reset_events()

        self.local_authorities = list(
            LocalAuthority.create_agents(self, self.councils.n, index=np.arange(self.councils.n))
        )
        self.integrated_care_boards = list(
            IntegratedCareBoard.create_agents(self, self.boards.n, index=np.arange(self.boards.n))
        )
        self.funders = [Funder(self, spec) for spec in cfg.funding.funders]
        if provider_agents:
            Provider.create_agents(self, n, index=np.arange(n))

        self.launch_innovations()
        self.exposure.update(self.operating_mask())
        self.recorder = Recorder(self, cfg.simulation.steps)
        self.datacollector = mesa.DataCollector(model_reporters=reporters.MODEL_REPORTERS)
        self.recorder.record(self)
        self.datacollector.collect(self)

    # -- views used by several rules ------------------------------------------------
    def operating_mask(self) -> np.ndarray:
        """Cells where the innovation is in use: approved pilots and sustained.

        Returns:
            The N x M operating mask.
        """
        return self.providers.approved & _piloting_or_sustained(self.providers.state)

    def operating_at(self, cells: np.ndarray) -> np.ndarray:
        """``operating_mask()`` at the given flat cell indices only.

        Args:
            cells: Flat cell indices.

        Returns:
            Whether each of those cells is operating, without building the whole mask.
        """
        p = self.providers
        return p.approved.ravel()[cells] & _piloting_or_sustained(p.state.ravel()[cells])

    def innovation_index(self, innovation: int | str) -> int:
        """The column of an innovation, so callers may name it instead of counting.

        Args:
            innovation: Its index or name.

        Returns:
            Its column in the cell arrays.
        """
        if isinstance(innovation, str):
            return self.portfolio.names.index(innovation)
        return int(innovation)

    def _reset_events(self) -> None:
        m = self.portfolio.size
        self.events = {name: np.zeros(m, dtype=np.int64) for name in EVENT_NAMES}
        self.events_scalar = dict.fromkeys(SCALAR_NAMES, 0.0)

    # -- the month ------------------------------------------------------------------
    def launch_innovations(self) -> None:
        """Originators start piloting an innovation in its launch month (ODD: Initialisation)."""
        p = self.providers
        launching = np.flatnonzero(self.portfolio.launch == self.t)
        for j in launching:
            k = int(min(self.portfolio.initial_pilots[j], p.n))
            if k == 0:
                continue
            rows = self.rng.choice(p.n, size=k, replace=False)
            p.state[rows, j] = State.PILOTING
            p.payer[rows, j] = Payer.OWN
            p.approved[rows, j] = True
            if self.portfolio.kind[j] == SYSTEMS:
                self.councils.signed[p.council[rows], j] = True
        # fully proven whatever their kind: past the longest proof time of any kind
        proven = int(np.ceil(max(proof for _, proof in self.config.diffusion.proof_times())))
        place_existing_users(self.portfolio, p, self.councils, launching, proven, self.rng)

    def step(self) -> None:
        """One month, in the order of docs/ODD.md section 3 ('Process overview and scheduling')."""
        self.t = self.steps
        self._reset_events()
        self.launch_innovations()
        for funder in self.funders:  # 1. calls and grants
            funder.step()
        spend_grants(self)  # 1. grant money spent this month
        fund_programmes(self, self.programme_pots)  # 1b. national programmes through local pots
        spread_awareness(self)  # 2. awareness
        network_awareness(self)  # 2b. network bodies spread awareness
        decide_pilots(self)  # 3. decision to pilot
        council_rollout(self)  # 3b. scaling through commissioning
        inspect_mandates(self)  # 3c. national standards at inspection
        approve_pilots(self)  # 4. regulation
        funding_cliff(self)  # 5. sustain or abandon at the cliff
        background_abandonment(self)  # 5. background hazard
        provider_finances(self)  # 5. reserves pay for own-funded adopters
        self.council_month()  # 6. councils
        share_pooled_costs(self)  # 6b. pooled budgets: the ICBs' and the joint fund's share
        drop_unaffordable(self)  # 6c. commissioners over budget drop contracts
        accumulate_evidence(self)  # 7. evidence
        learn_from_outcomes(self)  # 7a. failure teaches: perceived benefit
        readopt(self)
        self.recorder.record(self)  # 8. data
        self.datacollector.collect(self)
        if self.steps >= self.config.simulation.steps:
            self.running = False

    def council_month(self) -> None:
        """Councils settle their yearly budgets, refill pilot funds, pay and review contracts, sign up, reorganise."""
        annual_settlement(self)  # stop-go settlement, overspend pressure, reinvested savings
        update_funds(self)
        refresh_commitments(self)
        self.events_scalar["council_spend_k"] += float(self.councils.committed.sum())
        sites = column_counts(self.operating_mask())
        self.events_scalar["council_savings_k"] += float(sites @ self.portfolio.council_saving)
        dropped = review_contracts(self)
        rows, cols = split_cells(dropped, self.portfolio.size)
        abandon(self, rows, cols, "review")
        sign_up_systems(self)
        restructures = self.events_scalar["reorganisations"]
        reorganise(self)  # recomputes the commitments itself when a council restructures
        if dropped.size and self.events_scalar["reorganisations"] == restructures:
            refresh_commitments(self)  # otherwise they are as computed above, less what review dropped

    def run(self) -> Recorder:
        """Step to the end of the scenario and return the recorded spread.

        Returns:
            The Recorder, with every month recorded.
        """
        while self.running and self.steps < self.config.simulation.steps:
            self.step()
        return self.recorder
