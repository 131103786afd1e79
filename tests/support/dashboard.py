"""The teaching page served for real by ``sasci-sim dashboard``, for the browser tests."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: How long the page may take to answer after start (Solara imports are slow on a busy machine).
STARTUP_SECONDS = 90


def free_port() -> int:
    """A loopback port free at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_dashboard(log: Path) -> Iterator[str]:
    """``sasci-sim dashboard`` on a free loopback port: started, waited for, stopped and checked to stop.

    Args:
        log: The file the server's output goes to (shown when something fails).

    Yields:
        The page's URL.
    """
    port = free_port()
    cmd = [sys.executable, "-m", "sasci_sim.ui.cli", "dashboard", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"sasci-sim dashboard exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"sasci-sim dashboard did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on Ctrl+C
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
                pytest.fail(f"sasci-sim dashboard did not stop on Ctrl+C:\n{log.read_text()}")
            output = log.read_text()
            assert proc.returncode == 0 and "teaching page stopped" in output, output
            assert "Traceback" not in output, output
