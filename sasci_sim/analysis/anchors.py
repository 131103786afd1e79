"""Anchor metrics: the real-world quantities of ``data/anchors.yaml``, computed from a run's tables.

Every metric takes a run's spread table (one row per replication, month and
innovation), its money table (one row per replication and month) and its
scenario, plus the anchor's ``metric_args``, and returns the anchored quantity,
averaged over the replications in the tables. Metrics whose quantity the model
cannot produce (national policy as an outcome, consortia, pooling as a decision,
outcomes of people) are written against the columns such a mechanism would record,
and raise :class:`MissingColumn` naming the column, so that the anchor stays visibly
blocked (``blocked_on`` in the anchors file says why). Nothing is censored: a
quantity never reached within the run is ``inf``, not the horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from sasci_sim.config.anchors import Anchor
from sasci_sim.config.schema import Scenario

#: Councils with adult social care duties in England: scales a region's people to the national figure.
ENGLAND_COUNCILS = 153

Metric = Callable[..., float]


class MissingColumn(LookupError):
    """A metric needs a column that today's run tables do not record (a mechanism still to build)."""

    def __init__(self, metric: str, table: str, columns: Iterable[str]) -> None:
        """Name the metric, the table and the columns it lacks, in the message a user sees."""
        self.metric = metric
        self.table = table
        self.columns = tuple(columns)
        names = ", ".join(self.columns)
        super().__init__(
            f"anchor metric {metric} needs column(s) {names} in the {table} table, which this run does not "
            "record (a mechanism the model does not have, or people not counted in this scenario)"
        )


def require(frame: pd.DataFrame, table: str, metric: str, *columns: str) -> None:
    """Raise :class:`MissingColumn` unless ``frame`` has every column in ``columns``.

    Args:
        frame: The spread or money table.
        table: Its name for the message ("spread" or "money").
        metric: The metric asking.
        *columns: The columns it needs.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumn(metric, table, missing)


def _innovation_rows(spread: pd.DataFrame, innovation: str, metric: str) -> pd.DataFrame:
    rows = spread[spread["innovation"] == innovation]
    if rows.empty:
        names = ", ".join(sorted(spread["innovation"].unique()))
        raise ValueError(f"anchor metric {metric}: the run has no innovation {innovation!r} (it has: {names})")
    return rows


def _at_month(rows: pd.DataFrame, month: int | None, metric: str) -> pd.DataFrame:
    last = int(rows["step"].max())
    if month is None:
        month = last
    if not 1 <= month <= last:
        raise ValueError(f"anchor metric {metric} is measured at month {month}, but the run has months 1 to {last}")
    return rows[rows["step"] == month]


def _mean_over_replications(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else float("nan")


# -- computable from today's tables ---------------------------------------------------


def councils_reached_share(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str, month: int | None = None
) -> float:
    """Share of councils with at least one provider sustaining ``innovation`` (at ``month``, default the end).

    Args:
        spread: The run's spread table.
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        innovation: The innovation's name.
        month: The month measured; None for the last month.

    Returns:
        councils_reached / local_authorities, averaged over replications.
    """
    rows = _at_month(_innovation_rows(spread, innovation, "councils_reached_share"), month, "councils_reached_share")
    return _mean_over_replications(rows["councils_reached"] / rows["local_authorities"])


def adopting_share_at_month(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str, month: int
) -> float:
    """Share of providers piloting or sustaining ``innovation`` at ``month``.

    Args:
        spread: The run's spread table.
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        innovation: The innovation's name.
        month: The month measured (1 is the first month of the run).

    Returns:
        (piloting + sustained) / providers, averaged over replications.
    """
    rows = _at_month(_innovation_rows(spread, innovation, "adopting_share_at_month"), month, "adopting_share_at_month")
    return _mean_over_replications((rows["piloting"] + rows["sustained"]) / rows["providers"])


def _grant_sites(spread: pd.DataFrame, scenario: Scenario, metric: str) -> pd.DataFrame:
    """Per replication and innovation: grant-funded sites and those still keeping something at the end.

    Every grant must have ended before the last month, so that each site's keep-or-drop
    decision has been made (a programme with ``funding.last_call_month`` set).
    """
    steps = int(spread["step"].max())
    last_call = scenario.funding.last_call_month
    longest = max(f.grant_duration_months or scenario.funding.grant_duration_months for f in scenario.funding.funders)
    if last_call is None or last_call + longest >= steps:
        raise ValueError(
            f"anchor metric {metric} needs every grant to end before the last month: set funding.last_call_month "
            f"so that last call + grant length ({longest} months) < steps ({steps})"
        )
    by = spread.groupby(["replication", "innovation"], sort=True)
    sites = by["grants"].sum()
    final = spread[spread["step"] == steps].set_index(["replication", "innovation"])["sustained_after_grant"]
    return pd.DataFrame({"sites": sites, "kept": final.reindex(sites.index).fillna(0)})


def programmes_mostly_kept_share(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, site_share: float = 0.6, min_sites: int = 3
) -> float:
    """Share of funded programmes in which at least ``site_share`` of their sites keep something (Scheirer 2005).

    A programme is one innovation's grants in one replication; its sites are its grants,
    and a site keeps something if it still sustains the innovation, in full or cut down
    (``sustained_after_grant``), after every grant has ended.

    Args:
        spread: The run's spread table.
        money: The run's money table (unused).
        scenario: The run's scenario (its funding calls must stop before the end).
        site_share: The share of sites that must keep something.
        min_sites: Programmes with fewer sites are not counted (a study needs sites).

    Returns:
        The share of counted programmes, averaged over replications; NaN if none is counted.
    """
    table = _grant_sites(spread, scenario, "programmes_mostly_kept_share")
    table = table[table["sites"] >= min_sites]
    mostly = (table["kept"] / table["sites"]) >= site_share
    return _mean_over_replications(mostly.groupby(level="replication").mean())


def kept_after_grant_share(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario) -> float:
    """Share of grant-funded sites still sustaining (in full or cut down) after every grant has ended.

    Args:
        spread: The run's spread table.
        money: The run's money table (unused).
        scenario: The run's scenario (its funding calls must stop before the end).

    Returns:
        kept sites / grant-funded sites over all innovations, averaged over replications.
    """
    table = _grant_sites(spread, scenario, "kept_after_grant_share").groupby(level="replication").sum()
    return _mean_over_replications(table["kept"] / table["sites"].where(table["sites"] > 0))


def programme_awarded_k(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, first_month: int, last_month: int
) -> float:
    """Money national programmes awarded from ``first_month`` to ``last_month`` (k GBP, every programme).

    A fund paid through local areas (``national.programmes``, ODD 7.12: the Accelerating
    Reform Fund through the 42 ICB areas) records what its areas award as
    ``programme_awarded_k``, apart from the grant-makers' calls (``grants_awarded_k``).

    Args:
        spread: The run's spread table (unused).
        money: The run's money table (column ``programme_awarded_k``).
        scenario: The run's scenario (it must have a national programme).
        first_month: First month counted.
        last_month: Last month counted.

    Returns:
        The sum of ``programme_awarded_k`` over those months, averaged over replications.

    Raises:
        ValueError: The scenario has no national programme, or the window runs past the run's end.
    """
    if not scenario.national.programmes:
        raise ValueError("anchor metric programme_awarded_k needs a scenario with national.programmes")
    require(money, "money", "programme_awarded_k", "programme_awarded_k")
    if last_month > int(money["step"].max()):
        raise ValueError(f"anchor metric programme_awarded_k counts to month {last_month}, past the run's end")
    window = money[(money["step"] >= first_month) & (money["step"] <= last_month)]
    return _mean_over_replications(window.groupby("replication")["programme_awarded_k"].sum())


# -- schemes and people, budgets, and quantities the model cannot produce yet ----------


def people_share(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str) -> float:
    """Share of people using care who are supported by ``innovation``'s schemes at the end.

    Args:
        spread: The run's spread table (columns ``people_supported`` and ``people_using_care``,
            recorded when the scenario counts people: ``people.using_care_per_council``).
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        innovation: The innovation's name (with ``people_per_scheme`` above 0).

    Returns:
        people_supported / people_using_care in the last month, averaged over replications.
    """
    require(spread, "spread", "people_share", "people_supported", "people_using_care")
    rows = _at_month(_innovation_rows(spread, innovation, "people_share"), None, "people_share")
    return _mean_over_replications(rows["people_supported"] / rows["people_using_care"])


def schemes_per_council(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str) -> float:
    """Schemes running ``innovation`` per council at the end, for an innovation with one scheme per council.

    The spread table counts the councils with a scheme (``councils_with_scheme``); with at
    most one scheme per council (``innovations[].schemes_per_council: 1``, as Shared Lives
    schemes are on council boundaries) that is the number of schemes.

    Args:
        spread: The run's spread table (column ``councils_with_scheme``).
        money: The run's money table (unused).
        scenario: The run's scenario (the innovation's scheme limit).
        innovation: The innovation's name.

    Returns:
        councils_with_scheme / local_authorities in the last month, averaged over replications.

    Raises:
        ValueError: The innovation may have more than one scheme per council.
    """
    require(spread, "spread", "schemes_per_council", "councils_with_scheme")
    limit = next((i.schemes_per_council for i in scenario.innovations if i.name == innovation), None)
    if limit != 1:
        raise ValueError(
            f"anchor metric schemes_per_council counts councils with a scheme, so {innovation!r} needs "
            f"schemes_per_council: 1 (got {limit})"
        )
    rows = _at_month(_innovation_rows(spread, innovation, "schemes_per_council"), None, "schemes_per_council")
    return _mean_over_replications(rows["councils_with_scheme"] / rows["local_authorities"])


def years_to_national_policy(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str
) -> float:
    """Years from the start of the run to the first month a national mandate for ``innovation`` is in force.

    Args:
        spread: The run's spread table (column ``national_mandate``: 1 while a mandate is in force).
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        innovation: The innovation's name.

    Returns:
        Years, averaged over replications; ``inf`` if a replication never reaches it (not censored).
    """
    require(spread, "spread", "years_to_national_policy", "national_mandate")
    rows = _innovation_rows(spread, innovation, "years_to_national_policy")
    first = rows[rows["national_mandate"] > 0].groupby("replication")["step"].min()
    months = first.reindex(rows["replication"].unique()).fillna(np.inf)
    return _mean_over_replications(months / 12.0)


def councils_in_consortia_share(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario) -> float:
    """Share of councils in a funded consortium at any time in the run (needs consortia).

    Args:
        spread: The run's spread table (its ``local_authorities``).
        money: The run's money table (column ``councils_in_consortia``).
        scenario: The run's scenario (unused).

    Returns:
        The largest monthly councils_in_consortia / local_authorities, averaged over replications.
    """
    require(money, "money", "councils_in_consortia_share", "councils_in_consortia")
    councils = float(spread["local_authorities"].iloc[0])
    return _mean_over_replications(money.groupby("replication")["councils_in_consortia"].max() / councils)


def projects_per_consortium(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario) -> float:
    """Funded projects per consortium (needs consortia and projects).

    Args:
        spread: The run's spread table (unused).
        money: The run's money table (columns ``projects``, ``consortia``).
        scenario: The run's scenario (unused).

    Returns:
        The largest monthly number of projects / of consortia, averaged over replications.
    """
    require(money, "money", "projects_per_consortium", "projects", "consortia")
    by = money.groupby("replication")
    return _mean_over_replications(by["projects"].max() / by["consortia"].max().where(lambda s: s > 0))


def councils_overspending_share(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, month: int | None = None
) -> float:
    """Share of councils overspending their adult social care budget (needs budgets that move).

    Args:
        spread: The run's spread table (its ``local_authorities``).
        money: The run's money table (column ``councils_overspent``).
        scenario: The run's scenario (unused).
        month: The month measured; None for the last month.

    Returns:
        councils_overspent / local_authorities, averaged over replications.
    """
    require(money, "money", "councils_overspending_share", "councils_overspent")
    rows = _at_month(money, month, "councils_overspending_share")
    return _mean_over_replications(rows["councils_overspent"] / float(spread["local_authorities"].iloc[0]))


def pooled_budget_share(spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario) -> float:
    """Share of council areas with a pooled health and social care budget at the end (needs pooled budgets).

    Args:
        spread: The run's spread table (its ``local_authorities``).
        money: The run's money table (column ``pooled_budget``: areas with a pooled budget).
        scenario: The run's scenario (unused).

    Returns:
        pooled_budget / local_authorities in the last month, averaged over replications.
    """
    require(money, "money", "pooled_budget_share", "pooled_budget")
    rows = _at_month(money, None, "pooled_budget_share")
    return _mean_over_replications(rows["pooled_budget"] / float(spread["local_authorities"].iloc[0]))


def programme_target_share(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, target_people: float, month: int
) -> float:
    """People supported at ``month`` by all innovations, scaled to England by councils, over a national target.

    Args:
        spread: The run's spread table (column ``people_supported``).
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        target_people: The national programme's target (people).
        month: The month measured.

    Returns:
        people_supported x (153 / local_authorities) / target_people, averaged over replications.
    """
    require(spread, "spread", "programme_target_share", "people_supported")
    rows = _at_month(spread, month, "programme_target_share")
    scale = ENGLAND_COUNCILS / float(rows["local_authorities"].iloc[0])
    return _mean_over_replications(rows.groupby("replication")["people_supported"].sum() * scale / target_people)


def people_outcome_share(
    spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario, *, innovation: str, outcome: str
) -> float:
    """Share of the people an innovation supports who have ``outcome`` (a column of people counts).

    Args:
        spread: The run's spread table (columns ``people_supported`` and ``outcome``).
        money: The run's money table (unused).
        scenario: The run's scenario (unused).
        innovation: The innovation's name.
        outcome: The column counting people with the outcome, e.g. ``at_home_91_days``.

    Returns:
        outcome / people_supported in the last month, averaged over replications.
    """
    require(spread, "spread", "people_outcome_share", "people_supported", outcome)
    rows = _at_month(_innovation_rows(spread, innovation, "people_outcome_share"), None, "people_outcome_share")
    return _mean_over_replications(rows[outcome] / rows["people_supported"].where(rows["people_supported"] > 0))


#: Every anchor metric by name (the ``metric`` of an anchor).
METRICS: dict[str, Metric] = {
    f.__name__: f
    for f in (
        councils_reached_share,
        adopting_share_at_month,
        programmes_mostly_kept_share,
        kept_after_grant_share,
        programme_awarded_k,
        people_share,
        schemes_per_council,
        years_to_national_policy,
        councils_in_consortia_share,
        projects_per_consortium,
        councils_overspending_share,
        pooled_budget_share,
        programme_target_share,
        people_outcome_share,
    )
}


def measure(anchor: Anchor, spread: pd.DataFrame, money: pd.DataFrame, scenario: Scenario) -> float:
    """The anchor's quantity in a run: its metric with its ``metric_args``.

    Args:
        anchor: The anchor.
        spread: The run's spread table.
        money: The run's money table.
        scenario: The run's scenario.

    Returns:
        The anchored quantity.

    Raises:
        KeyError: The anchor names no known metric.
        MissingColumn: The metric needs a column the tables do not have.
    """
    metric = METRICS.get(anchor.metric)
    if metric is None:
        raise KeyError(f"anchor {anchor.id}: unknown metric {anchor.metric!r}; known: {', '.join(METRICS)}")
    args: dict[str, Any] = dict(anchor.metric_args)
    return float(metric(spread, money, scenario, **args))
