"""One way to run independent jobs on forked processes, inputs passed explicitly.

Campaigns hold read-only mappings (``MappingProxyType``) and solver handles
that do not pickle, so the jobs are not sent to workers: each worker is a
``fork`` of this process and receives ``fn``, ``shared`` and its share of
``items`` as arguments of the forked process (never pickled). Only results
travel back, pickled through a pipe. No module global is read or written.

Results come back in the order of ``items`` and are the same for any number
of workers, provided ``fn`` itself is deterministic.

:func:`fork_ahead` starts one such job and returns at once: the caller works
on (a single-threaded solver, say) while the job uses the other core, and
collects or cancels it later.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


class WorkerError(RuntimeError):
    """A job failed in a forked worker; the message carries the worker's traceback."""


def _run_share(fn: Callable[[S, T], R], shared: S, items: Sequence[tuple[int, T]], conn: Connection) -> None:
    try:
        conn.send(("ok", [(i, fn(shared, item)) for i, item in items]))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent, which raises it
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def usable_workers(requested: int, jobs: int) -> int:
    """Workers worth starting: no more than the jobs, the cores, or what was asked; 1 without ``fork``.

    Also 1 inside a worker (a daemonic process may not start processes): a
    job that itself maps, such as a district's routing, then runs its jobs in place.
    """
    if "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:
        return 1
    return max(1, min(requested, jobs, os.cpu_count() or 1))


def fork_map(fn: Callable[[S, T], R], items: Sequence[T], *, shared: S, workers: int = 2) -> list[R]:
    """``[fn(shared, item) for item in items]``, spread over forked processes.

    Parameters
    ----------
    fn : callable
        ``fn(shared, item) -> result``; the result must pickle.
    items : sequence
        One job each; item ``k`` goes to worker ``k % workers``.
    shared : object
        Read-only inputs every job needs (need not pickle).
    workers : int
        Processes to use at most; 1 (or a platform without ``fork``) runs in this process.

    Raises
    ------
    WorkerError
        When a job raised in a worker (its traceback is in the message).
    """
    n = usable_workers(workers, len(items))
    if n <= 1:
        return [fn(shared, item) for item in items]
    ctx = mp.get_context("fork")
    indexed = list(enumerate(items))
    procs, conns = [], []
    for w in range(n):
        recv, send = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_run_share, args=(fn, shared, indexed[w::n], send), daemon=True)
        p.start()
        send.close()
        procs.append(p)
        conns.append(recv)
    results: dict[int, R] = {}
    failure = None
    for p, conn in zip(procs, conns):
        try:
            status, payload = conn.recv()
        except EOFError:
            status, payload = "error", f"worker {p.pid} ended without a result (exit code {p.exitcode})"
        if status == "ok":
            results.update(payload)
        elif failure is None:
            failure = payload
        p.join()
    if failure is not None:
        raise WorkerError(failure)
    return [results[i] for i in range(len(items))]


class Ahead:
    """A job running in a forked process (:func:`fork_ahead`): collect it with :meth:`result` or drop it with
    :meth:`cancel`; one of the two must be called."""

    def __init__(self, proc: mp.process.BaseProcess, conn: Connection) -> None:
        self._proc = proc
        self._conn = conn

    def result(self) -> object:
        """Wait for the job and return its result.

        Raises
        ------
        WorkerError
            When the job raised (its traceback is in the message) or its process ended without a result.
        """
        try:
            status, payload = self._conn.recv()
        except EOFError:
            self._proc.join()
            status, payload = "error", f"worker {self._proc.pid} ended without a result (exit {self._proc.exitcode})"
        finally:
            self._conn.close()
            self._proc.join()
        if status != "ok":
            raise WorkerError(payload)
        return payload[0][1]

    def ready(self) -> bool:
        """True when the job has sent its result (:meth:`result` then returns at once); never blocks."""
        try:
            return self._conn.poll()
        except (OSError, ValueError):  # closed: collected or cancelled already
            return False

    def cancel(self) -> None:
        """Stop the job (its result is not needed) and reap its process."""
        self._conn.close()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()


def fork_ahead(fn: Callable[[S, T], R], item: T, *, shared: S) -> Ahead | None:
    """Start ``fn(shared, item)`` in a forked process and return at once; None where no process can be forked.

    Why: a single-threaded solve leaves the second core idle; a job whose
    inputs are already known (or guessed) can run there meanwhile. The job
    runs in a daemonic process, so any :func:`fork_map` inside it runs its
    jobs in place (the same results, on one core).
    """
    if usable_workers(2, 2) < 2:
        return None
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_run_share, args=(fn, shared, [(0, item)], send), daemon=True)
    p.start()
    send.close()
    return Ahead(p, recv)
