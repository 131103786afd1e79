"""Every command in the README's ``bash`` blocks works, in the order the README gives them.

They run in one scratch folder (with the repository's scenarios/ and experiments/ beside them),
at small sizes: each subcommand gets options that shrink it (fewer replications, steps, providers and
posterior draws) but keep what the README shows, such as its output folders, so a command that reads
what an earlier one wrote (``analyse try/sobol_levers``) is checked too. The few commands that
cannot run in a test are listed in ``NOT_RUN`` with the reason; a new README command that is
neither run nor listed fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SASCI_SIM = ".venv/bin/sasci-sim"

#: Commands (as their first words) that a test cannot run, and why.
NOT_RUN = {
    "bash scripts/install.sh": "installs into .venv; scripts/install.sh is run by CI itself",
    ".venv/bin/python -m pytest": "the test suite itself",
    ".venv/bin/python tests/hardening/report.py": "reruns the hardening tests, which the suite runs itself",
    ".venv/bin/python benchmarks/run.py": "a benchmark of minutes; tests/test_benchmarks.py runs it at a tiny size",
    f"{SASCI_SIM} sweep experiments/morris_screening.yaml --scheduler": "needs a running Dask scheduler",
    f"{SASCI_SIM} calibrate tests/experiments/tiny_calibration.yaml": (
        "writes outside the test's folder; tests/experiments/test_calibration.py runs this tiny calibration"
    ),
    f"{SASCI_SIM} compare scenarios/short_term_funding.yaml scenarios/long_term_funding.yaml "
    "scenarios/joint_health_social_care_fund.yaml --draws": (
        "needs the posterior of the command before it; tests/experiments/test_uncertainty_*.py run compare "
        "--draws on a tiny posterior, and benchmarks/draws.py times it"
    ),
    f"{SASCI_SIM} lessons --draws 50": (
        "600 runs over the shipped posterior; tests/dashboard/test_dashboard_claims.py runs lessons end to end "
        "on a tiny posterior and checks the shipped claims.csv is current"
    ),
    "cp results/lessons/claims.csv": "ships the output of the command before it",
    f"{SASCI_SIM} calibrate experiments/calibrate_anchors.yaml": (
        "the shipped calibration takes many minutes even as a quick try; "
        "tests/experiments/test_calibration.py runs calibrate end to end on a tiny experiment"
    ),
}
TINY_RUN = ["--steps", "12", "--replications", "2", "--set", "population.providers=200"]
TINY_SWEEP = ["--replications", "1", "--set", "population.providers=60", "--set", "population.local_authorities=3"]
#: Per experiment: how to make its design small (a grid uses every value, so it keeps its design).
TINY_SAMPLES = {
    "sobol_levers": ["--samples", "2"],
    "morris_screening": ["--samples", "2"],
    "scale_discovery": ["--samples", "6"],
}


def readme_commands() -> list[str]:
    """The commands of the README's bash blocks, in order (``a && b`` is two, comments dropped)."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    out = []
    for block in blocks:
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            out += [part.strip() for part in line.split("&&") if part.strip()]
    return out


def skipped(command: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if command.startswith(start)), None)


def shrunk(argv: list[str]) -> list[str]:
    """The command's arguments with options that make it small."""
    command = argv[0]
    if command == "run":
        return [*argv, *TINY_RUN, "--quiet"]
    if command == "compare":
        extra = ["--draws", "6"] if "--draws" in argv else []
        return [*without(argv, "--draws"), *extra, "--steps", "12", "--replications", "2", "--quiet"]
    if command == "validate":
        return [*argv, "--replications", "2", "--providers", "200", "--draws", "2", "--quiet"]
    if command == "sweep":
        extra = without(argv[2:], "--samples")  # the README's own --samples gives way to the tiny one
        return [command, argv[1], *extra, *TINY_SWEEP, *TINY_SAMPLES.get(Path(argv[1]).stem, [])]
    return argv


def without(argv: list[str], option: str) -> list[str]:
    """``argv`` less ``option`` and its value, if it is there."""
    if option not in argv:
        return argv
    i = argv.index(option)
    return argv[:i] + argv[i + 2 :]


def globbed(argv: list[str], cwd: Path) -> list[str]:
    """Expand ``scenarios/*.yaml`` as the shell would."""
    out = []
    for arg in argv:
        out += sorted(str(p.relative_to(cwd)) for p in cwd.glob(arg)) if "*" in arg else [arg]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_once(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Start the teaching page as the README does, wait until it answers, then stop it."""
    port = free_port()
    if "--port" in argv:
        argv = [*argv[: argv.index("--port")], *argv[argv.index("--port") + 2 :]]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sasci_sim.ui.cli", *argv, "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"the teaching page did not answer on port {port} within 90 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_every_readme_command_is_run_or_has_a_reason() -> None:
    commands = readme_commands()
    assert len(commands) >= 15
    for command in commands:
        assert command.startswith(SASCI_SIM) or skipped(command), command


@pytest.mark.slow
def test_readme_commands_work_in_the_order_written(tmp_path: Path) -> None:
    for folder in ("scenarios", "experiments"):
        (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    ran = []
    for command in readme_commands():
        if skipped(command):
            continue
        argv = globbed(shlex.split(command)[1:], tmp_path)
        if argv[0] == "dashboard":
            serve_once(argv, tmp_path, env)
            ran.append(command)
            continue
        done = subprocess.run(
            [sys.executable, "-m", "sasci_sim.ui.cli", *shrunk(argv)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        allowed = {0, 1} if argv[0] == "validate" else {0}  # at two replications a statistical check may fail
        assert done.returncode in allowed, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
        ran.append(command)
    assert (tmp_path / "my-results" / "baseline-flexibility-0_9-grant_duration_months-60" / "report.html").is_file()
    assert (tmp_path / "try" / "sobol_levers" / "analysis" / "summary.txt").is_file()
    assert (tmp_path / "results" / "validation" / "validation.json").is_file()
    assert len(ran) == len([c for c in readme_commands() if not skipped(c)])
