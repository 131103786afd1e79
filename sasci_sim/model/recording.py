"""Per-step aggregates and end-of-run summary figures (ODD: Design concepts, Observation).

``Recorder`` keeps preallocated arrays (step x state x innovation) filled from
the population each month: no pandas in the step. ``tidy`` turns them into the
long table written as spread.csv, from which :mod:`sasci_sim.analysis.summary`
computes the summary figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sasci_sim.config.schema import KINDS
from sasci_sim.model.population import Payer
from sasci_sim.model.tally import CellTally
from sasci_sim.model.world import World

STATE_COLUMNS = ("unaware", "aware", "piloting", "sustained", "abandoned_now")
#: Adopters (piloting or sustained) by who pays their running cost.
PAYER_COLUMNS = {
    "own_funded": Payer.OWN,
    "grant_funded": Payer.GRANT,
    "pilot_fund_funded": Payer.PILOT_FUND,
    "commissioned": Payer.COUNCIL,
}


class Recorder:
    """Spread curves of one run, preallocated for ``steps`` months."""

    def __init__(self, model: World, steps: int) -> None:
        m = model.portfolio.size
        shape = (steps + 1, m)
        self.t = -1
        self.counts = np.zeros((steps + 1, 5, m), dtype=np.int32)
        self.ever_abandoned = np.zeros(shape, dtype=np.int32)
        self.partial = np.zeros(shape, dtype=np.int32)
        self.sustained_after_grant = np.zeros(shape, dtype=np.int32)
        self.councils_reached = np.zeros(shape, dtype=np.int32)
        self.evidence = np.zeros(shape)
        self.perceived_benefit = np.zeros(shape)
        self.by_payer = np.zeros((steps + 1, len(PAYER_COLUMNS), m), dtype=np.int32)
        self.events = {name: np.zeros(shape, dtype=np.int32) for name in model.events}
        self.scalars = {name: np.zeros(steps + 1) for name in model.events_scalar}
        self.tally = CellTally(model.providers, model.councils.n)

    def _grow(self) -> None:
        """Double the month capacity (a page or script stepping past the scenario's end)."""

        def bigger(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, np.zeros_like(a)])

        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(self, name, bigger(value))
            elif isinstance(value, dict):
                setattr(self, name, {k: bigger(v) for k, v in value.items()})

    def record(self, model: World) -> None:
        t = model.steps
        while t >= len(self.counts):
            self._grow()
        self.t = t
        tally = self.tally
        tally.update(model.providers)  # from the cells that changed since last month
        self.counts[t] = tally.states
        self.ever_abandoned[t] = tally.ever_abandoned
        self.partial[t] = tally.partial
        self.sustained_after_grant[t] = tally.after_grant
        # a council is reached when at least one of its providers has sustained the innovation
        self.councils_reached[t] = tally.councils_reached()
        self.evidence[t] = model.evidence
        self.perceived_benefit[t] = model.portfolio.benefit
        self.by_payer[t] = tally.payers[[int(payer) for payer in PAYER_COLUMNS.values()]]
        for name, values in model.events.items():
            self.events[name][t] = values
        for name, value in model.events_scalar.items():
            self.scalars[name][t] = value

    def tidy(self, model: World, replication: int = 0) -> pd.DataFrame:
        """Long table: one row per (step, innovation)."""
        steps = self.t + 1
        m = model.portfolio.size
        step = np.repeat(np.arange(steps), m)
        names = np.array(model.portfolio.names, dtype=object)
        kinds = np.array([KINDS[k] for k in model.portfolio.kind], dtype=object)
        data: dict[str, np.ndarray | int] = {
            "replication": replication,
            "step": step,
            "innovation": np.tile(names, steps),
            "kind": np.tile(kinds, steps),
        }
        for s, col in enumerate(STATE_COLUMNS):
            data[col] = self.counts[:steps, s].ravel()
        data["abandoned"] = self.ever_abandoned[:steps].ravel()
        data["sustained_partial"] = self.partial[:steps].ravel()
        data["sustained_after_grant"] = self.sustained_after_grant[:steps].ravel()
        data["councils_reached"] = self.councils_reached[:steps].ravel()
        data["evidence"] = self.evidence[:steps].ravel().round(6)
        data["perceived_benefit"] = self.perceived_benefit[:steps].ravel().round(6)
        for k, col in enumerate(PAYER_COLUMNS):
            data[col] = self.by_payer[:steps, k].ravel()
        for name, values in self.events.items():
            data[name] = values[:steps].ravel()
        frame = pd.DataFrame(data)
        frame["providers"] = model.providers.n
        frame["local_authorities"] = model.councils.n
        return frame

    def money(self, replication: int = 0) -> pd.DataFrame:
        """Money per step (k GBP): grants awarded, council and provider spend, savings."""
        steps = self.t + 1
        frame = pd.DataFrame({name: v[:steps] for name, v in self.scalars.items()})
        frame.insert(0, "step", np.arange(steps))
        frame.insert(0, "replication", replication)
        return frame
