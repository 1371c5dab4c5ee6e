"""Projection helpers: WGS84 at the edges, EPSG:32648 (UTM 48N) metres inside."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

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

