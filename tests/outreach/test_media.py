"""District-wide channels in closed form: hand calculations of each channel's response and of its caps."""

from __future__ import annotations

import math

import pytest

from outreach.media import MEDIA, media_caps, media_response, with_media
from outreach.parameters import DOCUMENTED
from outreach.parameters import resolve as _resolve


def resolve(overrides=None):
    """The parameters at their documented values (the hand calculations below write them out), with overrides."""
    return {**_resolve(), **DOCUMENTED, **(overrides or {})}


def r_week(days: float, half_life_weeks: float) -> float:
    """Retention by hand: halves every half-life."""
    return 0.5 ** (days / (7 * half_life_weeks))


def test_social_media_two_weeks_by_hand():
    p = resolve()
    got = media_response({"social_media": 2}, 12, 5000, p)
    u, q, pe, hl = 0.72, 0.30, 0.05, 4.0  # the documented defaults, written out
    assert p["social_media.user_share"] == u and p["social_media.weekly_reach"] == q
    # the last two weeks: their middles 3.5 and 10.5 days before the end
    aware = u * (1 - (1 - q * pe * r_week(3.5, hl)) * (1 - q * pe * r_week(10.5, hl)))
    assert got.aware["social_media"] == pytest.approx(aware, rel=1e-12)
    assert got.exposed["social_media"] == pytest.approx(u * (1 - 0.7 ** 2), rel=1e-12)
    assert got.exposed["radio"] == 0.0 and got.aware["partner_ngo"] == 0.0


def test_radio_weeks_saturate_at_the_listeners():
    p = resolve({"radio.weekly_hear": 0.9, "awareness.p_radio": 0.4, "awareness.half_life_weeks": 12})
    got = media_response({"radio": 3}, 8, 1000, p)
    r = [r_week(d, 12.0) for d in (3.5, 10.5, 17.5)]
    aware = 0.34 * (1 - math.prod(1 - 0.9 * 0.4 * x for x in r))
    assert got.aware["radio"] == pytest.approx(aware, rel=1e-12)
    assert got.exposed["radio"] == pytest.approx(0.34 * (1 - 0.1 ** 3), rel=1e-12)
    many = media_response({"radio": 40}, 8, 1000, p)  # no more weeks than the campaign has
    assert many.exposed["radio"] == pytest.approx(0.34 * (1 - 0.1 ** 8), rel=1e-12)


def test_partner_ngo_meetings_by_hand():
    p = resolve({"ngo.households_per_meeting": 300})
    got = media_response({"partner_ngo": 3}, 12, 1000, p)
    s = 300 / 1000
    r_mid = r_week(3.5 * 12, 4.0)  # mid-campaign: 42 days before the end
    assert got.aware["partner_ngo"] == pytest.approx(1 - (1 - s * 0.5 * r_mid) ** 3, rel=1e-12)
    assert got.exposed["partner_ngo"] == pytest.approx(1 - 0.7 ** 3, rel=1e-12)
    small = media_response({"partner_ngo": 1}, 12, 100, p)  # an NGO larger than the district tells everyone
    assert small.exposed["partner_ngo"] == 1.0


def test_channels_combine_independently():
    p = resolve()
    got = media_response({"social_media": 4, "radio": 2, "partner_ngo": 1}, 12, 3000, p)
    none_aware = math.prod(1 - got.aware[c] for c in MEDIA)
    none_seen = math.prod(1 - got.exposed[c] for c in MEDIA)
    assert got.aware_any == pytest.approx(1 - none_aware, rel=1e-12)
    assert got.reach == pytest.approx(1 - none_seen, rel=1e-12)
    # 100 households of which 40 aware (baseline and village channels): R of the 60 others join them
    assert float(with_media(100.0, 40.0, got.aware_any)) == pytest.approx(40 + got.aware_any * 60, rel=1e-12)


def test_village_chiefs_by_hand():
    p = resolve({"chief.meeting_attendance": 0.5, "awareness.p_chief": 0.8})
    got = media_response({"village_chief": 3}, 8, 1000, p)
    assert got.exposed["village_chief"] == 0.5
    assert got.aware["village_chief"] == pytest.approx(0.5 * 0.8 * r_week(28, 4.0), rel=1e-12)
    assert media_response({}, 8, 1000, p).aware["village_chief"] == 0.0


def test_caps_default_to_the_weeks_partners_and_sangkats():
    p = resolve({"ngo.partners": 7})
    assert media_caps({}, 10, p, 4) == {"social_media": 10, "radio": 10, "partner_ngo": 7, "village_chief": 4,
                                        "group_event": 4}
    assert media_caps({"radio": 0, "social_media": 30, "village_chief": 0, "group_event": 9}, 10, p, 4) == {
        "social_media": 10, "radio": 0, "partner_ngo": 7, "village_chief": 0, "group_event": 9}


def test_group_events_by_hand():
    p = resolve({"event.people_met": 50, "awareness.p_event": 0.5})
    got = media_response({"group_event": 4}, 10, 2000, p)
    s, r_mid = 50 / 2000, r_week(35, 4.0)
    assert got.exposed["group_event"] == pytest.approx(1 - (1 - s) ** 4, rel=1e-12)
    assert got.aware["group_event"] == pytest.approx(1 - (1 - s * 0.5 * r_mid) ** 4, rel=1e-12)
