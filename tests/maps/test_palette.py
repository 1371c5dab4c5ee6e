"""No loudspeaker route can be taken for a class of villages: CIELAB distances on the colours the map draws.

The conversion below is written here from the standards (sRGB IEC 61966-2-1,
CIE 1976 L*a*b* with the D65 white) rather than taken from ``maps.palette``,
and colour-blind vision is simulated with the Machado, Oliveira & Fernandes
(2009) matrices at severity 1 applied to linear RGB.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re

import pytest

from maps import write_campaign_map
from maps.palette import REACH_STOPS, ROUTE_COLOURS, TURF_COLOUR, reach_colour, route_style
from outreach.model import Allocation, Band, Plan, Reach, Roster, Stop, Tours, VehicleDay

_CVD = {
    "normal": None,
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
#: CIE76 distance under which two colours on a map can be mistaken (about 2.3 is just noticeable).
MIN_ROUTE_TO_SCALE = 30.0
MIN_ROUTE_TO_ROUTE = 25.0


def _linear(c: int) -> float:
    v = c / 255.0
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def lab(hex_colour: str, vision: str = "normal") -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB hex colour, as seen with ``vision``."""
    r, g, b = (_linear(int(hex_colour[i:i + 2], 16)) for i in (1, 3, 5))
    m = _CVD[vision]
    if m is not None:
        r, g, b = (min(1.0, max(0.0, row[0] * r + row[1] * g + row[2] * b)) for row in m)
    x = 0.4124 * r + 0.3576 * g + 0.1805 * b
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = 0.0193 * r + 0.1192 * g + 0.9505 * b

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x / 0.95047), f(y / 1.0), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference."""
    return math.dist(lab(a, vision), lab(b, vision))


def test_lab_conversion_matches_published_values():
    # published sRGB D65 values: white L=100, black L=0, red (53.24, 80.09, 67.20), blue (32.30, 79.19, -107.86)
    assert lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.05)
    assert lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.05)
    assert lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.1)
    assert lab("#0000ff") == pytest.approx((32.30, 79.19, -107.86), abs=0.1)
    # deuteranopes confuse the old red and green routes; the simulation must say so
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < 10 < delta_e("#d62728", "#2ca02c")


@pytest.fixture()
def drawn(demo_campaign, tmp_path):
    """The map of a plan with five vehicles and villages reached from 0 % to 100 %: its route and village colours."""
    geo = demo_campaign.geography
    vs = geo.villages
    days = []
    for i in range(5):
        a, b = vs[2 * i], vs[2 * i + 1]
        days.append(VehicleDay(f"tuktuk-{i}", dt.date(2027, 1, 5 + i), (Stop(a.code, 25200, 25800),),
                               ((a.lon, a.lat, 25200.0), (b.lon, b.lat, 26400.0)), (True, False), 1.2, 1800, 0.05))
    alloc = Allocation({v.code: 1 for v in vs}, {s.code: 2 for s in geo.sangkats}, {s.code: 1 for s in geo.sangkats},
                       {v.code: 1 for v in vs}, 0, (), "test")
    plan = Plan(demo_campaign.name, alloc, Tours(tuple(days), (), "test"), Roster((), (), "test"))
    n = len(vs)
    reached = {v.code: v.households * k / (n - 1) for k, v in enumerate(vs)}  # shares 0 .. 1
    reach = Reach(Band(10, 9, 11), Band(5, 4, 6), Band(20, 19, 21), Band(18, 17, 19), {}, reached, {}, {}, 1, 1, "t")
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html").read_text(encoding="utf-8")
    routes = re.findall(r'L\.polyline\(\s*\[.*?\],\s*\{[^}]*?"color": "(#[0-9a-fA-F]{6})"', html, flags=re.S)
    villages = re.findall(r'"fill": true, "fillColor": "(#[0-9a-fA-F]{6})"', html)
    villages = [c for c in villages if c.lower() != "#ffd700"]  # the depot marker
    return html, routes, villages


def test_map_draws_every_vehicle_and_the_whole_scale(drawn):
    html, routes, villages = drawn
    assert len(routes) == 5 and len(set(villages)) > 50
    assert villages[0] == reach_colour(0.0) and reach_colour(1.0) in villages
    for name in ("share of households reached", "Loudspeaker routes", "tuktuk-0", "tuktuk-4", "depot"):
        assert name in html  # the legend names both


@pytest.mark.parametrize("vision", list(_CVD))
def test_no_route_colour_is_close_to_a_village_colour(drawn, vision):
    _, routes, villages = drawn
    scale = set(villages) | {reach_colour(k / 100) for k in range(101)} | set(REACH_STOPS)
    worst = min((delta_e(r, v, vision), r, v) for r in set(routes) for v in scale)
    assert worst[0] >= MIN_ROUTE_TO_SCALE, worst


@pytest.mark.parametrize("vision", list(_CVD))
def test_route_colours_differ_from_one_another(vision):
    worst = min((delta_e(a, b, vision), a, b) for a, b in itertools.combinations(ROUTE_COLOURS, 2))
    assert worst[0] >= MIN_ROUTE_TO_ROUTE, worst


def test_vehicles_beyond_the_palette_get_a_dash_pattern(drawn):
    html, routes, _ = drawn
    n = len(ROUTE_COLOURS)
    assert routes[n] == routes[0] and route_style(n)[1] != route_style(0)[1]
    assert f'"dashArray": "{route_style(n)[1]}"' in html


def test_reach_scale_runs_light_to_dark_in_one_hue():
    # a sequential scale: lightness falls monotonically with the share reached
    ls = [lab(reach_colour(k / 50))[0] for k in range(51)]
    assert all(a > b for a, b in zip(ls, ls[1:]))
    assert reach_colour(-1) == REACH_STOPS[0] and reach_colour(2) == REACH_STOPS[-1]
    # halfway between stops 3 (#6baed6) and 4 (#4292c6): ((107+66)/2, (174+146)/2, (214+198)/2) = (86, 160, 206)
    assert reach_colour(0.5) == "#56a0ce"


@pytest.mark.parametrize("vision", list(_CVD))
def test_turf_outline_is_neither_a_route_nor_a_village_colour(drawn, vision):
    _, routes, villages = drawn
    others = set(villages) | {reach_colour(k / 100) for k in range(101)} | set(REACH_STOPS) | set(ROUTE_COLOURS)
    worst = min((delta_e(TURF_COLOUR, c, vision), c) for c in others)
    assert worst[0] >= MIN_ROUTE_TO_ROUTE, worst
