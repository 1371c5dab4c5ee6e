"""The sample-average allocation: a plan chosen over two parameter draws beats each draw's own plan on the mean.

Every plan is valued under each draw independently of the optimiser's objective:
:func:`optimizer.allocation.evaluate_allocation` (the response model in closed form, the media shares exact)
on the campaign with the draw's parameters.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optimizer.allocation import build_instance, evaluate_allocation, small_campaign, solve_allocation
from optimizer.allocation.robust import draw_instance, plan_values, robustness
from outreach.parameters import DEFAULTS
from outreach.simulate.posterior import draw_params
from tests.conftest import documented

#: Two draws under which the door and a second channel trade places (leaflets make nobody aware in either,
#: so the door's value is the door's own).
DOOR_STRONG = {"awareness.p_door": 0.9, "awareness.p_loudspeaker": 0.02, "awareness.p_social_media": 0.01,
               "awareness.p_leaflet": 0.0}
OTHER_STRONG = {"awareness.p_door": 0.02, "awareness.p_loudspeaker": 0.9, "awareness.p_social_media": 0.9,
                "awareness.p_leaflet": 0.0}
NO_MEDIA = {"social_media": 0, "radio": 0, "partner_ngo": 0, "village_chief": 0, "group_event": 0}
SOCIAL_ONLY = {"radio": 0, "partner_ngo": 0, "village_chief": 0, "group_event": 0}


def _campaign(demo_campaign, seed: int, budget: float, channels: dict[str, int], extra: dict[str, float]):
    """A small campaign whose drawn parameters sit at their defaults (so the draws apply, see ``draw_params``)."""
    # documented values elsewhere: the shipped posterior's means move with every calibration
    c = documented(small_campaign(demo_campaign, seed, n_villages=4, budget=budget))
    params = {**c.params, **{k: DEFAULTS[k].value for k in DOOR_STRONG}, **extra}
    return dataclasses.replace(c, channels=channels, params=params)


def _solve(c, draws, max_passes: int):
    inst = build_instance(c, None, max_rounds=1, max_passes=max_passes, draws=draws)
    return solve_allocation(c, None, instance=inst, relative_gap=0.0, time_limit_s=10.0, explain=False)


def _under(c, res, draw) -> float:
    """Weighted newly aware households of ``res``'s plan when ``draw`` is true (closed form, exact media)."""
    cd = dataclasses.replace(c, params=draw_params(c, draw))
    ev = evaluate_allocation(cd, res.allocation, None, callbacks_by_village=res.callbacks_by_village)
    return ev.weighted_new_aware


CASES = [
    # door against the loudspeaker (no district-wide channels): the value is linear in the option values
    pytest.param(1, 900, NO_MEDIA, {}, 2, id="door-vs-loudspeaker-1"),
    pytest.param(2, 900, NO_MEDIA, {}, 2, id="door-vs-loudspeaker-2"),
    # door against social media: the media share multiplies the village value, a product per draw
    pytest.param(3, 900, SOCIAL_ONLY, {"awareness.p_loudspeaker": 0.0}, 1, id="door-vs-social-media"),
]


@pytest.mark.parametrize("seed, budget, channels, extra, max_passes", CASES)
def test_sample_average_plan_beats_each_draws_own_plan(demo_campaign, seed, budget, channels, extra, max_passes):
    c = _campaign(demo_campaign, seed, budget, channels, extra)
    draws = (DOOR_STRONG, OTHER_STRONG)
    plans = {"door": _solve(c, [DOOR_STRONG], max_passes), "other": _solve(c, [OTHER_STRONG], max_passes),
             "both": _solve(c, list(draws), max_passes)}
    value = {name: np.array([_under(c, res, d) for d in draws]) for name, res in plans.items()}
    # the two channels trade places: each single-draw plan is the best of the three under its own draw ...
    assert value["door"][0] >= value["both"][0] - 0.05 and value["door"][0] > value["other"][0] + 10
    assert value["other"][1] >= value["both"][1] - 0.05 and value["other"][1] > value["door"][1] + 10
    by_channel = {name: res.allocation.by_channel() for name, res in plans.items()}
    assert by_channel["door"]["door_to_door"] > by_channel["other"].get("door_to_door", 0.0) + 100
    # ... and the plan chosen over both beats either on the mean over both (by more than 2 %)
    mean = {name: float(v.mean()) for name, v in value.items()}
    assert mean["both"] > 1.02 * max(mean["door"], mean["other"])
    # the optimiser's objective is that mean (weighted centi-households, media shares in 1/10,000)
    assert plans["both"].objective == pytest.approx(mean["both"], abs=0.3)


def test_no_draws_is_the_point_plan(demo_campaign):
    c = _campaign(demo_campaign, 1, 700, NO_MEDIA, {})
    inst = build_instance(c, None, max_rounds=1, max_passes=2)
    assert inst.draws is None
    one = build_instance(c, None, max_rounds=1, max_passes=2, draws=[{}])  # a draw that changes nothing
    assert np.array_equal(one.value, inst.value) and np.array_equal(one.keep, inst.keep)


def test_robustness_regret_is_each_draws_optimum_minus_the_plan(demo_campaign):
    c = _campaign(demo_campaign, 2, 700, SOCIAL_ONLY, {"awareness.p_loudspeaker": 0.0})
    draws = (DOOR_STRONG, OTHER_STRONG)
    both = _solve(c, list(draws), 1)
    rob = robustness(c, None, both, time_limit_s=10.0)
    own = [_solve(c, [d], 1) for d in draws]
    for d, draw in enumerate(draws):
        # independent: each draw's own plan and the chosen one valued in closed form under that draw
        assert rob.chosen[d] == pytest.approx(_under(c, both, draw), abs=0.3)
        assert rob.optimum[d] == pytest.approx(_under(c, own[d], draw), abs=0.3)
        assert rob.regret[d] == pytest.approx(_under(c, own[d], draw) - _under(c, both, draw), abs=0.5)
        assert rob.regret[d] > 1.0  # neither draw's optimum is the compromise
    # the draw instance is the draw: its plan values are the sample instance's values under that draw
    inst = both.instance
    assert plan_values(draw_instance(inst, 1), both.solution.option, both.solution.media)[0] == pytest.approx(
        plan_values(inst, both.solution.option, both.solution.media)[1])


def test_share_changes_count_channels_moving_more_than_ten_points(demo_campaign):
    c = _campaign(demo_campaign, 2, 700, SOCIAL_ONLY, {"awareness.p_loudspeaker": 0.0})
    both = _solve(c, [DOOR_STRONG, OTHER_STRONG], 1)
    rob = robustness(c, None, both, time_limit_s=10.0)
    own = [_solve(c, [d], 1).allocation for d in (DOOR_STRONG, OTHER_STRONG)]

    def shares(alloc):
        by = alloc.by_channel()
        return {k: v / sum(by.values()) for k, v in by.items()}

    chosen = shares(both.allocation)
    for ch, n in rob.share_changes.items():
        assert n == sum(abs(shares(a).get(ch, 0.0) - chosen.get(ch, 0.0)) > 0.10 for a in own)
    assert rob.share_changes["door_to_door"] >= 1


def test_media_menu_keeps_every_plan_some_draw_needs(demo_campaign):
    """Brute force over social media and radio weeks: the menu is the plans no cheaper plan beats under every
    draw (a plan the mean shares would drop stays when one draw needs it)."""
    from optimizer.allocation.budget import level_cents
    from optimizer.allocation.media import media_menu
    from outreach.media import MEDIA_COST, media_response

    keys = ("awareness.p_social_media", "awareness.p_radio")
    c = _campaign(demo_campaign, 1, 700, {"partner_ngo": 0, "village_chief": 0, "group_event": 0},
                  {k: DEFAULTS[k].value for k in keys})
    draws = [draw_params(c, {"awareness.p_social_media": 0.9, "awareness.p_radio": 0.02}),
             draw_params(c, {"awareness.p_social_media": 0.02, "awareness.p_radio": 0.9})]
    weeks, hh = c.calendar.weeks, 1000.0
    plans = [(s, r) for s in range(weeks + 1) for r in range(weeks + 1)]
    cost = {p: p[0] * level_cents(c, "social_media", MEDIA_COST["social_media"])
            + p[1] * level_cents(c, "radio", MEDIA_COST["radio"]) for p in plans}
    share = {p: [media_response({"social_media": p[0], "radio": p[1]}, weeks, hh, d).aware_any for d in draws]
             for p in plans}

    def beaten(p):
        return any(q != p and cost[q] <= cost[p] and all(a >= b - 1e-12 for a, b in zip(share[q], share[p]))
                   and (cost[q] < cost[p] or any(a > b + 1e-12 for a, b in zip(share[q], share[p])))
                   for q in plans)

    needed = {p for p in plans if not beaten(p)}
    menu = media_menu(c, hh, 0, draws)
    got = {(lv.get("social_media", 0), lv.get("radio", 0)) for lv in menu.levels}
    assert got == needed
    # at the mean shares alone some of them would go: the test can tell the two apart
    mean = {p: sum(share[p]) / 2 for p in plans}
    assert any(any(cost[q] <= cost[p] and mean[q] > mean[p] for q in plans) for p in needed)
    assert menu.aware_draws is not None and menu.aware_draws.shape == (2, len(menu.levels))


def test_resolve_keeping_the_media_plan_values_the_plan_alike(demo_campaign):
    """Re-solves keep the first solve's media plan; the mean over the draws is then one linear objective, and it
    must value the plan as the split over the media plans did (and as the closed form does)."""
    from optimizer.allocation import Resolve

    c = _campaign(demo_campaign, 3, 900, SOCIAL_ONLY, {"awareness.p_loudspeaker": 0.0})
    first = _solve(c, [DOOR_STRONG, OTHER_STRONG], 1)
    again = solve_allocation(c, None, instance=first.instance, relative_gap=0.0, time_limit_s=10.0, explain=False,
                             resolve=Resolve(hint=first))
    assert again.solution.media == first.solution.media
    assert again.objective == pytest.approx(first.objective, abs=0.05)
    mean = np.mean([_under(c, again, d) for d in (DOOR_STRONG, OTHER_STRONG)])
    assert again.objective == pytest.approx(mean, abs=0.3)
