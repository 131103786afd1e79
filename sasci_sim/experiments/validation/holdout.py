"""Hold-out validation: each anchor not used to calibrate, predicted from the shipped posterior.

``validate`` draws a few parameter sets from the posterior that ships with the package
(``sasci_sim/data/posterior/``, written by ``sasci-sim calibrate``), runs each anchor's
historical scenario once per draw (anchors that share a scenario share its runs), and
reports the model's 90% interval beside the observed value: PASS when the interval meets
the observation (its value, or its interval), FAIL otherwise. Hold-out anchors never
entered the calibration's distance or the choice of defaults; checks of the set-up and
inputs are reported beside them, labelled, and are not evidence. Anchors the model cannot
compute (blocked) or without a figure (pending) are listed with the reason, never hidden.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sasci_sim.analysis.anchors import measure
from sasci_sim.analysis.draws import predictive_quantiles
from sasci_sim.config.anchors import Anchor, load_anchors, scenario_file
from sasci_sim.config.loader import load_scenario
from sasci_sim.experiments.replications import run_many
from sasci_sim.experiments.uncertainty.posterior import (
    draw_keys,
    draw_parameters,
    load_posterior,
    posterior_path,
    with_draw,
)
from sasci_sim.seeds import derive_seed

#: The central interval reported: 5th to 95th percentile of the draws.
TAILS = (0.05, 0.95)
#: Draws from the posterior by default: enough for a rough 90% interval, affordable in validate.
DEFAULT_DRAWS = 20
#: The uses predicted, in the order shown: evidence first, then checks of the set-up and inputs.
PREDICTED_USES = ("holdout", "check", "input")
#: Draws whose runs of a scenario are stepped together (ODD 7.19); the values do not depend on it.
DRAWS_PER_BATCH = 8
#: Seed of the draws and their runs (fixed, so that validate is reproducible).
SEED = 20261201


@dataclass(frozen=True)
class AnchorPrediction:
    """One anchor against the posterior predictive interval.

    Attributes:
        anchor: The anchor.
        values: The anchor's value in each draw's run (empty when not predicted; NaN where the
            metric is undefined, +inf where the event it times is never reached).
        low: The 5th percentile of the values, never-reached draws included (NaN if none).
        high: The 95th percentile of the values, never-reached draws included (NaN if none).
        reason: Why it was not predicted (blocked, pending), or "" when it was.
    """

    anchor: Anchor
    values: np.ndarray
    low: float
    high: float
    reason: str = ""

    @property
    def predicted(self) -> bool:
        """Whether the model produced a value for it."""
        return not self.reason

    @property
    def undefined(self) -> int:
        """Draws in which the metric gave no number (no programme counted, say)."""
        return int(np.isnan(self.values).sum())

    @property
    def never(self) -> int:
        """Draws in which the event the anchor times is never reached within the horizon (+inf)."""
        return int(np.isposinf(self.values).sum())

    @property
    def passed(self) -> bool:
        """The model's 90% interval meets the observation (False when no draw gave a value)."""
        return self.predicted and not math.isnan(self.low) and self.anchor.covers(self.low, self.high)

    @property
    def verdict(self) -> str:
        """PASS, FAIL, or "not run" for an anchor the model cannot compute."""
        if not self.predicted:
            return "not run"
        return "PASS" if self.passed else "FAIL"

    @property
    def evidence(self) -> bool:
        """Only a hold-out anchor is evidence; a check or an input is not."""
        return self.anchor.use == "holdout"


def number(x: float) -> str:
    """A figure as printed: three significant digits, thousands in full (42,600, not 4.26e+04).

    Args:
        x: The figure (+inf, a time never reached, prints as "never").

    Returns:
        The text.
    """
    if math.isinf(x) and x > 0:
        return "never"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def observed_text(anchor: Anchor) -> str:
    """The observation as printed: its value, or its interval.

    Args:
        anchor: The anchor.

    Returns:
        Text such as ``0.82`` or ``0.8-1``; "pending" without a figure.
    """
    if anchor.interval is not None:
        return f"{number(anchor.interval[0])}-{number(anchor.interval[1])}"
    if anchor.value is not None:
        return number(anchor.value)
    return "pending"


def not_run(anchor: Anchor) -> str:
    """Why an anchor is not predicted, in full (its ``blocked_on``), or "" when it is ready.

    Args:
        anchor: The anchor.

    Returns:
        The reason.
    """
    if anchor.status == "blocked":
        return f"blocked: {anchor.blocked_on}"
    if anchor.status == "figure_pending":
        return "figure pending: no value entered (none invented)"
    return ""


def predict_anchors(
    draws: int = DEFAULT_DRAWS,
    *,
    posterior: str | Path | None = None,
    on_draw: Callable[[], None] | None = None,
) -> list[AnchorPrediction]:
    """Predict every hold-out, check and input anchor from the posterior.

    Args:
        draws: Parameter sets drawn from the posterior.
        posterior: A calibration folder or posterior file; the shipped posterior when None.
        on_draw: Called after each draw's runs (a progress bar).

    Returns:
        One prediction per anchor of those uses, in the anchors file's order within each use.

    Raises:
        InputError: No posterior ships (and none was given), or it does not fit the scenarios.
    """
    path = posterior_path(None if posterior is None else Path(posterior))
    table = load_posterior(path)
    parameters = draw_parameters(table, draws, SEED)
    anchors = [a for use in PREDICTED_USES for a in load_anchors().values() if a.use == use]
    ready = [a for a in anchors if a.status == "ready"]
    # at each scenario's own size: the anchor metrics depend on it (experiments/calibrate_anchors.yaml)
    scenarios = {a.scenario: load_scenario(scenario_file(a)) for a in ready}
    keys = {name: draw_keys(parameters, sc, path) for name, sc in scenarios.items()}
    values: dict[str, list[float]] = {a.id: [] for a in ready}
    rows = list(parameters.iterrows())
    for first in range(0, len(rows), DRAWS_PER_BATCH):  # a chunk of draws' runs of a scenario stepped together
        chunk = rows[first : first + DRAWS_PER_BATCH]
        seeds = [derive_seed(SEED, int(i)) for i, _ in chunk]
        for name, scenario in scenarios.items():
            drawn = [with_draw(scenario, keys[name], row) for _, row in chunk]
            for run, (spread, money, _) in zip(drawn, run_many(drawn, seeds), strict=True):
                for anchor in ready:
                    if anchor.scenario == name:
                        values[anchor.id].append(measure(anchor, spread, money, run))
        if on_draw is not None:
            for _ in chunk:
                on_draw()
    out = []
    for anchor in anchors:
        if anchor.status != "ready":
            out.append(AnchorPrediction(anchor, np.empty(0), np.nan, np.nan, not_run(anchor)))
            continue
        got = np.asarray(values[anchor.id], dtype=float)
        low, high = predictive_quantiles(got, TAILS)  # never-reached draws count: nothing is censored
        out.append(AnchorPrediction(anchor, got, low, high))
    return out
