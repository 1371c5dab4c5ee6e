"""The offline map's element ids do not depend on the run (folium draws them at random)."""

from __future__ import annotations

import folium

from maps._offline import inline_assets, stable_ids


def _page() -> str:
    m = folium.Map(location=(12.5, 104.9), zoom_start=10, tiles=None)
    folium.CircleMarker((12.5, 104.9), radius=4, tooltip="a").add_to(m)
    folium.CircleMarker((12.6, 104.8), radius=4, tooltip="b").add_to(m)
    return inline_assets(m.get_root().render())


def test_two_renders_give_the_same_bytes():
    assert _page() == _page()


def test_each_id_keeps_one_number_everywhere():
    a, b = "0123456789abcdef" * 2, "fedcba9876543210" * 2
    html = f"var map_{a} = L.map('map_{a}'); var marker_{b} = L.circleMarker().addTo(map_{a});"
    assert stable_ids(html) == ("var map_000000 = L.map('map_000000'); "
                                "var marker_000001 = L.circleMarker().addTo(map_000000);")


def test_an_id_followed_by_a_suffix_is_numbered_too():
    # the layer control names its table ``layer_control_<hex>_layers``: left alone, two runs differed
    a = "0123456789abcdef" * 2
    assert stable_ids(f"var layer_control_{a}_layers = {{}}; f(layer_control_{a}_layers);") == (
        "var layer_control_000000_layers = {}; f(layer_control_000000_layers);")
