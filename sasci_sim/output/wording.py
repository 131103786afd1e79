"""Words for numbers: what each summary figure means and how to print its values.

The summary figures come from ``sasci_sim.analysis.summary.summarise_run``; a figure not
described here is still shown, under its own key, so new figures are never lost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

import yaml

from sasci_sim.config.schema import KINDS, Scenario

Unit = Literal["share", "count", "months", "money"]
#: How a change is said: countable things are more/fewer, amounts higher/lower, times longer/shorter.
Measure = Literal["countable", "amount", "duration"]
#: Which direction of a figure is good news for care: "up", "down", or "" where it depends (money spent).
Better = Literal["up", "down", ""]

KIND_WORDS = {"business_model": "business-model", "systems": "systems", "social": "social"}


@dataclass(frozen=True)
class Figure:
    """How a summary figure is said in tables and sentences.

    Attributes:
        label: What the number is, for tables.
        unit: How its values are printed.
        measure: How a change is said (more/fewer, higher/lower, longer/shorter).
        noun: The subject of a sentence about it ("providers", "pilots"); empty when it has none.
        predicate: What follows the noun in a sentence, with ``{period}`` for the run's length.
        verb: The verb for amounts ("is", "are").
    """

    label: str  # for tables: what the number is
    unit: Unit
    measure: Measure = "countable"
    noun: str = ""  # for sentences: "providers", "pilots", "council spending on running innovations"
    predicate: str = ""  # for sentences, after the noun: "sustain the average innovation after {period}"
    verb: str = "is"  # for amounts: "council spending is", "council savings are"
    better: Better = ""  # which direction is good news


def better_words(fig: Figure) -> str:
    """'higher is better', 'fewer is better' or '' for a figure, in the words of its measure.

    Args:
        fig: The figure's description.

    Returns:
        The phrase, or "" when neither direction is plainly good (money spent, say).
    """
    if not fig.better:
        return ""
    words = {"countable": ("more", "fewer"), "amount": ("higher", "lower"), "duration": ("longer", "shorter")}
    up, down = words[fig.measure]
    if fig.unit == "share" and fig.measure == "countable":
        up, down = "higher", "lower"
    return f"{up if fig.better == 'up' else down} is better"


def _kinds() -> dict[str, Figure]:
    out = {}
    for kind in KINDS:
        words = KIND_WORDS[kind]
        out[f"final_sustained_share_{kind}"] = Figure(
            f"Providers sustaining the average {words} innovation at the end",
            "share",
            noun="providers",
            predicate=f"sustain the average {words} innovation after {{period}}",
            better="up",
        )
        out[f"councils_reached_share_{kind}"] = Figure(
            f"Councils with a sustained adopter of the average {words} innovation at the end", "share", better="up"
        )
    return out


FIGURES: dict[str, Figure] = {
    "final_sustained_share": Figure(
        "Providers sustaining the average innovation at the end",
        "share",
        noun="providers",
        predicate="sustain the average innovation after {period}",
        better="up",
    ),
    "final_adopting_share": Figure(
        "Providers piloting or sustaining the average innovation at the end", "share", better="up"
    ),
    "peak_piloting_share": Figure("Peak share of providers piloting the average innovation", "share"),
    "share_at_scale": Figure(
        "Innovations at scale at the end",
        "share",
        noun="innovations",
        predicate="are at scale after {period}",
        better="up",
    ),
    "share_reaching_10pct": Figure("Innovations ever piloted or sustained by 10% of providers", "share", better="up"),
    "months_to_10pct": Figure(
        "Months for an innovation to reach 10% of providers (those that do)", "months", "duration", better="down"
    ),
    "months_to_50pct": Figure(
        "Months for an innovation to reach 50% of providers (those that do)", "months", "duration", better="down"
    ),
    "pilots_abandoned_at_grant_end": Figure(
        "Pilots abandoned when their grant ended",
        "count",
        noun="pilots",
        predicate="are abandoned when their grant ends",
        better="down",
    ),
    "pilots_given_up_waiting": Figure(
        "Pilots given up while waiting for approval and compliance (rigid rules)",
        "count",
        noun="pilots",
        predicate="are given up while waiting for approval",
        better="down",
    ),
    "share_of_grants_lost_at_cliff": Figure(
        "Grants whose pilot was abandoned at the funding cliff", "share", better="down"
    ),
    "ever_abandoned_share": Figure(
        "Providers that ever abandoned the average innovation",
        "share",
        noun="providers",
        predicate="abandon the average innovation at some point in {period}",
        better="down",
    ),
    "partial_share_of_sustained": Figure("Sustained adopters keeping only a cut-down version", "share"),
    "councils_reached_share": Figure(
        "Councils with a sustained adopter of the average innovation", "share", better="up"
    ),
    **_kinds(),
    "grants_awarded_k": Figure("Grants awarded over the run", "money", "amount", noun="grant money awarded"),
    "grants_spent_k": Figure("Grant money actually spent over the run", "money", "amount", noun="grant money spent"),
    "sustained_adopters": Figure(
        "Sustained adopters at the end (providers x innovations, sector-wide)",
        "count",
        noun="sustained adopters",
        predicate="are in place sector-wide after {period}",
    ),
    "joint_fund_spent_k": Figure(
        "Joint fund money actually spent over the run (through pooled budgets)",
        "money",
        "amount",
        noun="joint fund money spent",
    ),
    "money_spent_k": Figure(
        "Programme money actually spent over the run (grants, joint fund, national programmes)",
        "money",
        "amount",
        noun="programme money spent",
    ),
    "sustained_per_m_spent": Figure("Sustained adopters sector-wide per £m of programme money spent", "count"),
    "added_adopters_per_m_spent": Figure(
        "Sustained adopters added over no programme, per £m of programme money spent", "count"
    ),
    "sustained_share": Figure("Providers sustaining the average innovation", "share"),
    "councils_overspent_share": Figure("Councils overspending in the average year", "share"),
    "council_spend_k": Figure(
        "Council spending on running innovations over the run", "money", "amount", noun="council spending"
    ),
    "provider_spend_k": Figure(
        "Providers' own spending on innovations over the run", "money", "amount", noun="providers' own spending"
    ),
    "council_savings_k": Figure(
        "Council savings over the run", "money", "amount", noun="council savings", verb="are", better="up"
    ),
}


def figure(key: str) -> Figure:
    """The description of a summary figure (its key as label if it has none).

    A figure at an evaluation month (``<figure>_m<month>``) is described as its figure at that month.

    Args:
        key: The figure's key, as in runs.csv.

    Returns:
        Its description.
    """
    if key in FIGURES:
        return FIGURES[key]
    head, _, month = key.rpartition("_m")
    if month.isdigit() and head in FIGURES:
        base = FIGURES[head]
        label = base.label.replace(" over the run", "").replace(" at the end", "")
        return replace(base, label=f"{label} by month {month}", predicate="")
    return Figure(key.replace("_", " "), "count")


def ordered(keys: list[str]) -> list[str]:
    """Described figures in the order above, then any others in their own order.

    Args:
        keys: Figure keys.

    Returns:
        The same keys, in reading order.
    """
    known = [k for k in FIGURES if k in keys]
    return known + [k for k in keys if k not in FIGURES]


def value(x: float | None, unit: Unit) -> str:
    """A figure's value for people: 6.9%, 124, 73 months, £4.8m.

    Args:
        x: The value; None or NaN is "n/a".
        unit: The figure's unit.

    Returns:
        The value as text.
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if unit == "share":
        return f"{_percent(x * 100)}%"
    if unit == "months":
        return f"{x:.0f} months"
    if unit == "money":
        return f"£{x / 1000:.1f}m" if abs(x) >= 1000 else f"£{x:.0f}k"
    return f"{x:.0f}" if abs(x) >= 10 or x == int(x) else f"{x:.1f}"


def change(x: float | None, unit: Unit) -> str:
    """A signed difference: +1.2 points, -35, +4 months, +£0.3m.

    Args:
        x: The difference; None or NaN is "n/a".
        unit: The figure's unit (differences of shares are in points).

    Returns:
        The signed difference as text.
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if abs(x) < 1e-12:  # floating-point noise in a difference of equal sums
        x = 0.0
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    if unit == "share":
        return f"{sign}{_percent(abs(x) * 100)} points"
    return sign + value(abs(x), unit)


def _percent(p: float) -> str:
    """One decimal, or two significant digits below 1 (0.21, 0.043) so small shares still differ."""
    if p == 0 or abs(p) >= 0.995:
        return f"{p:.1f}"
    return f"{p:#.2g}" if abs(p) >= 1e-4 else f"{p:.1e}"


def period(steps: int) -> str:
    """10 years, 18 months.

    Args:
        steps: Months.

    Returns:
        Whole years as years, anything else as months.
    """
    if steps % 12 == 0:
        years = steps // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{steps} months"


def scenario_title(scenario: Scenario | str) -> str:
    """A scenario's title for people: its ``title:`` as written, else its name in words.

    Args:
        scenario: A scenario, or only its name (long_term_funding -> Long term funding).

    Returns:
        The title, punctuation kept.
    """
    if isinstance(scenario, Scenario):
        if scenario.title.strip():
            return scenario.title.strip()
        scenario = scenario.name
    words = scenario.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def setting(scenario: Scenario, key: str) -> str | None:
    """A setting of a scenario by dotted key (``funding.grant_duration_months``, ``innovations.0.benefit``) as text.

    Args:
        scenario: The resolved scenario.
        key: A dotted key as ``--set`` takes it.

    Returns:
        The value as YAML would write it (``0.3``, ``true``, ``[a, b]``), or None if the scenario has no such key.
    """
    node: Any = scenario.model_dump(mode="json")
    for part in key.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return yaml.safe_dump(node, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()
