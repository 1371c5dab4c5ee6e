"""A plan mapped onto households: door walking order, occasions, loudspeaker reach."""

from __future__ import annotations

import datetime as dt

import numpy as np

from outreach.households import synthesize_households
from outreach.model import Outing
from outreach.simulate import plan_exposures, slot_of_time
from tests.outreach.simulate.builders import DENSE, START, channels_plan, make_campaign, make_plan


def test_slots_split_the_day_at_noon_and_five() -> None:
    t = np.array([0.0, 11.99, 12.0, 16.99, 17.0, 23.0]) * 3600
    assert slot_of_time(t).tolist() == [0, 0, 1, 1, 2, 2]


def test_door_rounds_continue_along_the_walking_order_and_callbacks_start_over() -> None:
    camp = make_campaign((400,))
    code = camp.geography.villages[0].code
    visits = ((0, "round"), (1, "round"), (2, "callback"), (5, "round"))  # day 5 is a Saturday
    plan = make_plan([Outing("p1", START + dt.timedelta(d), "morning", ((code, 150),), kind) for d, kind in visits])
    ex = plan_exposures(camp, plan, synthesize_households(camp.geography, camp.params, seed=camp.seed))
    door = ex.villages[0].door
    assert [(d.start, d.n, d.callback) for d in door] == [(0, 150, False), (150, 150, False), (0, 150, True),
                                                          (300, 150, False)]
    assert [d.x for d in door[:3]] == [1.0, 1.0, 1.0] and door[3].x > 1.0  # weekend: evening/weekend exponent
    assert ex.counts["door_rounds"][0] == 3 and ex.counts["callbacks"][0] == 1


def test_loudspeaker_reach_is_the_same_on_two_workers() -> None:
    camp = make_campaign((300, 200, 100), DENSE)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    one, two = (plan_exposures(camp, channels_plan(camp), hh, workers=w) for w in (1, 2))
    assert sum(len(v.loudspeaker) for v in one.villages) > 0
    for a, b in zip(one.villages, two.villages):
        assert [(e.vehicle_day, e.date, e.r) for e in a.loudspeaker] == [
            (e.vehicle_day, e.date, e.r) for e in b.loudspeaker]
        for ea, eb in zip(a.loudspeaker, b.loudspeaker):
            assert np.array_equal(ea.local, eb.local) and np.array_equal(ea.slot, eb.slot)
            assert np.array_equal(ea.x, eb.x)
    for key in one.counts:
        assert np.array_equal(one.counts[key], two.counts[key]), key


def _loudspeaker_reach(ex) -> list[tuple]:
    return [(e.vehicle_day, e.local.tolist(), e.slot.tolist()) for v in ex.villages for e in v.loudspeaker]


def test_the_loudspeaker_geometry_is_laid_once_per_plan_and_geometry(monkeypatch) -> None:
    """The posterior's draws change response parameters only: the households in reach of each vehicle-day are
    computed once; a change that moves the reach (the message length) computes them again, as a fresh run does."""
    import dataclasses

    from outreach.simulate import exposures

    camp = make_campaign((300, 200, 100), DENSE)
    plan = channels_plan(camp)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    calls = []
    real = exposures._day_reach
    monkeypatch.setattr(exposures, "_day_reach", lambda g, vd: calls.append(vd) or real(g, vd))
    first = plan_exposures(camp, plan, hh, workers=1)
    n = len(calls)
    assert n == len(plan.tours.days) > 0
    draw = dataclasses.replace(camp, params={**camp.params, "awareness.p_loudspeaker": 0.5,
                                             "canvass.p_answer_first_visit": 0.3})
    again = plan_exposures(draw, plan, synthesize_households(draw.geography, draw.params, seed=draw.seed), workers=1)
    assert len(calls) == n  # from the cache
    assert _loudspeaker_reach(again) == _loudspeaker_reach(first)
    longer = dataclasses.replace(camp, params={**camp.params, "loudspeaker.message_length_s": 120.0})
    moved = plan_exposures(longer, plan, hh, workers=1)
    assert len(calls) == 2 * n  # laid again
    exposures._REACH.clear()
    fresh = plan_exposures(longer, channels_plan(camp), hh, workers=1)
    assert _loudspeaker_reach(moved) == _loudspeaker_reach(fresh) != _loudspeaker_reach(first)
