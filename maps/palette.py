"""The map's colours: a one-hue scale for the share reached, warm hues for the loudspeaker routes.

Why two families: a reader must never take a route for a class of
villages. Villages and sangkats are coloured on a sequential ColorBrewer
*Blues* scale (light: nobody reached, dark: everybody), which varies in
lightness only and so reads the same to colour-blind readers. Routes use
warm, saturated hues (dark brown, orange, red, rose; from the Okabe-Ito
and Paul Tol palettes) that no blue of the scale resembles. Measured in
CIELAB (CIE76), every route colour stays at least 30 units from every
colour of the scale, and the route colours at least 25 from one another,
for normal vision and under simulated protanopia, deuteranopia and
tritanopia (Machado et al. 2009, severity 1): ``tests/maps/test_palette.py``
checks it on the colours the map actually draws. More vehicles than
colours cycle the colours with a dash pattern per cycle.

The volunteer pairs' turfs take no hue at all: a black outline, without
fill, whose dash pattern changes from one pair to the next and which carries
the pair's name. Black stays at least 25 units from every colour of the
scale and every route colour under the same four visions, and a dashed
unfilled outline is a different mark from a filled dot or a route line.
"""

from __future__ import annotations

#: ColorBrewer Blues (9 classes) without its near-white first class, which vanishes on the map's background.
REACH_STOPS: tuple[str, ...] = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
                                "#08306b")

#: Dark brown, orange (Okabe-Ito), red, rose (Tol bright): warm hues far from every blue of the scale.
ROUTE_COLOURS: tuple[str, ...] = ("#663333", "#e69f00", "#d73027", "#ee6677")

#: Dash pattern per cycle through the route colours (solid first).
ROUTE_DASHES: tuple[str | None, ...] = (None, "10 6", "3 5")

#: The turf outline (no fill): black, neither a blue of the scale nor a route hue.
TURF_COLOUR = "#000000"

#: Dash patterns of the turf outlines, in turn from one pair to the next, so that neighbouring turfs differ.
TURF_DASHES: tuple[str, ...] = ("9 5", "2 5", "12 4 2 4")

#: The depot marker's fill (gold: neither a blue of the scale nor a route hue).
DEPOT_COLOUR = "#ffd700"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def reach_colour(share: float) -> str:
    """Colour of a share reached in [0, 1]: linear between the scale's stops (clipped outside)."""
    s = max(0.0, min(1.0, share)) * (len(REACH_STOPS) - 1)
    k = min(int(s), len(REACH_STOPS) - 2)
    t = s - k
    a, b = _rgb(REACH_STOPS[k]), _rgb(REACH_STOPS[k + 1])
    r, g, bl = (int(round(x + (y - x) * t)) for x, y in zip(a, b))
    return f"#{r:02x}{g:02x}{bl:02x}"


def route_style(index: int) -> tuple[str, str | None]:
    """Colour and dash pattern of the ``index``-th vehicle (0-based)."""
    n = len(ROUTE_COLOURS)
    return ROUTE_COLOURS[index % n], ROUTE_DASHES[(index // n) % len(ROUTE_DASHES)]


def reach_gradient_css() -> str:
    """The scale as a CSS ``linear-gradient`` for the legend."""
    return f"linear-gradient(to right, {', '.join(REACH_STOPS)})"


def turf_dash(index: int) -> str:
    """Dash pattern of the ``index``-th pair's turf outline (0-based)."""
    return TURF_DASHES[index % len(TURF_DASHES)]
