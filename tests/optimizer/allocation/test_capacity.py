"""Volunteer capacity: the allocation counts the pair-outings the roster can place, no more, no fewer.

A hand-made campaign (fixed pairs, a trio, a holiday, a blackout date, member
dates, unequal outings per week) whose capacity is counted by hand, the
roster filling exactly that capacity with rounds when given more work than
it holds, the demo's roster doing the same, and a real district (Pursat,
villages from ../shared/geodata) whose allocation the roster places whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from optimizer.allocation import greedy_allocation, outing_capacity_by_district, pair_outings_available
from optimizer.roster import plan_roster
from outreach.model import Allocation, Calendar, Volunteer
from tests.conftest import ROOT, shared_path

EVE = "evening"


def _vol(vid: str, sex: str, home: str, days: set[int], opw: int, team: str = "", **dates: dt.date) -> Volunteer:
    avail = frozenset((d, s) for d in days for s in ("morning", EVE) if s == EVE or d == 0)
    return Volunteer(vid, vid, sex, home, avail, outings_per_week=opw, fixed_pair=team, **dates)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def hand(demo_campaign):
    """Three weeks from Monday 4 January 2027; holiday Thu 7 January; blackout Tue 12 January.

    * Pair X (fixed, homes in 1505): shared Mon, Tue, Thu; 3 and 2 outings a week -> 2 a week; B leaves
      Mon 18 January. Week 1: Mon 4, Tue 5 (Thu 7 holiday) -> 2. Week 2: Mon 11, Thu 14 (Tue 12 blackout)
      -> 2. Week 3: Mon 18 only -> 1. Total 5 (Monday's two slots are one outing: one a day).
    * Trio Y (fixed, two homes in 0403, one in 0502, so a 0403 team): shared Wed, Sat; 3, 1 and 3 a week -> 1
      a week; E starts Wed 13 January. Weeks 1, 2, 3: 0, 1, 1. Total 2.
    * Pair Z (matched, homes in 0502): Mon to Fri, 2 a week each. Weeks: 2, 2, 2. Total 6.

    Counting volunteers (their outings a week summed and halved, holidays off) would give
    16 × 3 × 19/21 / 2 = 21 pair-outings, against these 13.
    """
    vols = (
        _vol("A", "F", "15050101", {0, 1, 3}, 3, "X"),
        _vol("B", "M", "15050102", {0, 1, 3, 5}, 2, "X", last_date=dt.date(2027, 1, 18)),
        _vol("C", "F", "04030101", {2, 5, 6}, 3, "Y"),
        _vol("D", "M", "04030102", {2, 5}, 1, "Y"),
        _vol("E", "M", "05020101", {2, 5, 6}, 3, "Y", first_date=dt.date(2027, 1, 13)),
        _vol("F", "F", "05020102", {0, 1, 2, 3, 4}, 2),
        _vol("G", "M", "05020103", {0, 1, 2, 3, 4}, 2),
    )
    cal = Calendar(dt.date(2027, 1, 4), 3, holidays={dt.date(2027, 1, 7): "holiday"},
                   blackout=frozenset({dt.date(2027, 1, 12)}))
    return dataclasses.replace(demo_campaign, volunteers=vols, calendar=cal)


HAND = {"1505": 5, "0403": 2, "0502": 6}


def _all_rounds(campaign, rounds: int = 1) -> Allocation:
    """Door rounds in every village: far more work than any roster holds."""
    return Allocation({v.code: rounds for v in campaign.geography.villages}, {}, {}, {}, 0, (), "test")


def _round_outings_by_district(campaign, roster) -> Counter:
    geo = campaign.geography
    return Counter(geo.village_by_code[o.visits[0][0]].district_code for o in roster.outings if o.kind == "round")


def test_capacity_counted_by_hand(hand):
    assert outing_capacity_by_district(hand) == HAND
    assert pair_outings_available(hand) == 13


def test_roster_fills_exactly_the_allocation_capacity(hand):
    """Given more rounds than it can walk, the roster goes out exactly as often as the allocation counts."""
    roster = plan_roster(hand, _all_rounds(hand), time_limit_s=2.0)
    assert roster.unmet_households > 0
    assert dict(_round_outings_by_district(hand, roster)) == HAND


def test_demo_roster_holds_exactly_the_capacity(demo_campaign):
    c = demo_campaign
    roster = plan_roster(c, _all_rounds(c), time_limit_s=5.0)
    assert roster.status == "PARTIAL"
    assert _round_outings_by_district(c, roster) == Counter(outing_capacity_by_district(c))


@pytest.fixture(scope="module")
def pursat(tmp_path_factory):
    """Pursat municipality (1505) from the national village file, by the sweep rule, with 4 times its budget
    (so the volunteers, not the money, bind the door rounds)."""
    from outreach.scenario import load_campaign
    from scenarios.districts import load_rules, select_districts

    villages = shared_path("geodata", "villages_national.csv")
    rule = load_rules(ROOT / "scenarios" / "sweep-rule.toml")
    jobs, _ = select_districts(villages, "1505", rule, tmp_path_factory.mktemp("pursat"))
    c = load_campaign(jobs[0].scenario)
    return dataclasses.replace(c, budget_usd=4 * c.budget_usd)


def test_real_district_allocation_fits_the_roster(pursat):
    a = greedy_allocation(pursat)
    bought = sum(b.quantity for b in a.budget_lines if b.key == "volunteer_outing") / pursat.params["canvass.team_size"]
    cap = pair_outings_available(pursat)
    assert cap - 10 <= bought <= cap  # the volunteers bind
    roster = plan_roster(pursat, a, time_limit_s=5.0)
    assert roster.unmet_households == 0, roster.notes
    assert sum(_round_outings_by_district(pursat, roster).values()) <= cap
