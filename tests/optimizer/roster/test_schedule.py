"""One pair's CP-SAT calendar: route order, callback gaps and slots, preferred callback slots."""

from __future__ import annotations

import datetime as dt

from optimizer.roster import Job, Session, schedule_pair


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
