"""The map's planning layers and the village popup: survey priorities, forum venues, what each village gets.

Neither layer uses a colour: the priority layer is a ring whose size grows
with the village's survey priority, the forum layer a black square, so
neither can be taken for the blue scale of the share reached or a route hue
(:mod:`maps.palette`). Both are hidden until switched on.
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Mapping

import folium

from outreach.model import Campaign, Geography, Plan, Priorities, Reach, Village
from outreach.turfmap import turf_codes, turf_outline, turf_villages

from .palette import TURF_COLOUR, turf_dash

#: Ring radius of the priority layer, in screen pixels: the least and the most urgent village (the least still
#: clears the largest village dot, 3 + √households / 4 px).
PRIORITY_RING_PX = (10.0, 24.0)

#: The print stylesheet: A4 landscape, the map filling the page, the legend and title kept, the controls hidden.
PRINT_CSS = """<style>
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  html, body { width: 281mm; height: 194mm; margin: 0; }
  .folium-map { position: absolute !important; width: 281mm !important; height: 194mm !important; }
  .leaflet-control-layers, .leaflet-control-zoom, .leaflet-control-attribution { display: none !important; }
  .owso-legend, .owso-title { display: block !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .leaflet-container { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""


def forum_venue(geo: Geography, sangkat_code: str) -> Village | None:
    """Where a sangkat's forums are held: its most populous village, the first in code order on a tie.

    The same rule as the simulation's attendance model (:mod:`outreach.simulate.exposures`).
    """
    vs = geo.villages_in(sangkat_code)
    return max(vs, key=lambda v: (v.households, -vs.index(v))) if vs else None


def _days_heard(plan: Plan) -> dict[str, int]:
    heard: dict[str, set] = {}
    for vd in plan.tours.days:
        for st in vd.stops:
            heard.setdefault(st.village_code, set()).add(vd.date)
    return {c: len(d) for c, d in heard.items()}


def _who_when(walks: list) -> str:
    """`` by P01, P03 (11 Jan – 2 Feb)``: the pairs and the first and last date of their outings."""
    if not walks:
        return ""
    dates = sorted(d for d, _ in walks)
    return f" by {', '.join(sorted({p for _, p in walks}))} ({dates[0]:%d %b} – {dates[-1]:%d %b})"


def _forums(n: int, v: Village, venue: Village | None) -> str:
    if n <= 0 or venue is None:
        return str(n)
    return f"{n} (held here)" if venue.code == v.code else f"{n} (at {venue.name_en})"


def village_popups(campaign: Campaign, plan: Plan, reach: Reach | None,
                   priorities: Priorities | None) -> dict[str, str]:
    """Each village's popup (HTML): households, survey priority, what is planned there, expected aware."""
    geo, a = campaign.geography, plan.allocation
    heard = _days_heard(plan)
    doors: dict[str, int] = {}
    walks: dict[str, list] = {}
    for o in plan.roster.outings:
        for c, n in o.visits:
            doors[c] = doors.get(c, 0) + n
            walks.setdefault(c, []).append((o.date, o.pair_id))
    out = {}
    for v in geo.villages:
        s = geo.sangkat_by_code.get(v.sangkat_code)
        venue = forum_venue(geo, v.sangkat_code)
        rows = [("Households", f"{v.households:,}"),
                ("Sangkat", f"{s.name_kh} · {s.name_en}" if s else v.sangkat_code)]
        if priorities is not None and v.code in priorities.by_village:
            p = priorities.by_village[v.code]
            e = p.awareness_owso
            rows += [("Survey priority", f"{p.score:.2f} (from {p.source} answers)"),
                     ("Aware before (survey)", f"{e.mean:.0%} ({e.lo:.0%}–{e.hi:.0%})")]
        rows += [("Door rounds planned", str(a.door_rounds_by_village.get(v.code, 0))),
                 ("Doors in the roster", f"{doors.get(v.code, 0):,}" + _who_when(walks.get(v.code, []))),
                 ("Loudspeaker passes (days heard)", str(heard.get(v.code, 0))),
                 ("Forums in the sangkat", _forums(a.forums_by_sangkat.get(v.sangkat_code, 0), v, venue)),
                 ("Banners", str(a.banners_by_village.get(v.code, 0)))]
        if reach is not None:
            aware, reached = reach.aware_by_village.get(v.code, 0.0), reach.reached_by_village.get(v.code, 0.0)
            share = aware / v.households if v.households else 0.0
            rows += [("Expected aware at the end", f"{aware:,.0f} households ({share:.0%})"),
                     ("Expected reached", f"{reached:,.0f} households")]
        body = "".join(f"<tr><th>{_html.escape(k)}</th><td>{_html.escape(val)}</td></tr>" for k, val in rows)
        out[v.code] = (f"<div class='owso-popup'><b>{_html.escape(v.name_kh)} · {_html.escape(v.name_en)}</b> "
                       f"({v.code})<table>{body}</table></div>")
    return out


def popup_script(popups: Mapping[str, str]) -> str:
    """JavaScript that binds each marker (by its folium name) to its popup HTML once the page has loaded.

    Not ``folium.Popup``: its template parses the HTML with jQuery, which the offline map does not carry.
    """
    data = json.dumps(dict(popups), ensure_ascii=False).replace("</", "<\\/")  # no "</script>" inside the script
    return ("window.addEventListener('load', function () { var p = " + data + "; Object.keys(p).forEach("
            "function (k) { window[k].bindPopup(p[k], {maxWidth: 340}); }); });")


def priority_layer(geo: Geography, priorities: Priorities | None) -> folium.FeatureGroup | None:
    """Rings sized by the survey's priority score (largest: the most urgent village); None without a survey."""
    if priorities is None or not priorities.by_village:
        return None
    fg = folium.FeatureGroup(name="Survey priority (ring size)", show=False)
    scores = [p.score for p in priorities.by_village.values()]
    lo, hi = min(scores), max(scores)
    small, big = PRIORITY_RING_PX
    for v in geo.villages:
        p = priorities.by_village.get(v.code)
        if p is None:
            continue
        t = (p.score - lo) / (hi - lo) if hi > lo else 1.0
        folium.CircleMarker([v.lat, v.lon], radius=round(small + (big - small) * t, 1), color="#000", weight=1.6,
                            fill=False, tooltip=_html.escape(f"{v.name_kh} · {v.name_en}: survey priority "
                                                             f"{p.score:.2f} ({p.source})")).add_to(fg)
    return fg


def forum_layer(geo: Geography, forums_by_sangkat: Mapping[str, int]) -> folium.FeatureGroup:
    """A black square at each sangkat's forum venue, with the number of forums planned there."""
    fg = folium.FeatureGroup(name="Forum venues", show=False)
    for s in geo.sangkats:
        n = forums_by_sangkat.get(s.code, 0)
        venue = forum_venue(geo, s.code)
        if n <= 0 or venue is None:
            continue
        icon = folium.DivIcon(html=f"<div class='owso-forum'>{n}</div>", class_name="owso-forum-icon",
                              icon_size=(16, 16), icon_anchor=(8, 8))
        tip = f"Forum venue of {s.name_kh} · {s.name_en}: {venue.name_kh} · {venue.name_en}, {n} forum(s)"
        folium.Marker([venue.lat, venue.lon], icon=icon, tooltip=_html.escape(tip)).add_to(fg)
    return fg


def _turf_popup(campaign: Campaign, names: Mapping[str, str], pair_id: str, members: tuple[str, ...],
                codes: set[str]) -> str:
    who = ", ".join(f"{m} {names[m]}" if m in names else m for m in members)
    turf, _ = turf_villages(campaign.geography, codes)
    where = "".join(f"<li>{_html.escape(v.name_kh)} · {_html.escape(v.name_en)} ({v.code})</li>" for v in turf)
    return (f"<div class='owso-popup'><b>Pair {_html.escape(pair_id)}</b>: {_html.escape(who)}"
            f"<br>{len(turf)} village(s) over the campaign<ul class='owso-turf-list'>{where}</ul></div>")


def turf_layer(campaign: Campaign, plan: Plan) -> tuple[folium.FeatureGroup, dict[str, str]]:
    """Each pair's turf: the buffered hull of every village it walks, a dashed black outline named by the pair.

    Returns the layer (hidden until switched on) and the popups (folium name -> HTML, for :func:`popup_script`):
    a click on the outline or on the pair's name lists its members and villages. The outline has no fill, so
    the village dots under it keep their own popups.
    """
    fg = folium.FeatureGroup(name="Volunteer turfs (one outline per pair)", show=False)
    popups: dict[str, str] = {}
    names = {v.id: v.name for v in campaign.volunteers}  # once, not per pair
    for i, p in enumerate(plan.roster.pairs):
        codes = turf_codes(p, plan.roster.outings)
        shape = turf_outline(campaign.geography, codes)
        if shape is None:
            continue
        html = _turf_popup(campaign, names, p.id, p.members, codes)
        line = folium.GeoJson(shape.__geo_interface__, style_function=lambda _f, d=turf_dash(i): {
            "color": TURF_COLOUR, "weight": 2.2, "dashArray": d, "fill": False},
            tooltip=_html.escape(f"Turf of pair {p.id}"))
        line.add_to(fg)
        c = shape.representative_point()
        name = folium.Marker([c.y, c.x], icon=folium.DivIcon(
            html=f"<div class='owso-turf'>{_html.escape(p.id)}</div>", class_name="owso-turf-icon",
            icon_size=(34, 16), icon_anchor=(17, 8)))
        name.add_to(fg)
        popups[line.get_name()] = popups[name.get_name()] = html
    return fg, popups


#: The forum square, the turf name and the popup table.
LAYER_CSS = ("<style>.owso-forum { width: 14px; height: 14px; background: #000; color: #fff; font: bold 10px/14px "
             "sans-serif; text-align: center; border: 1px solid #fff; }\n"
             ".owso-turf { font: bold 11px/14px sans-serif; color: #000; background: #fff; border: 1.5px dashed #000; "
             "text-align: center; }\n"
             ".owso-turf-list { margin: 3px 0 0 0; padding-left: 16px; font-size: 12px; max-height: 160px; "
             "overflow-y: auto; }\n"
             ".owso-popup table { border-collapse: collapse; font-size: 12px; }\n"
             ".owso-popup th { text-align: left; font-weight: normal; color: #555; padding: 1px 8px 1px 0; }"
             "</style>")
