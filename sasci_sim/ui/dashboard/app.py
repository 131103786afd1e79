"""The teaching page: a Mesa SolaraViz dashboard on why innovations fail to spread.

Serve it with ``sasci-sim dashboard`` (loopback, offline). A lesson picker and its narrative
sit above SolaraViz's panels (map of council areas, spread curves, counts, all-innovation
curves); SolaraViz's sidebar holds Step, Play and Reset, the levers and the seed. Picking
another lesson remounts SolaraViz, so its sliders start at that lesson's values.
"""

from __future__ import annotations

import os
from pathlib import Path

import markdown
import solara
from mesa.visualization import SolaraViz

from sasci_sim.ui.dashboard.catalogue import Entry, build_catalogue, find
from sasci_sim.ui.dashboard.components import PANELS, shown_innovation
from sasci_sim.ui.dashboard.levers import initial_kwargs, model_params
from sasci_sim.ui.dashboard.model import LessonModel

#: Set by ``sasci-sim dashboard``: extra scenario files for the picker, and the first lesson.
ENV_SCENARIOS = "SASCI_DASHBOARD_SCENARIOS"
ENV_LESSON = "SASCI_DASHBOARD_LESSON"
DEFAULT_LESSON = "funding_cliff"
TITLE = "Why innovations fail to spread: sasci-sim"


def scenario_files_from_env() -> list[Path]:
    """The scenario files ``sasci-sim dashboard`` hands the page.

    Solara imports the page itself, so the command passes them through the environment.

    Returns:
        The files, in the order given.
    """
    return [Path(p) for p in os.environ.get(ENV_SCENARIOS, "").split(os.pathsep) if p]


ENTRIES: list[Entry] = build_catalogue(scenario_files_from_env())
FIRST: Entry = find(ENTRIES, os.environ.get(ENV_LESSON) or DEFAULT_LESSON)
BY_LABEL: dict[str, Entry] = {e.label: e for e in ENTRIES}

#: The picker's choice, per browser session.
chosen_label = solara.reactive(FIRST.label)


def as_html(text: str) -> str:
    """Our own narrative markdown as HTML (solara.Markdown would fetch KaTeX, which is not offline).

    Args:
        text: Markdown from a lesson file.

    Returns:
        HTML.
    """
    return markdown.markdown(text)


@solara.component
def LessonPanel(entry: Entry) -> None:
    """The lesson and innovation pickers, then what to try, look for, and what the evidence says.

    Args:
        entry: The picker's current entry.
    """

    def pick(label: str) -> None:
        chosen_label.set(label)
        shown_innovation.set(BY_LABEL[label].innovation)

    with solara.Card(style={"margin": "8px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Select(
                "Lesson or scenario",
                values=list(BY_LABEL),
                value=entry.label,
                on_value=pick,
                style={"min-width": "380px"},
                classes=["sasci-lesson-picker"],
            )
            names = [i.name for i in entry.scenario.innovations]
            solara.Select(
                "Innovation shown",
                values=names,
                value=shown_innovation.value if shown_innovation.value in names else entry.innovation,
                on_value=shown_innovation.set,
                style={"min-width": "320px"},
                classes=["sasci-innovation-picker"],
            )
        solara.Text(
            "Move the sliders and switches in the sidebar, then press Reset to start a run with them; "
            "the same seed gives the same run.",
            style={"color": "#666"},
        )
        if entry.narrative is not None:
            with solara.Columns([1, 1, 1]):
                for title, text in entry.narrative.items():
                    solara.HTML(unsafe_innerHTML=as_html(f"#### {title}\n\n{text}"), classes=["sasci-narrative"])
        else:
            solara.Text(entry.scenario.description or f"Scenario file {entry.source}.")


@solara.component
def Page() -> None:
    """The page: the lesson panel above Mesa's SolaraViz with the picker's model and levers."""
    entry = BY_LABEL[chosen_label.value]
    params = solara.use_memo(lambda: model_params(entry), [entry.key])
    model = solara.use_memo(lambda: LessonModel(**initial_kwargs(params)), [entry.key])
    with solara.Column(style={"width": "100%"}):
        LessonPanel(entry)
        SolaraViz(model, components=list(PANELS), model_params=params, name=TITLE, play_interval=150).key(entry.key)


page = Page
