"""The page's sliders and switches: SolaraViz ``model_params`` that start at a picker entry's values.

Every key is a keyword of :class:`~sasci_sim.ui.dashboard.model.LessonModel` (a lever of
``sasci_sim.config.schema.LEVERS``, the seed, or the fixed ``lesson``), so SolaraViz's Reset can
rebuild the model from them. Ranges are the teaching ranges, widened if a scenario goes beyond.
"""

from __future__ import annotations

from typing import Any

from sasci_sim.ui.dashboard.catalogue import Entry
from sasci_sim.ui.dashboard.model import is_joint_fund_only

#: The page runs at most this many providers (a step then renders well under a second).
TEACHING_MAX_PROVIDERS = 1000
MAX_COUNCILS = 40


def _slider_float(label: str, value: float, top: float = 1.0, step: float = 0.05) -> dict[str, Any]:
    return {
        "type": "SliderFloat",
        "label": label,
        "value": float(value),
        "min": 0.0,
        "max": max(top, value),
        "step": step,
    }


def model_params(entry: Entry) -> dict[str, Any]:
    """SolaraViz model_params for an entry: its lever values as the starting positions.

    Args:
        entry: The picker entry.

    Returns:
        Lever name -> SolaraViz slider, switch or fixed value.
    """
    s = entry.scenario
    grant = s.funding.grant_duration_months
    return {
        "lesson": entry,
        "grant_duration_months": {
            "type": "SliderInt",
            "label": "Grant length (months)",
            "value": grant,
            "min": 6,
            "max": max(120, grant),
            "step": 6,
        },
        "joint_funding": {
            "type": "Checkbox",
            "label": "Long-term joint health and social care fund through pooled budgets (pays double running)",
            "value": is_joint_fund_only(s),
        },
        "regulatory_flexibility": _slider_float(
            "Regulatory flexibility (0 rigid, 1 flexible)", s.regulation.flexibility
        ),
        "cost_saving_pressure": _slider_float(
            "Cost-saving pressure on councils", s.local_authorities.cost_saving_pressure
        ),
        "evidence_role": _slider_float("Role of research evidence", s.research.evidence_role),
        "peer_influence": _slider_float("Peer influence (per month)", s.diffusion.peer_influence),
        "n_providers": {
            "type": "SliderInt",
            "label": f"Providers (teaching size, at most {TEACHING_MAX_PROVIDERS:,})",
            "value": min(s.population.providers, TEACHING_MAX_PROVIDERS),
            "min": 50,
            "max": TEACHING_MAX_PROVIDERS,
            "step": 50,
        },
        "n_local_authorities": {
            "type": "SliderInt",
            "label": "Council areas",
            "value": min(s.population.local_authorities, MAX_COUNCILS),
            "min": 1,
            "max": MAX_COUNCILS,
            "step": 1,
        },
        "rng": {"type": "InputText", "label": "Seed (empty: the scenario's own)", "value": str(s.simulation.seed)},
    }


def shown_value(spec: dict[str, Any], value: Any) -> str:
    """A control's value as the page shows it beside its label: 24, 0.30, on, the seed's text.

    Args:
        spec: The control's entry in :func:`model_params`.
        value: Its current value.

    Returns:
        The value in words.
    """
    kind = spec["type"]
    if kind == "SliderFloat":
        return f"{float(value):.2f}"
    if kind == "SliderInt":
        return f"{int(value):,}"
    if kind == "Checkbox":
        return "on" if value else "off"
    return str(value) if str(value).strip() else "the scenario's own"


def initial_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The keywords SolaraViz would pass on Reset before anything is moved: fixed values and starting positions.

    Args:
        params: The ``model_params`` of an entry.

    Returns:
        Keyword arguments for ``LessonModel``.
    """
    return {k: (v["value"] if isinstance(v, dict) and "type" in v else v) for k, v in params.items()}
