"""The door-to-door volunteer roster: pairs, turfs, then a CP-SAT calendar per pair.

Why decomposed: one model with every pair, village and campaign day did not
reach optimum in a minute on the 35-volunteer demo, whereas the stages below
solve in seconds and each is easy to explain to a coordinator.

1. **Pairs** (:mod:`.pairs`, :func:`form_pairs`): maximum-weight matching.
2. **Turfs** (:mod:`.turfs`, :func:`assign_turfs`): per district, CP-SAT
   gives every village with door-to-door rounds to one pair, minimising the
   largest workload relative to the pair's capacity, then road distance from
   the members' homes and the number of sangkats per pair.
3. **Calendar** (:mod:`.schedule`, :func:`schedule_pair`): per pair, CP-SAT
   places the pair's outings (:mod:`.jobs`: rounds, then callbacks
   of never-contacted households) on its sessions (:mod:`.calendar`).
4. **Hand-over** (:mod:`.spill`, :func:`spill_unplaced`): round outings a
   pair's calendar cannot hold (a village bigger than a pair can walk) go
   to the nearest pair of the district with outings to spare, whose
   calendar is solved again; then the callbacks a full calendar left out
   (of rounds the pair did walk) go the same way, two days after their
   rounds and in another slot; :func:`roster_notes` says why any pair has no
   outing and why visits stay unscheduled.
5. **Paid outings** (:mod:`.paid`): the schedule keeps no more outings than
   the allocation's per diem line pays for; the latest surplus callbacks
   are left out, with a note.

:func:`plan_roster` runs the stages; :func:`replan` re-plans the
remaining weeks after field reports; :func:`round_robin_roster` is the
benchmark's baseline.

Every solve uses one worker and a *deterministic* time limit (a wall-clock
cap of ten times the budget is only a safety net), so results do not depend
on machine speed. The pairs are solved one after the other: most of the time
is Python model building, and two threads were slower than one.
"""

from __future__ import annotations

from .baseline import round_robin_roster
from .calendar import Session, capacity_outings, pair_sessions, week_limit
from .distances import home_distance_m, road_distances
from .jobs import Job, build_jobs, callback_shares, chunk_visits, chunk_visits_by_round
from .pairs import form_pairs, shared_availability
from .plan import STRATEGY, plan_roster
from .replan import replan
from .schedule import PairPlan, PairTask, outing_slots, schedule_pair, solve_pairs
from .spill import SpillContext, roster_notes, spill_unplaced
from .turfs import assign_turfs, village_route

__all__ = [
    "STRATEGY",
    "Job",
    "PairPlan",
    "PairTask",
    "Session",
    "SpillContext",
    "assign_turfs",
    "build_jobs",
    "callback_shares",
    "capacity_outings",
    "chunk_visits",
    "chunk_visits_by_round",
    "form_pairs",
    "home_distance_m",
    "outing_slots",
    "pair_sessions",
    "plan_roster",
    "replan",
    "road_distances",
    "roster_notes",
    "round_robin_roster",
    "schedule_pair",
    "shared_availability",
    "solve_pairs",
    "spill_unplaced",
    "village_route",
    "week_limit",
]
