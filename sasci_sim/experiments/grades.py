"""Honest evidence grades: which assumption-grade parameters a finding's difference depends on.

A finding's grade is the weakest grade among the parameters and mechanisms its difference
depends on, not only the grade of the lever that differs between its scenarios (docs/ODD.md,
section 6.2). The dependence is found by a paired perturbation: each assumption-grade parameter
in turn is moved down and up by ``factor`` of its value in *every* scenario of the comparison at
once, the scenarios are rerun with the same seeds (common random numbers), and the finding's
verdict (higher, lower, or no clear difference, from the paired interval of its figure against the
scenario it is set against) is recomputed. A parameter whose perturbation changes the verdict
decides the finding: the finding leans on it, so its grade becomes "assumption"; a council-budget
parameter that decides it is named as such.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import annotated_types
import numpy as np

from sasci_sim.analysis.intervals import paired_difference
from sasci_sim.config.diff import describe, weakest
from sasci_sim.config.loader import validate
from sasci_sim.config.paramtable import rows
from sasci_sim.config.schema import Innovation, Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.compare import reference_for, with_added_per_m_spent
from sasci_sim.output.results import Comparison, Finding, RunResult

#: Relative size of each perturbation (down to 1 - factor and up to 1 + factor of the value).
FACTOR = 0.5
#: Settings that define the experiment or its outcomes, not the model's mechanisms: never perturbed.
NOT_MECHANISMS = (
    "simulation.",
    "scale.",
    "funding.first_call_month",
    "funding.last_call_month",
    "funding.evaluation_months",
    "funding.funders[].",
    "innovations[].launch_month",
)
#: Council-budget assumptions (issue 13: one that decides a finding makes it "assumption").
BUDGET_KEYS = frozenset(
    {
        "local_authorities.commissioning_budget_k_per_provider_month",
        "local_authorities.budget_cut_at_full_pressure",
        "local_authorities.cashable_saving_share",
        "local_authorities.settlement_sd",
        "local_authorities.settlement_national_share",
        "local_authorities.overspend_pressure_rise",
        "local_authorities.savings_reinvestment_share",
    }
)


@dataclass(frozen=True)
class Decision:
    """A parameter whose perturbation changed a finding's verdict."""

    scenario: str
    figure: str
    parameter: str
    factor: float  # the multiplier applied to the parameter
    verdict: str  # the finding's verdict at the scenario's values
    perturbed: str  # its verdict with the parameter multiplied by ``factor``


def _get(data: dict[str, Any], key: str) -> list[Any]:
    """The values of a dotted key in a scenario mapping (one per innovation for ``innovations[].x``)."""
    if key.startswith("innovations[]."):
        name = key.removeprefix("innovations[].")
        return [inn[name] for inn in data["innovations"]]
    section, name = key.split(".", 1)
    return [data[section][name]]


def _set(data: dict[str, Any], key: str, values: list[Any]) -> None:
    if key.startswith("innovations[]."):
        name = key.removeprefix("innovations[].")
        for inn, v in zip(data["innovations"], values, strict=True):
            inn[name] = v
        return
    section, name = key.split(".", 1)
    data[section][name] = values[0]


def bounds(key: str) -> tuple[float, float]:
    """The allowed range of a parameter (lower, upper), from its schema field.

    Args:
        key: A dotted key of the parameter table (``section.name`` or ``innovations[].name``).

    Returns:
        (lower bound, upper bound); an exclusive lower bound is returned as itself (values are kept above it).
    """
    if key.startswith("innovations[]."):
        field = Innovation.model_fields[key.removeprefix("innovations[].")]
    else:
        section, name = key.split(".", 1)
        model = Scenario.model_fields[section].annotation
        field = model.model_fields[name]  # type: ignore[union-attr]
    low, high = -np.inf, np.inf
    for meta in field.metadata:
        if isinstance(meta, annotated_types.Ge | annotated_types.Gt):
            low = float(meta.ge if isinstance(meta, annotated_types.Ge) else meta.gt)
        if isinstance(meta, annotated_types.Le):
            high = float(meta.le)
    return low, high


def assumption_parameters(scenario: Scenario) -> list[str]:
    """Assumption-grade numeric parameters of the model's mechanisms that are not 0 in the scenario.

    A parameter at 0 switches its mechanism off; multiplying it changes nothing, so it is not probed.

    Args:
        scenario: The scenario whose values are probed.

    Returns:
        Dotted keys, in the order of the parameter table.
    """
    data = scenario.model_dump()
    out = []
    for row in rows():
        key = row["key"]
        listed = "[]" in key and not key.startswith("innovations[].")  # per item of a list section
        # the declared grade: a calibrated default was an assumption the anchors may not have narrowed
        if row["declared_grade"] != "assumption" or key.startswith(NOT_MECHANISMS) or key.count(".") != 1 or listed:
            continue
        values = _get(data, key)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values) and any(values):
            out.append(key)
    return out


def perturb(scenario: Scenario, key: str, factor: float) -> Scenario | None:
    """The scenario with a parameter multiplied by ``factor`` (kept in range; whole numbers rounded).

    Args:
        scenario: The scenario.
        key: A dotted key from ``assumption_parameters``.
        factor: The multiplier.

    Returns:
        The validated scenario, or None if the perturbed scenario is not valid (e.g. a proof time
        pushed below its bedding-in) or nothing changed.
    """
    data = scenario.model_dump()
    old = _get(data, key)
    low, high = bounds(key)
    new = [
        type(v)(min(max(v * factor, low), high)) if isinstance(v, float) else round(min(max(v * factor, low), high))
        for v in old
    ]
    if new == old:
        return None
    _set(data, key, new)
    try:
        return validate(data, f"perturbation {key} x{factor:g}")
    except InputError:
        return None


def verdict(x: np.ndarray, base: np.ndarray) -> str:
    """The direction of x against base: higher, lower or unclear from their paired interval.

    Args:
        x: One figure per replication.
        base: The same figure of the reference, paired by replication.

    Returns:
        "higher", "lower", "unclear", or "undetermined" when there is no interval.
    """
    d = paired_difference(x, base)
    if d.low is None or d.high is None:
        return "undetermined"
    if d.low > 0:
        return "higher"
    if d.high < 0:
        return "lower"
    return "unclear"


def verdicts(results: Sequence[RunResult], findings: Sequence[Finding]) -> dict[tuple[str, str], str]:
    """Each finding's verdict: its figure in its scenario against the run it is set against, paired.

    Args:
        results: The comparison's runs (with added per-£m columns, see ``with_added_per_m_spent``).
        findings: The findings to judge.

    Returns:
        {(scenario, figure): verdict}.
    """
    by_name = {r.scenario.name: r for r in results}
    out = {}
    for f in findings:
        res, ref = by_name[f.scenario], reference_for(results, f.figure)
        if f.figure not in res.runs or f.figure not in ref.runs:
            continue
        merged = res.runs[["replication", f.figure]].merge(
            ref.runs[["replication", f.figure]], on="replication", suffixes=("", "_r")
        )
        out[(f.scenario, f.figure)] = verdict(merged[f.figure].to_numpy(float), merged[f"{f.figure}_r"].to_numpy(float))
    return out


def probe(
    comparison: Comparison,
    run: Callable[[Scenario], RunResult],
    *,
    factor: float = FACTOR,
    keys: Sequence[str] | None = None,
    on_done: Callable[[str, float], None] | None = None,
) -> list[Decision]:
    """Perturb each assumption-grade parameter in every scenario at once and record changed verdicts.

    Args:
        comparison: A comparison (its runs share seeds).
        run: Runs one scenario with the comparison's replications and seed.
        factor: Relative size of the perturbation (down and up).
        keys: Parameters to probe (default: ``assumption_parameters`` of the first scenario).
        on_done: Called with (parameter, multiplier) after each perturbed rerun.

    Returns:
        One Decision per (finding, parameter, multiplier) whose verdict changed.
    """
    base = verdicts(with_added_per_m_spent(comparison.results), comparison.findings)
    decisions = []
    for key in keys if keys is not None else assumption_parameters(comparison.results[0].scenario):
        for multiplier in (1.0 - factor, 1.0 + factor):
            scenarios = [perturb(r.scenario, key, multiplier) for r in comparison.results]
            if any(s is None for s in scenarios):
                continue
            results = with_added_per_m_spent([run(s) for s in scenarios if s is not None])
            for (name, fig), v in verdicts(results, comparison.findings).items():
                if (name, fig) in base and v != base[(name, fig)]:
                    decisions.append(Decision(name, fig, key, multiplier, base[(name, fig)], v))
            if on_done is not None:
                on_done(key, multiplier)
    return decisions


def regrade(findings: Sequence[Finding], decisions: Sequence[Decision]) -> list[Finding]:
    """Findings with the parameters that decide them added to what they lean on, and their grade lowered.

    Args:
        findings: The comparison's findings.
        decisions: What ``probe`` found.

    Returns:
        The findings, each leaning also on every parameter that changed its verdict (a council-budget
        one named "(council budget)"), graded by the weakest grade among all it leans on.
    """
    out = []
    for f in findings:
        deciding = sorted({d.parameter for d in decisions if (d.scenario, d.figure) == (f.scenario, f.figure)})
        extra = tuple((f"{key} (council budget)" if key in BUDGET_KEYS else key, describe(key)[1]) for key in deciding)
        leans = f.leans_on + extra
        grade = weakest([g for _, g in leans]) or "ungraded"
        out.append(Finding(f.text, f.scenario, f.figure, leans, grade))
    return out
