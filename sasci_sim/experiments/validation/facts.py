"""The stylised facts 1-11 as named, testable checks (docs/ODD.md 1.2 'Patterns').

Each check names the scenario variants it needs, a metric computed per
replication from their result tables, and a statistical test (stats.Band or
stats.AtLeast). Variants are the baseline with one lever moved; all variants
share replication seeds, so differences are paired.

Checks that hold by the rules' own formulas (2, 5a, 5b, 10, 11a, 11b) are in the
``verification`` group: they still run, as tests that the rules do what the ODD
says, and are labelled "verification, not evidence". Every other check is evidence,
with the metric it was first declared with (4 sector-wide, 6a council coverage of at
least a half, 8a over all innovations), and nothing censored: a time never reached
within the horizon fails a fact that says it is reached (7a).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sasci_sim.analysis.summary import per_m_spent
from sasci_sim.experiments.validation.stats import AtLeast, Band, Check
from sasci_sim.model.rules.transitions import CAUSES
from sasci_sim.output.results import RunResult

#: The spread columns that count each abandonment once, by its cause (ODD 4.11, glossary).
BY_CAUSE = tuple(f"abandoned_{cause}" for cause in CAUSES)

Results = dict[str, RunResult]

#: Each variant: the baseline's plain mapping changed in place.
VARIANTS: dict[str, Callable[[dict[str, Any]], None]] = {}

#: Months after a grant ends that count as "just after" (fact 2).
SPIKE_WINDOW_MONTHS = 3

#: Months in the long-horizon variant (facts 6 and 7 are about decades).
LONG_RUN_MONTHS = 360


def variant(name: str) -> Callable[[Callable[[dict[str, Any]], None]], Callable[[dict[str, Any]], None]]:
    """Register a scenario variant under ``name``, for the checks that need it.

    Args:
        name: The variant's name, as the checks refer to it.

    Returns:
        A decorator that records the function and returns it unchanged.
    """

    def register(fn: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        VARIANTS[name] = fn
        return fn

    return register


@variant("baseline")
def _baseline(d: dict[str, Any]) -> None:
    """Today's conditions (the built-in baseline)."""


#: Fact 4 compares programmes that stop calling after five years, so that every grant
#: has ended (and its pilots kept or dropped) before the ten-year mark, with twice the
#: baseline's call budget so that the comparison has statistical power (the direction
#: is the same at the baseline budget; see docs/ODD.md, 'Patterns').
PROGRAMME_LAST_CALL = 49
PROGRAMME_BUDGET_FACTOR = 2.0


@variant("short_programme")
def _short_programme(d: dict[str, Any]) -> None:
    """Five yearly calls of two-year grants."""
    d["funding"]["grant_duration_months"] = 24
    d["funding"]["last_call_month"] = PROGRAMME_LAST_CALL
    d["funding"]["budget_per_call_k"] *= PROGRAMME_BUDGET_FACTOR


@variant("long_programme")
def _long_programme(d: dict[str, Any]) -> None:
    """Five yearly calls of five-year grants: the same total budget."""
    d["funding"]["grant_duration_months"] = 60
    d["funding"]["last_call_month"] = PROGRAMME_LAST_CALL
    d["funding"]["budget_per_call_k"] *= PROGRAMME_BUDGET_FACTOR


#: The sector-wide fact 4 checks (4b, 4c) judge the same programmes at 10 and 15 years, against a
#: run with no programme at all, per million pounds actually spent.
FAIR_MONTHS = (120, 180)


def _fair(d: dict[str, Any], months: int | None) -> None:
    """The programme judged at 10 and 15 years: calls from the programme start to month 49, 180 months."""
    d["simulation"]["steps"] = max(FAIR_MONTHS)
    d["funding"]["evaluation_months"] = list(FAIR_MONTHS)
    if months is None:
        d["funding"]["budget_per_call_k"] = 0.0
        d["funding"]["last_call_month"] = PROGRAMME_LAST_CALL
        return
    d["funding"]["grant_duration_months"] = months
    d["funding"]["last_call_month"] = PROGRAMME_LAST_CALL
    d["funding"]["budget_per_call_k"] *= PROGRAMME_BUDGET_FACTOR


@variant("no_programme")
def _no_programme(d: dict[str, Any]) -> None:
    """No grants at all (the counterfactual of 4b and 4c), run for 15 years."""
    _fair(d, None)


@variant("short_fair")
def _short_fair(d: dict[str, Any]) -> None:
    """The short programme run for 15 years and judged at 10 and 15."""
    _fair(d, 24)


@variant("long_fair")
def _long_fair(d: dict[str, Any]) -> None:
    """The long programme run for 15 years and judged at 10 and 15."""
    _fair(d, 60)


@variant("low_pressure")
def _low_pressure(d: dict[str, Any]) -> None:
    d["local_authorities"]["cost_saving_pressure"] = 0.2


@variant("high_pressure")
def _high_pressure(d: dict[str, Any]) -> None:
    d["local_authorities"]["cost_saving_pressure"] = 0.9


@variant("flexible")
def _flexible(d: dict[str, Any]) -> None:
    d["regulation"]["flexibility"] = 0.85


@variant("no_peer")
def _no_peer(d: dict[str, Any]) -> None:
    d["diffusion"]["peer_influence"] = 0.0


@variant("no_external")
def _no_external(d: dict[str, Any]) -> None:
    d["diffusion"]["external_influence"] = 0.0
    d["research"]["dissemination_per_month"] = 0.0


@variant("low_capability")
def _low_capability(d: dict[str, Any]) -> None:
    d["population"]["capability_mean"] = 0.35


@variant("high_capability")
def _high_capability(d: dict[str, Any]) -> None:
    d["population"]["capability_mean"] = 0.65


@variant("simple")
def _simple(d: dict[str, Any]) -> None:
    for inn in d["innovations"]:
        inn["complexity"] = 0.1


@variant("complex")
def _complex(d: dict[str, Any]) -> None:
    for inn in d["innovations"]:
        inn["complexity"] = 0.9


@variant("long_run")
def _long_run(d: dict[str, Any]) -> None:
    d["simulation"]["steps"] = LONG_RUN_MONTHS


# -- table helpers -------------------------------------------------------------------


def final(r: RunResult) -> pd.DataFrame:
    """Rows of the last step.

    Args:
        r: A run.

    Returns:
        The spread table's rows at the final month.
    """
    return r.spread[r.spread["step"] == r.spread["step"].max()]


def share(r: RunResult, column: str, kind: str | None = None, extra: str | None = None) -> np.ndarray:
    """Per replication: mean over innovations (of a kind) of column / providers at the end.

    Args:
        r: A run.
        column: The count column.
        kind: Only innovations of this kind; all when None.
        extra: A second column added to the first (piloting to sustained, say).

    Returns:
        One share per replication.
    """
    f = final(r)
    if kind is not None:
        f = f[f["kind"] == kind]
    values = f[column] + (f[extra] if extra else 0)
    return (values / f["providers"]).groupby(f["replication"]).mean().to_numpy()


def coverage(r: RunResult, kind: str) -> np.ndarray:
    """Per replication: mean over innovations of a kind of the share of councils reached at the end.

    Args:
        r: A run.
        kind: The innovation kind.

    Returns:
        One share per replication.
    """
    f = final(r)
    f = f[f["kind"] == kind]
    return (f["councils_reached"] / f["local_authorities"]).groupby(f["replication"]).mean().to_numpy()


def adopting(r: RunResult, kind: str | None = None) -> np.ndarray:
    """Per replication: mean adopting share (piloting or sustaining) at the end.

    Args:
        r: A run.
        kind: Only innovations of this kind; all when None.

    Returns:
        Per replication, the mean share of providers piloting or sustaining at the end.
    """
    return share(r, "sustained", kind, extra="piloting")


def figure(r: RunResult, name: str) -> np.ndarray:
    """Per replication: one summary figure.

    Args:
        r: A run.
        name: A summary figure.

    Returns:
        The figure per replication, in replication order.
    """
    return r.runs.sort_values("replication")[name].to_numpy(dtype=float)


def saving_ratio(r: RunResult) -> pd.Series:
    """Council saving per pound of running cost, by innovation name, 0..1.

    Args:
        r: A run (for its innovations).

    Returns:
        The ratio per innovation name.
    """
    inn = r.scenario.innovations
    return pd.Series(
        {
            i.name: min(max(i.commissioner_saving_k_per_month / max(i.running_cost_k_per_month, 1e-9), 0.0), 1.0)
            for i in inn
        }
    )


def weighted_saving(r: RunResult, column: str) -> np.ndarray:
    """Per replication: saving ratio of the innovations in ``column``, weighted by count, over all months.

    Args:
        r: A run.
        column: The adopters to weigh by (``commissioned``, ``own_funded``).

    Returns:
        One weighted ratio per replication (NaN without such adopters).
    """
    s = r.spread
    ratio = s["innovation"].map(saving_ratio(r))
    num = (ratio * s[column]).groupby(s["replication"]).sum()
    den = s[column].groupby(s["replication"]).sum()
    return (num / den.where(den > 0)).to_numpy()


def added_per_m_spent(r: RunResult, counterfactual: RunResult, month: int) -> np.ndarray:
    """Per replication: sustained adopters sector-wide above the no-programme run, per £m spent by ``month``.

    Sector-wide means every provider and innovation, not only the programme's own pilots; the
    difference with the counterfactual (same seeds) is what the programme's money bought.

    Args:
        r: The programme's runs (with evaluation figures at ``month``).
        counterfactual: The same scenario without grants.
        month: The evaluation month.

    Returns:
        (sustained_adopters - counterfactual's) / (grants spent / 1000), paired by replication (NaN
        where less than a penny was spent).
    """
    added = figure(r, f"sustained_adopters_m{month}") - figure(counterfactual, f"sustained_adopters_m{month}")
    return np.asarray(per_m_spent(added, figure(r, f"grants_spent_k_m{month}")))


def fair_difference(r: Results, month: int) -> np.ndarray:
    """Long minus short programme: sustained adopters added per £m spent, at ``month`` (facts 4b, 4c)."""
    base = r["no_programme"]
    return added_per_m_spent(r["long_fair"], base, month) - added_per_m_spent(r["short_fair"], base, month)


def call_months(cfg: Any, steps: int) -> range:
    """The months in which calls open (programme start, every interval, to the last call or the end)."""
    f = cfg.funding
    last = min(f.last_call_month or steps, steps)
    return range(f.first_call_month, last + 1, f.call_interval_months)


def abandonment_spike(r: RunResult) -> np.ndarray:
    """Per replication: abandonments per month in the three months after grants end / in other months.

    Args:
        r: A run.

    Returns:
        One ratio per replication (fact 2).
    """
    cfg = r.scenario
    steps = cfg.simulation.steps
    ends = set()
    for funder in cfg.funding.funders:
        months = funder.grant_duration_months or cfg.funding.grant_duration_months
        for call in call_months(cfg, steps):
            ends.update(range(call + months, min(call + months + SPIKE_WINDOW_MONTHS, steps + 1)))
    first = min(ends) if ends else steps + 1
    total = (
        r.spread.assign(total=r.spread[list(BY_CAUSE)].sum(axis=1))
        .groupby(["replication", "step"])["total"]
        .sum()
        .unstack()
    )
    months = total.columns.to_numpy()
    window = np.isin(months, sorted(ends))
    other = (months >= first) & ~window
    return (total.loc[:, window].mean(axis=1) / total.loc[:, other].mean(axis=1).clip(lower=1e-9)).to_numpy()


def kept_share(r: RunResult) -> np.ndarray:
    """Per replication: share of pilots reaching their decision that keep something.

    Args:
        r: A run.

    Returns:
        One share per replication (fact 3b).
    """
    g = r.spread.groupby("replication")
    kept = g["sustained_new"].sum()
    lost = g["abandoned_cliff"].sum() + g["abandoned_money"].sum()
    return (kept / (kept + lost)).to_numpy()


def months_to_councils(r: RunResult, kinds: tuple[str, ...], level: float = 0.5) -> np.ndarray:
    """Per replication: median over innovations of the first month with `level` of councils reached (censored).

    Innovations that never get there count as one month past the horizon (censored).

    Args:
        r: A run.
        kinds: The innovation kinds.
        level: The share of councils to reach.

    Returns:
        One median per replication.
    """
    s = r.spread[r.spread["kind"].isin(kinds)]
    horizon = int(r.spread["step"].max())
    reached = s["councils_reached"] / s["local_authorities"] >= level
    first = s[reached].groupby(["replication", "innovation"])["step"].min()
    full = pd.MultiIndex.from_product([sorted(s["replication"].unique()), sorted(s["innovation"].unique())])
    first = first.reindex(full).fillna(horizon + 1)
    return first.groupby(level=0).median().to_numpy()


def abandonment_ratio(r: RunResult) -> np.ndarray:
    """Per replication: abandonments per pilot started (including originators).

    Args:
        r: A run.

    Returns:
        One ratio per replication.
    """
    g = r.spread.groupby("replication")
    abandoned = sum(g[c].sum() for c in BY_CAUSE)
    originators = sum(i.initial_pilots for i in r.scenario.innovations)
    return (abandoned / (g["pilots_started"].sum() + originators)).to_numpy()


def relative_gain(r: Results, kind: str) -> np.ndarray:
    """Ratios of small shares are unstable, so one provider's worth (1/N) is added to both.

    Args:
        r: The runs of the ``baseline`` and ``flexible`` variants.
        kind: The innovation kind.

    Returns:
        Per replication, the relative gain in adopting share from flexible regulation.
    """
    n = float(final(r["baseline"])["providers"].iloc[0])
    base = adopting(r["baseline"], kind) + 1.0 / n
    return (adopting(r["flexible"], kind) + 1.0 / n) / base - 1.0


# -- the facts -----------------------------------------------------------------------


@dataclass(frozen=True)
class FactCheck:
    """One testable statement: metric per replication, expected band or direction."""

    fact: int
    label: str
    statement: str
    source: str
    metric: str
    variants: tuple[str, ...]
    measure: Callable[[Results], np.ndarray]
    check: Check
    group: str = "evidence"

    @property
    def evidence(self) -> bool:
        """Whether the check is evidence about the real world, not a verification of the rules."""
        return self.group == "evidence"


#: The label of the checks that hold by construction.
VERIFICATION = "verification"
#: How the table labels the verification checks.
VERIFICATION_LABEL = "verification, not evidence"


FACTS: tuple[FactCheck, ...] = (
    FactCheck(
        1,
        "1",
        "Most innovations stay local and time-limited; few spread widely",
        "Malley and Holder 2024",
        "share of innovations at scale after 10 years",
        ("baseline",),
        lambda r: figure(r["baseline"], "share_at_scale"),
        Band(0.02, 0.35),
    ),
    FactCheck(
        2,
        "2",
        "Abandonment spikes in the months after grants end",
        "Shediac-Rizkallah and Bone 1998; Social Finance 2024",
        "abandonments per month within 3 months of grant ends / other months",
        ("baseline",),
        lambda r: abandonment_spike(r["baseline"]),
        AtLeast(2.0),
        group=VERIFICATION,  # a whole call cohort reaches its cliff in the same month
    ),
    FactCheck(
        3,
        "3a",
        "Sustainment is often partial",
        "Scheirer 2005",
        "share of sustaining sites running a cut-down version",
        ("baseline",),
        lambda r: figure(r["baseline"], "partial_share_of_sustained"),
        Band(0.1, 0.6),
    ),
    FactCheck(
        3,
        "3b",
        "Many former pilot sites keep something",
        "Scheirer 2005",
        "share of pilots reaching their decision that keep something",
        ("baseline",),
        lambda r: kept_share(r["baseline"]),
        Band(0.2, 0.8),
    ),
    FactCheck(
        4,
        "4",
        "Longer funding beats short funding on sustained adoption at equal total budget",
        "Mann et al. 2022 and Evans 2024",
        "final sustained share sector-wide at 10 years: five calls of 60- minus 24-month grants",
        ("short_programme", "long_programme"),
        lambda r: share(r["long_programme"], "sustained") - share(r["short_programme"], "sustained"),
        AtLeast(0.0),
    ),
    FactCheck(
        4,
        "4b",
        "Longer funding beats short funding at equal money spent, sector-wide, after every grant has ended",
        "Mann et al. 2022 and Evans 2024",
        "sustained adopters sector-wide above no programme, per £m spent, at 10 years: 60- minus 24-month grants",
        ("no_programme", "short_fair", "long_fair"),
        lambda r: fair_difference(r, FAIR_MONTHS[0]),
        AtLeast(0.0),
    ),
    FactCheck(
        4,
        "4c",
        "...and still at 15 years",
        "Mann et al. 2022 and Evans 2024",
        "sustained adopters sector-wide above no programme, per £m spent, at 15 years: 60- minus 24-month grants",
        ("no_programme", "short_fair", "long_fair"),
        lambda r: fair_difference(r, FAIR_MONTHS[1]),
        AtLeast(0.0),
    ),
    FactCheck(
        5,
        "5a",
        "Cost-saving pressure tilts councils toward cost-saving innovations",
        "Malley and Holder 2024",
        "saving ratio of commissioned adopters: pressure 0.9 minus 0.2",
        ("low_pressure", "high_pressure"),
        lambda r: (
            weighted_saving(r["high_pressure"], "commissioned") - weighted_saving(r["low_pressure"], "commissioned")
        ),
        AtLeast(0.0),
        group=VERIFICATION,  # pressure weighs savings in councils' choice: true by the formula
    ),
    FactCheck(
        5,
        "5b",
        "Providers are less driven by savings than councils",
        "Malley and Holder 2024",
        "saving ratio of commissioned minus own-funded adopters",
        ("baseline",),
        lambda r: weighted_saving(r["baseline"], "commissioned") - weighted_saving(r["baseline"], "own_funded"),
        AtLeast(0.0),
        group=VERIFICATION,  # diffusion.provider_saving_weight < 1: true by the formula
    ),
    FactCheck(
        6,
        "6a",
        "Social innovations: wide coverage...",
        "Shared Lives Plus",
        f"share of councils reached by social innovations after {LONG_RUN_MONTHS // 12} years",
        ("long_run",),
        lambda r: coverage(r["long_run"], "social"),
        Band(0.5, 1.0),
    ),
    FactCheck(
        6,
        "6b",
        "...and shallow penetration",
        "Shared Lives Plus",
        f"share of providers sustaining social innovations after {LONG_RUN_MONTHS // 12} years",
        ("long_run",),
        lambda r: share(r["long_run"], "sustained", "social"),
        Band(0.0, 0.05),
    ),
    FactCheck(
        7,
        "7a",
        "Social and systems innovations take decades, not years",
        "Ordinary Life witness seminar",
        "median months for social and systems innovations to reach half the councils",
        ("long_run",),
        lambda r: months_to_councils(r["long_run"], ("social", "systems")),
        Band(120.0, float(LONG_RUN_MONTHS)),  # never reached (horizon + 1) fails: not censored
    ),
    FactCheck(
        7,
        "7b",
        "Business-model innovations get there sooner",
        "Malley and Holder 2024",
        "months to half the councils: social and systems minus business-model",
        ("long_run",),
        lambda r: (
            months_to_councils(r["long_run"], ("social", "systems"))
            - months_to_councils(r["long_run"], ("business_model",))
        ),
        AtLeast(0.0),
    ),
    FactCheck(
        8,
        "8a",
        "More regulatory flexibility speeds spread",
        "Malley and Holder 2024",
        "final adopting share of all innovations: flexibility 0.85 minus baseline",
        ("baseline", "flexible"),
        lambda r: adopting(r["flexible"]) - adopting(r["baseline"]),
        AtLeast(0.0),
    ),
    FactCheck(
        8,
        "8b",
        "...most for systems innovations",
        "Malley and Holder 2024",
        "relative gain in adopting share from flexibility: systems minus business-model",
        ("baseline", "flexible"),
        lambda r: relative_gain(r, "systems") - relative_gain(r, "business_model"),
        AtLeast(0.0),
    ),
    FactCheck(
        9,
        "9",
        "Peer influence outweighs external and research influence",
        "Boaz, Malley and Wittenberg 2023",
        "adopting share lost without peers minus lost without external and research channels",
        ("baseline", "no_peer", "no_external"),
        lambda r: (
            (adopting(r["baseline"]) - adopting(r["no_peer"])) - (adopting(r["baseline"]) - adopting(r["no_external"]))
        ),
        AtLeast(0.0),
    ),
    FactCheck(
        10,
        "10",
        "Higher organisational capability raises adoption",
        "SASCI survey 2023-24 and Mann et al. 2022",
        "final adopting share: capability 0.65 minus 0.35",
        ("low_capability", "high_capability"),
        lambda r: adopting(r["high_capability"]) - adopting(r["low_capability"]),
        AtLeast(0.0),
        group=VERIFICATION,  # capability raises the adoption chance: true by the formula
    ),
    FactCheck(
        11,
        "11a",
        "Complexity stalls adoption...",
        "Greenhalgh et al. 2017 (NASSS)",
        "final sustained share: complexity 0.1 minus 0.9",
        ("simple", "complex"),
        lambda r: share(r["simple"], "sustained") - share(r["complex"], "sustained"),
        AtLeast(0.0),
        group=VERIFICATION,  # complexity lowers the adoption chance: true by the formula
    ),
    FactCheck(
        11,
        "11b",
        "...and raises abandonment",
        "Greenhalgh et al. 2017 (NASSS)",
        "abandonments per pilot: complexity 0.9 minus 0.1",
        ("simple", "complex"),
        lambda r: abandonment_ratio(r["complex"]) - abandonment_ratio(r["simple"]),
        AtLeast(0.0),
        group=VERIFICATION,  # abandonment.complexity_multiplier: true by the formula
    ),
)
