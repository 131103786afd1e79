"""``sasci-sim dashboard``: bad input is one line and exit status 2, before any server starts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sasci_sim.cli import main
from sasci_sim.commands.dashboard import is_loopback


def fails(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(["dashboard", *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


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
