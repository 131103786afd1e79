"""Summary figures of a run, computed from its tidy tables (so they can always be recomputed from files).

``summarise_run`` turns one replication's spread and money tables into the summary figures
(ODD: Design concepts, Observation); ``summarise`` gives each figure's mean and 5-95% range
over replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sasci_sim.config.schema import KINDS, Scenario


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
    adopters = matrix("sustained").sum(axis=1)  # sustained (provider, innovation) pairs, sector-wide, per step
    out["sustained_adopters"] = float(adopters[-1])
    if money is not None:
        for col in ("grants_awarded_k", "grants_spent_k", "council_spend_k", "provider_spend_k", "council_savings_k"):
            if col in money:
                out[col] = float(money[col].sum())
        if "councils_overspent" in money:
            years = int(money["councils_overspent"].astype(bool).sum())
            out["councils_overspent_share"] = (
                float(money["councils_overspent"].sum() / (n_la * years)) if years else 0.0
            )
        if "grants_spent_k" in money:
            spent = money.sort_values("step")["grants_spent_k"].to_numpy().cumsum()
            out["sustained_per_m_spent"] = per_m_spent(adopters[-1], spent[-1])
            for month in scenario.funding.evaluation_months:
                if month <= steps:
                    out.update(evaluation_figures(month, sustained[month], adopters[month], spent[month]))
    return out


def per_m_spent(count: float, spent_k: float) -> float:
    """A count per million pounds spent; NaN when nothing was spent.

    Args:
        count: What the money bought (e.g. sustained adopters).
        spent_k: Money spent, k GBP.

    Returns:
        count / (spent_k / 1000), or NaN if ``spent_k`` is not positive.
    """
    return float(count / (spent_k / 1000.0)) if spent_k > 0 else float("nan")


def evaluation_figures(month: int, shares: np.ndarray, adopters: float, spent_k: float) -> dict[str, float]:
    """Figures at an evaluation month (after every grant has ended): keys end in ``_m<month>``.

    Args:
        month: The evaluation month.
        shares: Sustained share of providers per innovation at that month.
        adopters: Sustained (provider, innovation) pairs at that month, sector-wide.
        spent_k: Grant money spent up to and including that month, k GBP.

    Returns:
        ``sustained_share_m<month>`` (mean over innovations), ``sustained_adopters_m<month>``,
        ``grants_spent_k_m<month>`` and ``sustained_per_m_spent_m<month>``.
    """
    return {
        f"sustained_share_m{month}": float(shares.mean()),
        f"sustained_adopters_m{month}": float(adopters),
        f"grants_spent_k_m{month}": float(spent_k),
        f"sustained_per_m_spent_m{month}": per_m_spent(adopters, spent_k),
    }


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
