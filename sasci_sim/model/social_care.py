"""SocialCareModel: the Mesa model that steps the rules (ODD: Process overview and scheduling)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sasci_sim.config.loader import apply_override, load_scenario, validate
from sasci_sim.config.schema import LEVERS, SYSTEMS, Scenario, joint_fund
from sasci_sim.errors import InputError
from sasci_sim.model import reporters
from sasci_sim.model.agents import Funder, LocalAuthority, Provider
from sasci_sim.model.kernels.cells import split_cells
from sasci_sim.model.kernels.columns import column_counts
from sasci_sim.model.network import PeerExposure, build_network
from sasci_sim.model.population import Payer, Portfolio, State, build_councils, build_providers
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
from sasci_sim.model.rules.evidence import accumulate_evidence
from sasci_sim.model.rules.funding import spend_grants
from sasci_sim.model.rules.regulation import approve_pilots
from sasci_sim.model.rules.scaling import council_rollout
from sasci_sim.model.rules.settlements import annual_settlement
from sasci_sim.model.rules.sustainment import funding_cliff
from sasci_sim.model.rules.transitions import CAUSES, abandon

EVENT_NAMES = (
    "aware_new",
    "pilots_started",
    "grants",
    "sustained_new",
    "abandoned_post_grant",
    "grant_pilots_lost",
    *(f"abandoned_{c}" for c in CAUSES),
)
SCALAR_NAMES = (
    "grants_awarded_k",
    "grants_spent_k",
    "council_spend_k",
    "provider_spend_k",
    "council_savings_k",
    "reorganisations",
    "councils_overspent",
)


def with_levers(scenario: Scenario | str | Path | None, levers: Mapping[str, Any]) -> Scenario:
    """Resolve a scenario argument and apply flat lever keywords (``LEVERS``)."""
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
    for key, value in levers.items():
        if key == "joint_funding":
            if not isinstance(value, bool):
                raise InputError("levers", key, "must be true or false", got=value)
            if value:
                data = apply_override(data, LEVERS[key], [joint_fund().model_dump()])
            continue
        data = apply_override(data, LEVERS[key], value)
    return validate(data, "levers")


def _piloting_or_sustained(state: np.ndarray) -> np.ndarray:
    """state in (PILOTING, SUSTAINED), as one unsigned comparison (they are consecutive)."""
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
        collab = self.providers.collaboration
        self.peer_learning = collab / collab.mean() if collab.mean() > 0 else np.ones(n)
        self.initial_evidence = np.array([i.evidence for i in cfg.innovations])
        self.evidence = self.initial_evidence.copy()
        self.experience = np.zeros(m)
        self.events: dict[str, np.ndarray] = {}
        self.events_scalar: dict[str, float] = {}
        self._reset_events()

        self.local_authorities = list(
            LocalAuthority.create_agents(self, self.councils.n, index=np.arange(self.councils.n))
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
        """Cells where the innovation is in use: approved pilots and sustained."""
        return self.providers.approved & _piloting_or_sustained(self.providers.state)

    def operating_at(self, cells: np.ndarray) -> np.ndarray:
        """``operating_mask()`` at the given flat cell indices only."""
        p = self.providers
        return p.approved.ravel()[cells] & _piloting_or_sustained(p.state.ravel()[cells])

    def innovation_index(self, innovation: int | str) -> int:
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
        for j in np.flatnonzero(self.portfolio.launch == self.t):
            k = int(min(self.portfolio.initial_pilots[j], p.n))
            if k == 0:
                continue
            rows = self.rng.choice(p.n, size=k, replace=False)
            p.state[rows, j] = State.PILOTING
            p.payer[rows, j] = Payer.OWN
            p.approved[rows, j] = True
            if self.portfolio.kind[j] == SYSTEMS:
                self.councils.signed[p.council[rows], j] = True

    def step(self) -> None:
        """One month, in the brief's order (docs/ODD.md, 'Process overview')."""
        self.t = self.steps
        self._reset_events()
        self.launch_innovations()
        for funder in self.funders:  # 1. calls and grants
            funder.step()
        spend_grants(self)  # 1. grant money spent this month
        spread_awareness(self)  # 2. awareness
        decide_pilots(self)  # 3. decision to pilot
        council_rollout(self)  # 3b. scaling through commissioning
        approve_pilots(self)  # 4. regulation
        funding_cliff(self)  # 5. sustain or abandon at the cliff
        background_abandonment(self)  # 5. background hazard
        provider_finances(self)  # 5. reserves pay for own-funded adopters
        self.council_month()  # 6. councils
        accumulate_evidence(self)  # 7. evidence
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
        """Step to the end of the scenario and return the recorded spread."""
        while self.running and self.steps < self.config.simulation.steps:
            self.step()
        return self.recorder
