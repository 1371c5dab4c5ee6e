"""The map's planning layers and popups (issue 18): what each village gets, survey priorities, forum venues."""

from __future__ import annotations

import datetime as dt
import json
import re

from maps import write_campaign_map
from maps.layers import PRIORITY_RING_PX, forum_layer, forum_venue, popup_script, priority_layer, village_popups
from outreach.model import Estimate, Outing, Priorities, Roster, VillagePriority
from tests.maps.test_campaign_map import small_plan  # noqa: F401  (the fixture)


def _priorities(geo, scores):
    e = Estimate(0.4, 0.3, 0.5)
    by = {c: VillagePriority(c, e, e, e, s, "village") for c, s in scores.items()}
    return Priorities(by, {}, e, {}, {}, {}, 100, "test")


def test_forum_venue_is_the_most_populous_village_first_in_code_order(demo_campaign):
    geo = demo_campaign.geography
    for s in geo.sangkats:
        vs = geo.villages_in(s.code)
        top = max(v.households for v in vs)
        assert forum_venue(geo, s.code) == next(v for v in vs if v.households == top)
    assert forum_venue(geo, "no such sangkat") is None
    # a tie: the first of the two in code order
    from dataclasses import replace

    s = geo.sangkats[0]
    a, b = geo.villages_in(s.code)[:2]
    top = max(v.households for v in geo.villages_in(s.code)) + 1
    tied = replace(geo, villages=tuple(replace(v, households=top) if v.code in (a.code, b.code) else v
                                       for v in geo.villages))
    assert forum_venue(tied, s.code).code == min(a.code, b.code)


def test_popup_says_what_the_plan_does_in_the_village(demo_campaign, small_plan):  # noqa: F811
    plan, reach = small_plan
    geo = demo_campaign.geography
    v1 = geo.villages[0]
    monday = dt.date(2027, 1, 4)
    roster = Roster(plan.roster.pairs, (Outing("P01", monday, "morning", ((v1.code, 30),)),
                                        Outing("P02", monday + dt.timedelta(days=9), "evening", ((v1.code, 12),))), "t")
    plan = type(plan)(plan.campaign_name, plan.allocation, plan.tours, roster)
    pops = village_popups(demo_campaign, plan, reach, _priorities(geo, {v1.code: 0.75}))
    text = re.sub(r"<[^>]+>", "|", pops[v1.code])
    assert f"|Households||{v1.households:,}|" in text
    assert "|Survey priority||0.75 (from village answers)|" in text and "|Aware before (survey)||40% (30%–50%)|" in text
    assert "|Doors in the roster||42 by P01, P02 (04 Jan – 13 Jan)|" in text  # 30 + 12 doors, both pairs, both dates
    assert "|Loudspeaker passes (days heard)||1|" in text  # the one tuk-tuk day stops there
    assert f"|Expected aware at the end||5 households ({5 / v1.households:.0%})|" in text
    venue = forum_venue(geo, v1.sangkat_code)
    assert ("(held here)" if venue == v1 else f"(at {venue.name_en})") in text  # 1 forum per sangkat in the plan
    assert "Survey priority" not in village_popups(demo_campaign, plan, reach, None)[v1.code]


def test_priority_rings_grow_with_the_score(demo_campaign):
    geo = demo_campaign.geography
    a, b, c = geo.villages[:3]
    layer = priority_layer(geo, _priorities(geo, {a.code: 1.0, b.code: 3.0, c.code: 2.0}))
    radii = {m.location[0]: m.options["radius"] for m in layer._children.values()}
    small, big = PRIORITY_RING_PX
    assert len({a.lat, b.lat, c.lat}) == 3 and radii == {a.lat: small, b.lat: big, c.lat: (small + big) / 2}
    assert all(not m.options["fill"] for m in layer._children.values())  # rings: no colour to confuse with reach
    assert priority_layer(geo, None) is None


def test_forum_layer_marks_only_sangkats_with_forums(demo_campaign):
    geo = demo_campaign.geography
    s0, s1 = geo.sangkats[:2]
    layer = forum_layer(geo, {s0.code: 2, s1.code: 0})
    marks = list(layer._children.values())
    assert len(marks) == 1 and marks[0].location == [forum_venue(geo, s0.code).lat, forum_venue(geo, s0.code).lon]


def test_map_carries_layers_popups_and_print_style(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach = small_plan
    geo = demo_campaign.geography
    pri = _priorities(geo, {v.code: float(i) for i, v in enumerate(geo.villages)})
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html", priorities=pri).read_text("utf-8")
    for name in ("Survey priority (ring size)", "Forum venues", "survey priority (bigger: sooner)", "forum venue"):
        assert name in html
    assert "@media print" in html and "size: A4 landscape" in html and ".leaflet-control-layers" in html
    assert "$(" not in html.split("</style>")[-1]  # no jQuery call: the offline map carries none
    bound = re.search(r"var p = (\{.*?\}); Object\.keys\(p\)", html, re.S)
    assert bound is not None and len(json.loads(bound.group(1).replace("<\\/", "</"))) == len(geo.villages)


def test_popup_script_cannot_close_the_script_tag():
    js = popup_script({"circle_marker_1": "<b>x</b></script><script>alert(1)</script>"})
    assert "</script>" not in js and "<\\/script>" in js
