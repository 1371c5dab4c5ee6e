"""Nearest-neighbour construction: the baseline every engine is compared with.

Each vehicle leaves its depot and repeatedly drives to the nearest unvisited
client it can still serve in time, within capacity, and from which it can
return to its end depot within the route's time, duration and length
limits. Deterministic; ignores prizes except that zero-prize optional
clients are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problem import EPS, EngineRoutes, RoutingProblem, VehicleType


@dataclass
class _Route:
    """A route under construction: its clients, position, clock, length and load."""

    vt: VehicleType
    late_end: float  # latest return to the end depot
    cur: int
    t: float
    t0: float  # departure from the start depot (moved later for the first client)
    dist: float = 0.0
    load: float = 0.0
    clients: list[int] = field(default_factory=list)


def _fits(problem: RoutingProblem, r: _Route, c: int, d: float) -> bool:
    """True when client ``c`` (``d`` away) can be served next and the vehicle still get home in time."""
    T, vt = problem.duration, r.vt
    arr = max(r.t + float(T[r.cur, c]), float(problem.tw_early[c]))
    if arr > problem.tw_late[c] + EPS or r.load + problem.demand[c] > vt.capacity + EPS:
        return False
    start = r.t0 if r.clients else max(r.t0, float(problem.tw_early[c]) - float(T[r.cur, c]))
    back = arr + float(problem.service[c]) + float(T[c, vt.end])
    if back > r.late_end + EPS or back - start > vt.max_duration + EPS:
        return False
    return not (r.dist + d + float(problem.distance[c, vt.end]) > vt.max_distance + EPS)


def _nearest(problem: RoutingProblem, r: _Route, left: set[int], closed: set[int], gof: dict[int, int]) -> int | None:
    """The nearest client that fits, the first one met on ties (``None`` when none fits)."""
    best, best_d = None, float("inf")
    for c in left:
        if c in gof and gof[c] in closed:
            continue
        d = float(problem.distance[r.cur, c])
        if d >= best_d:
            continue
        if _fits(problem, r, c, d):
            best, best_d = c, d
    return best


def _build_route(problem: RoutingProblem, vt: VehicleType, left: set[int], closed: set[int]) -> list[int]:
    """Drive one vehicle nearest-first; removes its clients from ``left`` and closes their groups."""
    T = problem.duration
    gof = problem.group_of()
    t = max(vt.tw_early, float(problem.tw_early[vt.start]))
    r = _Route(vt, min(vt.tw_late, float(problem.tw_late[vt.end])), vt.start, t, t)
    while (best := _nearest(problem, r, left, closed, gof)) is not None:
        if not r.clients:
            r.t0 = max(r.t0, float(problem.tw_early[best]) - float(T[r.cur, best]))
        r.t = max(r.t + float(T[r.cur, best]), float(problem.tw_early[best])) + float(problem.service[best])
        r.dist += float(problem.distance[r.cur, best])
        r.load += float(problem.demand[best])
        r.clients.append(best)
        left.discard(best)
        if best in gof:
            closed.add(gof[best])
        r.cur = best
    return r.clients


def solve_routes(
    problem: RoutingProblem, *, time_limit_s: float = 0.0, seed: int = 0, max_iterations: int | None = None,
) -> EngineRoutes:
    """Build routes greedily; see the module docstring (time limit, seed and iterations are ignored)."""
    todo = [c for c in problem.clients if problem.required[c] or problem.prize[c] > 0]
    closed: set[int] = set()  # groups with a visited member
    left = set(todo)
    routes: list[tuple[int, ...]] = []
    types: list[int] = []
    for k, vt in enumerate(problem.vehicle_types):
        for _ in range(vt.count):
            if not left:
                break
            route = _build_route(problem, vt, left, closed)
            if not route:
                break
            routes.append(tuple(route))
            types.append(k)
    return EngineRoutes(tuple(routes), tuple(types))
