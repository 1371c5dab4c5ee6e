"""A deterministic synthetic layout for districts without village coordinates.

The project ships no third-party coordinate files, so the built-in demo places
the official villages (codes and names from the gazetteer) around the real town
centre of each district:

* sangkat centres lie on a sunflower (Vogel) spiral around the town centre,
  ``sangkat_spacing_m`` apart on average, the first sangkat (lowest code, in
  the seed municipalities the town's own sangkat) at the centre;
* each sangkat's villages lie on a smaller spiral around its centre, scaled so
  that every village stays inside its own sangkat's Voronoi cell;
* sangkat boundaries are the Voronoi cells of the sangkat centres, clipped to
  the villages' hull buffered by 1.5 km (:mod:`outreach.sangkatcells`);
* the district's household total (e.g. 2008 census) is split over villages with
  lognormal weights seeded by each village code (so a village keeps its size
  whatever else changes), villages of the central sangkat twice as large, and
  rounded by largest remainder so the total is exact.

Positions are synthetic and every output says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .gazetteer import DistrictListing
from .geo import to_utm, to_wgs84
from .sangkatcells import HULL_BUFFER_M, buffered_hull, utm_to_wgs84, voronoi_cells

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

#: Approximate centres (lon, lat) of the seed municipalities' towns (public maps).
TOWN_CENTRES: Mapping[str, tuple[float, float]] = {
    "1505": (103.9192, 12.5388),  # Pursat town
    "0403": (104.6658, 12.2505),  # Kampong Chhnang town
    "0502": (104.5199, 11.4545),  # Chbar Mon (Kampong Speu town)
}


def spiral(n: int, spacing: float) -> np.ndarray:
    """Points of a Vogel spiral with about ``spacing`` metres between neighbours."""
    i = np.arange(n, dtype=float)
    r = spacing * np.sqrt(i) * 0.56  # 0.56: nearest-neighbour distance of a Vogel spiral ~ spacing
    t = i * GOLDEN_ANGLE
    return np.column_stack([r * np.cos(t), r * np.sin(t)])


def split_total(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total proportionally to weights, exactly (largest remainder)."""
    raw = total * weights / weights.sum()
    base = np.floor(raw).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _code_rng(code: str) -> np.random.Generator:
    return np.random.default_rng(int(code))


def _min_gap(centres: np.ndarray, fallback: float) -> float:
    """Smallest distance between two sangkat centres (``fallback`` for a single sangkat)."""
    if len(centres) > 1:
        d = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
        return float(d[d > 0].min())
    return fallback


def _place_villages(listing: DistrictListing, sangkats: list[str], centres: np.ndarray,
                    min_gap: float) -> tuple[list[dict[str, Any]], list[float]]:
    """Village rows (with UTM ``x``, ``y``) around their sangkat centres, and their household weights."""
    rows: list[dict[str, Any]] = []
    weights: list[float] = []
    for s_i, s_code in enumerate(sangkats):
        members = [v for v in listing.villages if v.sangkat_code == s_code]
        # Keep villages within 0.45 of the nearest other centre: inside their own Voronoi cell.
        reach = spiral(len(members), 1.0)
        r_max = float(np.hypot(reach[:, 0], reach[:, 1]).max()) or 1.0
        scale = min(700.0, 0.45 * min_gap / r_max)
        pts = spiral(len(members), 1.0) * scale + centres[s_i]
        central = s_i == 0
        for v, (x, y) in zip(members, pts):
            jitter = _code_rng(v.code).normal(0.0, 0.08 * scale, size=2)
            lon, lat = to_wgs84(x + jitter[0], y + jitter[1])
            w = float(np.exp(_code_rng(v.code).normal(0.0, 0.5)))
            weights.append(w * (2.0 if central else 1.0))
            rows.append({"code": v.code, "lon": float(lon), "lat": float(lat),
                         "setting": "periurban" if central else "rural", "market": False, "x": x, "y": y})
    return rows, weights


def _mark_market(rows: list[dict[str, Any]]) -> None:
    """The largest village of the central sangkat hosts the market."""
    if rows:
        central = [r for r in rows if r["setting"] == "periurban"] or rows
        biggest = max(central, key=lambda r: r["households"])
        biggest["market"] = True
        biggest["setting"] = "roadside"


def _sangkat_cells(sangkats: list[str], centres: np.ndarray, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Sangkat code -> WGS84 polygon: Voronoi cells of the centres, clipped to the buffered village hull.

    Cells of the centres, not of the villages (:mod:`outreach.sangkatcells`): the layout put each sangkat's
    villages inside its centre's cell, so both give the same sangkats and the centres' cells are smoother.
    """
    hull = buffered_hull(np.array([(r["x"], r["y"]) for r in rows]), HULL_BUFFER_M)
    boundaries: dict[str, Any] = {}
    for s_code, poly in zip(sangkats, voronoi_cells(centres, hull)):
        if poly.geom_type in ("Polygon", "MultiPolygon"):
            boundaries[s_code] = utm_to_wgs84(poly)
    return boundaries


def layout_district(
    listing: DistrictListing,
    households_total: int,
    *,
    centre: tuple[float, float] | None = None,
    sangkat_spacing_m: float = 4000.0,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Place a district's villages and draw its sangkat cells.

    Parameters
    ----------
    listing : DistrictListing
        Official sangkats and villages of the district.
    households_total : int
        Households to split over the villages.
    centre : (lon, lat), optional
        Town centre; defaults to :data:`TOWN_CENTRES` or fails.
    sangkat_spacing_m : float
        Mean distance between neighbouring sangkat centres.

    Returns
    -------
    villages, boundaries
        Village dicts (``code, lon, lat, setting, market, households``) and
        sangkat code → shapely polygon (WGS84).
    """
    code = listing.district.code
    if centre is None:
        if code not in TOWN_CENTRES:
            raise ValueError(f"no town centre known for district {code}; give one")
        centre = TOWN_CENTRES[code]
    cx, cy = to_utm(*centre)
    sangkats = [s.code for s in listing.sangkats if any(v.sangkat_code == s.code for v in listing.villages)]
    centres = spiral(len(sangkats), sangkat_spacing_m) + (cx, cy)
    rows, weights = _place_villages(listing, sangkats, centres, _min_gap(centres, sangkat_spacing_m))
    hh = split_total(int(households_total), np.array(weights))
    for r, h in zip(rows, hh):
        r["households"] = int(max(h, 1))
    _mark_market(rows)
    boundaries = _sangkat_cells(sangkats, centres, rows)
    for r in rows:
        r.pop("x"), r.pop("y")
    return rows, boundaries
