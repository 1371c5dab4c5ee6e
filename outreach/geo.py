"""Projection helpers: WGS84 at the edges, EPSG:32648 (UTM 48N) metres inside."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Transformer

from .model import UTM_EPSG

#: Generous bounding box of Cambodia (lon/lat), for validating coordinates.
CAMBODIA_BBOX = (102.3, 9.9, 107.7, 14.7)


@lru_cache(maxsize=2)
def _transformer(inverse: bool) -> Transformer:
    a, b = ("EPSG:4326", f"EPSG:{UTM_EPSG}")
    return Transformer.from_crs(b, a, always_xy=True) if inverse else Transformer.from_crs(a, b, always_xy=True)


def to_utm(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """Project WGS84 lon/lat (scalars or arrays) to EPSG:32648 metres ``(x, y)``."""
    return _transformer(False).transform(lon, lat)


def to_wgs84(x: ArrayLike, y: ArrayLike) -> tuple[Any, Any]:
    """Inverse of :func:`to_utm`: metres to ``(lon, lat)``."""
    return _transformer(True).transform(x, y)


def in_cambodia(lon: float, lat: float) -> bool:
    """True when the point lies in Cambodia's bounding box."""
    x0, y0, x1, y1 = CAMBODIA_BBOX
    return bool(x0 <= lon <= x1 and y0 <= lat <= y1)



#: How far from its district a point may lie: beyond both ``FAR_RADII`` district radii and ``FAR_FLOOR_M``
#: from the median of the district's villages it is refused. The radius is twice the median distance of the
#: villages from that median (robust: a few misplaced villages do not stretch it). Over every district of the
#: 2008 census points (``villages_national.csv``) the farthest village lies 55.5 km from its district's median,
#: so the floor refuses no real village; a point typed in the wrong province (100 km and more) is refused.
FAR_RADII = 3.0
FAR_FLOOR_M = 60_000.0


def district_reach_m(x: ArrayLike, y: ArrayLike) -> tuple[float, float, float]:
    """Median point of a district's villages and the farthest distance a point may lie from it.

    Parameters
    ----------
    x, y : array_like
        UTM metres of the district's villages.

    Returns
    -------
    tuple of float
        ``(median_x, median_y, limit_m)``: a point farther than ``limit_m`` from the median is misplaced.
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    mx, my = float(np.median(xs)), float(np.median(ys))
    radius = 2.0 * float(np.median(np.hypot(xs - mx, ys - my)))
    return mx, my, max(FAR_RADII * radius, FAR_FLOOR_M)
