"""Which levers differ between resolved scenarios, in dotted keys, with their evidence grades.

Keys are the ones ``--set`` accepts (``funding.grant_duration_months``,
``innovations.3.benefit``): lists are indexed by position. A comparison's findings
lean on exactly these keys, so each carries the grade and source the schema gives
it (``sasci_sim.config.paramtable.rows``); settings the schema does not grade say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from sasci_sim.config.paramtable import rows
from sasci_sim.config.schema import Scenario

#: Absent from a scenario (e.g. a funder that only the other scenario has).
ABSENT = "(absent)"
#: Grades from weakest to strongest; "ungraded" settings are not parameters with a source.
GRADES = ("assumption", "weak", "moderate", "strong")
#: Not levers: labels, and the replication settings a comparison shares (they change luck, not outcomes).
NOT_LEVERS = frozenset({"name", "title", "description", "simulation.replications", "simulation.seed"})


@dataclass(frozen=True)
class LeverDiff:
    """One lever that differs between scenarios, with what readers need to weigh it.

    Attributes:
        key: The dotted scenario key.
        values: One value per scenario, ``ABSENT`` where a scenario has none.
        meaning: The parameter's description from the schema.
        grade: Its evidence grade (one of ``GRADES``), or "ungraded".
        source: Its source key(s) from ``config.params.SOURCES``.
    """

    key: str
    values: tuple[Any, ...]  # one per scenario, ABSENT where missing
    meaning: str
    grade: str  # one of GRADES, or "ungraded"
    source: str


def _branches(value: Any) -> bool:
    """Mappings and lists of mappings are walked into; lists of plain values are one value."""
    if isinstance(value, Mapping):
        return bool(value)
    return isinstance(value, list) and any(isinstance(v, Mapping) for v in value)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings and lists of mappings -> {dotted key: leaf value}.

    Args:
        data: A scenario dump (mappings, lists of mappings, plain values).
        prefix: The dotted key of ``data`` itself; empty at the top.

    Returns:
        Every leaf under its dotted key; list items are keyed by their index.
    """
    if not _branches(data):
        return {prefix: data}
    items = data.items() if isinstance(data, Mapping) else enumerate(data)
    out: dict[str, Any] = {}
    for key, value in items:
        child = f"{prefix}.{key}" if prefix else str(key)
        out.update(flatten(value, child))
    return out


def group(key: str) -> str:
    """The lever a key belongs to: up to its first list index (``funding.funders.0.name`` -> ``funding.funders``).

    A funder or innovation is one lever, so its fields are reported together.

    Args:
        key: A dotted key as ``flatten`` makes it.

    Returns:
        The key up to its first list index, or the key itself.
    """
    parts = key.split(".")
    for i, part in enumerate(parts):
        if part.isdigit():
            return ".".join(parts[:i])
    return key


def schema_key(key: str) -> str:
    """``funding.funders.0.budget_share`` -> ``funding.funders[].budget_share`` (the table's form).

    Args:
        key: A dotted key with list indices.

    Returns:
        The same key with each index written ``[]``, as the parameter table names it.
    """
    return re.sub(r"\.\d+(?=\.|$)", "[]", key)


@cache
def _graded() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in rows()}


def _field_doc(key: str) -> str:
    """The schema's description of a dotted key (list indices skipped), or ""."""
    model: Any = Scenario
    doc = ""
    for part in key.split("."):
        if part.isdigit():
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return ""
        doc = field.description or ""
        candidates = [field.annotation, *getattr(field.annotation, "__args__", ())]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return doc


def describe(key: str) -> tuple[str, str, str]:
    """(meaning, grade, source) of a dotted key; grade "ungraded" if the schema gives none.

    Args:
        key: A dotted key with or without list indices.

    Returns:
        The parameter's meaning, evidence grade and source keys; for a field the table does not
        trace (a name, say), its description, "ungraded" and "". A calibrated parameter keeps its
        declared grade (its prior's, weak or assumption) here: findings are graded by what the
        evidence says of it, and the anchors may not have narrowed it.
    """
    row = _graded().get(schema_key(key))
    if row is None:
        return _field_doc(key), "ungraded", ""
    return row["meaning"], row["declared_grade"], row["source"]


def lever_differences(scenarios: Sequence[Scenario]) -> list[LeverDiff]:
    """Keys whose resolved values differ between any of the scenarios, in schema order.

    Labels and the shared replication settings are not levers and are left out.

    Args:
        scenarios: Resolved scenarios, in the order their values are reported.

    Returns:
        One ``LeverDiff`` per key that differs, in the order the keys first appear.
    """
    flats = [flatten(s.model_dump(mode="json")) for s in scenarios]
    keys: list[str] = []
    seen: set[str] = set()
    for flat in flats:
        for key in flat:
            if key not in seen:
                seen.add(key)
                keys.append(key)
    out = []
    for key in keys:
        if key in NOT_LEVERS or key.split(".")[0] in NOT_LEVERS:
            continue
        values = tuple(flat.get(key, ABSENT) for flat in flats)
        if all(v == values[0] for v in values[1:]):
            continue
        meaning, grade, source = describe(key)
        out.append(LeverDiff(key, values, meaning, grade, source))
    return out


def weakest(grades: Sequence[str]) -> str | None:
    """The weakest schema grade among ``grades`` (None if none is graded).

    A finding resting on several levers is only as strong as its weakest one.

    Args:
        grades: Evidence grades, possibly with "ungraded" among them.

    Returns:
        The weakest of them in ``GRADES`` order, or None.
    """
    graded = [g for g in grades if g in GRADES]
    return min(graded, key=GRADES.index) if graded else None
