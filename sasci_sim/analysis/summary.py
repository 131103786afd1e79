"""Summary figures of a run, computed from its tidy tables (so they can always be recomputed from files).

``summarise_run`` turns one replication's spread and money tables into the summary figures
(ODD: Design concepts, Observation); ``summarise`` gives each figure's mean and 5-95% range
over replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sasci_sim.config.schema import KINDS, Scenario

#: The money tables' columns that are a programme's money as it is paid out: grants, the pooled
#: joint fund's pots and national programmes. Outcomes "per £m spent" divide by their sum, so a
#: grant programme and a joint fund paid through pooled budgets are compared at equal spend.
PROGRAMME_MONEY = ("grants_spent_k", "joint_fund_spent_k", "programme_spent_k")


def first_step_at(shares: np.ndarray, level: float) -> np.ndarray:
    """First step (per column) at which a share reaches a level; NaN if never.

    Args:
        shares: Step x column shares.
        level: The share to reach.

    Returns:
        The first step per column, as float so that never can be NaN.
    """
    hit = shares >= level
    first = np.argmax(hit, axis=0).astype(float)
    first[~hit.any(axis=0)] = np.nan
    return first


def _nanmean(values: np.ndarray) -> float:
    return float(np.mean(values[~np.isnan(values)])) if np.any(~np.isnan(values)) else float("nan")


def summarise_run(spread: pd.DataFrame, money: pd.DataFrame | None, scenario: Scenario) -> dict[str, float]:
    """The summary figures of one replication (ODD 4.11 'Observation'), from its spread table.

    Computed from the tables alone, so the figures of any run folder can be recomputed
    without running the model again.

    Args:
        spread: One replication's spread table.
        money: Its money table, or None to leave out the money totals.
        scenario: The scenario run (for the scale thresholds).

    Returns:
        Figure name -> value; months to a level are NaN when no innovation gets there.
    """
    steps = int(spread["step"].max())
    # the rows by step, then innovation name: sort_values(["step", "innovation"])'s order, found
    # once and applied to the columns read (not to all of them)
    codes, uniques = pd.factorize(spread["innovation"], sort=True)
    at = np.lexsort((codes, spread["step"].to_numpy()))
    names = list(uniques)
    m = len(names)

    def column(col: str) -> np.ndarray:
        return spread[col].to_numpy()[at]

    def matrix(col: str) -> np.ndarray:
        return column(col).reshape(steps + 1, m)

    n = float(column("providers")[0])
    n_la = float(column("local_authorities")[0])

    sustained, piloting = matrix("sustained") / n, matrix("piloting") / n
    adopting = sustained + piloting
    reached = matrix("councils_reached") / n_la
    kinds = column("kind")[:m]
    at_scale = (sustained[-1] >= scenario.scale.provider_share) | (reached[-1] >= scenario.scale.council_share)
    t10, t50 = first_step_at(adopting, 0.10), first_step_at(adopting, 0.50)
    grants = column("grants").sum()
    cliff = column("pilots_abandoned_at_grant_end").sum()
    out: dict[str, float] = {
        "final_sustained_share": float(sustained[-1].mean()),
        "final_adopting_share": float(adopting[-1].mean()),
        "peak_piloting_share": float(piloting.max(axis=0).mean()),
        "pilots_abandoned_at_grant_end": float(cliff),
        "pilots_given_up_waiting": float(column("abandoned_rigidity").sum()),
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
    if "people_supported" in spread:
        out |= _people_figures(
            matrix("people_supported")[-1],
            matrix("councils_with_scheme")[-1] / n_la,
            float(column("people_using_care")[0]),
            names,
            kinds,
            scenario,
        )
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
            ordered = money.sort_values("step")
            grants = ordered["grants_spent_k"].to_numpy(float).cumsum()
            paid = sum(ordered[c].to_numpy(float) for c in PROGRAMME_MONEY if c in ordered).cumsum()
            if "joint_fund_spent_k" in ordered:
                out["joint_fund_spent_k"] = float(ordered["joint_fund_spent_k"].sum())
            out["money_spent_k"] = float(paid[-1])
            out["sustained_per_m_spent"] = per_m_spent(adopters[-1], paid[-1])
            for month in scenario.funding.evaluation_months:
                if month <= steps:
                    out.update(evaluation_figures(month, sustained[month], adopters[month], grants[month], paid[month]))
    if money is not None and scenario.national.programmes:
        out["programme_awarded_k"] = float(money["programme_awarded_k"].sum())
        out["programme_spent_k"] = float(money["programme_spent_k"].sum())
    if money is not None and scenario.national.mandates:
        out["noncompliance_cost_k"] = float(money["noncompliance_cost_k"].sum())
    return out


def _people_figures(
    people: np.ndarray, coverage: np.ndarray, using_care: float, names: list[str], kinds: np.ndarray, scenario: Scenario
) -> dict[str, float]:
    """Penetration as a share of people, and council coverage by schemes, at the end.

    Over the innovations whose people are counted (``people_per_scheme`` above 0): the
    people their schemes support as a share of the people using care, and the share of
    councils with at least one of their schemes operating; for all of them and per kind.

    Args:
        people: People supported per innovation at the end (innovations in ``names`` order).
        coverage: Share of councils with a scheme, per innovation at the end.
        using_care: People using care in all councils.
        names: Innovation names, in the order of the other arrays.
        kinds: Innovation kinds, in the same order.
        scenario: The scenario (which innovations count people).

    Returns:
        The figures ``people_share``, ``scheme_coverage_share`` and their per-kind versions.
    """
    per_scheme = {i.name: i.people_per_scheme for i in scenario.innovations}
    counted = np.array([per_scheme.get(name, 0.0) > 0 for name in names])
    out: dict[str, float] = {}
    if not counted.any() or using_care <= 0:
        return out
    share = people / using_care
    out["people_share"] = float(share[counted].mean())
    out["scheme_coverage_share"] = float(coverage[counted].mean())
    for kind in KINDS:
        mask = counted & (kinds == kind)
        if mask.any():
            out[f"people_share_{kind}"] = float(share[mask].mean())
            out[f"scheme_coverage_share_{kind}"] = float(coverage[mask].mean())
    return out


#: Money below a penny (k GBP) counts as nothing spent: a figure per £m of less than that means
#: nothing, and near the smallest float the division overflows to infinity.
SPENT_FLOOR_K = 1e-5


def per_m_spent(count: float | np.ndarray, spent_k: float | np.ndarray) -> float | np.ndarray:
    """A count per million pounds spent; NaN where less than a penny was spent (``SPENT_FLOOR_K``).

    The one definition of every "per £m spent" figure (run summaries, comparisons, validation
    facts), for a single run or element-wise over replications.

    Args:
        count: What the money bought (e.g. sustained adopters), a number or an array.
        spent_k: Money spent, k GBP, broadcastable to ``count``.

    Returns:
        count / (spent_k / 1000), NaN where ``spent_k`` is below a penny or NaN (a float for
        scalar inputs).
    """
    count, spent = np.asarray(count, dtype=float), np.asarray(spent_k, dtype=float)
    out = np.full(np.broadcast(count, spent).shape, np.nan)
    np.divide(count, spent / 1000.0, out=out, where=spent >= SPENT_FLOOR_K)
    return float(out) if out.ndim == 0 else out


def evaluation_figures(
    month: int, shares: np.ndarray, adopters: float, grants_k: float, spent_k: float
) -> dict[str, float]:
    """Figures at an evaluation month (after every grant has ended): keys end in ``_m<month>``.

    Args:
        month: The evaluation month.
        shares: Sustained share of providers per innovation at that month.
        adopters: Sustained (provider, innovation) pairs at that month, sector-wide.
        grants_k: Grant money spent up to and including that month, k GBP.
        spent_k: Programme money spent up to and including that month (``PROGRAMME_MONEY``), k GBP.

    Returns:
        ``sustained_share_m<month>`` (mean over innovations), ``sustained_adopters_m<month>``,
        ``grants_spent_k_m<month>``, ``money_spent_k_m<month>`` and ``sustained_per_m_spent_m<month>``
        (per £m of programme money).
    """
    return {
        f"sustained_share_m{month}": float(shares.mean()),
        f"sustained_adopters_m{month}": float(adopters),
        f"grants_spent_k_m{month}": float(grants_k),
        f"money_spent_k_m{month}": float(spent_k),
        f"sustained_per_m_spent_m{month}": per_m_spent(adopters, spent_k),
    }


def summarise(runs: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Mean and 5-95% range over replications of each summary figure.

    Args:
        runs: One row per replication, one column per summary figure.

    Returns:
        Per figure its mean, 5th and 95th percentiles and the number of replications where
        it is defined (all None, n 0, when it is defined in none).
    """
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
