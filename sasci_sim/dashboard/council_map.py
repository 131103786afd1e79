"""The map of council areas: one block per council, one cell per provider, coloured by its state.

The model has no geography beyond "which council", so the map is a schematic: councils are
laid out on a grid of equal square blocks, each provider a cell in its council's block.
The layout is computed once per model; each step only refills an image array.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sasci_sim.population import State

#: Colour of each State (index = state value), then of empty map cells.
STATE_COLOURS = {
    State.UNAWARE: "#e4e4e4",
    State.AWARE: "#9ecae1",
    State.PILOTING: "#fd8d3c",
    State.SUSTAINED: "#238b45",
    State.ABANDONED: "#cb181d",
}
EMPTY = len(State)
CMAP = ListedColormap([*STATE_COLOURS.values(), "#ffffff"])


@dataclass(frozen=True)
class MapLayout:
    """Where each provider's cell sits: image row and column; council block corners."""

    rows: np.ndarray  # per provider
    cols: np.ndarray
    shape: tuple[int, int]
    block: int  # side of a council block, in cells
    corners: np.ndarray  # (councils, 2): top-left row, column of each block

    @classmethod
    def build(cls, council: np.ndarray, n_councils: int) -> MapLayout:
        sizes = np.bincount(council, minlength=n_councils)
        block = max(1, math.ceil(math.sqrt(max(int(sizes.max(initial=1)), 1))))
        across = max(1, math.ceil(math.sqrt(n_councils * 1.4)))  # a little wider than tall
        down = math.ceil(n_councils / across)
        pitch = block + 1  # one empty cell between blocks
        corners = np.array([((c // across) * pitch, (c % across) * pitch) for c in range(n_councils)], dtype=np.int64)
        order = np.argsort(council, kind="stable")
        rank = np.empty(len(council), dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank[order] = np.arange(len(council)) - np.repeat(starts, sizes)
        rows = corners[council, 0] + rank // block
        cols = corners[council, 1] + rank % block
        return cls(rows, cols, (down * pitch - 1, across * pitch - 1), block, corners)

    def image(self, states: np.ndarray) -> np.ndarray:
        """States of one innovation (length N) as a map image; EMPTY where there is no provider."""
        img = np.full(self.shape, EMPTY, dtype=np.int8)
        img[self.rows, self.cols] = states
        return img


class MapFigure:
    """One figure per model, redrawn in place each step: only the image, title and legend change."""

    def __init__(self, layout: MapLayout) -> None:
        self.layout = layout
        self.figure = Figure(figsize=(5.6, 4.3), dpi=80, layout="constrained")
        ax = self.figure.add_subplot()
        self.image = ax.imshow(
            layout.image(np.zeros(len(layout.rows), dtype=np.int8)),
            cmap=CMAP,
            vmin=0,
            vmax=EMPTY,
            interpolation="nearest",
            aspect="equal",
        )
        for c, (r0, c0) in enumerate(layout.corners):
            ax.text(c0 - 0.4, r0 - 0.6, f"{c + 1}", fontsize=7, color="#555555", va="bottom", ha="left")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_ylim(layout.shape[0] - 0.5, -1.6)
        self.title = ax.set_title(" ", fontsize=10, loc="left")
        handles = [Patch(color=colour, label=f"{state.name.lower()} 0000") for state, colour in STATE_COLOURS.items()]
        self.legend = self.figure.legend(
            handles=handles, loc="outside lower center", ncols=5, fontsize=8, frameon=False, handlelength=1
        )
        self.figure.draw_without_rendering()  # settle the constrained layout once...
        self.figure.set_layout_engine("none")  # ...then keep it: redraws only repaint

    def update(self, states: np.ndarray, title: str) -> Figure:
        """The map for one innovation's provider states (length N)."""
        self.image.set_data(self.layout.image(states))
        self.title.set_text(title)
        counts = np.bincount(states.astype(np.int64), minlength=len(State))
        for text, state in zip(self.legend.get_texts(), STATE_COLOURS, strict=True):
            text.set_text(f"{state.name.lower()} {counts[state]}")
        return self.figure
