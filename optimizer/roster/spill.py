"""Stage 4 of the roster: round visits one pair's calendar cannot hold go to pairs of its district with room.

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
