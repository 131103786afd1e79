"""SocialCareModel: the Mesa model that steps the rules (ODD: Process overview and scheduling)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sasci_sim.config.loader import apply_override, load_scenario, validate, with_joint_fund
from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError
from sasci_sim.model import reporters
from sasci_sim.model.agents import Funder, IntegratedCareBoard, LocalAuthority, Provider
from sasci_sim.model.ensemble import (
    EVENT_NAMES,
    SCALAR_NAMES,
    build_runs,
    launch_innovations,
    run_month,
)
from sasci_sim.model.recording import Recorder
from sasci_sim.model.rules.learning import Learned
from sasci_sim.model.rules.policy import PolicyClock, policy_events
from sasci_sim.model.views import CellAccess, CellViews

__all__ = ["EVENT_NAMES", "SCALAR_NAMES", "SocialCareModel", "with_levers"]


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


class SocialCareModel(CellAccess, mesa.Model):
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
        # a single run is an ensemble of one: built and stepped by the same code (model.ensemble)
        stacked = build_runs(cfg, [self.rng])
        self.blocks = stacked.blocks
        self.portfolio = stacked.portfolio
        self.providers = stacked.providers
        self.councils = stacked.councils
        self.exposure = stacked.exposure
        self.boards = stacked.boards
        n, m = self.providers.state.shape
        self.learned = Learned.empty(m)
        self.peer_learning = stacked.peer_learning
        self.initial_evidence = stacked.initial_evidence
        self.evidence = self.initial_evidence.copy()
        self.experience = np.zeros(m)
        self.programme_pots = stacked.programme_pots
        self.network_bodies = stacked.network_bodies
        self.policy_clock = PolicyClock.build(cfg, 1)
        self.people = stacked.people
        self.events: dict[str, np.ndarray] = {}
        self.events_scalar: dict[str, float | np.ndarray] = {}
        self.cells = CellViews(self.providers, self.blocks)
        self.reset_events()

        self.local_authorities = list(
            LocalAuthority.create_agents(self, self.councils.n, index=np.arange(self.councils.n))
        )
        self.integrated_care_boards = list(
            IntegratedCareBoard.create_agents(self, self.boards.n, index=np.arange(self.boards.n))
        )
        self.funders = [Funder(self, spec) for spec in cfg.funding.funders]
        if provider_agents:
            Provider.create_agents(self, n, index=np.arange(n))

        launch_innovations(self)
        self.exposure.update(self.cells.operating())
        self.recorder = Recorder(self, cfg.simulation.steps)
        self.datacollector = mesa.DataCollector(model_reporters=reporters.MODEL_REPORTERS)
        self.recorder.record(self)
        self.datacollector.collect(self)

    # -- views used by several rules ------------------------------------------------
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

    def reset_events(self) -> None:
        """Zero this month's event counts and money tallies."""
        m = self.portfolio.size
        self.events = {name: np.zeros(m, dtype=np.int64) for name in (*EVENT_NAMES, *policy_events(self.config))}
        self.events_scalar = dict.fromkeys(SCALAR_NAMES, 0.0)

    def call_funders(self) -> None:
        """Each funder agent runs its call, if this is a call month (ODD: Submodel 'funding')."""
        for funder in self.funders:
            funder.step()

    # -- the month ------------------------------------------------------------------
    def step(self) -> None:
        """One month, in the order of docs/ODD.md section 3 ('Process overview and scheduling')."""
        self.t = self.steps
        run_month(self)
        self.recorder.record(self)  # 8. data
        self.datacollector.collect(self)
        if self.steps >= self.config.simulation.steps:
            self.running = False

    def run(self) -> Recorder:
        """Step to the end of the scenario and return the recorded spread.

        Returns:
            The Recorder, with every month recorded.
        """
        self.cells.track()  # nothing else writes the cells between its months: the cells under way are kept
        try:
            while self.running and self.steps < self.config.simulation.steps:
                self.step()
        finally:
            self.cells.untrack()
        return self.recorder
