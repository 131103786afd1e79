"""Whether a teaching lesson's claim holds over the posterior: in at least 90% of plausible parameter sets.

A lesson claims a direction ("long-term joint funding sustains more than short grants").
The check runs the lesson's scenario and the one it is set against under the same
posterior draws (common seeds within a draw) and counts the draws whose mean paired
difference points the claimed way. The teaching page calls ``check_claim`` and shows
``ClaimCheck.words``: a claim holding in fewer than 90% of draws is said to be uncertain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from sasci_sim.analysis.draws import draw_means
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.replications import run_replications
from sasci_sim.experiments.uncertainty.decisions import paired_table
from sasci_sim.experiments.uncertainty.posterior import draw_parameters, load_posterior, posterior_path
from sasci_sim.experiments.uncertainty.runs import run_over_draws
from sasci_sim.output.results import RunResult
from sasci_sim.output.uncertainty_report import ROBUST
from sasci_sim.output.wording import figure, scenario_title


@dataclass(frozen=True)
class ClaimCheck:
    """How often a lesson's claim held over the draws."""

    lesson: str
    against: str
    figure: str
    direction: Literal["more", "less"]
    share: float  # share of draws in which the claimed direction held
    draws: int

    @property
    def holds(self) -> bool:
        """Whether the claim held in at least ``ROBUST`` of the draws."""
        return self.share >= ROBUST

    @property
    def words(self) -> str:
        """The check as the page says it.

        Returns:
            One sentence: robust, or uncertain with how often it held.
        """
        what = figure(self.figure).label.lower()
        claim = f"{scenario_title(self.lesson)} gives {self.direction} {what} than {scenario_title(self.against)}"
        held = f"in {self.share:.0%} of {self.draws} plausible parameter sets"
        return f"{claim}: this holds {held}." if self.holds else f"Uncertain: {claim} only {held}."


def check_claim(
    lesson: Scenario,
    against: Scenario,
    key: str,
    direction: Literal["more", "less"],
    out: Path,
    *,
    draws: int = 50,
    replications: int = 2,
    posterior: Path | None = None,
    workers: int = 1,
    runner: Callable[[Scenario], RunResult] = run_replications,
    on_done: Callable[[], None] | None = None,
) -> ClaimCheck:
    """Run the lesson and its reference over posterior draws and count the draws where the claim holds.

    Args:
        lesson: The lesson's scenario.
        against: The scenario the claim compares it with.
        key: The summary figure the claim is about.
        direction: Whether the lesson claims more or less of it.
        out: Where draw runs are kept (and reused).
        draws: Parameter sets.
        replications: Seeds per draw.
        posterior: A calibrate output folder; None for the shipped posterior.
        workers: Processes running draw runs at once.
        runner: How to run a resolved scenario (tests pass stand-ins).
        on_done: Called after each (draw, scenario) run is ready (progress).

    Returns:
        The check.

    Raises:
        InputError: Without a posterior.
    """
    table = draw_parameters(load_posterior(posterior_path(posterior)), draws, lesson.simulation.seed)
    runs = run_over_draws(
        [against, lesson],
        table,
        out,
        replications=replications,
        seed=lesson.simulation.seed,
        workers=workers,
        runner=runner,
        on_done=on_done,
    )
    means = draw_means(paired_table(runs.pooled[1].runs, runs.pooled[0].runs, key, replications))
    sign = 1.0 if direction == "more" else -1.0
    return ClaimCheck(lesson.name, against.name, key, direction, float(np.mean(np.sign(means) == sign)), len(means))
