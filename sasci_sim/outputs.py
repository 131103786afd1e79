"""Writing a run's folder atomically, with its manifest (nothing half-written is ever left).

Files are written into a temporary folder beside the target and moved into
place only when complete. An earlier result folder is replaced only if it was
made by sasci-sim (it has a manifest.json); anything else is refused.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sasci_sim.errors import InputError

MANIFEST = "manifest.json"


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in ("sasci-sim", "mesa", "numpy", "scipy", "pandas", "pydantic"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(scenario_dump: dict[str, Any], seeds: list[int], **extra: Any) -> dict[str, Any]:
    """What produced a result folder: resolved scenario, seeds, versions, command line."""
    return {
        "scenario": scenario_dump,
        "seed": scenario_dump["simulation"]["seed"],
        "replication_seeds": seeds,
        "versions": package_versions(),
        "command_line": sys.argv,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, allow_nan=False, default=str) + "\n", encoding="utf-8")


def safe_child(root: Path, name: str) -> Path:
    """``root/name``, refusing names that would escape ``root``."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or name.startswith("."):
        raise InputError("name", "", "must be a plain folder name (no slashes, not starting with a dot)", got=name)
    return root / name


def _temporary_beside(target: Path) -> Path:
    """A new empty folder beside ``target`` (same file system, so the final move is atomic)."""
    if target.exists() and not (target / MANIFEST).is_file():
        raise InputError(target, "", "exists and was not made by sasci-sim (no manifest.json); choose another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise InputError(
            target.parent, "", f"cannot make an output folder here ({exc.strerror}); choose another --out"
        ) from None


def check_target(target: Path) -> None:
    """Refuse an output folder we could not write, before any work is done."""
    shutil.rmtree(_temporary_beside(Path(target)), ignore_errors=True)


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` in one move."""
    target = Path(target)
    tmp = _temporary_beside(target)
    try:
        yield tmp
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_folder(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``; an old ``target`` is moved aside first, then removed."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_run(target: Path, writers: dict[str, Callable[[Path], None]]) -> Path:
    """Write every file of a run folder through ``writers`` (file name -> writer)."""
    with atomic_folder(target) as tmp:
        for name, write in writers.items():
            write(tmp / name)
    return target
