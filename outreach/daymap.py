"""A small static map of one loudspeaker day, drawn as inline SVG on the driver's route sheet.

No tiles and no script: the sheet prints and travels alone. Lon/lat are
scaled equirectangularly around the day's middle (cos latitude), which is
exact enough over the few tens of kilometres of a day. The road path is a
thin line where the vehicle only drives and a thick one where it broadcasts;
stops are numbered as in the sheet's table, the depot is a square.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from .model import Geography, VehicleDay

_PAD = 14.0


def projector(points: Sequence[tuple[float, float]], width: float, height: float):
    """A function from (lon, lat) to SVG (x, y) that fits ``points`` in the box, north up, equal scales."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * _PAD) / span_x, (height - 2 * _PAD) / span_y)
    x0 = _PAD + ((width - 2 * _PAD) - span_x * scale) / 2
    y0 = _PAD + ((height - 2 * _PAD) - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round(x0 + (lon - min(lons)) * k * scale, 1), round(y0 + (max(lats) - lat) * scale, 1)

    return project


def day_svg(vd: VehicleDay, geo: Geography, *, width: int = 520, height: int = 300,
            caption: str = "thick: broadcasting · thin: driving · square: depot") -> str:
    """The day's route as an ``<svg>`` element (empty string when the day has no path)."""
    if len(vd.path) < 2:
        return ""
    stops = [geo.village_by_code[s.village_code] for s in vd.stops if s.village_code in geo.village_by_code]
    pts = [(lon, lat) for lon, lat, _ in vd.path] + [(v.lon, v.lat) for v in stops]
    project = projector(pts, width, height)
    parts = [f'<svg class="daymap" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="Map of the day">',
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7f5ef" stroke="#999"/>']
    for i in range(len(vd.path) - 1):
        (xa, ya), (xb, yb) = project(*vd.path[i][:2]), project(*vd.path[i + 1][:2])
        loud = i < len(vd.broadcast) and vd.broadcast[i]
        parts.append(f'<line x1="{xa}" y1="{ya}" x2="{xb}" y2="{yb}" stroke="{"#b3541e" if loud else "#555"}" '
                     f'stroke-width="{2.6 if loud else 1.0}"/>')
    dx, dy = project(*vd.path[0][:2])
    parts.append(f'<rect x="{dx - 5}" y="{dy - 5}" width="10" height="10" fill="#f2c400" stroke="#000"/>')
    for n, v in enumerate(stops, 1):
        x, y = project(v.lon, v.lat)
        parts.append(f'<circle cx="{x}" cy="{y}" r="8" fill="#fff" stroke="#222"/>'
                     f'<text x="{x}" y="{y + 3.5}" font-size="10" text-anchor="middle">{n}</text>')
    parts.append(f'<text x="{_PAD}" y="{height - 4}" font-size="9" fill="#444">'
                 f'{html.escape(caption)}</text></svg>')
    return "".join(parts)
