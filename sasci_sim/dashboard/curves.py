"""Live spread curves of one innovation: providers sustaining, piloting and (ever) abandoned it.

Read from the model's Recorder (preallocated per-step arrays), so drawing costs no pandas.
Red ticks along the bottom mark months in which pilots were lost at the funding cliff.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sasci_sim.dashboard.council_map import STATE_COLOURS
from sasci_sim.model import SocialCareModel
from sasci_sim.population import State

LINES = {"sustained": State.SUSTAINED, "piloting": State.PILOTING, "abandoned": State.ABANDONED}


def spread_series(model: SocialCareModel, j: int) -> dict[str, np.ndarray]:
    """Months 0..now of sustained, piloting, ever-abandoned providers and cliff losses for innovation j."""
    rec = model.recorder
    now = rec.t + 1
    return {
        "sustained": rec.counts[:now, State.SUSTAINED, j],
        "piloting": rec.counts[:now, State.PILOTING, j],
        "abandoned": rec.ever_abandoned[:now, j],
        "lost at the cliff": rec.events["abandoned_cliff"][:now, j],
    }


class CurvesFigure:
    """One figure per model, redrawn in place each step; the x axis spans the scenario's months."""

    def __init__(self, months: int) -> None:
        self.figure = Figure(figsize=(5.6, 4.3), dpi=80, layout="constrained")
        ax = self.ax = self.figure.add_subplot()
        self.lines = {name: ax.plot([], [], color=STATE_COLOURS[s], lw=2, label=name)[0] for name, s in LINES.items()}
        colour = STATE_COLOURS[State.ABANDONED]
        self.cliff = ax.plot([], [], "|", color=colour, ms=12, mew=2, label="pilots lost at the cliff", clip_on=False)[
            0
        ]
        ax.set_xlim(0, max(months, 1))
        ax.set_ylim(0, 10)
        ax.set_xlabel("month")
        ax.set_ylabel("providers")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        self.title = ax.set_title(" ", fontsize=10, loc="left")
        self.figure.draw_without_rendering()  # settle the constrained layout once...
        self.figure.set_layout_engine("none")  # ...then keep it: redraws only repaint

    def update(self, model: SocialCareModel, j: int, title: str) -> Figure:
        series = spread_series(model, j)
        months = np.arange(len(series["sustained"]))
        for name, line in self.lines.items():
            line.set_data(months, series[name])
        lost = np.flatnonzero(series["lost at the cliff"])
        self.cliff.set_data(months[lost], np.zeros(lost.size))
        top = max(int(max(s.max(initial=0) for s in series.values())), 5)
        self.ax.set_ylim(0, top * 1.1)
        self.title.set_text(title)
        return self.figure
