"""One run as a plain function: levers in, outcomes out (for EMA Workbench, SALib, sweeps).

``simulate(**levers)`` returns the summary figures of one replication (scalars) and
its spread curves (one value per month, averaged over the portfolio), so that
``ema_workbench.Model("sasci", function=simulate)`` or a SALib loop can drive the
model without knowing about scenarios, recorders or tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.replications import run_many, run_one
from sasci_sim.model.social_care import with_levers
from sasci_sim.seeds import derive_seed

#: Spread curves: a share per month (index = month), averaged over the innovations of the portfolio.
CURVES: dict[str, str] = {
    "aware_curve": "share of providers aware of an innovation but not using it",
    "piloting_curve": "share of providers piloting an innovation",
    "sustained_curve": "share of providers that have sustained an innovation",
    "adopting_curve": "share of providers piloting or sustaining an innovation",
    "abandoned_curve": "share of providers that have ever abandoned an innovation (cumulative)",
    "councils_reached_curve": "share of councils with a sustained adopter of an innovation",
}


def spread_curves(spread: pd.DataFrame) -> dict[str, np.ndarray]:
    """The ``CURVES`` of one replication's spread table (one value per step).

    Args:
        spread: One replication's spread table.

    Returns:
        Curve name -> share per month (mean over innovations).
    """
    providers = float(spread["providers"].iloc[0])
    councils = float(spread["local_authorities"].iloc[0])
    counts = {column: spread[column].to_numpy() for column in ("aware", "piloting", "sustained", "abandoned")}
    shares = pd.DataFrame(
        {
            "aware_curve": counts["aware"] / providers,
            "piloting_curve": counts["piloting"] / providers,
            "sustained_curve": counts["sustained"] / providers,
            "adopting_curve": (counts["piloting"] + counts["sustained"]) / providers,  # whole numbers: exact
            "abandoned_curve": counts["abandoned"] / providers,
            "councils_reached_curve": spread["councils_reached"].to_numpy() / councils,
        }
    )
    # one grouping for all six (each column's mean as on its own), keyed by the months' values
    means = shares.groupby(spread["step"].to_numpy(), sort=True).mean()
    return {name: means[name].to_numpy(dtype=float) for name in CURVES}


def run_outcomes(scenario: Scenario, seed: int, replication: int = 0) -> dict[str, Any]:
    """Summary figures (floats) and spread curves (arrays) of one replication.

    Args:
        scenario: The resolved scenario.
        seed: The run's seed.
        replication: The replication's number, for the tables.

    Returns:
        Figure and curve name -> value.
    """
    spread, _money, figures = run_one(scenario, replication, seed)
    out: dict[str, Any] = {k: float(v) for k, v in figures.items() if k != "replication"}
    out.update(spread_curves(spread))
    return out


def run_outcomes_many(
    scenarios: Sequence[Scenario], seeds: Sequence[int], replications: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """``run_outcomes`` of many runs, stepped together in batches where their scenarios allow.

    Runs whose scenarios differ only in ``model.blocks.PER_RUN_PARAMETERS`` share batches
    (``experiments.replications.run_many``); each run's outcomes are those it gives alone, so a
    sweep task may hold many runs without changing any result.

    Args:
        scenarios: Each run's resolved scenario.
        seeds: Each run's seed.
        replications: Each run's replication number (0 for all when None).

    Returns:
        One outcomes mapping per run, in the order given.
    """
    out = []
    for spread, _money, figures in run_many(scenarios, seeds, replications):
        outcomes: dict[str, Any] = {k: float(v) for k, v in figures.items() if k != "replication"}
        outcomes.update(spread_curves(spread))
        out.append(outcomes)
    return out


def simulate(
    scenario: Scenario | str | Path | None = None, *, seed: int | None = None, replication: int = 0, **levers: Any
) -> dict[str, Any]:
    """Run one replication with flat lever keywords (``sasci_sim.LEVERS``); return its outcomes.

    ``scenario`` defaults to the built-in baseline. Without ``seed`` the run uses
    replication ``replication`` of the scenario's own seed, exactly as ``sasci-sim run``
    would, so the same call always gives the same outcomes.

    Args:
        scenario: A Scenario, a scenario file, or None for the built-in baseline.
        seed: The run's seed; derived from the scenario's when None.
        replication: Which replication to run.
        **levers: Flat lever keywords.

    Returns:
        The summary figures (floats) and spread curves (arrays), by name.

    Raises:
        InputError: On an unknown lever or a value the schema refuses.
    """
    cfg = with_levers(scenario, levers)
    run_seed = derive_seed(cfg.simulation.seed, replication) if seed is None else int(seed)
    return run_outcomes(cfg, run_seed, replication)
