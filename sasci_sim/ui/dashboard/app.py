"""The teaching page: why innovations fail to spread, for a classroom and a projector.

Serve it with ``sasci-sim dashboard`` (loopback, offline). A lesson picker and its narrative
sit above the panels (map of council areas, counts, spread curves of the innovation shown and
of all of them); under the narrative, whether the lesson's claim holds over the calibrated
posterior's plausible parameter sets or is uncertain (``sasci-sim lessons``). The sidebar holds Step, Play and Reset (Mesa's ``ModelController``), how many
months each frame shows, and the levers, each with its value always written beside its label.
Mesa's own SolaraViz frame is not used: its speed and threading controls, its "Page 0" tab and
its "Time" counter mean nothing to a class. Picking another lesson remounts the page, so its
levers start at that lesson's values.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import markdown
import solara
from mesa.visualization.solara_viz import ModelController

from sasci_sim.experiments.uncertainty.posterior import shipped_posterior
from sasci_sim.ui.dashboard.catalogue import Entry, build_catalogue, find
from sasci_sim.ui.dashboard.claims import claim_text, posterior_digest, read_claims
from sasci_sim.ui.dashboard.components import PANELS, shown_innovation
from sasci_sim.ui.dashboard.levers import initial_kwargs, model_params, shown_value
from sasci_sim.ui.dashboard.model import LessonModel

#: Set by ``sasci-sim dashboard``: extra scenario files for the picker, and the first lesson.
ENV_SCENARIOS = "SASCI_DASHBOARD_SCENARIOS"
ENV_LESSON = "SASCI_DASHBOARD_LESSON"
DEFAULT_LESSON = "funding_cliff"
TITLE = "Why innovations fail to spread: sasci-sim"
#: Milliseconds between frames while playing.
PLAY_INTERVAL_MS = 150
#: Months a frame may jump while playing (1: every month is drawn).
FRAME_MONTHS = (1, 3, 6, 12)
#: Larger type and thumbs for a projector; each label sits on its own line above its control.
CSS = """
.sasci-page { font-size: 17px; }
.sasci-page .v-label, .sasci-page .v-input { font-size: 17px; }
.sasci-narratives { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 4px 16px; }
.sasci-controls .v-slider__thumb { width: 18px; height: 18px; }
.sasci-controls .v-input__slot { flex-wrap: wrap; }
.sasci-controls .v-input__slot > .v-label { flex: 1 0 100%; white-space: normal; height: auto; line-height: 1.3; }
.sasci-panels { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 8px; }
.sasci-panels > * { min-width: 0; }
.sasci-panels > .sasci-map { grid-column: 1 / -1; }
@media (max-width: 1100px) { .sasci-panels { grid-template-columns: minmax(0, 1fr); } }
"""


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
#: Each lesson's claim checked over the shipped posterior (``sasci-sim lessons``), by lesson name.
CLAIMS = read_claims()
POSTERIOR_SHA256 = posterior_digest(shipped_posterior())

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
            "Move the levers in the sidebar, then press Reset to start a run with them; "
            "the same seed gives the same run.",
            style={"color": "#555"},
        )
        if entry.narrative is not None:
            with solara.Div(classes=["sasci-narratives"]):
                for title, text in entry.narrative.items():
                    solara.HTML(unsafe_innerHTML=as_html(f"#### {title}\n\n{text}"), classes=["sasci-narrative"])
            claim = claim_text(entry, CLAIMS, POSTERIOR_SHA256)
            if claim is not None:
                solara.Text(f"Over what we do not know: {claim}", classes=["sasci-claim"])
        else:
            solara.Text(entry.scenario.description or f"Scenario file {entry.source}.")


@solara.component
def LeverInputs(params: dict[str, Any], chosen: solara.Reactive[dict[str, Any]]) -> None:
    """A control per lever, its value written beside its label; changes wait for Reset.

    Args:
        params: The levers (:func:`~sasci_sim.ui.dashboard.levers.model_params`).
        chosen: What the next Reset builds the run from (Mesa's ``model_parameters``).
    """
    for name, spec in params.items():
        if not (isinstance(spec, dict) and "type" in spec):
            continue
        value = chosen.value.get(name, spec["value"])

        def change(new: Any, name: str = name) -> None:
            chosen.set({**chosen.value, name: new})

        label = f"{spec['label']}: {shown_value(spec, value)}"
        kind = spec["type"]
        if kind in ("SliderInt", "SliderFloat"):
            slider = solara.SliderInt if kind == "SliderInt" else solara.SliderFloat
            slider(
                label,
                value=value,
                on_value=change,
                min=spec["min"],
                max=spec["max"],
                step=spec["step"],
            )
        elif kind == "Checkbox":
            solara.Checkbox(label=label, value=bool(value), on_value=change)
        else:
            solara.InputText(label=spec["label"], value=str(value), on_value=change)


@solara.component
def Teaching(entry: Entry) -> None:
    """One lesson's page: sidebar controls, the lesson, and the panels of the running model."""
    params = solara.use_memo(lambda: model_params(entry), [entry.key])
    model = solara.use_reactive(solara.use_memo(lambda: LessonModel(**initial_kwargs(params)), [entry.key]))
    chosen = solara.use_reactive(initial_kwargs(params))
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    frame_months = solara.use_reactive(1)
    no_threads = solara.use_reactive(False)
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column(classes=["sasci-page", "sasci-controls"]):
        with solara.Card("Run"):
            solara.Text("Step: one month. ▶ plays, ❚❚ pauses. Reset starts again with the levers below.")
            ModelController(
                model,
                model_parameters=chosen,
                play_interval=play_interval,
                render_interval=frame_months,
                use_threads=no_threads,
            )
            solara.Text(f"Months per frame while playing: {frame_months.value}", classes=["sasci-frame-label"])
            solara.ToggleButtonsSingle(
                value=frame_months.value,
                values=list(FRAME_MONTHS),
                on_value=frame_months.set,
                classes=["sasci-frame-months"],
            )
        with solara.Card("Levers (used on Reset)"):
            LeverInputs(params, chosen)
    with solara.Column(style={"width": "100%"}, classes=["sasci-page"]):
        LessonPanel(entry)
        with solara.Div(classes=["sasci-panels"]):
            for panel in PANELS:
                panel(model.value)


@solara.component
def Page() -> None:
    """The page: the lesson panel above Mesa's SolaraViz with the picker's model and levers."""
    entry = BY_LABEL[chosen_label.value]
    Teaching(entry).key(entry.key)


page = Page
