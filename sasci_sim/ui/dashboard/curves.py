"""Live spread curves: providers sustaining, piloting and (ever) abandoned, month by month.

Two views: one innovation (from the model's Recorder) and all innovations (the mean over
innovations, from the DataCollector's model-level reporters). Each chart keeps one figure per
model and only moves its lines each step; titles and legends are HTML on the page, so a
redraw paints little text and stays fast.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sasci_sim.model.population import State
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.ui.dashboard.council_map import STATE_COLOURS

#: The curves, their colours, and (for the chosen innovation) the cliff-loss ticks.
COLOURS = {
    "sustained": STATE_COLOURS[State.SUSTAINED],
    "piloting": STATE_COLOURS[State.PILOTING],
    "ever abandoned": STATE_COLOURS[State.ABANDONED],
}
CLIFF = "lost at the cliff"


def innovation_series(model: SocialCareModel, j: int) -> dict[str, np.ndarray]:
    """Months 0..now for innovation j: providers sustaining, piloting, ever abandoned; pilots lost at the cliff.

    Args:
        model: The page's model.
        j: The innovation's column.

    Returns:
        Curve name -> providers per month.
    """
    rec = model.recorder
    now = rec.t + 1
    return {
        "sustained": rec.counts[:now, State.SUSTAINED, j],
        "piloting": rec.counts[:now, State.PILOTING, j],
        "ever abandoned": rec.ever_abandoned[:now, j],
        CLIFF: rec.events["abandoned_cliff"][:now, j],
    }


def all_innovations_series(model: SocialCareModel) -> dict[str, np.ndarray]:
    """Months 0..now, mean providers per innovation, from the DataCollector's shares (sasci_sim.model.reporters).

    Args:
        model: The page's model.

    Returns:
        Curve name -> mean providers per innovation per month.
    """
    shares = model.datacollector.model_vars
    n = model.providers.n
    return {
        "sustained": np.asarray(shares["sustained"]) * n,
        "piloting": np.asarray(shares["piloting"]) * n,
        "ever abandoned": np.asarray(shares["ever_abandoned"]) * n,
    }


class LineChart:
    """One figure per model, redrawn in place: the x axis spans the scenario's months so runs compare."""

    def __init__(self, months: int, ylabel: str) -> None:
        """Make the figure once, so each month only moves the lines (redrawing from scratch is slow).

        Args:
            months: The scenario's months, the x axis's length.
            ylabel: The y axis's label.
        """
        self.figure = Figure(figsize=(5.6, 3.4), dpi=80)
        self.figure.subplots_adjust(left=0.12, right=0.95, top=0.96, bottom=0.13)
        ax = self.ax = self.figure.add_subplot()
        self.lines = {name: ax.plot([], [], color=colour, lw=2)[0] for name, colour in COLOURS.items()}
        colour = STATE_COLOURS[State.ABANDONED]
        self.cliff = ax.plot([], [], "|", color=colour, ms=12, mew=2, clip_on=False)[0]
        ax.set_xlim(0, max(months, 1))
        ax.set_xlabel("month")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.grid(alpha=0.3)

    def png(self, series: dict[str, np.ndarray]) -> bytes:
        """Redraw the lines and the cliff ticks.

        Args:
            series: Curve name -> value per month so far.

        Returns:
            The figure as PNG bytes.
        """
        months = np.arange(len(series["sustained"]))
        for name, line in self.lines.items():
            line.set_data(months, series[name])
        lost = np.flatnonzero(series.get(CLIFF, ()))
        self.cliff.set_data(months[lost], np.zeros(lost.size))
        top = max(float(max(series[name].max(initial=0) for name in COLOURS)), 5.0)
        self.ax.set_ylim(0, top * 1.1)
        out = io.BytesIO()
        self.figure.savefig(out, format="png", pil_kwargs={"compress_level": 1})
        return out.getvalue()
