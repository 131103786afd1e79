"""Reading scenario files: safe YAML, ``extends``, ``--set`` overrides, one-line errors.

Data flows one way: file -> plain mapping (parents merged first) -> overrides ->
pydantic validation -> :class:`~sasci_sim.config.schema.Scenario`. Any problem
becomes an :class:`~sasci_sim.errors.InputError` naming file, field and what
is allowed.
"""

from __future__ import annotations

import difflib
import math
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sasci_sim.config.params import allowed_range
from sasci_sim.config.schema import LEVERS, Scenario
from sasci_sim.errors import InputError

MAX_FILE_BYTES = 2_000_000
MAX_EXTENDS_DEPTH = 20


#: What PyYAML's constructors raise for a value they cannot build (2001-13-45, !!int abc, 0x_, !!bool maybe).
_BAD_VALUE = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and reports bad values at their line.

    A silent override by a repeated key is a lost edit; a value it cannot build is reported as
    a YAML error at its line, not as a Python exception.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except _BAD_VALUE as exc:
            what = f"the value {node.value!r}" if isinstance(node, yaml.ScalarNode) else f"this {node.id}"
            why = f" ({exc})" if isinstance(exc, ValueError) else ""
            problem = f"cannot read {what} as {node.tag.rsplit(':', 1)[-1]}{why}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be plain text (got {type(key).__name__})", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, what: str = "scenario") -> dict[str, Any]:
    """Read a YAML mapping from ``path`` safely, or raise a one-line InputError.

    Duplicate keys, Python tags and alias bombs are refused, so a file cannot silently lose
    an edit or run code.

    Args:
        path: The file to read.
        what: What the file is, for the error message ("scenario", "experiment").

    Returns:
        The top-level mapping.

    Raises:
        InputError: When the file cannot be read, is not YAML or is not a mapping.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # /dev/zero would fill memory, a FIFO would block forever
            raise InputError(path, "", f"is not a regular file (a device, pipe or socket); a {what} file is expected")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(
                path, "", f"file is too large for a {what} ({info.st_size} bytes; at most {MAX_FILE_BYTES})"
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # bounded, even if the file grows after stat
        if len(raw) > MAX_FILE_BYTES:
            raise InputError(path, "", f"file is too large for a {what} (more than {MAX_FILE_BYTES} bytes)")
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "", f"is a folder, not a {what} file") from None
    except OSError as exc:
        raise InputError(path, "", f"cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "", "is not UTF-8 text (a YAML file is expected)") from None
    if "\x00" in text:
        raise InputError(path, "", "contains NUL bytes (a YAML text file is expected)")
    try:
        data = _load_bounded(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(path, "", f"invalid YAML: {where}{problem}") from None
    except RecursionError:
        raise InputError(path, "", "invalid YAML: nested too deeply") from None
    if data is None:
        raise InputError(path, "", f"is empty; a {what} is a YAML mapping with at least a name")
    if not isinstance(data, dict):
        raise InputError(path, "", f"must be a YAML mapping of sections, not a {type(data).__name__}", got=data)
    return data


def _load_bounded(text: str) -> Any:
    """Parse YAML, refusing alias expansions that would blow up (billion laughs)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > 1_000_000:
            raise yaml.YAMLError("too many aliased nodes (an alias bomb?)")
        return loader.construct_document(node) if node is not None else None
    except _BAD_VALUE as exc:  # raised after construct_object returned (PyYAML's deferred constructors)
        raise yaml.YAMLError(f"cannot read a value ({exc})") from None
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    if isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        total = 1
    memo[key] = total
    return total


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two mappings: nested mappings merge, anything else is replaced.

    Args:
        base: The mapping merged into (left unchanged).
        over: The mapping whose values win.

    Returns:
        A new mapping; lists are replaced whole, not merged.
    """
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_extends(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario and the files it extends, parents first, into one mapping.

    Args:
        path: The scenario file.
        chain: The files already being read, to refuse cycles.

    Returns:
        The merged mapping, without the ``extends`` key.

    Raises:
        InputError: On a cycle, a chain deeper than ``MAX_EXTENDS_DEPTH`` or a missing parent.
    """
    path = Path(path)
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise InputError(path, "", "cannot read file (a symbolic link that loops)") from None
    if real in chain:
        cycle = " -> ".join(p.name for p in (*chain, real))
        raise InputError(path, "extends", f"circular extends ({cycle})")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise InputError(path, "extends", f"extends chain deeper than {MAX_EXTENDS_DEPTH} files")
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(path, "extends", "must be a path to another scenario file, relative to this one", got=parent)
    target = path.parent / parent
    if not target.is_file():
        raise InputError(path, "extends", f"no scenario file at {target}", got=parent)
    return merge(resolve_extends(target, (*chain, real)), data)


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key.path=value``; the value is read as YAML (numbers, booleans, lists).

    Args:
        text: One ``--set`` argument.

    Returns:
        The key and its value (text when it is not valid YAML).

    Raises:
        InputError: When there is no ``=`` or no key.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError("--set", "", "expects key.path=value, e.g. funding.grant_duration_months=60", got=text)
    try:
        value = _load_bounded(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key, value


def apply_override(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Set a dotted key (``innovations.0.benefit`` indexes lists) in a nested mapping.

    Flat lever names (``LEVERS``) are accepted as keys too.

    Args:
        data: The scenario mapping (left unchanged).
        key: A dotted key or lever name.
        value: The value to set.

    Returns:
        A copy of ``data`` with the key set, sections created as needed.

    Raises:
        InputError: When a list index is out of range or a part of the key is not a section.
    """
    key = LEVERS.get(key, key)
    parts = key.split(".")
    out = merge(data, {})
    node: Any = out
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError("--set", key, f"list index must be 0 to {len(node) - 1}", got=part)
            idx = int(part)
            if last:
                node[idx] = value
            else:
                node[idx] = merge(node[idx], {}) if isinstance(node[idx], Mapping) else node[idx]
                node = node[idx]
            continue
        if not isinstance(node, dict):
            raise InputError("--set", key, f"{'.'.join(parts[:depth])} is not a section", got=node)
        if last:
            node[part] = value
        else:
            child = node.get(part)
            if isinstance(child, list):
                node[part] = list(child)
            elif isinstance(child, Mapping):
                node[part] = dict(child)
            else:
                node[part] = {}
            node = node[part]
    return out


def field_path(loc: Iterable[Any]) -> str:
    """Render a pydantic location as ``section.key`` or ``innovations[2].kind``.

    Args:
        loc: A pydantic error location (keys and list indices).

    Returns:
        The path as a user writes it in a scenario file.
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _schema_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc``."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return current


def explain(model: type[BaseModel], exc: ValidationError) -> tuple[str, str, Any]:
    """Turn pydantic's first error into (field path, what is wrong and allowed, got).

    Args:
        model: The schema validated against, to list allowed keys for an unknown one.
        exc: The validation error.

    Returns:
        The field path, the problem said as what is allowed, and the offending value (``...``
        when there is none to show).
    """
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path = field_path(loc)
    kind = err["type"]
    got = err.get("input", ...)
    owner = _schema_at(model, loc) if loc else None
    if kind == "extra_forbidden" and owner is not None:
        allowed = sorted(owner.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return path, f"unknown key; {hint}allowed keys: {', '.join(allowed)}", ...
    if kind == "missing":
        return path, "is required", ...
    name = str(loc[-1]) if loc else ""
    if owner is not None and name in owner.model_fields:
        field = owner.model_fields[name]
        unit = (field.json_schema_extra or {}).get("unit") if isinstance(field.json_schema_extra, dict) else None
        rng = allowed_range(owner, name)
        if kind in {"literal_error", "bool_parsing", "bool_type"} and rng:
            return path, f"must be {rng}", got
        numeric = {"float_parsing", "int_parsing", "float_type", "int_type", "int_from_float", "finite_number"}
        not_a_number = kind == "value_error" and err["msg"].startswith("Value error, must be a")
        if kind in numeric or not_a_number or (rng and kind.startswith(("greater_than", "less_than"))):
            expected = "a whole number" if field.annotation is int else "a number"
            if kind == "finite_number":
                expected = "a finite number"
            allowed = f"must be {expected}" + (f" {rng}" if rng else "") + (f" ({unit})" if unit else "")
            return path, allowed, got
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return path, message[0].lower() + message[1:], got


def _reject_non_finite(source: Path | str, data: Any, path: str = "") -> None:
    """NaN and infinities are never meaningful levers: reject them before pydantic."""
    if isinstance(data, float) and not math.isfinite(data):
        raise InputError(source, path, "must be a finite number", got=data)
    if isinstance(data, dict):
        for key, value in data.items():
            _reject_non_finite(source, value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for idx, value in enumerate(data):
            _reject_non_finite(source, value, f"{path}[{idx}]")


def validate(data: Mapping[str, Any], source: Path | str) -> Scenario:
    """Validate a plain mapping as a Scenario, or raise a one-line InputError.

    Args:
        data: A scenario mapping, as read from YAML.
        source: The file named in errors.

    Returns:
        The validated scenario.

    Raises:
        InputError: On the first problem, NaN and infinities included.
    """
    try:
        _reject_non_finite(source, data)
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        field, problem, got = explain(Scenario, exc)
        raise InputError(source, field, problem, got=got) from None
    except RecursionError:
        raise InputError(source, "", "nested too deeply") from None


def load_scenario(path: str | Path | None = None, overrides: Iterable[str] = ()) -> Scenario:
    """Load a scenario file (or the built-in baseline), apply ``key=value`` overrides.

    Args:
        path: The scenario file; the built-in baseline when None.
        overrides: ``key=value`` texts, applied in order after ``extends``.

    Returns:
        The validated scenario, named after the file when it has no name.

    Raises:
        InputError: On any problem; an error in an overridden key names ``--set``.
    """
    path = Path(path) if path is not None else baseline_path()
    data = resolve_extends(path)
    if "name" not in data:
        data["name"] = path.stem
    keys = []
    for text in overrides:
        key, value = parse_override(text)
        data = apply_override(data, key, value)
        keys.append(LEVERS.get(key, key))
    try:
        return validate(data, path)
    except InputError as exc:
        if any(exc.field == k or exc.field.startswith(k + ".") or k.startswith(exc.field + ".") for k in keys):
            raise InputError("--set", exc.field, exc.problem, got=exc.got) from None
        raise


def baseline_path() -> Path:
    """The built-in baseline scenario shipped inside the package.

    Returns:
        The path of ``sasci_sim/data/baseline.yaml``.
    """
    return Path(__file__).resolve().parents[1] / "data" / "baseline.yaml"
