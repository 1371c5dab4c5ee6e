"""The engine-agnostic problem and its independent evaluation."""

from __future__ import annotations

from optimizer.routing import evaluate, route_schedule

from .problems import tiny_prize_problem, two_window_problem


def test_evaluate_flags_a_group_visited_twice():
    p = two_window_problem()
    bad = evaluate(p, [[1, 2]], [0])
    assert not bad.feasible and any("group" in v for v in bad.violations)


def test_evaluate_counts_prizes_distance_and_objective():
    p = tiny_prize_problem()
    res = evaluate(p, [[1, 2], []], [0, 0], engine="hand")
    assert res.routes == ((1, 2),) and res.route_types == (0,) and res.vehicles == 1
    assert res.feasible and res.distance == 4.0
    assert res.visited == (1, 2) and res.dropped == (3, 4)
    assert res.prize_collected == 51.0 and res.prize_dropped == 62.0
    assert res.objective == 0.01 * 4.0 + 62.0
    assert res.summary()["engine"] == "hand"


def test_route_schedule_reports_a_late_start():
    p = two_window_problem()
    s = route_schedule(p, (1,), 0)
    assert s.times == ((15.0, 18.0),) and s.distance == 10.0
    assert len(s.violations) == 1 and s.violations[0].startswith("client 1 starts at 15.000")
