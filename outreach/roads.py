"""Road networks: an OpenStreetMap file, or a documented proxy when none is given.

Both return a :class:`~outreach.model.RoadNetwork` whose graph is in EPSG:32648
metres: nodes carry ``x``/``y``, edges ``length_m``, ``speed_kmh`` and
``travel_s`` at the transit speed of their road class.

Proxy network
-------------
When the working group has no road file, villages and depots are joined by the
union of a Delaunay triangulation and each point's ``k`` nearest neighbours
(``travel.proxy_k_neighbours``, default 6). An edge's length is the straight
line times a circuity factor (``travel.circuity_factor``, default 1.3: rural
roads are about 30 % longer than the crow flies); its speed is the laterite
road speed (``travel.moto_laterite_kmh``). The graph is connected by
construction. It is a planning proxy, not a map: distances are right on
average, individual routes are not.

Public roads of a village
-------------------------
Banners hang on a village's public road, one per road (the seed report:
"each banner is displayed at each village's public road"), so a village's
banners are capped by its public roads (:func:`public_roads`). On an
OpenStreetMap file they are the distinct roads (by name, else by OSM way)
meeting at the village's node, footpaths and service ways left out, at
least one. The proxy network's edges are travel links between village
points, not roads through a village, so there every village has one public
road.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np

from .errors import GeographyError, InputError

#: Speed by OSM ``highway`` class; keys of parameters.py ``travel.*``.
_CLASS_SPEED_KEY = {
    "motorway": "travel.moto_paved_kmh",
    "trunk": "travel.moto_paved_kmh",
    "primary": "travel.moto_paved_kmh",
    "secondary": "travel.moto_paved_kmh",
    "tertiary": "travel.moto_laterite_kmh",
    "unclassified": "travel.moto_laterite_kmh",
    "residential": "travel.moto_laterite_kmh",
    "living_street": "travel.moto_track_kmh",
    "service": "travel.moto_track_kmh",
    "track": "travel.moto_track_kmh",
    "path": "travel.moto_track_kmh",
}

#: Road classes that carry no banner: footpaths and private service ways.
_NOT_PUBLIC = frozenset({"footway", "path", "cycleway", "steps", "pedestrian", "bridleway", "service"})

#: A village farther than this from the nearest road node is reported.
MAX_SNAP_M = 5000.0


def _speed_for(highway: object, params: Mapping[str, float]) -> float:
    tag = highway[0] if isinstance(highway, (list, tuple)) and highway else highway
    tag = str(tag or "").replace("_link", "")
    return params[_CLASS_SPEED_KEY.get(tag, "travel.moto_laterite_kmh")]


def proxy_network(
    points: Mapping[str, tuple[float, float]],
    params: Mapping[str, float],
) -> nx.Graph:
    """Build the proxy road graph over named points (villages and depots).

    Parameters
    ----------
    points : mapping of str to (x_m, y_m)
        Node id to projected coordinates. Ids become the graph's nodes.
    params : mapping
        Resolved parameters (``travel.circuity_factor``,
        ``travel.proxy_k_neighbours``, ``travel.moto_laterite_kmh``).

    Returns
    -------
    networkx.Graph
        Undirected, connected graph with ``length_m``, ``speed_kmh``, ``travel_s``.
    """
    from scipy.spatial import Delaunay, cKDTree

    ids = list(points)
    xy = np.array([points[i] for i in ids], dtype=float)
    g = nx.Graph(crs="EPSG:32648", kind="proxy")
    for i, (x, y) in zip(ids, xy):
        g.add_node(i, x=float(x), y=float(y))
    n = len(ids)
    if n < 2:
        return g
    pairs: set[tuple[int, int]] = set()
    k = int(min(params["travel.proxy_k_neighbours"], n - 1))
    _, nbr = cKDTree(xy).query(xy, k=k + 1)
    for a in range(n):
        for b in np.atleast_1d(nbr[a])[1:]:
            pairs.add((min(a, int(b)), max(a, int(b))))
    unique = np.unique(xy, axis=0)
    if len(unique) >= 3 and np.linalg.matrix_rank(unique - unique[0]) == 2:
        for simplex in Delaunay(xy).simplices:
            for u, v in ((0, 1), (1, 2), (0, 2)):
                a, b = int(simplex[u]), int(simplex[v])
                pairs.add((min(a, b), max(a, b)))
    circuity = params["travel.circuity_factor"]
    speed = params["travel.moto_laterite_kmh"]
    for a, b in pairs:
        length = float(np.hypot(*(xy[a] - xy[b]))) * circuity
        g.add_edge(ids[a], ids[b], length_m=length, speed_kmh=speed, travel_s=length / (speed / 3.6), highway="proxy")
    if not nx.is_connected(g):  # only when k-NN alone was used (collinear points): chain the components
        comps = [list(c) for c in nx.connected_components(g)]
        for c1, c2 in zip(comps, comps[1:]):
            a, b = c1[0], c2[0]
            d = float(np.hypot(g.nodes[a]["x"] - g.nodes[b]["x"], g.nodes[a]["y"] - g.nodes[b]["y"])) * circuity
            g.add_edge(a, b, length_m=d, speed_kmh=speed, travel_s=d / (speed / 3.6), highway="proxy")
    return g


def load_osm(path: str | Path, params: Mapping[str, float]) -> nx.MultiDiGraph:
    """Read an OpenStreetMap XML file offline and project it to EPSG:32648.

    Parameters
    ----------
    path : path
        An ``.osm`` XML export (e.g. from JOSM or the OSM website's export).
    params : mapping
        Resolved parameters for road-class speeds.

    Returns
    -------
    networkx.MultiDiGraph
        The largest weakly connected component with ``length_m``,
        ``speed_kmh`` and ``travel_s`` on every edge.
    """
    import osmnx as ox

    path = Path(path)
    if not path.exists():
        raise InputError("the road network file does not exist", file=str(path), field="geography.roads")
    if path.suffix.lower() not in (".osm", ".xml"):
        raise InputError("road networks must be OpenStreetMap XML (.osm); convert .pbf with osmium first",
                         file=str(path), field="geography.roads")
    try:
        g = ox.graph_from_xml(path, simplify=True, retain_all=False)
    except Exception as exc:
        raise InputError(f"cannot read the OpenStreetMap file ({type(exc).__name__}: {exc})", file=str(path),
                         field="geography.roads") from None
    if g.number_of_edges() == 0:
        raise InputError("the OpenStreetMap file holds no roads", file=str(path), field="geography.roads")
    g = ox.project_graph(g, to_crs="EPSG:32648")
    for _, _, data in g.edges(data=True):
        speed = _speed_for(data.get("highway"), params)
        length = float(data.get("length", 0.0))
        data["length_m"] = length
        data["speed_kmh"] = speed
        data["travel_s"] = length / (speed / 3.6)
    return g


def snap(
    graph: nx.Graph,
    points: Mapping[str, tuple[float, float]],
    *,
    file: str = "",
) -> dict[str, object]:
    """Map each named point to its nearest graph node, reporting points too far from any road.

    Raises
    ------
    GeographyError
        Naming every point farther than 5 km from the nearest road node.
    """
    from scipy.spatial import cKDTree

    nodes = list(graph.nodes)
    xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes], dtype=float)
    names = list(points)
    q = np.array([points[p] for p in names], dtype=float)
    dist, idx = cKDTree(xy).query(q)
    far = [f"{names[i]} ({dist[i] / 1000:.1f} km)" for i in np.flatnonzero(dist > MAX_SNAP_M)]
    if far:
        raise GeographyError(
            "these places are more than 5 km from any road in the road file, so the loudspeaker cannot reach them: "
            + ", ".join(far),
            file=file or None,
            field="geography.roads",
        )
    return {names[i]: nodes[int(idx[i])] for i in range(len(names))}



def _road_key(u: object, v: object, data: Mapping[str, object]) -> object | None:
    """A road's identity for banners: its name, else its OSM way; None for a class that carries no banner."""
    tag = data.get("highway")
    tag = tag[0] if isinstance(tag, (list, tuple)) and tag else tag
    if str(tag or "") in _NOT_PUBLIC:
        return None
    for field in ("name", "osmid"):
        value = data.get(field)
        if isinstance(value, (list, tuple)):  # a simplified edge merging several ways: its first names it
            value = value[0] if value else None
        if value not in (None, ""):
            return (field, value)
    return ("edge", frozenset((u, v)))  # an unnamed, untagged edge: a road of its own, either direction


def public_roads(graph: nx.Graph, village_node: Mapping[str, object], kind: str) -> dict[str, int]:
    """Public roads of each village, the places its banners can hang (see the module docstring).

    Parameters
    ----------
    graph : networkx graph
        The road network's graph.
    village_node : mapping of str to node
        Village code to its road node.
    kind : str
        ``"osm"`` or ``"proxy"`` (every village then has one road).

    Returns
    -------
    dict of str to int
        Village code to its number of public roads, at least 1.
    """
    if kind != "osm":
        return {code: 1 for code in village_node}
    out: dict[str, int] = {}
    for code, node in village_node.items():
        edges = list(graph.edges(node, data=True))
        if graph.is_directed():
            edges += list(graph.in_edges(node, data=True))
        roads = {key for u, v, data in edges if (key := _road_key(u, v, data)) is not None}
        out[code] = max(len(roads), 1)
    return out
