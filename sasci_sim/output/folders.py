"""Writing a run's folder atomically, with its manifest (nothing half-written is ever left).

Files are written into a temporary folder beside the target and moved into
place only when complete. An earlier result folder is replaced only if it was
made by sasci-sim (it has a manifest.json); anything else is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sasci_sim.errors import InputError

MANIFEST = "manifest.json"


@cache
def code_fingerprint() -> str:
    """A hash of the package's own files: results from other code are never reused as ours.

    Returns:
        The first 16 hex digits of a SHA-256 over the package's code and data files.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".j2", ".css", ".md"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results, and the fingerprint of this package's code.

    Returns:
        Package name -> version ("not installed" where missing), Python's and the code fingerprint.
    """
    out = {"python": platform.python_version(), "sasci-sim-code": code_fingerprint()}
    for name in ("sasci-sim", "mesa", "numpy", "scipy", "pandas", "pydantic"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(scenario_dump: dict[str, Any], seeds: list[int], **extra: Any) -> dict[str, Any]:
    """What produced a result folder: resolved scenario, seeds, versions, command line.

    Args:
        scenario_dump: The resolved scenario as JSON-ready data.
        seeds: The replication seeds.
        **extra: Further entries to record.

    Returns:
        The manifest's content.
    """
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
    """Write JSON as the result folders keep it: indented, NaN refused, other objects as text.

    Args:
        path: The file to write.
        data: What to write.
    """
    path.write_text(json.dumps(data, indent=2, allow_nan=False, default=str) + "\n", encoding="utf-8")


def safe_child(root: Path, name: str) -> Path:
    """``root/name``, refusing names that would escape ``root``.

    Args:
        root: The output folder.
        name: A scenario name used as a folder name.

    Returns:
        The child path.

    Raises:
        InputError: When the name is empty, has a slash or starts with a dot.
    """
    if not name or name in {".", ".."} or "/" in name or "\\" in name or name.startswith("."):
        raise InputError("name", "", "must be a plain folder name (no slashes, not starting with a dot)", got=name)
    return root / name


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _writer_pid(path: Path, kind: str) -> int | None:
    """The process id in a ``.<name>.<kind>-<pid>...`` leftover's name, if it has one."""
    digits = path.name.rpartition(f".{kind}-")[2].split("-")[0]
    return int(digits) if digits.isdigit() else None


def clear_leftovers(target: Path) -> None:
    """Tidy what a killed sasci-sim left beside ``target`` (only of processes that are gone).

    A half-written ``.<name>.tmp-<pid>-*`` folder is removed. An earlier result moved aside as
    ``.<name>.old-<pid>`` is moved back if its replacement never arrived, else removed.

    Args:
        target: The result folder whose leftovers to tidy.
    """
    parent = target.parent
    if not parent.is_dir():
        return
    for kind in ("old", "tmp"):
        for path in sorted(parent.glob(f".{target.name}.{kind}-*")):
            pid = _writer_pid(path, kind)
            if pid is None or _alive(pid) or not path.is_dir():
                continue
            try:
                if kind == "old" and not target.exists():
                    os.replace(path, target)
                else:
                    _remove(path)
            except OSError:  # best effort: a leftover we cannot move is left for the user
                continue


def _temporary_beside(target: Path) -> Path:
    """A new empty folder beside ``target`` (same file system, so the final move is atomic)."""
    clear_leftovers(target)
    if target.exists() and not (target / MANIFEST).is_file():
        raise InputError(target, "", "exists and was not made by sasci-sim (no manifest.json); choose another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise InputError(
            target.parent, "", f"cannot make an output folder here ({exc.strerror}); choose another --out"
        ) from None


def check_target(target: Path) -> None:
    """Refuse an output folder we could not write, before any work is done.

    Args:
        target: The result folder to be written.

    Raises:
        InputError: When it exists but was not made by sasci-sim, or nothing can be made there.
    """
    shutil.rmtree(_temporary_beside(Path(target)), ignore_errors=True)


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` in one move.

    Args:
        target: The result folder to write.

    Yields:
        An empty temporary folder beside ``target``, to fill.

    Raises:
        InputError: When writing fails (a full disk, say); the temporary folder is removed and
            an earlier ``target`` is untouched.
    """
    target = Path(target)
    tmp = _temporary_beside(target)
    try:
        yield tmp
        replace_folder(tmp, target)
    except OSError as exc:  # e.g. a full disk: one line, and nothing changed
        shutil.rmtree(tmp, ignore_errors=True)
        problem = f"could not be written ({exc.strerror or exc}); earlier results are untouched"
        raise InputError(target, "", problem) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_folder(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``; an old ``target`` is moved aside first, then removed.

    If the move fails the earlier result goes back, so a result folder is never lost.

    Args:
        new: The finished temporary folder.
        target: Where it goes.
    """
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.replace(target, old)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(new, 0o777 & ~umask)  # mkdtemp made it private; results are for everyone the umask allows
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)  # the earlier result goes back
        raise
    if old is not None:
        _remove(old)


def _remove(path: Path) -> None:
    """Remove a folder moved aside; if it was a link to a folder elsewhere, only the link."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def write_run(target: Path, writers: dict[str, Callable[[Path], None]]) -> Path:
    """Write every file of a run folder through ``writers`` (file name -> writer).

    Args:
        target: The run folder.
        writers: File name -> function writing that file at the path it is given.

    Returns:
        ``target``, once every file is in place.
    """
    with atomic_folder(target) as tmp:
        for name, write in writers.items():
            write(tmp / name)
    return target
