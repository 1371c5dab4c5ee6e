"""Fixtures of the roster tests: the demo with harder volunteers, a small allocation and its roster."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

import pytest

from optimizer.roster import plan_roster
from outreach.model import Allocation

BLACKOUT = dt.date(2027, 1, 15)


def alloc_of(rounds: dict[str, int]) -> Allocation:
    """An allocation with door-to-door rounds only."""
    return Allocation(rounds, {}, {}, {}, 0, (), "test")


def _test_campaign(demo):
    """The demo with harder volunteers: late starters, early leavers, narrow availability, a fixed pair."""
    vols = []
    for v in demo.volunteers:
        if v.id == "V03":
            v = replace(v, first_date=dt.date(2027, 1, 20))
        elif v.id == "V05":
            v = replace(v, last_date=dt.date(2027, 2, 28))
        elif v.id == "V07":
            v = replace(v, availability=frozenset({(5, "morning"), (5, "afternoon"), (6, "evening"), (2, "evening")}))
        elif v.id in ("V01", "V06"):
            v = replace(v, fixed_pair="team-a")
        vols.append(v)
    cal = replace(demo.calendar, blackout=frozenset({BLACKOUT}))
    return replace(demo, volunteers=tuple(vols), calendar=cal)


@pytest.fixture(scope="package")
def campaign(demo_campaign):
    return _test_campaign(demo_campaign)


@pytest.fixture(scope="package")
def small_alloc(campaign):
    # 8 villages per district, one round each: enough capacity for rounds and callbacks
    by_d = defaultdict(list)
    for v in campaign.geography.villages:
        by_d[v.district_code].append(v.code)
    return alloc_of({c: 1 for codes in by_d.values() for c in codes[:8]})


@pytest.fixture(scope="package")
def roster(campaign, small_alloc):
    return plan_roster(campaign, small_alloc, time_limit_s=5.0)
