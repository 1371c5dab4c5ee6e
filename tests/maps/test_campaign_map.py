"""The campaign map is self-contained: Leaflet inlined, no remote asset, all layers present."""

from __future__ import annotations

import datetime as dt

import pytest

from maps import write_campaign_map
from maps._offline import REMOTE_TAG, inline_assets
from outreach.model import Allocation, Band, Pair, Plan, Reach, Roster, Stop, Tours, VehicleDay


@pytest.fixture()
def small_plan(demo_campaign):
    geo = demo_campaign.geography
    v1, v2 = geo.villages[0], geo.villages[1]
    day = VehicleDay("tuktuk-0403", dt.date(2027, 1, 5), (Stop(v1.code, 25200, 25800), Stop(v2.code, 26400, 27000)),
                     ((v1.lon, v1.lat, 25200.0), (v2.lon, v2.lat, 26400.0)), (True, False), 1.2, 1800, 0.05)
    alloc = Allocation({v.code: 1 for v in geo.villages}, {s.code: 2 for s in geo.sangkats},
                       {s.code: 1 for s in geo.sangkats}, {v.code: 1 for v in geo.villages}, 0, (), "test")
    roster = Roster((Pair("P01", ("V01", "V02"), (v1.code,)),), (), "test")
    plan = Plan(demo_campaign.name, alloc, Tours((day,), (), "test"), roster)
    reach = Reach(Band(10, 9, 11), Band(5, 4, 6), Band(20, 19, 21), Band(18, 17, 19), {geo.sangkats[0].code: 10.0},
                  {v1.code: 10.0}, {v1.code: 5.0}, {}, 1, 1, "test")
    return plan, reach


def test_map_is_offline_and_has_layers(demo_campaign, small_plan, tmp_path):
    plan, reach = small_plan
    path = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert not REMOTE_TAG.search(html)
    for layer in ("Sangkats", "Villages", "Depots", "Volunteer turfs (one outline per pair)", "Place names (zoom in)"):
        assert layer in html
    for d in plan.tours.days:  # one layer per vehicle-day, named by its date: the day list
        assert f"{d.date:%a %d %b} \\u00b7 {d.vehicle_id}" in html  # as folium writes it in the page script
    assert "SYNTHETIC" in html
    assert "L.map(" in html.replace("L.map (", "L.map(")


def test_unknown_remote_asset_is_refused():
    with pytest.raises(RuntimeError, match="no offline copy"):
        inline_assets('<script src="https://example.org/other.js"></script>')


def test_a_map_without_a_tuktuk_says_so_and_has_no_depot_layer(demo_campaign, small_plan, tmp_path):
    import dataclasses

    plan, reach = small_plan
    quiet = dataclasses.replace(plan, tours=Tours((), (), "none"))
    no_tuktuk = dataclasses.replace(demo_campaign, vehicles=())
    html = write_campaign_map(no_tuktuk, quiet, reach, tmp_path / "a.html").read_text(encoding="utf-8")
    assert '"Depots"' not in html and "> depot<" not in html and "the scenario has no tuk-tuk" in html
    html = write_campaign_map(demo_campaign, quiet, reach, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "Depots" in html and "none planned" in html
