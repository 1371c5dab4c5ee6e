"""Approximate sangkat outlines from village points (issue 18): each village in its own sangkat, no overlap, inside
the district's hull; checked on hand-made points against hand-computed borders and on real census points."""

from __future__ import annotations

import csv
import dataclasses
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from outreach.geo import to_utm, to_wgs84
from outreach.model import Village
from outreach.sangkatcells import (
    APPROXIMATE_NOTE,
    HULL_BUFFER_M,
    approximate_cells,
    approximate_note,
    district_hulls,
    sangkat_cells,
)
from tests.conftest import shared_path

#: Somewhere in Kampong Speu, in UTM 48N metres.
X0, Y0 = 460_000.0, 1_270_000.0


def _village(code: str, x: float, y: float) -> Village:
    lon, lat = to_wgs84(X0 + x, Y0 + y)
    return Village(code, code, code, code[:6], code[:4], code[:2], float(lon), float(lat), X0 + x, Y0 + y, 100)


def _utm(geom):
    """A WGS84 geometry back in UTM metres, relative to (X0, Y0)."""
    return shapely.transform(geom, lambda a: np.column_stack(to_utm(a[:, 0], a[:, 1])) - (X0, Y0))


def _national(district: str) -> list[Village]:
    with open(shared_path("geodata", "villages_national.csv"), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["village_code"][:4] == district and r["lat"] and r["lon"]]
    xs, ys = to_utm(np.array([float(r["lon"]) for r in rows]), np.array([float(r["lat"]) for r in rows]))
    return [Village(r["village_code"], r["village_name_en"], "", r["commune_code"], district, district[:2],
                    float(r["lon"]), float(r["lat"]), float(x), float(y), int(r["households_2008"] or 0))
            for r, x, y in zip(rows, xs, ys)]


def _coincident(villages: list[Village]) -> set[str]:
    """Codes of villages that share their exact point with a village of another sangkat."""
    at: dict[tuple[float, float], set[str]] = {}
    for v in villages:
        at.setdefault((v.x_m, v.y_m), set()).add(v.sangkat_code)
    return {v.code for v in villages if len(at[(v.x_m, v.y_m)]) > 1}


def _check_partition(villages: list[Village], cells: dict, hulls: dict) -> None:
    """Every village in (or on) its own sangkat's outline; no overlap in a district; inside and covering its hull.

    Checked in UTM metres, where the outlines are computed: moved to WGS84 vertex by vertex, a straight edge a
    few km long no longer follows the hull's own edge to the millimetre.
    """
    shared = _coincident(villages)
    utm = {s: _utm(g) for s, g in cells.items()}
    for v in villages:
        if v.code not in shared:
            assert utm[v.sangkat_code].distance(Point(v.x_m - X0, v.y_m - Y0)) < 1e-6, v.code
    for d, hull in hulls.items():
        mine = [g for s, g in utm.items() if s[:4] == d]
        hull = _utm(hull)
        assert sum(g.area for g in mine) == pytest.approx(shapely.union_all(mine).area, rel=1e-9)
        assert all(hull.buffer(1e-6).covers(g) for g in mine)
        assert shapely.union_all(mine).area == pytest.approx(hull.area, rel=1e-9)


def test_border_runs_half_way_between_the_sangkats_villages():
    # sangkat A: a column at x = 0; sangkat B: a column at x = 1000 and a village further out at x = 2000.
    # Cells of the villages put the border at x = 500; cells of the sangkats' centres (A at x = 0, B at
    # x = 1333) would put it at x = 667, and A's area would be larger.
    vs = [_village("05020101", 0, 0), _village("05020102", 0, 1000),
          _village("05020201", 1000, 0), _village("05020202", 1000, 1000), _village("05020203", 2000, 500)]
    cells = sangkat_cells(vs)
    assert list(cells) == ["050201", "050202"]
    hull = shapely.MultiPoint([(0, 0), (0, 1000), (1000, 0), (1000, 1000), (2000, 500)]).convex_hull.buffer(
        HULL_BUFFER_M)
    west = box(-1e5, -1e5, 500, 1e5)
    a, b = _utm(cells["050201"]), _utm(cells["050202"])
    assert a.area == pytest.approx(hull.intersection(west).area, rel=1e-6)
    assert b.area == pytest.approx(hull.difference(west).area, rel=1e-6)
    assert a.symmetric_difference(hull.intersection(west)).area < 1e-3 * a.area
    _check_partition(vs, cells, district_hulls(vs))


def test_a_district_with_one_sangkat_gets_its_hull():
    vs = [_village("05020101", 0, 0), _village("05020102", 3000, 0)]
    cells = sangkat_cells(vs)
    assert list(cells) == ["050201"]
    # a stadium: a 3 km by 3 km rectangle between two half discs of radius 1.5 km (shapely's arcs: 32 chords a turn)
    r = HULL_BUFFER_M
    assert _utm(cells["050201"]).area == pytest.approx(3000 * 2 * r + math.pi * r ** 2, rel=3e-3)
    assert cells["050201"].equals(district_hulls(vs)["0502"])


def test_districts_are_drawn_apart():
    # two districts side by side: each one's cells stay within its own hull, whatever the other's villages
    vs = [_village("05020101", 0, 0), _village("05020201", 800, 0), _village("05030101", 4000, 0),
          _village("05030201", 4000, 900)]
    cells = sangkat_cells(vs)
    hulls = district_hulls(vs)
    _check_partition(vs, cells, hulls)
    assert not any(cells[s].intersects(hulls["0503"]) for s in ("050201", "050202"))


@pytest.mark.parametrize("district", ["0507", "0214"])
def test_real_district_from_census_points(district):
    vs = _national(district)
    cells = sangkat_cells(vs)
    assert set(cells) == {v.sangkat_code for v in vs}
    _check_partition(vs, cells, district_hulls(vs))
    for v in vs:  # a point shared across sangkats lies in the cell of the first village there (code order)
        if v.code in _coincident(vs):
            first = min((w for w in vs if (w.x_m, w.y_m) == (v.x_m, v.y_m)), key=lambda w: w.code)
            assert _utm(cells[first.sangkat_code]).distance(Point(v.x_m - X0, v.y_m - Y0)) < 1e-6
    again = sangkat_cells(list(reversed(vs)))
    assert [g.wkb for g in again.values()] == [g.wkb for g in cells.values()]


def test_boundary_files_are_kept_and_only_bare_districts_get_cells(demo_campaign):
    geo = demo_campaign.geography
    assert approximate_cells(geo) == {} and approximate_note(geo) is None  # the synthetic layout draws its own
    kept = {s.code for s in geo.sangkats if s.district_code != "0502"}
    bare = dataclasses.replace(geo, sangkats=tuple(s if s.code in kept else dataclasses.replace(s, boundary=None)
                                                   for s in geo.sangkats))
    cells = approximate_cells(bare)
    assert set(cells) == {s.code for s in geo.sangkats if s.district_code == "0502"}
    assert approximate_note(bare) == APPROXIMATE_NOTE
