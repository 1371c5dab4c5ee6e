"""Stage 1 of the roster: volunteers grouped into door-to-door pairs (and trios).

With a geography :func:`form_pairs` runs a maximum-weight matching per
district (mixed sex, shared availability, close homes, similar
outings-per-week); fixed pairs are kept and an odd volunteer makes a trio.
Without one it pairs in file order (the baseline's rule).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Sequence

from outreach.model import Geography, RoadNetwork, Slot, Volunteer

from .distances import home_distance_m


def form_pairs(volunteers: tuple[Volunteer, ...], geography: Geography | None = None,
               roads: RoadNetwork | None = None) -> list[tuple[Volunteer, ...]]:
    """Group volunteers into door-to-door pairs; fixed pairs kept; an odd one makes a trio.

    Free volunteers are paired by a maximum-weight matching (networkx) whose
    edge weight prefers, in this order: the same district, mixed sex (so a
    woman can talk to women at the door), many shared (weekday, slot)
    availabilities and overlapping first/last dates, and homes close together
    (road metres when ``roads`` is given, else straight-line metres). An odd
    volunteer left unmatched joins the pair where the trio keeps the most
    shared availability and lives closest.

    Parameters
    ----------
    volunteers : tuple of Volunteer
        In file order; ``fixed_pair`` labels group volunteers who must work
        together (a label used by one volunteer only is ignored).
    geography : Geography, optional
        Home-village positions and districts. Without it the old in-order
        rule (a woman with a man while both remain) is used.
    roads : RoadNetwork, optional
        For road distance between home villages.

    Returns
    -------
    list of tuple of Volunteer
        Groups of two (or three), ordered by their first member's file position.
    """
    labels: dict[str, list[Volunteer]] = defaultdict(list)
    for v in volunteers:
        if v.fixed_pair:
            labels[v.fixed_pair].append(v)
    groups: list[list[Volunteer]] = [list(g) for g in labels.values() if len(g) >= 2]
    fixed_ids = {v.id for g in groups for v in g}
    free = [v for v in volunteers if v.id not in fixed_ids]
    if geography is None:
        groups += _in_order_pairs(free)
    else:
        groups += _matched_pairs(free, geography, roads)
    order = {v.id: i for i, v in enumerate(volunteers)}
    groups = [sorted(g, key=lambda v: order[v.id]) for g in groups]
    return [tuple(g) for g in sorted(groups, key=lambda g: order[g[0].id])]


def shared_availability(members: Sequence[Volunteer]) -> frozenset[tuple[int, Slot]]:
    """(weekday, slot) pairs every member is free."""
    out = members[0].availability
    for m in members[1:]:
        out = out & m.availability
    return out


def _in_order_pairs(free: list[Volunteer]) -> list[list[Volunteer]]:
    """A woman with a man while both remain, then the rest two by two; an odd one joins the last pair."""
    groups: list[list[Volunteer]] = []
    women = deque(v for v in free if v.sex == "F")
    men = deque(v for v in free if v.sex == "M")
    while women and men:
        groups.append([women.popleft(), men.popleft()])
    rest = list(women) + list(men)
    while len(rest) >= 2:
        groups.append([rest.pop(0), rest.pop(0)])
    if rest:
        if groups:
            groups[-1].append(rest.pop())
        else:
            groups.append([rest.pop()])
    return groups


def _date_overlap_days(members: Sequence[Volunteer]) -> float:
    """Days every member is around: inf when the window is open at either end."""
    firsts = [m.first_date for m in members if m.first_date]
    lasts = [m.last_date for m in members if m.last_date]
    if not firsts or not lasts:
        return math.inf
    return float(max(0, (min(lasts) - max(firsts)).days + 1))


def _pair_weight(a: Volunteer, b: Volunteer, geography: Geography, dist_m: float) -> int:
    """Matching weight of the pair (a, b): the preferences of :func:`form_pairs` in points."""
    vb = geography.village_by_code
    w = 100_000  # base: every edge positive so the matching pairs as many as it can
    if vb[a.home_village].district_code != vb[b.home_village].district_code:
        w -= 60_000  # a pair works in one district
    if a.sex != b.sex:
        w += 5_000
    # a pair goes out min(outings_per_week) times: similar limits waste less capacity
    w -= 3_000 * abs(a.outings_per_week - b.outings_per_week)
    shared = len(a.availability & b.availability)
    w += 400 * shared if shared else -40_000
    span = _date_overlap_days([a, b])
    if span != math.inf:
        w += int(20 * min(span, 84)) if span > 0 else -40_000
    w -= int(min(dist_m, 50_000) / 10)  # 1 point per 10 m, capped
    return max(1, w)


def _match(free: list[Volunteer], geography: Geography,
           roads: RoadNetwork | None) -> tuple[list[list[Volunteer]], list[Volunteer]]:
    """Maximum-weight matching; returns the pairs and the unmatched volunteer (if any)."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(len(free)))
    for i in range(len(free)):
        for j in range(i + 1, len(free)):
            d = home_distance_m(free[i], free[j], geography, roads)
            g.add_edge(i, j, weight=_pair_weight(free[i], free[j], geography, d))
    matching = nx.max_weight_matching(g, maxcardinality=True, weight="weight")
    edges = sorted(tuple(sorted(e)) for e in matching)
    groups = [[free[i], free[j]] for i, j in edges]
    matched = {i for e in edges for i in e}
    return groups, [free[i] for i in range(len(free)) if i not in matched]


def _matched_pairs(free: list[Volunteer], geography: Geography,
                   roads: RoadNetwork | None) -> list[list[Volunteer]]:
    """Match inside each district, then the volunteers left over across districts."""
    # Match inside each district first: an odd district gets a trio rather than
    # a pair whose members live in two districts.
    by_district: dict[str, list[Volunteer]] = defaultdict(list)
    for v in free:
        by_district[geography.village_by_code[v.home_village].district_code].append(v)
    groups: list[list[Volunteer]] = []
    pool: list[Volunteer] = []
    for code in sorted(by_district):
        pairs, left = _match(by_district[code], geography, roads)
        if left and pairs:
            best = max(range(len(pairs)), key=lambda k: (_trio_score(pairs[k], left[0], geography, roads), -k))
            pairs[best].append(left.pop())
        groups += pairs
        pool += left
    if pool:  # lone volunteers of different districts: pair them across, odd one into a trio
        pairs, left = _match(pool, geography, roads)
        groups += pairs
        for v in left:
            if groups:
                best = max(range(len(groups)), key=lambda k: (_trio_score(groups[k], v, geography, roads), -k))
                groups[best].append(v)
            else:
                groups.append([v])
    return groups


def _trio_score(group: list[Volunteer], v: Volunteer, geography: Geography, roads: RoadNetwork | None) -> float:
    """How well ``v`` fits into ``group`` as a third member (same district, shared slots, close home)."""
    vb = geography.village_by_code
    shared = len(shared_availability(tuple(group) + (v,)))
    same = vb[group[0].home_village].district_code == vb[v.home_village].district_code
    dist = min(home_distance_m(m, v, geography, roads) for m in group)
    return 100_000 * same + 400 * shared - dist / 10 - 1_000 * len(group)
