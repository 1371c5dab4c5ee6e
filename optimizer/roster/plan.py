"""The CP-SAT door-to-door roster: pairs, turfs, then a calendar per pair."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from outreach.model import SLOTS, Allocation, Campaign, Outing, Pair, Roster
from outreach.rules import outing_capacity, pair_ids

from .calendar import pair_sessions, week_limit
from .distances import road_distances
from .jobs import build_jobs, callback_shares, chunk_visits_by_round
from .paid import paid_pair_outings, unpaid_note, within_paid
from .pairs import form_pairs
from .schedule import PairPlan, PairTask, solve_pairs
from .spill import SpillContext, roster_notes, spill_unplaced
from .turfs import assign_turfs, group_district, turf_sequence

STRATEGY = "cp-sat"


def plan_roster(campaign: Campaign, allocation: Allocation, *, time_limit_s: float = 10.0, seed: int = 0) -> Roster:
    """Pairs, turfs and a CP-SAT calendar of door-to-door rounds and callbacks, then the hand-over.

    Round outings a pair's calendar cannot hold go to a pair of the same
    district with outings to spare (:func:`spill_unplaced`); the roster's
    ``notes`` say who helps whom, why a pair has no outing and why round
    visits stay unscheduled. The schedule holds no more outings than the
    allocation's budget pays for (:mod:`.paid`): the latest surplus callbacks
    are left out, with a note.

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
    ids = pair_ids(len(groups))
    rounds = {c: int(n) for c, n in allocation.door_rounds_by_village.items()
              if int(n) > 0 and c in geo.village_by_code}
    work = {c: geo.village_by_code[c].households * n for c, n in rounds.items()}
    dist = road_distances(campaign)
    turfs, orphans = assign_turfs(campaign, groups, work, distances=dist,
                                  time_limit_s=0.02 * time_limit_s, seed=seed)
    cap = outing_capacity(campaign.params)
    shares = callback_shares(campaign)
    tasks = []
    for i, g in enumerate(groups):
        seq = turf_sequence(g, turfs[i], rounds, dist, geo)
        jobs = build_jobs(chunk_visits_by_round(seq, cap), shares, cap)
        sessions = tuple(pair_sessions(campaign, g))
        limits = {w: week_limit(g) for w in range(campaign.calendar.weeks)}
        tasks.append(PairTask(ids[i], sessions, tuple(jobs), limits))
    per_pair = 0.8 * time_limit_s / max(1, len(tasks))
    results = solve_pairs(tasks, per_pair, seed)
    ctx = SpillContext([group_district(g, geo) for g in groups], [[m.home_village for m in g] for g in groups],
                       dist, shares, cap, village_name=lambda c: geo.village_by_code[c].name_en)
    results, helped = spill_unplaced(tasks, results, ctx, time_limit_s=per_pair, seed=seed)
    orphan_visits: dict[str, int] = defaultdict(int)
    for c in orphans:
        orphan_visits[geo.village_by_code[c].district_code] += work[c]
    unmet = sum(orphan_visits.values()) + unplaced_round_visits(results)
    statuses = {r.status for r in results}
    status = "PARTIAL" if unmet else ("OPTIMAL" if statuses <= {"OPTIMAL"} else "FEASIBLE")
    pairs = tuple(Pair(ids[i], tuple(m.id for m in g), tuple(turfs[i])) for i, g in enumerate(groups))
    scheduled = [o for r in results for o in r.outings]
    paid = paid_pair_outings(campaign, allocation)
    outings, unpaid = within_paid(scheduled, paid)
    notes = roster_notes(tasks, results, ctx, orphan_visits) + helped
    if unpaid and paid is not None:
        notes.append(unpaid_note(unpaid, paid, len(scheduled)))
    return Roster(pairs, by_date(outings), STRATEGY, status, int(unmet), tuple(notes))


def unplaced_round_visits(results: Sequence[PairPlan]) -> int:
    """Round household visits the pairs' calendars could not place."""
    return sum(j.households for r in results for j in r.unplaced if j.kind == "round")


def by_date(outings: Sequence[Outing]) -> tuple[Outing, ...]:
    """Outings in roster order: date, pair, slot."""
    return tuple(sorted(outings, key=lambda o: (o.date, o.pair_id, SLOTS.index(o.slot))))
