"""Per-month aggregates of a run: state counts, events and money (ODD: Design concepts, Observation).

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
from sasci_sim.model.schemes import People, people_supported, schemes_by_council
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
    """Spread curves of one run, or of every run of a batch, preallocated for ``steps`` months.

    For a batch (``model.blocks``, ODD 7.19: the ensemble engine) every per-innovation array has one column
    per run and innovation (run b's at ``b * M ..``) and the money one column per run; ``tidy``
    and ``money`` write one run's tables.
    """

    def __init__(self, model: World, steps: int) -> None:
        """Preallocate every array for the scenario's months, so recording a month allocates nothing.

        Args:
            model: The world to record; its event names decide the event columns.
            steps: Months the run is expected to last (the arrays grow if it goes on).
        """
        self.runs = runs = model.blocks.size
        self.m = model.portfolio.size
        m = self.m * runs
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
        self.scalars = {
            name: np.zeros((steps + 1,) if runs == 1 else (steps + 1, runs)) for name in model.events_scalar
        }
        self.tally = CellTally(model.providers, model.councils.n, runs)
        # people supported by schemes and councils with a scheme (only when the scenario counts people)
        self.people: People | None = getattr(model, "people", None)
        if self.people is not None:
            self.people_supported = np.zeros(shape)
            self.councils_with_scheme = np.zeros(shape, dtype=np.int32)
            self._people_columns = (np.arange(runs)[:, None] * self.m + self.people.counted[None, :]).ravel()

    def _grow(self) -> None:
        """Double the month capacity (a page or script stepping past the scenario's end)."""

        def bigger(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, np.zeros_like(a)])

        months = len(self.counts)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray) and len(value) == months:  # the per-month arrays
                setattr(self, name, bigger(value))
            elif isinstance(value, dict):
                setattr(self, name, {k: bigger(v) for k, v in value.items()})

    def record(self, model: World) -> None:
        """Store this month's counts, events, money and evidence in row ``model.steps``.

        Args:
            model: The world after this month's rules.
        """
        t = model.steps
        while t >= len(self.counts):
            self._grow()
        self.t = t
        tally = self.tally
        tally.update(model.providers, model.take_written())  # from the cells that changed since last month
        self.counts[t] = tally.states
        self.ever_abandoned[t] = tally.ever_abandoned
        self.partial[t] = tally.partial
        self.sustained_after_grant[t] = tally.after_grant
        # a council is reached when at least one of its providers has sustained the innovation
        self.councils_reached[t] = tally.councils_reached()
        self.evidence[t] = model.evidence
        self.perceived_benefit[t] = model.portfolio.benefit
        self.by_payer[t] = tally.payers[[int(payer) for payer in PAYER_COLUMNS.values()]]
        if self.people is not None:
            where, k = self._people_columns, self.people.counted.size
            supported = people_supported(self.people, model.providers, model.councils.n)
            schemes = schemes_by_council(self.people, model.providers, model.councils.n)
            if self.runs == 1:
                self.people_supported[t, where] = supported.sum(0)
                self.councils_with_scheme[t, where] = np.count_nonzero(schemes, axis=0)
            else:  # each run's own councils
                self.people_supported[t, where] = supported.reshape(self.runs, -1, k).sum(1).ravel()
                self.councils_with_scheme[t, where] = np.count_nonzero(
                    schemes.reshape(self.runs, -1, k), axis=1
                ).ravel()
        for name, values in model.events.items():
            self.events[name][t] = values
        for name, value in model.events_scalar.items():
            self.scalars[name][t] = value

    def tidy(self, model: World, replication: int = 0, run: int = 0) -> pd.DataFrame:
        """Long table: one row per (step, innovation).

        Args:
            model: The recorded world (for names, kinds and sizes).
            replication: The replication number written in each row.
            run: Which run of a batch (its block).

        Returns:
            The spread table (spread.csv): state counts, adopters by payer, events, councils
            reached and evidence per month and innovation.
        """
        steps = self.t + 1
        m = model.portfolio.size
        cols = slice(run * m, (run + 1) * m)
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
            data[col] = self.counts[:steps, s, cols].ravel()
        data["abandoned"] = self.ever_abandoned[:steps, cols].ravel()
        data["sustained_partial"] = self.partial[:steps, cols].ravel()
        data["sustained_after_grant"] = self.sustained_after_grant[:steps, cols].ravel()
        data["councils_reached"] = self.councils_reached[:steps, cols].ravel()
        data["evidence"] = self.evidence[:steps, cols].ravel().round(6)
        data["perceived_benefit"] = self.perceived_benefit[:steps, cols].ravel().round(6)
        for k, col in enumerate(PAYER_COLUMNS):
            data[col] = self.by_payer[:steps, k, cols].ravel()
        for name, values in self.events.items():
            data[name] = values[:steps, cols].ravel()
        if self.people is not None:
            data["people_supported"] = self.people_supported[:steps, cols].ravel().round(3)
            data["councils_with_scheme"] = self.councils_with_scheme[:steps, cols].ravel()
        data["providers"] = model.blocks.n
        data["local_authorities"] = model.blocks.l
        frame = pd.DataFrame(data)  # (scalars spread over the rows: cheaper than columns added after)
        if self.people is not None:
            councils = slice(run * model.blocks.l, (run + 1) * model.blocks.l)
            frame["people_using_care"] = round(float(self.people.using_care[councils].sum()), 3)
        return frame

    def money(self, replication: int = 0, run: int = 0) -> pd.DataFrame:
        """Money per step (k GBP): grants awarded, council and provider spend, savings.

        Args:
            replication: The replication number written in each row.
            run: Which run of a batch (its block).

        Returns:
            One row per month recorded (money.csv).
        """
        steps = self.t + 1
        columns = {name: v[:steps] if self.runs == 1 else v[:steps, run] for name, v in self.scalars.items()}
        return pd.DataFrame({"replication": replication, "step": np.arange(steps), **columns})
