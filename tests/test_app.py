"""The teaching page (sasci_sim.ui.dashboard.app) rendered with ``solara.render``: Mesa's controller really mounted.

Buttons are clicked and sliders and pickers set through their widgets, as the browser would;
the page must step, reset with the levers, switch lessons and innovations, and a step at
1,000 providers (model step plus redrawing every panel) must take well under a second.
"""

from __future__ import annotations

import os
import re
import statistics
import time

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

import ipyvuetify as v
import ipywidgets
import pytest
import solara

import sasci_sim.ui.dashboard.app as app
from sasci_sim.ui.dashboard.components import shown_innovation

STEP_BUDGET_SECONDS = 1.0


@pytest.fixture
def page():
    """The page inside Solara's app layout (so the sidebar controls render), fresh per test."""
    app.chosen_label.set(app.FIRST.label)
    shown_innovation.set("")
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    yield rc
    rc.close()


def text(rc, css: str) -> str:
    return "".join(str(c) for c in rc.find(v.Html, class_=css).widget.children)


def month(rc) -> int:
    return int(re.search(r"Month (\d+) of", text(rc, "sasci-month")).group(1))


def image(rc, css: str) -> bytes:
    return bytes(rc.find(v.Html, class_=css).find(ipywidgets.Image).widget.value)


def slider(rc, label: str):
    """A lever's slider by its label (the page writes the current value after it: 'Grant length (months): 24')."""
    found = [w for w in rc.find(v.Slider).widgets if str(w.label).startswith(f"{label}: ")]
    assert len(found) == 1, [w.label for w in rc.find(v.Slider).widgets]
    return found[0]


def checkbox(rc, label: str):
    found = [w for w in rc.find(v.Checkbox).widgets if str(w.label).startswith(f"{label}: ")]
    assert len(found) == 1, [w.label for w in rc.find(v.Checkbox).widgets]
    return found[0]


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def test_page_opens_on_the_first_lesson_with_its_narrative(page) -> None:
    assert app.FIRST.key == "funding_cliff"
    assert page.find(v.Select, label="Lesson or scenario").widget.v_model == "Lesson: The funding cliff"
    assert page.find(v.Select, label="Innovation shown").widget.v_model == app.FIRST.innovation
    narrative = [w.unsafe_innerHTML for w in page.find(solara.widgets.HTML).widgets]
    joined = " ".join(narrative)
    for heading in ("What to try", "What to look for", "What students ask", "What the evidence says"):
        assert f"<h4>{heading}</h4>" in joined
    assert month(page) == 0
    assert f"seed {app.FIRST.scenario.simulation.seed} " in text(page, "sasci-month")
    assert text(page, "sasci-cliff-count") == "0"
    assert "grants 24 months" in text(page, "sasci-levers")
    assert text(page, "sasci-why") == "Sustained in 0 of 10 council areas. Given up: none yet."
    for css in ("sasci-map-image", "sasci-curves-image", "sasci-all-curves-image"):
        assert image(page, css).startswith(b"\x89PNG")


def test_step_advances_the_model_and_redraws(page) -> None:
    curves_before = image(page, "sasci-curves-image")
    for expected in (1, 2, 3):
        click(page, "Step")
        assert month(page) == expected
    assert image(page, "sasci-curves-image") != curves_before
    click(page, "Reset")
    assert month(page) == 0


def test_levers_apply_on_reset(page) -> None:
    slider(page, "Providers (teaching size, at most 1,000)").v_model = 200
    slider(page, "Grant length (months)").v_model = 60
    checkbox(
        page, "Long-term joint health and social care fund through pooled budgets (pays double running)"
    ).v_model = True
    assert slider(page, "Grant length (months)").label == "Grant length (months): 60"  # the value is written out
    seed = page.find(v.TextField, label="Seed (empty: the scenario's own)").widget
    seed.v_model = "99"
    seed.fire_event("keyup.enter", None)  # the seed box sends its text on Enter or when it loses focus
    assert "800 providers" in text(page, "sasci-month"), "levers wait for Reset"
    click(page, "Reset")
    assert "200 providers" in text(page, "sasci-month") and "seed 99" in text(page, "sasci-month")
    levers = text(page, "sasci-levers")
    assert "grants 60 months" in levers and "joint fund on" in levers


def test_a_seed_that_is_not_a_number_is_reported_on_the_page(page) -> None:
    seed = page.find(v.TextField, label="Seed (empty: the scenario's own)").widget
    seed.v_model = "abc"
    seed.fire_event("focusout", None)
    click(page, "Reset")
    assert text(page, "sasci-seed-problem") == (
        "The seed box must be a whole number from 0 to 2**63-1 (got 'abc'): this run uses the scenario's seed."
    )
    assert f"seed {app.FIRST.scenario.simulation.seed} " in text(page, "sasci-month")
    seed.v_model = "5"
    seed.fire_event("focusout", None)
    click(page, "Reset")
    assert "seed 5 " in text(page, "sasci-month")
    assert not page.find(v.Html, class_="sasci-seed-problem").widgets


def test_picking_an_innovation_and_a_lesson(page) -> None:
    page.find(v.Select, label="Innovation shown").widget.v_model = "falls-sensors"
    assert "falls-sensors" in text(page, "sasci-shown")

    click(page, "Step")
    page.find(v.Select, label="Lesson or scenario").widget.v_model = "Lesson: Red tape and systems innovations"
    assert month(page) == 0, "a new lesson starts a new run"
    assert "regulatory flexibility 0.10" in text(page, "sasci-levers")
    assert page.find(v.Select, label="Innovation shown").widget.v_model == "delegated-health-tasks"
    assert "delegated-health-tasks" in text(page, "sasci-shown")
    narrative = " ".join(w.unsafe_innerHTML for w in page.find(solara.widgets.HTML).widgets)
    assert "Regulatory flexibility" in narrative

    page.find(v.Select, label="Lesson or scenario").widget.v_model = "Scenario: baseline (built-in)"
    assert "1,000 providers" in text(page, "sasci-month"), "a big scenario runs at teaching size"


def test_a_step_at_1000_providers_renders_well_under_a_second(page, capsys: pytest.CaptureFixture) -> None:
    slider(page, "Providers (teaching size, at most 1,000)").v_model = 1000
    click(page, "Reset")
    assert "1,000 providers" in text(page, "sasci-month")
    times = []
    for _ in range(12):
        started = time.perf_counter()
        click(page, "Step")  # returns when the model has stepped and every panel has re-rendered
        times.append(time.perf_counter() - started)
    assert month(page) == 12
    median = statistics.median(times)
    with capsys.disabled():
        print(
            f"\nstep + render at 1,000 providers (server side): median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    assert median < STEP_BUDGET_SECONDS
