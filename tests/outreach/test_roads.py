"""Road networks: the proxy graph and an OpenStreetMap file read offline."""

from __future__ import annotations

import networkx as nx
import pytest

from outreach.errors import GeographyError, InputError
from outreach.parameters import resolve
from outreach.roads import load_osm, proxy_network, snap
from outreach.scenario import load_campaign
from tests.conftest import write_scenario


def _osm_grid(path, lon0=103.88, lat0=12.48, n=6, step=0.01):
    """A small OSM XML file: an n x n grid of tertiary roads near Pursat."""
    nodes, ways = [], []
    nid = lambda i, j: 1000 + i * n + j  # noqa: E731
    for i in range(n):
        for j in range(n):
            lat, lon = lat0 + i * step, lon0 + j * step
            nodes.append(f'<node id="{nid(i, j)}" lat="{lat:.6f}" lon="{lon:.6f}" version="1"/>')
    wid = 1
    for i in range(n):
        refs = "".join(f'<nd ref="{nid(i, j)}"/>' for j in range(n))
        ways.append(f'<way id="{wid}" version="1">{refs}<tag k="highway" v="tertiary"/></way>')
        wid += 1
        refs = "".join(f'<nd ref="{nid(j, i)}"/>' for j in range(n))
        ways.append(f'<way id="{wid}" version="1">{refs}<tag k="highway" v="track"/></way>')
        wid += 1
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")
    return path


def test_proxy_network_connects_points():
    params = resolve()
    pts = {str(i): (i * 1000.0, (i % 3) * 700.0) for i in range(12)}
    g = proxy_network(pts, params)
    assert nx.is_connected(g)
    for _, _, d in g.edges(data=True):
        assert d["travel_s"] == pytest.approx(d["length_m"] / (params["travel.moto_laterite_kmh"] / 3.6))


def test_collinear_points_still_connected():
    g = proxy_network({str(i): (i * 500.0, 0.0) for i in range(5)}, resolve())
    assert nx.is_connected(g)


def test_osm_file_loads_projected_with_speeds(tmp_path):
    g = load_osm(_osm_grid(tmp_path / "roads.osm"), resolve())
    assert g.number_of_edges() > 0
    xs = [d["x"] for _, d in g.nodes(data=True)]
    assert 300_000 < min(xs) < 500_000  # UTM 48N metres, not degrees
    speeds = {d["speed_kmh"] for *_, d in g.edges(data=True)}
    assert speeds == {resolve()["travel.moto_laterite_kmh"], resolve()["travel.moto_track_kmh"]}


def test_snap_reports_far_places(tmp_path):
    g = load_osm(_osm_grid(tmp_path / "roads.osm"), resolve())
    node = next(iter(g.nodes))
    x, y = g.nodes[node]["x"], g.nodes[node]["y"]
    assert snap(g, {"near": (x + 10, y)})["near"] == node
    with pytest.raises(GeographyError, match="far away|5 km"):
        snap(g, {"far away": (x + 20_000, y)})


def test_unreadable_osm_named(tmp_path):
    bad = tmp_path / "roads.osm"
    bad.write_text("<osm><way id='1'>", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_osm(bad, resolve())
    assert str(bad) in str(e.value)


def test_scenario_with_osm_roads(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    _osm_grid(folder / "roads.osm")
    (folder / "villages.csv").write_text(
        "village_code,lat,lon,households\n15050101,12.50,103.90,103\n15050102,12.52,103.92,135\n", encoding="utf-8")
    p = write_scenario(folder, """
[scenario]
name = "osm"
districts = ["1505"]
[geography]
villages = "villages.csv"
roads = "roads.osm"
[calendar]
start = 2027-01-04
weeks = 2
[resources]
vehicles = [{ district = "1505", lat = 12.49, lon = 103.89 }]
[budget]
limit_usd = 1000
""")
    c = load_campaign(p)
    assert c.roads.kind == "osm" and set(c.roads.village_node) == {"15050101", "15050102"}
    assert c.roads.depot_node["tuktuk-1505"] in c.roads.graph


def test_public_roads_counts_distinct_roads_at_the_village_node():
    """Hand case: a crossroads (2 roads), a road through (1), a footpath only (1, the minimum), 3 roads."""
    from outreach.roads import public_roads

    g = nx.MultiDiGraph()

    def way(u, v, **tags):
        g.add_edge(u, v, **tags)
        g.add_edge(v, u, **tags)

    way("A", "x1", name="NR5", highway="primary", osmid=1)
    way("A", "x2", name="NR5", highway="primary", osmid=2)  # the same named road on the other side
    way("A", "x3", highway="track", osmid=3)  # unnamed: its OSM way names it
    way("B", "x1", highway="residential", osmid=[7, 8])  # a simplified edge of two ways, through B
    way("B", "x2", highway="residential", osmid=[7, 9])
    way("C", "x3", highway="footway", osmid=4)  # no public road: still one to hang a banner by the path
    way("C", "x1", highway="service", osmid=5)
    for i in range(3):
        way("D", f"y{i}", name=f"street {i}", highway="unclassified", osmid=10 + i)
    got = public_roads(g, {"v1": "A", "v2": "B", "v3": "C", "v4": "D"}, "osm")
    assert got == {"v1": 2, "v2": 1, "v3": 1, "v4": 3}


def test_public_roads_on_the_proxy_network_is_one_per_village():
    from outreach.roads import public_roads

    params = resolve()
    pts = {str(i): (i * 1000.0, (i % 3) * 700.0) for i in range(8)}
    g = proxy_network(pts, params)
    assert max(d for _, d in g.degree()) > 1  # travel links are not roads through the village
    assert public_roads(g, {p: p for p in pts}, "proxy") == dict.fromkeys(pts, 1)
