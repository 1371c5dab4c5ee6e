"""Walking distances for the roster: between villages (turfs, routes) and between homes (pairing).

Both measure road metres when the road graph links the two places and fall
back on the straight line (:func:`outreach.rules.straight_line_m`) when it
does not, but the fallbacks differ on purpose:

* :func:`road_distances` multiplies the straight line by the network's
  circuity, because its metres are summed and compared with real road
  metres of other villages in the same turf model;
* :func:`home_distance_m` keeps the plain straight line: it only ranks
  candidate partners (a capped penalty in the pairing weights), and the
  pairing weights were tuned on that scale.

Changing either would change the pairs or the turfs of every plan.
"""

from __future__ import annotations

from collections import defaultdict

from outreach.model import Campaign, Geography, RoadNetwork, Volunteer
from outreach.rules import straight_line_m


def road_distances(campaign: Campaign) -> dict[str, dict[str, float]]:
    """Road metres between every two villages (straight line × circuity where the graph does not reach).

    Parameters
    ----------
    campaign : Campaign
        Its geography and road network.

    Returns
    -------
    dict of str to dict of str to float
        ``out[a][b]``: metres from village ``a`` to village ``b``.
    """
    geo = campaign.geography
    out = _graph_distances(campaign)
    circ = max(1.0, float(campaign.roads.circuity or 1.0))
    for a in geo.villages:  # fallback: straight-line metres
        row = out[a.code]
        for b in geo.villages:
            if b.code not in row:
                row[b.code] = circ * straight_line_m(geo, a.code, b.code)
    return out


def _graph_distances(campaign: Campaign) -> dict[str, dict[str, float]]:
    """Shortest road metres from every village to the villages its graph component reaches."""
    import networkx as nx

    roads = campaign.roads
    node_of = dict(roads.village_node)
    by_node: dict[object, list[str]] = defaultdict(list)
    for code, n in node_of.items():
        by_node[n].append(code)
    out: dict[str, dict[str, float]] = {}
    for v in campaign.geography.villages:
        n = node_of.get(v.code)
        row: dict[str, float] = {}
        if n is not None and roads.graph is not None and n in roads.graph:
            lengths = nx.single_source_dijkstra_path_length(roads.graph, n, weight="length_m")
            for node, d in lengths.items():
                for c in by_node.get(node, ()):
                    row[c] = float(d)
        out[v.code] = row
    return out


def home_distance_m(a: Volunteer, b: Volunteer, geography: Geography, roads: RoadNetwork | None = None) -> float:
    """Metres between two volunteers' home villages: by road when possible, else the plain straight line.

    Parameters
    ----------
    a, b : Volunteer
        The two volunteers.
    geography : Geography
        Their home villages' positions.
    roads : RoadNetwork, optional
        Road graph; without it (or when it does not link the two) the
        straight line is used, without circuity (see the module notes).
    """
    if roads is not None:
        na, nb = roads.village_node.get(a.home_village), roads.village_node.get(b.home_village)
        if na is not None and nb is not None:
            try:
                import networkx as nx

                return float(nx.shortest_path_length(roads.graph, na, nb, weight="length_m"))
            except Exception:  # noqa: BLE001 - disconnected or odd graph: fall back to straight line
                pass
    return straight_line_m(geography, a.home_village, b.home_village)
