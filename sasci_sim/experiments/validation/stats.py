"""Statistical tests over replications for the stylised-fact checks.

Each check turns one value per replication into a verdict. Differences between
scenario variants are paired (common random numbers), so the standard error is
that of the paired differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """Mean of per-replication values with its standard error and 95% interval."""

    mean: float
    se: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: np.ndarray) -> Estimate:
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        n = v.size
        if n == 0:
            return cls(float("nan"), float("nan"), float("nan"), float("nan"), 0)
        mean = float(v.mean())
        se = float(v.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
        half = float(stats.t.ppf(0.975, n - 1)) * se if n > 1 else float("inf")
        return cls(mean, se, mean - half, mean + half, n)

    def text(self, digits: int = 3) -> str:
        return f"{self.mean:.{digits}g} [{self.low:.{digits}g}, {self.high:.{digits}g}]"


@dataclass(frozen=True)
class Band:
    """The 95% interval of the mean lies inside [low, high]."""

    low: float
    high: float

    def passes(self, e: Estimate) -> bool:
        return e.n > 1 and self.low <= e.low and e.high <= self.high

    def text(self) -> str:
        return f"mean in [{self.low:g}, {self.high:g}] (95% CI inside)"


@dataclass(frozen=True)
class AtLeast:
    """The mean exceeds ``threshold`` by more than three standard errors."""

    threshold: float = 0.0

    def passes(self, e: Estimate) -> bool:
        return e.n > 1 and e.mean - 3.0 * e.se > self.threshold

    def text(self) -> str:
        return f"mean > {self.threshold:g} by > 3 SE"


Check = Band | AtLeast
