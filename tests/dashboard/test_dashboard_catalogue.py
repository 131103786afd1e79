"""The lessons: every shipped lesson file loads and runs (small); bad catalogues give one-line errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from sasci_sim.errors import InputError
from sasci_sim.model.population import State
from sasci_sim.ui.cli import main
from sasci_sim.ui.dashboard.catalogue import (
    CATALOGUE,
    LESSONS_DIR,
    SECTIONS,
    build_catalogue,
    find,
    parse_narrative,
    read_lessons,
    scenario_entry,
)
from sasci_sim.ui.dashboard.levers import TEACHING_MAX_PROVIDERS
from sasci_sim.ui.dashboard.model import LessonModel

LESSONS = read_lessons()


def test_there_are_at_least_five_lessons_and_every_file_is_one() -> None:
    assert len(LESSONS) >= 5
    names = {e.key for e in LESSONS}
    assert {p.stem for p in LESSONS_DIR.glob("*.yaml")} - {"lessons"} == names
    assert {p.stem for p in LESSONS_DIR.glob("*.md")} == names


@pytest.mark.parametrize("entry", LESSONS, ids=[e.key for e in LESSONS])
def test_every_lesson_loads_and_runs_small(entry, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", str(entry.source)]) == 0
    assert "ok:" in capsys.readouterr().out
    assert entry.is_lesson and list(entry.narrative) == list(SECTIONS)
    assert all(len(text) > 80 for text in entry.narrative.values())
    assert entry.scenario.population.providers <= TEACHING_MAX_PROVIDERS
    assert entry.label.startswith("Lesson: ")

    model = LessonModel(entry, n_providers=80, n_local_authorities=4, steps=24)
    model.run()
    assert model.steps == 24 and not model.running
    assert entry.innovation in model.portfolio.names
    counts = model.recorder.counts[: model.steps + 1]
    assert np.all(counts.sum(axis=1) == 80), "the five states partition the providers every month"
    assert counts[0, State.PILOTING].sum() > 0, "originators pilot at launch"


def test_narrative_sections_are_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(
        "## What to try\nA.\n\n## What to look for\nB.\n\n## What students ask\nQ.\n\n## What the evidence says\nC.\n"
    )
    assert parse_narrative(good) == {
        "What to try": "A.",
        "What to look for": "B.",
        "What students ask": "Q.",
        "What the evidence says": "C.",
    }

    missing = tmp_path / "missing.md"
    missing.write_text("## What to try\nA.\n\n## What to look for\nB.\n\n## What the evidence says\nC.\n")
    with pytest.raises(InputError) as err:
        parse_narrative(missing)
    assert err.value.message == (
        f"error: {missing}: What students ask: missing or empty section; "
        "a narrative has '## ' sections What to try, What to look for, What students ask, What the evidence says"
    )

    extra = tmp_path / "extra.md"
    extra.write_text(good.read_text() + "\n## Homework\nD.\n")
    with pytest.raises(InputError, match="Homework: unknown section"):
        parse_narrative(extra)


@pytest.mark.parametrize("entry", read_lessons(), ids=lambda e: e.key)
def test_every_lesson_answers_the_question_its_numbers_raise(entry) -> None:
    """The question is in the students' words (quoted, ending in '?') and the answer follows it."""
    asked = entry.narrative["What students ask"]
    question = re.search(r'\*"([^"]+\?)"\*', asked)
    assert question, asked
    answer = asked[question.end() :].strip()
    assert len(answer.split()) >= 25, answer


def copy_lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    data_dir = tmp_path / "data"  # lessons extend ../data/baseline.yaml
    shutil.copytree(LESSONS_DIR.parent / "data", data_dir)
    return folder / CATALOGUE.name


def test_catalogue_errors_name_file_and_field(tmp_path: Path) -> None:
    catalogue = copy_lessons(tmp_path)
    assert [e.key for e in read_lessons(catalogue)] == [e.key for e in LESSONS]
    text = catalogue.read_text()

    catalogue.write_text(text.replace("innovation: digital-care-records", "innovation: teleportation", 1))
    with pytest.raises(InputError) as err:
        read_lessons(catalogue)
    assert err.value.message == (
        f"error: {catalogue}: lessons[0].innovation: not an innovation of funding_cliff.yaml (got 'teleportation')"
    )

    catalogue.write_text(text.replace("title: The funding cliff", "titel: The funding cliff", 1))
    with pytest.raises(InputError, match=r"lessons\[0\]\.title: is required"):
        read_lessons(catalogue)

    catalogue.write_text(text.replace("title: The funding cliff", "title: The funding cliff\n    colour: red", 1))
    with pytest.raises(
        InputError, match=r"lessons\[0\]\.colour: unknown key; allowed keys: claim, innovation, name, title"
    ):
        read_lessons(catalogue)

    catalogue.write_text(text.replace("- name: savings_only", "- name: funding_cliff", 1))
    with pytest.raises(InputError, match="each lesson name may appear once"):
        read_lessons(catalogue)

    catalogue.write_text(text)
    (catalogue.parent / "red_tape.md").unlink()
    with pytest.raises(InputError, match=r"red_tape\.md: no such file"):
        read_lessons(catalogue)


def test_picker_adds_the_baseline_and_scenario_files_after_the_lessons(tmp_path: Path) -> None:
    other = tmp_path / "mine.yaml"
    other.write_text(f"extends: {LESSONS_DIR.parent / 'data' / 'baseline.yaml'}\nname: mine\ndescription: Mine.\n")
    entries = build_catalogue([other])
    assert [e.key for e in entries] == [*(e.key for e in LESSONS), "scenario:baseline", "scenario:mine"]
    assert entries[-1].label == "Scenario: mine" and not entries[-1].is_lesson
    assert find(entries, "scenario:mine").source == other

    with pytest.raises(InputError, match="another scenario on the page has this name"):
        build_catalogue([other, other])
    with pytest.raises(InputError) as err:
        find(entries, "nope")
    assert "no such lesson or scenario; choose one of: funding_cliff, savings_only" in err.value.message


def test_scenario_entry_of_the_builtin_baseline() -> None:
    entry = scenario_entry(None)
    assert entry.key == "scenario:baseline" and entry.label == "Scenario: baseline (built-in)"
    assert entry.innovation == entry.scenario.innovations[0].name
