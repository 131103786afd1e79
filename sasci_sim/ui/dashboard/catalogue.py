"""What the teaching page's picker offers: the shipped lessons and any scenario files given to it.

A lesson is a scenario file plus a narrative (``sasci_sim/lessons/NAME.yaml`` and ``NAME.md``),
listed in ``sasci_sim/lessons/lessons.yaml``. The built-in baseline and scenario files given
on the command line follow the lessons, with their description in place of a narrative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sasci_sim.config.loader import baseline_path, explain, load_scenario, read_yaml
from sasci_sim.config.schema import Scenario
from sasci_sim.errors import InputError
from sasci_sim.output.wording import FIGURES

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
CATALOGUE = LESSONS_DIR / "lessons.yaml"
SECTIONS = ("What to try", "What to look for", "What students ask", "What the evidence says")


class ClaimSpec(BaseModel):
    """What a lesson's narrative claims, as a comparison the posterior can test.

    The narrative asks the class to change a lever and run again; the claim is that the
    lesson as shipped gives ``direction`` of ``figure`` than the run with ``against``'s changes,
    or than another lesson (``against_lesson``) when the change is that lesson (switching the
    joint fund off gives the funding-cliff lesson exactly).
    """

    model_config = ConfigDict(extra="forbid")
    against: dict[str, str | int | float | bool] | None = Field(
        None,
        min_length=1,
        description="The lever changes (dotted keys, as --set takes them) the lesson is set against.",
    )
    against_lesson: str | None = Field(None, description="Another lesson the claim is set against.")
    than: str = Field(
        min_length=1, max_length=120, description="The reference in the page's words, e.g. 'five-year grants'."
    )
    figure: str = Field(description="The summary figure the claim is about.")
    direction: Literal["more", "less"] = Field(description="Whether the lesson gives more or less of it.")

    @model_validator(mode="after")
    def _one_reference(self) -> ClaimSpec:
        if (self.against is None) == (self.against_lesson is None):
            raise ValueError("give exactly one of against (lever changes) and against_lesson")
        return self


class LessonSpec(BaseModel):
    """One lesson in lessons.yaml."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]+$", description="File stem of NAME.yaml and NAME.md.")
    title: str = Field(min_length=1, max_length=80)
    innovation: str = Field(min_length=1, description="Innovation the map and curves show first.")
    claim: ClaimSpec | None = Field(None, description="The comparison the narrative claims; None if it makes none.")


class LessonCatalogue(BaseModel):
    """lessons.yaml: the lessons in picker order."""

    model_config = ConfigDict(extra="forbid")
    lessons: list[LessonSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Claim:
    """A lesson's claim with the scenario it is set against resolved."""

    against: Scenario  # the lesson with the claim's lever changes under its own name, or another lesson
    changes: dict[str, str | int | float | bool]  # the lever changes; {} when set against another lesson
    than: str
    figure: str
    direction: Literal["more", "less"]


@dataclass(frozen=True)
class Entry:
    """One choice in the picker: a lesson, or a plain scenario."""

    key: str  # the lesson's name, or "scenario:<scenario name>"
    label: str  # what the picker shows
    scenario: Scenario
    innovation: str  # shown first on the map and curves
    narrative: dict[str, str] | None  # SECTIONS -> markdown; None for a plain scenario
    source: Path
    claim: Claim | None = None  # what a lesson's narrative claims, if it makes a comparison

    @property
    def is_lesson(self) -> bool:
        """Whether the entry is a lesson (with a narrative) rather than a plain scenario."""
        return self.narrative is not None


def parse_narrative(path: Path) -> dict[str, str]:
    """Split a lesson's markdown into its three ``## `` sections, each required and non-empty.

    Args:
        path: The lesson's markdown file.

    Returns:
        Section title -> markdown, in the order of ``SECTIONS``.

    Raises:
        InputError: When the file is missing, or a section is missing, empty or unknown.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "", "no such file (every lesson needs NAME.md beside NAME.yaml)") from None
    parts = re.split(r"^## +(.+?) *$", text, flags=re.MULTILINE)
    sections = {title.strip(): body.strip() for title, body in zip(parts[1::2], parts[2::2], strict=True)}
    extra = sorted(set(sections) - set(SECTIONS))
    if extra:
        raise InputError(path, extra[0], f"unknown section; allowed: {', '.join(SECTIONS)}")
    for title in SECTIONS:
        if not sections.get(title):
            raise InputError(
                path, title, f"missing or empty section; a narrative has '## ' sections {', '.join(SECTIONS)}"
            )
    return {title: sections[title] for title in SECTIONS}


def read_lessons(catalogue: Path = CATALOGUE) -> list[Entry]:
    """Every lesson of a catalogue file, with its scenario loaded and its narrative checked.

    Args:
        catalogue: The lessons file.

    Returns:
        One entry per lesson, in the file's order.

    Raises:
        InputError: On a bad catalogue, a repeated name, or a bad scenario or narrative.
    """
    data = read_yaml(catalogue, what="lesson catalogue")
    try:
        specs = LessonCatalogue.model_validate(data).lessons
    except ValidationError as exc:
        field, problem, got = explain(LessonCatalogue, exc)
        raise InputError(catalogue, field, problem, got=got) from None
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise InputError(catalogue, "lessons", "each lesson name may appear once", got=names)
    entries = []
    for idx, spec in enumerate(specs):
        source = catalogue.parent / f"{spec.name}.yaml"
        scenario = load_scenario(source)
        if spec.innovation not in {i.name for i in scenario.innovations}:
            raise InputError(
                catalogue, f"lessons[{idx}].innovation", f"not an innovation of {source.name}", got=spec.innovation
            )
        narrative = parse_narrative(catalogue.parent / f"{spec.name}.md")
        entries.append(Entry(spec.name, f"Lesson: {spec.title}", scenario, spec.innovation, narrative, source))
    scenarios = {e.key: e.scenario for e in entries}
    return [
        e if spec.claim is None else replace(e, claim=resolve_claim(catalogue, idx, e, spec.claim, scenarios))
        for idx, (e, spec) in enumerate(zip(entries, specs, strict=True))
    ]


def resolve_claim(catalogue: Path, idx: int, entry: Entry, spec: ClaimSpec, lessons: dict[str, Scenario]) -> Claim:
    """A lesson's claim with its reference scenario loaded: the lesson file with the claim's changes, or another lesson.

    Args:
        catalogue: The lessons file (for errors).
        idx: The lesson's position in it (for errors).
        entry: The lesson.
        spec: The claim as written.
        lessons: Every lesson's scenario by name.

    Returns:
        The claim.

    Raises:
        InputError: On an unknown figure or lesson, or a change the scenario does not accept.
    """
    field = f"lessons[{idx}].claim"
    if spec.figure not in FIGURES:
        raise InputError(
            catalogue, f"{field}.figure", f"not a summary figure; one of {', '.join(FIGURES)}", got=spec.figure
        )
    if spec.against_lesson is not None:
        if spec.against_lesson not in lessons or spec.against_lesson == entry.key:
            raise InputError(
                catalogue, f"{field}.against_lesson", "not another lesson of this file", got=spec.against_lesson
            )
        return Claim(lessons[spec.against_lesson], {}, spec.than, spec.figure, spec.direction)
    assert spec.against is not None
    changes = [
        f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in spec.against.items()
    ]
    against = load_scenario(entry.source, [*changes, f"name={entry.scenario.name}_against"])
    return Claim(against, dict(spec.against), spec.than, spec.figure, spec.direction)


def scenario_entry(path: Path | None) -> Entry:
    """A plain scenario file (None: the built-in baseline) as a picker entry.

    Args:
        path: The scenario file.

    Returns:
        The entry, keyed ``scenario:<name>``, showing its first innovation.

    Raises:
        InputError: When the scenario is invalid.
    """
    source = Path(path) if path is not None else baseline_path()
    scenario = load_scenario(source)
    label = f"Scenario: {scenario.name}" + (" (built-in)" if path is None else "")
    return Entry(f"scenario:{scenario.name}", label, scenario, scenario.innovations[0].name, None, source)


def build_catalogue(scenario_files: Sequence[Path] = ()) -> list[Entry]:
    """The picker's entries: lessons, the built-in baseline, then the given scenario files.

    Args:
        scenario_files: Scenario files given to ``sasci-sim dashboard``.

    Returns:
        The entries, in picker order.

    Raises:
        InputError: When two entries share a name, or a file is invalid.
    """
    entries = [*read_lessons(), scenario_entry(None)]
    for path in scenario_files:
        entry = scenario_entry(path)
        if any(e.key == entry.key for e in entries):
            raise InputError(
                path,
                "name",
                "another scenario on the page has this name; give it its own name",
                got=entry.scenario.name,
            )
        entries.append(entry)
    return entries


def find(entries: Sequence[Entry], key: str) -> Entry:
    """The entry named ``key`` (a lesson name or ``scenario:NAME``), or a one-line error listing them.

    Args:
        entries: The picker's entries.
        key: The entry to find.

    Returns:
        The entry.

    Raises:
        InputError: When there is none of that name.
    """
    for entry in entries:
        if entry.key == key:
            return entry
    raise InputError(
        "--lesson", "", f"no such lesson or scenario; choose one of: {', '.join(e.key for e in entries)}", got=key
    )
