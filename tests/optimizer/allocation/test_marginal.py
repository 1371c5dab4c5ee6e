"""The margins' re-solves, started ahead on their own processes, give what they give in place; cancelling works."""

from __future__ import annotations

from optimizer.allocation import small_campaign
from optimizer.allocation.marginal import marginal_value, margins_ahead


def test_margins_started_ahead_equal_the_margins_in_place(demo_campaign):
    c = small_campaign(demo_campaign, 5, n_villages=6)
    in_place = margins_ahead(c, None, workers=1)
    assert in_place.jobs == [None, None]
    ahead = margins_ahead(c, None, base=in_place.base, workers=2)
    assert len(ahead.jobs) == 2 and all(j is not None for j in ahead.jobs)
    got = ahead.result()
    assert got == in_place.result() == marginal_value(c, None, base=in_place.base, workers=2)
    assert got["marginal_reach_per_100_usd"] >= 0
    assert got["best_district_for_volunteer"] == c.geography.districts[0].code
    dropped = margins_ahead(c, None, base=in_place.base, workers=2)
    procs = [j._proc for j in dropped.jobs if j is not None]
    dropped.cancel()
    assert procs and not any(p.is_alive() for p in procs)


def test_money_margin_started_before_the_base_is_known(demo_campaign):
    """The money re-solve started from the plan the base was re-solved from (the allocation's idle core) gives
    the margin it gives when started with the others; the margin is counted from the base's households."""
    from dataclasses import replace

    from optimizer.allocation.marginal import money_margin_ahead

    c = small_campaign(demo_campaign, 5, n_villages=6)
    in_place = margins_ahead(c, None, workers=1)
    base = in_place.base
    money = money_margin_ahead(c, None, start=base, pass_days_km=None)
    assert money is not None
    early = margins_ahead(c, None, base=base, workers=2, money=money)
    assert early.jobs[0] is money
    assert early.result() == in_place.result()
    # counted from the base handed to margins_ahead, not from the plan the money re-solve started from
    richer = replace(base, aware=base.aware - 10.0)
    shifted = margins_ahead(c, None, base=richer, workers=1).result()
    assert shifted["marginal_reach_per_100_usd"] == round(in_place.result()["marginal_reach_per_100_usd"] + 1.0, 2)


def test_an_unused_money_margin_is_cancelled_by_the_pipeline(demo_campaign):
    from optimizer.allocation.marginal import money_margin_ahead
    from optimizer.allocation.routed import RoutedAllocation
    from scenarios.pipeline import PlanOptions, start_margins

    c = small_campaign(demo_campaign, 5, n_villages=6)
    base = margins_ahead(c, None, workers=1).base
    money = money_margin_ahead(c, None, start=base, pass_days_km=None)
    assert money is not None
    routed = RoutedAllocation(base.allocation, None, base, None, money)  # type: ignore[arg-type]
    assert start_margins(c, None, routed, PlanOptions(margins=False)) is None
    assert not money._proc.is_alive()


def test_volunteer_margin_needs_no_base(demo_campaign):
    """The volunteer's re-solve keeps the media plan and starts from its restricted plan: started from the media
    plan alone (before the base is known) it gives the margin it gives started with the base."""
    from optimizer.allocation.marginal import volunteer_margin_ahead

    c = small_campaign(demo_campaign, 5, n_villages=6)
    in_place = margins_ahead(c, None, workers=1)
    base = in_place.base
    job = volunteer_margin_ahead(c, None, instance=base.instance, media=base.solution.media, pass_days_km=None)
    assert job is not None
    early = margins_ahead(c, None, base=base, workers=2, volunteer=job)
    assert early.jobs[1] is job
    assert early.result() == in_place.result()
