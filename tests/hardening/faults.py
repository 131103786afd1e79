"""Fault injectors for the hardening tests: a disk that fills up, a process killed at a random moment."""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import SASCI_SIM, process_env


class DiskFull:
    """Files opened for writing under ``root`` share ``budget`` bytes; the write that passes it
    writes what still fits, then fails with ENOSPC, as a full disk does (and so does every later one)."""

    def __init__(self, root: Path, budget: int) -> None:
        self.root = str(Path(root).resolve())
        self.left = budget
        self.hit = False

    def take(self, n: int) -> int:
        """How many of ``n`` bytes fit."""
        fits = max(0, min(n, self.left))
        self.left -= fits
        return fits


class _FillingFile:
    """A file object whose writes draw on a DiskFull's budget."""

    def __init__(self, real: Any, disk: DiskFull) -> None:
        self._real = real
        self._disk = disk

    def write(self, data: Any) -> int:
        fits = self._disk.take(len(data))
        if fits < len(data):
            self._real.write(data[:fits])
            self._disk.hit = True
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._real.write(data)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._real)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def disk_full(monkeypatch: pytest.MonkeyPatch, root: Path, budget: int) -> Iterator[DiskFull]:
    """Python-level writes under ``root`` (CSV, JSON, HTML, PNG) fill a disk of ``budget`` bytes."""
    disk = DiskFull(root, budget)
    real_open = builtins.open

    def filling_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        writing = any(m in mode for m in "wax+")
        if writing and isinstance(file, str | os.PathLike) and os.path.abspath(file).startswith(disk.root):
            return _FillingFile(handle, disk)
        return handle

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "open", filling_open)
        patch.setattr(io, "open", filling_open)
        yield disk


def kill_after(args: list[str], cwd: Path, delay: float) -> bool:
    """Start ``sasci-sim ARGS`` and SIGKILL its whole process group after ``delay`` seconds.

    Returns whether it had finished on its own by then (then nothing was killed)."""
    proc = subprocess.Popen(
        [str(SASCI_SIM), *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=process_env(),
        start_new_session=True,  # its own process group: the kill takes pool workers too
    )
    try:
        proc.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        return False


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``sasci-sim ARGS`` to the end; how long it took, and what it printed."""
    start = time.monotonic()
    done = subprocess.run(
        [str(SASCI_SIM), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=process_env()
    )
    return time.monotonic() - start, done
