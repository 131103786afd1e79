"""The page for a classroom: lever values always written out, causes of giving up broken down."""

from __future__ import annotations

import ipywidgets
import solara

from sasci_sim.model.rules.transitions import CAUSES
from sasci_sim.ui.dashboard import app
from sasci_sim.ui.dashboard.catalogue import read_lessons
from sasci_sim.ui.dashboard.components import CAUSE_WORDS, given_up
from sasci_sim.ui.dashboard.levers import initial_kwargs, model_params, shown_value

MESA_JARGON = ("Play Interval", "Render Interval", "Use Threads", "Page 0", "Time:", "Model Parameters")


def texts(widget: object, seen: set[int] | None = None) -> list[str]:
    """Every string a rendered widget tree shows (labels, values, text children)."""
    seen = set() if seen is None else seen
    if isinstance(widget, str):
        return [widget]
    if id(widget) in seen or not isinstance(widget, ipywidgets.Widget):
        return []
    seen.add(id(widget))
    out = []
    for attr in ("label", "value", "description", "children", "v_model"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list | tuple):
            for child in value:
                out += texts(child, seen)
    return out


def test_every_lever_shows_its_value_in_its_label() -> None:
    entry = read_lessons()[0]
    params = model_params(entry)
    chosen = solara.reactive(initial_kwargs(params))
    box, _ = solara.render(app.LeverInputs(params, chosen), handle_error=False)
    shown = texts(box)
    s = entry.scenario
    assert f"Grant length (months): {s.funding.grant_duration_months}" in shown
    assert f"Regulatory flexibility (0 rigid, 1 flexible): {s.regulation.flexibility:.2f}" in shown
    assert any(t.startswith("Long-term joint health and social care fund") and t.endswith(": off") for t in shown)
    chosen.set({**chosen.value, "grant_duration_months": 60})
    assert "Grant length (months): 60" in texts(box)  # the label follows the slider


def test_shown_values_are_words() -> None:
    assert shown_value({"type": "SliderFloat"}, 0.3) == "0.30"
    assert shown_value({"type": "SliderInt"}, 1000) == "1,000"
    assert shown_value({"type": "Checkbox"}, True) == "on"
    assert shown_value({"type": "InputText"}, "") == "the scenario's own"


def test_every_cause_of_giving_up_is_named_largest_first() -> None:
    assert set(CAUSE_WORDS) == set(CAUSES)
    why = dict.fromkeys(CAUSES, 0) | {"background": 31, "cliff": 13, "money": 4}
    assert given_up(why) == (
        "Given up: 31 for everyday reasons (staff leave, priorities change); 13 at the funding cliff (the grant "
        "ended and nobody paid on); 4 because the provider could not afford to keep it going."
    )
    assert given_up(dict.fromkeys(CAUSES, 0)) == "Given up: none yet."
    assert "0 at the funding cliff" in given_up(dict.fromkeys(CAUSES, 0) | {"rigidity": 2})


def test_the_main_area_has_no_mesa_jargon() -> None:
    box, _ = solara.render(app.Page(), handle_error=False)
    shown = " ".join(texts(box))
    assert "Month 0 of 120" in shown and "Given up: " in shown
    for word in MESA_JARGON:
        assert word not in shown, word
