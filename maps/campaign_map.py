"""The campaign map: sangkats, villages, loudspeaker routes and volunteer pair areas."""

from __future__ import annotations

import html as _html
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import folium
from branca.element import Figure

from outreach.atomic import atomic_write_text
from outreach.model import Campaign, Geography, Plan, Priorities, Reach
from outreach.sangkatcells import APPROXIMATE_LABEL, approximate_cells

from ._offline import inline_assets
from .labels import label_css, label_layer, zoom_script
from .layers import LAYER_CSS, PRINT_CSS, forum_layer, popup_script, priority_layer, turf_layer, village_popups
from .palette import DEPOT_COLOUR, TURF_COLOUR, reach_colour, reach_gradient_css, route_style

#: Background maps the reader may ask for (``--basemap``); none by default, since the file must work offline.
BASEMAPS = ("none", "osm")


def _figure(m: folium.Map) -> Figure:
    # folium.Map puts itself into a new branca Figure when created, so its root is that page.
    return cast(Figure, m.get_root())


def _base_map(geo: Geography) -> folium.Map:
    """An empty map framed on the villages (no tiles: it must work offline)."""
    lats = [v.lat for v in geo.villages]
    lons = [v.lon for v in geo.villages]
    m = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], tiles=None, zoom_start=11,
                   control_scale=True, prefer_canvas=True)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    _figure(m).header.add_child(folium.Element(
        "<style>.leaflet-container{background:#f4f1ea}"
        # one entry per tuk-tuk day: the list scrolls rather than running off the screen
        ".leaflet-control-layers-list{max-height:70vh;overflow-y:auto}"
        # a long layer name (the approximate sangkats) wraps rather than widening the list over the map
        ".leaflet-control-layers-expanded{max-width:300px}</style>"))
    _figure(m).header.add_child(folium.Element(label_css()))
    _figure(m).header.add_child(folium.Element(LAYER_CSS + PRINT_CSS))
    return m


def _sangkat_layer(geo: Geography, reach: Reach | None, approx: Mapping[str, Any]) -> folium.FeatureGroup:
    """Sangkat outlines, coloured by the share of households reached: the boundary file's, or, for a district
    without one, the approximate cells ``approx`` drawn from the village points
    (:func:`outreach.sangkatcells.approximate_cells`), and the layer then says so."""
    sk = folium.FeatureGroup(name=f"Sangkats ({APPROXIMATE_LABEL})" if approx else "Sangkats", show=True)
    for s in geo.sangkats:
        shape = s.boundary if s.boundary is not None else approx.get(s.code)
        if shape is None:
            continue
        reached = reach.reached_by_sangkat.get(s.code, 0.0) if reach else 0.0
        hh = sum(v.households for v in geo.villages_in(s.code)) or 1
        tip = f"{s.name_kh} · {s.name_en} ({s.code}) — {reached:,.0f} of {hh:,} households reached"
        if s.boundary is None:
            tip += " · outline approximate (Voronoi cells of its villages)"
        folium.GeoJson(
            shape.__geo_interface__,
            style_function=lambda _f, c=reach_colour(reached / hh): {"color": "#333", "weight": 1.5,
                                                                     "fillColor": c, "fillOpacity": 0.18},
            tooltip=_html.escape(tip),
        ).add_to(sk)
    return sk


def _village_layer(geo: Geography, plan: Plan, reach: Reach | None,
                   popups: dict[str, str]) -> tuple[folium.FeatureGroup, str]:
    """Villages sized by households and coloured by the share reached, and the script that gives each its popup
    (what the plan does there: :func:`maps.layers.village_popups`)."""
    vg = folium.FeatureGroup(name="Villages", show=True)
    bound: dict[str, str] = {}
    for v in geo.villages:
        r = reach.reached_by_village.get(v.code, 0.0) if reach else 0.0
        share = r / v.households if v.households else 0.0
        tip = (f"{v.name_kh} · {v.name_en} ({v.code})<br>{v.households:,} households · reached {r:,.0f} "
               f"({share:.0%}) · door rounds {plan.allocation.door_rounds_by_village.get(v.code, 0)}")
        dot = folium.CircleMarker([v.lat, v.lon], radius=3 + v.households ** 0.5 / 4, color="#222", weight=0.6,
                                  fill=True, fill_color=reach_colour(share), fill_opacity=0.9, tooltip=tip)
        dot.add_to(vg)
        bound[dot.get_name()] = popups[v.code]
    return vg, popup_script(bound)


def _vehicle_layers(campaign: Campaign, plan: Plan) -> list[folium.FeatureGroup]:
    """One layer per loudspeaker vehicle-day (its road path in the vehicle's colour), listed by date in the
    layer control so a reader can show one day; the depots on a layer of their own."""
    geo = campaign.geography
    layers = []
    vehicles = sorted({d.vehicle_id for d in plan.tours.days})
    style = {vid: route_style(i) for i, vid in enumerate(vehicles)}
    for d in sorted(plan.tours.days, key=lambda d: (d.date, d.vehicle_id)):
        if len(d.path) < 2:
            continue
        colour, dash = style[d.vehicle_id]
        fg = folium.FeatureGroup(name=f"{d.date:%a %d %b} · {d.vehicle_id}", show=True)
        names = ", ".join(geo.village_by_code[s.village_code].name_en for s in d.stops)
        folium.PolyLine([(lat, lon) for lon, lat, _ in d.path], color=colour, dash_array=dash, weight=2.5,
                        opacity=0.8,
                        tooltip=_html.escape(f"{d.vehicle_id} {d.date:%a %d %b}: {d.km:.1f} km — {names}")).add_to(fg)
        layers.append(fg)
    if not campaign.vehicles:
        return layers  # no tuk-tuk: no depot layer to tick
    depots = folium.FeatureGroup(name="Depots", show=True)
    for veh in campaign.vehicles:
        folium.CircleMarker([veh.depot_lat, veh.depot_lon], radius=8, color="#000", weight=2, fill=True,
                            fill_color=DEPOT_COLOUR, fill_opacity=1,
                            tooltip=_html.escape(f"Depot: {veh.depot_name} ({veh.id})")).add_to(depots)
    return [*layers, depots]


def _title(campaign: Campaign) -> folium.Element:
    note = ("Village positions are SYNTHETIC in this scenario." if campaign.geography.synthetic_positions
            else f"Road network: {campaign.roads.kind}.")
    districts = " · ".join(f"{d.name_kh} / {d.name_en}" for d in campaign.geography.districts)
    return folium.Element(
        f"<div class='owso-title' style='position:fixed;top:8px;left:50px;z-index:9999;background:white;"
        f"padding:6px 10px;border:1px solid #999;font-size:13px'><b>{_html.escape(campaign.name)}</b><br>"
        f"{_html.escape(districts)}<br>{_html.escape(note)}</div>")


def _basemap(m: folium.Map, basemap: str) -> None:
    """OpenStreetMap tiles under the map, when asked for: a base layer beside a plain one, with its attribution.

    Only a page that asks for them loads tiles; without the network the tiles stay blank and every layer of
    the plan still draws. The attribution stays on the printed page (the tiles' licence asks for it).
    """
    if basemap == "none":
        return
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not '{basemap}'")
    folium.FeatureGroup(name="No background (offline)", overlay=False, control=True, show=False).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, control=True, show=True,
                     max_zoom=19).add_to(m)
    _figure(m).header.add_child(folium.Element(
        "<style>@media print { .leaflet-control-attribution { display: block !important; } }</style>"))


def _legend(campaign: Campaign, plan: Plan, approximate: bool) -> folium.Element:
    """What the colours mean: the blue scale of the share reached, each vehicle's route colour, the marks of
    the other layers, and whether the sangkat outlines are approximate."""
    rows = []
    vehicles = sorted({d.vehicle_id for d in plan.tours.days})
    for i, vid in enumerate(vehicles):
        colour, dash = route_style(i)
        style = "dashed" if dash else "solid"
        rows.append(f"<div><span style='display:inline-block;width:28px;border-top:3px {style} {colour};"
                    f"vertical-align:middle'></span> {_html.escape(vid)}</div>")
    depot = (f"<div><span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
             f"background:{DEPOT_COLOUR};border:2px solid #000;vertical-align:middle'></span> depot</div>"
             if campaign.vehicles else "")
    if not rows:
        rows.append("<div style='color:#555'>" + ("none planned" if campaign.vehicles else
                                                  "none: the scenario has no tuk-tuk") + "</div>")
    return folium.Element(
        "<div class='owso-legend' style='position:fixed;bottom:60px;left:10px;z-index:9999;background:white;"
        "padding:6px 10px;border:1px solid #999;font-size:12px;min-width:190px'>"
        "<b>Villages and sangkats: share of households reached</b>"
        f"<div style='height:12px;margin:3px 0;border:1px solid #555;background:{reach_gradient_css()}'></div>"
        "<div style='display:flex;justify-content:space-between'><span>0 %</span><span>50 %</span>"
        "<span>100 %</span></div><div style='margin-top:2px'>circle size: households</div>"
        + (f"<div style='color:#555;max-width:230px'>sangkat outlines {_html.escape(APPROXIMATE_LABEL)}</div>"
           if approximate else "")
        + "<b style='display:block;margin-top:6px'>Loudspeaker routes</b>" + "".join(rows) + depot
        + "<div style='margin-top:4px'><span style='display:inline-block;width:12px;height:12px;border-radius:50%;"
          "border:1.6px solid #000;vertical-align:middle'></span> survey priority (bigger: sooner)</div>"
          "<div><span class='owso-forum' style='display:inline-block;width:10px;height:10px'></span>"
          " forum venue (number of forums)</div>"
          f"<div><span style='display:inline-block;width:28px;border-top:2.2px dashed {TURF_COLOUR};"
          "vertical-align:middle'></span> volunteer turf (pair)</div>"
        + (f"<div style='color:#555'>{len(campaign.vehicles)} vehicle(s); route colours are never "
           "used for villages</div>" if plan.tours.days else "") + "</div>")


def campaign_map(campaign: Campaign, plan: Plan, reach: Reach | None = None,
                 priorities: Priorities | None = None, *, basemap: str = "none") -> folium.Map:
    """Build the folium map (layers can be switched on and off).

    Layers: sangkat outlines (the boundary file's, else approximate cells
    of the village points, named so), villages sized by households and
    coloured by the share reached (a blue scale), one layer per loudspeaker
    vehicle with its daily routes (warm hues: :mod:`maps.palette`); the
    volunteer pairs' turfs, the survey priorities and the forum venues
    (:mod:`maps.layers`, hidden at first); a legend names them all. A click
    on a village or a turf opens its popup; printed, the map fills an A4
    landscape page with the legend and without the controls. ``basemap``
    ``"osm"`` adds OpenStreetMap tiles (online) as a base layer; with the
    default ``"none"`` the page asks nothing of the network.
    """
    geo = campaign.geography
    m = _base_map(geo)
    _basemap(m, basemap)
    approx = approximate_cells(geo)
    _sangkat_layer(geo, reach, approx).add_to(m)
    villages, popups = _village_layer(geo, plan, reach, village_popups(campaign, plan, reach, priorities))
    villages.add_to(m)
    # routes over the villages: at the district view the dots would hide them (their hues differ: see palette)
    for layer in _vehicle_layers(campaign, plan):
        layer.add_to(m)
    turfs, turf_popups = turf_layer(campaign, plan)
    turfs.add_to(m)
    rings = priority_layer(geo, priorities)
    if rings is not None:
        rings.add_to(m)
    forum_layer(geo, plan.allocation.forums_by_sangkat).add_to(m)
    label_layer(geo).add_to(m)
    _figure(m).script.add_child(folium.Element(zoom_script(m.get_name())))
    _figure(m).script.add_child(folium.Element(popups))
    if turf_popups:
        _figure(m).script.add_child(folium.Element(popup_script(turf_popups)))
    _figure(m).html.add_child(_title(campaign))
    _figure(m).html.add_child(_legend(campaign, plan, approximate=bool(approx)))
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def write_campaign_map(campaign: Campaign, plan: Plan, reach: Reach | None, path: Path,
                       priorities: Priorities | None = None, *, basemap: str = "none") -> Path:
    """Render the map to one HTML file: self-contained and offline, unless ``basemap`` asks for online tiles."""
    html = inline_assets(campaign_map(campaign, plan, reach, priorities, basemap=basemap).get_root().render())
    return atomic_write_text(path, html)
