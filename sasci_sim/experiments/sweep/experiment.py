"""Experiment files: which scenario values to vary, how, and what to record.

An experiment is YAML, validated like a scenario (one-line errors naming file,
field and what is allowed). Keys: ``name``, ``base`` (a scenario file relative to
the experiment; default the built-in baseline), ``set`` (scenario values fixed for
every run, e.g. a shorter ``simulation.steps``), ``design`` (grid, lhs, sobol,
morris), ``samples``, ``replications``, ``seed``, ``parameters`` (dotted scenario
key -> ``{values: [...]}`` or ``{min: .., max: ..}``), ``outcomes`` and, for
scenario discovery, ``discovery``; ``from_posterior`` (a calibrate output folder) draws the
posterior's parameters per replicate. ``model: package.module:function`` swaps the
simulator for another function of the parameters (e.g. a test function with
known sensitivity indices); its parameters are then free names. Which functions
may run, and when they are imported: ``sasci_sim.experiments.sweep.models``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sasci_sim.config.loader import (
    apply_override,
    explain,
    load_scenario,
    parse_override,
    read_yaml,
    validate,
    validate_model,
)
from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError
from sasci_sim.experiments.simulate import CURVES
from sasci_sim.experiments.sweep.keys import SPECIAL_LEVERS, ScenarioKey, ValueKind, resolve_key, value_at
from sasci_sim.experiments.sweep.models import check_reference
from sasci_sim.experiments.sweep.outcomes import curve_point_name, summary_figure_names
from sasci_sim.experiments.uncertainty.sweep_draws import sweep_draws
from sasci_sim.model.social_care import with_levers
from sasci_sim.output.folders import code_fingerprint

SIMULATOR = "sasci-sim"
Design = Literal["grid", "lhs", "sobol", "morris"]
SAMPLED: tuple[str, ...] = ("lhs", "sobol", "morris")
#: Columns every run record has; parameter and outcome names must differ from them.
RESERVED = ("point", "replicate", "seed", "status", "error", "seconds", "code")
#: Spec keys that do not change results: editing them does not block resuming a sweep.
ANALYSIS_ONLY = ("name", "description", "discovery")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParameterSpec(_Spec):
    """One varied parameter: a list of values, or a range."""

    values: list[Any] | None = Field(None, min_length=1, max_length=10_000, description="Values to use.")
    min: float | None = Field(None, allow_inf_nan=False, description="Lower end of the range.")
    max: float | None = Field(None, allow_inf_nan=False, description="Upper end of the range.")
    relative: float | None = Field(
        None, gt=0, le=10, description="Range default x (1 - r) to default x (1 + r), within the allowed range."
    )
    levels: int | None = Field(None, ge=2, le=1000, description="Evenly spaced values from min to max (grid only).")

    @model_validator(mode="after")
    def _one_form(self) -> ParameterSpec:
        forms = [self.values is not None, self.min is not None or self.max is not None, self.relative is not None]
        if sum(forms) != 1:
            raise ValueError("give exactly one of values: [...], min: and max:, or relative:")
        if forms[1] and (self.min is None or self.max is None):
            raise ValueError("give both min: and max:")
        if forms[1] and self.min >= self.max:  # type: ignore[operator]
            raise ValueError(f"min must be below max (got min {self.min}, max {self.max})")
        if self.levels is not None and forms[0]:
            raise ValueError("levels: goes with a range (min: and max:, or relative:), not with values:")
        return self


class CurveOutcome(_Spec):
    """Values of a spread curve at chosen months."""

    curve: Literal[tuple(CURVES)] = Field(description="A spread curve of sasci_sim.experiments.simulate.CURVES.")  # type: ignore[valid-type]
    steps: list[int] = Field(min_length=1, max_length=1200, description="Months (steps) to record.")

    @model_validator(mode="after")
    def _steps(self) -> CurveOutcome:
        if any(s < 0 for s in self.steps):
            raise ValueError("steps must be months from 0")
        return self


class Discovery(_Spec):
    """Scenario discovery: which runs are of interest, and how PRIM should report boxes."""

    outcome: str = Field(min_length=1, description="Outcome that defines the runs of interest.")
    at_least: float | None = Field(None, allow_inf_nan=False, description="Runs of interest: outcome >= this.")
    at_most: float | None = Field(None, allow_inf_nan=False, description="Runs of interest: outcome <= this.")
    describe: str = Field(min_length=1, max_length=200, description="Plain words for the runs of interest.")
    min_coverage: float = Field(0.5, gt=0, le=1, description="Reported boxes keep at least this coverage.")
    boxes: int = Field(2, ge=1, le=10, description="Most boxes to report.")

    @model_validator(mode="after")
    def _one_threshold(self) -> Discovery:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least: or at_most:")
        return self


class ExperimentSpec(_Spec):
    """The experiment file, as written."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_\-]+$", description="Name; output folder.")
    description: str = Field("", max_length=5000)
    model: str = Field(SIMULATOR, pattern=r"^(sasci-sim|[A-Za-z_][\w.]*:[A-Za-z_]\w*)$")
    base: str | None = Field(None, min_length=1, description="Scenario file, relative to the experiment.")
    set: dict[str, Any] = Field(default_factory=dict, description="Scenario values fixed for every run.")
    design: Design
    samples: int | None = Field(
        None, ge=1, le=1_000_000, description="Points (lhs), base samples (sobol), trajectories (morris)."
    )
    replications: int = Field(1, ge=1, le=10_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    second_order: bool = Field(False, description="Sobol: also estimate second-order indices (more runs).")
    morris_levels: int = Field(4, ge=2, le=100, description="Morris: grid levels of each parameter.")
    parameters: dict[str, Any] = Field(min_length=1, max_length=1000)
    outcomes: list[Any] = Field(min_length=1, max_length=500)
    discovery: Discovery | None = None
    from_posterior: str | None = Field(
        None, min_length=1, description="A calibrate output folder: replicate j of every point uses posterior draw j."
    )


@dataclass(frozen=True)
class Parameter:
    """A varied parameter, resolved: its key, value type, and values or range."""

    key: str
    kind: ValueKind
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    levels: int | None = None


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: what every run needs, and what identifies its results."""

    source: Path
    spec: ExperimentSpec
    base: Scenario | None  # None when another model stands in for the simulator
    parameters: tuple[Parameter, ...]
    keys: dict[str, ScenarioKey] = field(default_factory=dict)
    outcomes: tuple[str, ...] = ()
    curve_points: dict[str, tuple[str, int]] = field(default_factory=dict)
    allow_code: bool = False  # the user trusts a model: outside sasci-sim (--allow-code)
    posterior_draws: tuple[dict[str, Any], ...] = ()  # replicate -> posterior values (from_posterior)

    @property
    def name(self) -> str:
        """The experiment's name: its folder under ``--out``."""
        return self.spec.name

    @property
    def simulator(self) -> bool:
        """Whether sasci-sim itself is the model (rather than a stand-in function)."""
        return self.spec.model == SIMULATOR

    @property
    def curves(self) -> tuple[str, ...]:
        """Spread curves stored with every run (the simulator's only)."""
        return tuple(CURVES) if self.simulator else ()

    def results_identity(self) -> dict[str, Any]:
        """Everything that shapes the results table (not its name, notes or analysis settings), code included.

        Returns:
            A JSON-ready mapping; its hash is the fingerprint.
        """
        spec = {k: v for k, v in self.spec.model_dump(mode="json").items() if k not in ANALYSIS_ONLY}
        del spec["base"]  # the file's path does not matter, its contents do:
        spec["base scenario"] = self.base.model_dump(mode="json") if self.base is not None else None
        spec["sasci-sim code"] = code_fingerprint()
        if self.posterior_draws:  # the drawn values, not the folder's name, shape the results
            spec["posterior draws"] = list(self.posterior_draws)
        return spec

    def fingerprint(self) -> str:
        """A hash identifying the results this experiment produces.

        Returns:
        SHA-256 of ``results_identity``: a resumed sweep must match it, or its runs would mix.
        """
        text = json.dumps(self.results_identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_experiment(
    path: str | Path,
    *,
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    overrides: Iterable[str] = (),
    allow_code: bool = False,
) -> Experiment:
    """Read and validate an experiment file; arguments given here override it (``overrides``: ``key=value``).

    Reading imports no code: a ``model:`` outside sasci-sim is refused unless ``allow_code``
    (see ``sasci_sim.experiments.sweep.models``), and any model is imported when the sweep starts.

    Args:
        path: The experiment file.
        samples: Overrides ``samples``.
        replications: Overrides ``replications``.
        seed: Overrides ``seed``.
        overrides: ``key=value`` scenario values, added to ``set:``.
        allow_code: Whether the user trusts a ``model:`` outside sasci-sim (``--allow-code``).

    Returns:
        The validated experiment.
    """
    path = Path(path)
    data = read_yaml(path, what="experiment")
    data.setdefault("name", path.stem)
    for key, value in (("samples", samples), ("replications", replications), ("seed", seed)):
        if value is not None:
            data[key] = value
    cli_set = dict(parse_override(text) for text in overrides)
    if cli_set:
        if not isinstance(data.get("set", {}), dict):
            raise InputError(path, "set", "must be a mapping of scenario keys to values", got=data["set"])
        data["set"] = {**data.get("set", {}), **cli_set}
    spec = _validate(ExperimentSpec, data, path, "")
    parameters = {key: _validate(ParameterSpec, raw, path, f"parameters.{key}") for key, raw in spec.parameters.items()}
    _check_design(spec, parameters, path)
    if spec.model == SIMULATOR:
        return _simulator_experiment(path, spec, parameters, cli_set)
    return _stand_in_experiment(path, spec, parameters, allow_code)


def _validate[M: BaseModel](model: type[M], data: Any, source: Path, prefix: str) -> M:
    if not isinstance(data, Mapping):
        raise InputError(source, prefix, "must be a mapping", got=data)
    try:
        return validate_model(model, data)
    except ValidationError as exc:
        where, problem, got = explain(model, exc)
        label = ".".join(p for p in (prefix, where) if p)
        raise InputError(source, label, problem, got=got) from None


def _check_design(spec: ExperimentSpec, parameters: dict[str, ParameterSpec], source: Path) -> None:
    if spec.design in SAMPLED and spec.samples is None:
        raise InputError(source, "samples", f"is required for a {spec.design} design")
    if spec.design == "grid":
        if spec.samples is not None:
            raise InputError(source, "samples", "applies to lhs, sobol and morris designs; a grid uses every value")
        for key, p in parameters.items():
            if p.values is None and p.levels is None:
                raise InputError(source, f"parameters.{key}", "a grid needs values: [...], or levels: with a range")
    else:
        for key, p in parameters.items():
            if p.levels is not None:
                raise InputError(source, f"parameters.{key}.levels", f"applies to grid designs, not {spec.design}")
    if spec.design == "sobol" and spec.samples is not None and spec.samples & (spec.samples - 1):
        raise InputError(
            source, "samples", "must be a power of 2 for a Sobol design (e.g. 64, 128, 256)", got=spec.samples
        )
    if spec.second_order and spec.design != "sobol":
        raise InputError(source, "second_order", "applies to sobol designs only")
    if spec.design == "sobol" and len(parameters) < 2:
        raise InputError(source, "parameters", "a Sobol design needs at least 2 parameters")


def _names_outcomes(
    spec: ExperimentSpec, source: Path, known: list[str] | None
) -> tuple[tuple[str, ...], dict[str, tuple[str, int]]]:
    names: list[str] = []
    points: dict[str, tuple[str, int]] = {}
    for idx, item in enumerate(spec.outcomes):
        label = f"outcomes[{idx}]"
        if isinstance(item, str):
            if known is not None and item not in known:
                close = difflib.get_close_matches(item, known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise InputError(source, label, f"unknown summary figure; {hint}allowed: {', '.join(known)}", got=item)
            names.append(item)
            continue
        if known is None:
            raise InputError(source, label, "must be the name of a value the model returns", got=item)
        curve = _validate(CurveOutcome, item, source, label)
        for step in curve.steps:
            name = curve_point_name(curve.curve, step)
            points[name] = (curve.curve, step)
            names.append(name)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(source, "outcomes", f"each outcome once ({', '.join(dup)} repeated)")
    clash = sorted(set(names) & set(RESERVED))
    if clash:
        raise InputError(source, "outcomes", f"{clash[0]} is a reserved column name")
    return tuple(names), points


def _check_discovery(spec: ExperimentSpec, outcomes: tuple[str, ...], source: Path) -> None:
    if spec.discovery is not None and spec.discovery.outcome not in outcomes:
        raise InputError(
            source,
            "discovery.outcome",
            f"must be one of the outcomes: {', '.join(outcomes)}",
            got=spec.discovery.outcome,
        )


def _simulator_experiment(
    path: Path, spec: ExperimentSpec, parameters: dict[str, ParameterSpec], cli_set: dict[str, Any]
) -> Experiment:
    base_file = None
    if spec.base is not None:
        base_file = path.parent / spec.base
        if not base_file.is_file():
            raise InputError(
                path, "base", f"no scenario file at {base_file} (paths are relative to the experiment)", got=spec.base
            )
    base = load_scenario(base_file)
    data = base.model_dump()
    for key, value in spec.set.items():
        source = "--set" if key in cli_set else str(path)
        resolved = resolve_key(key, data, source, f"set.{key}")
        data = _checked(data, {resolved: value}, source, f"set.{key}")
    base = validate(data, path)
    base_data = base.model_dump()

    keys: dict[str, ScenarioKey] = {}
    resolved_params: list[Parameter] = []
    for key, p in parameters.items():
        label = f"parameters.{key}"
        if key in RESERVED:
            raise InputError(path, label, "is a reserved column name")
        k = resolve_key(key, base_data, str(path), label)
        if k.path in {LEVERS.get(s, s) for s in spec.set}:
            raise InputError(path, label, "is also fixed under set:; vary it or fix it, not both")
        if p.relative is not None:
            p = _relative_range(p, k, value_at(base_data, k.path), path, label)
        param = _resolve_parameter(key, k.kind, p, path, label)
        for value in param.values or (param.low, param.high):
            _checked(base_data, {k: value}, str(path), f"{label}.{_which(param, value)}")
        keys[key] = k
        resolved_params.append(param)

    outcomes, points = _names_outcomes(spec, path, summary_figure_names(base))
    _check_curve_steps(points, base, keys, resolved_params, path)
    _check_discovery(spec, outcomes, path)
    draws: tuple[dict[str, Any], ...] = ()
    if spec.from_posterior is not None:
        fixed = {LEVERS.get(k, k) for k in spec.set}
        drawn, draws = sweep_draws(
            spec.from_posterior,
            path,
            base_data,
            replications=spec.replications,
            seed=spec.seed,
            taken=keys,
            fixed=fixed,
        )
        keys |= drawn
    return Experiment(path, spec, base, tuple(resolved_params), keys, outcomes, points, posterior_draws=draws)


def _which(param: Parameter, value: Any) -> str:
    if param.values is not None:
        return f"values[{param.values.index(value)}]"
    return "min" if value == param.low else "max"


def _checked(data: dict[str, Any], values: dict[ScenarioKey, Any], source: str, label: str) -> dict[str, Any]:
    """``data`` with ``values`` applied, validated as a scenario; errors name ``label``."""
    try:
        return validate(apply_values(data, values), source).model_dump()
    except InputError as exc:
        raise InputError(source, label, exc.problem, got=exc.got) from None


def apply_values(data: dict[str, Any], values: Mapping[ScenarioKey, Any]) -> dict[str, Any]:
    """A scenario mapping with parameter values set (flat levers such as joint_funding included).

    Args:
        data: The base scenario's mapping.
        values: One design point's value per resolved key.

    Returns:
        The mapping with the values set.
    """
    special = {k.key: v for k, v in values.items() if k.key in SPECIAL_LEVERS}
    for k, v in values.items():
        if k.key not in SPECIAL_LEVERS:
            data = apply_override(data, k.path, v)
    if special:
        data = with_levers(validate(data, "design point"), special).model_dump()
    return data


def _relative_range(p: ParameterSpec, k: ScenarioKey, default: Any, source: Path, label: str) -> ParameterSpec:
    """``relative: r`` as min and max around the base scenario's value, kept inside the allowed range."""
    if not k.numeric or isinstance(default, bool) or not isinstance(default, int | float):
        raise InputError(source, f"{label}.relative", f"needs a numeric parameter (this one takes {k.kind} values)")
    r = float(p.relative)  # type: ignore[arg-type]
    low, high = sorted((default * (1 - r), default * (1 + r)))
    if k.kind == "int":
        low, high = math.floor(low), math.ceil(high)
    low = max(low, k.lowest) if k.lowest is not None else low
    high = min(high, k.highest) if k.highest is not None else high
    if low >= high:
        raise InputError(
            source, f"{label}.relative", f"gives no range around the base value {default}; give min: and max:"
        )
    return ParameterSpec(min=low, max=high, levels=p.levels)


def _resolve_parameter(key: str, kind: ValueKind, p: ParameterSpec, source: Path, label: str) -> Parameter:
    if p.values is not None:
        values = tuple(_coerce(kind, v, source, f"{label}.values[{i}]") for i, v in enumerate(p.values))
        if len(set(map(repr, values))) != len(values):
            raise InputError(source, f"{label}.values", "each value once", got=list(p.values))
        return Parameter(key, kind, values=values)
    if kind not in ("int", "float"):
        raise InputError(source, label, f"takes {kind} values: give values: [...] instead of min and max")
    low, high = float(p.min), float(p.max)  # type: ignore[arg-type]
    if kind == "int" and not (low.is_integer() and high.is_integer()):
        raise InputError(source, label, "takes whole numbers: min and max must be whole", got=[p.min, p.max])
    return Parameter(key, kind, low=low, high=high, levels=p.levels)


def _coerce(kind: ValueKind, value: Any, source: Path, label: str) -> Any:
    if kind in ("int", "float"):
        number = f"must be a {'whole ' if kind == 'int' else ''}number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(source, label, number, got=value)
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(source, label, number, got=value)
        if kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise InputError(source, label, "must be a whole number", got=value)
            if not -(2**63) <= value < 2**63:  # the results table stores 64-bit whole numbers
                raise InputError(source, label, "must be a whole number from -2**63 to 2**63-1", got=value)
            return int(value)
        try:
            return float(value)
        except OverflowError:  # a whole number of hundreds of digits
            raise InputError(source, label, f"{number} within the range of a float (about 1e308)", got=value) from None
    if kind == "bool" and not isinstance(value, bool):
        raise InputError(source, label, "must be true or false", got=value)
    return value


def _infer_kind(p: ParameterSpec) -> ValueKind:
    if p.values is None:
        return "float"
    if all(isinstance(v, bool) for v in p.values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in p.values):
        return "int"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in p.values):
        return "float"
    return "other"


def _check_curve_steps(
    points: dict[str, tuple[str, int]],
    base: Scenario,
    keys: dict[str, ScenarioKey],
    params: list[Parameter],
    source: Path,
) -> None:
    shortest = base.simulation.steps
    for param in params:
        if keys[param.key].path == "simulation.steps":
            shortest = int(min(param.values) if param.values is not None else param.low)  # type: ignore[type-var]
    for name, (_curve, step) in points.items():
        if step > shortest:
            raise InputError(
                source, "outcomes", f"{name}: month {step} is past the end of the shortest run ({shortest} steps)"
            )


def _stand_in_experiment(
    path: Path, spec: ExperimentSpec, parameters: dict[str, ParameterSpec], allow_code: bool
) -> Experiment:
    if spec.base is not None or spec.set:
        raise InputError(path, "base" if spec.base is not None else "set", f"applies to the {SIMULATOR} model only")
    check_reference(spec.model, path, allow_code=allow_code)  # imports nothing: the sweep does, when it starts
    params = []
    for key, p in parameters.items():
        if key in RESERVED or not key.isidentifier():
            raise InputError(path, f"parameters.{key}", "must be a keyword argument name of the model function")
        if p.relative is not None:
            raise InputError(path, f"parameters.{key}.relative", f"applies to the {SIMULATOR} model only (no defaults)")
        params.append(_resolve_parameter(key, _infer_kind(p), p, path, f"parameters.{key}"))
    outcomes, points = _names_outcomes(spec, path, None)
    _check_discovery(spec, outcomes, path)
    return Experiment(path, spec, None, tuple(params), {}, outcomes, points, allow_code=allow_code)
