"""A map of many districts coloured by a figure (cost per aware household), offline.

District shapes are given by the caller; ``outreach sweep --villages`` passes
the convex hull of each district's located village points and says so in the
map's title, since a hull is not the district's boundary.
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import folium

from outreach.atomic import atomic_write_text

from ._offline import inline_assets


@dataclass(frozen=True)
class DistrictShape:
    """One district on the map: its outline (lon, lat), the figure that colours it, and a tooltip."""

    code: str
    outline: tuple[tuple[float, float], ...]
    value: float | None
    tooltip: str


def value_colour(value: float | None, lo: float, hi: float) -> str:
    """Green (cheapest) to red (dearest) over [lo, hi]; grey when there is no value."""
    if value is None:
        return "#999999"
    s = 0.0 if hi <= lo else max(0.0, min(1.0, (value - lo) / (hi - lo)))
    r, g = int(40 * (1 - s) + 215 * s), int(160 * (1 - s) + 48 * s)
    return f"#{r:02x}{g:02x}40"


def district_map(shapes: Sequence[DistrictShape], title: str) -> folium.Map:
    """The folium map: one polygon per district, a title with the colour scale."""
    pts = [p for s in shapes for p in s.outline] or [(104.9, 12.5)]
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    m = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], tiles=None, zoom_start=8,
                   control_scale=True)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    values = [s.value for s in shapes if s.value is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    for s in shapes:
        if len(s.outline) < 3:
            continue
        ring = [[x, y] for x, y in s.outline] + [[s.outline[0][0], s.outline[0][1]]]
        geo = {"type": "Polygon", "coordinates": [ring]}
        colour = value_colour(s.value, lo, hi)
        folium.GeoJson(geo, style_function=lambda _f, c=colour: {"color": "#333", "weight": 1, "fillColor": c,
                                                                "fillOpacity": 0.6},
                       tooltip=_html.escape(s.tooltip)).add_to(m)
    legend = (f'<div style="position:fixed;top:10px;left:50px;z-index:1000;background:white;padding:6px 10px;'
              f'border:1px solid #999;font:13px sans-serif;max-width:520px"><b>{_html.escape(title)}</b><br>'
              f'<span style="color:{value_colour(lo, lo, hi)}">■</span> US$ {lo:,.2f} (cheapest) … '
              f'<span style="color:{value_colour(hi, lo, hi)}">■</span> US$ {hi:,.2f} (dearest); grey: no figure</div>')
    m.get_root().html.add_child(folium.Element(legend))  # type: ignore[attr-defined]
    return m


def write_district_map(shapes: Sequence[DistrictShape], title: str, path: Path) -> Path:
    """Write the map as one self-contained HTML file (no CDN, no tiles)."""
    return atomic_write_text(path, inline_assets(district_map(shapes, title).get_root().render()))


__all__ = ["DistrictShape", "district_map", "value_colour", "write_district_map"]
