"""The pair's turf map on its weekly sheet: which villages, filled or open, named, north up."""

from __future__ import annotations

import math
import re

import pytest

from outreach.turfmap import turf_key, turf_svg, turf_villages


def _circles(svg: str) -> list[tuple[float, float, float, str]]:
    return [(float(x), float(y), float(r), fill) for x, y, r, fill in
            re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="([^"]+)"', svg)]


def test_turf_map_by_hand(demo_campaign):
    geo = demo_campaign.geography
    sk = geo.villages[0].sangkat_code
    mine = [v for v in geo.villages if v.sangkat_code == sk][:2]
    a, b = mine
    svg = turf_svg(geo, [a.code, b.code], [a.code], lang="en", width=300, height=200)
    assert svg.startswith('<svg class="turfmap"') and "http" not in svg
    circles = _circles(svg)
    context = [c for c in circles if c[3] == "#aaa"]
    marks = [c for c in circles if c[3] != "#aaa"]
    # grey dots: the other villages of the same sangkat; marks: the pair's two, this week's filled
    assert len(context) == sum(1 for v in geo.villages if v.sangkat_code == sk) - 2
    assert [m[3] for m in marks] == ["#1f4e79", "#fff"]  # code order: a (this week) filled, b open
    # radius by hand: 3 + 0.25 √households, at most 9
    assert [m[2] for m in marks] == [round(min(9.0, 3 + 0.25 * math.sqrt(v.households)), 1) for v in (a, b)]
    # north up, east right, equal scales (cos latitude) between the two marks
    (xa, ya), (xb, yb) = (marks[0][0], marks[0][1]), (marks[1][0], marks[1][1])
    assert (xb > xa) == (b.lon > a.lon) and (yb < ya) == (b.lat > a.lat)
    lats = [v.lat for v in (*mine, *turf_villages(geo, [a.code, b.code])[1])]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    if abs(b.lat - a.lat) > 1e-4 and abs(b.lon - a.lon) > 1e-4:
        assert abs(xb - xa) / abs(yb - ya) == pytest.approx(abs(b.lon - a.lon) * k / abs(b.lat - a.lat), rel=0.03)
    assert f">1 {a.name_en}<" in svg and f">2 {b.name_en}<" in svg and a.name_kh not in svg  # numbered as the key
    assert turf_key(geo, [b.code, a.code], "both") == [(1, f"{a.name_kh} {a.name_en}"), (2, f"{b.name_kh} {b.name_en}")]
    # in Khmer only: numbers on the map (SVG text is not shaped in the PDFs), Khmer names in the key
    km = turf_svg(geo, [a.code, b.code], [a.code], lang="km")
    assert ">1<" in km and ">2<" in km and a.name_en not in km and a.name_kh not in km
    assert turf_key(geo, [a.code, b.code], "km") == [(1, a.name_kh), (2, b.name_kh)]


def test_names_do_not_cover_each_other(demo_campaign):
    """A whole sangkat as turf: the label boxes the map chose overlap none of the others (where room was found)."""
    from outreach import turfmap

    geo = demo_campaign.geography
    sk = geo.villages[0].sangkat_code
    codes = [v.code for v in geo.villages if v.sangkat_code == sk][:6]
    taken: list = []
    real_place = turfmap._place

    def spy(x, y, r, w, boxes, width, height):
        out = real_place(x, y, r, w, boxes, width, height)
        taken.append(boxes[-1])
        return out

    turfmap._place = spy
    try:
        svg = turf_svg(geo, codes, [], lang="both", width=330, height=230)
    finally:
        turfmap._place = real_place
    assert len(taken) == len(codes) and svg.count("<text") == len(codes)
    clashes = [(i, j) for i in range(len(taken)) for j in range(i) if turfmap._overlaps(taken[i], taken[j])]
    assert clashes == []


def test_no_village_no_map(demo_campaign):
    assert turf_svg(demo_campaign.geography, [], []) == ""
