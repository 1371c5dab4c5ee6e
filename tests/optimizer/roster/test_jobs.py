"""Rounds cut into outings, and their callbacks (levels, shares, groups, precedence) by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from optimizer.roster import Job, build_jobs, callback_shares, chunk_visits, chunk_visits_by_round


def test_chunk_visits_keeps_order_and_capacity():
    out = chunk_visits([("A", 50), ("B", 10), ("C", 30)], 35)
    assert out == [(("A", 35),), (("A", 15), ("B", 10), ("C", 10)), (("C", 20),)]


def test_chunk_visits_edges():
    # exactly full: no empty outing after it; a village split over two entries merges; empty entries vanish
    assert chunk_visits([("A", 35)], 35) == [(("A", 35),)]
    assert chunk_visits([("A", 10), ("A", 5), ("B", 0), ("C", 20)], 35) == [(("A", 15), ("C", 20))]
    assert chunk_visits([], 35) == []
    assert chunk_visits_by_round([[("A", 20)], [("A", 20), ("B", 30)]], 35) == [
        (("A", 20),), (("A", 20), ("B", 15)), (("B", 15),)]


def test_callback_shares_follow_the_at_home_law():
    """``E[(1 - pi)^k]`` for ``pi ~ Beta(a, b)``: by hand, ``prod_(j < k) (b + j) / (a + b + j)``."""
    params = {"canvass.p_answer_first_visit": 0.4, "canvass.at_home_beta_concentration": 2.0,
              "canvass.max_callbacks": 3}
    # a = 0.8, b = 1.2: 1.2 / 2, 1.2 * 2.2 / (2 * 3), 1.2 * 2.2 * 3.2 / (2 * 3 * 4)
    assert callback_shares(SimpleNamespace(params=params)) == pytest.approx((0.6, 0.44, 0.352))
    # households all alike (a huge concentration): the geometric shares of one at-home chance
    alike = params | {"canvass.at_home_beta_concentration": 1e7}
    assert callback_shares(SimpleNamespace(params=alike)) == pytest.approx((0.6, 0.36, 0.216), rel=1e-5)
    assert callback_shares(SimpleNamespace(params=params | {"canvass.max_callbacks": 0})) == ()


def test_build_jobs_by_hand():
    # level 1 (share 0.6): A 35 -> 21, B 20 -> 12, C 10 -> 6; 21 + 12 fit 35, + 6 does not
    # level 2 (share 0.36): A 12.6 -> 13, B 7.2 -> 7, C 3.6 -> 4, all in one outing
    jobs = build_jobs([(("A", 35),), (("B", 20),), (("C", 10),)], (0.6, 0.36), 35, first_id=10, release=3)
    assert jobs == [
        Job(10, "round", (("A", 35),), release=3), Job(11, "round", (("B", 20),), release=3),
        Job(12, "round", (("C", 10),), release=3),
        Job(13, "callback", (("A", 21), ("B", 12)), after=(10, 11), avoid_slot_of=(10, 11), release=3, level=1),
        Job(14, "callback", (("C", 6),), after=(12,), avoid_slot_of=(12,), release=3, level=1),
        Job(15, "callback", (("A", 13), ("B", 7), ("C", 4)), after=(13, 14), avoid_slot_of=(10, 11, 12),
            release=3, level=2),
    ]
    assert [j.households for j in jobs] == [35, 20, 10, 33, 6, 24]


def test_callback_groups_fill_exactly_and_round_half_up():
    # 35 x 0.6 = 21 and 23 x 0.6 = 13.8 -> 14: exactly 35, one outing
    jobs = build_jobs([(("A", 35),), (("B", 23),)], (0.6,), 35)
    assert [j.visits for j in jobs if j.kind == "callback"] == [(("A", 21), ("B", 14))]
    # 5 x 0.5 = 2.5 rounds up to 3; 10 x 0.01 = 0.1 still leaves one household; one village twice adds up
    jobs = build_jobs([(("A", 5), ("B", 10)), (("A", 5),)], (0.5, 0.01), 35)
    assert [(j.visits, j.after, j.level) for j in jobs if j.kind == "callback"] == [
        ((("A", 6), ("B", 5)), (0, 1), 1), ((("A", 2), ("B", 1)), (2,), 2)]
    assert build_jobs([], (0.6,), 35) == []


def test_last_household_and_second_group_fill():
    # 36 households in outings of 35: the last one still gets an outing
    assert chunk_visits([("A", 36)], 35) == [(("A", 35),), (("A", 1),)]
    # level 1 (share 0.6): 21, 21, 14: the first alone, then 21 + 14 = 35 exactly; release defaults to day 0
    jobs = build_jobs([(("A", 35),), (("B", 35),), (("C", 23),)], (0.6,), 35)
    assert [(j.visits, j.after) for j in jobs if j.kind == "callback"] == [
        ((("A", 21),), (0,)), ((("B", 21), ("C", 14)), (1, 2))]
    assert {j.release for j in jobs} == {0}
