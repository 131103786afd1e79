"""Batches of replications free their model memory as soon as they finish (sasci_sim/experiments/replications.py)."""

from __future__ import annotations

import pytest

from sasci_sim.config.loader import load_scenario, validate
from sasci_sim.config.schema import Scenario
from sasci_sim.experiments import replications
from sasci_sim.model.ensemble import Ensemble


def _small() -> Scenario:
    data = load_scenario(None).model_dump()
    data["population"]["providers"] = 120
    data["simulation"]["steps"] = 6
    return validate(data, "test")


def _collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(replications, "FREE_AT_ONCE_CELLS", 0)  # every batch counts as big
    monkeypatch.setattr(replications.gc, "collect", lambda *args: calls.append(1) or 0)
    return calls


def test_a_finished_batch_is_freed_without_a_full_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _collections(monkeypatch)
    replications.run_batch(_small(), [0, 1], [1, 2])
    assert calls == []  # the ensemble holds no reference cycle: letting it go frees it


def test_a_batch_kept_alive_by_a_cycle_is_collected_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    class Cyclic(Ensemble):
        def run(self) -> None:
            super().run()
            self.me = self

    calls = _collections(monkeypatch)
    monkeypatch.setattr(replications, "Ensemble", Cyclic)
    replications.run_batch(_small(), [0], [1])
    assert calls == [1]
