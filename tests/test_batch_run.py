"""Mesa's batch_run drives the model through its flat lever keywords."""

from __future__ import annotations

import mesa

from sasci_sim import SocialCareModel
from sasci_sim.model.reporters import MODEL_REPORTERS


def batch() -> list[dict]:
    return mesa.batch_run(
        SocialCareModel,
        parameters={"grant_duration_months": [12, 60]},
        rng=[1, 2],
        max_steps=24,
        display_progress=False,
    )


def test_batch_run_returns_one_row_per_run_with_the_model_reporters() -> None:
    rows = batch()
    assert len(rows) == 4
    assert sorted((r["grant_duration_months"], r["rng"]) for r in rows) == [(12, 1), (12, 2), (60, 1), (60, 2)]
    for row in rows:
        assert row["Step"] == 24
        assert set(MODEL_REPORTERS) <= set(row)
        assert 0 <= row["sustained"] <= 1 and 0 <= row["piloting"] <= 1
        assert row["abandoned_cliff_so_far"] >= 0
    # the same lever values and seed give the same row
    again = batch()
    key = lambda r: (r["grant_duration_months"], r["rng"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(again, key=key)


def test_the_swept_lever_reaches_the_scenario() -> None:
    for months in (12, 60):
        model = SocialCareModel(rng=1, grant_duration_months=months, n_providers=300)
        assert model.config.funding.grant_duration_months == months
        assert model.providers.n == 300
