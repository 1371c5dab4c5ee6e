"""The closed-form response against hand calculations (issue 19: tests that catch a wrong formula).

Every expected value comes from the Beta law's moments, written out here
independently of the quadrature: with ``pi ~ Beta(a, b)``, ``c = a + b``,
``E[pi^n] = prod_{i<n} (a + i) / (c + i)`` and ``E[(1 - pi)^n] =
prod_{i<n} (b + i) / (c + i)``. Parameters are set explicitly (mean 0.3,
concentration 2: ``a = 0.6``, ``b = 1.4``), so no shipped value enters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from outreach.response import (
    DoorEvent,
    Events,
    HomeEvent,
    VillageInputs,
    _bern,
    _conv,
    _poisson,
    banner_rates,
    direct_response,
    final_awareness,
    mid_campaign_retention,
    retention,
    village_response,
    village_response_array,
    word_of_mouth,
)

A, B = 0.6, 1.4
C = A + B
K1 = {"a": A, "b": B, "k": 1}


def hit(n: int) -> float:
    """``E[pi^n]``: reached on each of ``n`` independent weekday occasions."""
    return math.prod((A + i) / (C + i) for i in range(n))


def miss(n: int) -> float:
    """``E[(1 - pi)^n]``: nobody at home on any of ``n`` weekday occasions."""
    return math.prod((B + i) / (C + i) for i in range(n))


def test_moments_by_hand() -> None:
    # the helpers themselves, against numbers worked on paper
    assert (hit(1), hit(2), miss(1), miss(2), miss(3)) == pytest.approx((0.3, 0.16, 0.7, 0.56, 0.476))


def test_retention_halves_every_half_life_and_ignores_the_future() -> None:
    p = {"awareness.half_life_weeks": 4.0}
    assert retention([-5.0, 0.0, 28.0, 56.0, 14.0], p) == pytest.approx([1.0, 1.0, 0.5, 0.25, 2 ** -0.5])
    assert mid_campaign_retention(8, p) == pytest.approx(0.5)  # 28 days before the end
    assert mid_campaign_retention(4, p) == pytest.approx(2 ** -0.5)  # 14 days
    assert isinstance(mid_campaign_retention(8, p), float)


def test_banner_rates_spread_over_weeks() -> None:
    p = {"awareness.half_life_weeks": 4.0, "banner.passes_per_week": 3.0, "awareness.p_banner_pass": 0.1}
    lt, le = banner_rates(2, 2, p)  # 2 banners x 3 passes x 0.1 = 0.6 noticed a week
    assert lt == pytest.approx(1.2)
    # mid-week passes 10.5 and 3.5 days before the end
    assert le == pytest.approx(0.6 * (2 ** (-10.5 / 28) + 2 ** (-3.5 / 28)))
    lt, le = banner_rates(np.array([1, 0]), 2, p, days_after_week_mid=np.array([0.0, 28.0]))
    assert lt == pytest.approx([0.6, 0.0]) and le == pytest.approx([0.3 * 1.5, 0.0])


def test_word_of_mouth_and_final_awareness_by_hand() -> None:
    p = {"awareness.wom_rate": 0.05, "awareness.wom_engaged_vs_informed": 7.0}
    # lambda = 0.05 (10 + 14 / 7) / 100 = 0.006
    assert word_of_mouth(100, 10, 14, p) == pytest.approx(1 - math.exp(-0.006))
    # fewer than one household counts as one
    assert word_of_mouth([0.0, 0.5], 1.0, 0.0, p) == pytest.approx([1 - math.exp(-0.05)] * 2)
    assert final_awareness(0.2, 0.5, 0.1) == pytest.approx(0.2 + 0.8 * (0.5 + 0.5 * 0.1))
    assert final_awareness([0.0, 1.0], 0.0, 0.0) == pytest.approx([0.0, 1.0])


def _direct(events: Events, k: int = 1, shape: tuple[int, ...] = ()):
    return direct_response(shape, events, a=A, b=B, k=k)


def test_door_rounds_reach_and_memory() -> None:
    e = 0.5
    one = _direct(Events(door=[DoorEvent(1.0, 1.0, e)]))
    assert (one.reached, one.aware, one.aware_engaged) == pytest.approx((0.3, 0.15, 0.15))
    assert {c: float(v) for c, v in one.by_channel.items()} == pytest.approx(
        {"door": 0.3, "loudspeaker": 0.0, "forum": 0.0, "banner": 0.0, "leaflet": 0.0})
    two = [DoorEvent(1.0, 1.0, e), DoorEvent(1.0, 1.0, e)]
    assert _direct(Events(door=two)).reached == pytest.approx(1 - miss(2))
    # each round an independent effective memory with probability e pi
    assert _direct(Events(door=two)).aware == pytest.approx(2 * e * hit(1) - e * e * hit(2))
    assert _direct(Events(door=two), k=2).aware == pytest.approx(e * e * hit(2))
    assert _direct(Events(door=two), k=3).aware == pytest.approx(0.0, abs=1e-12)
    # a household on the list with probability 0.5, an exponent of 2 (two weekday chances)
    assert _direct(Events(door=[DoorEvent(1.0, 0.5, e)])).reached == pytest.approx(0.15)
    assert _direct(Events(door=[DoorEvent(2.0, 1.0, e)])).reached == pytest.approx(1 - miss(2))


def test_callbacks_visit_only_the_never_contacted() -> None:
    e = 0.5
    full = _direct(Events(door=[DoorEvent(1.0, 1.0, e), DoorEvent(1.0, 1.0, e, callback=True)]))
    assert full.reached == pytest.approx(1 - miss(2))
    # aware: contacted at the round, or first at the callback: e (pi + (1 - pi) pi)
    assert full.aware == pytest.approx(e * (2 * hit(1) - hit(2)))
    two = _direct(Events(door=[DoorEvent(1.0, 1.0, e), DoorEvent(1.0, 1.0, e, callback=True)]), k=2)
    assert two.aware == pytest.approx(0.0, abs=1e-12)  # nobody is met twice
    half = _direct(Events(door=[DoorEvent(1.0, 1.0, e), DoorEvent(1.0, 0.5, e, callback=True)]))
    # not contacted: E[(1 - pi)(1 - 0.5 pi)] = 1 - E[pi] - 0.5 (E[pi] - E[pi^2])
    assert half.reached == pytest.approx(hit(1) + 0.5 * (hit(1) - hit(2)))
    # a callback before any round finds everybody never contacted
    first = _direct(Events(door=[DoorEvent(1.0, 1.0, e, callback=True), DoorEvent(1.0, 1.0, e)]), k=2)
    assert first.aware == pytest.approx(e * e * hit(2))


def test_leaflet_at_the_first_door_contact_only() -> None:
    e, lf = 0.5, 0.2
    one = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=1.0))
    assert one.aware == pytest.approx(hit(1) * (1 - (1 - e) * (1 - lf)))
    assert float(one.by_channel["leaflet"]) == pytest.approx(0.3)
    assert one.reached == pytest.approx(0.3)  # none is left at the door (Events.left = 0): no reach of its own
    assert _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=1.0), k=2).aware == pytest.approx(
        hit(1) * e * lf)
    # two rounds: three memories (two visits, one leaflet) only when met twice
    two = [DoorEvent(1.0, 1.0, e, leaflet=lf), DoorEvent(1.0, 1.0, e, leaflet=lf)]
    assert _direct(Events(door=two, hand=1.0), k=3).aware == pytest.approx(hit(2) * e * e * lf)
    cb = [DoorEvent(1.0, 1.0, e, leaflet=lf), DoorEvent(1.0, 1.0, e, callback=True, leaflet=lf)]
    assert _direct(Events(door=cb, hand=1.0), k=2).aware == pytest.approx(e * lf * (2 * hit(1) - hit(2)))
    off = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=0.0))
    assert off.aware == pytest.approx(hit(1) * e) and float(off.by_channel["leaflet"]) == 0.0


def test_leaflet_left_where_nobody_answered() -> None:
    """``l`` = leaflet.left_when_absent: a leaflet left is informed (not engaged), one per household."""
    e, lf, left = 0.5, 0.2, 0.6
    one = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=1.0, left=left))
    assert float(one.reached) == pytest.approx(0.3 + 0.7 * left)  # met, or a leaflet found at the door
    assert float(one.by_channel["door"]) == pytest.approx(0.3)
    assert float(one.by_channel["leaflet"]) == pytest.approx(0.3 + 0.7 * left)
    assert float(one.door_leaflets) == pytest.approx(0.3 + 0.7 * left)
    assert float(one.aware) == pytest.approx(0.3 * (1 - (1 - e) * (1 - lf)) + 0.7 * left * lf)
    assert float(one.aware_engaged) == pytest.approx(0.3 * (1 - (1 - e) * (1 - lf)))
    # not handing leaflets out leaves none either
    off = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=0.0, left=left))
    assert float(off.reached) == pytest.approx(0.3) and float(off.door_leaflets) == 0.0
    # two rounds: met at the first (pi); or left one (1 - pi) l and met at the second without a new leaflet;
    # or nothing at the first and, at the second, met with a leaflet handed over or else one left
    two = [DoorEvent(1.0, 1.0, e, leaflet=lf), DoorEvent(1.0, 1.0, e, leaflet=lf)]
    got = _direct(Events(door=two, hand=1.0, left=left))
    q = 1 - (1 - e) * (1 - lf)  # a first contact leaves a memory
    p1, p2, p1q = hit(1), hit(2), hit(1) - hit(2)  # E[pi], E[pi^2], E[(1 - pi) pi]
    not_aware = ((1 - e) * (1 - lf) * (p1 - e * p2) + left * (1 - lf) * (0.7 - e * p1q)
                 + (1 - left) * (p1q * (1 - q) + miss(2) * (1 - left * lf)))
    assert float(got.aware) == pytest.approx(1 - not_aware)
    not_engaged = ((1 - e) * (1 - lf) * (p1 - e * p2) + left * (0.7 - e * p1q)
                   + (1 - left) * (p1q * (1 - q) + miss(2)))
    assert float(got.aware_engaged) == pytest.approx(1 - not_engaged)
    assert float(got.door_leaflets) == pytest.approx(1 - miss(2) * (1 - left) ** 2)
    # a callback visits the never contacted only, those who found a leaflet too (no second leaflet)
    cb = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf), DoorEvent(1.0, 1.0, e, callback=True,
                                                                           leaflet=lf)], hand=1.0, left=left))
    assert float(cb.aware) == pytest.approx(1 - not_aware - (1 - e) * (1 - lf) * e * p2)  # met ones skipped
    # k = 2: a remembered left leaflet and a loudspeaker memory make a household aware, not engaged
    ls = HomeEvent("loudspeaker", 1.0, 1.0, 0.5)
    mix = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], home=[ls], hand=1.0, left=1.0), k=2)
    informed_only = p1q * lf * 0.5
    assert float(mix.aware) == pytest.approx(p1 * e * lf + p2 * (e * (1 - lf) + (1 - e) * lf) * 0.5
                                             + informed_only)
    assert float(mix.aware_engaged) == pytest.approx(float(mix.aware) - informed_only)


def test_loudspeaker_and_forum_need_someone_at_home() -> None:
    ls = HomeEvent("loudspeaker", 1.0, 1.0, 0.4)
    one = _direct(Events(home=[ls]))
    assert (one.reached, one.aware, one.aware_engaged) == pytest.approx((0.3, 0.12, 0.0))
    assert float(one.by_channel["loudspeaker"]) == pytest.approx(0.3)
    assert _direct(Events(home=[HomeEvent("loudspeaker", 1.0, 0.5, 0.4)])).reached == pytest.approx(0.15)
    two = _direct(Events(home=[ls, ls]), k=2)
    assert two.reached == pytest.approx(1 - miss(2)) and two.aware == pytest.approx(0.16 * hit(2))
    forum = HomeEvent("forum", 1.0, 1.0, 0.9, leaflet=0.2)
    both = _direct(Events(home=[ls, forum]))
    assert both.reached == pytest.approx(1 - miss(2))
    assert both.aware == pytest.approx(0.4 * hit(1) + 0.9 * hit(1) - 0.36 * hit(2))
    assert both.aware_engaged == pytest.approx(0.9 * hit(1))  # the forum's memory, the loudspeaker's not
    assert float(both.by_channel["forum"]) == pytest.approx(0.3)
    assert float(both.by_channel["leaflet"]) == 0.0  # no leaflets handed out
    handed = _direct(Events(home=[forum], hand=1.0))
    assert handed.aware == pytest.approx(hit(1) * (1 - 0.1 * 0.8))
    assert handed.aware_engaged == pytest.approx(handed.aware)
    assert float(handed.by_channel["leaflet"]) == pytest.approx(0.3)
    assert _direct(Events(home=[forum], hand=1.0), k=2).aware == pytest.approx(hit(1) * 0.9 * 0.2)
    two_forums = _direct(Events(home=[forum, forum], hand=1.0), k=4)
    assert two_forums.aware == pytest.approx(hit(2) * 0.81 * 0.04)


def test_banners_are_poisson_and_independent_of_home() -> None:
    lt, le = 2.0, 1.0
    ban = [_direct(Events(banner=(lt, le)), k=k) for k in (1, 2, 3)]
    assert ban[0].reached == pytest.approx(1 - math.exp(-lt))
    assert float(ban[0].by_channel["banner"]) == pytest.approx(1 - math.exp(-lt))
    tails = [1 - math.exp(-le), 1 - 2 * math.exp(-le), 1 - 2.5 * math.exp(-le)]
    assert [float(b.aware) for b in ban] == pytest.approx(tails)
    assert ban[0].aware_engaged == pytest.approx(0.0, abs=1e-12)
    # a door memory (probability 0.15) and the banner's count add up
    door = [DoorEvent(1.0, 1.0, 0.5)]
    mix = _direct(Events(door=door, banner=(lt, le)), k=2)
    assert mix.aware == pytest.approx(0.15 * tails[0] + 0.85 * tails[1])
    assert mix.aware_engaged == pytest.approx(0.15 * tails[0])
    # loudspeaker memories and banner passes are both informed: they add up too
    ls = _direct(Events(home=[HomeEvent("loudspeaker", 1.0, 1.0, 0.5)], banner=(0.0, le)), k=2)
    assert ls.aware == pytest.approx(0.15 * tails[0] + 0.85 * tails[1])


def test_banner_readers_by_hand() -> None:
    """Readers (share c) take every pass: reach c (1 - exp(-lt / c)), counts a mixture of 0 and Poisson(le / c)."""
    lt, le, c = 2.0, 1.0, 0.25
    ban = [_direct(Events(banner=(lt, le), readers=c), k=k) for k in (1, 2)]
    assert float(ban[0].by_channel["banner"]) == pytest.approx(c * (1 - math.exp(-8.0)))
    assert float(ban[0].reached) == pytest.approx(c * (1 - math.exp(-8.0)))
    assert [float(b.aware) for b in ban] == pytest.approx([c * (1 - math.exp(-4.0)), c * (1 - 5 * math.exp(-4.0))])
    # a loudspeaker memory (0.15) reaches readers and non-readers alike: P(>= 2) needs a reader's banner memory
    ls = _direct(Events(home=[HomeEvent("loudspeaker", 1.0, 1.0, 0.5)], banner=(0.0, le), readers=c), k=2)
    assert float(ls.aware) == pytest.approx(c * (0.15 * (1 - math.exp(-4.0)) + 0.85 * (1 - 5 * math.exp(-4.0))))


def test_units_broadcast_and_keep_their_values() -> None:
    d = direct_response((3,), Events(door=[DoorEvent(1.0, np.array([0.0, 0.5, 1.0]), 0.5)],
                                     banner=(np.array([0.0, 0.0, 1.0]), 0.0)), a=A, b=B, k=1)
    assert d.reached == pytest.approx([0.0, 0.15, 1 - 0.7 * math.exp(-1.0)])
    assert d.aware == pytest.approx([0.0, 0.075, 0.15])


def test_leaflets_handed_in_some_units_only() -> None:
    # hand varies over the units while the door visit is the same everywhere: the door's count distribution must
    # take the shape of hand, not only of its own values. Unit 0 hands no leaflet, unit 1 does (e 0.5, lf 0.2):
    # aware is 0.5 pi and (1 - 0.5 * 0.8) pi; a leaflet adds no reach, so both reach 0.3
    e, lf = 0.5, 0.2
    hand = np.array([0.0, 1.0])
    one = _direct(Events(door=[DoorEvent(1.0, 1.0, e, leaflet=lf)], hand=hand), shape=(2,))
    assert one.aware == pytest.approx([hit(1) * e, hit(1) * (1 - (1 - e) * (1 - lf))])
    assert one.by_channel["leaflet"] == pytest.approx([0.0, 0.3])
    assert one.reached == pytest.approx([0.3, 0.3])
    # the same through the callback branch: a round then its callback, k = 2 (two memories of the first contact)
    cb = [DoorEvent(1.0, 1.0, e, leaflet=lf), DoorEvent(1.0, 1.0, e, callback=True, leaflet=lf)]
    two = _direct(Events(door=cb, hand=hand), k=2, shape=(2,))
    assert two.aware == pytest.approx([0.0, e * lf * (2 * hit(1) - hit(2))])


def test_no_banner_raises_no_numpy_warning() -> None:
    # most villages get no banner (Poisson mean 0): the count arithmetic must not divide by it, or every plan
    # prints numpy's divide-by-zero warnings
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = _direct(Events(door=[DoorEvent(1.0, 1.0, 0.5)], banner=(0.0, 0.0)))
    assert d.aware == pytest.approx(0.15)


# --------------------------------------------------------------------------- village_response_array by hand
P = {
    "canvass.p_answer_first_visit": 0.3, "canvass.at_home_beta_concentration": 2.0, "canvass.max_callbacks": 2,
    "canvass.evening_weekend_multiplier": 1.35, "awareness.effective_frequency_k": 1,
    "awareness.half_life_weeks": 4.0,  # 8 weeks: mid-campaign retention 2^(-28 / 28) = 0.5
    "awareness.p_door": 0.8, "awareness.p_loudspeaker": 0.3, "awareness.p_forum": 0.9, "awareness.p_leaflet": 0.1,
    "awareness.p_banner_pass": 0.1, "banner.passes_per_week": 2.0, "banner.reader_share": 0.4,
    "leaflet.left_when_absent": 0.0,
    "forum.participation_rate": 0.66,
    "awareness.wom_rate": 0.05, "awareness.wom_engaged_vs_informed": 7.0,
}


def _inputs(**kw) -> VillageInputs:
    base = {"households": 100, "door_rounds": 0, "callbacks": 0, "loudspeaker_passes": 0, "loudspeaker_share": 0.0,
            "forum": 0, "banners": 0, "leaflets": 0, "baseline_awareness": 0.0}
    return VillageInputs(**{**base, **kw})


def _aware(h: float, base: float, direct: float, engaged: float) -> float:
    """Households aware: baseline, direct, and word of mouth from the newly aware (engaged at the full rate)."""
    lam = 0.05 * (h * (1 - base) * engaged + h * (1 - base) * (direct - engaged) / 7.0) / h
    return h * (base + (1 - base) * (direct + (1 - direct) * (1 - math.exp(-lam))))


def test_one_round_with_baseline_by_hand() -> None:
    r = village_response_array(_inputs(door_rounds=1, baseline_awareness=0.2), P)
    # reached 0.3 of 100; a memory with p_door x retention = 0.4: direct 0.12, all engaged
    assert (float(r.reached), float(r.met_at_door), float(r.forum_leaflets)) == pytest.approx((30.0, 30.0, 0.0))
    assert float(r.aware) == pytest.approx(_aware(100, 0.2, 0.12, 0.12))
    # leaflets: at the first contact, a memory with p_leaflet x 0.5; more than 1 counts as 1
    for leaf in (1, 3):
        r = village_response_array(_inputs(door_rounds=1, leaflets=leaf), P)
        direct = 0.3 * (1 - 0.6 * 0.95)
        assert float(r.aware) == pytest.approx(_aware(100, 0.0, direct, direct))
    r = village_response_array(_inputs(door_rounds=1), P, weeks=4)  # retention 2^(-14 / 28)
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, 0.3 * 0.8 * 2 ** -0.5, 0.3 * 0.8 * 2 ** -0.5))


def test_rounds_and_callbacks_are_capped() -> None:
    def reach(**kw) -> float:
        return float(village_response_array(_inputs(**kw), P).reached)

    assert reach(door_rounds=1, callbacks=1) == pytest.approx(100 * (1 - miss(2)))
    # callbacks per round: up to canvass.max_callbacks + 1 = 3
    assert reach(door_rounds=1, callbacks=3) == pytest.approx(100 * (1 - miss(4)))
    assert reach(door_rounds=1, callbacks=5) == pytest.approx(100 * (1 - miss(4)))
    assert reach(door_rounds=2, callbacks=1) == pytest.approx(100 * (1 - miss(4)))
    # rounds: up to max_rounds = 6
    assert reach(door_rounds=5) == pytest.approx(100 * (1 - miss(5)))
    assert reach(door_rounds=8) == pytest.approx(100 * (1 - miss(6)))
    r = village_response_array(_inputs(door_rounds=8), P, max_rounds=8)
    assert float(r.reached) == pytest.approx(100 * (1 - miss(8)))
    # evening and weekend doors: the mean contact rate rises by the multiplier
    r = village_response_array(_inputs(door_rounds=1), P, evening_weekend=True)
    assert float(r.reached) == pytest.approx(100 * 1.35 * 0.3, rel=1e-6)


def test_loudspeaker_share_and_passes_by_hand() -> None:
    r = village_response_array(_inputs(loudspeaker_passes=2, loudspeaker_share=0.5), P)
    assert float(r.reached) == pytest.approx(50 * (1 - miss(2)))
    e = 0.3 * 0.5  # p_loudspeaker x retention
    inside = 2 * e * hit(1) - e * e * hit(2)
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, 0.5 * inside, 0.0))
    assert float(r.met_at_door) == 0.0
    capped = village_response_array(_inputs(loudspeaker_passes=10, loudspeaker_share=1.0), P)
    assert float(capped.reached) == pytest.approx(100 * (1 - miss(8)))  # max_passes = 8
    more = village_response_array(_inputs(loudspeaker_passes=10, loudspeaker_share=1.0), P, max_passes=10)
    assert float(more.reached) == pytest.approx(100 * (1 - miss(10)))


def test_forums_by_hand() -> None:
    r = village_response_array(_inputs(forum=1), P)
    assert float(r.reached) == pytest.approx(66.0, rel=1e-4)  # attendance forum.participation_rate
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, 0.66 * 0.45, 0.66 * 0.45), rel=1e-4)
    assert float(r.forum_leaflets) == 0.0
    r = village_response_array(_inputs(forum=1, leaflets=1), P)
    direct = 0.66 * (1 - 0.55 * 0.95)  # the forum's memory and its leaflet's
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, direct, direct), rel=1e-4)
    assert float(r.forum_leaflets) == pytest.approx(66.0)
    r = village_response_array(_inputs(forum=6, leaflets=1, forum_attendance=0.5), P)  # at most 4 forums
    assert float(r.forum_leaflets) == pytest.approx(200.0)
    assert float(r.reached) == pytest.approx(100 * (1 - _forum_miss(0.5, 4)), rel=1e-4)


def _forum_miss(target: float, n: int) -> float:
    """``E[(1 - pi)^(n x)]`` with ``x`` such that ``E[(1 - pi)^x] = 1 - target`` (the solved exponent)."""
    from scipy.optimize import brentq
    from scipy.special import betaln

    x = brentq(lambda t: 1 - math.exp(betaln(A, B + t) - betaln(A, B)) - target, 1e-9, 1e6)
    return math.exp(betaln(A, B + n * x) - betaln(A, B))


def test_banners_by_hand() -> None:
    r = village_response_array(_inputs(banners=1), P)
    lt = 2.0 * 0.1 * 8  # passes a week x noticed x weeks, over the village; readers (40 %) take them all
    le = 0.2 * sum(2 ** (-(7 * (8 - w) - 3.5) / 28) for w in range(8))
    assert float(r.reached) == pytest.approx(100 * 0.4 * (1 - math.exp(-lt / 0.4)))
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, 0.4 * (1 - math.exp(-le / 0.4)), 0.0))


def test_door_leaflets_by_hand() -> None:
    """One round with leaflets: met (0.3) or, nobody home, one left with probability l; none without leaflets."""
    p = {**P, "leaflet.left_when_absent": 0.6}
    r = village_response_array(_inputs(door_rounds=1, leaflets=1), p)
    assert float(r.door_leaflets) == pytest.approx(100 * (0.3 + 0.7 * 0.6))
    assert float(r.met_at_door) == pytest.approx(30.0)
    assert float(village_response_array(_inputs(door_rounds=1, leaflets=0), p).door_leaflets) == 0.0


def test_scalar_form_sizes_its_loops_to_the_counts() -> None:
    one = village_response(_inputs(door_rounds=7, loudspeaker_passes=9, loudspeaker_share=1.0), P)
    assert isinstance(one.reached, float) and isinstance(one.aware, float)
    assert one.reached == pytest.approx(100 * (1 - miss(16)))
    none = village_response(_inputs(), P)
    assert (none.reached, none.aware) == (0.0, 0.0)
    late = village_response(_inputs(door_rounds=1), P, weeks=4, evening_weekend=True)
    assert late.reached == pytest.approx(40.5, rel=1e-6)
    assert late.aware == pytest.approx(_aware(100, 0.0, 0.405 * 0.8 * 2 ** -0.5, 0.405 * 0.8 * 2 ** -0.5), rel=1e-6)


def test_count_distributions_by_hand() -> None:
    # counts capped at k = 2: rows are P(0), P(1), P(>= 2)
    d = np.array([0.5, 0.3, 0.2])
    assert _bern(d.copy(), np.array(0.5)) == pytest.approx([0.25, 0.4, 0.35])
    assert _conv(d, np.array([0.0, 1.0, 0.0])) == pytest.approx([0.0, 0.5, 0.5])
    assert _conv(np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.5, 0.0])) == pytest.approx([0.25, 0.5, 0.25])
    lam = 1.0
    pois = np.array([math.exp(-lam), math.exp(-lam), 1 - 2 * math.exp(-lam)])
    assert _poisson(np.array([1.0, 0.0, 0.0]), np.array(lam)) == pytest.approx(pois)
    assert _poisson(d, np.array(lam)) == pytest.approx(_conv(d, pois))
    # three loudspeaker memories (each e pi) and k = 2: 3 (e pi)^2 - 2 (e pi)^3
    e = 0.4
    three = _direct(Events(home=[HomeEvent("loudspeaker", 1.0, 1.0, e)] * 3), k=2)
    assert three.aware == pytest.approx(3 * e * e * hit(2) - 2 * e ** 3 * hit(3))


def test_callbacks_and_leaflets_in_the_village_response() -> None:
    # one round and its callback: the callback meets only the never-contacted, with a leaflet at that first contact
    r = village_response_array(_inputs(door_rounds=1, callbacks=1), P)
    direct = 0.4 * (2 * hit(1) - hit(2))
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, direct, direct))
    r = village_response_array(_inputs(door_rounds=1, callbacks=1, leaflets=1), P)
    direct = (2 * hit(1) - hit(2)) * (1 - 0.6 * 0.95)
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, direct, direct))
    # negative leaflet flags count as none
    r = village_response_array(_inputs(door_rounds=1, leaflets=-1), P)
    assert float(r.aware) == pytest.approx(_aware(100, 0.0, 0.12, 0.12))


def test_door_and_loudspeaker_households_mix_by_share() -> None:
    r = village_response_array(_inputs(door_rounds=1, loudspeaker_passes=1, loudspeaker_share=0.5,
                                       baseline_awareness=0.2), P)
    # inside range: door memory 0.4 pi, loudspeaker 0.15 pi; outside: the door only; engaged: the door's
    inside = 0.55 * hit(1) - 0.06 * hit(2)
    assert float(r.reached) == pytest.approx(50 * (1 - miss(2)) + 50 * 0.3)
    assert float(r.aware) == pytest.approx(_aware(100, 0.2, 0.5 * inside + 0.5 * 0.12, 0.12))
