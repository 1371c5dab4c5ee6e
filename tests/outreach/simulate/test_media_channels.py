"""District-wide channels in the simulator: Monte Carlo against the closed form and against hand calculations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from outreach.households import synthesize_households
from outreach.media import media_response
from outreach.simulate import SimulationOptions, expected_reach, simulate_detailed
from tests.outreach.simulate.builders import START, make_campaign, make_plan, rounds, straight_pass

#: Strong, cheap-to-check media: large audiences and memories so Monte Carlo sees them clearly.
STRONG = {"social_media.weekly_reach": 0.6, "awareness.p_social_media": 0.3, "awareness.p_radio": 0.4,
          "radio.weekly_hear": 0.7, "ngo.households_per_meeting": 400, "awareness.p_ngo": 0.8,
          "awareness.baseline": 0.2}
LEVELS = {"social_media": 3, "radio": 2, "partner_ngo": 2, "village_chief": 1, "group_event": 2}


def with_levels(plan, levels):
    return dataclasses.replace(plan, allocation=dataclasses.replace(plan.allocation, media=dict(levels)))


def _se(band, R):
    return max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)


def test_media_alone_by_hand():
    """No village channel: every household's chances are the channels' own, and the first channel is the
    first of them in MEDIA order that made it aware."""
    camp = make_campaign((300, 500), STRONG, weeks=6)
    plan = with_levels(make_plan(), LEVELS)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 200
    mc = simulate_detailed(camp, plan, SimulationOptions(replications=R, households=hh)).reach
    H, b = 800, 0.2
    p = camp.params
    u_s, q_s = p["social_media.user_share"], 0.6
    r = [0.5 ** (d / 28) for d in (3.5, 10.5, 17.5)]
    a_s = u_s * (1 - math.prod(1 - q_s * 0.3 * x for x in r))
    a_r = 0.34 * (1 - math.prod(1 - 0.7 * 0.4 * x for x in r[:2]))
    s = 400 / 800
    a_n = 1 - (1 - s * 0.8 * 0.5 ** (21 / 28)) ** 2
    a_c = 0.4 * 0.6 * 0.5 ** (21 / 28)  # village chiefs: attendance x memory at mid-campaign
    e = 60 / 800  # group events: event.people_met of the 800 households
    a_e = 1 - (1 - e * 0.5 * 0.5 ** (21 / 28)) ** 2
    want = {"social_media": H * (1 - b) * a_s, "radio": H * (1 - b) * (1 - a_s) * a_r,
            "partner_ngo": H * (1 - b) * (1 - a_s) * (1 - a_r) * a_n,
            "village_chief": H * (1 - b) * (1 - a_s) * (1 - a_r) * (1 - a_n) * a_c,
            "group_event": H * (1 - b) * (1 - a_s) * (1 - a_r) * (1 - a_n) * (1 - a_c) * a_e}
    for c, w in want.items():
        band = mc.aware_by_first_channel[c]
        assert abs(band.mean - w) < 4 * _se(band, R), (c, band, w)
    exposed = {"social_media": H * u_s * (1 - 0.4 ** 3), "radio": H * 0.34 * (1 - 0.3 ** 2),
               "partner_ngo": H * (1 - (1 - s) ** 2), "village_chief": H * 0.4,
               "group_event": H * (1 - (1 - e) ** 2)}
    for c, w in exposed.items():
        assert mc.exposure_by_channel[c] == pytest.approx(w, rel=0.02), c
    aware = H * (b + (1 - b) * (1 - (1 - a_s) * (1 - a_r) * (1 - a_n) * (1 - a_c) * (1 - a_e)))
    assert abs(mc.households_aware.mean - aware) < 4 * _se(mc.households_aware, R)
    assert mc.aware_by_first_channel["word_of_mouth"].mean == 0.0


@pytest.mark.parametrize("k", [1, 2])
def test_media_with_village_channels_matches_closed_form(k):
    camp = make_campaign((300, 500, 250), {**STRONG, "awareness.wom_rate": 0.2,
                                           "awareness.effective_frequency_k": k}, sangkats=2)
    vs = camp.geography.villages
    plan = with_levels(make_plan(
        rounds(camp, 1) + rounds(camp, 1, day0=5, slot="evening", kind="callback"),
        days=[straight_pass(camp, START + dt.timedelta(3))],
        forums={vs[0].sangkat_code: 1}, banners={vs[1].code: 2}, leaflets=300), LEVELS)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 150
    mc = simulate_detailed(camp, plan, SimulationOptions(replications=R, households=hh)).reach
    cf = expected_reach(camp, plan, households=hh)
    for name in ("households_reached", "households_aware", "women_reached", "men_reached"):
        band = getattr(mc, name)
        assert abs(band.mean - getattr(cf, name).mean) < 4 * _se(band, R), (name, band, getattr(cf, name).mean)
    for c in ("social_media", "radio", "partner_ngo", "village_chief", "group_event"):
        assert mc.exposure_by_channel[c] == pytest.approx(cf.exposure_by_channel[c], rel=0.03), c
    # every aware household has exactly one way it became aware
    total = sum(b.mean for b in mc.aware_by_first_channel.values())
    assert total == pytest.approx(mc.households_aware.mean, rel=1e-9)


def test_media_raise_awareness_in_closed_form_exactly():
    """The closed form with media is b + (1 - b)(R + (1 - R) Q) of the closed form without."""
    camp = make_campaign((300, 500), STRONG, weeks=6)
    plan = make_plan(rounds(camp, 1))
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    base = expected_reach(camp, plan, households=hh)
    got = expected_reach(camp, with_levels(plan, LEVELS), households=hh)
    m = media_response(LEVELS, 6, 800, camp.params)
    assert got.households_aware.mean == pytest.approx(
        base.households_aware.mean + m.aware_any * (800 - base.households_aware.mean), rel=1e-9)
    assert got.households_reached.mean == pytest.approx(
        base.households_reached.mean + m.reach * (800 - base.households_reached.mean), rel=1e-9)
