"""Place names on the map, in Khmer and English, that appear as the reader zooms in.

At the district view the names would cover the villages, so sangkat names show
from zoom 12 and village names from zoom 14; a small script toggles a class on
the map container when the zoom changes (the labels themselves are plain CSS).
"""

from __future__ import annotations

import html as _html

import folium

from outreach.fonts import KHMER_FAMILY, khmer_font_face
from outreach.model import Geography

#: Zoom from which sangkat and village names show.
SANGKAT_ZOOM = 12
VILLAGE_ZOOM = 14

_CSS = (
    ".leaflet-container, .owso-legend, .owso-title { font-family: \"" + KHMER_FAMILY + "\", \"DejaVu Sans\","
    " sans-serif; }\n"
    # .leaflet-container raises the specificity above Leaflet's own ".leaflet-marker-icon { display: block }"
    ".leaflet-container .owso-label { font-size: 11px; line-height: 1.15; white-space: nowrap; color: #222;\n"
    "  text-align: center; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; display: none; }\n"
    ".leaflet-container .owso-sangkat { font-size: 12px; font-weight: bold; color: #333; }\n"
    ".leaflet-container.owso-z-sangkat .owso-sangkat, .leaflet-container.owso-z-village .owso-sangkat,\n"
    ".leaflet-container.owso-z-village .owso-village { display: block; }\n"
)


def label_css() -> str:
    """The map's style: the embedded Khmer font, and labels hidden until their zoom."""
    return f"<style>{khmer_font_face()}\n{_CSS}</style>"


def _label(lat: float, lon: float, kh: str, en: str, kind: str) -> folium.Marker:
    text = f"{_html.escape(kh)}<br>{_html.escape(en)}"
    icon = folium.DivIcon(html=text, class_name=f"owso-label owso-{kind}", icon_size=(160, 30), icon_anchor=(80, -6))
    return folium.Marker([lat, lon], icon=icon, interactive=False)


def label_layer(geo: Geography) -> folium.FeatureGroup:
    """Sangkat names at the middle of their villages, village names under their dots."""
    fg = folium.FeatureGroup(name="Place names (zoom in)", show=True)
    for s in geo.sangkats:
        vs = geo.villages_in(s.code)
        if not vs:
            continue
        if s.boundary is not None:
            c = s.boundary.representative_point()
            lat, lon = c.y, c.x
        else:
            lat, lon = sum(v.lat for v in vs) / len(vs), sum(v.lon for v in vs) / len(vs)
        _label(lat, lon, s.name_kh, s.name_en, "sangkat").add_to(fg)
    for v in geo.villages:
        _label(v.lat, v.lon, v.name_kh, v.name_en, "village").add_to(fg)
    return fg


def zoom_script(map_name: str) -> str:
    """JavaScript that sets the container's zoom classes (names appear as you zoom in)."""
    # On load: the page's scripts define the map after this element's place in the page.
    return (
        f"window.addEventListener('load', function () {{ var m = {map_name};"
        f" function z() {{ var c = m.getContainer(), k = m.getZoom();"
        f" c.classList.toggle('owso-z-sangkat', k >= {SANGKAT_ZOOM} && k < {VILLAGE_ZOOM});"
        f" c.classList.toggle('owso-z-village', k >= {VILLAGE_ZOOM}); }}"
        " m.on('zoomend', z); z(); });"
    )
