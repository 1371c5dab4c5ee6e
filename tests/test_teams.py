"""Pairs, turfs and the CP-SAT roster: hard rules checked on every outing."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from optimizer.roster import (
    Job,
    ProgressRow,
    Session,
    callback_shares,
    chunk_visits,
    plan_roster,
    replan,
    schedule_pair,
)
from optimizer.teams import form_pairs, round_robin_roster, shared_availability
from outreach.model import Allocation, Plan, Tours, Volunteer

BLACKOUT = dt.date(2027, 1, 15)
ALL = frozenset((d, s) for d in range(7) for s in ("morning", "afternoon", "evening"))


def _alloc(rounds: dict[str, int]) -> Allocation:
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


@pytest.fixture(scope="module")
def campaign(demo_campaign):
    return _test_campaign(demo_campaign)


@pytest.fixture(scope="module")
def small_alloc(campaign):
    # 8 villages per district, one round each: enough capacity for rounds and callbacks
    by_d = defaultdict(list)
    for v in campaign.geography.villages:
        by_d[v.district_code].append(v.code)
    return _alloc({c: 1 for codes in by_d.values() for c in codes[:8]})


@pytest.fixture(scope="module")
def roster(campaign, small_alloc):
    return plan_roster(campaign, small_alloc, time_limit_s=5.0)


def _vol(vid, sex, home, avail=ALL, **kw) -> Volunteer:
    return Volunteer(vid, f"Vol {vid}", sex, home, avail, **kw)


# --------------------------------------------------------------------------- pairs
def test_fixed_pairs_kept_and_odd_count_gives_a_trio(campaign):
    groups = form_pairs(campaign.volunteers, campaign.geography, campaign.roads)
    ids = [tuple(m.id for m in g) for g in groups]
    assert sorted(x for g in ids for x in g) == sorted(v.id for v in campaign.volunteers)  # everyone once
    assert any(set(g) == {"V01", "V06"} for g in ids)
    assert len(campaign.volunteers) % 2 == 1
    assert Counter(len(g) for g in ids)[3] >= 1
    assert all(len(g) in (2, 3) for g in ids)


def test_pairs_prefer_mixed_sex_and_shared_availability(demo_campaign):
    geo = demo_campaign.geography
    home = geo.villages[0].code
    mornings = frozenset((d, "morning") for d in range(7))
    evenings = frozenset((d, "evening") for d in range(7))
    vols = (_vol("A", "F", home, mornings), _vol("B", "F", home, evenings),
            _vol("C", "M", home, mornings), _vol("D", "M", home, evenings), _vol("E", "M", home, evenings))
    groups = form_pairs(vols, geo, demo_campaign.roads)
    ids = sorted(tuple(sorted(m.id for m in g)) for g in groups)
    assert ("A", "C") in ids  # mixed and both free in the mornings
    assert any(set(g) >= {"B", "D"} or set(g) >= {"B", "E"} for g in ids)
    assert sum(len(g) for g in ids) == 5 and len(ids) == 2  # odd one joined as a trio
    for g in groups:
        assert shared_availability(g)


def test_lone_fixed_label_is_ignored(demo_campaign):
    home = demo_campaign.geography.villages[0].code
    vols = (_vol("A", "F", home, fixed_pair="x"), _vol("B", "M", home))
    assert [sorted(m.id for m in g) for g in form_pairs(vols, demo_campaign.geography)] == [["A", "B"]]


# --------------------------------------------------------------------------- roster rules
def test_roster_respects_calendar_availability_dates_and_limits(campaign, roster):
    vols = {v.id: v for v in campaign.volunteers}
    pairs = {p.id: p for p in roster.pairs}
    per_week = Counter()
    per_day = Counter()
    assert roster.strategy == "cp-sat"
    assert roster.outings
    for o in roster.outings:
        members = [vols[m] for m in pairs[o.pair_id].members]
        assert o.date not in campaign.calendar.holidays, o
        assert o.date != BLACKOUT
        assert campaign.calendar.start <= o.date <= campaign.calendar.end
        assert (o.date.weekday(), o.slot) in shared_availability(tuple(members)), o
        for m in members:
            assert m.first_date is None or o.date >= m.first_date, (o, m.id)
            assert m.last_date is None or o.date <= m.last_date, (o, m.id)
        assert 0 < o.households <= 35
        per_week[(o.pair_id, campaign.calendar.week_of(o.date))] += 1
        per_day[(o.pair_id, o.date)] += 1
    for (pid, _w), n in per_week.items():
        assert n <= min(vols[m].outings_per_week for m in pairs[pid].members)
    assert max(per_day.values()) == 1


def test_every_round_placed_when_capacity_allows(campaign, small_alloc, roster):
    geo = campaign.geography
    want = {c: geo.village_by_code[c].households * n for c, n in small_alloc.door_rounds_by_village.items()}
    got = Counter()
    for o in roster.outings:
        if o.kind == "round":
            for c, n in o.visits:
                got[c] += n
    assert roster.status in ("OPTIMAL", "FEASIBLE") and roster.unmet_households == 0
    assert dict(got) == want
    turf = {c: p.id for p in roster.pairs for c in p.villages}
    assert set(turf) == set(want)  # every worked village in exactly one turf
    for o in roster.outings:  # pairs only work their turf, inside their district
        assert all(turf[c] == o.pair_id for c, _ in o.visits)


def test_callbacks_two_days_after_a_round_in_another_slot(campaign, roster):
    cbs = [o for o in roster.outings if o.kind == "callback"]
    assert cbs, "capacity allows callbacks in this scenario"
    rounds = defaultdict(list)
    for o in roster.outings:
        if o.kind == "round":
            for c, _ in o.visits:
                rounds[(o.pair_id, c)].append(o)
    for cb in cbs:
        for code, _ in cb.visits:
            assert any(cb.date >= r.date + dt.timedelta(days=2) and cb.slot != r.slot
                       for r in rounds[(cb.pair_id, code)]), cb
    q = 1 - campaign.param("canvass.p_answer_first_visit")
    assert callback_shares(campaign)[:2] == pytest.approx((q, q * q))


def test_schedule_pair_precedence_is_exact():
    start = dt.date(2027, 1, 4)
    sessions = [Session(d, start + dt.timedelta(days=d), s, d // 7) for d in range(14)
                for s in ("morning", "evening")]
    jobs = [Job(0, "round", (("A", 35),)), Job(1, "round", (("B", 20),)),
            Job(2, "callback", (("A", 25),), after=(0,), avoid_slot_of=(0,), level=1),
            Job(3, "callback", (("B", 14),), after=(1,), avoid_slot_of=(1,), level=1),
            Job(4, "callback", (("A", 17),), after=(2,), avoid_slot_of=(0,), level=2)]
    res = schedule_pair("P", sessions, jobs, {0: 3, 1: 3})
    assert not res.unplaced
    at = {o.visits: o for o in res.outings}
    r_a, r_b = at[(("A", 35),)], at[(("B", 20),)]
    c_a, c_b, c_a2 = at[(("A", 25),)], at[(("B", 14),)], at[(("A", 17),)]
    assert r_a.date < r_b.date  # route order
    assert (c_a.date - r_a.date).days >= 2 and c_a.slot != r_a.slot
    assert (c_b.date - r_b.date).days >= 2 and c_b.slot != r_b.slot
    assert (c_a2.date - c_a.date).days >= 2 and c_a2.slot != r_a.slot
    assert all(o.slot == "evening" or o.date.weekday() >= 5 for o in (c_a, c_b, c_a2))  # preferred slots


def test_partial_when_capacity_is_short(demo_campaign):
    few = replace(demo_campaign, volunteers=demo_campaign.volunteers[:4])
    alloc = _alloc({v.code: 1 for v in demo_campaign.geography.villages})
    r = plan_roster(few, alloc, time_limit_s=2.0)
    total = sum(v.households for v in demo_campaign.geography.villages)
    placed = sum(o.households for o in r.outings if o.kind == "round")
    assert r.status == "PARTIAL"
    assert r.unmet_households == total - placed > 0


def test_deterministic(campaign, small_alloc):
    short = replace(campaign, calendar=replace(campaign.calendar, weeks=3))
    first = plan_roster(short, small_alloc, time_limit_s=1.0)
    assert plan_roster(short, small_alloc, time_limit_s=1.0) == first


def test_round_robin_baseline_still_works(campaign, small_alloc):
    r = round_robin_roster(campaign, small_alloc)
    assert r.strategy == "round-robin" and r.outings


def test_chunk_visits_keeps_order_and_capacity():
    out = chunk_visits([("A", 50), ("B", 10), ("C", 30)], 35)
    assert out == [(("A", 35),), (("A", 15), ("B", 10), ("C", 10)), (("C", 20),)]


# --------------------------------------------------------------------------- re-planning
def test_replan_keeps_past_and_turns_not_at_home_into_callbacks(campaign, small_alloc, roster):
    plan = Plan(campaign.name, small_alloc, Tours((), (), "none"), roster)
    today = campaign.calendar.start + dt.timedelta(days=21)
    past = [o for o in roster.outings if o.date < today]
    spare_n = Counter(o.pair_id for o in roster.outings if o.kind == "callback" and o.date >= today)
    spare = {p for p, _ in spare_n.most_common(3)}
    rep_round = next(o for o in reversed(past) if o.kind == "round" and o.pair_id in spare
                     and o.date < today - dt.timedelta(days=3))
    code, n = rep_round.visits[0]
    cancelled = next(o for o in past if o.kind == "round" and o.pair_id != rep_round.pair_id)
    c_code, c_n = cancelled.visits[0]
    rows = [ProgressRow(rep_round.pair_id, rep_round.date, code, visited=n - 12, not_at_home=12, row=2),
            ProgressRow(cancelled.pair_id, cancelled.date, c_code, cancelled=True, row=3)]
    new = replan(campaign, plan, rows, today=today, time_limit_s=5.0)
    assert [o for o in new.outings if o.date < today] == past  # the past is untouched
    assert new.pairs == roster.pairs
    future = [o for o in new.outings if o.date >= today]
    cbs = [o for o in future if o.kind == "callback" and o.pair_id == rep_round.pair_id
           and any(c == code and k == 12 for c, k in o.visits)]
    assert cbs, "the 12 not-at-home households get a callback"
    assert all(o.slot != rep_round.slot and (o.date - rep_round.date).days >= 2 for o in cbs)
    redo = sum(k for o in future if o.kind == "round" and o.pair_id == cancelled.pair_id
               for c, k in o.visits if c == c_code)
    assert redo >= c_n  # cancelled households are back in the queue
    vols = {v.id: v for v in campaign.volunteers}
    per_week = Counter((o.pair_id, campaign.calendar.week_of(o.date)) for o in new.outings)
    pairs = {p.id: p for p in new.pairs}
    for (pid, _w), k in per_week.items():
        assert k <= min(vols[m].outings_per_week for m in pairs[pid].members)
    assert all(o.date not in campaign.calendar.holidays for o in new.outings)
