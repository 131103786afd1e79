"""A sweep's folder on disk: resumable, never half-written.

Layout of ``OUT/<experiment name>/``::

    sweep.json       what produced it: the experiment, its fingerprint, the base scenario, versions
    design.parquet   one row per design point (values and SALib's raw sample)
    runs/part-*.parquet   finished runs (one row per design point x replicate, with the fingerprint
                          of the code that ran it), written as they finish
    analysis/        tables and charts written by ``sasci-sim analyse``

Each part is written to a hidden temporary file, flushed to disk (fsync) and renamed
into place, and the rename itself is flushed, so a sweep killed at any moment (even
SIGKILL, or a power cut) leaves only whole parts: it loses the runs in flight, nothing
else. Reading drops duplicate (point, replicate) rows, which only a kill during
compaction can leave (and which are identical, since a run's seed fixes its result).
A lock file stops two sweeps writing one folder.

A folder damaged anyway (by a disk, or by hand) is reported in one line, never a
traceback: a sweep.json that is empty or not the mapping sweep writes, a missing or
unreadable design.parquet (a resumed sweep writes it again: it follows from the
experiment), and part files that cannot be read (skipped by the analysis; a resumed
sweep removes them and redoes their runs).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sasci_sim.errors import InputError
from sasci_sim.experiments.sweep.designs import Design
from sasci_sim.experiments.sweep.experiment import Experiment
from sasci_sim.output.folders import check_replaceable, folder_kind, package_versions, safe_child, write_json

META = "sweep.json"
DESIGN = "design.parquet"
RUNS = "runs"
KEY = ["point", "replicate"]
#: What every sweep.json holds (``SweepStore._meta``); without them the folder cannot be read.
META_KEYS = ("experiment", "fingerprint", "points", "runs", "parameters", "outcomes", "curves")
_DAMAGED = "; rerun the sweep with --restart to start it again, or choose another --out"
_REBUILD = "; rerun the same sweep to write it again (its finished runs are kept)"
_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "other": pa.string()}


def run_schema(experiment: Experiment) -> pa.Schema:
    """The columns of a run record, typed, so every part of a sweep reads as one table.

    Args:
        experiment: The experiment.

    Returns:
        The Arrow schema of its run records.
    """
    fields = [
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
        *(pa.field(p.key, _ARROW[p.kind]) for p in experiment.parameters),
        *(pa.field(k, pa.float64()) for k in (experiment.posterior_draws[:1] or [{}])[0]),  # from_posterior
        pa.field("status", pa.string()),
        pa.field("error", pa.string()),
        pa.field("seconds", pa.float64()),
        pa.field("code", pa.string()),
        *(pa.field(name, pa.float64()) for name in experiment.outcomes),
        *(pa.field(name, pa.list_(pa.float64())) for name in experiment.curves),
    ]
    return pa.schema(fields)


def _encode_other(frame: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """Values that are not numbers or booleans (e.g. a topology name) are stored as JSON text."""
    frame = frame.copy()
    for p in experiment.parameters:
        if p.kind == "other" and p.key in frame:
            frame[p.key] = [json.dumps(v) for v in frame[p.key]]
    return frame


def _fsync_file(path: Path | str) -> None:
    """Flush a written file's data to the disk (before it is renamed into place)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to the disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_parquet(table: pa.Table, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are meant to be shared
        _fsync_file(tmp)  # else a power cut after the rename can leave an empty part
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _readable_part(path: Path) -> bool:
    """Whether a part file is a whole Parquet file (its footer reads)."""
    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return False
    return True


class SweepStore:
    """The folder of one experiment's results."""

    def __init__(self, root: Path, experiment: Experiment | None = None) -> None:
        """Point at a sweep folder; nothing is read or written until asked.

        Args:
            root: The sweep folder, OUT/<experiment name>.
            experiment: The experiment, needed to write runs; None for reading only.
        """
        self.root = Path(root)
        self.runs = self.root / RUNS
        self.experiment = experiment
        self._lock: int | None = None

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def for_experiment(cls, experiment: Experiment, design: Design, out: Path, *, restart: bool = False) -> SweepStore:
        """Create the folder, or reopen it to resume; refuse if the experiment changed (unless ``restart``).

        Args:
            experiment: The experiment.
            design: Its design points.
            out: The output folder.
            restart: Whether to discard a folder made by another version of the experiment.

        Returns:
            The open, locked store.

        Raises:
            InputError: When the folder is not a sweep folder, is locked, or holds another experiment.
        """
        root = safe_child(Path(out), experiment.name)
        if folder_kind(root) not in (None, "sweep"):  # a run, a comparison or validate's figures
            check_replaceable(root, "sweep")
        if root.exists() and not (root / META).is_file():
            raise InputError(
                root, "", "exists and was not made by sasci-sim sweep (no sweep.json); choose another --out"
            )
        store = cls(root, experiment)
        if root.exists():
            store.lock()
            if not restart:
                try:
                    store._check_same(experiment)
                    store._update_meta(experiment)
                    store._clear_unfinished_writes()
                    store._repair(experiment, design)
                except BaseException:
                    store.unlock()
                    raise
                return store
            store.unlock()
            _remove(root)
        store._create(experiment, design)
        store.lock()
        return store

    @classmethod
    def existing(cls, root: Path) -> SweepStore:
        """An existing sweep folder (for analysis).

        Args:
            root: The sweep folder.

        Returns:
            A store for reading.

        Raises:
            InputError: When ``root`` is not a sweep folder.
        """
        root = Path(root)
        if not (root / META).is_file():
            raise InputError(root, "", "is not a sweep folder (no sweep.json); give OUT/<experiment name>")
        store = cls(root)
        store.meta()  # a damaged sweep.json is one line here, not a traceback later
        return store

    def _create(self, experiment: Experiment, design: Design) -> None:
        self.root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.root.name}.tmp-", dir=self.root.parent))
        try:
            (tmp / RUNS).mkdir()
            table = pa.Table.from_pandas(_encode_other(design.table, experiment), preserve_index=False)
            pq.write_table(table, tmp / DESIGN)
            write_json(tmp / META, self._meta(experiment, design))
            for path in (tmp / DESIGN, tmp / META):
                _fsync_file(path)
            tmp.chmod(0o755)  # mkdtemp makes it private
            os.replace(tmp, self.root)
            _fsync_folder(self.root.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @staticmethod
    def _meta(experiment: Experiment, design: Design) -> dict[str, Any]:
        spec = experiment.spec
        points = design.size
        return {
            "experiment": spec.model_dump(mode="json"),
            "source": str(experiment.source),
            "fingerprint": experiment.fingerprint(),
            "results_identity": experiment.results_identity(),
            "points": points,
            "problem": design.problem,
            "runs": points * spec.replications,
            "parameters": [{"key": p.key, "kind": p.kind} for p in experiment.parameters],
            "outcomes": list(experiment.outcomes),
            "curves": list(experiment.curves),
            "versions": package_versions(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def _check_same(self, experiment: Experiment) -> None:
        meta = self.meta()
        if meta.get("fingerprint") == experiment.fingerprint():
            return
        old, new = meta.get("results_identity", {}), experiment.results_identity()
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)) or ["its contents"]
        raise InputError(
            experiment.source,
            "",
            f"changed since the results in {self.root} were written ({', '.join(changed)} changed); "
            "rerun with --restart to discard them, or choose another --out",
        )

    def _update_meta(self, experiment: Experiment) -> None:
        """Keep analysis-only settings (name, description, discovery) as in the current file."""
        meta = self.meta()
        meta["experiment"] = experiment.spec.model_dump(mode="json")
        meta["source"] = str(experiment.source)
        fd, tmp = tempfile.mkstemp(prefix=".sweep.json.", dir=self.root)
        os.close(fd)
        write_json(Path(tmp), meta)
        os.chmod(tmp, 0o644)
        _fsync_file(tmp)
        os.replace(tmp, self.root / META)
        _fsync_folder(self.root)

    def _clear_unfinished_writes(self) -> None:
        """Remove temporary part files a killed sweep left behind (only called while holding the lock)."""
        for tmp in self.runs.glob(".part-*.tmp"):
            tmp.unlink(missing_ok=True)

    def _repair(self, experiment: Experiment, design: Design) -> None:
        """Mend what a disk can damage (only called while holding the lock).

        Part files that cannot be read hold no run that can be used: they are removed, and
        their runs are redone. A missing or unreadable design.parquet is written again from
        the experiment (the design follows from it and its seed).
        """
        self.runs.mkdir(exist_ok=True)
        for part in self.damaged_parts():
            part.unlink(missing_ok=True)
        try:
            self.design()
        except InputError:
            table = pa.Table.from_pandas(_encode_other(design.table, experiment), preserve_index=False)
            _atomic_parquet(table, self.root / DESIGN)

    # -- the lock ------------------------------------------------------------------------
    def lock(self) -> None:
        """Take the folder's lock, so two sweeps never write into one folder.

        Raises:
            InputError: When another sweep holds it.
        """
        fd = os.open(self.root / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError(self.root, "", "another sweep is writing to this folder; wait for it or stop it") from None
        self._lock = fd

    def unlock(self) -> None:
        """Release the lock, if held."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    # -- reading -------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """What sweep.json records, checked to be the mapping ``sasci-sim sweep`` writes.

        Returns:
            The mapping.
        """
        path = self.root / META
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(path, "", f"cannot be read ({exc.strerror}){_DAMAGED}") from None
        except (ValueError, RecursionError):
            raise InputError(path, "", f"is damaged (empty, or not JSON){_DAMAGED}") from None
        if not isinstance(meta, dict):
            raise InputError(path, "", f"is damaged (a {type(meta).__name__}, not a mapping){_DAMAGED}")
        missing = [k for k in META_KEYS if k not in meta]
        if missing:
            raise InputError(path, "", f"is damaged (no {', '.join(missing)}){_DAMAGED}")
        params = meta["parameters"]
        if not isinstance(params, list) or not all(isinstance(p, dict) and {"key", "kind"} <= set(p) for p in params):
            raise InputError(path, "", f"is damaged (parameters is not a list of key and kind){_DAMAGED}")
        return meta

    def design(self) -> pd.DataFrame:
        """The design points (design.parquet), or a one-line error if the file is missing or damaged.

        Returns:
            One row per design point.
        """
        path = self.root / DESIGN
        try:
            frame = pd.read_parquet(path)
        except FileNotFoundError:
            raise InputError(path, "", f"is missing{_REBUILD}") from None
        except (OSError, ValueError, pa.ArrowException):
            raise InputError(path, "", f"is damaged (not a whole Parquet file){_REBUILD}") from None
        for param in self.meta()["parameters"]:
            if param["kind"] == "other":
                frame[param["key"]] = [json.loads(v) for v in frame[param["key"]]]
        return frame

    def parts(self) -> list[Path]:
        """The part files that can be read, in the order they were written.

        Returns:
            Paths of whole part files (see ``damaged_parts`` for the others).
        """
        return [p for p in self._all_parts() if _readable_part(p)]

    def damaged_parts(self) -> list[Path]:
        """Part files that cannot be read (empty or cut short): their runs are lost and will be redone.

        Returns:
            Their paths.
        """
        return [p for p in self._all_parts() if not _readable_part(p)]

    def _all_parts(self) -> list[Path]:
        return sorted(p for p in self.runs.glob("part-*.parquet")) if self.runs.is_dir() else []

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every finished run, one row per (point, replicate), sorted.

        Args:
            columns: Only these columns; all when None.

        Returns:
            The runs (a run in two parts, after a kill, counts once).
        """
        frame = self._raw(columns)
        for param in self.meta()["parameters"]:
            if param["kind"] == "other" and param["key"] in frame:
                frame[param["key"]] = [json.loads(v) for v in frame[param["key"]]]
        return frame

    def _raw(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = self.parts()
        if not parts:
            return pd.DataFrame(columns=columns or KEY)
        frame = pa.concat_tables(pq.read_table(p, columns=columns) for p in parts).to_pandas()
        frame = frame.drop_duplicates(subset=KEY, keep="first")
        return frame.sort_values(KEY, kind="stable").reset_index(drop=True)

    def finished(self) -> set[tuple[int, int]]:
        """Which runs are finished.

        Returns:
        The (point, replicate) pairs already run, which a resumed sweep skips.
        """
        frame = self.read(columns=KEY)
        return set(zip(frame["point"].astype(int), frame["replicate"].astype(int), strict=True))

    # -- writing -------------------------------------------------------------------------
    def append(self, records: list[dict[str, Any]]) -> Path:
        """Write finished runs as one new part (atomically).

        Args:
            records: Run records, as ``run_tasks`` makes them.

        Returns:
            The part file written.
        """
        assert self.experiment is not None, "open the store with for_experiment to write"
        frame = _encode_other(pd.DataFrame.from_records(records), self.experiment)
        table = pa.Table.from_pandas(frame, schema=run_schema(self.experiment), preserve_index=False)
        target = self.runs / f"part-{time.time_ns():020d}-{os.getpid()}.parquet"
        _atomic_parquet(table, target)
        return target

    def compact(self) -> None:
        """Merge the parts into one (safe to kill at any moment: duplicates are dropped on reading)."""
        parts = self.parts()
        if len(parts) <= 1:
            return
        table = pa.Table.from_pandas(self._raw(), schema=pq.read_schema(parts[0]), preserve_index=False)
        target = self.runs / f"part-{time.time_ns():020d}-{os.getpid()}-all.parquet"
        _atomic_parquet(table, target)
        for p in parts:
            p.unlink(missing_ok=True)


def _remove(root: Path) -> None:
    """Remove an old sweep folder: moved aside first, so a failure never leaves half of it."""
    aside = root.parent / f".{root.name}.old-{os.getpid()}"
    os.replace(root, aside)
    shutil.rmtree(aside, ignore_errors=True)
