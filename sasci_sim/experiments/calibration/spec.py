"""The calibration experiment file: priors, anchors, population size and generations.

A calibration experiment is YAML::

    name: calibrate_anchors
    calibrate: [shared_lives_council_coverage, care_certificate_uptake_2018]
    holdout: [scheirer_partial_sustainment]
    priors:
      diffusion.peer_influence: {distribution: uniform, low: 0.2, high: 1.0}
    population_size: 100
    generations: 5
    set: {population.providers: 500}
    predictive_draws: 40
    seed: 20261201

Priors are over weak- and assumption-grade scenario parameters only (dotted keys,
as ``--set`` takes them): a parameter with a strong or moderate source is not
re-estimated. ``calibrate`` anchors enter the distance; ``holdout`` anchors are
only predicted. The split is the one declared in the anchors file: an anchor
declared holdout can never be calibrated on. Everything is checked before any
run, and a problem is one line naming the file and the field.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sasci_sim.analysis.anchors import METRICS
from sasci_sim.config.anchors import Anchor, load_anchors, scenario_file
from sasci_sim.config.loader import apply_override, explain, read_yaml, resolve_extends, validate
from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.keys import ScenarioKey, resolve_key

#: Evidence grades whose parameters may be calibrated (config.params.Grade).
CALIBRATED_GRADES = ("weak", "assumption")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PriorSpec(_Spec):
    """A prior: uniform or log-uniform between ``low`` and ``high``."""

    distribution: Literal["uniform", "loguniform"] = "uniform"
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> PriorSpec:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got low {self.low}, high {self.high})")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError("a log-uniform prior needs low > 0")
        return self

    def quantiles(self, probabilities: tuple[float, ...]) -> list[float]:
        """The prior's quantiles at ``probabilities`` (0..1).

        Args:
            probabilities: Cumulative probabilities.

        Returns:
            One value per probability.
        """
        if self.distribution == "uniform":
            return [self.low + p * (self.high - self.low) for p in probabilities]
        span = math.log(self.high) - math.log(self.low)
        return [math.exp(math.log(self.low) + p * span) for p in probabilities]


class CalibrationSpec(_Spec):
    """The experiment file as written."""

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,80}$")
    description: str = ""
    anchors_file: str | None = Field(None, description="Anchors file (default: the package's data/anchors.yaml).")
    calibrate: list[str] = Field(min_length=1, description="Anchors in the distance (use: calibration).")
    holdout: list[str] = Field(default_factory=list, description="Anchors only predicted (use: holdout).")
    priors: dict[str, PriorSpec] = Field(min_length=1, max_length=40)
    population_size: int = Field(ge=4, le=100_000)
    generations: int = Field(ge=1, le=100)
    set: dict[str, Any] = Field(default_factory=dict, description="Scenario values fixed in every anchor scenario.")
    predictive_draws: int = Field(40, ge=4, le=10_000)
    seed: int = Field(20261201, ge=0, lt=2**63)


@dataclass(frozen=True)
class Calibration:
    """A checked calibration experiment, ready to run.

    Attributes:
        path: The experiment file.
        spec: What it says.
        anchors: The calibration anchors, then the holdout anchors.
        keys: Each prior's resolved scenario key.
        scenarios: Each anchor scenario's plain mapping (``set`` applied), by scenario path.
    """

    path: Path
    spec: CalibrationSpec
    anchors: tuple[Anchor, ...]
    keys: dict[str, ScenarioKey]
    scenarios: dict[str, dict[str, Any]]

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.name

    @property
    def calibrating(self) -> tuple[Anchor, ...]:
        """The anchors in the distance."""
        return tuple(a for a in self.anchors if a.id in self.spec.calibrate)

    @property
    def held_out(self) -> tuple[Anchor, ...]:
        """The anchors only predicted."""
        return tuple(a for a in self.anchors if a.id in self.spec.holdout)

    def fingerprint(self) -> str:
        """A hash of everything that defines the posterior (not ``generations``, so a rerun can extend it).

        The scenarios' own values of the prior parameters are left out: every particle sets
        them, so they do not define the posterior, and shipping a posterior's medians as the
        defaults must not make its experiment look like another one.
        """
        identity = self.spec.model_dump(exclude={"generations", "predictive_draws", "description"})
        identity["anchors"] = [a.model_dump() for a in self.anchors]
        identity["scenarios"] = {path: _without(data, self.keys.values()) for path, data in self.scenarios.items()}
        text = json.dumps(identity, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _without(data: dict[str, Any], keys: typing.Iterable[ScenarioKey]) -> dict[str, Any]:
    """A copy of a scenario mapping without the values at ``keys`` (the prior parameters)."""
    out = copy.deepcopy(data)
    for key in keys:
        *parents, last = key.path.split(".")
        node: Any = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        if isinstance(node, dict):
            node.pop(last, None)
    return out


def grade_of(path: str) -> str | None:
    """The evidence grade declared for a dotted scenario path (list indices skipped), or None.

    Args:
        path: A resolved dotted path, e.g. ``diffusion.peer_influence`` or ``innovations.3.benefit``.

    Returns:
        The field's ``grade`` from its ``param(...)`` declaration.
    """
    model: type[BaseModel] = Scenario
    field = None
    for part in path.split("."):
        if part.isdigit():
            continue
        field = model.model_fields[part]
        inner = next(
            (
                c
                for c in (field.annotation, *typing.get_args(field.annotation))
                if isinstance(c, type) and issubclass(c, BaseModel)
            ),
            None,
        )
        if inner is not None:
            model = inner
    extra = field.json_schema_extra if field is not None else None
    return extra.get("grade") if isinstance(extra, dict) else None


def _validate_spec(data: dict[str, Any], path: Path) -> CalibrationSpec:
    try:
        return CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        field, problem, got = explain(CalibrationSpec, exc)
        raise InputError(path, field, problem, got=got) from None


def _pick_anchors(spec: CalibrationSpec, anchors: dict[str, Anchor], path: Path) -> tuple[Anchor, ...]:
    chosen: list[Anchor] = []
    seen: set[str] = set()
    for field, wanted_use in (("calibrate", "calibration"), ("holdout", "holdout")):
        for idx, anchor_id in enumerate(getattr(spec, field)):
            where = f"{field}[{idx}]"
            anchor = anchors.get(anchor_id)
            if anchor is None:
                raise InputError(path, where, f"no such anchor; known: {', '.join(anchors)}", got=anchor_id)
            if anchor_id in seen:
                raise InputError(path, where, "anchor named twice", got=anchor_id)
            if anchor.use != wanted_use:
                raise InputError(
                    path, where, f"the anchors file declares this anchor's use as {anchor.use}, not {wanted_use}"
                )
            if anchor.status != "ready":
                why = anchor.blocked_on if anchor.status == "blocked" else "its figure is not entered yet"
                raise InputError(path, where, f"this anchor cannot be computed yet ({anchor.status}: {why})")
            if anchor.metric not in METRICS:
                raise InputError(path, where, f"the anchor's metric {anchor.metric!r} is not a known metric")
            seen.add(anchor_id)
            chosen.append(anchor)
    return tuple(chosen)


def _anchor_scenarios(
    spec: CalibrationSpec, anchors: tuple[Anchor, ...], anchors_file: Path | None, path: Path
) -> dict[str, dict[str, Any]]:
    scenarios: dict[str, dict[str, Any]] = {}
    for anchor in anchors:
        if anchor.scenario in scenarios:
            continue
        file = scenario_file(anchor, anchors_file)
        data = resolve_extends(file)
        data.setdefault("name", file.stem)
        for key, value in spec.set.items():
            try:
                data = apply_override(data, LEVERS.get(key, key), value)
            except InputError as exc:
                raise InputError(path, f"set.{key}", exc.problem, got=exc.got) from None
        try:
            scenarios[anchor.scenario] = validate(data, file).model_dump()
        except InputError as exc:
            raise InputError(path, f"set (in {anchor.scenario})", f"{exc.field}: {exc.problem}", got=exc.got) from None
    return scenarios


def _resolve_priors(spec: CalibrationSpec, scenarios: dict[str, dict[str, Any]], path: Path) -> dict[str, ScenarioKey]:
    keys: dict[str, ScenarioKey] = {}
    for name, prior in spec.priors.items():
        label = f"priors.{name}"
        resolved = [resolve_key(name, data, str(path), label) for data in scenarios.values()]
        key = resolved[0]
        if not key.numeric:
            raise InputError(path, label, "only numeric parameters can have a prior")
        grade = grade_of(key.path)
        if grade not in CALIBRATED_GRADES:
            raise InputError(
                path,
                label,
                f"only weak- and assumption-grade parameters are calibrated; this one is graded {grade} "
                "(its value comes from a source)",
            )
        if (key.lowest is not None and prior.low < key.lowest) or (
            key.highest is not None and prior.high > key.highest
        ):
            raise InputError(
                path, label, f"prior [{prior.low}, {prior.high}] leaves the allowed range [{key.lowest}, {key.highest}]"
            )
        if name in spec.set:
            raise InputError(path, label, "a parameter cannot be both fixed in set and given a prior")
        keys[name] = key
    return keys


def load_calibration(path: str | Path, *, particles: int | None = None, generations: int | None = None) -> Calibration:
    """Read and check a calibration experiment file; ``particles`` and ``generations`` override it.

    Args:
        path: The experiment YAML.
        particles: Population size (particles per generation), replacing the file's.
        generations: Number of ABC-SMC generations, replacing the file's.

    Returns:
        The checked calibration.

    Raises:
        InputError: One line naming the file, the field and the problem.
    """
    path = Path(path)
    data = read_yaml(path, what="calibration experiment")
    data.setdefault("name", path.stem)
    if particles is not None:
        data["population_size"] = particles
    if generations is not None:
        data["generations"] = generations
    spec = _validate_spec(data, path)
    anchors_file = (path.parent / spec.anchors_file) if spec.anchors_file else None
    anchors = _pick_anchors(spec, load_anchors(anchors_file), path)
    scenarios = _anchor_scenarios(spec, anchors, anchors_file, path)
    keys = _resolve_priors(spec, scenarios, path)
    return Calibration(path=path, spec=spec, anchors=anchors, keys=keys, scenarios=scenarios)
