"""Covering a village's streets on an OpenStreetMap file, against covers computed by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from outreach.parameters import resolve
from outreach.roads import load_osm
from outreach.streets import street_cover, undirected_lengths

LAT0, LON0 = 12.48, 103.88
STEP = 0.002  # about 217 m of longitude, 221 m of latitude here


def _osm(path, nodes: dict[int, tuple[float, float]], ways: list[list[int]]):
    xml = [f'<node id="{i}" lat="{lat:.6f}" lon="{lon:.6f}" version="1"/>' for i, (lat, lon) in nodes.items()]
    for k, refs in enumerate(ways, start=1):
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        xml.append(f'<way id="{k}" version="1">{nds}<tag k="highway" v="residential"/></way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(xml) + "\n</osm>\n", encoding="utf-8")
    return undirected_lengths(load_osm(path, resolve()))


def _along(g: nx.Graph, u, v, n: int, offset: float) -> np.ndarray:
    """``n`` household points beside the street u–v, ``offset`` metres to its left."""
    a = np.array([g.nodes[u]["x"], g.nodes[u]["y"]])
    b = np.array([g.nodes[v]["x"], g.nodes[v]["y"]])
    d = (b - a) / np.linalg.norm(b - a)
    left = np.array([-d[1], d[0]])
    return np.array([a + (b - a) * t + left * offset for t in np.linspace(0.2, 0.8, n)])


def test_a_cross_of_dead_ends_is_driven_out_and_back(tmp_path):
    # The village node is the centre of a "+" with four dead-end arms, households along each arm.
    # By hand: every arm end has degree 1, so each arm is driven twice: cover = 2 x (sum of arms).
    nodes = {1: (LAT0, LON0), 2: (LAT0 + STEP, LON0), 3: (LAT0, LON0 + STEP), 4: (LAT0 - STEP, LON0),
             5: (LAT0, LON0 - STEP)}
    g = _osm(tmp_path / "cross.osm", nodes, [[2, 1, 4], [5, 1, 3]])
    arms = [g[1][k]["length_m"] for k in (2, 3, 4, 5)]
    assert all(200 < a < 230 for a in arms)
    pts = np.vstack([_along(g, 1, k, 5, 25.0) for k in (2, 3, 4, 5)])
    cover = street_cover(g, 1, pts, max_offset_m=60.0)
    assert cover.streets == 4 and cover.households_served == 20
    assert cover.length_m == pytest.approx(2 * sum(arms))
    assert cover.nodes[0] == cover.nodes[-1] == 1


def test_a_block_is_driven_once_round(tmp_path):
    # A square block with a spur at each corner (so the corners are real junctions). Households line
    # the four sides, none the spurs. By hand: every corner has degree 2 among the serving streets,
    # so the cover is the perimeter, driven once.
    sq = {1: (LAT0, LON0), 2: (LAT0, LON0 + STEP), 3: (LAT0 + STEP, LON0 + STEP), 4: (LAT0 + STEP, LON0)}
    spurs = {11: (LAT0 - STEP, LON0), 12: (LAT0 - STEP, LON0 + STEP), 13: (LAT0 + 2 * STEP, LON0 + STEP),
             14: (LAT0 + 2 * STEP, LON0)}
    ways = [[1, 2], [2, 3], [3, 4], [4, 1], [11, 1], [12, 2], [13, 3], [14, 4]]
    g = _osm(tmp_path / "block.osm", {**sq, **spurs}, ways)
    sides = [g[1][2]["length_m"], g[2][3]["length_m"], g[3][4]["length_m"], g[4][1]["length_m"]]
    pts = np.vstack([_along(g, a, b, 6, 30.0) for a, b in ((1, 2), (2, 3), (3, 4), (4, 1))])
    cover = street_cover(g, 1, pts, max_offset_m=60.0)
    assert cover.streets == 4
    assert cover.length_m == pytest.approx(sum(sides))


def test_streets_far_from_the_village_are_joined_by_the_shortest_road(tmp_path):
    # Two serving dead ends at the far ends of a 3-segment road; the middle segment serves no one
    # but must be driven to reach them. By hand: the whole road out and back, 2 x its length.
    nodes = {1: (LAT0, LON0), 2: (LAT0, LON0 + STEP), 3: (LAT0, LON0 + 2 * STEP), 4: (LAT0, LON0 + 3 * STEP),
             9: (LAT0 + STEP, LON0 + STEP), 10: (LAT0 + STEP, LON0 + 2 * STEP)}
    g = _osm(tmp_path / "line.osm", nodes, [[1, 2, 3, 4], [2, 9], [3, 10]])
    pts = np.vstack([_along(g, 1, 2, 4, 20.0), _along(g, 3, 4, 4, 20.0)])
    cover = street_cover(g, 1, pts, max_offset_m=40.0)
    road = g[1][2]["length_m"] + g[2][3]["length_m"] + g[3][4]["length_m"]
    assert cover.streets == 2
    assert cover.length_m == pytest.approx(2 * road)


def test_no_household_near_a_street_means_no_drive(tmp_path):
    nodes = {1: (LAT0, LON0), 2: (LAT0, LON0 + STEP), 3: (LAT0 + STEP, LON0), 4: (LAT0 - STEP, LON0)}
    g = _osm(tmp_path / "far.osm", nodes, [[3, 1, 2], [1, 4]])
    far = np.array([[g.nodes[1]["x"] + 500.0, g.nodes[1]["y"] + 500.0]])
    cover = street_cover(g, 1, far, max_offset_m=60.0)
    assert cover.length_m == 0.0 and cover.streets == 0 and cover.households_served == 0
