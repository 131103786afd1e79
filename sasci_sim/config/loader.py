"""Reading scenario files: safe YAML, ``extends``, ``--set`` overrides, one-line errors.

Data flows one way: file -> plain mapping (parents merged first) -> overrides ->
pydantic validation -> :class:`~sasci_sim.config.schema.Scenario`. Any problem
becomes an :class:`~sasci_sim.errors.InputError` naming file, field and what
is allowed.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import signal
import stat
import threading
import time
import typing
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sasci_sim.config.params import allowed_range
from sasci_sim.config.schema import LEVERS, Scenario, joint_fund
from sasci_sim.errors import InputError, show_value

MAX_FILE_BYTES = 2_000_000
MAX_EXTENDS_DEPTH = 20
#: A scenario file is read in well under a second; a read that takes longer is a stalled disk.
MAX_READ_SECONDS = 10.0
#: What a file named by ``extends`` must end with: a scenario file, never a key or password file.
SCENARIO_SUFFIXES = (".yaml", ".yml")
#: The scenarios shipped inside the package (the baseline, the lessons).
PACKAGE_DATA = Path(__file__).resolve().parents[1] / "data"


#: What PyYAML's constructors raise for a value they cannot build (2001-13-45, !!int abc, 0x_, !!bool maybe).
_BAD_VALUE = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and reports bad values at their line.

    A silent override by a repeated key is a lost edit; a value it cannot build is reported as
    a YAML error at its line, not as a Python exception.
    """

    #: Whether messages may quote the file's values (not for a parent reached through extends).
    echo = True

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except _BAD_VALUE as exc:
            scalar = isinstance(node, yaml.ScalarNode)
            what = (f"the value {show_value(node.value)}" if self.echo else "a value") if scalar else f"this {node.id}"
            why = f" ({exc})" if isinstance(exc, ValueError) and self.echo else ""
            problem = f"cannot read {what} as {node.tag.rsplit(':', 1)[-1]}{why}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A mapping with no key written twice; keys a merge (``<<: *anchor``) brings in may be overridden.

    ``flatten_mapping`` puts the merged pairs first, then the pairs written here: a written key
    replaces a merged one (as YAML's merge key specifies), but two written keys are a lost edit.
    """
    written = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    seen: set[Any] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be plain text (got {type(key).__name__})", key_node.start_mark
            )
        if id(key_node) in written:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {show_value(key)}", key_node.start_mark
                )
            seen.add(key)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class NumberText(float):
    """A number written like ``8e-4`` or ``1e5``: YAML 1.1 reads it as text, YAML 1.2 as a number.

    It is a number here (as in YAML 1.2 and to anyone who writes one), and keeps what was
    written: where the schema wants text (a name, a description), the text is used instead,
    so nothing YAML 1.1 accepted as text is refused.
    """

    text: str

    def __reduce__(self) -> tuple[type, tuple[float]]:
        """Pickle as a plain float, so a scenario sent to a worker carries no loader type."""
        return float, (float(self),)  # a plain number once it leaves the loader


_EXPONENT_TAG = "tag:sasci-sim,2026:exponent-number"
_StrictLoader.add_implicit_resolver(
    _EXPONENT_TAG, re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _construct_exponent(loader: _StrictLoader, node: yaml.ScalarNode) -> NumberText:
    value = NumberText(loader.construct_yaml_float(node))
    value.text = node.value
    return value


_StrictLoader.add_constructor(_EXPONENT_TAG, _construct_exponent)


def read_yaml(path: Path, what: str = "scenario", *, echo: bool = True) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` safely, or raise a one-line InputError.

    The read is bounded in size (``MAX_FILE_BYTES``) and time (``MAX_READ_SECONDS``), the file is
    opened without blocking and checked on the open handle (a FIFO, a device or ``/proc/kmsg``
    never stalls it), and nothing of a file that is not a mapping is echoed into the message.

    Args:
        path: The file.
        what: What the file should be (``scenario``, ``experiment``), for messages.
        echo: Whether messages may quote the file's values (False for a file reached through
            ``extends``: only its name and the line are given).

    Returns:
        The mapping the file holds.
    """
    raw = _read_bounded(Path(path), what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "", "is not UTF-8 text (a YAML file is expected)") from None
    if "\x00" in text:
        raise InputError(path, "", "contains NUL bytes (a YAML text file is expected)")
    try:
        data = _load_bounded(text, echo=echo)
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
        raise InputError(path, "", f"must be a YAML mapping of sections, not a {type(data).__name__}")
    return data


#: Pseudo file systems: their "regular" files are kernel interfaces (``/proc/kmsg`` blocks for ever).
_SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"))


def _read_bounded(path: Path, what: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_FILE_BYTES``, read within ``MAX_READ_SECONDS``."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise InputError(path, "", "cannot read file (a symbolic link that loops)") from None
    if any(real.is_relative_to(folder) for folder in _SYSTEM_FOLDERS):
        raise InputError(path, "", f"is a system file ({real.parts[1]}), not a {what} file")
    with _time_limit(MAX_READ_SECONDS):
        try:
            return _read_regular(path, what)
        except _ReadTimeout:
            raise InputError(
                path, "", f"could not be read within {MAX_READ_SECONDS:g} s (a stalled disk or network?)"
            ) from None


class _ReadTimeout(Exception):
    """A file read took longer than ``MAX_READ_SECONDS``."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a blocking read after ``seconds`` (an interval timer; main thread only, else no limit).

    A timer, not a reading thread: a thread would reserve its own stack and memory arena, which
    under a tight ``ulimit -v`` is the difference between checking a scenario and refusing it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise _ReadTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    earlier, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier > 0:  # someone else's timer (a test timeout, say) runs on with what it had left
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - started), 1e-3))


def _read_regular(path: Path, what: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "", f"is a folder, not a {what} file") from None
    except OSError as exc:
        raise InputError(path, "", f"cannot read file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)  # the file opened, not whatever the name points to a moment later
    except OSError as exc:
        os.close(fd)
        raise InputError(path, "", f"cannot read file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise InputError(path, "", f"is a folder, not a {what} file")
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(info.st_mode):  # /dev/zero would fill memory, a FIFO would block forever
                raise InputError(
                    path, "", f"is not a regular file (a device, pipe or socket); a {what} file is expected"
                )
            if info.st_size > MAX_FILE_BYTES:
                raise InputError(
                    path, "", f"file is too large for a {what} ({info.st_size} bytes; at most {MAX_FILE_BYTES})"
                )
            raw = handle.read(MAX_FILE_BYTES + 1)  # bounded, even if the file grows after stat
        except OSError as exc:
            raise InputError(path, "", f"cannot read file ({exc.strerror})") from None
    if raw is None:  # a non-blocking read with nothing to give
        raise InputError(path, "", "cannot read file (nothing to read without waiting)")
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(path, "", f"file is too large for a {what} (more than {MAX_FILE_BYTES} bytes)")
    return raw


def _load_bounded(text: str, *, echo: bool = True) -> Any:
    """Parse YAML, refusing alias expansions that would blow up (billion laughs)."""
    loader = _StrictLoader(text)
    loader.echo = echo
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

    A parent must be a scenario file (``.yaml`` or ``.yml``), never a system file (/proc, /sys),
    and nothing of it is echoed into a message but its name: ``extends`` can never be used to
    print a key or password file into a log.

    Args:
        path: The scenario file.
        chain: The files that led here (to refuse cycles and chains too deep).

    Returns:
        The merged mapping, without ``extends``.
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
    data = read_yaml(path, echo=not chain)  # a parent's values are never quoted
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(path, "extends", "must be a path to another scenario file, relative to this one", got=parent)
    target = path.parent / parent
    if not target.is_file():
        raise InputError(path, "extends", f"no scenario file at {target}", got=parent)
    if target.suffix.lower() not in SCENARIO_SUFFIXES:
        raise InputError(path, "extends", "must name a scenario file ending in .yaml or .yml", got=parent)
    return merge(resolve_extends(target, (*chain, real)), data)


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key.path=value``; the value is read as YAML (numbers, booleans, lists).

    Args:
        text: One ``--set`` argument.

    Returns:
        The key as written and the value read.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError("--set", "", "expects key.path=value, e.g. funding.grant_duration_months=60", got=text)
    try:
        value = _load_bounded(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    except RecursionError:
        raise InputError("--set", key, "the value is nested too deeply") from None
    return key, value


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds, or holds a list of (``list[Innovation]`` -> Innovation)."""
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    for candidate in candidates:
        inner = [a for a in typing.get_args(candidate) if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            return inner[0]
    return None


def _default_of(model: type[BaseModel] | None, name: str) -> Any:
    """The schema's default of ``model.name`` as plain data (None if it has none or is not a section)."""
    field = model.model_fields.get(name) if model is not None else None
    if field is None or field.is_required():
        return None
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    return None


def apply_override(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Set a dotted key (``innovations.0.benefit`` indexes lists) in a nested mapping.

    A section or list the file leaves to its default (the default innovations, funders) is
    filled in from the schema first, so ``innovations.0.benefit`` works on any scenario.

    Args:
        data: The scenario as plain data.
        key: A dotted path, or a flat lever name of ``LEVERS``.
        value: The value to set.

    Returns:
        A copy of ``data`` with the value set.
    """
    key = LEVERS.get(key, key)
    parts = key.split(".")
    out = merge(data, {})
    node: Any = out
    model: type[BaseModel] | None = Scenario
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
        field = model.model_fields.get(part) if model is not None else None
        if last:
            node[part] = value
        else:
            child = node.get(part, _default_of(model, part))
            if isinstance(child, list):
                node[part] = list(child)
            elif isinstance(child, Mapping):
                node[part] = dict(child)
            else:
                node[part] = {}
            node = node[part]
        model = _section_model(field.annotation) if field is not None else None
    return out


def with_joint_fund(data: dict[str, Any], where: str) -> dict[str, Any]:
    """A scenario mapping with its grant programme turned into the pooled joint fund (the ``joint_funding`` lever).

    Args:
        data: The scenario mapping as set so far.
        where: What is being read, for a one-line error if the mapping is not valid.

    Returns:
        The mapping with the settings of ``schema.joint_fund()`` applied.

    Raises:
        InputError: When the mapping so far is not a valid scenario.
    """
    for key, value in joint_fund(validate(data, where)).items():
        data = apply_override(data, key, value)
    return data


def _set_lever(data: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``--set``: a dotted key, or a flat lever; ``joint_funding`` is true or false and moves the grants into the fund."""
    if key != "joint_funding":
        return apply_override(data, key, value)
    if not isinstance(value, bool):
        raise InputError("--set", key, "must be true or false", got=value)
    return with_joint_fund(data, "--set") if value else data


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
    if kind == "string_type" and isinstance(got, bool):  # the Norway problem: `name: no`
        return path, "must be text; YAML reads yes, no, on, off, true and false as true or false: quote it", got
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


def validate_model[M: BaseModel](model: type[M], data: Mapping[str, Any]) -> M:
    """``model.model_validate(data)``, where a number written like ``1e5`` stays text if text is wanted.

    Args:
        model: The pydantic model.
        data: Plain data read from YAML.

    Returns:
        The validated model (pydantic's ValidationError if it is not valid).
    """
    data = dict(data)
    while True:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            texts = [
                (tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))), e["input"])
                for e in exc.errors()
                if e["type"] == "string_type" and isinstance(e.get("input"), NumberText)
            ]
            if not texts:
                raise
            for loc, number in texts:
                data = _replaced(data, loc, number.text)


def _replaced(data: Any, loc: tuple[Any, ...], value: Any) -> Any:
    """``data`` with the value at ``loc`` replaced; the mappings and lists on the way are copied, nothing else."""
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    out = list(data) if isinstance(data, list) else dict(data)
    out[head] = _replaced(data[head], rest, value)
    return out


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
        return validate_model(Scenario, data)
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
        data = _set_lever(data, key, value)
        keys.append(LEVERS.get(key, key))
    try:
        return validate(data, path)
    except InputError as exc:
        if any(exc.field == k or exc.field.startswith(k + ".") or k.startswith(exc.field + ".") for k in keys):
            raise InputError("--set", exc.field, exc.problem, got=exc.got) from None
        raise


def baseline_path() -> Path:
    """The built-in baseline scenario shipped inside the package."""
    return PACKAGE_DATA / "baseline.yaml"
