"""Stage 3 of the roster: one pair's calendar with CP-SAT.

The pair's outings (rounds, then callbacks of never-contacted
households) go on workable dates inside the pair's shared availability,
member dates and outings-per-week limit. Rounds are worth far more than
callbacks, so every round that fits is placed before any callback.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from outreach.model import SLOTS, Outing

from .calendar import Session
from .jobs import Job
from .solver import roster_solver

_ROUND_WEIGHT = 1_000  # per household: any round beats every callback
_CB_WEIGHT = 10
_CB_PREFERRED = 13  # evening or weekend callback (people are home: evening_weekend_multiplier)


@dataclass(frozen=True)
class PairPlan:
    """Result of one pair's calendar: outings placed and the jobs left over."""

    outings: tuple[Outing, ...]
    unplaced: tuple[Job, ...]
    status: str
    placed: tuple[tuple[int, int, str], ...] = ()  # (job id, campaign day, slot) of every job placed

    def where(self) -> dict[int, tuple[int, str]]:
        """Campaign day and slot of every placed job, by job id."""
        return {jid: (day, slot) for jid, day, slot in self.placed}


@dataclass(frozen=True)
class PairTask:
    """One pair's calendar problem: its sessions, its jobs and its outings still allowed per week."""

    pair_id: str
    sessions: tuple[Session, ...]
    jobs: tuple[Job, ...]
    week_limits: Mapping[int, int]


@dataclass(frozen=True)
class _Vars:
    """The model's variables: job on session, job placed, and the day of a job."""

    x: dict[tuple[int, int], cp_model.IntVar]
    placed: dict[int, cp_model.IntVar]
    day: dict[int, cp_model.IntVar]


def solve_pairs(tasks: Sequence[PairTask], time_limit_s: float, seed: int) -> list[PairPlan]:
    """Every pair's calendar, one after the other, each with ``time_limit_s`` (at least 0.5)."""
    per = max(0.5, time_limit_s)
    # Serial on purpose: most of the time is Python model building, and two
    # threads were slower than one (GIL contention), measured on the demo.
    return [schedule_pair(t.pair_id, t.sessions, t.jobs, t.week_limits, time_limit_s=per, seed=seed)
            for t in tasks]


def schedule_pair(pair_id: str, sessions: Sequence[Session], jobs: Sequence[Job], week_limits: Mapping[int, int],
                  *, time_limit_s: float = 2.0, seed: int = 0) -> PairPlan:
    """Place one pair's jobs on its sessions with CP-SAT.

    Parameters
    ----------
    pair_id : str
        Written into every outing.
    sessions : sequence of Session
        Allowed (date, slot) pairs.
    jobs : sequence of Job
        Rounds (in route order) and callbacks with their precedence.
    week_limits : mapping of int to int
        Outings still allowed per campaign week.
    time_limit_s, seed : float, int
        Deterministic time budget and seed.

    Returns
    -------
    PairPlan
        Outings sorted by date and the jobs that found no session.
    """
    if not jobs or not sessions:
        return PairPlan((), tuple(jobs), "OPTIMAL")
    jobs, dropped = _prune(jobs, sessions, week_limits)
    model = cp_model.CpModel()
    v = _job_vars(model, jobs, sessions, week_limits)
    _add_calendar_limits(model, v, sessions, week_limits)
    _add_precedence(model, v, jobs, sessions)
    model.maximize(_objective(v, jobs, sessions))
    _hint_greedy(model, v.x, jobs, sessions, week_limits)
    solver = roster_solver(time_limit_s, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - the empty schedule is feasible
        return PairPlan((), tuple(jobs) + dropped, "UNKNOWN")
    outings = []
    unplaced = list(dropped)
    placed = []
    for j in jobs:
        ks = [k for k in range(len(sessions)) if (j.id, k) in v.x and solver.boolean_value(v.x[j.id, k])]
        if not ks:
            unplaced.append(j)
            continue
        s = sessions[ks[0]]
        outings.append(Outing(pair_id, s.date, s.slot, j.visits, j.kind))
        placed.append((j.id, s.day, s.slot))
    outings.sort(key=lambda o: (o.date, SLOTS.index(o.slot)))
    return PairPlan(tuple(outings), tuple(unplaced), solver.status_name(status), tuple(placed))


def _job_vars(model: cp_model.CpModel, jobs: Sequence[Job], sessions: Sequence[Session],
              week_limits: Mapping[int, int]) -> _Vars:
    """A Boolean per allowed (job, session), inside the job's window and away from its avoided slots."""
    v = _Vars({}, {}, {})
    max_day = max(s.day for s in sessions)
    window = _round_windows(jobs, sessions, week_limits)
    for j in jobs:
        avoid = set(j.avoid_slots)
        earliest = j.release + (2 * j.level if j.kind == "callback" else 0)
        lo, hi = window.get(j.id, (earliest, max_day))
        if j.kind == "callback":
            lo = max([lo] + [window[a][0] + 2 for a in j.after if a in window])
        for k, s in enumerate(sessions):
            if max(earliest, lo) <= s.day <= hi and s.slot not in avoid:
                v.x[j.id, k] = model.new_bool_var(f"x{j.id}_{k}")
        mine = [v.x[j.id, k] for k in range(len(sessions)) if (j.id, k) in v.x]
        v.placed[j.id] = model.new_bool_var(f"p{j.id}")
        model.add(sum(mine) == v.placed[j.id])
        v.day[j.id] = model.new_int_var(0, max_day, f"d{j.id}")
        model.add(v.day[j.id] == sum(sessions[k].day * v.x[j.id, k] for k in range(len(sessions))
                                     if (j.id, k) in v.x))
    return v


def _add_calendar_limits(model: cp_model.CpModel, v: _Vars, sessions: Sequence[Session],
                         week_limits: Mapping[int, int]) -> None:
    """One outing a day (and so one job per session), and the weekly limits."""
    per_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (_jid, k), var in v.x.items():
        per_day[sessions[k].day].append(var)
        per_week[sessions[k].week].append(var)
    for lits in per_day.values():
        model.add_at_most_one(lits)
    for w, lits in per_week.items():
        model.add(sum(lits) <= max(0, week_limits.get(w, 0)))


def _add_precedence(model: cp_model.CpModel, v: _Vars, jobs: Sequence[Job], sessions: Sequence[Session]) -> None:
    """Rounds in route order; a callback two days after its predecessors and never in its round's slot."""
    ids = {j.id for j in jobs}
    rounds = [j for j in jobs if j.kind == "round"]
    for first, then in zip(rounds, rounds[1:]):
        # route order: rounds go out in sequence (also breaks symmetry)
        model.add_implication(v.placed[then.id], v.placed[first.id])
        model.add(v.day[then.id] > v.day[first.id]).only_enforce_if(v.placed[then.id])
    slot_lits: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
    for (jid, k), var in v.x.items():
        slot_lits[jid, sessions[k].slot].append(var)
    for j in jobs:
        for a in j.after:
            if a in ids:
                model.add_implication(v.placed[j.id], v.placed[a])
                model.add(v.day[j.id] >= v.day[a] + 2).only_enforce_if(v.placed[j.id])
        for a in j.avoid_slot_of:
            if a in ids:
                for slot in SLOTS:
                    mine, theirs = slot_lits.get((j.id, slot), []), slot_lits.get((a, slot), [])
                    if mine and theirs:  # a callback never uses its round's slot
                        model.add(sum(mine) + sum(theirs) <= 1)


def _objective(v: _Vars, jobs: Sequence[Job], sessions: Sequence[Session]) -> cp_model.LinearExprT:
    """Households placed: rounds far above callbacks, evening and weekend callbacks a little above others."""
    by_id = {j.id: j for j in jobs}
    max_day = max(s.day for s in sessions)
    obj = []
    for (jid, k), var in v.x.items():
        j = by_id[jid]
        s = sessions[k]
        if j.kind == "round":
            # tiny earliness bonus: rounds early leave room for their callbacks
            obj.append((_ROUND_WEIGHT * j.households * 100 + (max_day - s.day)) * var)
        else:
            preferred = s.slot == "evening" or s.date.weekday() >= 5
            w = (_CB_PREFERRED if preferred else _CB_WEIGHT) + j.priority
            obj.append(w * j.households * 100 * var)
    return sum(obj)


def _hint_greedy(model: cp_model.CpModel, x: Mapping[tuple[int, int], cp_model.IntVar], jobs: Sequence[Job],
                 sessions: Sequence[Session], week_limits: Mapping[int, int]) -> None:
    """Rounds on the first free sessions, then callbacks where they fit: a feasible start for the search."""
    used_day: set[int] = set()
    week_n: dict[int, int] = defaultdict(int)
    at: dict[int, Session] = {}
    chosen: set[tuple[int, int]] = set()
    ordered = [j for j in jobs if j.kind == "round"] + [j for j in jobs if j.kind != "round"]
    last_round = -1
    for j in ordered:
        if j.kind == "round" and last_round == -2:
            continue  # an earlier round did not fit: later ones must not be placed either
        if any(a not in at for a in j.after):
            continue  # a predecessor is not placed: neither is this job
        lo = max([-1] + [at[a].day + 1 for a in j.after])
        if j.kind == "round":
            lo = max(lo, last_round)
        avoid = {at[a].slot for a in j.avoid_slot_of if a in at}
        hit = next((k for k, s in enumerate(sessions) if (j.id, k) in x and s.day > lo and s.day not in used_day
                    and s.slot not in avoid and week_n[s.week] < week_limits.get(s.week, 0)
                    and all(s.day >= at[a].day + 2 for a in j.after)), None)
        if hit is None:
            if j.kind == "round":
                last_round = -2
            continue
        s = sessions[hit]
        used_day.add(s.day)
        week_n[s.week] += 1
        at[j.id] = s
        chosen.add((j.id, hit))
        if j.kind == "round":
            last_round = s.day
    for key, var in x.items():
        model.add_hint(var, key in chosen)


def _round_windows(jobs: Sequence[Job], sessions: Sequence[Session],
                   week_limits: Mapping[int, int]) -> dict[int, tuple[int, int]]:
    """Earliest and latest day of each kept round when all of them are placed.

    Rounds go out in route order, one outing a day within weekly limits, so
    the i-th round cannot be earlier than the i-th outing of the
    earliest-possible schedule, nor later than leaves room for the rounds
    after it. After :func:`_prune` every kept round fits, and any round beats
    every callback, so the optimum places them all: the windows cut the model
    without cutting the optimum.
    """
    rounds = [j for j in jobs if j.kind == "round"]
    if not rounds:
        return {}
    days = sorted({(s.day, s.week) for s in sessions})
    early = _first_outings(days, week_limits)
    late = _first_outings(reversed(days), week_limits)
    r = len(rounds)
    if len(early) < r:  # cannot all fit (not pruned): no windows
        return {}
    win = {}
    for i, j in enumerate(rounds):
        lo = max(early[i], j.release)
        hi = late[r - 1 - i]
        win[j.id] = (lo, hi)
    return win


def _first_outings(days: Iterable[tuple[int, int]], week_limits: Mapping[int, int]) -> list[int]:
    """Days of the outings taken greedily in the order of ``days`` (day, week) within the weekly limits."""
    used: dict[int, int] = defaultdict(int)
    out = []
    for d, w in days:
        if used[w] < week_limits.get(w, 0):
            used[w] += 1
            out.append(d)
    return out


def outing_slots(sessions: Sequence[Session], week_limits: Mapping[int, int]) -> int:
    """Outings the sessions allow at most: one a day, within each week's limit."""
    days_by_week: dict[int, set[int]] = defaultdict(set)
    for s in sessions:
        days_by_week[s.week].add(s.day)
    return sum(min(max(0, week_limits.get(w, 0)), len(d)) for w, d in days_by_week.items())


def _prune(jobs: Sequence[Job], sessions: Sequence[Session],
           week_limits: Mapping[int, int]) -> tuple[list[Job], tuple[Job, ...]]:
    """Keep only jobs that can matter: at most K outings fit, and any round beats any callback.

    K is the number of outings the sessions allow (one a day, the weekly
    limits). Rounds past the K-th never fit; callbacks only use what the
    rounds leave, so only the first (K - rounds) × 1.5 of them (and their
    ancestors) are offered. This keeps each model small (presolve of the
    full job × session model took seconds per pair).
    """
    k = outing_slots(sessions, week_limits)
    rounds = [j for j in jobs if j.kind == "round"]
    keep_rounds = rounds[:k]
    room = k - len(keep_rounds)
    kept = {j.id for j in keep_rounds}
    all_ids = {x.id for x in jobs}
    cbs = sorted((j for j in jobs if j.kind != "round"), key=lambda j: (-j.priority, j.level, j.id))
    budget = int(math.ceil(1.5 * room))
    for j in cbs:
        if budget <= 0:
            break
        if all(a in kept or a not in all_ids for a in j.after + j.avoid_slot_of):
            kept.add(j.id)
            budget -= 1
    keep = [j for j in jobs if j.id in kept]
    return keep, tuple(j for j in jobs if j.id not in kept)
