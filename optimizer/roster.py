"""The CP-SAT door-to-door roster: pairs, turfs, then a calendar per pair.

Why decomposed: one model with every pair, village and campaign day did not
reach optimum in a minute on the 35-volunteer demo, whereas the two stages
below solve in seconds and each is easy to explain to a coordinator.

1. **Pairs** (:func:`optimizer.teams.form_pairs`): maximum-weight matching.
2. **Turfs** (:func:`assign_turfs`): per district, CP-SAT gives every village
   with door-to-door rounds to one pair, minimising the largest workload
   relative to the pair's capacity, then road distance from the members'
   homes and the number of sangkats per pair.
3. **Calendar** (:func:`schedule_pair`): per pair, CP-SAT places the pair's
   outings (rounds, then geometric callbacks of not-at-home households) on
   workable dates inside the pair's shared availability, member dates and
   outings-per-week limit. Rounds are worth far more than callbacks, so every
   round that fits is placed before any callback.

Every solve uses one worker and a *deterministic* time limit (a wall-clock
cap of ten times the budget is only a safety net), so results do not depend
on machine speed. The pairs are solved one after the other: most of the time
is Python model building, and two threads were slower than one.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from outreach.model import SLOTS, Allocation, Campaign, Geography, Outing, Pair, Plan, Roster, Slot, Volunteer

from .teams import form_pairs, shared_availability

STRATEGY = "cp-sat"
_ROUND_WEIGHT = 1_000  # per household: any round beats every callback
_CB_WEIGHT = 10
_CB_PREFERRED = 13  # evening or weekend callback (people are home: evening_weekend_multiplier)


# --------------------------------------------------------------------------- helpers
def outing_capacity(campaign: Campaign) -> int:
    """Households a pair visits in one outing: doors per hour × shift hours."""
    p = campaign.params
    return max(1, int(p["canvass.doors_per_hour_per_pair"] * p["canvass.shift_hours"]))


def callback_shares(campaign: Campaign) -> tuple[float, ...]:
    """Expected share of a round's households still to visit at callback 1, 2, ... (geometric)."""
    q = 1.0 - campaign.params["canvass.p_answer_first_visit"]
    return tuple(q ** k for k in range(1, int(campaign.params["canvass.max_callbacks"]) + 1))


def _road_distances(campaign: Campaign) -> dict[str, dict[str, float]]:
    """Road metres between villages (straight line × circuity where the graph does not reach)."""
    import networkx as nx

    roads = campaign.roads
    node_of = dict(roads.village_node)
    by_node: dict[object, list[str]] = defaultdict(list)
    for code, n in node_of.items():
        by_node[n].append(code)
    out: dict[str, dict[str, float]] = {}
    geo = campaign.geography
    for v in geo.villages:
        n = node_of.get(v.code)
        row: dict[str, float] = {}
        if n is not None and roads.graph is not None and n in roads.graph:
            lengths = nx.single_source_dijkstra_path_length(roads.graph, n, weight="length_m")
            for node, d in lengths.items():
                for c in by_node.get(node, ()):
                    row[c] = float(d)
        out[v.code] = row
    circ = max(1.0, float(roads.circuity or 1.0))
    for a in geo.villages:  # fallback: straight-line metres
        row = out[a.code]
        for b in geo.villages:
            if b.code not in row:
                row[b.code] = circ * math.hypot(a.x_m - b.x_m, a.y_m - b.y_m)
    return out


def _member_dates_ok(members: Sequence[Volunteer], day: dt.date) -> bool:
    return all((m.first_date is None or day >= m.first_date) and (m.last_date is None or day <= m.last_date)
               for m in members)


def _is_preferred(day: dt.date, slot: str) -> bool:
    return slot == "evening" or day.weekday() >= 5


@dataclass(frozen=True)
class Session:
    """A possible outing: a date and a slot the pair can work."""

    day: int  # days after the campaign start
    date: dt.date
    slot: Slot
    week: int


def pair_sessions(campaign: Campaign, members: Sequence[Volunteer], *,
                  from_date: dt.date | None = None, busy: Iterable[dt.date] = ()) -> list[Session]:
    """Every (date, slot) the pair may work: workable, shared availability, member dates.

    Parameters
    ----------
    campaign : Campaign
        For the calendar (holidays and blackout dates are skipped).
    members : sequence of Volunteer
        The pair or trio.
    from_date : date, optional
        First date to consider (re-planning).
    busy : iterable of date
        Dates already taken by a kept outing (one outing a day).
    """
    cal = campaign.calendar
    avail = shared_availability(tuple(members))
    busy = set(busy)
    out = []
    for i, day in enumerate(cal.days()):
        if (from_date and day < from_date) or day in busy or not cal.is_workable(day):
            continue
        if not _member_dates_ok(members, day):
            continue
        for slot in SLOTS:
            if (day.weekday(), slot) in avail:
                out.append(Session(i, day, slot, i // 7))
    return out


def _week_limit(members: Sequence[Volunteer]) -> int:
    return min(m.outings_per_week for m in members)


# --------------------------------------------------------------------------- stage 2: turfs
def assign_turfs(campaign: Campaign, groups: Sequence[Sequence[Volunteer]], work: Mapping[str, int], *,
                 distances: Mapping[str, Mapping[str, float]] | None = None,
                 time_limit_s: float = 5.0, seed: int = 0) -> tuple[list[list[str]], list[str]]:
    """Give every village with door-to-door work to one pair of its district.

    Parameters
    ----------
    campaign : Campaign
        Geography, calendar and parameters.
    groups : sequence of member tuples
        The pairs (and trios).
    work : mapping of str to int
        Household visits per village (households × door rounds).
    distances : mapping, optional
        Village-to-village road metres (computed when missing).
    time_limit_s, seed : float, int
        CP-SAT deterministic time budget and seed.

    Returns
    -------
    (turfs, orphans)
        Village codes per group (in group order), and villages of districts
        that have no pair (their work stays unmet).
    """
    geo = campaign.geography
    dist = distances if distances is not None else _road_distances(campaign)
    cap = outing_capacity(campaign)
    weight = 1.0 + sum(callback_shares(campaign))
    district_of = [_group_district(g, campaign) for g in groups]
    turfs: list[list[str]] = [[] for _ in groups]
    orphans: list[str] = []
    for d in geo.districts:
        villages = [v for v in geo.villages if v.district_code == d.code and work.get(v.code, 0) > 0]
        if not villages:
            continue
        here = [i for i, dc in enumerate(district_of) if dc == d.code]
        if not here:
            orphans += [v.code for v in villages]
            continue
        if len(here) == 1:
            turfs[here[0]] = [v.code for v in villages]
            continue
        model = cp_model.CpModel()
        x = {(v.code, i): model.new_bool_var(f"x{v.code}_{i}") for v in villages for i in here}
        for v in villages:
            model.add_exactly_one(x[v.code, i] for i in here)
        t = model.new_int_var(0, 1_000_000, "max_use")
        cost = []
        load_of = {v.code: int(round(work[v.code] * weight)) for v in villages}
        capacity = {i: max(1, _capacity_outings(campaign, groups[i]) * cap) for i in here}
        for i in here:
            members = groups[i]
            # capacity in household visits over the campaign (rounds and callbacks)
            c_hh = capacity[i]
            load = sum(load_of[v.code] * x[v.code, i] for v in villages)
            model.add(1000 * load <= t * c_hh)  # t: per-mille of capacity used
            for v in villages:
                dm = sum(dist[m.home_village].get(v.code, 0.0) for m in members) / len(members)
                cost.append(int(dm / 100) * x[v.code, i])  # 100 m units
            sangkats = sorted({v.sangkat_code for v in villages})
            for s in sangkats:
                z = model.new_bool_var(f"z{s}_{i}")
                for v in villages:
                    if v.sangkat_code == s:
                        model.add_implication(x[v.code, i], z)
                cost.append(30 * z)  # about 3 km of walking per extra sangkat
        # Balance first (the fairness the coordinator sees), compactness second.
    # Measured on the demo: the balanced hint is within a few % of what 3 s of
    # search finds, so a small budget per district is enough.
        model.minimize(200 * t + sum(cost))
        _hint_balanced(model, x, villages, here, groups, dist, load_of, capacity)
        solver = _solver(time_limit_s, seed)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - hint makes this feasible
            for k, v in enumerate(villages):
                turfs[here[k % len(here)]].append(v.code)
            continue
        for v in villages:
            for i in here:
                if solver.boolean_value(x[v.code, i]):
                    turfs[i].append(v.code)
    return turfs, orphans


def _hint_balanced(model: cp_model.CpModel, x: dict, villages: list, here: list[int],
                   groups: Sequence[Sequence[Volunteer]], dist: Mapping[str, Mapping[str, float]],
                   load_of: Mapping[str, int], capacity: Mapping[int, int]) -> None:
    """Regret greedy: villages with the clearest nearest pair first, to the nearest pair with room."""
    def d(v: str, i: int) -> float:
        return sum(dist[m.home_village].get(v, 0.0) for m in groups[i]) / len(groups[i])

    total = sum(load_of[v.code] for v in villages)
    cap_sum = sum(capacity[i] for i in here) or 1
    target = {i: 1.05 * total * capacity[i] / cap_sum for i in here}
    load = {i: 0.0 for i in here}

    def regret(v) -> tuple[float, str]:
        ds = sorted(d(v.code, i) for i in here)
        return (-(ds[1] - ds[0]) if len(ds) > 1 else 0.0, v.code)

    choice: dict[str, int] = {}
    for v in sorted(villages, key=regret):
        fits = [i for i in here if load[i] + load_of[v.code] <= target[i]]
        if fits:
            best = min(fits, key=lambda i: (d(v.code, i), i))
        else:
            best = min(here, key=lambda i: ((load[i] + load_of[v.code]) / max(1, capacity[i]), i))
        choice[v.code] = best
        load[best] += load_of[v.code]
    for v in villages:
        for i in here:
            model.add_hint(x[v.code, i], i == choice[v.code])


def _group_district(members: Sequence[Volunteer], campaign: Campaign) -> str:
    """District where most members live (first member's on a tie)."""
    vb = campaign.geography.village_by_code
    codes = [vb[m.home_village].district_code for m in members]
    return max(codes, key=lambda c: (codes.count(c), -codes.index(c)))


def _capacity_outings(campaign: Campaign, members: Sequence[Volunteer]) -> int:
    per_week: dict[int, set[int]] = defaultdict(set)
    for s in pair_sessions(campaign, members):
        per_week[s.week].add(s.day)
    lim = _week_limit(members)
    return sum(min(lim, len(days)) for days in per_week.values())


def _solver(time_limit_s: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # Deterministic time: the same answer on a fast or a slow machine.
    solver.parameters.max_deterministic_time = max(0.05, float(time_limit_s))
    # Safety cap only (a slow machine): normally the deterministic limit stops first.
    solver.parameters.max_time_in_seconds = max(2.0, 10.0 * float(time_limit_s))
    # Light presolve: on these small models full probing and symmetry detection
    # took longer than the search itself (measured: 45 s -> 7 s for 16 pairs).
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    # The objective is scaled so 2e-5 is about two callback households on a
    # busy pair: close enough, and proving the last unit took most of the time.
    solver.parameters.relative_gap_limit = 2e-5
    return solver


def village_route(start_code: str, codes: Sequence[str], dist: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Nearest-neighbour order of ``codes`` from ``start_code``: consecutive outings stay close together."""
    left = sorted(codes)
    order: list[str] = []
    here = start_code
    while left:
        nxt = min(left, key=lambda c: (dist[here].get(c, math.inf), c))
        order.append(nxt)
        left.remove(nxt)
        here = nxt
    return order


# --------------------------------------------------------------------------- stage 3: calendar
@dataclass(frozen=True)
class Job:
    """One outing's worth of work to place.

    ``after`` are jobs that must happen at least ``gap_days`` before this one
    (and exist); ``avoid_slots`` are slots this job may not use (the slot of
    the round whose not-at-home households it revisits); ``release`` is the
    first campaign day index it may use.
    """

    id: int
    kind: str  # "round" | "callback"
    visits: tuple[tuple[str, int], ...]
    after: tuple[int, ...] = ()
    avoid_slots: frozenset[str] = frozenset()
    avoid_slot_of: tuple[int, ...] = ()  # jobs whose slot this one must differ from
    release: int = 0
    level: int = 0
    priority: int = 0  # added to a callback's weight per household: reported not-at-home beats expected

    @property
    def households(self) -> int:
        return sum(n for _, n in self.visits)


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


def build_jobs(round_chunks: Sequence[tuple[tuple[str, int], ...]], shares: Sequence[float], cap: int, *,
               first_id: int = 0, release: int = 0) -> list[Job]:
    """Round jobs in route order, then callback jobs (geometric shares) grouped while they fit ``cap``."""
    jobs: list[Job] = []
    rounds = []
    for ch in round_chunks:
        j = Job(first_id + len(jobs), "round", tuple(ch), release=release)
        jobs.append(j)
        rounds.append(j)
    prev_of: dict[int, int] = {r.id: r.id for r in rounds}  # round id -> job of the previous level
    for level, share in enumerate(shares, start=1):
        group: list[Job] = []
        group_hh = 0
        new_prev: dict[int, int] = {}

        def flush() -> None:
            nonlocal group, group_hh
            if not group:
                return
            visits: dict[str, int] = {}
            for r in group:
                for code, n in r.visits:
                    visits[code] = visits.get(code, 0) + max(1, int(n * share + 0.5))
            jid = first_id + len(jobs)
            jobs.append(Job(jid, "callback", tuple(visits.items()),
                            after=tuple(sorted({prev_of[r.id] for r in group})),
                            avoid_slot_of=tuple(r.id for r in group), release=release, level=level))
            for r in group:
                new_prev[r.id] = jid
            group, group_hh = [], 0

        for r in rounds:
            hh = sum(max(1, int(n * share + 0.5)) for _, n in r.visits)
            if group and group_hh + hh > cap:
                flush()
            group.append(r)
            group_hh += hh
        flush()
        prev_of = new_prev
    return jobs


@dataclass(frozen=True)
class PairPlan:
    """Result of one pair's calendar: outings placed and the jobs left over."""

    outings: tuple[Outing, ...]
    unplaced: tuple[Job, ...]
    status: str


def schedule_pair(pair_id: str, sessions: Sequence[Session], jobs: Sequence[Job], week_limits: Mapping[int, int],
                  *, fixed_slots: Mapping[int, str] | None = None, time_limit_s: float = 2.0,
                  seed: int = 0) -> PairPlan:
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
    fixed_slots : mapping of int to str, optional
        Slots of kept (past) jobs referred to in ``avoid_slot_of`` but not in ``jobs``.
    time_limit_s, seed : float, int
        Deterministic time budget and seed.

    Returns
    -------
    PairPlan
        Outings sorted by date and the jobs that found no session.
    """
    fixed_slots = dict(fixed_slots or {})
    if not jobs or not sessions:
        return PairPlan((), tuple(jobs), "OPTIMAL")
    jobs, dropped = _prune(jobs, sessions, week_limits)
    model = cp_model.CpModel()
    ids = {j.id for j in jobs}
    by_id = {j.id: j for j in jobs}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    placed: dict[int, cp_model.IntVar] = {}
    day: dict[int, cp_model.IntVar] = {}
    max_day = max(s.day for s in sessions)
    window = _round_windows(jobs, sessions, week_limits)
    for j in jobs:
        avoid = set(j.avoid_slots) | {fixed_slots[a] for a in j.avoid_slot_of if a in fixed_slots}
        earliest = j.release + (2 * j.level if j.kind == "callback" else 0)
        lo, hi = window.get(j.id, (earliest, max_day))
        if j.kind == "callback":
            lo = max([lo] + [window[a][0] + 2 for a in j.after if a in window])
        for k, s in enumerate(sessions):
            if max(earliest, lo) <= s.day <= hi and s.slot not in avoid:
                x[j.id, k] = model.new_bool_var(f"x{j.id}_{k}")
        mine = [x[j.id, k] for k in range(len(sessions)) if (j.id, k) in x]
        placed[j.id] = model.new_bool_var(f"p{j.id}")
        model.add(sum(mine) == placed[j.id])
        day[j.id] = model.new_int_var(0, max_day, f"d{j.id}")
        model.add(day[j.id] == sum(sessions[k].day * x[j.id, k] for k in range(len(sessions)) if (j.id, k) in x))
    per_day: dict[int, list] = defaultdict(list)
    per_week: dict[int, list] = defaultdict(list)
    for (jid, k), var in x.items():
        per_day[sessions[k].day].append(var)
        per_week[sessions[k].week].append(var)
    for lits in per_day.values():
        model.add_at_most_one(lits)  # one outing a day (and so one job per session)
    for w, lits in per_week.items():
        model.add(sum(lits) <= max(0, week_limits.get(w, 0)))
    rounds = [j for j in jobs if j.kind == "round"]
    for a, b in zip(rounds, rounds[1:]):
        # route order: rounds go out in sequence (also breaks symmetry)
        model.add_implication(placed[b.id], placed[a.id])
        model.add(day[b.id] > day[a.id]).only_enforce_if(placed[b.id])
    slot_lits: dict[tuple[int, str], list] = defaultdict(list)
    for (jid, k), var in x.items():
        slot_lits[jid, sessions[k].slot].append(var)
    for j in jobs:
        for a in j.after:
            if a in ids:
                model.add_implication(placed[j.id], placed[a])
                model.add(day[j.id] >= day[a] + 2).only_enforce_if(placed[j.id])
        for a in j.avoid_slot_of:
            if a in ids:
                for slot in SLOTS:
                    mine, theirs = slot_lits.get((j.id, slot), []), slot_lits.get((a, slot), [])
                    if mine and theirs:  # a callback never uses its round's slot
                        model.add(sum(mine) + sum(theirs) <= 1)
    obj = []
    for (jid, k), var in x.items():
        j = by_id[jid]
        s = sessions[k]
        if j.kind == "round":
            # tiny earliness bonus: rounds early leave room for their callbacks
            obj.append((_ROUND_WEIGHT * j.households * 100 + (max_day - s.day)) * var)
        else:
            w = (_CB_PREFERRED if _is_preferred(s.date, s.slot) else _CB_WEIGHT) + j.priority
            obj.append(w * j.households * 100 * var)
    model.maximize(sum(obj))
    _hint_greedy(model, x, jobs, sessions, week_limits, fixed_slots)
    solver = _solver(time_limit_s, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - the empty schedule is feasible
        return PairPlan((), tuple(jobs) + dropped, "UNKNOWN")
    outings = []
    unplaced = list(dropped)
    for j in jobs:
        ks = [k for k in range(len(sessions)) if (j.id, k) in x and solver.boolean_value(x[j.id, k])]
        if not ks:
            unplaced.append(j)
            continue
        s = sessions[ks[0]]
        outings.append(Outing(pair_id, s.date, s.slot, j.visits, j.kind))  # type: ignore[arg-type]
    outings.sort(key=lambda o: (o.date, SLOTS.index(o.slot)))
    return PairPlan(tuple(outings), tuple(unplaced), solver.status_name(status))


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

    def picks(seq: Iterable[tuple[int, int]]) -> list[int]:
        used: dict[int, int] = defaultdict(int)
        out = []
        for d, w in seq:
            if used[w] < week_limits.get(w, 0):
                used[w] += 1
                out.append(d)
        return out

    early = picks(days)
    late = picks(reversed(days))
    r = len(rounds)
    if len(early) < r:  # cannot all fit (not pruned): no windows
        return {}
    win = {}
    for i, j in enumerate(rounds):
        lo = max(early[i], j.release)
        hi = late[r - 1 - i]
        win[j.id] = (lo, hi)
    return win


def _prune(jobs: Sequence[Job], sessions: Sequence[Session],
           week_limits: Mapping[int, int]) -> tuple[list[Job], tuple[Job, ...]]:
    """Keep only jobs that can matter: at most K outings fit, and any round beats any callback.

    K is the number of outings the sessions allow (one a day, the weekly
    limits). Rounds past the K-th never fit; callbacks only use what the
    rounds leave, so only the first (K - rounds) × 1.5 of them (and their
    ancestors) are offered. This keeps each model small (presolve of the
    full job × session model took seconds per pair).
    """
    days_by_week: dict[int, set[int]] = defaultdict(set)
    for s in sessions:
        days_by_week[s.week].add(s.day)
    k = sum(min(max(0, week_limits.get(w, 0)), len(d)) for w, d in days_by_week.items())
    rounds = [j for j in jobs if j.kind == "round"]
    keep_rounds = rounds[:k]
    room = k - len(keep_rounds)
    kept = {j.id for j in keep_rounds}
    cbs = sorted((j for j in jobs if j.kind != "round"), key=lambda j: (-j.priority, j.level, j.id))
    budget = int(math.ceil(1.5 * room))
    for j in cbs:
        if budget <= 0:
            break
        if all(a in kept or a not in {x.id for x in jobs} for a in j.after) and \
                all(a in kept or a not in {x.id for x in jobs} for a in j.avoid_slot_of):
            kept.add(j.id)
            budget -= 1
    keep = [j for j in jobs if j.id in kept]
    return keep, tuple(j for j in jobs if j.id not in kept)


def _hint_greedy(model: cp_model.CpModel, x: dict, jobs: Sequence[Job], sessions: Sequence[Session],
                 week_limits: Mapping[int, int], fixed_slots: Mapping[int, str]) -> None:
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
        lo = -1
        ok = True
        for a in j.after:
            if a in at:
                lo = max(lo, at[a].day + 1)
            elif a not in fixed_slots:
                ok = False
        if not ok:
            continue
        if j.kind == "round":
            lo = max(lo, last_round)
        avoid = {at[a].slot for a in j.avoid_slot_of if a in at} | {fixed_slots[a] for a in j.avoid_slot_of
                                                                    if a in fixed_slots}
        hit = None
        for k, s in enumerate(sessions):
            if (j.id, k) not in x or s.day <= lo or s.day in used_day or s.slot in avoid:
                continue
            if week_n[s.week] >= week_limits.get(s.week, 0):
                continue
            if any(a in at and s.day < at[a].day + 2 for a in j.after):
                continue
            hit = k
            break
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


# --------------------------------------------------------------------------- public entry points
@dataclass(frozen=True)
class _PairTask:
    index: int
    pair_id: str
    sessions: tuple[Session, ...]
    jobs: tuple[Job, ...]
    week_limits: Mapping[int, int]
    fixed_slots: Mapping[int, str] = field(default_factory=dict)


def _solve_all(tasks: Sequence[_PairTask], time_limit_s: float, seed: int) -> list[PairPlan]:
    per = max(0.5, time_limit_s)

    def run(t: _PairTask) -> PairPlan:
        return schedule_pair(t.pair_id, t.sessions, t.jobs, t.week_limits, fixed_slots=t.fixed_slots,
                             time_limit_s=per, seed=seed)

    # Serial on purpose: most of the time is Python model building, and two
    # threads were slower than one (GIL contention), measured on the demo.
    return [run(t) for t in tasks]


def _pair_ids(n: int) -> list[str]:
    return [f"P{i + 1:02d}" for i in range(n)]


def plan_roster(campaign: Campaign, allocation: Allocation, *, time_limit_s: float = 10.0, seed: int = 0) -> Roster:
    """Pairs, turfs and a CP-SAT calendar of door-to-door rounds and callbacks.

    Parameters
    ----------
    campaign : Campaign
        Volunteers, geography, roads, calendar and ``canvass.*`` parameters.
    allocation : Allocation
        ``door_rounds_by_village`` says how many rounds each village gets.
    time_limit_s : float
        Deterministic time budget (about seconds on this machine) shared by
        the turf models and the per-pair calendars.
    seed : int
        CP-SAT random seed.

    Returns
    -------
    Roster
        Strategy ``"cp-sat"``; status ``"OPTIMAL"``/``"FEASIBLE"`` when every
        round visit is placed, ``"PARTIAL"`` otherwise with
        ``unmet_households`` the round household visits left out.
    """
    geo = campaign.geography
    groups = form_pairs(campaign.volunteers, geo, campaign.roads)
    ids = _pair_ids(len(groups))
    rounds = {c: int(n) for c, n in allocation.door_rounds_by_village.items()
              if int(n) > 0 and c in geo.village_by_code}
    work = {c: geo.village_by_code[c].households * n for c, n in rounds.items()}
    dist = _road_distances(campaign)
    turfs, orphans = assign_turfs(campaign, groups, work, distances=dist,
                                  time_limit_s=0.02 * time_limit_s, seed=seed)
    cap = outing_capacity(campaign)
    shares = callback_shares(campaign)
    tasks = []
    for i, g in enumerate(groups):
        seq = _turf_sequence(g, turfs[i], rounds, dist, geo)
        jobs = build_jobs(chunk_visits_by_round(seq, cap), shares, cap)
        sessions = tuple(pair_sessions(campaign, g))
        limits = {w: _week_limit(g) for w in range(campaign.calendar.weeks)}
        tasks.append(_PairTask(i, ids[i], sessions, tuple(jobs), limits))
    n = max(1, len(tasks))
    results = _solve_all(tasks, 0.8 * time_limit_s / n, seed)
    outings = [o for r in results for o in r.outings]
    unmet = sum(work[c] for c in orphans) + sum(j.households for r in results for j in r.unplaced
                                                 if j.kind == "round")
    statuses = {r.status for r in results}
    status = "PARTIAL" if unmet else ("OPTIMAL" if statuses <= {"OPTIMAL"} else "FEASIBLE")
    pairs = tuple(Pair(ids[i], tuple(m.id for m in g), tuple(turfs[i])) for i, g in enumerate(groups))
    return Roster(pairs, tuple(sorted(outings, key=lambda o: (o.date, o.pair_id, SLOTS.index(o.slot)))),
                  STRATEGY, status, int(unmet))


def _turf_sequence(members: Sequence[Volunteer], turf: Sequence[str], rounds: Mapping[str, int],
                   dist: Mapping[str, Mapping[str, float]], geo: Geography) -> list[list[tuple[str, int]]]:
    """Per round number, the turf villages in walking order with their households."""
    if not turf:
        return []
    home = members[0].home_village
    order = village_route(home, turf, dist)
    top = max(rounds.get(c, 0) for c in turf)
    return [[(c, geo.village_by_code[c].households) for c in order if rounds.get(c, 0) > r] for r in range(top)]


def chunk_visits_by_round(seq_by_round: Sequence[Sequence[tuple[str, int]]],
                          cap: int) -> list[tuple[tuple[str, int], ...]]:
    """Chunk each round's village sequence separately (a second round never shares an outing with the first)."""
    out: list[tuple[tuple[str, int], ...]] = []
    for seq in seq_by_round:
        out += chunk_visits(seq, cap)
    return out


# --------------------------------------------------------------------------- re-planning
#: Columns of progress.csv, in order (extra columns are ignored).
PROGRESS_COLUMNS = ("pair_id", "date", "village_code", "visited", "not_at_home", "refused", "cancelled")
_REPORTED = 90  # callback weight bonus per household for reported not-at-home (rounds still weigh 1000)
_TRUE = {"1", "yes", "y", "true", "x", "cancelled"}
_FALSE = {"", "0", "no", "n", "false"}


@dataclass(frozen=True)
class ProgressRow:
    """One reported village visit of a planned outing (a row of progress.csv).

    ``visited`` households talked to, ``not_at_home`` nobody answered (they get
    callbacks), ``refused`` did not want to talk; ``cancelled`` means the outing
    did not take place (its households go back into the queue). ``row`` is the
    spreadsheet row number, for messages.
    """

    pair_id: str
    date: dt.date
    village_code: str
    visited: int = 0
    not_at_home: int = 0
    refused: int = 0
    cancelled: bool = False
    row: int = 0


def read_progress_csv(path: str | os.PathLike[str], roster: Roster, campaign: Campaign) -> list[ProgressRow]:
    """Read and check progress.csv against the plan.

    Columns (header row required, case-insensitive, any order):
    ``pair_id`` (e.g. P03), ``date`` (YYYY-MM-DD, a date the pair had an
    outing), ``village_code`` (a village of that outing), ``visited``,
    ``not_at_home``, ``refused`` (whole numbers ≥ 0, blank = 0),
    ``cancelled`` (yes/1/x when the outing did not happen, else blank/no/0).

    Raises
    ------
    InputError
        Naming the file, the row (header = row 1) and the field at fault.
    """
    import csv
    from pathlib import Path

    from outreach.errors import InputError

    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputError("progress file not found", file=file)
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in PROGRESS_COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(PROGRESS_COLUMNS)}",
                         file=file, row=1, field=missing[0])
    outings = {(o.pair_id, o.date): o for o in roster.outings}
    pairs = {p.id for p in roster.pairs}
    rows = []
    for r, raw in enumerate(reader, start=2):
        rec = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(rec.get(c) for c in PROGRESS_COLUMNS):
            continue  # blank line
        pid = rec["pair_id"]
        if pid not in pairs:
            raise InputError(f"unknown pair '{pid}' (the plan has {', '.join(sorted(pairs))})", file=file, row=r,
                             field="pair_id")
        try:
            day = dt.date.fromisoformat(rec["date"])
        except ValueError:
            raise InputError(f"'{rec['date']}' is not a date like 2027-01-18", file=file, row=r,
                             field="date") from None
        o = outings.get((pid, day))
        if o is None:
            raise InputError(f"{pid} has no planned outing on {day}", file=file, row=r, field="date")
        code = rec["village_code"]
        if code not in {c for c, _ in o.visits}:
            raise InputError(f"village '{code}' is not part of {pid}'s outing on {day}", file=file, row=r,
                             field="village_code")
        nums = {}
        for f in ("visited", "not_at_home", "refused"):
            t = rec.get(f, "")
            try:
                n = int(t) if t else 0
            except ValueError:
                raise InputError(f"'{t}' is not a whole number", file=file, row=r, field=f) from None
            if n < 0:
                raise InputError(f"{n} is negative", file=file, row=r, field=f)
            nums[f] = n
        c = rec.get("cancelled", "").lower()
        if c not in _TRUE | _FALSE:
            raise InputError(f"'{rec['cancelled']}' is not yes/no", file=file, row=r, field="cancelled")
        rows.append(ProgressRow(pid, day, code, nums["visited"], nums["not_at_home"], nums["refused"],
                                c in _TRUE, r))
    return rows


def replan(campaign: Campaign, plan: Plan, progress_rows: Sequence[ProgressRow], *, today: dt.date | None = None,
           time_limit_s: float = 10.0, seed: int = 0) -> Roster:
    """Re-optimise the remaining weeks after field reports, keeping the past.

    Parameters
    ----------
    campaign : Campaign
        The scenario the plan was made from.
    plan : Plan
        The saved plan (pairs and turfs are kept as they are).
    progress_rows : sequence of ProgressRow
        Reported village visits (see :func:`read_progress_csv`).
    today : date, optional
        First date to re-plan. Default: the day after the last reported date
        (or the campaign start when nothing is reported).
    time_limit_s, seed : float, int
        As in :func:`plan_roster`.

    Returns
    -------
    Roster
        Every outing before ``today`` unchanged, new outings from ``today``:
        remaining rounds (planned work not yet done, plus households of
        cancelled outings and of reported rows that do not add up), callbacks
        for reported not-at-home households (at least two days after that
        outing, in another slot), and expected callbacks of unreported past
        rounds. Strategy ``"cp-sat-replan"``.

    Notes
    -----
    Rows dated on or after ``today`` are ignored (those outings are re-planned
    anyway). Unreported past outings count as done as planned, and their
    expected callbacks not yet made are re-planned. Not-at-home households
    reported on a round get up to ``canvass.max_callbacks`` callbacks
    (geometric); reported on a callback outing they get one more.
    """
    geo = campaign.geography
    cal = campaign.calendar
    old = plan.roster
    if today is None:
        today = (max(r.date for r in progress_rows) + dt.timedelta(days=1)) if progress_rows else cal.start
    cut = max(0, (today - cal.start).days)
    vols = {v.id: v for v in campaign.volunteers}
    kept = [o for o in old.outings if o.date < today]
    reports: dict[tuple[str, dt.date, str], ProgressRow] = {}
    for r in progress_rows:
        reports[(r.pair_id, r.date, r.village_code)] = r  # a later row for the same visit wins
    rounds = {c: int(n) for c, n in plan.allocation.door_rounds_by_village.items() if int(n) > 0}
    cap = outing_capacity(campaign)
    shares = callback_shares(campaign)
    q = 1.0 - campaign.params["canvass.p_answer_first_visit"]
    max_cb = int(campaign.params["canvass.max_callbacks"])
    dist = _road_distances(campaign)
    owner = {c: p.id for p in old.pairs for c in p.villages}

    done: dict[str, int] = defaultdict(int)  # round household visits done per village
    # callback seeds per pair: (village, households, release day, slots to avoid, levels, priority)
    seeds: dict[str, list[tuple[str, int, int, frozenset[str], int, int]]] = defaultdict(list)
    unreported_cb: dict[tuple[str, str], float] = defaultdict(float)
    last_round_day: dict[tuple[str, str], int] = {}
    for o in kept:
        d = (o.date - cal.start).days
        for code, n in o.visits:
            rep = reports.get((o.pair_id, o.date, code))
            if o.kind == "round":
                if rep is None:
                    done[code] += n
                    unreported_cb[(o.pair_id, code)] += n * sum(shares)
                    last_round_day[(o.pair_id, code)] = max(d, last_round_day.get((o.pair_id, code), 0))
                elif not rep.cancelled:
                    handled = min(n, rep.visited + rep.not_at_home + rep.refused)
                    done[code] += handled
                    if rep.not_at_home and max_cb > 0:
                        seeds[o.pair_id].append((code, rep.not_at_home, d + 2, frozenset({o.slot}), max_cb,
                                                 _REPORTED))
            else:  # callback outing
                if rep is None:
                    unreported_cb[(o.pair_id, code)] -= n
                elif rep.cancelled:
                    seeds[o.pair_id].append((code, n, cut, frozenset(), 1, 0))
                elif rep.not_at_home:
                    seeds[o.pair_id].append((code, rep.not_at_home, d + 2, frozenset({o.slot}), 1, _REPORTED))
    for (pid, code), n in sorted(unreported_cb.items()):
        left = int(round(n))
        if left > 0:
            seeds[pid].append((code, left, max(cut, last_round_day.get((pid, code), 0) + 2), frozenset(), 1, 0))

    outings = list(kept)
    unmet = 0
    tasks = []
    for i, p in enumerate(old.pairs):
        members = [vols[m] for m in p.members if m in vols]
        if not members:
            continue
        remaining = {c: geo.village_by_code[c].households * rounds.get(c, 0) - done.get(c, 0)
                     for c in p.villages if c in geo.village_by_code}
        remaining = {c: n for c, n in remaining.items() if n > 0}
        order = village_route(members[0].home_village, list(remaining), dist)
        chunks = chunk_visits([(c, remaining[c]) for c in order], cap)
        jobs = build_jobs(chunks, shares, cap, release=cut)
        for code, n, release, avoid, levels, prio in seeds.get(p.id, []):
            prev: tuple[int, ...] = ()
            for level in range(levels):
                hh = int(round(n * q ** level))
                if hh <= 0:
                    break
                ids = []
                for ch in chunk_visits([(code, hh)], cap):
                    jid = len(jobs)
                    jobs.append(Job(jid, "callback", ch, after=prev, avoid_slots=avoid, release=release,
                                    level=level, priority=prio))
                    ids.append(jid)
                prev = tuple(ids)
        busy = {o.date for o in kept if o.pair_id == p.id}
        used: dict[int, int] = defaultdict(int)
        for o in kept:
            if o.pair_id == p.id:
                used[cal.week_of(o.date)] += 1
        limits = {w: max(0, _week_limit(members) - used[w]) for w in range(cal.weeks)}
        sessions = tuple(pair_sessions(campaign, members, from_date=today, busy=busy))
        tasks.append(_PairTask(i, p.id, sessions, tuple(jobs), limits))
    # work of villages nobody owns stays unmet
    unmet += sum(max(0, geo.village_by_code[c].households * n - done.get(c, 0)) for c, n in rounds.items()
                 if c not in owner and c in geo.village_by_code)
    results = _solve_all(tasks, 0.8 * time_limit_s / max(1, len(tasks)), seed)
    for r in results:
        outings += r.outings
        unmet += sum(j.households for j in r.unplaced if j.kind == "round")
    status = "PARTIAL" if unmet else "FEASIBLE"
    return Roster(old.pairs, tuple(sorted(outings, key=lambda o: (o.date, o.pair_id, SLOTS.index(o.slot)))),
                  "cp-sat-replan", status, int(unmet))
