"""Local proof by kind of innovation (ODD 7.0): each kind beds in and proves itself over its own months."""

from __future__ import annotations

import numpy as np
import pytest

from sasci_sim.errors import InputError
from sasci_sim.model.rules.commissioning import local_proof, proof_times
from tests.support.core import innovation, make_model, tiny_scenario

TIMES = {
    "bedding_in_months": 6.0,
    "proof_months": 18.0,
    "bedding_in_months_systems": 12.0,
    "proof_months_systems": 36.0,
    "bedding_in_months_social": 24.0,
    "proof_months_social": 60.0,
}


def kinds_model():
    s = tiny_scenario(
        diffusion=TIMES,
        innovations=[innovation("b", "business_model"), innovation("y", "systems"), innovation("s", "social")],
    )
    return make_model(s)


def test_proof_times_follow_each_kind() -> None:
    model = kinds_model()
    bedding, span = proof_times(model.config.diffusion, model.portfolio.kind)
    assert bedding.tolist() == [6.0, 12.0, 24.0]
    assert span.tolist() == [12.0, 24.0, 36.0]


@pytest.mark.parametrize("months", [0, 6, 12, 18, 24, 36, 42, 60, 100])
def test_local_proof_rises_from_each_kinds_bedding_in_to_its_proof_time(months: int) -> None:
    model = kinds_model()
    model.providers.months_operating[:] = months
    rows, cols = np.zeros(3, dtype=np.int64), np.arange(3)
    got = local_proof(model, rows, cols)
    want = [np.clip((months - b) / (p - b), 0, 1) for b, p in ((6, 18), (12, 36), (24, 60))]
    assert got == pytest.approx(want)


def test_each_kinds_proof_time_must_exceed_its_bedding_in() -> None:
    with pytest.raises(InputError, match="proof_months_social"):
        tiny_scenario(diffusion={"bedding_in_months_social": 30.0, "proof_months_social": 20.0})
