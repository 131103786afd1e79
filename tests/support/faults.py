"""Fault injectors for the hardening tests: a disk that fills up, a process killed at a random moment."""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.hardening import SASCI_SIM, process_env


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


def kill_after(args: list[str], cwd: Path, delay: float, ready: Callable[[], bool] | None = None) -> bool:
    """Start ``sasci-sim ARGS`` and SIGKILL its whole process group ``delay`` seconds after ``ready()``
    first holds (after the start, without ``ready``).

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
        deadline = time.monotonic() + 300
        while ready is not None and not ready():
            if proc.poll() is not None:
                return True
            assert time.monotonic() < deadline, f"sasci-sim {' '.join(args)} never reached the moment to kill"
            time.sleep(0.005)
        proc.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        return False


def writing(out: Path, name: str) -> Callable[[], bool]:
    """Whether files are being written into a new temporary folder for ``out/name`` (the last phase of
    run and compare); one a killed run left earlier does not count."""
    earlier = set(written_leftovers(out, name))

    def now() -> bool:
        return bool(set(written_leftovers(out, name)) - earlier)

    return now


def written_leftovers(out: Path, name: str) -> list[str]:
    """Temporary folders for ``out/name`` that hold files: a kill landed while it was being written."""
    found = []
    for tmp in out.glob(f".{name}.tmp-*"):
        try:
            if any(tmp.iterdir()):
                found.append(tmp.name)
        except OSError:  # removed or moved in place meanwhile
            continue
    return found


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``sasci-sim ARGS`` to the end; how long it took, and what it printed."""
    start = time.monotonic()
    done = subprocess.run(
        [str(SASCI_SIM), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=process_env()
    )
    return time.monotonic() - start, done


def timed_writing(args: list[str], cwd: Path, out: Path, name: str) -> tuple[float, float]:
    """Run ``sasci-sim ARGS`` (writing a new ``out/name``) to the end: how long it took in all, and how
    long its result folder took to write (from the first file in the temporary folder to the move)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(SASCI_SIM), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=process_env()
    )
    began = ended = None
    while proc.poll() is None:
        now = time.monotonic()
        if began is None and written_leftovers(out, name):
            began = now
        if began is not None and ended is None and (out / name).exists():
            ended = now
        time.sleep(0.002)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert began is not None, "the result folder was never seen being written"
    return time.monotonic() - start, (ended or time.monotonic()) - began
