"""Stage 4 of the roster: work one pair's calendar cannot hold goes to pairs of its district with room.

Turfs are whole villages, so a village with more round visits than any pair
can walk (the API 2012 run: 1,247 households × 2 rounds against 1,680 visits
a pair can make in 16 weeks) leaves visits unscheduled however the turfs are
drawn, while pairs next door still have free outings. Here each round outing
left over goes, in route order, to the nearest pair of the same district
(mean road distance from the members' homes) that has an outing to spare
after its own rounds; that pair's calendar is solved again with the extra
rounds and their callbacks. Any round beats any callback in the calendar's
objective, so a helper gives up callbacks, never its own rounds: a re-solve
that would place fewer round visits than before is discarded.

Then the callbacks: a pair whose calendar is full of rounds places none of
their callbacks, although the allocation planned (and paid) them. Each
callback left over whose round the pair did walk goes to the nearest pair of
the district with a free outing, at least two days after that round and
never in its slot (a Pursat plan without a tuk-tuk left 8 of 32 pair-outings,
all callbacks, unscheduled while three of its five pairs had no outing). A
helper's re-solve that places fewer round or callback households than its
plan before is discarded.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from .jobs import Job, build_jobs
from .schedule import PairPlan, PairTask, outing_slots, schedule_pair

Distances = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class SpillContext:
    """What the hand-over needs to know about the pairs and the work.

    Attributes
    ----------
    districts, homes : sequences, one item per task
        District code of each pair, and its members' home villages.
    dist : mapping
        Village-to-village road metres.
    shares : tuple of float
        Expected not-at-home share at callback 1, 2, ... (for the extra rounds' callbacks).
    cap : int
        Households per outing.
    release : int
        First campaign day the extra jobs may use (re-planning starts later).
    village_name : callable
        Village code to a printable name (for the notes).
    """

    districts: Sequence[str]
    homes: Sequence[Sequence[str]]
    dist: Distances
    shares: tuple[float, ...]
    cap: int
    release: int = 0
    village_name: Callable[[str], str] = str


def round_households(plan: PairPlan) -> int:
    """Round household visits a pair's calendar placed."""
    return sum(o.households for o in plan.outings if o.kind == "round")


def spare_outings(task: PairTask, plan: PairPlan) -> int:
    """Outings a pair could still give to rounds: its calendar's room less its own placed rounds (0 if it left any)."""
    if any(j.kind == "round" for j in plan.unplaced):
        return 0
    return max(0, outing_slots(task.sessions, task.week_limits) - sum(o.kind == "round" for o in plan.outings))


def _mean_home_m(homes: Sequence[str], code: str, dist: Distances) -> float:
    return sum(dist.get(h, {}).get(code, math.inf) for h in homes) / max(1, len(homes))


def _hand_out(tasks: Sequence[PairTask], results: Sequence[PairPlan],
              ctx: SpillContext) -> dict[int, list[tuple[int, Job]]]:
    """Receiver index -> (donor index, round job) given to it: nearest pair of the district with room first."""
    room = [spare_outings(t, r) for t, r in zip(tasks, results)]
    gifts: dict[int, list[tuple[int, Job]]] = defaultdict(list)
    for d, plan in enumerate(results):
        for job in (j for j in plan.unplaced if j.kind == "round"):
            here = [i for i in range(len(tasks)) if i != d and room[i] > 0
                    and ctx.districts[i] == ctx.districts[d]]
            if not here:
                continue
            code = job.visits[0][0]
            best = min(here, key=lambda i: (_mean_home_m(ctx.homes[i], code, ctx.dist), i))
            gifts[best].append((d, job))
            room[best] -= 1
    return gifts


def spill_unplaced(tasks: Sequence[PairTask], results: Sequence[PairPlan], ctx: SpillContext, *,
                   time_limit_s: float, seed: int) -> tuple[list[PairPlan], list[str]]:
    """Give round outings a pair could not place to pairs of its district with outings to spare.

    Parameters
    ----------
    tasks, results : sequences
        Every pair's calendar problem and its solution, in the same order.
    ctx : SpillContext
        Districts, homes, distances and job settings.
    time_limit_s, seed : float, int
        Budget and seed of each helper's re-solve.

    Returns
    -------
    (results, notes)
        The pairs' plans after the hand-over (a donor no longer lists the
        rounds it gave away as unplaced; a helper lists those it could not
        place), and one sentence per helper and donor village.
    """
    out = list(results)
    jobs_now = [tuple(t.jobs) for t in tasks]  # every job each pair's current plan was solved with
    taken: dict[int, set[int]] = defaultdict(set)  # donor -> ids of its jobs now placed by a helper
    notes = []
    for i, given in sorted(_hand_out(tasks, results, ctx).items()):
        task = tasks[i]
        first = max((j.id for j in task.jobs), default=-1) + 1
        extra = build_jobs([job.visits for _, job in given], ctx.shares, ctx.cap, first_id=first,
                           release=ctx.release)
        plan = schedule_pair(task.pair_id, task.sessions, tuple(task.jobs) + tuple(extra), task.week_limits,
                             time_limit_s=time_limit_s, seed=seed)
        if round_households(plan) < round_households(out[i]):  # pragma: no cover - rounds first: not seen
            continue
        jobs_now[i] = tuple(task.jobs) + tuple(extra)
        missed = {j.id for j in plan.unplaced}
        done: dict[tuple[int, str], int] = defaultdict(int)
        for (d, job), new in zip(given, extra):  # build_jobs keeps the rounds first, in order
            if new.id not in missed:
                taken[d].add(job.id)
                for code, n in job.visits:
                    done[d, code] += n
        # given rounds the helper could not place stay the donor's (counted once)
        out[i] = replace(plan, unplaced=tuple(j for j in plan.unplaced if j.id < first or j.kind != "round"))
        for (d, code), n in sorted(done.items()):
            notes.append(f"{task.pair_id} also walks {n:,} round visits in {ctx.village_name(code)} ({code}), "
                         f"{tasks[d].pair_id}'s turf: more than {tasks[d].pair_id}'s calendar holds.")
    for d, ids in taken.items():
        out[d] = replace(out[d], unplaced=tuple(j for j in out[d].unplaced if j.id not in ids))
    out, cb_notes = _spill_callbacks(tasks, jobs_now, out, ctx, time_limit_s=time_limit_s, seed=seed)
    return out, notes + cb_notes


def callback_households(plan: PairPlan) -> int:
    """Callback household visits a pair's calendar placed."""
    return sum(o.households for o in plan.outings if o.kind == "callback")


def _handed_callback(job: Job, new_id: int, at: Mapping[int, tuple[int, str]], after: tuple[int, ...],
                     release: int) -> Job:
    """A donor's callback as a helper's job: after the donor's rounds (two days on, not in their slots)."""
    earliest = max([release, job.release + 2 * job.level] + [at[a][0] + 2 for a in job.after if a in at])
    avoid = frozenset(job.avoid_slots) | {at[a][1] for a in job.avoid_slot_of}
    # level 0: the gap to the donor's outings is in ``release`` (the helper's calendar adds 2 days per level)
    return Job(new_id, "callback", job.visits, after=after, avoid_slots=avoid, release=earliest, level=0,
               priority=job.priority)


def _callback_gifts(tasks: Sequence[PairTask], jobs_now: Sequence[tuple[Job, ...]], out: Sequence[PairPlan],
                    ctx: SpillContext) -> dict[int, list[tuple[int, Job, Job]]]:
    """Helper index -> (donor index, donor's job, helper's job): callbacks whose rounds the donor walked.

    A callback goes to the nearest pair of the district with a free outing; a later callback of a chain
    whose earlier one was handed over goes to that same helper (the gap between them is the helper's to keep).
    """
    room = [outing_slots(t.sessions, t.week_limits) - len(r.outings) for t, r in zip(tasks, out)]
    next_id = [max((j.id for j in jobs), default=-1) + 1 for jobs in jobs_now]
    gifts: dict[int, list[tuple[int, Job, Job]]] = defaultdict(list)
    for d, plan in enumerate(out):
        at = plan.where()
        moved: dict[int, tuple[int, int]] = {}  # donor job id -> (helper, helper's job id)
        for job in sorted((j for j in plan.unplaced if j.kind == "callback"), key=lambda j: (j.level, j.id)):
            if not all(a in at for a in job.avoid_slot_of) or not all(a in at or a in moved for a in job.after):
                continue  # its round went elsewhere, or an earlier callback stays unplaced
            bound = {moved[a][0] for a in job.after if a in moved}
            here = [i for i in range(len(tasks)) if i != d and room[i] > 0 and ctx.districts[i] == ctx.districts[d]
                    and (not bound or i in bound)]
            if not here or len(bound) > 1:
                continue
            code = job.visits[0][0]
            h = min(here, key=lambda i: (_mean_home_m(ctx.homes[i], code, ctx.dist), i))
            new = _handed_callback(job, next_id[h], at, tuple(moved[a][1] for a in job.after if a in moved),
                                   ctx.release)
            next_id[h] += 1
            room[h] -= 1
            moved[job.id] = (h, new.id)
            gifts[h].append((d, job, new))
    return gifts


def _spill_callbacks(tasks: Sequence[PairTask], jobs_now: Sequence[tuple[Job, ...]], results: Sequence[PairPlan],
                     ctx: SpillContext, *, time_limit_s: float, seed: int) -> tuple[list[PairPlan], list[str]]:
    """Give callbacks a pair's full calendar left out to pairs of its district with free outings.

    Returns the plans after the hand-over (a donor no longer lists the callbacks a helper placed; a helper
    does not list those it could not place: they stay the donor's) and one sentence per helper and village.
    """
    out = list(results)
    taken: dict[int, set[int]] = defaultdict(set)
    notes = []
    for h, given in sorted(_callback_gifts(tasks, jobs_now, results, ctx).items()):
        task = tasks[h]
        extra = tuple(new for _, _, new in given)
        plan = schedule_pair(task.pair_id, task.sessions, jobs_now[h] + extra, task.week_limits,
                             time_limit_s=time_limit_s, seed=seed)
        before = out[h]
        if (round_households(plan) < round_households(before)
                or callback_households(plan) < callback_households(before)):
            continue  # the re-solve found less within its time: keep the helper's plan
        at = plan.where()
        done: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])  # (donor, village) -> outings, hh
        for d, job, new in given:
            if new.id in at:
                taken[d].add(job.id)
                for code, n in job.visits:
                    done[d, code][0] += 1
                    done[d, code][1] += n
        gift_ids = {new.id for _, _, new in given}
        out[h] = replace(plan, unplaced=tuple(j for j in plan.unplaced if j.id not in gift_ids))
        for (d, code), (n, hh) in sorted(done.items()):
            notes.append(f"{task.pair_id} also makes {n} callback outing{'s' if n > 1 else ''} ({hh:,} households) "
                         f"in {ctx.village_name(code)} ({code}) for {tasks[d].pair_id}, whose calendar has no "
                         f"room left for {'them' if n > 1 else 'it'}.")
    for d, ids in taken.items():
        out[d] = replace(out[d], unplaced=tuple(j for j in out[d].unplaced if j.id not in ids))
    return out, notes


def roster_notes(tasks: Sequence[PairTask], results: Sequence[PairPlan], ctx: SpillContext,
                 orphan_visits: Mapping[str, int]) -> list[str]:
    """Why a pair has no outing, and why round visits stay unscheduled, district by district.

    Parameters
    ----------
    tasks, results : sequences
        Every pair's calendar problem and its plan after the hand-over.
    ctx : SpillContext
        The pairs' districts.
    orphan_visits : mapping of str to int
        Round visits of districts where no pair lives, by district code.
    """
    notes = []
    for i, (t, r) in enumerate(zip(tasks, results)):
        if r.outings:
            continue
        if not t.sessions:
            why = "its members share no free slot on a workable date between their first and last dates"
        elif not t.jobs:
            why = f"no door-to-door round of its district ({ctx.districts[i]}) is left for it"
        else:
            why = f"its calendar could place none of its {len(t.jobs)} outings"
        notes.append(f"{t.pair_id} has no outing: {why}.")
    left: dict[str, int] = defaultdict(int)
    room: dict[str, int] = defaultdict(int)
    for i, (t, r) in enumerate(zip(tasks, results)):
        left[ctx.districts[i]] += sum(j.households for j in r.unplaced if j.kind == "round")
        room[ctx.districts[i]] += spare_outings(t, r)
    for code, n in sorted(left.items()):
        if n:
            why = ("every pair of the district has all its outings taken" if not room[code] else
                   "the pairs with free outings could not fit them within callback gaps and weekly limits")
            notes.append(f"District {code}: {n:,} round household visits unscheduled: {why}.")
    for code, n in sorted(orphan_visits.items()):
        notes.append(f"District {code}: {n:,} round household visits unscheduled: no volunteer pair lives there.")
    return notes
