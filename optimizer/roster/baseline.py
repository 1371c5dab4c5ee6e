"""The round-robin roster: the baseline the benchmark compares the CP-SAT roster with.

Pairs are formed in file order (a woman with a man while both remain), each
pair works in the district of its first member's home village, village work
is dealt round-robin to the district's pairs, and outings are placed on the
first free dates of each week within the pair's shared availability and
outings-per-week limit, skipping public holidays and blackout dates.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence

from outreach.model import SLOTS, Allocation, Campaign, Outing, Pair, Roster, Volunteer
from outreach.rules import on_team, outing_capacity, pair_ids

from .calendar import week_limit
from .pairs import form_pairs, shared_availability

STRATEGY = "round-robin"
_Queue = deque[tuple[str, int]]  # (village, households) of outings still to place


def round_robin_roster(campaign: Campaign, allocation: Allocation) -> Roster:
    """Baseline roster: round-robin turfs and first-free-date outings.

    Parameters
    ----------
    campaign : Campaign
        Volunteers, geography, calendar and ``canvass.*`` parameters.
    allocation : Allocation
        ``door_rounds_by_village`` says how many rounds each village gets.

    Returns
    -------
    Roster
        Strategy ``"round-robin"``; ``unmet_households`` counts household visits
        that found no outing.
    """
    cap = outing_capacity(campaign.params)
    groups = form_pairs(campaign.volunteers)
    ids = pair_ids(len(groups))
    queues: list[_Queue] = [deque() for _ in groups]
    turfs: list[list[str]] = [[] for _ in groups]
    unmet = _deal_turfs(campaign, allocation, groups, cap, queues, turfs)
    outings: list[Outing] = []
    for i, g in enumerate(groups):
        outings += _first_free_outings(campaign, g, ids[i], queues[i], cap)
        unmet += sum(n for _, n in queues[i])
    pairs = tuple(Pair(ids[i], tuple(m.id for m in g), tuple(turfs[i])) for i, g in enumerate(groups))
    status = "FEASIBLE" if unmet == 0 else "PARTIAL"
    return Roster(pairs, tuple(sorted(outings, key=lambda o: (o.date, o.pair_id))), STRATEGY, status, unmet)


def _deal_turfs(campaign: Campaign, allocation: Allocation, groups: Sequence[Sequence[Volunteer]], cap: int,
                queues: list[_Queue], turfs: list[list[str]]) -> int:
    """Deal each district's villages round-robin to its pairs, filling their queues; returns the unmet visits."""
    geo = campaign.geography
    rounds = allocation.door_rounds_by_village
    by_district: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        by_district[geo.village_by_code[g[0].home_village].district_code].append(i)
    unmet = 0
    for d in geo.districts:
        pairs_here = by_district.get(d.code, [])
        work = [v for v in geo.villages if v.district_code == d.code and rounds.get(v.code)]
        if not pairs_here:
            unmet += sum(v.households * rounds[v.code] for v in work)
            continue
        for k, v in enumerate(sorted(work, key=lambda v: (v.sangkat_code, v.code))):
            p = pairs_here[k % len(pairs_here)]
            turfs[p].append(v.code)
            for _ in range(rounds[v.code]):
                left = v.households
                while left > 0:
                    n = min(cap, left)
                    queues[p].append((v.code, n))
                    left -= n
    return unmet


def _first_free_outings(campaign: Campaign, members: Sequence[Volunteer], pair_id: str, queue: _Queue,
                        cap: int) -> list[Outing]:
    """Outings on the first workable days of each week the pair shares a slot, until its queue is empty."""
    cal = campaign.calendar
    avail = shared_availability(members)
    limit = week_limit(members)
    days = cal.days()
    outings: list[Outing] = []
    for w in range(cal.weeks):
        if not queue:
            break
        placed = 0
        for day in days[7 * w: 7 * w + 7]:
            if placed >= limit or not queue:
                break
            if not cal.is_workable(day) or not on_team(members, day):
                continue
            slot = next((s for s in SLOTS if (day.weekday(), s) in avail), None)
            if slot is None:
                continue
            outings.append(Outing(pair_id, day, slot, _take(queue, cap), "round"))
            placed += 1
    return outings


def _take(queue: _Queue, cap: int) -> tuple[tuple[str, int], ...]:
    """The next outing's visits: households from the front of the queue, at most ``cap``."""
    visits: list[tuple[str, int]] = []
    room = cap
    while queue and room > 0:
        code, n = queue[0]
        take = min(n, room)
        visits.append((code, take))
        room -= take
        if take == n:
            queue.popleft()
        else:
            queue[0] = (code, n - take)
    return tuple(visits)
