"""The map's optional parts (issue 18): approximate sangkat outlines, the online basemap, the volunteer turfs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from maps import write_campaign_map
from maps._offline import REMOTE_TAG
from maps.palette import ROUTE_COLOURS, TURF_COLOUR, TURF_DASHES
from outreach.model import Outing, Pair, Roster
from outreach.sangkatcells import APPROXIMATE_LABEL
from tests.maps.test_campaign_map import small_plan  # noqa: F401  (the fixture)

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _without_boundaries(campaign):
    geo = campaign.geography
    bare = tuple(dataclasses.replace(s, boundary=None) for s in geo.sangkats)
    return dataclasses.replace(campaign, geography=dataclasses.replace(geo, sangkats=bare))


def _sangkat_polygons(html: str) -> int:
    """Sangkat outlines drawn: the tooltips of the sangkat layer name a share of households reached."""
    return len(re.findall(r"households reached", html)) - html.count("share of households reached")


def test_default_map_asks_nothing_of_the_network(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach = small_plan
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html").read_text("utf-8")
    assert "openstreetmap" not in html.lower() and "{z}/{x}/{y}" not in html and "L.tileLayer(" not in html
    assert not REMOTE_TAG.search(html)
    again = write_campaign_map(demo_campaign, plan, reach, tmp_path / "again.html", basemap="none")
    assert again.read_text("utf-8") == html  # "none" is the default, and two renders give the same bytes


def test_osm_basemap_is_an_optional_base_layer_with_its_attribution(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach = small_plan
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html", basemap="osm").read_text("utf-8")
    assert html.count(TILE_URL) == 1
    assert "OpenStreetMap\\u003c/a\\u003e contributors" in html  # the attribution, as folium escapes it
    bases = re.search(r"base_layers : \{(.*?)\}", html, flags=re.S)
    assert bases is not None
    assert '"No background (offline)"' in bases.group(1) and '"OpenStreetMap (online)"' in bases.group(1)
    assert not REMOTE_TAG.search(html)  # tiles are asked for by the script, never by a tag of the page
    with pytest.raises(ValueError, match="basemap"):
        write_campaign_map(demo_campaign, plan, reach, tmp_path / "bad.html", basemap="satellite")


def test_boundary_file_outlines_are_used_as_they_are(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach = small_plan
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html").read_text("utf-8")
    assert APPROXIMATE_LABEL not in html and '"Sangkats" :' in html
    assert _sangkat_polygons(html) == len(demo_campaign.geography.sangkats)


def test_without_boundaries_the_sangkats_are_approximate_cells_and_say_so(demo_campaign, small_plan,  # noqa: F811
                                                                          tmp_path):
    plan, reach = small_plan
    bare = _without_boundaries(demo_campaign)
    html = write_campaign_map(bare, plan, reach, tmp_path / "map.html").read_text("utf-8")
    assert f'"Sangkats ({APPROXIMATE_LABEL})" :' in html  # the layer's name in the layer control
    legend = re.search(r"<div class='owso-legend'.*?</div></div>", html, flags=re.S)
    assert legend is not None and f"sangkat outlines {APPROXIMATE_LABEL}" in legend.group(0)
    assert _sangkat_polygons(html) == len(bare.geography.sangkats)
    assert html.count("outline approximate (Voronoi cells of its villages)") == len(bare.geography.sangkats)


def _turf_plan(demo_campaign, planned):
    plan, reach = planned
    vs = demo_campaign.geography.villages
    pairs = (Pair("P01", ("V01", "V02"), (vs[0].code, vs[1].code, vs[2].code)),
             Pair("P02", ("V03", "V04"), (vs[5].code,)))
    # P02 also covers a village of P01's: its turf is every village it walks
    outings = (Outing("P02", dt.date(2027, 1, 4), "morning", ((vs[7].code, 20),)),)
    return dataclasses.replace(plan, roster=Roster(pairs, outings, "t")), reach, vs


def test_turfs_outline_each_pair_and_name_its_members_and_villages(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach, vs = _turf_plan(demo_campaign, small_plan)
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html").read_text("utf-8")
    assert '"Volunteer turfs (one outline per pair)" :' in html
    for pid in ("P01", "P02"):  # the pair's name on its turf, as folium escapes the icon's HTML
        assert html.count(f"owso-turf\\u0027\\u003e{pid}\\u003c/div") == 1
    script = next(s for s in re.findall(r"var p = (\{.*?\}); Object", html) if "Pair P01" in s)
    popups = json.loads(script.replace("<\\/", "</"))
    p01 = next(h for h in popups.values() if "Pair P01" in h)
    p02 = next(h for h in popups.values() if "Pair P02" in h)
    assert "V01 Volunteer 01, V02 Volunteer 02" in p01 and "3 village(s)" in p01
    assert all(f"({v.code})" in p01 for v in vs[:3]) and f"({vs[5].code})" not in p01
    assert "2 village(s)" in p02 and f"({vs[5].code})" in p02 and f"({vs[7].code})" in p02
    assert len(popups) == 4  # the outline and the name of each pair


def test_turf_outlines_use_no_route_colour_and_no_fill(demo_campaign, small_plan, tmp_path):  # noqa: F811
    plan, reach, _ = _turf_plan(demo_campaign, small_plan)
    html = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html").read_text("utf-8")
    styles = re.findall(r'\{"color": "(#[0-9a-f]{6})", "dashArray": "([^"]+)", "fill": false, "weight": 2\.2\}', html)
    assert styles == [(TURF_COLOUR, TURF_DASHES[0]), (TURF_COLOUR, TURF_DASHES[1])]
    assert TURF_COLOUR not in ROUTE_COLOURS
