"""Bad values in the nhs, double_running and learning sections and the new innovation fields: one line, status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from sasci_sim.ui.cli import main

CASES = {
    "nhs: {pooled_council_share: 1.5}": "nhs.pooled_council_share",
    "nhs: {councils_per_board: 0}": "nhs.councils_per_board",
    "nhs: {joint_fund_covers_double_running: 3}": "nhs.joint_fund_covers_double_running",
    "nhs: {saving_share: {systems: 1.0}}": "nhs.saving_share.systems",
    "nhs: {boards: 42}": "nhs",
    "double_running: {months: {social: -1}}": "double_running.months.social",
    "double_running: {cost_share: {systems: '0.5'}}": "double_running.cost_share.systems",
    "learning: {prior_weight: 0}": "learning.prior_weight",
    "learning: {memory_months: .nan}": "learning.memory_months",
    "innovations: [{name: a, kind: social, initial_share: 2}]": "initial_share",
    "innovations: [{name: a, kind: social, prior_benefit: -0.1}]": "prior_benefit",
    "innovations: [{name: a, kind: social, nhs_saving_k_per_month: 1000}]": "nhs_saving_k_per_month",
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_a_bad_value_is_one_line_naming_the_field(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\n{text}\n", encoding="utf-8")
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert CASES[text] in lines[0]
    assert "Traceback" not in err


def test_the_new_sections_accept_their_defaults_written_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        "name: ok\nnhs: {pooled_council_share: 0.5, joint_fund_k_per_year: 100}\n"
        "double_running: {months: {systems: 9}}\nlearning: {failure_weight: 0}\n"
        "innovations: [{name: a, kind: systems, initial_share: 0.1, initial_council_share: 0.5}]\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
