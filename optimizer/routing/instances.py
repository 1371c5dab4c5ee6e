"""Readers for public routing benchmarks and their own evaluation conventions.

Each reader takes the *text* of a file (``optimizer/`` never opens files; the
benchmark script reads them) and returns an :class:`Instance`: a
:class:`~optimizer.routing.problem.RoutingProblem` plus a checker that re-evaluates any
solution under the instance family's convention:

* Solomon VRPTW: double-precision Euclidean travel time = distance, service
  starts by the due date, return by the depot's due date, capacity;
  hierarchical objective (fewest vehicles, then total distance).
* Chao TOP: first point is the start, last point the end; each route's exact
  Euclidean length <= ``tmax``; maximise the total score.
* CVRPLIB X (CVRP): EUC_2D distances rounded to the nearest integer.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .problem import RoutingProblem, RoutingResult, VehicleType, evaluate

# Why 10 000 per vehicle: larger than any Solomon route set's total length,
# so one vehicle fewer always wins (hierarchical objective) but still small
# enough that PyVRP's penalty balance is not swamped.
SOLOMON_VEHICLE_COST = 10_000.0
# Why 1e-3: one TOP score unit outweighs any total length in sets 4/5/7
# (m * tmax < 1000), so length only breaks ties between equal scores. Smaller
# weights (prizes 1e8 x the integer distance unit) measurably hurt PyVRP's
# search (penalty balance), so the weight is not pushed further down.
TOP_DISTANCE_WEIGHT = 1e-3


@dataclass(frozen=True)
class Check:
    """A solution re-evaluated under the instance's convention.

    ``value`` is the total distance (Solomon, CVRP) or the score (TOP).
    """

    feasible: bool
    vehicles: int
    value: float
    violations: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Instance:
    """A benchmark instance: its family, routing problem and checker."""

    name: str
    family: str  # "solomon" | "top" | "cvrp"
    problem: RoutingProblem
    checker: Callable[[Sequence[Sequence[int]]], Check]

    def check(self, routes: Sequence[Sequence[int]]) -> Check:
        """Re-evaluate routes (location indices, depots excluded)."""
        return self.checker(routes)

    def check_result(self, result: RoutingResult) -> Check:
        """Re-evaluate an engine's result."""
        return self.checker(result.routes)


def _euclid(xy: np.ndarray) -> np.ndarray:
    """Double-precision Euclidean distances between all points."""
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def _lines(text: str) -> list[str]:
    # CRLF and stray blank lines are common in these files
    return [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]


# --------------------------------------------------------------------------- Solomon
def read_solomon(text: str, name: str | None = None, *, vehicle_cost: float = SOLOMON_VEHICLE_COST) -> Instance:
    """Parse a Solomon VRPTW file (CRLF tolerant).

    Parameters
    ----------
    text : str
        File contents.
    name : str, optional
        Instance name; defaults to the file's first line.
    vehicle_cost : float
        Fixed cost per vehicle that makes the objective hierarchical.

    Returns
    -------
    Instance
        Location 0 is the depot, locations 1..100 the customers.
    """
    lines = _lines(text)
    name = name or lines[0]
    i = next(k for k, ln in enumerate(lines) if ln.upper().startswith("NUMBER"))
    count, capacity = (int(float(x)) for x in lines[i + 1].split()[:2])
    rows = []
    for ln in lines[i + 2 :]:
        parts = ln.split()
        if len(parts) >= 7 and all(re.fullmatch(r"-?\d+(\.\d+)?", p) for p in parts[:7]):
            rows.append([float(p) for p in parts[:7]])
    a = np.array(rows)
    xy, demand, early, late, service = a[:, 1:3], a[:, 3], a[:, 4], a[:, 5], a[:, 6]
    dist = _euclid(xy)
    n = len(a)
    prob = RoutingProblem(
        duration=dist,
        distance=dist,
        vehicle_types=(
            VehicleType(count=count, start=0, end=0, capacity=float(capacity), fixed_cost=vehicle_cost,
                        tw_early=float(early[0]), tw_late=float(late[0])),
        ),
        tw_early=early.copy(),
        tw_late=late.copy(),
        service=service.copy(),
        demand=demand.copy(),
        prize=np.zeros(n),
        required=np.ones(n, dtype=bool),
        distance_weight=1.0,
        scale=10_000.0,
    )
    return Instance(name, "solomon", prob, _evaluation_checker(prob))


def _evaluation_checker(prob: RoutingProblem) -> Callable[[Sequence[Sequence[int]]], Check]:
    """The checker of families whose convention is :func:`evaluate` itself (Solomon, CVRP)."""

    def check(routes: Sequence[Sequence[int]]) -> Check:
        r = evaluate(prob, routes, [0] * len(routes))
        return Check(r.feasible, r.vehicles, r.distance, r.violations)

    return check


# --------------------------------------------------------------------------- TOP
def read_top(text: str, name: str = "") -> Instance:
    """Parse a Chao et al. team-orienteering file (``n``, ``m``, ``tmax``, points).

    Returns
    -------
    Instance
        Location 0 is the start, location ``n-1`` the end; the others are
        optional clients whose prize is the score.
    """
    lines = _lines(text)
    head: dict[str, float] = {}
    pts = []
    for ln in lines:
        parts = ln.split()
        if parts[0] in ("n", "m", "tmax"):
            head[parts[0]] = float(parts[1])
        else:
            pts.append([float(p) for p in parts[:3]])
    a = np.array(pts)
    n = len(a)
    if "n" in head and int(head["n"]) != n:
        raise ValueError(f"{name}: header says n={int(head['n'])} but {n} points follow")
    m, tmax = int(head["m"]), float(head["tmax"])
    dist = _euclid(a[:, :2])
    required = np.zeros(n, dtype=bool)
    prize = a[:, 2].copy()
    prize[0] = prize[-1] = 0.0
    prob = RoutingProblem(
        duration=dist,
        distance=dist,
        vehicle_types=(VehicleType(count=m, start=0, end=n - 1, max_distance=tmax),),
        tw_early=np.zeros(n),
        tw_late=np.full(n, math.inf),
        service=np.zeros(n),
        demand=np.zeros(n),
        prize=prize,
        required=required,
        distance_weight=TOP_DISTANCE_WEIGHT,
        scale=1000.0,
    )
    return Instance(name, "top", prob, _top_checker(a, m, tmax))


def _top_checker(a: np.ndarray, m: int, tmax: float) -> Callable[[Sequence[Sequence[int]]], Check]:
    """The TOP convention: at most ``m`` routes, each of exact length <= ``tmax``; the value is the score."""
    n = len(a)

    def check(routes: Sequence[Sequence[int]]) -> Check:
        viol = []
        seen: set[int] = set()
        score = 0.0
        used = [r for r in routes if len(r)]
        if len(used) > m:
            viol.append(f"{len(used)} routes > m={m}")
        for r in used:
            seq = [0, *r, n - 1]
            length = sum(math.hypot(*(a[i, :2] - a[j, :2])) for i, j in zip(seq, seq[1:]))
            if length > tmax:  # no rounding, no tolerance: the TOP convention
                viol.append(f"route length {length:.6f} > tmax {tmax}")
            for c in r:
                if c in (0, n - 1) or c in seen:
                    viol.append(f"point {c} repeated or a terminal")
                seen.add(c)
                score += a[c, 2]
        return Check(not viol, len(used), score, tuple(viol))

    return check


# --------------------------------------------------------------------------- CVRPLIB
def read_cvrplib(text: str, name: str = "") -> Instance:
    """Parse a CVRPLIB ``.vrp`` file with EUC_2D distances (rounded to integers).

    Returns
    -------
    Instance
        Location 0 is the depot (file node 1); fleet size is unlimited.
    """
    f = _parse_cvrplib(text, name)
    ids = sorted(f.coords)
    depot = f.depots[0] if f.depots else ids[0]
    order = [depot] + [i for i in ids if i != depot]
    xy = np.array([f.coords[i] for i in order])
    dist = np.floor(_euclid(xy) + 0.5)  # TSPLIB nint
    n = len(order)
    dem = np.array([f.demand.get(i, 0.0) for i in order])
    dem[0] = 0.0
    prob = RoutingProblem(
        duration=dist,
        distance=dist,
        vehicle_types=(VehicleType(count=n - 1, start=0, end=0, capacity=f.capacity),),
        tw_early=np.zeros(n),
        tw_late=np.full(n, math.inf),
        service=np.zeros(n),
        demand=dem,
        prize=np.zeros(n),
        required=np.ones(n, dtype=bool),
        distance_weight=1.0,
        scale=1.0,
    )
    return Instance(f.name, "cvrp", prob, _evaluation_checker(prob))


@dataclass(frozen=True)
class _CvrpFile:
    """What a CVRPLIB file holds: name, capacity, node coordinates and demands, depot nodes."""

    name: str
    capacity: float
    coords: Mapping[int, tuple[float, float]]
    demand: Mapping[int, float]
    depots: Sequence[int]


def _parse_cvrplib(text: str, name: str) -> _CvrpFile:
    """Read the header keys and the coordinate, demand and depot sections (``name`` wins over NAME)."""
    coords: dict[int, tuple[float, float]] = {}
    demand: dict[int, float] = {}
    depots: list[int] = []
    capacity = 0.0
    section = ""
    for ln in _lines(text):
        key = ln.split(":")[0].strip().upper()
        if ":" in ln and key in ("NAME", "CAPACITY", "DIMENSION", "TYPE", "COMMENT", "EDGE_WEIGHT_TYPE"):
            if key == "NAME" and not name:
                name = ln.split(":", 1)[1].strip()
            if key == "CAPACITY":
                capacity = float(ln.split(":", 1)[1])
            continue
        if key.endswith("_SECTION"):
            section = key
            continue
        if key == "EOF":
            break
        parts = ln.split()
        if section == "NODE_COORD_SECTION":
            coords[int(parts[0])] = (float(parts[1]), float(parts[2]))
        elif section == "DEMAND_SECTION":
            demand[int(parts[0])] = float(parts[1])
        elif section == "DEPOT_SECTION" and int(parts[0]) > 0:
            depots.append(int(parts[0]))
    return _CvrpFile(name, capacity, coords, demand, depots)


def read_cvrplib_solution(text: str) -> tuple[list[list[int]], float | None]:
    """Parse a CVRPLIB ``.sol`` file: routes (customer numbers = location indices) and ``Cost``."""
    routes, cost = [], None
    for ln in _lines(text):
        if ln.lower().startswith("route"):
            routes.append([int(x) for x in ln.split(":", 1)[1].split()])
        elif ln.lower().startswith("cost"):
            cost = float(ln.split()[1])
    return routes, cost


# --------------------------------------------------------------------------- best known
@dataclass(frozen=True)
class BestKnown:
    """Best-known values of one instance, by objective kind."""

    instance: str
    values: Mapping[str, float]


def read_bks(text: str) -> dict[str, BestKnown]:
    """Parse ``bks.csv`` (instance, best_known, objective_kind, source)."""
    out: dict[str, dict[str, float]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["instance"], {})[row["objective_kind"]] = float(row["best_known"])
    return {k: BestKnown(k, v) for k, v in out.items()}


def gap_pct(inst: Instance, check: Check, bks: BestKnown) -> dict[str, float | int | None]:
    """Gap of a checked solution to the best known, in percent (positive = worse).

    Solomon (hierarchical): the distance gap when the vehicle count matches the
    best known; with more vehicles the gap is the vehicle-count gap (at least
    the distance gap), so extra vehicles are never hidden by a shorter total.
    TOP: score shortfall. CVRP: distance gap. Infeasible solutions get ``None``.
    """
    v = bks.values
    if not check.feasible:
        return {"gap_pct": None, "vehicles_delta": None}
    if inst.family == "solomon":
        bv, bd = v["solomon_hier_vehicles"], v["solomon_hier_distance_exact"]
        dgap = 100.0 * (check.value - bd) / bd
        vdelta = int(check.vehicles - bv)
        gap = dgap if vdelta <= 0 else max(dgap, 100.0 * vdelta / bv)
        return {"gap_pct": round(gap, 4), "distance_gap_pct": round(dgap, 4), "vehicles_delta": vdelta}
    if inst.family == "top":
        b = v.get("top_score_bks", v.get("top_score_chao1996_heuristic"))
        return {"gap_pct": round(100.0 * (b - check.value) / b, 4) if b else 0.0}
    b = v["cvrp_distance_round_int"]
    return {"gap_pct": round(100.0 * (check.value - b) / b, 4)}
