"""Travel times and road legs between a vehicle's depot and its villages.

Why Dijkstra per source: one run gives both the travel times of a row of the
matrix and the node sequences the tours follow on the map. Villages that
cannot be reached (either way) are reported; a depot off the network is a
:class:`~outreach.errors.RoutingError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from outreach.errors import RoutingError
from outreach.model import Campaign, Vehicle, Village


@dataclass(frozen=True)
class Leg:
    """The road path between two locations: its nodes, cumulative travel time and length."""

    nodes: tuple[Any, ...]
    times: tuple[float, ...]  # cumulative travel_s along nodes
    length_m: float


@dataclass(frozen=True)
class Network:
    """Travel times and legs between a vehicle's depot (index 0) and its reachable villages (1..)."""

    codes: tuple[str, ...]
    T: np.ndarray
    legs: Mapping[tuple[int, int], Leg]


@dataclass(frozen=True)
class Reach:
    """A vehicle's network and the villages it cannot reach (in the order found)."""

    network: Network
    unreachable: tuple[str, ...]


def _edge(graph: Any, u: Any, v: Any) -> Mapping[str, Any]:
    """The edge data Dijkstra used: the fastest of any parallel edges."""
    data = graph.get_edge_data(u, v)
    if graph.is_multigraph():
        return min(data.values(), key=lambda d: d.get("travel_s", math.inf))
    return data


def _leg(graph: Any, path: Sequence[Any]) -> Leg:
    times, length, t = [0.0], 0.0, 0.0
    for u, v in zip(path, path[1:]):
        e = _edge(graph, u, v)
        t += float(e["travel_s"])
        length += float(e.get("length_m", 0.0))
        times.append(t)
    return Leg(tuple(path), tuple(times), length)


def _depot_node(campaign: Campaign, vehicle: Vehicle) -> Any:
    dnode = campaign.roads.depot_node.get(vehicle.id)
    if dnode is None or dnode not in campaign.roads.graph:
        raise RoutingError(
            f"the depot of vehicle {vehicle.id} ({vehicle.depot_name}) is not on the road network",
            field="vehicles.depot",
        )
    return dnode


def road_network(campaign: Campaign, vehicle: Vehicle, villages: Sequence[Village]) -> Reach:
    """The vehicle's travel-time matrix and legs over the villages it can reach and come back from.

    Raises
    ------
    RoutingError
        The vehicle's depot is not on the road network.
    """
    graph = campaign.roads.graph
    dnode = _depot_node(campaign, vehicle)
    nodes = {v.code: campaign.roads.village_node.get(v.code) for v in villages}
    unreachable = [c for c, n in nodes.items() if n is None or n not in graph]
    # one Dijkstra per source gives the full matrix and the node sequences
    fw = nx.single_source_dijkstra(graph, dnode, weight="travel_s")[1]
    rev = graph.reverse(copy=False) if graph.is_directed() else graph
    bw = nx.single_source_dijkstra(rev, dnode, weight="travel_s")[0]
    ok = [v.code for v in villages if v.code not in unreachable and nodes[v.code] in fw and nodes[v.code] in bw]
    unreachable += [v.code for v in villages if v.code not in unreachable and v.code not in ok]
    pts = [dnode] + [nodes[c] for c in ok]
    k = len(pts)
    T = np.zeros((k, k))
    legs: dict[tuple[int, int], Leg] = {}
    paths = [fw] + [nx.single_source_dijkstra(graph, p, weight="travel_s")[1] for p in pts[1:]]
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            path = paths[i].get(pts[j])
            if path is None:  # one-way pocket: go through the depot
                path = paths[i][dnode] + fw[pts[j]][1:]
            leg = _leg(graph, path)
            legs[i, j] = leg
            T[i, j] = leg.times[-1]
    return Reach(Network(tuple(ok), T, legs), tuple(unreachable))
