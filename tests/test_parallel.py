"""The forked map gives the serial answer, in order, and reports a worker's failure."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from outreach.parallel import WorkerError, fork_map, usable_workers


def _scaled(shared, x):
    return shared["k"] * x + len(shared["tag"])


def test_fork_map_equals_serial_for_any_worker_count():
    shared = MappingProxyType({"k": 3, "tag": "abc"})  # does not pickle: must reach workers by fork
    items = list(range(11))
    serial = [_scaled(shared, x) for x in items]
    for workers in (1, 2, 3):
        assert fork_map(_scaled, items, shared=shared, workers=workers) == serial


def test_fork_map_raises_worker_error_with_the_cause():
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        fork_map(lambda _s, x: 1 / x, [1, 0, 2], shared=None, workers=2)


def test_usable_workers_never_exceeds_jobs():
    assert usable_workers(8, 1) == 1
    assert usable_workers(2, 0) == 1


def _nested(shared, x):
    """A job that maps again: inside a (daemonic) worker it must run its jobs in place."""
    return sum(fork_map(_scaled, [x, x + 1], shared=shared, workers=2))


def test_fork_map_inside_a_worker_runs_in_place():
    shared = MappingProxyType({"k": 2, "tag": "ab"})
    assert fork_map(_nested, [1, 5], shared=shared, workers=2) == [(2 + 2) + (4 + 2), (10 + 2) + (12 + 2)]


def _slow_scaled(shared, x):
    import time

    time.sleep(x)
    return _scaled(shared, x)


def test_fork_ahead_gives_the_serial_answer_later():
    from outreach.parallel import fork_ahead

    shared = MappingProxyType({"k": 5, "tag": "abcd"})  # does not pickle: must reach the job by fork
    job = fork_ahead(_scaled, 7, shared=shared)
    assert job is not None
    assert job.result() == 5 * 7 + 4


def test_fork_ahead_reports_the_job_failure_and_cancel_reaps_the_process():
    from outreach.parallel import fork_ahead

    job = fork_ahead(lambda _s, x: 1 / x, 0, shared=None)
    assert job is not None
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        job.result()
    slow = fork_ahead(_slow_scaled, 60, shared=MappingProxyType({"k": 1, "tag": ""}))
    assert slow is not None
    slow.cancel()  # must not wait the minute out
    assert not slow._proc.is_alive()
