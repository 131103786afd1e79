"""Where runs execute: this process, a process pool, or a Dask cluster, all as ``concurrent.futures.Executor``.

The sweep only calls ``submit`` and ``concurrent.futures.wait``, so any executor
works; results never depend on which, because each run's seed is fixed by its
design point and replicate. A Dask ``LocalCluster`` (``--dask-local``) is kept on
127.0.0.1, dashboard included (Dask's default binds every interface).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sasci_sim.errors import InputError

#: How often a worker checks that the sweep still runs, where it cannot wait on a pidfd (seconds).
WATCH_POLL_S = 1.0


class InlineExecutor(Executor):
    """Runs each task at once in this process (one worker: no pickling, easy debugging)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run the task now, in this process; its exception is kept in the future, as a pool would.

        Args:
            fn: The task.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            A finished future.
        """
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # Ctrl-C and exits are not a run's result: they stop the sweep
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class Workers:
    """An open executor, how many runs it works on at once, and what it is (for messages)."""

    executor: Executor
    slots: int
    description: str


def default_workers() -> int:
    """How many processes a sweep may use by default.

    Returns:
    The processors this process may run on (its affinity), else the machine's count.
    """
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def open_workers(workers: int = 1, scheduler: str | None = None, dask_local: int | None = None) -> Iterator[Workers]:
    """Open the executor the command line asked for; everything started here is stopped on exit.

    Args:
        workers: Processes for a local pool; 1 runs in this process.
        scheduler: Address of a Dask scheduler to use instead.
        dask_local: Workers of a local Dask cluster to start instead.

    Yields:
        The open executor and how many runs it takes at once.

    Raises:
        InputError: When the Dask scheduler cannot be reached.
    """
    if scheduler is not None:
        with _dask_client(scheduler) as client:
            threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
            yield Workers(client.get_executor(pure=False), threads, f"Dask scheduler {scheduler} ({threads} threads)")
        return
    if dask_local is not None:
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=dask_local,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield Workers(client.get_executor(pure=False), dask_local, f"Dask LocalCluster ({dask_local} workers)")
        return
    if workers == 1:
        yield Workers(InlineExecutor(), 1, "this process")
        return
    # forkserver: safe beside threads (fork is not), cheaper than spawn; the package is preloaded once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sasci_sim.experiments.sweep.tasks"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with, initargs=(os.getpid(),))
    try:
        yield Workers(pool, workers, f"{workers} processes")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def die_with(pid: int) -> None:
    """Pool initializer: end this worker as soon as process ``pid`` (the sweep) ends, however it ends.

    A worker's parent is the forkserver, not the sweep, so a parent-death signal would not
    fire when the sweep is killed with SIGKILL; the worker watches the sweep itself instead,
    from a daemon thread (a pidfd becomes readable when the process exits; where there are
    no pidfds, the pid is polled). Once the workers are gone, the forkserver and the resource
    tracker see their pipes close and exit too, so a killed sweep leaves no process behind.

    Args:
        pid: The process id of the sweep.
    """
    threading.Thread(target=_watch, args=(pid,), name=f"die-with-{pid}", daemon=True).start()


def _watch(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfds (not Linux, or before 5.3), or the sweep is gone
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has exited
        os._exit(1)
    while _alive(pid):
        time.sleep(WATCH_POLL_S)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    from distributed import Client

    try:
        client = Client(address, timeout="15s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("--scheduler", "", f"cannot reach a Dask scheduler at {address} ({exc})") from None
    try:
        yield client
    finally:
        client.close()
