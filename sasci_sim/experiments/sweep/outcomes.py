"""What a sweep records per run: summary figures by name, and spread-curve values at chosen months.

An experiment's ``outcomes`` list holds summary-figure names (those of
``sasci_sim.analysis.summary.summarise_run``) and curve points such as
``{curve: sustained_curve, steps: [24, 60]}``, recorded as
``sustained_at_month_24`` and ``sustained_at_month_60``.
"""

from __future__ import annotations

from typing import Any

from sasci_sim.config.loader import apply_override, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.simulate import CURVES, run_outcomes


def curve_point_name(curve: str, step: int) -> str:
    """Column name of a curve's value at one month.

    Args:
        curve: A curve name (``sustained_curve``).
        step: The month.

    Returns:
        For example ``sustained_at_month_60``.
    """
    return f"{curve.removesuffix('_curve')}_at_month_{step}"


def summary_figure_names(base: Scenario) -> list[str]:
    """The summary figures a run of ``base`` reports, found by running one tiny month of it.

    The names depend on the portfolio (one figure per innovation kind present), so the
    base's own innovations are kept and only the population and length are shrunk.

    Args:
        base: The base scenario.

    Returns:
        The names of the scalar summary figures.
    """
    data = base.model_dump()
    for key, value in (
        ("simulation.steps", 1),
        ("population.providers", min(base.population.providers, 50)),
        ("population.local_authorities", min(base.population.local_authorities, 5)),
    ):
        data = apply_override(data, key, value)
    tiny = validate(data, "summary figures")
    return [name for name, value in run_outcomes(tiny, seed=0).items() if name not in CURVES and _scalar(value)]


def _scalar(value: Any) -> bool:
    return isinstance(value, int | float)
