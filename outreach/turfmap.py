"""A small static map of a volunteer pair's turf, drawn as inline SVG on the pair's weekly sheet.

Like the driver's day map (:mod:`outreach.daymap`): no tiles and no script, so
the sheet prints and travels alone. It shows the villages the pair walks
(filled: this week; open: its other weeks), named, over the other villages of
the same sangkats (grey dots), which give the pair its bearings. Marks are
numbered; the key under the map names them in the sheet's language.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from .daymap import projector
from .lang import Lang
from .model import Geography, Outing, Pair, Village

#: Village dot radius: a floor so small villages stay visible, growing with the square root of households.
_R_MIN, _R_PER_SQRT_HH, _R_MAX = 3.0, 0.25, 9.0


def _radius(households: int) -> float:
    return round(min(_R_MAX, _R_MIN + _R_PER_SQRT_HH * households ** 0.5), 1)


def _label(n: int, v: Village, lang: Lang) -> str:
    """A mark's label: its number in the sheet's key, with the English name unless the sheet is in Khmer only.

    Never Khmer inside the SVG: WeasyPrint draws SVG text without shaping, so Khmer names came out as loose
    consonants and marks in the PDFs; the key under the map (HTML, shaped) carries them.
    """
    return str(n) if lang == "km" else f"{n} {v.name_en}"


def turf_key(geo: Geography, codes: Collection[str], lang: Lang) -> list[tuple[int, str]]:
    """The map's key: each mark's number and the village's name in ``lang`` (Khmer and English for both)."""
    names = {"km": lambda v: v.name_kh, "en": lambda v: v.name_en}.get(lang, lambda v: f"{v.name_kh} {v.name_en}")
    return [(n, names(v)) for n, v in enumerate(turf_villages(geo, codes)[0], 1)]


def turf_villages(geo: Geography, codes: Collection[str]) -> tuple[list[Village], list[Village]]:
    """The pair's villages (code order) and the other villages of their sangkats (the map's context)."""
    vb = geo.village_by_code
    turf = [vb[c] for c in sorted(set(codes)) if c in vb]
    sangkats = {v.sangkat_code for v in turf}
    mine = {v.code for v in turf}
    return turf, [v for v in geo.villages if v.sangkat_code in sangkats and v.code not in mine]


def turf_svg(geo: Geography, codes: Collection[str], this_week: Collection[str], *, lang: Lang = "both",
             width: int = 330, height: int = 230, caption: str = "") -> str:
    """The pair's turf as an ``<svg>`` element (empty string when the pair has no village).

    Parameters
    ----------
    geo : Geography
        Village positions, names and sangkats.
    codes : collection of str
        Every village the pair walks in the campaign (its turf and any village it covers for another pair).
    this_week : collection of str
        The villages it walks this week: drawn filled, the others open.
    lang : {"km", "en", "both"}
        Language of the village names.
    width, height : int
        Size in CSS pixels.
    caption : str
        Printed under the map (what filled, open and grey mean).
    """
    turf, context = turf_villages(geo, codes)
    if not turf:
        return ""
    project = projector([(v.lon, v.lat) for v in (*turf, *context)], width, height - 14)
    week = set(this_week)
    parts = [f'<svg class="turfmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Map of the pair\'s villages">',
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7f5ef" stroke="#999"/>']
    parts += [f'<circle cx="{x}" cy="{y}" r="1.8" fill="#aaa"/>'
              for x, y in (project(v.lon, v.lat) for v in context)]
    parts += _turf_marks(turf, week, project, width, height, lang)
    if caption:
        parts.append(f'<text x="4" y="{height - 4}" font-size="8.5" fill="#444">{html.escape(caption)}</text>')
    parts.append("</svg>")
    return "".join(parts)


#: Estimated width of one character of a 10 px label, in px (generous: an overlap hides a name, room does not).
_CHAR_PX = 5.6
_LABEL_H = 11.0


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(x: float, y: float, r: float, text_w: float, taken: list[tuple[float, float, float, float]],
           width: int, height: int) -> tuple[float, float, str]:
    """Where a name goes: right, left, above or below its dot, the first that hits no name placed before
    and stays inside the map (right or left of the dot as a last resort, away from the nearer edge)."""
    h = _LABEL_H
    options = [(x + r + 3, y + 3.5, "start", (x + r + 2, y - h / 2, x + r + 3 + text_w, y + h / 2)),
               (x - r - 3, y + 3.5, "end", (x - r - 3 - text_w, y - h / 2, x - r - 2, y + h / 2)),
               (x, y - r - 3, "middle", (x - text_w / 2, y - r - 3 - h, x + text_w / 2, y - r - 2)),
               (x, y + r + 11, "middle", (x - text_w / 2, y + r + 1, x + text_w / 2, y + r + 2 + h))]
    inside = [o for o in options if o[3][0] >= 0 and o[3][2] <= width and o[3][1] >= 0 and o[3][3] <= height]
    for tx, ty, anchor, box in inside:
        if not any(_overlaps(box, t) for t in taken):
            taken.append(box)
            return round(tx, 1), round(ty, 1), anchor
    tx, ty, anchor, box = options[0] if x <= width / 2 else options[1]
    taken.append(box)
    return round(tx, 1), round(ty, 1), anchor


def _turf_marks(turf: Sequence[Village], week: set[str], project, width: int, height: int,
                lang: Lang) -> list[str]:
    """Dots sized by households, then names placed so they do not cover one another (:func:`_place`)."""
    dots, names = [], []
    taken: list[tuple[float, float, float, float]] = []
    for v in turf:
        x, y = project(v.lon, v.lat)
        r = _radius(v.households)
        taken.append((x - r, y - r, x + r, y + r))
        fill = "#1f4e79" if v.code in week else "#fff"
        dots.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" stroke="#1f4e79" stroke-width="1.4"/>')
    for n, v in enumerate(turf, 1):
        x, y = project(v.lon, v.lat)
        name = _label(n, v, lang)
        tx, ty, anchor = _place(x, y, _radius(v.households), len(name) * _CHAR_PX, taken, width, height)
        names.append(f'<text x="{tx}" y="{ty}" font-size="10" text-anchor="{anchor}" fill="#111">'
                     f'{html.escape(name)}</text>')
    return dots + names


#: Margin of a turf's outline around its outermost villages, in metres: wide enough to hold the village dots
#: at the district view, narrow enough that neighbouring pairs' outlines stay apart.
TURF_BUFFER_M = 400.0


def turf_codes(pair: Pair, outings: Iterable[Outing]) -> set[str]:
    """Every village a pair walks over the campaign: its turf and any village it covers for another pair."""
    return {*pair.villages, *(c for o in outings if o.pair_id == pair.id for c, _ in o.visits)}


def turf_outline(geo: Geography, codes: Collection[str], buffer_m: float = TURF_BUFFER_M) -> Any:
    """The pair's area as a WGS84 polygon: the convex hull of its villages grown by ``buffer_m`` (None if none)."""
    import numpy as np

    from .sangkatcells import buffered_hull, utm_to_wgs84

    turf, _ = turf_villages(geo, codes)
    if not turf:
        return None
    return utm_to_wgs84(buffered_hull(np.array([(v.x_m, v.y_m) for v in turf]), buffer_m))
