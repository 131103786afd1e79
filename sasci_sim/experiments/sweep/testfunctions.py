"""Functions with known sensitivity indices, to check the sweep and analysis pipeline end to end.

An experiment with ``model: sasci_sim.experiments.sweep.testfunctions:ishigami`` and parameters
``x1, x2, x3`` uniform on [-pi, pi] must give back the analytic Sobol indices
below (Ishigami and Homma 1990; Saltelli et al. 2008, section 4.6): if it does
not, the design, the store or the analysis is wrong, not the model.
"""

from __future__ import annotations

import math

from sasci_sim.experiments.sweep.models import sweep_model

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


@sweep_model
def ishigami(x1: float, x2: float, x3: float, seed: int | None = None) -> dict[str, float]:
    """The Ishigami function, y = sin x1 + a sin^2 x2 + b x3^4 sin x1 (deterministic: ``seed`` is ignored).

    Args:
        x1: First input, usually in [-pi, pi].
        x2: Second input.
        x3: Third input.
        seed: Accepted, as the sweep passes one to every model.

    Returns:
        {"y": value}.
    """
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"y": y}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, dict[str, float]]:
    """Analytic first-order (S1) and total (ST) indices of the Ishigami function.

    Args:
        a: The function's a.
        b: The function's b.

    Returns:
        {"S1": {...}, "ST": {...}} per input.
    """
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)  # the x1-x3 interaction
    total = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / total, "x2": v2 / total, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total},
    }
