"""The result types every layer above the model passes around: a run's tables, and a comparison.

They live at the bottom of ``output/`` so that experiments produce them and findings, plots and
reports read them without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sasci_sim.config.diff import LeverDiff
from sasci_sim.config.loader import parse_override
from sasci_sim.config.schema import LEVERS, Scenario

#: Settings that change how big or long a run is, not what happens in it: like ``--steps`` and
#: ``--replications``, overriding them keeps the scenario's name and folder.
SIZE_KEYS = frozenset(
    {
        "simulation.steps",
        "simulation.replications",
        "simulation.seed",
        "population.providers",
        "population.local_authorities",
    }
)
#: Settings that only label a scenario.
LABELS = frozenset({"name", "title", "description"})


@dataclass(frozen=True)
class Origin:
    """How a run was asked for: the scenario file as given (None: the built-in baseline) and its overrides.

    Args:
        file: The scenario file as the user gave it, or None for the built-in baseline.
        overrides: Every ``--set KEY=VALUE`` in the order given.
        name: The ``--name`` given, if any.
    """

    file: str | None = None
    overrides: tuple[str, ...] = ()
    name: str | None = None

    def settings(self) -> dict[str, str]:
        """The overridden settings as full dotted keys (aliases resolved) -> the value as typed.

        Returns:
            One entry per key; a key set twice keeps its last value, as the loader does.
        """
        out: dict[str, str] = {}
        for text in self.overrides:
            key, _ = parse_override(text)
            out[LEVERS.get(key, key)] = text.partition("=")[2].strip()
        return out

    def levers(self) -> dict[str, str]:
        """The overridden settings that change what happens (not only the size of the run)."""
        return {k: v for k, v in self.settings().items() if k not in SIZE_KEYS | LABELS}


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
