"""Dotted scenario keys named by an experiment: checked against the scenario schema.

An experiment varies or fixes scenario values by key (``regulation.flexibility``,
``innovations.3.benefit``, or a flat lever name from ``sasci_sim.LEVERS``). A key
is resolved here once, before any run, so a typo is a one-line error with a
suggestion rather than a thousand failed runs.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError

ValueKind = Literal["int", "float", "bool", "other"]

#: Flat levers that are not a plain scenario value (handled by ``sasci_sim.model.social_care.with_levers``):
#: ``joint_funding`` true moves the grants' money into the pooled joint fund (``config.schema.joint_fund()``).
SPECIAL_LEVERS: dict[str, ValueKind] = {"joint_funding": "bool"}


@dataclass(frozen=True)
class ScenarioKey:
    """A resolved key: the scenario path it sets and the type of value it takes."""

    key: str  # as written in the experiment
    path: str  # dotted scenario path (flat lever names resolved)
    kind: ValueKind
    lowest: float | None = None  # the schema's allowed range, where it has one
    highest: float | None = None

    @property
    def numeric(self) -> bool:
        """Whether the key takes a number (so it has a range to sample)."""
        return self.kind in ("int", "float")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    candidates = [annotation, *typing.get_args(annotation)]
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)


def _value_kind(annotation: Any) -> ValueKind:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _value_kind(args[0]) if len(args) == 1 else "other"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "other"


def _bound(metadata: list[Any], *names: str) -> float | None:
    """A field's bound from its annotated-types constraints (``Ge``, ``Gt``, ``Le``, ``Lt``)."""
    for constraint in metadata:
        for name in names:
            value = getattr(constraint, name, None)
            if value is not None:
                return float(value)
    return None


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path of a scenario mapping (list items by index).

    Args:
        data: A scenario mapping.
        path: A dotted path.

    Returns:
        The value there.
    """
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def known_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every settable leaf key of the schema (list items shown as ``innovations.0.benefit``).

    Args:
        model: The schema class to walk.
        prefix: The dotted prefix of its keys.

    Returns:
        The keys, for suggestions when a key is misspelt.
    """
    out: list[str] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        inner = _model_in(field.annotation)
        if inner is None:
            out.append(key)
        elif typing.get_origin(field.annotation) is list:
            out.extend(known_keys(inner, f"{key}.0."))
        else:
            out.extend(known_keys(inner, f"{key}."))
    return out


def _unknown(source: str, label: str, key: str) -> InputError:
    choices = known_keys() + sorted(LEVERS)
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return InputError(source, label, f"unknown scenario key; {hint}`sasci-sim params` lists the keys")


def resolve_key(key: str, base: dict[str, Any], source: str, label: str) -> ScenarioKey:
    """Check ``key`` against the schema (and list lengths in ``base``); ``label`` names it in errors.

    Args:
        key: A dotted key or flat lever name, as written.
        base: The base scenario's mapping.
        source: The file named in errors.
        label: Where the key is in the file.

    Returns:
        The resolved key with its value type and allowed range.

    Raises:
        InputError: When the key is unknown, indexes past a list or names a section.
    """
    if key in SPECIAL_LEVERS:
        return ScenarioKey(key, LEVERS[key], SPECIAL_LEVERS[key])
    path = LEVERS.get(key, key)
    model: type[BaseModel] | None = Scenario
    data: Any = base
    parts = path.split(".")
    idx = 0
    while idx < len(parts):
        part = parts[idx]
        if model is None or part not in model.model_fields:
            raise _unknown(source, label, key)
        field = model.model_fields[part]
        data = data.get(part) if isinstance(data, dict) else None
        inner = _model_in(field.annotation)
        if inner is None:
            if idx != len(parts) - 1:
                raise InputError(source, label, f"'{'.'.join(parts[: idx + 1])}' is a value, not a section")
            lowest = _bound(field.metadata, "ge", "gt")
            highest = _bound(field.metadata, "le", "lt")
            return ScenarioKey(key, path, _value_kind(field.annotation), lowest, highest)
        if typing.get_origin(field.annotation) is list:
            idx += 1
            size = len(data) if isinstance(data, list) else 0
            if idx >= len(parts) or not parts[idx].isdigit() or int(parts[idx]) >= size:
                where = ".".join(parts[:idx])
                raise InputError(source, label, f"'{where}' is a list: give an index from 0 to {size - 1}, then a key")
            data = data[int(parts[idx])]
        model = inner
        idx += 1
    raise InputError(source, label, f"'{path}' is a section; name one of its keys: {', '.join(model.model_fields)}")
