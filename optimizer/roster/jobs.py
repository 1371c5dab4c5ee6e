"""The work a pair's calendar places: door-to-door rounds cut into outings, and their callbacks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from outreach.athome import beta_shapes, mean_at_home
from outreach.model import Campaign


@dataclass(frozen=True)
class Job:
    """One outing's worth of work to place.

    ``after`` are jobs that must happen at least ``gap_days`` before this one
    (and exist); ``avoid_slots`` are slots this job may not use (the slot of
    the round whose not-at-home households it revisits); ``release`` is the
    first campaign day index it may use.
    """

    id: int
    kind: Literal["round", "callback"]
    visits: tuple[tuple[str, int], ...]
    after: tuple[int, ...] = ()
    avoid_slots: frozenset[str] = frozenset()
    avoid_slot_of: tuple[int, ...] = ()  # jobs whose slot this one must differ from
    release: int = 0
    level: int = 0
    priority: int = 0  # added to a callback's weight per household: reported not-at-home beats expected

    @property
    def households(self) -> int:
        """Households the outing visits."""
        return sum(n for _, n in self.visits)


def callback_shares(campaign: Campaign) -> tuple[float, ...]:
    """Expected share of a round's households never contacted before callback 1, 2, ...: ``E[(1 - pi)^k]``.

    Why this law: it is the at-home law the allocation prices callbacks with and the simulator draws
    from (:mod:`outreach.athome`: ``pi ~ Beta(a, b)`` per household). Some households are rarely home, so
    after ``k`` visits more are left than the geometric ``(1 - E[pi])^k`` a single at-home chance gives;
    the simulator's callback visits at most the households a callback outing lists, so planning the
    geometric share left callbacks short of what the budget was spent for.
    """
    a, b = beta_shapes(campaign.params)
    k = np.arange(1, int(campaign.params["canvass.max_callbacks"]) + 1, dtype=float)
    return tuple(float(s) for s in 1.0 - mean_at_home(k, a, b))


def chunk_visits(seq: Sequence[tuple[str, int]], cap: int) -> list[tuple[tuple[str, int], ...]]:
    """Cut a village sequence ``(code, households)`` into outings of at most ``cap`` households."""
    out: list[tuple[tuple[str, int], ...]] = []
    cur: list[tuple[str, int]] = []
    room = cap
    for code, n in seq:
        while n > 0:
            take = min(n, room)
            if cur and cur[-1][0] == code:
                cur[-1] = (code, cur[-1][1] + take)
            else:
                cur.append((code, take))
            n -= take
            room -= take
            if room == 0:
                out.append(tuple(cur))
                cur, room = [], cap
    if cur:
        out.append(tuple(cur))
    return out


def chunk_visits_by_round(seq_by_round: Sequence[Sequence[tuple[str, int]]],
                          cap: int) -> list[tuple[tuple[str, int], ...]]:
    """Chunk each round's village sequence separately (a second round never shares an outing with the first)."""
    out: list[tuple[tuple[str, int], ...]] = []
    for seq in seq_by_round:
        out += chunk_visits(seq, cap)
    return out


def build_jobs(round_chunks: Sequence[tuple[tuple[str, int], ...]], shares: Sequence[float], cap: int, *,
               first_id: int = 0, release: int = 0) -> list[Job]:
    """Round jobs in route order, then callback jobs (:func:`callback_shares`) grouped while they fit ``cap``.

    Parameters
    ----------
    round_chunks : sequence of visit tuples
        One outing of round work each, in walking order.
    shares : sequence of float
        Expected share of a round's households left for callback 1, 2, ...
    cap : int
        Households per outing.
    first_id, release : int
        Id of the first job, and the first campaign day any job may use.

    Returns
    -------
    list of Job
        Ids ``first_id, first_id + 1, ...``; a callback comes after the job of
        the previous level for each of its rounds and avoids those rounds' slots.
    """
    jobs: list[Job] = []
    rounds = []
    for ch in round_chunks:
        j = Job(first_id + len(jobs), "round", tuple(ch), release=release)
        jobs.append(j)
        rounds.append(j)
    prev_of: dict[int, int] = {r.id: r.id for r in rounds}  # round id -> job of the previous level
    for level, share in enumerate(shares, start=1):
        new_prev: dict[int, int] = {}
        for group in _callback_groups(rounds, share, cap):
            job = _callback_job(first_id + len(jobs), group, share, prev_of, level, release)
            jobs.append(job)
            for r in group:
                new_prev[r.id] = job.id
        prev_of = new_prev
    return jobs


def _expected(n: int, share: float) -> int:
    """Households of ``n`` still to revisit at a callback with this share (at least one)."""
    return max(1, int(n * share + 0.5))


def _callback_groups(rounds: Sequence[Job], share: float, cap: int) -> list[list[Job]]:
    """Consecutive rounds whose expected callback households fit one outing together."""
    groups: list[list[Job]] = []
    group: list[Job] = []
    group_hh = 0
    for r in rounds:
        hh = sum(_expected(n, share) for _, n in r.visits)
        if group and group_hh + hh > cap:
            groups.append(group)
            group, group_hh = [], 0
        group.append(r)
        group_hh += hh
    if group:
        groups.append(group)
    return groups


def _callback_job(jid: int, group: Sequence[Job], share: float, prev_of: dict[int, int], level: int,
                  release: int) -> Job:
    """The callback outing of one group of rounds at one level."""
    visits: dict[str, int] = {}
    for r in group:
        for code, n in r.visits:
            visits[code] = visits.get(code, 0) + _expected(n, share)
    return Job(jid, "callback", tuple(visits.items()), after=tuple(sorted({prev_of[r.id] for r in group})),
               avoid_slot_of=tuple(r.id for r in group), release=release, level=level)
