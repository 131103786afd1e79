"""The largest run a sweep will make, so that its memory is checked before the sweep starts."""

from __future__ import annotations

from sasci_sim.config.loader import apply_override, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments.sweep.experiment import Experiment

#: Scenario values that make a run bigger: a sweep is checked at the largest values it gives them.
SIZE_KEYS = ("population.providers", "simulation.steps", "network.local_ties", "network.sector_ties")


def largest_run(experiment: Experiment) -> Scenario | None:
    """The experiment's base scenario with every varied size at its largest value (None: not the simulator).

    Args:
        experiment: The experiment.

    Returns:
        The largest scenario the sweep will run, for the memory check.
    """
    if experiment.base is None:
        return None
    data = experiment.base.model_dump()
    for param in experiment.parameters:
        path = experiment.keys[param.key].path
        if path in SIZE_KEYS:
            high = max(param.values) if param.values is not None else param.high
            data = apply_override(data, path, int(high) if param.kind == "int" else high)
    return validate(data, experiment.source)
