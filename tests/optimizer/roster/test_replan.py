"""Re-planning after field reports: the past kept, not-at-home households turned into callbacks."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from optimizer.roster import replan
from optimizer.roster.replan import CallbackSeed, _seed_jobs
from outreach.io import ProgressRow
from outreach.model import BudgetLine, Plan, Tours


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


def test_replan_stays_within_the_outings_the_budget_pays(campaign, small_alloc, roster):
    """Outings made plus outings re-planned never exceed the per diem line: the latest new callbacks go."""
    team = int(campaign.params["canvass.team_size"])
    today = campaign.calendar.start + dt.timedelta(days=21)
    free = replan(campaign, Plan(campaign.name, small_alloc, Tours((), (), "none"), roster), [], today=today,
                  time_limit_s=5.0)
    late_callbacks = sum(o.kind == "callback" and o.date >= today for o in free.outings)
    assert late_callbacks >= 3
    paid = len(free.outings) - 3
    line = BudgetLine("volunteer_outing", "Volunteer per diem and transport", "volunteer-outing", paid * team, 5.0,
                      "door_to_door")
    capped_alloc = replace(small_alloc, budget_lines=(line,))
    new = replan(campaign, Plan(campaign.name, capped_alloc, Tours((), (), "none"), roster), [], today=today,
                 time_limit_s=5.0)
    assert len(new.outings) == paid
    assert [o for o in new.outings if o.date < today] == [o for o in roster.outings if o.date < today]
    assert Counter(o.kind for o in new.outings)["round"] == Counter(o.kind for o in free.outings)["round"]
    assert any(n.startswith(f"The budget pays for {paid} pair-outings") for n in new.notes)


def test_a_reported_households_callback_chain_follows_the_at_home_law():
    """100 households out on a round: callback k visits 100 x shares[k] / shares[0], by hand 100, 73, 59 for
    shares (0.6, 0.44, 0.352) (the geometric law would give 100, 60, 36); chunks split at ``cap``."""
    seed = CallbackSeed("V1", 100, release=5, avoid=frozenset({"morning"}), levels=3, priority=90)
    jobs = _seed_jobs(seed, 10, (0.6, 0.44, 0.352), cap=80)
    by_level = Counter()
    for j in jobs:
        by_level[j.level] += sum(n for _, n in j.visits)
    assert dict(by_level) == {0: 100, 1: 73, 2: 59}
    assert [j.id for j in jobs] == list(range(10, 10 + len(jobs)))
    first = [j.id for j in jobs if j.level == 0]
    assert all(j.after == tuple(first) for j in jobs if j.level == 1)
