"""Real-world anchors (``sasci_sim/data/anchors.yaml``): typed, checked, one-line errors.

An anchor is a pattern with a size from the published record (Grimm et al. 2005,
pattern-oriented modelling): what is measured, its value or interval and the
uncertainty that scales its distance, the years, the level, the historical scenario
it is measured in, the metric function that computes it, its declared use
(calibration, holdout, check or input) and its source. The metric names are checked
against the metric functions by the layer that owns them (``sasci_sim.analysis.anchors``);
this module knows only the file's structure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sasci_sim.config.loader import explain, read_yaml
from sasci_sim.errors import InputError

Level = Literal["provider", "council", "national"]
Use = Literal["calibration", "holdout", "check", "input"]
Status = Literal["ready", "blocked", "figure_pending"]

#: Where the historical scenarios live, relative to the repository root.
HISTORY_FOLDER = "scenarios/history/"


class Anchor(BaseModel):
    """One real-world pattern with its size, where it is measured and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$", description="Unique name of the anchor.")
    quantity: str = Field(min_length=3, description="What is measured, in words.")
    value: float | None = Field(None, allow_inf_nan=False, description="The observed value (or give interval).")
    interval: tuple[float, float] | None = Field(None, description="The observed interval [low, high].")
    sd: float = Field(gt=0, allow_inf_nan=False, description="Uncertainty that scales the anchor's distance.")
    approximate: bool = Field(description="The source gives the figure in words or roughly.")
    years: list[int] = Field(min_length=1, max_length=2, description="The year, or first and last years.")
    level: Level
    scenario: str = Field(description="Historical scenario the anchor is measured in, under scenarios/history/.")
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Name of the metric function.")
    metric_args: dict[str, str | int | float] = Field(default_factory=dict)
    use: Use
    status: Status
    blocked_on: str | None = Field(None, description="The missing mechanism (status blocked).")
    note: str | None = None
    source: str = Field(min_length=20, description="Full citation.")

    @field_validator("years")
    @classmethod
    def _plausible_years(cls, years: list[int]) -> list[int]:
        if any(not 1900 <= y <= 2100 for y in years) or years != sorted(years):
            raise ValueError("must be one year or two years in order, between 1900 and 2100")
        return years

    @field_validator("scenario")
    @classmethod
    def _under_history(cls, scenario: str) -> str:
        if not scenario.startswith(HISTORY_FOLDER) or not scenario.endswith(".yaml") or ".." in scenario:
            raise ValueError(f"expected a .yaml file under {HISTORY_FOLDER}")
        return scenario

    @model_validator(mode="after")
    def _one_observation(self) -> Anchor:
        given = (self.value is not None) + (self.interval is not None)
        if self.status == "figure_pending":
            if given:
                raise ValueError("an anchor whose figure is pending gives no value or interval")
        elif given != 1:
            raise ValueError("give exactly one of value and interval")
        if self.interval is not None and not self.interval[0] < self.interval[1]:
            raise ValueError("interval must be [low, high] with low < high")
        if (self.status == "blocked") != (self.blocked_on is not None):
            raise ValueError("blocked_on is required when, and only when, status is blocked")
        return self

    @property
    def observed(self) -> float:
        """The observed point: the value, or the middle of the interval (NaN while the figure is pending)."""
        if self.value is not None:
            return self.value
        if self.interval is not None:
            return (self.interval[0] + self.interval[1]) / 2
        return float("nan")

    @property
    def usable(self) -> bool:
        """Whether today's model can compute the anchor and it has a figure to compare with."""
        return self.status == "ready"

    def distance(self, simulated: float) -> float:
        """How far ``simulated`` is from the observation, in units of ``sd`` (zero inside an interval).

        Args:
            simulated: The model's value of the anchored quantity.

        Returns:
            |simulated - value| / sd, or the distance to the nearest end of the interval / sd.
        """
        if self.interval is not None:
            low, high = self.interval
            gap = max(low - simulated, simulated - high, 0.0)
        else:
            gap = abs(simulated - self.observed)
        return gap / self.sd

    def covers(self, low: float, high: float) -> bool:
        """Whether a model interval [low, high] meets the observation (its value or interval)."""
        if self.interval is not None:
            return low <= self.interval[1] and high >= self.interval[0]
        return low <= self.observed <= high


class AnchorFile(BaseModel):
    """The anchors file: a list of anchors with unique ids."""

    model_config = ConfigDict(extra="forbid")

    anchors: list[Anchor] = Field(min_length=1)

    @field_validator("anchors")
    @classmethod
    def _unique(cls, anchors: list[Anchor]) -> list[Anchor]:
        ids = [a.id for a in anchors]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"anchor ids must be unique ({', '.join(dup)} repeated)")
        return anchors


def anchors_path() -> Path:
    """The anchors file shipped inside the package."""
    return Path(__file__).resolve().parents[1] / "data" / "anchors.yaml"


def repository_root(path: Path) -> Path:
    """The folder that scenario paths in an anchors file are relative to.

    The shipped file (``sasci_sim/data/anchors.yaml``) is two folders below the
    repository root; any other anchors file names scenarios relative to its own folder.
    """
    path = Path(path).resolve()
    return path.parents[2] if path == anchors_path() else path.parent


def load_anchors(path: str | Path | None = None, *, check_scenarios: bool = True) -> dict[str, Anchor]:
    """Read and validate an anchors file (default: the shipped one).

    Args:
        path: The anchors YAML file; None for ``sasci_sim/data/anchors.yaml``.
        check_scenarios: Also require that every ready anchor's scenario file exists.

    Returns:
        The anchors by id, in file order.

    Raises:
        InputError: One line naming the file, the anchor field and the problem.
    """
    path = Path(path) if path is not None else anchors_path()
    data = read_yaml(path, what="anchors")
    try:
        parsed = AnchorFile.model_validate(data)
    except ValidationError as exc:
        field, problem, got = explain(AnchorFile, exc)
        raise InputError(path, field, problem, got=got) from None
    anchors = {a.id: a for a in parsed.anchors}
    if check_scenarios:
        root = repository_root(path)
        for idx, anchor in enumerate(parsed.anchors):
            if anchor.usable and not (root / anchor.scenario).is_file():
                raise InputError(path, f"anchors[{idx}].scenario", f"no scenario file at {root / anchor.scenario}")
    return anchors


def scenario_file(anchor: Anchor, anchors_file: str | Path | None = None) -> Path:
    """The scenario file an anchor is measured in, as a path on this machine.

    Args:
        anchor: The anchor.
        anchors_file: The anchors file it came from (default: the shipped one).

    Returns:
        The absolute path of its scenario.
    """
    return repository_root(Path(anchors_file) if anchors_file is not None else anchors_path()) / anchor.scenario
