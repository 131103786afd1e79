"""The map and the curves: every provider drawn once, in its council's block and its state's colour."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib import image as mpl_image

from sasci_sim.model.population import State
from sasci_sim.ui.dashboard.catalogue import read_lessons
from sasci_sim.ui.dashboard.council_map import EMPTY, PALETTE, MapLayout
from sasci_sim.ui.dashboard.curves import CLIFF, LineChart, all_innovations_series, innovation_series
from sasci_sim.ui.dashboard.model import LessonModel

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "sizes",
    [[100, 80, 120, 0, 1, 99, 100, 100, 150, 50], [7], [1, 1, 1], [30, 2, 45, 9, 18, 3, 60]],
    ids=["ten councils, one empty", "one council", "one provider each", "uneven"],
)
def test_layout_gives_each_provider_its_own_cell_inside_its_council_block(sizes: list[int]) -> None:
    rng = np.random.default_rng(3)
    council = rng.permutation(np.repeat(np.arange(len(sizes)), sizes)).astype(np.int32)
    layout = MapLayout.build(council, len(sizes))
    cells = set(zip(layout.rows.tolist(), layout.cols.tolist(), strict=True))
    assert len(cells) == len(council), "two providers share a cell"
    r0, c0 = layout.corners[council, 0], layout.corners[council, 1]
    assert np.all((layout.rows >= r0) & (layout.rows < r0 + layout.block))
    assert np.all((layout.cols >= c0) & (layout.cols < c0 + layout.block))
    assert np.all(layout.rows < layout.shape[0]) and np.all(layout.cols < layout.shape[1])
    corners = {tuple(c) for c in layout.corners.tolist()}
    assert len(corners) == len(sizes), "two councils share a block"

    states = rng.integers(0, len(State), size=len(council)).astype(np.int8)
    img = layout.image(states)
    assert np.array_equal(img[layout.rows, layout.cols], states)
    assert (img == EMPTY).sum() == img.size - len(council)


def test_map_png_shows_each_provider_in_its_state_colour() -> None:
    council = np.repeat(np.arange(4), [5, 9, 1, 16]).astype(np.int32)
    layout = MapLayout.build(council, 4)
    states = (np.arange(len(council)) % len(State)).astype(np.int8)
    png = layout.png(states)
    assert png.startswith(PNG_SIGNATURE)
    pixels = mpl_image.imread(io.BytesIO(png))
    s = layout.scale
    assert pixels.shape[:2] == (layout.shape[0] * s, layout.shape[1] * s)
    centre = s // 2
    drawn = np.round(pixels[layout.rows * s + centre, layout.cols * s + centre, :3] * 255).astype(np.uint8)
    assert np.array_equal(drawn, PALETTE[states])


def test_curves_read_the_recorder_and_the_datacollector() -> None:
    entry = read_lessons()[0]
    model = LessonModel(entry, n_providers=120, n_local_authorities=4)
    for _ in range(30):
        model.step()
    j = model.portfolio.names.index(entry.innovation)
    one = innovation_series(model, j)
    rec = model.recorder
    assert np.array_equal(one["sustained"], rec.counts[:31, State.SUSTAINED, j])
    assert np.array_equal(one["piloting"], rec.counts[:31, State.PILOTING, j])
    assert np.array_equal(one["ever abandoned"], rec.ever_abandoned[:31, j])
    assert np.array_equal(one[CLIFF], rec.events["abandoned_cliff"][:31, j])

    mean = all_innovations_series(model)
    assert len(mean["sustained"]) == 31
    assert np.allclose(mean["sustained"], rec.counts[:31, State.SUSTAINED].mean(axis=1))
    assert np.allclose(mean["piloting"], rec.counts[:31, State.PILOTING].mean(axis=1))
    assert np.allclose(mean["ever abandoned"], rec.ever_abandoned[:31].mean(axis=1))

    chart = LineChart(model.config.simulation.steps, "providers")
    before = chart.png(one)
    assert before.startswith(PNG_SIGNATURE)
    for _ in range(12):
        model.step()
    assert chart.png(innovation_series(model, j)) != before
