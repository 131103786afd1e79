"""The kept cell views equal fresh scans wherever a rule reads them (sasci_sim/model/views.py, ODD 7.19)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest

from sasci_sim.config.loader import validate
from sasci_sim.model.ensemble import Ensemble
from sasci_sim.model.network import PeerExposure
from sasci_sim.model.population import Payer, Providers, State
from sasci_sim.model.social_care import SocialCareModel
from sasci_sim.model.tally import CellTally
from sasci_sim.model.views import CellViews, operating_cells, under_way_cells
from tests.support.batches import SCENARIOS_COVERED, small


@pytest.mark.parametrize(
    "path", [*SCENARIOS_COVERED, "high_cost_pressure.yaml", "nhs_pooled_budget.yaml", "readoption", "policy"]
)
def test_the_kept_views_equal_fresh_ones_wherever_a_rule_reads_them(
    path: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every read of a kept view is checked against the arrays at that moment, in a run and a batch
    reads = {
        "sites": 0,
        "kept_sites": 0,
        "kept_contracts": 0,
        "contracts": 0,
        "kept_under_way": 0,
        "exposure": 0,
        "exposure_by_mask": 0,
        "reported": 0,
    }
    tally_update = CellTally.update

    def checked_tally(self: CellTally, providers: Providers, written: np.ndarray | None = None) -> None:
        tally_update(self, providers, written)
        # tallies moved by the cells the writers reported are what counting every cell gives
        fresh = CellTally(providers, self.n_councils, self.runs)
        for name in ("seen", "states", "ever_abandoned", "partial", "after_grant", "payers", "sustained_in"):
            assert np.array_equal(getattr(self, name), getattr(fresh, name)), name
        per_run = self.sustained_in.reshape(self.runs, -1, self.m)  # councils reached, as a recount has them
        assert np.array_equal(self.councils_reached(), np.count_nonzero(per_run, axis=1).ravel())
        reads["reported"] += written is not None

    contracts = CellViews.council_contracts
    under_way, update, update_mask = CellViews.under_way, PeerExposure.update, PeerExposure.update_mask

    def checked_under_way(self: CellViews) -> np.ndarray:
        kept = self._under is not None
        got = under_way(self)
        state = self.providers.state
        assert np.array_equal(got, np.flatnonzero((state == State.PILOTING.value) | (state == State.SUSTAINED.value)))
        reads["kept_under_way"] += kept
        return got

    def checked_update(self: PeerExposure, active_now: np.ndarray) -> None:
        update(self, active_now)
        check_counts(self, active_now)

    def checked_update_mask(self: PeerExposure, operating: np.ndarray) -> None:
        # the same fold, given the operating mask (most cells under way): the same cells and counts
        update_mask(self, operating)
        assert np.array_equal(operating, self.active)
        check_counts(self, np.flatnonzero(operating))
        reads["exposure_by_mask"] += 1

    def check_counts(self: PeerExposure, active_now: np.ndarray) -> None:
        # the counts kept from the changed cells are what counting every active peer gives
        assert np.array_equal(np.flatnonzero(self.active), active_now)
        assert np.array_equal(self.cells, active_now)
        if self.adjacency is None:
            per_run = self.active.reshape(self.runs, self.n, self.m).sum(axis=1).ravel()
            assert np.array_equal(self.count, per_run)
        else:
            assert np.array_equal(self.count, self.adjacency @ self.active.astype(np.int64))
        reads["exposure"] += active_now.size > 0

    def checked_contracts(self: CellViews) -> np.ndarray:
        kept = self._contracts is not None
        got = contracts(self)
        assert np.array_equal(got, np.flatnonzero(self.providers.payer == Payer.COUNCIL.value))
        reads["kept_contracts"] += kept and got.size > 0
        reads["contracts"] += got.size
        return got

    sites, per_contract = CellViews.operating_sites, CellViews.per_contract

    def checked_sites(self: CellViews) -> np.ndarray:
        kept = self._sites is not None
        got = sites(self)
        assert np.array_equal(got, self.blocks.count_columns(operating_cells(self.providers)))
        reads["sites"] += self.tracking  # counted from the index of cells under way
        reads["kept_sites"] += kept  # moved from the kept counts by the cells written since
        return got

    def checked_per_contract(self: CellViews, name: str, compute: Callable) -> tuple[np.ndarray, np.ndarray]:
        kept = name in self._per_contract
        cells, values = per_contract(self, name, compute)
        fresh = np.flatnonzero(self.providers.payer == Payer.COUNCIL.value)
        assert np.array_equal(cells, fresh) and np.array_equal(values, compute(fresh))  # the same floats
        reads["kept_contracts"] += kept and cells.size > 0
        reads["contracts"] += cells.size
        return cells, values

    monkeypatch.setattr(CellViews, "operating_sites", checked_sites)
    monkeypatch.setattr(CellViews, "per_contract", checked_per_contract)
    monkeypatch.setattr(CellViews, "council_contracts", checked_contracts)
    monkeypatch.setattr(CellViews, "under_way", checked_under_way)
    monkeypatch.setattr(PeerExposure, "update", checked_update)
    monkeypatch.setattr(PeerExposure, "update_mask", checked_update_mask)
    monkeypatch.setattr(CellTally, "update", checked_tally)
    if path == "readoption":  # abandoners become aware again (a writer no shipped scenario uses)
        data = small(None, providers=400, steps=40).model_dump()
        data["abandonment"].update(readoption=True, readoption_hazard_per_month=0.2, base_hazard_per_month=0.01)
        scenario = validate(data, "test")
    elif path == "policy":  # national policy that follows practice, in force early (its writes reported too)
        data = small("history/ordinary_life.yaml", providers=400, steps=40).model_dump()
        data["national"]["policy_follows_practice"][0].update(councils_share=0.0, evidence=0.0, lag_months=1)
        scenario = validate(data, "test")
    else:
        scenario = small(path, providers=400, steps=40)
    SocialCareModel(scenario, rng=5, provider_agents=False).run()
    Ensemble(scenario, [5, 6, 7]).run()
    assert reads["kept_under_way"] > 0 and reads["exposure"] > 0 and reads["reported"] > 0  # read, and right
    assert reads["sites"] > 0 and reads["kept_sites"] > 0
    assert reads["kept_contracts"] > 0 or reads["contracts"] == 0  # (the Bass limit has no council contracts)
    if path == "validation/bass_limit.yaml":  # most cells end up under way: the whole-array paths are read too
        assert reads["exposure_by_mask"] > 0


def test_views_are_kept_only_inside_the_month_so_hand_edits_between_months_are_seen() -> None:
    model = SocialCareModel(small(None, providers=200, steps=5), rng=1, provider_agents=False)
    model.step()
    assert not model.cells.keeping
    model.providers.state[:3, 0] = State.SUSTAINED
    model.providers.approved[:3, 0] = True
    model.providers.payer[:3, 0] = Payer.COUNCIL
    assert model.operating_mask()[:3, 0].all()
    assert set(range(0, 3 * model.portfolio.size, model.portfolio.size)) <= set(model.under_way().tolist())
    assert set(range(0, 3 * model.portfolio.size, model.portfolio.size)) <= set(model.council_contracts().tolist())


def test_a_read_of_the_cells_under_way_with_nothing_written_since_returns_the_kept_index() -> None:
    model = SocialCareModel(small(None, providers=200, steps=5), rng=1, provider_agents=False)
    model.step()
    views = model.cells
    views.track()
    first = views.under_way()
    assert first.size > 0 and views.under_way() is first  # nothing written: the same index
    with pytest.raises(ValueError):
        first[0] = 0  # kept, so read-only
    cell = int(first[0])
    model.providers.state.ravel()[cell] = State.ABANDONED
    views.written(np.array([cell]))
    again = views.under_way()
    assert again is not first and np.array_equal(again, first[1:])  # a written cell that left is dropped
    views.untrack()


@pytest.mark.parametrize("readoption", [False, True])
def test_the_kept_unaware_exposed_cells_equal_a_fresh_scan_at_every_read(
    readoption: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = {"kept": 0}
    unaware_exposed = CellViews.unaware_exposed

    def checked(self: CellViews, exposure: PeerExposure) -> np.ndarray:
        kept = self._reach is not None
        got = unaware_exposed(self, exposure)
        fresh = np.flatnonzero((exposure.count > 0) & (self.providers.state == State.UNAWARE.value))
        assert np.array_equal(got, fresh)
        reads["kept"] += kept and got.size > 0
        return got

    monkeypatch.setattr(CellViews, "unaware_exposed", checked)
    data = small(None, providers=400, steps=40).model_dump()
    if readoption:  # abandoners become aware again: cells that leave and come back
        data["abandonment"].update(readoption=True, readoption_hazard_per_month=0.2, base_hazard_per_month=0.01)
    scenario = validate(data, "test")
    assert scenario.network.topology != "complete"  # (the index is of network topologies)
    SocialCareModel(scenario, rng=5, provider_agents=False).run()
    Ensemble(scenario, [5, 6, 7]).run()
    assert reads["kept"] > 0


def test_many_under_way_counts_after_a_dense_month_and_reads_the_index_after_a_sparse_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {"counted": 0, "read": 0}
    many_under_way = CellViews.many_under_way

    def checked(self: CellViews) -> bool:
        deciding, counted = self._many is None, self._was_many
        active = (self.providers.state == State.PILOTING.value) | (self.providers.state == State.SUSTAINED.value)
        got = many_under_way(self)
        if deciding:  # (decided once a month, at its first use)
            assert got == (np.count_nonzero(active) * 8 > active.size)
            answers["counted" if counted else "read"] += 1
        return got

    monkeypatch.setattr(CellViews, "many_under_way", checked)
    views_read = CellViews.under_way

    def checked_under_way(self: CellViews) -> np.ndarray:
        got = views_read(self)  # the index, left unread through dense months, is still what a scan gives
        assert np.array_equal(got, under_way_cells(self.providers))
        return got

    monkeypatch.setattr(CellViews, "under_way", checked_under_way)
    model = SocialCareModel(small("validation/bass_limit.yaml", steps=40), rng=3, provider_agents=False)
    model.run()
    assert answers["counted"] > 0 and answers["read"] > 0
    model.providers.state[model.providers.state == State.SUSTAINED.value] = State.ABANDONED  # few under way again
    model.cells.track()
    assert not model.cells.many_under_way()  # counted (the last month had many), and right
    assert answers["counted"] > 1
    model.cells.untrack()


def test_the_kept_aware_cells_take_in_cells_reported_written_and_are_dropped_at_untrack() -> None:
    model = SocialCareModel(small(None, providers=200, steps=5), rng=1, provider_agents=False)
    model.step()
    views, state = model.cells, model.providers.state.ravel()
    views.track()
    first = views.aware()
    unaware = int(np.flatnonzero(state == State.UNAWARE.value)[0])
    state[unaware] = State.AWARE
    views.written(np.array([unaware, unaware]))
    state[int(first[0])] = State.PILOTING
    views.written(first[:1])
    assert np.array_equal(views.aware(), np.flatnonzero(state == State.AWARE.value))
    views.track()  # the next month of the span: still kept, and still taking in what is reported
    state[int(first[1])] = State.ABANDONED
    views.written(first[1:2])
    assert views._aware is not None
    assert np.array_equal(views.aware(), np.flatnonzero(state == State.AWARE.value))
    state[unaware] = State.UNAWARE  # unreported: seen only by the scan after ``untrack``
    views.untrack()
    views.track()
    assert np.array_equal(views.aware(), np.flatnonzero(state == State.AWARE.value))
    views.untrack()


def test_the_kept_aware_cells_equal_a_fresh_scan_at_every_funders_call(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = {"kept": 0}
    aware = CellViews.aware

    def checked(self: CellViews) -> np.ndarray:
        kept = self._aware is not None
        got = aware(self)
        assert np.array_equal(got, np.flatnonzero(self.providers.state == State.AWARE.value))
        reads["kept"] += kept and got.size > 0
        return got

    monkeypatch.setattr(CellViews, "aware", checked)
    scenario = small(None, providers=400, steps=40)
    assert len(scenario.funding.funders) > 1  # (the later funders of a month read the kept index)
    SocialCareModel(scenario, rng=5, provider_agents=False).run()
    Ensemble(scenario, [5, 6, 7]).run()
    assert reads["kept"] > 0


@pytest.mark.parametrize("shape", [(0, 4), (1, 1), (13, 3), (200, 20), (1001, 7), (20001, 7)])  # some not whole words
def test_the_operating_mask_word_by_word_is_approved_pilots_and_sustained(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    state = rng.integers(0, len(State), shape).astype(np.int8)
    approved = rng.random(shape) < 0.5
    providers = SimpleNamespace(state=state, approved=approved)
    got = operating_cells(providers)
    active = (state == State.PILOTING.value) | (state == State.SUSTAINED.value)
    assert got.dtype == np.bool_ and got.shape == shape
    assert np.array_equal(got.view(np.uint8), (approved & active).view(np.uint8))  # bytes of 0 or 1 only
    assert np.array_equal(under_way_cells(providers), np.flatnonzero(active))


@pytest.mark.parametrize("path", [*SCENARIOS_COVERED, "readoption"])
def test_peer_counts_brought_up_to_date_from_the_cells_written_equal_a_recount(
    path: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # after the first month of a tracked span the counts move by the cells reported written only
    # (approvals too): at every such update they are what counting every operating peer gives
    update_at = PeerExposure.update_at
    reads = {"at": 0}

    def checked(self: PeerExposure, cells: np.ndarray, active_now: np.ndarray) -> None:
        update_at(self, cells, active_now)
        providers = world[0].providers
        operating = operating_cells(providers)
        assert np.array_equal(self.active, operating)
        assert np.array_equal(self.cells, np.flatnonzero(operating))
        if self.adjacency is None:
            assert np.array_equal(self.count, self.active.reshape(self.runs, self.n, self.m).sum(axis=1).ravel())
        else:
            assert np.array_equal(self.count, self.adjacency @ self.active.astype(np.int64))
        reads["at"] += 1

    monkeypatch.setattr(PeerExposure, "update_at", checked)
    if path == "readoption":
        data = small(None, providers=400, steps=40).model_dump()
        data["abandonment"].update(readoption=True, readoption_hazard_per_month=0.2, base_hazard_per_month=0.01)
        scenario = validate(data, "test")
    else:
        scenario = small(path, providers=400, steps=40)
    world: list = []
    for build in (lambda: SocialCareModel(scenario, rng=5, provider_agents=False), lambda: Ensemble(scenario, [5, 6])):
        world[:] = [build()]
        world[0].run()
    assert reads["at"] > 0 or path == "validation/bass_limit.yaml"  # (there most months read the mask)
