"""The result types every layer above the model passes around: a run's tables, and a comparison.

They live at the bottom of ``output/`` so that experiments produce them and findings, plots and
reports read them without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sasci_sim.config.diff import LeverDiff
from sasci_sim.config.schema import Scenario


@dataclass(frozen=True)
class Finding:
    """One key finding as a sentence, with the levers it leans on and their weakest grade."""

    text: str
    scenario: str
    figure: str
    leans_on: tuple[tuple[str, str], ...]  # (lever, weakest grade of its settings or "ungraded")
    grade: str  # weakest grade among leans_on, or "ungraded"


@dataclass
class RunResult:
    """Everything a run of several replications produced."""

    scenario: Scenario
    seeds: list[int]
    spread: pd.DataFrame
    money: pd.DataFrame
    runs: pd.DataFrame  # one row of summary figures per replication
    summary: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Comparison:
    """The runs of a comparison (first scenario first) and what was learnt from them."""

    results: list[RunResult]
    sources: dict[str, str]  # scenario name -> "run" or the folder its results were reused from
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    levers: list[LeverDiff] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """The scenario names, first scenario first (the one the others are compared with)."""
        return [r.scenario.name for r in self.results]
