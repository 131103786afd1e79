"""The map of council areas: one block per council, one cell per provider, coloured by its state.

The model has no geography beyond "which council", so the map is a schematic: councils are
numbered blocks on a grid, left to right and top to bottom, each provider a cell in its
council's block. The layout is computed once per model; each step only recolours an image
array and encodes it as a PNG (no figure to draw, so a step costs milliseconds).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib import image as mpl_image
from matplotlib.colors import to_rgb

from sasci_sim.model.population import State

#: Colour of each State; the page's legend, curves and counts use the same colours.
STATE_COLOURS = {
    State.UNAWARE: "#e4e4e4",
    State.AWARE: "#9ecae1",
    State.PILOTING: "#fd8d3c",
    State.SUSTAINED: "#238b45",
    State.ABANDONED: "#cb181d",
}
EMPTY = len(State)
#: RGB rows indexed by state value, then the background of empty cells.
PALETTE = np.array(
    [[round(255 * c) for c in to_rgb(colour)] for colour in [*STATE_COLOURS.values(), "#ffffff"]], dtype=np.uint8
)
MAP_WIDTH_PX = 560


@dataclass(frozen=True)
class MapLayout:
    """Where each provider's cell sits: image row and column; each council block's top-left cell."""

    rows: np.ndarray  # per provider
    cols: np.ndarray
    shape: tuple[int, int]
    block: int  # side of a council block, in cells
    corners: np.ndarray  # (councils, 2)

    @classmethod
    def build(cls, council: np.ndarray, n_councils: int) -> MapLayout:
        """Lay the providers out: councils as square blocks in a grid wider than tall, each provider a cell in its block.

        Args:
            council: Each provider's council.
            n_councils: Councils.

        Returns:
            The layout, computed once per model.
        """
        sizes = np.bincount(council, minlength=n_councils)
        block = max(1, math.ceil(math.sqrt(int(sizes.max(initial=1)))))
        across = max(1, math.ceil(math.sqrt(n_councils * 2.5)))  # wider than tall, to fit its panel
        down = math.ceil(n_councils / across)
        pitch = block + 1  # one empty cell between blocks
        corners = np.array([((c // across) * pitch, (c % across) * pitch) for c in range(n_councils)], dtype=np.int64)
        order = np.argsort(council, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank = np.empty(len(council), dtype=np.int64)
        rank[order] = np.arange(len(council)) - np.repeat(starts, sizes)
        rows = corners[council, 0] + rank // block
        cols = corners[council, 1] + rank % block
        return cls(rows, cols, (down * pitch - 1, across * pitch - 1), block, corners)

    def image(self, states: np.ndarray) -> np.ndarray:
        """States of one innovation (length N) as a grid of state values; EMPTY where there is no provider.

        Args:
            states: One innovation's state per provider.

        Returns:
            The grid of state values.
        """
        img = np.full(self.shape, EMPTY, dtype=np.int8)
        img[self.rows, self.cols] = states
        return img

    @property
    def scale(self) -> int:
        """Pixels per cell, so the map is about MAP_WIDTH_PX wide."""
        return max(2, MAP_WIDTH_PX // self.shape[1])

    def png(self, states: np.ndarray) -> bytes:
        """The map as PNG bytes: each cell a square of ``scale`` pixels in its state's colour.

        Args:
            states: One innovation's state per provider.

        Returns:
            The PNG bytes.
        """
        rgb = PALETTE[self.image(states)]
        big = np.repeat(np.repeat(rgb, self.scale, axis=0), self.scale, axis=1)
        out = io.BytesIO()
        mpl_image.imsave(out, big, format="png", pil_kwargs={"compress_level": 1})
        return out.getvalue()
