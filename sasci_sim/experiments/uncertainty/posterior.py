"""Parameter sets drawn from a calibration's posterior, and scenarios with a draw's values set.

``sasci-sim calibrate`` writes ``posterior.parquet``: one column per calibrated parameter
(a dotted scenario key) and a ``weight`` column (pyabc's importance weights). A draw is a
row resampled with probability proportional to its weight, by a generator seeded from
the comparison's seed, so the same seed always gives the same draws.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from sasci_sim.config.loader import apply_override, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.keys import ScenarioKey, resolve_key

POSTERIOR_FILE = "posterior.parquet"
WEIGHT = "weight"
#: Added to the comparison's root seed to seed the resampling, so draws and replication seeds differ.
DRAW_STREAM = 15


def shipped_posterior() -> Path | None:
    """The posterior that ships with the package (``sasci_sim/data/posterior/``), if there is one.

    Returns:
        Its ``posterior.parquet``, or None while none ships.
    """
    path = Path(str(files("sasci_sim") / "data" / "posterior" / POSTERIOR_FILE))
    return path if path.is_file() else None


def posterior_path(folder: Path | None) -> Path:
    """The posterior file a comparison draws from: ``folder``'s, else the shipped one.

    Args:
        folder: A ``sasci-sim calibrate`` output folder (or a posterior.parquet file), or None.

    Returns:
        The posterior file.

    Raises:
        InputError: When the folder holds no posterior, or none was named and none ships.
    """
    if folder is None:
        shipped = shipped_posterior()
        if shipped is None:
            raise InputError(
                "command line",
                "--draws",
                "no calibrated posterior ships yet: make one with `sasci-sim calibrate EXPERIMENT --out DIR` "
                "and pass --posterior DIR",
            )
        return shipped
    path = Path(folder)
    path = path if path.suffix == ".parquet" else path / POSTERIOR_FILE
    if not path.is_file():
        raise InputError(folder, "--posterior", f"no {POSTERIOR_FILE} here: give a `sasci-sim calibrate` output folder")
    return path


def load_posterior(path: Path) -> pd.DataFrame:
    """Read and check a posterior: numeric parameter columns and non-negative weights summing above zero.

    Args:
        path: A posterior.parquet file.

    Returns:
        The posterior, weights normalised to sum to one.

    Raises:
        InputError: When the file cannot be read or its columns are not a posterior.
    """
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, "posterior", "cannot be read as parquet", got=type(exc).__name__) from None
    if WEIGHT not in table.columns:
        raise InputError(path, WEIGHT, "a posterior needs a weight column", got=", ".join(map(str, table.columns)))
    params = [c for c in table.columns if c != WEIGHT]
    if not params or table.empty:
        raise InputError(path, "posterior", "holds no parameters or no particles", got=f"{len(table)} rows")
    for col in [*params, WEIGHT]:
        if not pd.api.types.is_numeric_dtype(table[col]) or not np.isfinite(table[col].to_numpy(float)).all():
            raise InputError(path, col, "must hold finite numbers")
    weights = table[WEIGHT].to_numpy(float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise InputError(path, WEIGHT, "weights must be non-negative with a positive sum", got=float(weights.sum()))
    return table.assign(**{WEIGHT: weights / weights.sum()}).reset_index(drop=True)


def draw_parameters(posterior: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` parameter sets resampled from the posterior by weight, with replacement.

    Args:
        posterior: The posterior (``load_posterior``).
        draws: How many parameter sets.
        seed: The comparison's root seed (the same seed gives the same draws).

    Returns:
        One row per draw (index = draw number), the parameter columns only.
    """
    rng = np.random.default_rng([seed, DRAW_STREAM])
    rows = rng.choice(len(posterior), size=draws, replace=True, p=posterior[WEIGHT].to_numpy(float))
    return posterior.drop(columns=WEIGHT).iloc[rows].reset_index(drop=True)


def draw_keys(draws: pd.DataFrame, scenario: Scenario, source: Path | str) -> dict[str, ScenarioKey]:
    """Resolve every posterior column against a scenario's schema, before any run.

    Args:
        draws: The drawn parameter sets.
        scenario: A scenario the draws will be applied to.
        source: The posterior file, named in errors.

    Returns:
        Column -> resolved key.

    Raises:
        InputError: When a column is not a scenario key of that scenario.
    """
    base = scenario.model_dump()
    return {col: resolve_key(str(col), base, str(source), str(col)) for col in draws.columns}


def with_draw(scenario: Scenario, keys: dict[str, ScenarioKey], values: pd.Series) -> Scenario:
    """The scenario with one draw's parameter values set (whole-number keys rounded).

    Args:
        scenario: The scenario.
        keys: The posterior's resolved keys (``draw_keys``).
        values: One draw's row.

    Returns:
        The scenario, validated, with the draw's values.
    """
    data = scenario.model_dump()
    for col, k in keys.items():
        data = apply_override(data, k.path, draw_value(k, values[col]))
    return validate(data, "posterior draw")


def draw_value(key: ScenarioKey, value: float) -> float | int:
    """A posterior value as its scenario key takes it (whole-number keys rounded, as calibration rounds them).

    Args:
        key: The resolved key.
        value: The posterior's value.

    Returns:
        The value to set.
    """
    return round(float(value)) if key.kind == "int" else float(value)
