"""Make a rendered folium page self-contained.

Folium links Leaflet and friends from CDNs. District offices often have no
internet, so every ``<script src>``/``<link href>`` is replaced by the file's
text, taken from the ``folium-offline`` package's embedded copies. Assets the
map does not use (Bootstrap, jQuery, Font Awesome, awesome-markers) are
dropped to keep the file small; anything else remote is an error.
"""

from __future__ import annotations

import re

_NEEDED = ("leaflet.js", "leaflet.css")
_DROPPABLE = ("jquery", "bootstrap", "fontawesome", "awesome-markers", "awesome.rotate", "glyphicons")
#: A tag that would make the browser fetch something (inlined library text may mention URLs freely).
REMOTE_TAG = re.compile(r'<script[^>]*\ssrc="https?://|<link[^>]*\shref="https?://|<img[^>]*\ssrc="https?://')
_TAG = re.compile(r'<script src="(https?://[^"]+)"></script>|<link rel="stylesheet" href="(https?://[^"]+)"\s*/?>')
#: Folium names every element ``<kind>_<uuid4 hex>``, random per run (and some ``<kind>_<hex>_<suffix>``).
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9A-Za-z])")


def _store() -> dict[str, str]:
    from offlinefolium.elements import _res  # the package's URL -> file text table

    return _res


def inline_assets(html: str) -> str:
    """Replace CDN links by inline content; raise if a needed asset is unavailable."""
    store = _store()

    def sub(m: re.Match[str]) -> str:
        url = m.group(1) or m.group(2)
        if url.endswith(_NEEDED) and url in store:
            body = store[url]
            return f"<script>{body}</script>" if m.group(1) else f"<style>{body}</style>"
        if any(k in url for k in _DROPPABLE):
            return ""
        raise RuntimeError(f"map asset {url} has no offline copy")

    out = stable_ids(_TAG.sub(sub, html))
    if REMOTE_TAG.search(out):
        raise RuntimeError("the map still links a remote resource")
    return out


def stable_ids(html: str) -> str:
    """Folium's random element ids replaced by their order of first appearance (same plan, same bytes).

    An id is 32 hex digits after an underscore (``circle_marker_<hex>``); every occurrence of one id
    gets the same number, so the page's scripts still find their elements.
    """
    numbers: dict[str, str] = {}

    def number(m: re.Match[str]) -> str:
        return numbers.setdefault(m.group(0), f"{len(numbers):06d}")

    return _FOLIUM_ID.sub(number, html)
