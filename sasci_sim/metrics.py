"""Per-step aggregates and end-of-run summary figures (ODD: Design concepts, Observation).

``Recorder`` keeps preallocated arrays (step x state x innovation) filled from
the population each month: no pandas in the step. ``tidy`` turns them into the
long table written as spread.csv; ``summarise`` computes the brief's summary
figures from that table, so figures can always be recomputed from files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sasci_sim.population import Payer
from sasci_sim.scenario import KINDS, Scenario
from sasci_sim.tally import CellTally

if TYPE_CHECKING:
    from sasci_sim.model import SocialCareModel

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

    def __init__(self, model: SocialCareModel, steps: int) -> None:
        m = model.portfolio.size
        shape = (steps + 1, m)
        self.t = -1
        self.counts = np.zeros((steps + 1, 5, m), dtype=np.int32)
        self.ever_abandoned = np.zeros(shape, dtype=np.int32)
        self.partial = np.zeros(shape, dtype=np.int32)
        self.sustained_after_grant = np.zeros(shape, dtype=np.int32)
        self.councils_reached = np.zeros(shape, dtype=np.int32)
        self.evidence = np.zeros(shape)
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

    def record(self, model: SocialCareModel) -> None:
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
        self.by_payer[t] = tally.payers[[int(payer) for payer in PAYER_COLUMNS.values()]]
        for name, values in model.events.items():
            self.events[name][t] = values
        for name, value in model.events_scalar.items():
            self.scalars[name][t] = value

    def tidy(self, model: SocialCareModel, replication: int = 0) -> pd.DataFrame:
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


def first_step_at(shares: np.ndarray, level: float) -> np.ndarray:
    """First step (per column) at which a share reaches a level; NaN if never."""
    hit = shares >= level
    first = np.argmax(hit, axis=0).astype(float)
    first[~hit.any(axis=0)] = np.nan
    return first


def _nanmean(values: np.ndarray) -> float:
    return float(np.mean(values[~np.isnan(values)])) if np.any(~np.isnan(values)) else float("nan")


def summarise_run(spread: pd.DataFrame, money: pd.DataFrame | None, scenario: Scenario) -> dict[str, float]:
    """The brief's summary figures for one replication, from its spread table."""
    steps = int(spread["step"].max())
    order = spread.sort_values(["step", "innovation"])
    names = sorted(spread["innovation"].unique())
    m = len(names)
    n = float(order["providers"].iloc[0])
    n_la = float(order["local_authorities"].iloc[0])

    def matrix(col: str) -> np.ndarray:
        return order[col].to_numpy().reshape(steps + 1, m)

    sustained, piloting = matrix("sustained") / n, matrix("piloting") / n
    adopting = sustained + piloting
    reached = matrix("councils_reached") / n_la
    kinds = order["kind"].to_numpy()[:m]
    at_scale = (sustained[-1] >= scenario.scale.provider_share) | (reached[-1] >= scenario.scale.council_share)
    t10, t50 = first_step_at(adopting, 0.10), first_step_at(adopting, 0.50)
    grants = order["grants"].sum()
    cliff = order["grant_pilots_lost"].sum()
    out: dict[str, float] = {
        "final_sustained_share": float(sustained[-1].mean()),
        "final_adopting_share": float(adopting[-1].mean()),
        "peak_piloting_share": float(piloting.max(axis=0).mean()),
        "pilots_abandoned_at_grant_end": float(cliff),
        "share_of_grants_lost_at_cliff": float(cliff / grants) if grants else float("nan"),
        "months_to_10pct": _nanmean(t10),
        "months_to_50pct": _nanmean(t50),
        "share_reaching_10pct": float(np.mean(~np.isnan(t10))),
        "share_at_scale": float(at_scale.mean()),
        "councils_reached_share": float(reached[-1].mean()),
        "partial_share_of_sustained": float(
            matrix("sustained_partial")[-1].sum() / max(matrix("sustained")[-1].sum(), 1)
        ),
        "ever_abandoned_share": float((matrix("abandoned")[-1] / n).mean()),
    }
    for kind in KINDS:
        mask = kinds == kind
        if mask.any():
            out[f"final_sustained_share_{kind}"] = float(sustained[-1][mask].mean())
            out[f"councils_reached_share_{kind}"] = float(reached[-1][mask].mean())
    if money is not None:
        for col in ("grants_awarded_k", "council_spend_k", "provider_spend_k", "council_savings_k"):
            out[col] = float(money[col].sum())
    return out


def summarise(runs: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Mean and 5-95% range over replications of each summary figure."""
    out: dict[str, dict[str, float]] = {}
    for col in runs.columns:
        if col == "replication":
            continue
        values = runs[col].to_numpy(dtype=float)
        ok = values[~np.isnan(values)]
        if ok.size == 0:
            out[col] = {"mean": None, "p5": None, "p95": None, "n": 0}  # type: ignore[dict-item]
            continue
        out[col] = {
            "mean": float(ok.mean()),
            "p5": float(np.percentile(ok, 5)),
            "p95": float(np.percentile(ok, 95)),
            "n": int(ok.size),
        }
    return out
