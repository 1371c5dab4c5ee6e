"""Engine-agnostic vehicle-routing problem, result and evaluation.

A :class:`RoutingProblem` is a set of *locations* ``0..n-1`` with float
duration and distance matrices. Some locations are depots (start or end of
vehicle types), all others are clients. Clients carry time windows, service
times, optional demands and a prize; optional clients (``required=False``)
may be dropped at the cost of their prize. Mutually exclusive ``groups`` of
optional clients model "visit at most one of these" (e.g. the same village in
the morning or in the afternoon window); a group's prize counts once.

The objective every engine minimises is::

    sum(fixed_cost per used vehicle) + distance_weight * distance
        + sum(prize of each dropped optional client or group)

which covers the VRPTW (``fixed_cost`` large = fewest vehicles, then
distance), the CVRP, the prize-collecting VRPTW and the team orienteering
problem (tiny ``distance_weight``: score first, length as a tie-break).

Engines work on floats or integers as they need (see ``scale``); they return
routes only (:class:`EngineRoutes`), and :func:`evaluate` recomputes every
figure in double precision so all engines are judged the same way. Engines
import from this module only, so the engine registry can import them without
a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy.typing as npt

#: Tolerance of every feasibility check (times, lengths, loads).
EPS = 1e-6

#: A per-location or location-by-location array (float, int or bool).
Array = npt.NDArray[Any]


@dataclass(frozen=True)
class VehicleType:
    """A group of identical vehicles.

    Parameters
    ----------
    count : int
        Vehicles available.
    start, end : int
        Location index of the start and end depot.
    capacity : float
        Load capacity (``inf`` when demands are not used).
    fixed_cost : float
        Cost per used vehicle, in objective units.
    max_duration : float
        Longest route, from leaving the start depot to reaching the end depot.
    max_distance : float
        Longest route length.
    tw_early, tw_late : float
        Earliest departure and latest return.
    """

    count: int
    start: int = 0
    end: int = 0
    capacity: float = math.inf
    fixed_cost: float = 0.0
    max_duration: float = math.inf
    max_distance: float = math.inf
    tw_early: float = 0.0
    tw_late: float = math.inf


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """A routing instance that every engine accepts.

    Parameters
    ----------
    duration, distance : numpy.ndarray
        ``n x n`` travel time and length between locations (float or int).
    vehicle_types : tuple of VehicleType
        Fleet; depots are the locations named as ``start``/``end``.
    tw_early, tw_late, service, demand, prize : numpy.ndarray
        Per location (depot entries ignored except ``tw_*`` of depots).
        Service must *start* inside ``[tw_early, tw_late]``; waiting is allowed.
    required : numpy.ndarray of bool
        Per location; optional clients may be dropped for their prize.
    groups : tuple of tuple of int
        Mutually exclusive sets of optional clients (visit at most one).
    distance_weight : float
        Objective weight of one distance unit.
    scale : float
        Fixed-point factor integer engines multiply times and distances by
        (PyVRP needs integers). Costs are scaled consistently with it.
    """

    duration: Array
    distance: Array
    vehicle_types: tuple[VehicleType, ...]
    tw_early: Array
    tw_late: Array
    service: Array
    demand: Array
    prize: Array
    required: Array
    groups: tuple[tuple[int, ...], ...] = ()
    distance_weight: float = 1.0
    scale: float = 1000.0

    @property
    def n(self) -> int:
        """Number of locations."""
        return int(self.duration.shape[0])

    @property
    def depots(self) -> tuple[int, ...]:
        """Sorted depot location indices."""
        return tuple(sorted({v.start for v in self.vehicle_types} | {v.end for v in self.vehicle_types}))

    @property
    def clients(self) -> tuple[int, ...]:
        """Client location indices in order."""
        d = set(self.depots)
        return tuple(i for i in range(self.n) if i not in d)

    def group_of(self) -> dict[int, int]:
        """Map each grouped client to its group index."""
        return {c: g for g, members in enumerate(self.groups) for c in members}


@dataclass(frozen=True)
class RoutingResult:
    """Routes and their double-precision evaluation.

    ``routes`` hold client location indices (depots excluded); ``route_types``
    give the vehicle-type index of each route. Empty routes are omitted.
    """

    routes: tuple[tuple[int, ...], ...]
    route_types: tuple[int, ...]
    distance: float
    duration: float
    vehicles: int
    prize_collected: float
    prize_dropped: float
    visited: tuple[int, ...]
    dropped: tuple[int, ...]
    feasible: bool
    violations: tuple[str, ...]
    objective: float
    runtime_s: float
    engine: str
    schedules: tuple[tuple[tuple[float, float], ...], ...] = ()
    fixed_cost: float = 0.0
    distance_cost: float = 0.0

    @property
    def objective_parts(self) -> dict[str, float]:
        """The objective split into fixed vehicle cost, distance cost and lost prizes."""
        return {"fixed": self.fixed_cost, "distance": self.distance_cost, "prize_dropped": self.prize_dropped}

    def summary(self) -> dict[str, Any]:
        """JSON-friendly digest (no routes)."""
        return {
            "engine": self.engine,
            "feasible": self.feasible,
            "vehicles": self.vehicles,
            "distance": round(self.distance, 4),
            "prize_collected": round(self.prize_collected, 4),
            "dropped": len(self.dropped),
            "objective": round(self.objective, 4),
            "objective_parts": {k: round(v, 4) for k, v in self.objective_parts.items()},
            "runtime_s": round(self.runtime_s, 3),
            "violations": list(self.violations[:5]),
        }


@dataclass(frozen=True)
class EngineRoutes:
    """What an engine returns: client location indices per route and each route's vehicle type."""

    routes: tuple[tuple[int, ...], ...]
    route_types: tuple[int, ...]


class RoutingEngine(Protocol):
    """A routing solver: takes a problem and returns routes (evaluated later by :func:`evaluate`).

    ``max_iterations`` bounds the search by iterations instead of time where
    the engine supports it (reproducible on any machine); others ignore it.
    """

    def __call__(
        self, problem: RoutingProblem, *, time_limit_s: float, seed: int, max_iterations: int | None
    ) -> EngineRoutes: ...


# --------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class RouteSchedule:
    """Earliest-start schedule of one route and what it breaks.

    ``times`` gives (service start, departure) per client of the route.
    """

    times: tuple[tuple[float, float], ...]
    distance: float
    duration: float
    violations: tuple[str, ...]


def route_schedule(problem: RoutingProblem, route: Sequence[int], vtype: int) -> RouteSchedule:
    """Earliest-start schedule of one route.

    The depot departure is delayed as far as possible without delaying the
    first service, so waiting at the depot does not count as route duration.

    Parameters
    ----------
    problem : RoutingProblem
        The instance.
    route : sequence of int
        Client location indices in visiting order.
    vtype : int
        Vehicle-type index driving the route.

    Returns
    -------
    RouteSchedule
    """
    vt = problem.vehicle_types[vtype]
    D, T = problem.distance, problem.duration
    viol: list[str] = []
    seq = [vt.start, *route, vt.end]
    dist = float(sum(D[a, b] for a, b in zip(seq, seq[1:])))
    t0 = max(vt.tw_early, float(problem.tw_early[vt.start]))
    if route:
        # leave as late as possible so the first visit needs no wait
        t0 = max(t0, float(problem.tw_early[route[0]]) - float(T[vt.start, route[0]]))
    t, prev, out, load = t0, vt.start, [], 0.0
    for c in route:
        t = max(t + float(T[prev, c]), float(problem.tw_early[c]))
        if t > problem.tw_late[c] + EPS:
            viol.append(f"client {c} starts at {t:.3f} after {float(problem.tw_late[c]):.3f}")
        leave = t + float(problem.service[c])
        out.append((t, leave))
        load += float(problem.demand[c])
        t, prev = leave, c
    t_end = t + float(T[prev, vt.end])
    late = min(vt.tw_late, float(problem.tw_late[vt.end]))
    if t_end > late + EPS:
        viol.append(f"route ends at {t_end:.3f} after {late:.3f}")
    if t_end - t0 > vt.max_duration + EPS:
        viol.append(f"route lasts {t_end - t0:.3f} > {vt.max_duration:.3f}")
    if dist > vt.max_distance + EPS:
        viol.append(f"route length {dist:.6f} > {vt.max_distance:.6f}")
    if load > vt.capacity + EPS:
        viol.append(f"load {load:g} > capacity {vt.capacity:g}")
    return RouteSchedule(tuple(out), dist, t_end - t0, tuple(viol))


@dataclass(frozen=True)
class _Driven:
    """All routes scheduled: their timings, totals, visits per client and violations."""

    schedules: tuple[tuple[tuple[float, float], ...], ...]
    distance: float
    duration: float
    visits: Mapping[int, int]
    violations: tuple[str, ...]


def _drive(problem: RoutingProblem, keep: Sequence[tuple[tuple[int, ...], int]]) -> _Driven:
    """Schedule every route in order, summing distance and duration and counting visits."""
    viol: list[str] = []
    dist = dur = 0.0
    scheds = []
    seen: dict[int, int] = {}
    for r, k in keep:
        s = route_schedule(problem, r, k)
        scheds.append(s.times)
        dist += s.distance
        dur += s.duration
        viol += s.violations
        for c in r:
            seen[c] = seen.get(c, 0) + 1
    return _Driven(tuple(scheds), dist, dur, seen, tuple(viol))


def _fleet_violations(problem: RoutingProblem, keep: Sequence[tuple[tuple[int, ...], int]]) -> list[str]:
    """Vehicle types used by more routes than they have vehicles."""
    per_type = [0] * len(problem.vehicle_types)
    for _, k in keep:
        per_type[k] += 1
    return [f"vehicle type {k}: {per_type[k]} routes > {vt.count} available"
            for k, vt in enumerate(problem.vehicle_types) if per_type[k] > vt.count]


def _visit_violations(problem: RoutingProblem, seen: Mapping[int, int]) -> list[str]:
    """Depots used as clients, clients or groups visited more than once, required clients missed."""
    viol: list[str] = []
    depots = set(problem.depots)
    for c, cnt in seen.items():
        if c in depots:
            viol.append(f"depot {c} used as a client")
        elif cnt > 1:
            viol.append(f"client {c} visited {cnt} times")
    for g, members in enumerate(problem.groups):
        if sum(seen.get(c, 0) for c in members) > 1:
            viol.append(f"group {g} visited more than once")
    viol += [f"required client {c} not visited" for c in problem.clients if c not in seen and problem.required[c]]
    return viol


@dataclass(frozen=True)
class _Prizes:
    collected: float
    lost: float


def _prizes(problem: RoutingProblem, seen: Mapping[int, int]) -> _Prizes:
    """Prizes collected and lost; a group's prize counts once: its first visited member, else its best."""
    gof = problem.group_of()
    collected = lost = 0.0
    done_groups: set[int] = set()
    for c in problem.clients:
        if c in gof:
            g = gof[c]
            if g in done_groups:
                continue
            done_groups.add(g)
            members = problem.groups[g]
            hit = [m for m in members if m in seen]
            p = float(max(problem.prize[m] for m in members))
            if hit:
                collected += float(problem.prize[hit[0]])
            else:
                lost += p
        elif c in seen:
            collected += float(problem.prize[c])
        elif not problem.required[c]:
            lost += float(problem.prize[c])
    return _Prizes(collected, lost)


def evaluate(
    problem: RoutingProblem,
    routes: Sequence[Sequence[int]],
    route_types: Sequence[int],
    *,
    engine: str = "",
    runtime_s: float = 0.0,
) -> RoutingResult:
    """Evaluate routes in double precision and build a :class:`RoutingResult`.

    Parameters
    ----------
    problem : RoutingProblem
        The instance.
    routes : sequence of sequence of int
        Client location indices per route.
    route_types : sequence of int
        Vehicle-type index per route.
    engine : str
        Engine label.
    runtime_s : float
        Wall time spent by the engine.

    Returns
    -------
    RoutingResult
    """
    keep = [(tuple(int(c) for c in r), int(k)) for r, k in zip(routes, route_types) if len(r)]
    driven = _drive(problem, keep)
    viol = [*driven.violations, *_fleet_violations(problem, keep), *_visit_violations(problem, driven.visits)]
    prizes = _prizes(problem, driven.visits)
    fixed = sum(problem.vehicle_types[k].fixed_cost for _, k in keep)
    return RoutingResult(
        routes=tuple(r for r, _ in keep),
        route_types=tuple(k for _, k in keep),
        distance=driven.distance,
        duration=driven.duration,
        vehicles=len(keep),
        prize_collected=prizes.collected,
        prize_dropped=prizes.lost,
        visited=tuple(c for c in problem.clients if c in driven.visits),
        dropped=tuple(c for c in problem.clients if c not in driven.visits),
        feasible=not viol,
        violations=tuple(viol),
        objective=fixed + problem.distance_weight * driven.distance + prizes.lost,
        runtime_s=runtime_s,
        engine=engine,
        schedules=driven.schedules,
        fixed_cost=fixed,
        distance_cost=problem.distance_weight * driven.distance,
    )
