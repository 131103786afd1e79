"""``sasci-sim dashboard``: bad input is one line and exit status 2, before any server starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sasci_sim.ui.cli import main
from sasci_sim.ui.commands.dashboard import is_loopback


def fails(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(["dashboard", *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


def test_the_command_hands_solara_the_app_offline_on_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """What would start the server: Solara's own ``run`` command, checked without starting it."""
    import solara.__main__

    seen = {}

    def fake_run(args: list[str], **kwargs) -> None:
        seen["args"] = args
        seen["env"] = {k: os.environ.get(k) for k in ("SASCI_DASHBOARD_LESSON", "SASCI_DASHBOARD_SCENARIOS")}
        seen["telemetry"] = os.environ.get("SOLARA_TELEMETRY_MIXPANEL_ENABLE")

    for name in ("SASCI_DASHBOARD_LESSON", "SASCI_DASHBOARD_SCENARIOS", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"):
        monkeypatch.setenv(name, "")  # so that monkeypatch restores what was there before execute() sets it
        monkeypatch.delenv(name)
    monkeypatch.setattr(solara.__main__.run, "main", fake_run)
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["dashboard", str(mine), "--lesson", "red_tape", "--port", str(port)]) == 0
    assert (
        capsys.readouterr().out == f"teaching page: http://127.0.0.1:{port}/ (Ctrl+C stops it)\nteaching page stopped\n"
    )
    args = seen["args"]
    assert args[0] == "sasci_sim.ui.dashboard.app"
    assert args[args.index("--host") + 1] == "127.0.0.1" and args[args.index("--port") + 1] == str(port)
    assert {"--production", "--no-open", "--no-check-version"} <= set(args)
    assert seen["env"] == {"SASCI_DASHBOARD_LESSON": "red_tape", "SASCI_DASHBOARD_SCENARIOS": str(mine.resolve())}
    assert seen["telemetry"] == "false"


def test_the_page_opens_on_the_lesson_and_lists_the_scenarios_it_is_given(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\n")
    env = {**os.environ, "SASCI_DASHBOARD_LESSON": "scenario:mine", "SASCI_DASHBOARD_SCENARIOS": str(mine)}
    code = "import sasci_sim.ui.dashboard.app as a; print(a.FIRST.key, [e.key for e in a.ENTRIES][-2:])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "scenario:mine ['scenario:baseline', 'scenario:mine']"


def test_unknown_lesson_lists_the_choices(capsys: pytest.CaptureFixture) -> None:
    line = fails(["--lesson", "pilotitis"], capsys)
    assert line == (
        "error: --lesson: no such lesson or scenario; choose one of: funding_cliff, savings_only, red_tape, "
        "joint_funding, social_decades, scenario:baseline (got 'pilotitis')"
    )


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_bad_port(port: str, capsys: pytest.CaptureFixture) -> None:
    assert "--port" in fails(["--port", port], capsys)


def test_port_in_use(capsys: pytest.CaptureFixture) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = fails(["--port", str(port)], capsys)
    assert line == f"error: command line: --port: 127.0.0.1:{port} is in use; choose another port (got {port})"


def test_host_that_is_not_this_machine(capsys: pytest.CaptureFixture) -> None:
    assert fails(["--host", "no-such-host.invalid"], capsys).startswith("error: command line: --host: ")


def test_bad_scenario_file_names_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nregulation:\n  flexibility: 1.5\n")
    assert fails([str(bad)], capsys).startswith(f"error: {bad}: regulation.flexibility: must be a number")
    assert fails([str(tmp_path / "missing.yaml")], capsys) == f"error: {tmp_path / 'missing.yaml'}: no such file"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.4", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
