"""The page's live panels, each a Solara component that SolaraViz hands the current model.

They redraw when Mesa's ``update_counter`` changes (after Step, Play or Reset) or when the
innovation shown changes. ``shown_innovation`` is per browser session (Solara scopes
module-level reactives to the session's kernel).
"""

from __future__ import annotations

import numpy as np
import solara
from mesa.visualization.utils import update_counter

from sasci_sim.config.schema import KINDS
from sasci_sim.model import reporters
from sasci_sim.model.population import State
from sasci_sim.model.rules.transitions import CAUSES
from sasci_sim.ui.dashboard.council_map import STATE_COLOURS, MapLayout
from sasci_sim.ui.dashboard.curves import CLIFF, COLOURS, LineChart, all_innovations_series, innovation_series
from sasci_sim.ui.dashboard.model import LessonModel, is_joint_fund_only

#: The innovation the map, curves and counts show; "" means the lesson's own.
shown_innovation = solara.reactive("")


def shown_index(model: LessonModel, name: str) -> int:
    """Column of the innovation to show: the chosen one if this model has it, else the lesson's.

    Args:
        model: The page's model.
        name: The innovation chosen in the picker.

    Returns:
        The column to show; 0 when neither is in the model.
    """
    names = model.portfolio.names
    for candidate in (name, model.lesson.innovation):
        if candidate in names:
            return names.index(candidate)
    return 0


def describe(model: LessonModel, j: int) -> str:
    """The shown innovation's title: its name and kind.

    Args:
        model: The page's model.
        j: The innovation's column.

    Returns:
        Its name and kind, as the panels title it.
    """
    kind = KINDS[int(model.portfolio.kind[j])].replace("_", " ")
    return f"{model.portfolio.names[j]} ({kind} innovation)"


@solara.component
def CouncilMap(model: LessonModel) -> None:
    """Each provider a cell in its council's block, coloured by its state for the shown innovation.

    Args:
        model: The page's model, as SolaraViz hands it each month.
    """
    update_counter.get()
    j = shown_index(model, shown_innovation.value)
    layout = solara.use_memo(lambda: MapLayout.build(model.providers.council, model.councils.n), [model])
    states = model.providers.state[:, j]
    png = solara.use_memo(lambda: layout.png(states), [model, model.steps, j])
    counts = np.bincount(states.astype(np.int64), minlength=len(State))
    with solara.Column(classes=["sasci-map"], style={"padding": "8px", "gap": "4px"}):
        solara.Text(f"Council areas, month {model.steps}: {describe(model, j)}", style={"font-weight": "bold"})
        solara.Text("Each block is one council area; each square one provider.", style={"color": "#666"})
        _legend({s.name: (colour, f"{s.name.lower()} {counts[s]:,}") for s, colour in STATE_COLOURS.items()})
        with solara.Div(classes=["sasci-map-image"]):
            solara.Image(png, width="100%")


def _legend(items: dict[str, tuple[str, str]]) -> None:
    """Coloured marks with labels: name -> (colour, text); the cliff ticks get a bar, the rest a square."""
    with solara.Row(style={"flex-wrap": "wrap", "column-gap": "10px", "row-gap": "0px", "font-size": "0.9em"}):
        for name, (colour, text) in items.items():
            with solara.Div(classes=["sasci-legend"]):
                solara.Text(
                    "|" if name == CLIFF else "■", style={"color": colour, "font-size": "1.3em", "font-weight": "bold"}
                )
                solara.Text(f" {text}")


@solara.component
def SpreadCurves(model: LessonModel) -> None:
    """Providers sustaining, piloting and abandoning the shown innovation, month by month.

    Args:
        model: The page's model, as SolaraViz hands it each month.
    """
    update_counter.get()
    j = shown_index(model, shown_innovation.value)
    chart = solara.use_memo(lambda: LineChart(model.config.simulation.steps, "providers"), [model])
    png = solara.use_memo(lambda: chart.png(innovation_series(model, j)), [model, model.steps, j])
    with solara.Column(classes=["sasci-curves"], style={"padding": "8px", "gap": "4px"}):
        solara.Text(f"Spread of {describe(model, j)}", style={"font-weight": "bold"})
        with solara.Div(classes=["sasci-curves-image"]):
            solara.Image(png, width="100%")
        _legend(
            {n: (c, n) for n, c in COLOURS.items()}
            | {CLIFF: (STATE_COLOURS[State.ABANDONED], "pilots lost at the cliff")}
        )


@solara.component
def AllInnovationsCurves(model: LessonModel) -> None:
    """The same curves averaged over every innovation, from the DataCollector's model-level reporters.

    Args:
        model: The page's model, as SolaraViz hands it each month.
    """
    update_counter.get()
    chart = solara.use_memo(lambda: LineChart(model.config.simulation.steps, "providers per innovation"), [model])
    png = solara.use_memo(lambda: chart.png(all_innovations_series(model)), [model, model.steps])
    with solara.Column(classes=["sasci-all-curves"], style={"padding": "8px", "gap": "4px"}):
        solara.Text(
            f"All {model.portfolio.size} innovations: mean providers per innovation", style={"font-weight": "bold"}
        )
        with solara.Div(classes=["sasci-all-curves-image"]):
            solara.Image(png, width="100%")
        _legend({n: (c, n) for n, c in COLOURS.items()})


def _count(label: str, value: int, colour: str, css: str) -> None:
    with solara.Div(classes=["sasci-count", css], style={"margin-right": "18px", "display": "inline-block"}):
        solara.Text(f"{value:,}", style={"font-size": "1.6em", "font-weight": "bold", "color": colour})
        solara.Text(f" {label}", style={"color": "#444"})


@solara.component
def Tally(model: LessonModel) -> None:
    """Month, seed, the funding-cliff counter and the shown innovation's counts.

    Args:
        model: The page's model, as SolaraViz hands it each month.
    """
    update_counter.get()
    j = shown_index(model, shown_innovation.value)
    p = model.providers
    n = p.n
    with solara.Column(style={"padding": "8px"}):
        solara.Text(
            f"Month {model.steps} of {model.config.simulation.steps} · seed {model.seed} · "
            f"{n:,} providers in {model.councils.n} council areas",
            style={"font-size": "1.1em"},
            classes=["sasci-month"],
        )
        if model.seed_problem:
            solara.Text(model.seed_problem, classes=["sasci-seed-problem"], style={"color": "#b00020"})
        with solara.Div(classes=["sasci-cliff"], style={"margin": "4px 0"}):
            solara.Text(
                f"{reporters.abandoned_cliff_so_far(model):,}",
                classes=["sasci-cliff-count"],
                style={"font-size": "2.6em", "font-weight": "bold", "color": STATE_COLOURS[State.ABANDONED]},
            )
            solara.Text(" pilots lost at the funding cliff (all innovations)", style={"font-size": "1.2em"})
        solara.Text(describe(model, j), classes=["sasci-shown"], style={"font-weight": "bold"})
        with solara.Div():
            column = p.state[:, j]
            _count(
                "sustained", int((column == State.SUSTAINED).sum()), STATE_COLOURS[State.SUSTAINED], "sasci-sustained"
            )
            _count("piloting", int((column == State.PILOTING).sum()), STATE_COLOURS[State.PILOTING], "sasci-piloting")
            _count(
                "ever abandoned", int(p.ever_abandoned[:, j].sum()), STATE_COLOURS[State.ABANDONED], "sasci-abandoned"
            )
        rec = model.recorder
        reached = int(rec.councils_reached[rec.t, j])
        why = {cause: int(rec.events[f"abandoned_{cause}"][: rec.t + 1, j].sum()) for cause in CAUSES}
        waiting, cliff = why.pop("rigidity"), why.pop("cliff")
        solara.Text(
            f"Sustained in {reached} of {model.councils.n} council areas. Given up: {cliff} at the funding cliff, "
            f"{waiting} while waiting for approval, {sum(why.values())} for other reasons.",
            classes=["sasci-why"],
            style={"color": "#444"},
        )
        solara.Text(f"This run: {levers_line(model)}.", classes=["sasci-levers"], style={"color": "#444"})


def levers_line(model: LessonModel) -> str:
    """The running model's lever values (the sliders show theirs only while dragged).

    Args:
        model: The page's model.

    Returns:
        The main levers' values (grants, joint fund, flexibility, pressure, evidence, peers), as one line.
    """
    c = model.config
    return (
        f"grants {c.funding.grant_duration_months} months, joint fund {'on' if is_joint_fund_only(c) else 'off'}, "
        f"regulatory flexibility {c.regulation.flexibility:.2f}, cost-saving pressure "
        f"{c.local_authorities.cost_saving_pressure:.2f}, role of evidence {c.research.evidence_role:.2f}, "
        f"peer influence {c.diffusion.peer_influence:.2f}"
    )


#: The panels in the order SolaraViz lays them out (two per row).
PANELS = [CouncilMap, SpreadCurves, Tally, AllInnovationsCurves]
