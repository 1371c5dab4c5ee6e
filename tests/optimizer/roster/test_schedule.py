"""One pair's CP-SAT calendar: route order, callback gaps and slots, preferred callback slots."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

import optimizer.roster.schedule as schedule
from optimizer.roster import Job, Session, schedule_pair
from optimizer.roster.schedule import (
    PairPlan,
    PairTask,
    _first_outings,
    _hint_greedy,
    _job_vars,
    _prune,
    _round_windows,
    outing_slots,
    solve_pairs,
)
from outreach.model import Outing


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


MON = dt.date(2027, 1, 4)  # day 0 is a Monday: days 5 and 6 are the weekend


def ses(*spec: tuple[int, str]) -> list[Session]:
    """Sessions ``(day, slot)`` from Monday ``MON``, weeks of seven days."""
    return [Session(d, MON + dt.timedelta(days=d), s, d // 7) for d, s in spec]


def where(res, jobs) -> dict[int, tuple[int, str] | None]:
    """``{job id: (day, slot)}`` of a result (None when unplaced); visits identify the jobs."""
    by_visits = {o.visits: ((o.date - MON).days, o.slot) for o in res.outings}
    return {j.id: by_visits.get(j.visits) for j in jobs}


ROUND = Job(0, "round", (("A", 30),))
CB1 = Job(1, "callback", (("A", 20),), after=(0,), avoid_slot_of=(0,), level=1)
CB2 = Job(2, "callback", (("A", 12),), after=(1,), avoid_slot_of=(0,), level=2)


def test_callback_exactly_two_days_after_its_predecessor():
    wide = {0: 7, 1: 7}
    # a callback of a callback: day 4 (two days after day 2) is a weekday morning, day 3 an evening (preferred)
    res = schedule_pair("P", ses((0, "morning"), (2, "evening"), (3, "evening"), (4, "afternoon")),
                        [ROUND, CB1, CB2], wide)
    assert where(res, [ROUND, CB1, CB2]) == {0: (0, "morning"), 1: (2, "evening"), 2: (4, "afternoon")}
    # one day is not enough: the second callback stays unplaced
    res = schedule_pair("P", ses((0, "morning"), (3, "evening"), (4, "evening")), [ROUND, CB1, CB2], wide)
    assert where(res, [ROUND, CB1, CB2])[2] is None and res.unplaced == (CB2,)
    # the first callback: day 2 is the only choice
    res = schedule_pair("P", ses((0, "morning"), (1, "evening"), (2, "afternoon")), [ROUND, CB1], wide)
    assert where(res, [ROUND, CB1]) == {0: (0, "morning"), 1: (2, "afternoon")}


def test_callback_of_a_kept_outing_waits_two_days_per_level_from_release():
    # predecessor 99 is not in the model (already placed): only the release rule holds
    far = Job(5, "callback", (("B", 9),), after=(99,), avoid_slot_of=(99,), release=1, level=2)
    res = schedule_pair("P", ses((1, "evening"), (2, "evening"), (4, "evening"), (5, "morning")), [far], {0: 7})
    assert where(res, [far]) == {5: (5, "morning")}  # 1 + 2 x 2: the evenings before are too early
    res = schedule_pair("P", ses((1, "evening"), (2, "evening"), (4, "evening")), [far], {0: 7})
    assert res.unplaced == (far,) and res.status == "OPTIMAL"


def test_callback_never_in_its_rounds_slot_and_prefers_evenings_and_weekends():
    wide = {0: 7}
    res = schedule_pair("P", ses((0, "morning"), (2, "morning"), (3, "afternoon")), [ROUND, CB1], wide)
    assert where(res, [ROUND, CB1])[1] == (3, "afternoon")
    res = schedule_pair("P", ses((0, "morning"), (2, "morning")), [ROUND, CB1], wide)
    assert res.unplaced == (CB1,)
    # evening (13) and weekend (13) beat a weekday afternoon (10)
    res = schedule_pair("P", ses((0, "morning"), (2, "afternoon"), (3, "evening")), [ROUND, CB1], wide)
    assert where(res, [ROUND, CB1])[1] == (3, "evening")
    res = schedule_pair("P", ses((0, "morning"), (4, "afternoon"), (5, "afternoon")), [ROUND, CB1], wide)
    assert where(res, [ROUND, CB1])[1] == (5, "afternoon")


def test_rounds_early_in_route_order_and_above_callbacks():
    r2 = Job(1, "round", (("B", 5),), release=4)
    cb = Job(2, "callback", (("A", 20),), after=(0,), avoid_slot_of=(0,), level=1)
    spec = [(d, "morning") for d in range(7)] + [(d, "evening") for d in range(1, 7)]
    res = schedule_pair("P", ses(*sorted(spec)), [ROUND, r2, cb], {0: 7})
    # the first round as early as it can, the second after its release, the callback two days after the first
    got = where(res, [ROUND, r2, cb])
    assert got[0] == (0, "morning") and got[1][0] == 4
    assert got[2][0] >= 2 and got[2][0] != 4 and got[2][1] == "evening"
    # the second round waits for the first: released on day 4, the first round pushes it to day 5
    late = Job(0, "round", (("A", 30),), release=4)
    res = schedule_pair("P", ses(*((d, "evening") for d in range(7))), [late, Job(1, "round", (("B", 5),))],
                        {0: 7})
    assert [((o.date - MON).days, o.visits) for o in res.outings] == [(4, (("A", 30),)), (5, (("B", 5),))]
    # one outing left: the round takes it, not the bigger (but cheaper) callback
    big = Job(1, "callback", (("A", 30),), after=(7,), level=1)
    res = schedule_pair("P", ses((3, "evening")), [Job(0, "round", (("C", 2),)), big], {0: 1})
    assert where(res, [Job(0, "round", (("C", 2),)), big]) == {0: (3, "evening"), 1: None}


def test_reported_callbacks_beat_expected_ones_and_weekly_limits_hold():
    exp = Job(1, "callback", (("A", 20),), after=(9,), level=1)
    rep = Job(2, "callback", (("B", 10),), after=(9,), level=1, priority=90)
    res = schedule_pair("P", ses((2, "evening"), (3, "evening")), [exp, rep], {0: 1})
    assert [o.visits for o in res.outings] == [(("B", 10),)] and res.unplaced == (exp,)
    # two outings a week: the round and one callback in week 0, the second callback in week 1
    res = schedule_pair("P", ses((0, "morning"), *((d, "evening") for d in range(1, 10))), [ROUND, CB1, CB2],
                        {0: 2, 1: 1})
    got = where(res, [ROUND, CB1, CB2])
    assert got[0] == (0, "morning") and got[1][0] < 7 <= got[2][0]
    res = schedule_pair("P", ses((0, "morning"), *((d, "evening") for d in range(1, 7))), [ROUND, CB1, CB2], {0: 2})
    assert len(res.outings) == 2 and res.unplaced == (CB2,)
    # one outing a day, even with two free slots that day
    res = schedule_pair("P", ses((0, "morning"), (0, "evening")), [Job(0, "round", (("A", 1),)),
                                                                  Job(1, "round", (("B", 1),))], {0: 7})
    assert len(res.outings) == 1


def test_outings_come_sorted_and_empty_problems_are_trivial():
    jobs = [Job(0, "round", (("A", 3),)), Job(1, "round", (("B", 3),))]
    res = schedule_pair("Q", ses((1, "evening"), (2, "morning")), jobs, {0: 7})
    assert res.outings == (Outing("Q", MON + dt.timedelta(1), "evening", (("A", 3),), "round"),
                           Outing("Q", MON + dt.timedelta(2), "morning", (("B", 3),), "round"))
    assert res.status == "OPTIMAL" and res.unplaced == ()
    assert schedule_pair("Q", [], jobs, {0: 7}) == PairPlan((), tuple(jobs), "OPTIMAL")
    assert schedule_pair("Q", ses((1, "evening")), [], {0: 7}) == PairPlan((), (), "OPTIMAL")
    tasks = [PairTask("Q", tuple(ses((1, "evening"))), tuple(jobs[:1]), {0: 7}),
             PairTask("R", tuple(ses((2, "morning"))), tuple(jobs[1:]), {0: 7})]
    assert [p.outings[0].pair_id for p in solve_pairs(tasks, 0.1, 0)] == ["Q", "R"]


def test_outing_slots_windows_and_pruning_by_hand():
    # days 0-9, week 0 allows 2 outings, week 1 one; two slots on day 0 count as one day
    days = ses((0, "morning"), (0, "evening"), *((d, "evening") for d in range(1, 10)))
    limits = {0: 2, 1: 1}
    assert outing_slots(days, limits) == 3
    assert outing_slots(days, {0: -1, 1: 2}) == 2 and outing_slots(days, {1: 9}) == 3
    assert _first_outings([(d, d // 7) for d in range(10)], limits) == [0, 1, 7]
    assert _first_outings([(d, d // 7) for d in reversed(range(10))], limits) == [9, 6, 5]
    rounds = [Job(0, "round", (("A", 1),)), Job(1, "round", (("B", 1),)), Job(2, "round", (("C", 1),), release=8)]
    # the i-th round: not before the i-th earliest outing (nor its release), not after room for the rest
    assert _round_windows(rounds, days, limits) == {0: (0, 5), 1: (1, 6), 2: (8, 9)}
    assert _round_windows([CB1], days, limits) == {}
    assert _round_windows(rounds + [Job(3, "round", (("D", 1),))], days, limits) == {}  # four cannot all fit
    # pruning: 3 outings, one round: callbacks up to ceil(1.5 x 2) = 3, by priority, then level, then id,
    # skipping those whose predecessor is not kept
    cbs = [Job(10 + i, "callback", (("A", 1),), after=(0,), avoid_slot_of=(0,), level=1) for i in range(3)]
    orphan = Job(20, "callback", (("A", 1),), after=(5,), avoid_slot_of=(0,), level=1, priority=90)
    deep = Job(21, "callback", (("A", 1),), after=(10,), avoid_slot_of=(0,), level=2, priority=90)
    keep, dropped = _prune([ROUND, rounds[1], *cbs, orphan, deep], days, limits)
    assert [j.id for j in keep] == [0, 1, 10, 20] and [j.id for j in dropped] == [11, 12, 21]
    keep, dropped = _prune([ROUND, deep, *cbs], days, limits)
    assert [j.id for j in keep] == [0, 10, 11, 12] and [j.id for j in dropped] == [21]
    keep, dropped = _prune([ROUND, *cbs, deep], days, {0: 1})
    assert [j.id for j in keep] == [0] and len(dropped) == 4


def test_greedy_hint_is_the_first_free_feasible_schedule():
    # rounds on the first free sessions in order, then callbacks two days after, off their round's slot,
    # one a day and within the week's three outings: the second callback finds no room
    days = ses((0, "morning"), (0, "evening"), (1, "morning"), (2, "evening"), (3, "morning"), (4, "evening"))
    jobs = [Job(0, "round", (("A", 9),)), Job(1, "round", (("B", 9),)),
            Job(2, "callback", (("A", 5),), after=(0,), avoid_slot_of=(0,), level=1),
            Job(3, "callback", (("B", 5),), after=(1,), avoid_slot_of=(1,), level=1)]
    assert _hinted(days, jobs, {0: 3}) == {(0, 0), (1, 2), (2, 3)}
    assert _hinted(days, jobs, {0: 4}) == {(0, 0), (1, 2), (2, 3), (3, 5)}
    # a round that finds no session stops the later rounds and every callback of it
    model = cp_model.CpModel()
    x = {(1, 2): model.new_bool_var("a"), (2, 3): model.new_bool_var("b"), (3, 5): model.new_bool_var("c")}
    _hint_greedy(model, x, jobs, days, {0: 4})
    assert _hint_values(model, x) == set()


def _hinted(days, jobs, limits) -> set[tuple[int, int]]:
    model = cp_model.CpModel()
    v = _job_vars(model, jobs, days, limits)
    _hint_greedy(model, v.x, jobs, days, limits)
    return _hint_values(model, v.x)


def _hint_values(model, x) -> set[tuple[int, int]]:
    hint = model.proto.solution_hint
    index = {var.index: key for key, var in x.items()}
    assert sorted(hint.vars) == sorted(index)  # every choice is hinted
    return {index[i] for i, val in zip(hint.vars, hint.values) if val}


WEEK = ses(*((d, s) for d in range(7) for s in ("morning", "evening")))  # session 2 d (+ 1 in the evening)


def _hint_on(jobs, keys, limits) -> set[tuple[int, int]]:
    """The greedy hint over hand-picked allowed (job, session) pairs of ``WEEK``."""
    model = cp_model.CpModel()
    x = {key: model.new_bool_var(str(key)) for key in keys}
    _hint_greedy(model, x, jobs, WEEK, limits)
    return _hint_values(model, x)


def test_greedy_hint_keeps_route_order_and_skips_what_cannot_follow():
    r0, r1, r2 = (Job(i, "round", ((c, 5),)) for i, c in enumerate("ABC"))
    # route order: the second round after the first even where an earlier session is free
    assert _hint_on([r0, r1], [(0, 6), (1, 2), (1, 10)], {0: 7}) == {(0, 6), (1, 10)}
    # the second round finds nothing: the third is not hinted, callbacks still are, each on its own day
    orphan = Job(3, "callback", (("B", 2),), after=(1,), level=1)
    blocked = Job(4, "callback", (("D", 2),))  # its only session's day is taken by the first round
    cb = Job(5, "callback", (("A", 2),), after=(0,), avoid_slot_of=(0,), level=1)
    keys = [(0, 0), (2, 12), (3, 11), (4, 1), (5, 4), (5, 5)]
    assert _hint_on([r0, r1, r2, orphan, blocked, cb], keys, {0: 7}) == {(0, 0), (5, 5)}
    # a week missing from the limits allows nothing
    assert _hint_on([r0], [(0, 0)], {1: 5}) == set()


def test_week_limits_hold_for_callbacks_of_kept_outings():
    # callbacks of outings already placed (predecessor 99 not in the model) may use any day after their release
    cbs = [Job(i, "callback", ((c, 5),), after=(99,), level=1) for i, c in enumerate("AB")]
    days = ses((2, "evening"), (3, "evening"), (9, "evening"))
    for limits in ({0: 0, 1: 1}, {1: 1}, {0: -1, 1: 1}):
        res = schedule_pair("P", days, cbs, limits)
        assert [(o.date - MON).days for o in res.outings] == [9] and len(res.unplaced) == 1
        assert res.outings[0].kind == "callback"
    assert _first_outings([(2, 0), (9, 1)], {1: 1}) == [9]


def test_round_beats_a_callback_and_goes_out_early():
    # day 7 is the round's only day and the callback's too: a round of 5 households beats a callback of 30
    rnd = Job(0, "round", (("C", 5),), release=7)
    cb = Job(1, "callback", (("A", 30),), after=(99,), level=1, release=5)
    res = schedule_pair("P", ses((2, "evening"), (7, "evening")), [rnd, cb], {0: 1, 1: 1})
    assert where(res, [rnd, cb]) == {0: (7, "evening"), 1: None}
    first = Job(0, "round", (("C", 5),))
    alone = schedule_pair("P", ses((0, "evening"), (1, "evening"), (2, "evening")), [first], {0: 7})
    assert where(alone, [first]) == {0: (0, "evening")}


def test_solve_pairs_gives_each_pair_at_least_half_a_second(monkeypatch):
    seen = []
    monkeypatch.setattr(schedule, "schedule_pair", lambda *a, **kw: seen.append(kw) or a[0])
    assert solve_pairs([PairTask("Q", (), (), {}), PairTask("R", (), (), {})], 0.1, 7) == ["Q", "R"]
    assert seen == [{"time_limit_s": 0.5, "seed": 7}] * 2
    seen.clear()
    solve_pairs([PairTask("Q", (), (), {})], 3.0, 1)
    assert seen == [{"time_limit_s": 3.0, "seed": 1}]


def test_a_solver_that_finds_nothing_leaves_every_job_unplaced(monkeypatch):
    def stopped(time_limit_s, seed):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 0.0
        solver.parameters.num_workers = 1
        return solver

    monkeypatch.setattr(schedule, "roster_solver", stopped)
    jobs = [Job(i, "round", ((c, 3),)) for i, c in enumerate("ABC")]  # two days: the third round is pruned
    res = schedule_pair("P", ses((0, "evening"), (1, "evening")), jobs, {0: 7})
    assert res == PairPlan((), (jobs[0], jobs[1], jobs[2]), "UNKNOWN")
