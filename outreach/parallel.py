"""One way to run independent jobs on forked processes, inputs passed explicitly.

Campaigns hold read-only mappings (``MappingProxyType``) and solver handles
that do not pickle, so the jobs are not sent to workers: each worker is a
``fork`` of this process and receives ``fn``, ``shared`` and its share of
``items`` as arguments of the forked process (never pickled). Only results
travel back, pickled through a pipe. No module global is read or written.

Results come back in the order of ``items`` and are the same for any number
of workers, provided ``fn`` itself is deterministic.
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
