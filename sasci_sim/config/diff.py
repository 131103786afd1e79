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
    """Nested mappings and lists of mappings -> {dotted key: leaf value}."""
    if not _branches(data):
        return {prefix: data}
    items = data.items() if isinstance(data, Mapping) else enumerate(data)
    out: dict[str, Any] = {}
    for key, value in items:
        child = f"{prefix}.{key}" if prefix else str(key)
        out.update(flatten(value, child))
    return out


def group(key: str) -> str:
    """The lever a key belongs to: up to its first list index (``funding.funders.0.name`` -> ``funding.funders``)."""
    parts = key.split(".")
    for i, part in enumerate(parts):
        if part.isdigit():
            return ".".join(parts[:i])
    return key


def schema_key(key: str) -> str:
    """``funding.funders.0.budget_share`` -> ``funding.funders[].budget_share`` (the table's form)."""
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
    """(meaning, grade, source) of a dotted key; grade "ungraded" if the schema gives none."""
    row = _graded().get(schema_key(key))
    if row is None:
        return _field_doc(key), "ungraded", ""
    return row["meaning"], row["grade"], row["source"]


def lever_differences(scenarios: Sequence[Scenario]) -> list[LeverDiff]:
    """Keys whose resolved values differ between any of the scenarios, in schema order."""
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
    """The weakest schema grade among ``grades`` (None if none is graded)."""
    graded = [g for g in grades if g in GRADES]
    return min(graded, key=GRADES.index) if graded else None
