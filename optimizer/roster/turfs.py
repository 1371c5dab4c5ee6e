"""Stage 2 of the roster: every village with door-to-door work goes to one pair of its district.

Per district, CP-SAT first minimises the round visits no pair can make (each
pair's round work beyond its capacity), then the largest workload relative
to the pair's capacity, then road distance from the members' homes and the
number of sangkats per pair. The first term matters when one village is
bigger than a pair can walk: the largest relative load is then fixed by that
village, balance no longer steers the rest, and distance alone used to leave
a pair idle while its neighbours' round visits overflowed (the API 2012 run:
P03 with no village and 1,860 round visits unscheduled). A regret-greedy assignment is the hint: measured on the
demo it is within a few % of what 3 s of search finds, so a small budget per
district is enough.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from outreach.model import Campaign, Geography, Village, Volunteer
from outreach.rules import outing_capacity

from .calendar import capacity_outings
from .distances import road_distances
from .jobs import callback_shares
from .solver import roster_solver

Distances = Mapping[str, Mapping[str, float]]

#: Objective weight of one round visit beyond a pair's capacity: above the whole balance and walking range.
_OVERFLOW_WEIGHT = 1_000_000_000


@dataclass(frozen=True)
class _DistrictWork:
    """One district's turf problem: its villages with work, its groups and their loads and capacities."""

    villages: list[Village]
    here: list[int]  # indices of the groups living in the district
    load_of: dict[str, int]  # household visits per village, callbacks included
    capacity: dict[int, int]  # household visits per group over the campaign
    rounds_of: dict[str, int]  # round household visits per village (what unmet counts)


def assign_turfs(campaign: Campaign, groups: Sequence[Sequence[Volunteer]], work: Mapping[str, int], *,
                 distances: Distances | None = None, time_limit_s: float = 5.0,
                 seed: int = 0) -> tuple[list[list[str]], list[str]]:
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
    dist = distances if distances is not None else road_distances(campaign)
    cap = outing_capacity(campaign.params)
    weight = 1.0 + sum(callback_shares(campaign))
    district_of = [group_district(g, geo) for g in groups]
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
        district = _DistrictWork(villages, here, {v.code: int(round(work[v.code] * weight)) for v in villages},
                                 {i: max(1, capacity_outings(campaign, groups[i]) * cap) for i in here},
                                 {v.code: int(work[v.code]) for v in villages})
        choice = _district_turfs(district, groups, dist, time_limit_s, seed)
        for v in villages:
            turfs[choice[v.code]].append(v.code)
    return turfs, orphans


def _district_turfs(district: _DistrictWork, groups: Sequence[Sequence[Volunteer]], dist: Distances,
                    time_limit_s: float, seed: int) -> dict[str, int]:
    """Group index per village of one district: the CP-SAT answer, or round robin if it finds none."""
    model, x = _turf_model(district, groups, dist)
    choice = _balanced_choice(district, groups, dist)
    for (code, i), var in x.items():
        model.add_hint(var, i == choice[code])
    solver = roster_solver(time_limit_s, seed)
    status = solver.solve(model)
    here = district.here
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - hint makes this feasible
        return {v.code: here[k % len(here)] for k, v in enumerate(district.villages)}
    return {v.code: i for v in district.villages for i in here if solver.boolean_value(x[v.code, i])}


def _turf_model(district: _DistrictWork, groups: Sequence[Sequence[Volunteer]],
                dist: Distances) -> tuple[cp_model.CpModel, dict[tuple[str, int], cp_model.IntVar]]:
    """Round visits beyond capacity first, then balance (the fairness the coordinator sees), then walking."""
    villages, here = district.villages, district.here
    model = cp_model.CpModel()
    x = {(v.code, i): model.new_bool_var(f"x{v.code}_{i}") for v in villages for i in here}
    for v in villages:
        model.add_exactly_one(x[v.code, i] for i in here)
    t = model.new_int_var(0, 1_000_000, "max_use")
    total_rounds = sum(district.rounds_of.values())
    cost = []
    overflow = []
    for i in here:
        members = groups[i]
        # round visits the pair cannot make: left unmet unless another pair takes them
        over = model.new_int_var(0, total_rounds, f"over_{i}")
        model.add(over >= sum(district.rounds_of[v.code] * x[v.code, i] for v in villages) - district.capacity[i])
        overflow.append(over)
        # capacity in household visits over the campaign (rounds and callbacks)
        load = sum(district.load_of[v.code] * x[v.code, i] for v in villages)
        model.add(1000 * load <= t * district.capacity[i])  # t: per-mille of capacity used
        for v in villages:
            cost.append(int(_mean_home_m(members, v.code, dist) / 100) * x[v.code, i])  # 100 m units
        for s in sorted({v.sangkat_code for v in villages}):
            z = model.new_bool_var(f"z{s}_{i}")
            for v in villages:
                if v.sangkat_code == s:
                    model.add_implication(x[v.code, i], z)
            cost.append(30 * z)  # about 3 km of walking per extra sangkat
    # one unmet round visit outweighs any balance or walking gain (200 t <= 2e8, walking far below)
    model.minimize(_OVERFLOW_WEIGHT * sum(overflow) + 200 * t + sum(cost))
    return model, x


def _mean_home_m(members: Sequence[Volunteer], code: str, dist: Distances) -> float:
    """Mean road metres from the members' homes to village ``code``."""
    return sum(dist[m.home_village].get(code, 0.0) for m in members) / len(members)


def _balanced_choice(district: _DistrictWork, groups: Sequence[Sequence[Volunteer]],
                     dist: Distances) -> dict[str, int]:
    """Regret greedy: villages with the clearest nearest pair first, to the nearest pair with room."""
    here, load_of, capacity = district.here, district.load_of, district.capacity

    def d(v: str, i: int) -> float:
        return _mean_home_m(groups[i], v, dist)

    total = sum(load_of[v.code] for v in district.villages)
    cap_sum = sum(capacity[i] for i in here) or 1
    target = {i: 1.05 * total * capacity[i] / cap_sum for i in here}
    load = {i: 0.0 for i in here}

    def regret(v: Village) -> tuple[float, str]:
        ds = sorted(d(v.code, i) for i in here)
        return (-(ds[1] - ds[0]) if len(ds) > 1 else 0.0, v.code)

    choice: dict[str, int] = {}
    for v in sorted(district.villages, key=regret):
        fits = [i for i in here if load[i] + load_of[v.code] <= target[i]]
        if fits:
            best = min(fits, key=lambda i: (d(v.code, i), i))
        else:
            best = min(here, key=lambda i: ((load[i] + load_of[v.code]) / max(1, capacity[i]), i))
        choice[v.code] = best
        load[best] += load_of[v.code]
    return choice


def group_district(members: Sequence[Volunteer], geography: Geography) -> str:
    """District where most members live (first member's on a tie)."""
    vb = geography.village_by_code
    codes = [vb[m.home_village].district_code for m in members]
    return max(codes, key=lambda c: (codes.count(c), -codes.index(c)))


def village_route(start_code: str, codes: Sequence[str], dist: Distances) -> list[str]:
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


def turf_sequence(members: Sequence[Volunteer], turf: Sequence[str], rounds: Mapping[str, int],
                  dist: Distances, geo: Geography) -> list[list[tuple[str, int]]]:
    """Per round number, the turf villages in walking order (from the first member's home) with their households."""
    if not turf:
        return []
    home = members[0].home_village
    order = village_route(home, turf, dist)
    top = max(rounds.get(c, 0) for c in turf)
    return [[(c, geo.village_by_code[c].households) for c in order if rounds.get(c, 0) > r] for r in range(top)]
