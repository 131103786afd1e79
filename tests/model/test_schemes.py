"""Schemes per council and the people they support: penetration as a share of people."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.analysis.summary import summarise_run
from sasci_sim.model.population import Payer, State
from sasci_sim.model.schemes import people_supported, schemes_by_council
from tests.support.core import IDENTICAL, innovation, make_model, place, tiny_scenario


def people_model(growth: float = 10.0, per_scheme: float = 40.0, per_council: float = 1000.0):
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": 300, **IDENTICAL},
        innovations=[
            innovation("scheme", kind="social", people_per_scheme=per_scheme, scheme_growth_months=growth),
            innovation("records"),
        ],
        people={"using_care_per_council": per_council},
    )
    return make_model(s, seed=8)


def test_people_using_care_are_shared_out_by_council_size() -> None:
    model = people_model()
    people = model.people
    assert people.total == pytest.approx(3000.0)
    size = model.councils.n_providers
    assert np.allclose(people.using_care, 3000.0 * size / size.sum())
    assert people.counted.tolist() == [0]


def test_people_are_not_counted_unless_the_scenario_says_how_many_use_care() -> None:
    model = make_model(tiny_scenario(innovations=[innovation("scheme", people_per_scheme=40.0)]), seed=1)
    assert model.people is None
    spread = model.recorder.tidy(model)
    assert "people_supported" not in spread and "people_using_care" not in spread


def test_a_scheme_grows_to_its_people_and_councils_are_capped_at_their_people() -> None:
    model = people_model(growth=10.0, per_scheme=40.0)
    p = model.providers
    rows = np.flatnonzero(p.council == 0)
    place(model, rows[:1], 0, State.SUSTAINED, Payer.OWN, months=5)  # half grown: 20 people
    place(model, rows[1:2], 0, State.PILOTING, Payer.OWN, months=30)  # grown: 40 people
    place(model, rows[2:3], 0, State.PILOTING, Payer.OWN, approved=False, months=30)  # not operating: none
    other = np.flatnonzero(p.council == 1)
    place(model, other[:1], 0, State.SUSTAINED, Payer.COUNCIL, months=0)  # just started: none yet
    place(model, np.flatnonzero(p.council == 2)[:1], 1, State.SUSTAINED, Payer.OWN, months=30)  # not counted
    people = people_supported(model.people, p, model.councils.n)
    assert people.shape == (3, 1)
    assert people[:, 0].tolist() == pytest.approx([60.0, 0.0, 0.0])
    schemes = schemes_by_council(model.people, p, model.councils.n)
    assert schemes[:, 0].tolist() == [2, 1, 0]
    place(model, rows, 0, State.SUSTAINED, Payer.OWN, months=30)  # every provider of council 0
    capped = people_supported(model.people, p, model.councils.n)
    assert capped[0, 0] == pytest.approx(model.people.using_care[0])
    assert rows.size * 40.0 > model.people.using_care[0]


def test_recorded_people_give_the_share_of_people_in_the_summary() -> None:
    model = people_model(growth=0.0, per_scheme=25.0)
    p = model.providers
    sites = [np.flatnonzero(p.council == la)[0] for la in (0, 1)]
    place(model, np.array(sites), 0, State.SUSTAINED, Payer.OWN)
    model.recorder.record(model)
    spread = model.recorder.tidy(model)
    last = spread[(spread.step == spread.step.max()) & (spread.innovation == "scheme")]
    assert last["people_supported"].item() == pytest.approx(50.0)
    assert last["councils_with_scheme"].item() == 2
    assert np.allclose(spread["people_using_care"], 3000.0)
    figures = summarise_run(spread, None, model.config)
    assert figures["people_share"] == pytest.approx(50.0 / 3000.0)
    assert figures["people_share_social"] == pytest.approx(50.0 / 3000.0)
    assert figures["scheme_coverage_share_social"] == pytest.approx(2 / 3)
    assert "people_share_business_model" not in figures  # records counts no people


def test_a_council_has_at_most_its_schemes_and_they_are_its_most_grown_sites() -> None:
    s = tiny_scenario(
        population={"local_authorities": 3, "providers": 300, **IDENTICAL},
        innovations=[
            innovation("one", kind="social", people_per_scheme=40.0, scheme_growth_months=10.0, schemes_per_council=1),
            innovation("two", kind="social", people_per_scheme=40.0, scheme_growth_months=10.0, schemes_per_council=2),
        ],
        people={"using_care_per_council": 1000.0},
    )
    model = make_model(s, seed=8)
    p = model.providers
    for la, months in ((0, (5, 10, 2)), (1, (3,)), (2, ())):
        rows = np.flatnonzero(p.council == la)[: len(months)]
        for j in (0, 1):
            for row, m in zip(rows, months, strict=True):
                place(model, np.array([row]), j, State.SUSTAINED, Payer.OWN, months=m)
    people = people_supported(model.people, p, model.councils.n)
    assert people[:, 0].tolist() == pytest.approx([40.0, 12.0, 0.0])  # council 0's best site, grown
    assert people[:, 1].tolist() == pytest.approx([40.0 + 20.0, 12.0, 0.0])  # its two best: 10 and 5 months
    schemes = schemes_by_council(model.people, p, model.councils.n)
    assert schemes.tolist() == [[1, 2], [1, 1], [0, 0]]
