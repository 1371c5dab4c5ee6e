"""Route sheets print figures at the precision a driver can use: whole km/h, 0.1 km, 0.1 l, whole minutes."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re

import pytest

from outreach.model import Broadcast, Stop, Tours, VehicleDay
from outreach.routesheets import duration, speed_kmh, write_route_sheets


def _text(page: str) -> str:
    """What a reader sees: tags and the style sheet removed, entities decoded, spaces collapsed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture()
def sheet(demo_campaign, tmp_path):
    """One vehicle-day with the awkward figures of the API run: 14.95 km/h, 57.217 km, 2.289 l, 11.88 h."""
    v1, v2 = demo_campaign.geography.villages[:2]
    drive = Broadcast("drive", 14.95, 30.0, 1, 7, 7412.3)
    stop = Broadcast("stop", 10.0, 30.0, 1, 2, 3912.0)
    start, end = 5 * 3600 + 58 * 60, 17 * 3600 + 51 * 60 + 10  # 05:58 .. 17:51:10: 11 h 53 min
    day = VehicleDay("tuktuk-0403", dt.date(2012, 10, 1),
                     (Stop(v1.code, 6 * 3600, 6 * 3600 + 59 * 60 + 20, stop),
                      Stop(v2.code, 15 * 3600, 15 * 3600 + 28 * 60, drive, wait_s=5 * 3600 + 57 * 60)),
                     ((v1.lon, v1.lat, start), (v2.lon, v2.lat, end)), (True, False), 57.217, end - start, 2.289)
    paths = write_route_sheets(demo_campaign, Tours((day,), (), "test"), tmp_path)
    return _text(paths[0].read_text(encoding="utf-8")), tmp_path


def test_speed_is_a_whole_number_rounded_down():
    # hand values: 14.95 -> 14 (down: slower keeps the lanes covered), 10.0 -> 10, 19.999999 -> 19
    assert speed_kmh(14.95) == 14 and speed_kmh(10.0) == 10 and speed_kmh(9.9999999) == 10
    assert speed_kmh(19.5) == 19


def test_duration_is_to_the_minute():
    assert duration(11 * 3600 + 53 * 60 + 10) == "11 h 53 min"
    assert duration(40 * 60 + 31) == "41 min"
    assert duration(2 * 3600) == "2 h 00 min"


def test_sheet_text_has_no_spurious_precision(sheet):
    text, _ = sheet
    assert "drive at 14 km/h" in text and "move at 10 km/h" in text
    assert not re.search(r"\d\.\d+\s*km/h", text)  # no decimal speed anywhere
    assert "57.2 km" in text and "7.4 km" in text and "3.9 km" in text
    assert not re.search(r"\d\.\d\d+\s*km\b", text)  # km to 0.1 at most
    assert "fuel 2.3 l" in text and not re.search(r"\d\.\d\d+\s*l\b", text)
    assert "day 11 h 53 min" in text and not re.search(r"\d\.\d+\s*h\b", text)
    assert "05:58" in text and "17:51" in text and "Pause 06:59–12:56" in text


def test_csv_and_index_have_no_spurious_precision(sheet):
    _, folder = sheet
    rows = list(csv.DictReader((folder / "routes.csv").open(encoding="utf-8")))
    assert [r["broadcast_min"] for r in rows] == ["59", "28"]
    assert [r["pause_before_min"] for r in rows] == ["0", "357"]
    assert {r["day_km"] for r in rows} == {"57.2"} and {r["day_fuel_l"] for r in rows} == {"2.3"}
    index = _text((folder / "index.html").read_text(encoding="utf-8"))
    assert "57.2 km" in index and "fuel 2.3 l" in index and "2.29" not in index


@pytest.mark.parametrize("lang", ["km", "en"])
def test_sheet_language(demo_campaign, tmp_path, lang):
    """--lang km gives a Khmer sheet (no English instruction left), en an English one; the font travels along."""
    v1 = demo_campaign.geography.villages[0]
    day = VehicleDay("tuktuk-0403", dt.date(2027, 1, 4),
                     (Stop(v1.code, 6 * 3600, 7 * 3600, Broadcast("drive", 14.95, 30.0, 1, 3, 2500.0)),),
                     ((v1.lon, v1.lat, 5 * 3600), (v1.lon, v1.lat, 8 * 3600)), (True,), 12.0, 3 * 3600, 0.5)
    paths = write_route_sheets(demo_campaign, Tours((day,), (), "test"), tmp_path, lang=lang)
    page = paths[0].read_text(encoding="utf-8")
    text = _text(page)
    assert 'src: url("data:font/woff;base64,' in page
    if lang == "km":
        assert "បើកបរ 14 គ.ម/ម៉ោង" in text and "ថ្ងៃច័ន្ទ 2027-01-04" in text and "ហត្ថលេខាអ្នកបើកបរ" in text
        assert "drive at" not in text and "Driver signature" not in text and "Mon 04 Jan" not in text
    else:
        assert "drive at 14 km/h" in text and "Mon 04 Jan 2027" in text and "Driver signature" in text
        sk = demo_campaign.geography.sangkat_by_code[v1.sangkat_code]
        names_removed = text.replace(v1.name_kh, "").replace(sk.name_kh, "")
        assert not re.search("[\u1780-\u17ff]", names_removed)  # Khmer only in the place names
    index = _text((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert ("សន្លឹកផ្លូវឧបករណ៍បំពងសំឡេង" in index) == (lang == "km")


def test_day_map_by_hand(demo_campaign):
    """Two stops 0.01 degree apart east-west at the equator-free latitude of the demo: scale and order by hand."""
    from outreach.daymap import day_svg

    v1, v2 = demo_campaign.geography.villages[:2]
    path = ((v1.lon, v1.lat, 0.0), (v2.lon, v2.lat, 600.0))
    day = VehicleDay("t", dt.date(2027, 1, 4), (Stop(v1.code, 0, 300), Stop(v2.code, 600, 900)), path,
                     (True, False), 1.0, 900, 0.1)
    svg = day_svg(day, demo_campaign.geography, width=200, height=100)
    assert svg.startswith('<svg class="daymap"') and "http" not in svg
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == 2 and re.findall(r">(\d)</text>", svg) == ["1", "2"]
    (x1, y1), (x2, y2) = [(float(a), float(b)) for a, b in circles]
    # the drawing keeps the aspect: dx/dy on paper = (dlon cos lat) / dlat on the ground
    import math

    k = math.cos(math.radians((v1.lat + v2.lat) / 2))
    if abs(v2.lat - v1.lat) > 1e-6 and abs(v2.lon - v1.lon) > 1e-6:
        assert abs(x2 - x1) / abs(y2 - y1) == pytest.approx(abs(v2.lon - v1.lon) * k / abs(v2.lat - v1.lat), rel=0.02)
    assert (x2 > x1) == (v2.lon > v1.lon) and (y2 < y1) == (v2.lat > v1.lat)  # north is up
    assert 'stroke-width="2.6"' in svg  # the one broadcasting segment is thick


def test_telegram_text_of_a_day(sheet):
    _, folder = sheet
    txt = next(folder.glob("route_*.txt")).read_text(encoding="utf-8")
    lines = txt.splitlines()
    assert "tuktuk-0403" in lines[0] and "57.2 km" in lines[1]
    assert any(line.startswith("1. 06:00–06:59") for line in lines) and any("Pause" in line for line in lines)


@pytest.mark.parametrize("vehicles", [True, False])
def test_an_index_without_days_says_why(demo_campaign, tmp_path, vehicles):
    import dataclasses

    c = demo_campaign if vehicles else dataclasses.replace(demo_campaign, vehicles=())
    paths = write_route_sheets(c, Tours((), (), "none"), tmp_path, lang="en")
    page = _text((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert [p.name for p in paths] == ["routes.csv", "index.html"]
    assert ("has no tuk-tuk" in page) is not vehicles and ("buys no loudspeaker pass" in page) is vehicles
    assert "Vehicle" not in page  # no empty table
