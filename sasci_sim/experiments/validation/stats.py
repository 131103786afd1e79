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
        """The mean of per-replication values with its Student t 95% interval.

        Args:
            values: One value per replication; NaN and infinities are left out.

        Returns:
            The estimate; with one value the interval is infinite, with none everything is NaN.
        """
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
        """The estimate as text for the validation table.

        Args:
            digits: Significant digits.

        Returns:
            "mean [low, high]".
        """
        return f"{self.mean:.{digits}g} [{self.low:.{digits}g}, {self.high:.{digits}g}]"


@dataclass(frozen=True)
class Band:
    """The 95% interval of the mean lies inside [low, high]."""

    low: float
    high: float

    def passes(self, e: Estimate) -> bool:
        """Whether the estimate is inside the band.

        Args:
            e: The estimate.

        Returns:
            Whether its 95% interval lies inside the band (never with fewer than two values).
        """
        return e.n > 1 and self.low <= e.low and e.high <= self.high

    def text(self) -> str:
        """The band in words.

        Returns:
        The expectation in words, for the validation table.
        """
        return f"mean in [{self.low:g}, {self.high:g}] (95% CI inside)"


@dataclass(frozen=True)
class AtLeast:
    """The mean exceeds ``threshold`` by more than three standard errors."""

    threshold: float = 0.0

    def passes(self, e: Estimate) -> bool:
        """Whether the estimate clearly exceeds the threshold.

        Args:
            e: The estimate.

        Returns:
            Whether its mean exceeds the threshold by more than three standard errors.
        """
        return e.n > 1 and e.mean - 3.0 * e.se > self.threshold

    def text(self) -> str:
        """The threshold in words.

        Returns:
        The expectation in words, for the validation table.
        """
        return f"mean > {self.threshold:g} by > 3 SE"


Check = Band | AtLeast
