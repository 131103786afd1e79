"""The public API (``sasci_sim/__init__.py``): every listed name imports, lazily, and the README's
ensemble lines give each run the tables it gives alone."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

import sasci_sim
from tests.support.core import tiny_scenario


def test_every_public_name_imports_and_is_listed() -> None:
    for name in sasci_sim.__all__:
        assert getattr(sasci_sim, name) is not None, name
    assert {"Ensemble", "run_many", "SocialCareModel", "run_scenario"} <= set(sasci_sim.__all__)


def test_importing_the_package_loads_no_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, sasci_sim; print('numpy' in sys.modules)"], capture_output=True, text=True
    )
    assert done.stdout.strip() == "False", done.stderr


def test_runs_stepped_together_give_each_run_the_tables_it_gives_alone() -> None:
    scenario = tiny_scenario()
    together = sasci_sim.run_many([scenario] * 3, seeds=[5, 6, 7])
    batch = sasci_sim.Ensemble(scenario, seeds=[5, 6, 7])
    batch.run()
    for b, seed in enumerate([5, 6, 7]):
        alone_spread, alone_money, _ = sasci_sim.run_many([scenario], seeds=[seed])[0]
        pd.testing.assert_frame_equal(together[b][0], alone_spread)
        pd.testing.assert_frame_equal(together[b][1], alone_money)
        spread, money = batch.tables(b, replication=0)
        pd.testing.assert_frame_equal(spread, alone_spread)
        pd.testing.assert_frame_equal(money, alone_money)
