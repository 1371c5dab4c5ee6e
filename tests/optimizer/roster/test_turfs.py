"""Turfs: no pair idles while another pair's round visits overflow its capacity."""

from __future__ import annotations

from optimizer.roster import assign_turfs, capacity_outings, form_pairs, road_distances
from outreach.rules import outing_capacity
from tests.optimizer.roster.gap import BIG, CAP, PER_WEEK, WEEKS, gap_allocation, gap_campaign


def test_turfs_minimise_round_visits_beyond_capacity(demo_campaign):
    c = gap_campaign(demo_campaign)
    geo = c.geography
    work = {code: geo.village_by_code[code].households * n
            for code, n in gap_allocation(demo_campaign).door_rounds_by_village.items()}
    groups = form_pairs(c.volunteers, geo, c.roads)
    turfs, orphans = assign_turfs(c, groups, work, distances=road_distances(c), time_limit_s=0.2)
    assert not orphans and sorted(c for t in turfs for c in t) == sorted(work)
    # hand figures: 8 weeks x 3 outings x 35 households = 840 round visits per pair
    assert outing_capacity(c.params) == CAP
    caps = [capacity_outings(c, g) * CAP for g in groups]
    assert caps == [WEEKS * PER_WEEK * CAP] * 4
    over = [max(0, sum(work[v] for v in t) - cap) for t, cap in zip(turfs, caps)]
    # only Chong Kaoh (1,155 households, more than a pair can walk) overflows: 1,155 - 840 = 315
    assert sum(over) == geo.village_by_code[BIG].households - 840 == 315
    assert all(turfs), "every pair gets a village while visits would overflow"
