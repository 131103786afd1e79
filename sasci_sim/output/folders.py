"""Writing a run's folder atomically, with its manifest (nothing half-written is ever left).

Files are written into a temporary folder beside the target and moved into
place only when complete. An earlier result folder is replaced only if it was
made by sasci-sim and holds the same kind of result (``folder_kind``: a run, a
comparison, validate's figures or a sweep, told from its manifest or sweep.json);
anything else is refused. A run folder's manifest lists a SHA-256 of each of its
files, so a table damaged or cut short afterwards is never reused (``files_intact``).
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
#: The file that marks a sweep's folder (sasci_sim.experiments.sweep.store.META).
SWEEP_META = "sweep.json"
#: Kinds of result folder. Each is recognisable from what it holds and never replaced by another.
KINDS = ("run", "comparison", "validation", "sweep")
_KIND_WORDS = {
    "run": "a run's results",
    "comparison": "a comparison",
    "validation": "validate's figures",
    "sweep": "a sweep's results",
}
#: A manifest is a few kB; a larger "manifest.json" is not ours, and is not read whole.
_MAX_MANIFEST_BYTES = 10_000_000


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


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """A folder's manifest.json as a mapping, or None if it has none that sasci-sim could have written.

    Args:
        folder: A result folder.

    Returns:
        The manifest, or None.
    """
    path = Path(folder) / MANIFEST
    try:
        if not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return None
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return meta if isinstance(meta, dict) else None


def folder_kind(folder: Path) -> str | None:
    """Which kind of sasci-sim result a folder holds (one of ``KINDS``), or None if it is not one.

    A manifest names its kind (``kind``); manifests written before that are told by what they
    hold: a comparison lists its scenarios, validate records its command, a run its scenario
    and replication seeds. A sweep's folder has sweep.json instead.

    Args:
        folder: The folder.

    Returns:
        ``run``, ``comparison``, ``validation``, ``sweep`` or None.
    """
    folder = Path(folder)
    if (folder / SWEEP_META).is_file():
        return "sweep"
    meta = read_manifest(folder)
    if meta is None:
        return None
    if meta.get("kind") in KINDS:
        return meta["kind"]
    if "comparison" in meta and "scenarios" in meta:
        return "comparison"
    if meta.get("command") == "validate":
        return "validation"
    if "scenario" in meta and "replication_seeds" in meta:
        return "run"
    return None


def check_replaceable(target: Path, kind: str | None) -> None:
    """Refuse ``target`` if it exists and is not a sasci-sim result of ``kind`` (any kind if None).

    Args:
        target: The folder a result will replace.
        kind: The kind of the new result.
    """
    if not target.exists():
        return
    old = folder_kind(target)
    if old is None:
        raise InputError(
            target, "", "exists and was not made by sasci-sim (no manifest.json of ours); choose another --out"
        )
    if kind is not None and old != kind:
        raise InputError(
            target,
            "",
            f"holds {_KIND_WORDS[old]}, and {_KIND_WORDS[kind]} never replaces it; choose another --out "
            "or another name",
        )


def _temporary_beside(target: Path, kind: str | None = None) -> Path:
    """A new empty folder beside ``target`` (same file system, so the final move is atomic)."""
    clear_leftovers(target)
    check_replaceable(target, kind)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise InputError(
            target.parent, "", f"cannot make an output folder here ({exc.strerror}); choose another --out"
        ) from None


def check_target(target: Path, kind: str | None = None) -> None:
    """Refuse an output folder we could not write, or that holds another kind of result, before any work.

    Args:
        target: The result folder to be written.
        kind: The kind of result it will hold (one of ``KINDS``; None: any sasci-sim result).
    """
    shutil.rmtree(_temporary_beside(Path(target), kind), ignore_errors=True)


@contextmanager
def atomic_folder(target: Path, kind: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` in one move.

    The kind of the new result is ``kind``, or else read from the manifest written into the
    temporary folder; an earlier folder of another kind is never replaced.

    Args:
        target: The result folder.
        kind: The kind of result (one of ``KINDS``), if the caller knows it.

    Yields:
        The temporary folder to write into.
    """
    target = Path(target)
    tmp = _temporary_beside(target, kind)
    try:
        yield tmp
        check_replaceable(target, kind or folder_kind(tmp))
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


def file_digests(folder: Path, names: list[str]) -> dict[str, str]:
    """SHA-256 of each named file of ``folder``.

    Args:
        folder: The folder.
        names: File names in it.

    Returns:
        File name -> hex digest.
    """
    out = {}
    for name in names:
        digest = hashlib.sha256()
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out[name] = digest.hexdigest()
    return out


def files_intact(folder: Path, names: tuple[str, ...] | list[str]) -> bool:
    """Whether the named files of a result folder are exactly those its manifest recorded.

    A folder whose manifest records no digests (written before they were kept) is not
    trusted: its results are made again rather than reused.

    Args:
        folder: A result folder.
        names: The files that must be present and unchanged.

    Returns:
        True only if every file matches its recorded SHA-256.
    """
    meta = read_manifest(folder)
    recorded = meta.get("files") if meta is not None else None
    if not isinstance(recorded, dict) or not all(name in recorded for name in names):
        return False
    try:
        return file_digests(Path(folder), list(names)) == {name: recorded[name] for name in names}
    except OSError:
        return False


def write_run(target: Path, writers: dict[str, Callable[[Path], None]]) -> Path:
    """Write every file of a run folder through ``writers`` (file name -> writer).

    The manifest (``manifest.json``, one of the writers) gets the folder's kind and the SHA-256
    of every other file, so a damaged table is never reused.

    Args:
        target: The run folder.
        writers: File name -> a function writing that file.

    Returns:
        ``target``.
    """
    with atomic_folder(target, "run") as tmp:
        for name, write in writers.items():
            write(tmp / name)
        meta = read_manifest(tmp)
        if meta is not None:
            files = [name for name in writers if name != MANIFEST]
            write_json(tmp / MANIFEST, {**meta, "kind": "run", "files": file_digests(tmp, files)})
    return target
