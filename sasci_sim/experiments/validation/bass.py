"""The Bass limit: the model with every friction off against Bass (1969).

``recursion`` is the discrete Bass model F[t+1] = F[t] + (p + q F[t])(1 - F[t]);
``closed_form`` is the continuous solution F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
as in netdiffuseR's bass_F.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def recursion(p: float, q: float, steps: int, f0: float = 0.0) -> np.ndarray:
    """Discrete Bass adopted share for steps 0..steps.

    Args:
        p: External influence per month.
        q: Peer influence per month.
        steps: Months.
        f0: Share adopted at month 0.

    Returns:
        F[0..steps] from F[t+1] = F[t] + (p + q F[t]) (1 - F[t]).
    """
    f = np.empty(steps + 1)
    f[0] = f0
    for t in range(steps):
        f[t + 1] = f[t] + (p + q * f[t]) * (1.0 - f[t])
    return f


def closed_form(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """Continuous-time Bass adopted share at times t.

    Args:
        p: External influence.
        q: Peer influence.
        t: Times.

    Returns:
        F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t); zeros when p is 0.
    """
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e) if p > 0 else np.zeros_like(e)


def bass_scenario_path() -> Path:
    """The packaged Bass-limit scenario, sasci_sim/data/bass_limit.yaml.

    Returns:
        Its path.
    """
    return Path(__file__).resolve().parents[2] / "data" / "bass_limit.yaml"
