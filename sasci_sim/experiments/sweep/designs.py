"""Design points of an experiment: a full grid, or SALib's LHS, Sobol (Saltelli) or Morris samples.

Sampled designs draw from SALib with a seed derived from the experiment's seed,
so the same file always gives the same points. A parameter given as a list of
values is sampled on [0, k) and mapped to the value in that cell; a whole-number
parameter is sampled on [min - 0.5, max + 0.5) and rounded, so every whole
number in the range is equally likely. The raw sample is kept beside the values
because SALib's analyses need the matrix they sampled, in their row order.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

from sasci_sim.config.limits import check_design_fits
from sasci_sim.experiments.sweep.experiment import Experiment, Parameter
from sasci_sim.seeds import derive_seed

#: Prefix of the raw-sample columns in the design table.
RAW = "sample:"


@dataclass(frozen=True)
class Design:
    """The points of an experiment, in the order runs and analyses index them."""

    table: pd.DataFrame  # one row per point: parameter values (typed), then raw sample columns
    problem: dict[str, Any] | None  # SALib problem for sampled designs

    @property
    def size(self) -> int:
        """How many design points there are."""
        return len(self.table)

    def values(self, point: int) -> dict[str, Any]:
        """One design point's parameter values, as a run takes them.

        Args:
            point: The design point's index.

        Returns:
            Its parameter values by key, as plain Python values (not numpy scalars).
        """
        return {k: _plain(self.table[k].iat[point]) for k in self.table.columns if not k.startswith(RAW)}

    def raw(self) -> np.ndarray:
        """The SALib sample matrix (points x parameters).

        Returns:
            The raw sample as SALib drew it, which its analysers need.
        """
        return self.table[[c for c in self.table.columns if c.startswith(RAW)]].to_numpy(dtype=float)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def grid_values(param: Parameter) -> list[Any]:
    """A grid parameter's values: as listed, or evenly spaced from min to max.

    Args:
        param: The parameter.

    Returns:
        Its values; integer grids drop repeats.
    """
    if param.values is not None:
        return list(param.values)
    points = np.linspace(param.low, param.high, param.levels)  # type: ignore[arg-type]
    if param.kind == "int":
        return sorted({int(np.rint(v)) for v in points})
    return [float(v) for v in points]


def bounds(param: Parameter) -> list[float]:
    """The interval SALib samples for a parameter.

    Listed values are sampled as positions and integers over half-widened bounds, so every
    value is equally likely.

    Args:
        param: The parameter.

    Returns:
        The lower and upper bound.
    """
    if param.values is not None:
        return [0.0, float(len(param.values))]
    if param.kind == "int":
        return [param.low - 0.5, param.high + 0.5]  # type: ignore[operator]
    return [param.low, param.high]  # type: ignore[list-item]


def from_unit(param: Parameter, column: np.ndarray) -> list[Any]:
    """Map a raw sample column to the parameter's values.

    Args:
        param: The parameter.
        column: Its column of the raw sample.

    Returns:
        The values the runs take (listed values, rounded integers or floats).
    """
    if param.values is not None:
        idx = np.clip(np.floor(column).astype(int), 0, len(param.values) - 1)
        return [param.values[i] for i in idx]
    if param.kind == "int":
        return [int(v) for v in np.clip(np.rint(column), param.low, param.high)]
    return [float(v) for v in column]


def design_points(experiment: Experiment) -> int:
    """How many points an experiment's design has, without building it.

    Args:
        experiment: The experiment.

    Returns:
        The number of rows ``build_design`` will make.
    """
    spec = experiment.spec
    k = len(experiment.parameters)
    if spec.design == "grid":
        return math.prod(len(grid_values(p)) for p in experiment.parameters)
    n = int(spec.samples)  # type: ignore[arg-type]
    if spec.design == "lhs":
        return n
    if spec.design == "sobol":
        return n * (2 * k + 2 if spec.second_order else k + 2)
    return n * (k + 1)  # morris: trajectories of k + 1 points


def build_design(experiment: Experiment) -> Design:
    """The design points of an experiment (deterministic in its seed).

    A design too big for memory is refused first, with one line (``check_design_fits``).

    Args:
        experiment: The experiment.

    Returns:
        The design.
    """
    spec = experiment.spec
    field = "parameters" if spec.design == "grid" else "samples"
    check_design_fits(design_points(experiment), len(experiment.parameters), experiment.source, field)
    params = experiment.parameters
    if spec.design == "grid":
        rows = list(itertools.product(*(grid_values(p) for p in params)))
        table = pd.DataFrame(rows, columns=[p.key for p in params])
        return Design(_typed(table, params), None)
    problem = {"num_vars": len(params), "names": [p.key for p in params], "bounds": [bounds(p) for p in params]}
    seed = derive_seed(spec.seed)
    n = int(spec.samples)  # type: ignore[arg-type]
    if spec.design == "lhs":
        raw = latin.sample(problem, n, seed=seed)
    elif spec.design == "sobol":
        raw = sobol.sample(problem, n, calc_second_order=spec.second_order, seed=seed)
    else:
        raw = morris.sample(problem, n, num_levels=spec.morris_levels, seed=seed)
    table = pd.DataFrame({p.key: from_unit(p, raw[:, j]) for j, p in enumerate(params)})
    table = _typed(table, params)
    for j, p in enumerate(params):
        table[RAW + p.key] = raw[:, j]
    return Design(table, problem)


def _typed(table: pd.DataFrame, params: tuple[Parameter, ...]) -> pd.DataFrame:
    dtypes = {"int": "int64", "float": "float64", "bool": "bool"}
    for p in params:
        if p.kind in dtypes:
            table[p.key] = table[p.key].astype(dtypes[p.kind])
        else:
            table[p.key] = table[p.key].astype(object)
    return table
