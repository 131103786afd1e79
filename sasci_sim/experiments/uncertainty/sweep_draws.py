"""``from_posterior: DIR`` in an experiment file: a sweep's uncertain parameters drawn from a posterior.

While a sweep varies its levers, replicate j of every design point sets the posterior's
parameters to draw j (resampled by weight with the experiment's seed), so every lever
setting is tried under the same plausible parameter sets and the records carry the
drawn values beside the levers, for analysis over both.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.keys import ScenarioKey, resolve_key
from sasci_sim.experiments.uncertainty.posterior import draw_parameters, draw_value, load_posterior, posterior_path


def sweep_draws(
    folder: str,
    experiment: Path,
    base: dict[str, Any],
    *,
    replications: int,
    seed: int,
    taken: Mapping[str, ScenarioKey],
    fixed: set[str],
) -> tuple[dict[str, ScenarioKey], tuple[dict[str, float | int], ...]]:
    """The posterior's keys and one parameter set per replicate, checked against the experiment.

    Args:
        folder: ``from_posterior`` as written (a calibrate output folder, relative to the experiment).
        experiment: The experiment file.
        base: The base scenario's mapping (with ``set:`` applied).
        replications: Replicates per design point (= draws).
        seed: The experiment's seed.
        taken: The varied parameters' resolved keys.
        fixed: Scenario paths fixed under ``set:``.

    Returns:
        Posterior column -> key, and each replicate's values by column.

    Raises:
        InputError: When the posterior is missing or bad, or a posterior parameter is also varied or fixed.
    """
    path = posterior_path(experiment.parent / folder)
    draws = draw_parameters(load_posterior(path), replications, seed)
    varied = {k.path for k in taken.values()}
    keys: dict[str, ScenarioKey] = {}
    for col in map(str, draws.columns):
        key = resolve_key(col, base, str(path), col)
        if key.path in varied or key.path in fixed or col in taken:
            raise InputError(
                experiment, "from_posterior", f"{col} is drawn from the posterior: do not also vary or fix it"
            )
        keys[col] = key
    rows = tuple({col: draw_value(keys[col], row[col]) for col in keys} for _, row in draws.iterrows())
    return keys, rows
