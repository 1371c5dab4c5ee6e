"""Covering a village's streets on a real road map (rural postman).

On an OpenStreetMap road file the loudspeaker does not lay lanes across
fields: it drives the streets that serve the village's households. A street
*serves* a household when the household lies within ``max_offset_m`` of it
(the offset at which a passing vehicle is heard for a whole message, see
:mod:`outreach.broadcast`) and no other street is nearer. The vehicle must
drive every serving street at least once, starting and ending at the
village's node: a rural postman problem. It is solved the classic way
(Frederickson's heuristic):

1. the serving streets, plus the village node, form components; they are
   joined by a minimum spanning tree over shortest road paths;
2. nodes of odd degree are paired by a minimum-weight perfect matching on
   shortest-path lengths, and each pair's path is driven twice;
3. an Eulerian circuit of the result, from the village node, is the cover.

The cover is exact when the serving streets already form one connected
graph with every degree even (a block), and within 3/2 of the optimum in
general. Lengths are the edges' ``length_m``; the path is drawn through the
nodes' ``x``/``y`` (EPSG:32648 metres).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

Node = Hashable


@dataclass(frozen=True)
class StreetCover:
    """A closed drive from the village node over every street that serves its households.

    Attributes
    ----------
    nodes : tuple
        Road nodes in driving order, first and last the village node.
    length_m : float
        Metres driven (repeated streets counted each time).
    streets : int
        Serving streets (edges) that must be driven.
    households_served : int
        Households within ``max_offset_m`` of a serving street.
    """

    nodes: tuple[Node, ...]
    length_m: float
    streets: int
    households_served: int


def undirected_lengths(graph: Any) -> nx.Graph:
    """A simple undirected copy of a road graph: one edge per node pair, the shortest ``length_m``."""
    g = nx.Graph()
    g.add_nodes_from((n, {"x": float(d["x"]), "y": float(d["y"])}) for n, d in graph.nodes(data=True))
    for u, v, d in graph.edges(data=True):
        if u == v:
            continue
        w = float(d.get("length_m", 0.0))
        if not g.has_edge(u, v) or w < g[u][v]["length_m"]:
            g.add_edge(u, v, length_m=w)
    return g


def _segment_distances(p: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64]
                       ) -> NDArray[np.float64]:
    """Distance from each point (rows of ``p``) to each segment ``a[j]–b[j]``: shape (points, segments)."""
    ab = b - a
    den = np.maximum((ab ** 2).sum(axis=1), 1e-12)
    t = np.clip(((p[:, None, :] - a[None, :, :]) * ab[None, :, :]).sum(axis=2) / den[None, :], 0.0, 1.0)
    nearest = a[None, :, :] + t[:, :, None] * ab[None, :, :]
    return np.asarray(np.hypot(*(p[:, None, :] - nearest).transpose(2, 0, 1)), dtype=np.float64)


def serving_streets(g: nx.Graph, points_xy: NDArray[np.float64], max_offset_m: float
                    ) -> tuple[set[tuple[Node, Node]], int]:
    """Streets that are the nearest street of at least one household within ``max_offset_m``.

    Returns the edges (as sorted node pairs by insertion order) and the number of households served.
    """
    pts = np.asarray(points_xy, float).reshape(-1, 2)
    if len(pts) == 0 or g.number_of_edges() == 0:
        return set(), 0
    lo, hi = pts.min(axis=0) - max_offset_m, pts.max(axis=0) + max_offset_m
    edges = []
    for u, v in g.edges():
        xu, yu, xv, yv = g.nodes[u]["x"], g.nodes[u]["y"], g.nodes[v]["x"], g.nodes[v]["y"]
        if max(xu, xv) >= lo[0] and min(xu, xv) <= hi[0] and max(yu, yv) >= lo[1] and min(yu, yv) <= hi[1]:
            edges.append((u, v))
    if not edges:
        return set(), 0
    a = np.array([(g.nodes[u]["x"], g.nodes[u]["y"]) for u, _ in edges], float)
    b = np.array([(g.nodes[v]["x"], g.nodes[v]["y"]) for _, v in edges], float)
    dist = _segment_distances(pts, a, b)
    best = dist.argmin(axis=1)
    served = dist[np.arange(len(pts)), best] <= max_offset_m
    return {edges[j] for j in np.unique(best[served])}, int(served.sum())


def _join_components(g: nx.Graph, m: nx.MultiGraph) -> None:
    """Connect ``m``'s components through ``g`` along a minimum spanning tree of shortest paths."""
    comps = [sorted(c, key=str) for c in nx.connected_components(m)]
    if len(comps) < 2:
        return
    links = nx.Graph()
    for i, j in itertools.combinations(range(len(comps)), 2):
        dist, path = nx.multi_source_dijkstra(g, set(comps[i]), target=None, weight="length_m")
        reach = [(dist[n], n) for n in comps[j] if n in dist]
        if reach:
            d, n = min(reach, key=lambda t: (t[0], str(t[1])))
            links.add_edge(i, j, weight=d, path=path[n])
    for i, j in nx.minimum_spanning_edges(links, data=False):
        _add_path(g, m, links[i][j]["path"])


def _add_path(g: nx.Graph, m: nx.MultiGraph, path: Sequence[Node]) -> None:
    for u, v in zip(path, path[1:]):
        m.add_edge(u, v, length_m=g[u][v]["length_m"])


def _pair_odd_nodes(g: nx.Graph, m: nx.MultiGraph) -> None:
    """Drive twice the shortest paths of a minimum-weight pairing of odd-degree nodes (makes ``m`` Eulerian)."""
    odd = sorted((n for n, d in m.degree() if d % 2), key=str)
    if not odd:
        return
    pairs = nx.Graph()
    paths: dict[tuple[Node, Node], list[Node]] = {}
    for u in odd:
        dist, path = nx.single_source_dijkstra(g, u, weight="length_m")
        for v in odd:
            if v != u and v in dist:
                pairs.add_edge(u, v, weight=dist[v])
                paths[u, v] = path[v]
    for u, v in sorted(nx.min_weight_matching(pairs), key=lambda e: (str(e[0]), str(e[1]))):
        _add_path(g, m, paths[u, v] if (u, v) in paths else paths[v, u][::-1])


def street_cover(g: nx.Graph, village_node: Node, points_xy: NDArray[np.float64],
                 max_offset_m: float) -> StreetCover:
    """The closed drive over every street serving the village's households.

    Parameters
    ----------
    g : networkx.Graph
        Undirected road graph with ``length_m`` and node ``x``/``y``
        (:func:`undirected_lengths` of the campaign's road network).
    village_node : node
        Where the drive starts and ends.
    points_xy : ndarray, shape (n, 2)
        The village's household positions in metres.
    max_offset_m : float
        A household farther than this from every street is not served.

    Returns
    -------
    StreetCover
    """
    required, served = serving_streets(g, points_xy, max_offset_m)
    m = nx.MultiGraph()
    m.add_node(village_node)
    for u, v in sorted(required, key=lambda e: (str(e[0]), str(e[1]))):
        m.add_edge(u, v, length_m=g[u][v]["length_m"])
    if not required:
        return StreetCover((village_node, village_node), 0.0, 0, served)
    _join_components(g, m)
    _pair_odd_nodes(g, m)
    circuit = list(nx.eulerian_circuit(m, source=village_node, keys=True))
    nodes = (village_node,) + tuple(v for _, v, _ in circuit)
    length = sum(float(m[u][v][k]["length_m"]) for u, v, k in circuit)
    return StreetCover(nodes, length, len(required), served)
