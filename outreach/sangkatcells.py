"""Approximate sangkat outlines when the scenario gives no boundary file.

Without ``geography.sangkats`` the engine still knows which sangkat every
village belongs to (the official codes), so the map can show the sangkats as
areas: each village point gets its Voronoi cell (the ground nearer to it than
to any other village of the district), the cells are dissolved by sangkat code,
and the result is clipped to the district's village hull buffered by
:data:`HULL_BUFFER_M`. All geometry is done in UTM 48N metres (EPSG:32648) and
returned in WGS84.

Why cells of villages rather than cells of sangkat centres: a sangkat's
centre-of-villages says nothing about its shape, and a village that lies nearer
to a neighbour's centre than to its own would fall in the neighbour's cell. The
dissolved village cells contain every village of the sangkat by construction
and draw each border half-way between neighbouring villages of different
sangkats, so they follow how villages are really spread. Where the points
interleave (a village inside another sangkat's cluster) the sangkat comes out
in pieces, which is what the points say.

The outlines are a drawing aid and are always labelled approximate
(:data:`APPROXIMATE_LABEL`, :data:`APPROXIMATE_NOTE`); no figure of the plan
or the simulation depends on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .geo import to_wgs84
from .model import Geography, Village

#: Margin around a district's villages, in metres: the outermost villages' cells (and the synthetic layout's
#: sangkats) reach this far beyond the outermost points, about half the spacing of neighbouring villages.
HULL_BUFFER_M = 1500.0

#: What the map's layer and legend say about the outlines.
APPROXIMATE_LABEL = "approximate: Voronoi cells of village points, no boundary file given"

#: The summary's note (once per plan).
APPROXIMATE_NOTE = ("Sangkat outlines on the map are approximate: Voronoi cells of the village points, dissolved by "
                    "sangkat and clipped to each district's village hull, since the scenario gives no sangkat "
                    "boundary file (geography.sangkats).")


def buffered_hull(xy: np.ndarray, buffer_m: float = HULL_BUFFER_M) -> Any:
    """Convex hull of points (metres, shape ``(n, 2)``) grown by ``buffer_m``: a polygon even for one or two points."""
    from shapely import MultiPoint

    return MultiPoint([(float(x), float(y)) for x, y in xy]).convex_hull.buffer(buffer_m)


def voronoi_cells(xy: np.ndarray, clip: Any) -> list[Any]:
    """The Voronoi cell of each point, clipped to ``clip``, in the points' order.

    The points must be distinct; a single point gets the whole of ``clip``.
    """
    from shapely import MultiPoint, voronoi_polygons

    if len(xy) == 1:
        return [clip]
    cells = voronoi_polygons(MultiPoint([(float(x), float(y)) for x, y in xy]), extend_to=clip, ordered=True)
    return [c.intersection(clip) for c in cells.geoms]


def utm_to_wgs84(geom: Any) -> Any:
    """A shapely geometry in UTM 48N metres moved to WGS84 lon/lat, vertex by vertex."""
    from shapely import transform

    def lonlat(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_wgs84(xy[:, 0], xy[:, 1]))

    return transform(geom, lonlat)


def _district_cells(villages: Sequence[Village], buffer_m: float) -> dict[str, Any]:
    """Sangkat code -> UTM polygon for the villages of one district."""
    from shapely import union_all

    hull = buffered_hull(np.array([(v.x_m, v.y_m) for v in villages]), buffer_m)
    codes = sorted({v.sangkat_code for v in villages})
    if len(codes) == 1:
        return {codes[0]: hull}
    # Villages at the very same point (a handful in the national file) share one cell: it goes to the first in
    # code order, so no two sangkats claim the same ground.
    first: dict[tuple[float, float], Village] = {}
    for v in sorted(villages, key=lambda v: v.code):
        first.setdefault((v.x_m, v.y_m), v)
    seeds = list(first.values())
    cells = voronoi_cells(np.array([(v.x_m, v.y_m) for v in seeds]), hull)
    parts: dict[str, list[Any]] = {}
    for v, cell in zip(seeds, cells):
        parts.setdefault(v.sangkat_code, []).append(cell)
    return {code: union_all(parts[code]) for code in sorted(parts)}


def sangkat_cells(villages: Sequence[Village], buffer_m: float = HULL_BUFFER_M) -> dict[str, Any]:
    """Approximate sangkat outlines (WGS84 shapely polygons) from village points, district by district.

    Parameters
    ----------
    villages : sequence of Village
        Villages with their UTM position (``x_m``, ``y_m``) and sangkat and district codes.
    buffer_m : float
        Margin of each district's hull around its outermost villages.

    Returns
    -------
    dict
        Sangkat code -> Polygon or MultiPolygon, in code order. Within a district the outlines do not overlap
        and cover the buffered hull; a district with one sangkat gets the whole hull.
    """
    by_district: dict[str, list[Village]] = {}
    for v in villages:
        by_district.setdefault(v.district_code, []).append(v)
    out: dict[str, Any] = {}
    for code in sorted(by_district):
        out |= {s: utm_to_wgs84(g) for s, g in _district_cells(by_district[code], buffer_m).items()}
    return dict(sorted(out.items()))


def district_hulls(villages: Sequence[Village], buffer_m: float = HULL_BUFFER_M) -> Mapping[str, Any]:
    """District code -> its buffered village hull in WGS84 (what :func:`sangkat_cells` clips to)."""
    codes = sorted({v.district_code for v in villages})
    return {d: utm_to_wgs84(buffered_hull(np.array([(v.x_m, v.y_m) for v in villages if v.district_code == d]),
                                          buffer_m)) for d in codes}


def _bare_districts(geo: Geography) -> set[str]:
    """Districts none of whose sangkats has a boundary (from a file or the synthetic layout)."""
    return {d.code for d in geo.districts} - {s.district_code for s in geo.sangkats if s.boundary is not None}


def approximate_cells(geo: Geography) -> dict[str, Any]:
    """Approximate outlines for the sangkats of every district none of whose sangkats has a boundary.

    A boundary file, where given, is kept as it is; empty for a layout that draws its own outlines.
    """
    bare = _bare_districts(geo)
    villages = [v for v in geo.villages if v.district_code in bare]
    return sangkat_cells(villages) if villages else {}


def approximate_note(geo: Geography) -> str | None:
    """:data:`APPROXIMATE_NOTE` when some sangkat outline on the map will be approximate, else None."""
    bare = _bare_districts(geo)
    return APPROXIMATE_NOTE if any(v.district_code in bare for v in geo.villages) else None
