"""Integrated care boards: how councils are grouped, what pools hold, and the Mesa agent views."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.model.agents import IntegratedCareBoard
from sasci_sim.model.nhs import board_count, fund_running
from sasci_sim.model.social_care import SocialCareModel
from tests.support.core import innovation, make_model, tiny_scenario


def test_england_has_42_boards_and_the_region_four() -> None:
    assert board_count(153, 3.64) == 42
    assert board_count(15, 3.64) == 4
    assert board_count(2, 3.64) == 1
    assert board_count(5, 1.0) == 5


def test_councils_are_split_into_consecutive_blocks_of_near_equal_size() -> None:
    model = make_model(tiny_scenario(population={"local_authorities": 15, "providers": 60}))
    board = model.boards.board
    assert (np.diff(board) >= 0).all()
    sizes = np.bincount(board)
    assert sizes.tolist() == model.boards.councils.tolist()
    assert len(sizes) == 4 and sizes.max() - sizes.min() <= 1


def test_without_pooling_the_boards_add_nothing_and_draw_nothing() -> None:
    plain = make_model(tiny_scenario(), seed=3)
    again = make_model(tiny_scenario(nhs={"pooled_council_share": 0.0, "match_ratio": 5.0}), seed=3)
    assert not plain.boards.pooled.any()
    assert np.array_equal(plain.councils.budget, again.councils.budget)
    assert plain.rng.random() == again.rng.random()  # no draw was made for the boards


def test_a_pooled_council_gets_the_match_and_the_board_pays_its_share() -> None:
    alone = make_model(tiny_scenario(), seed=3)
    pooled = make_model(tiny_scenario(nhs={"pooled_council_share": 1.0, "match_ratio": 1.5}), seed=3)
    b = pooled.boards
    assert b.pooled.all()
    assert np.allclose(pooled.councils.budget, 2.5 * alone.councils.budget)
    assert np.allclose(b.contribution, 1.5 * alone.councils.budget)
    assert np.allclose(b.nhs_share, 1.5 / 2.5)
    assert b.budget.sum() == pytest.approx(b.contribution.sum())


def test_a_share_of_councils_pool() -> None:
    model = make_model(
        tiny_scenario(population={"local_authorities": 20, "providers": 100}, nhs={"pooled_council_share": 0.25})
    )
    assert model.boards.pooled.sum() == 5
    assert (model.boards.nhs_share[~model.boards.pooled] == 0).all()


def test_the_joint_fund_runs_for_its_months_only() -> None:
    s = tiny_scenario(nhs={"joint_fund_k_per_year": 120.0, "joint_fund_start_month": 13, "joint_fund_months": 24})
    assert [fund_running(s, t) for t in (12, 13, 36, 37)] == [False, True, True, False]
    assert not fund_running(tiny_scenario(), 1)


def test_board_agents_are_views_of_the_arrays() -> None:
    scenario = tiny_scenario(
        population={"local_authorities": 8, "providers": 40},
        nhs={"pooled_council_share": 1.0},
        innovations=[innovation()],
    )
    model = SocialCareModel(scenario, rng=2, provider_agents=False)
    boards = model.integrated_care_boards
    assert len(boards) == 2 and all(isinstance(b, IntegratedCareBoard) for b in boards)
    assert sum(len(b.councils) for b in boards) == 8
    assert [la.index for la in boards[1].pooled_councils] == [4, 5, 6, 7]
    assert boards[0].budget_k_per_month == pytest.approx(float(model.boards.budget[0]))
    assert boards[0].committed_k_per_month == 0.0
