"""District-wide channels in the allocation: bought when they pay, not when they make nobody aware."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.allocation import (
    build_instance,
    evaluate_allocation,
    greedy_allocation,
    small_campaign,
    solve_allocation,
)
from optimizer.allocation.media import media_menu


def _social_only(demo_campaign, budget, **params):
    c = small_campaign(demo_campaign, 1, n_villages=4, budget=budget)
    return dataclasses.replace(c, channels={"radio": 0, "partner_ngo": 0, "village_chief": 0, "group_event": 0},
                               params={**c.params, **params})


def _solve(c):
    inst = build_instance(c, None, max_rounds=1, max_passes=1)
    return solve_allocation(c, None, instance=inst, relative_gap=0.0, time_limit_s=10.0, explain=False)


def test_buys_every_week_when_the_village_channels_are_exhausted(demo_campaign):
    c = _social_only(demo_campaign, 20_000)  # more than every village option costs
    res = _solve(c)
    weeks = c.calendar.weeks
    assert res.allocation.media == {"social_media": weeks}
    line = next(b for b in res.allocation.budget_lines if b.key == "social_media_week")
    assert line.quantity == weeks and line.channel == "social_media"
    # the model's awareness is the shared response model's (evaluate_allocation adds the media the same way)
    assert res.aware == pytest.approx(evaluate_allocation(c, res.allocation, None,
                                                          callbacks_by_village=res.callbacks_by_village).aware,
                                      rel=1e-6)
    assert greedy_allocation(c).media == {"social_media": weeks}


def test_buys_nothing_that_makes_nobody_aware(demo_campaign):
    c = _social_only(demo_campaign, 20_000, **{"awareness.p_social_media": 0.0})
    assert len(media_menu(c, 1000.0, 0).levels) == 1
    res = _solve(c)
    assert res.allocation.media == {}
    assert not any(b.key == "social_media_week" for b in res.allocation.budget_lines)
    assert greedy_allocation(c).media == {}


def test_switched_off_channels_are_never_bought(demo_campaign):
    c = dataclasses.replace(_social_only(demo_campaign, 20_000), channels={"social_media": 0, "radio": 0,
                                                                            "partner_ngo": 0, "village_chief": 0,
                                                                            "group_event": 0})
    assert _solve(c).allocation.media == {}


def test_briefs_every_sangkats_chiefs_or_none(demo_campaign):
    c = small_campaign(demo_campaign, 1, n_villages=4, budget=20_000)
    c = dataclasses.replace(c, channels={"social_media": 0, "radio": 0, "partner_ngo": 0, "group_event": 0})
    res = _solve(c)
    n = len(c.geography.sangkats)
    assert res.allocation.media == {"village_chief": n}
    line = next(b for b in res.allocation.budget_lines if b.key == "chief_briefing")
    assert line.quantity == n and line.channel == "village_chief"
    off = dataclasses.replace(c, params={**c.params, "awareness.p_chief": 0.0})
    assert _solve(off).allocation.media == {}


def test_media_plans_on_the_frontier_only(demo_campaign):
    """Every plan of the menu makes more households aware than every cheaper one."""
    c = small_campaign(demo_campaign, 2, n_villages=4)
    menu = media_menu(c, 2000.0, 0)
    assert menu.cents[0] == 0 and menu.aware[0] == 0.0
    assert all(menu.cents[i] < menu.cents[i + 1] and menu.aware[i] < menu.aware[i + 1]
               for i in range(len(menu.levels) - 1))


def _qty(alloc, key):
    return sum(b.quantity for b in alloc.budget_lines if b.key == key)


@pytest.mark.parametrize("strategy", ["exact", "greedy"])
def test_booklets_and_posters_follow_their_channels(demo_campaign, strategy):
    """Booklets: one per forum participant and per person met at an event; posters: the OWSO counter's, each
    event's and each briefed sangkat office's (defaults 1, 10, 2 and 4, written out)."""
    from tests.conftest import documented

    c = small_campaign(documented(demo_campaign), 3, n_villages=4, budget=20_000)
    c = dataclasses.replace(c, channels={"social_media": 0, "radio": 0, "partner_ngo": 0})
    a = _solve(c).allocation if strategy == "exact" else greedy_allocation(c)
    forums, events = sum(a.forums_by_sangkat.values()), a.media.get("group_event", 0)
    chiefs = a.media.get("village_chief", 0)
    assert events and chiefs  # money enough: both are bought
    assert _qty(a, "booklet") == forums * 90 + events * 60
    assert _qty(a, "poster") == 10 * len(c.geography.districts) + 2 * events + 4 * chiefs
    assert a.planned_usd <= c.budget_usd
