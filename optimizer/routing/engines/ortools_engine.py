"""OR-Tools routing engine: cheapest-arc start, guided local search; prizes are drop penalties."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..problem import EngineRoutes, RoutingProblem
from .fixed_point import BIG, IntData, int_limit, to_ints

# Why not BIG: OR-Tools adds cumul values, so "no limit" must leave headroom.
NO_LIMIT = 10**13
REQUIRED_PENALTY = 10**12


def _lim(x: float) -> int:
    """A bound OR-Tools can add to without overflow."""
    return min(int(x), NO_LIMIT)


@dataclass
class _Model:
    """An OR-Tools routing model under construction, one OR-Tools vehicle per available vehicle."""

    problem: RoutingProblem
    d: IntData
    vtypes: list[int]  # vehicle type of each OR-Tools vehicle
    man: Any
    routing: Any
    # the Python callbacks stay referenced for the model's lifetime
    callbacks: list[Callable[..., int]] = field(default_factory=list)

    def register(self, callback: Callable[[int, int], int]) -> int:
        """Register an arc callback (on routing indices) and return its index."""
        self.callbacks.append(callback)
        return int(self.routing.RegisterTransitCallback(callback))

    def node(self, index: int) -> int:
        """The problem location of a routing index."""
        return int(self.man.IndexToNode(index))


def _model(problem: RoutingProblem) -> _Model:
    """The routing model with its arc costs (distance) and fixed vehicle costs."""
    d = to_ints(problem)
    vtypes = [k for k, vt in enumerate(problem.vehicle_types) for _ in range(vt.count)]
    starts = [problem.vehicle_types[k].start for k in vtypes]
    ends = [problem.vehicle_types[k].end for k in vtypes]
    man = pywrapcp.RoutingIndexManager(problem.n, len(vtypes), starts, ends)
    m = _Model(problem, d, vtypes, man, pywrapcp.RoutingModel(man))
    D, unit, node = d.D.tolist(), d.unit_distance_cost, man.IndexToNode
    arc_i = m.register(lambda i, j: unit * D[node(i)][node(j)])
    m.routing.SetArcCostEvaluatorOfAllVehicles(arc_i)
    for v, k in enumerate(vtypes):
        m.routing.SetFixedCostOfVehicle(d.fixed(problem.vehicle_types[k].fixed_cost), v)
    return m


def _has_time_limits(problem: RoutingProblem) -> bool:
    return bool(
        any(math.isfinite(x) for x in problem.tw_late)
        or any(math.isfinite(vt.max_duration) or math.isfinite(vt.tw_late) for vt in problem.vehicle_types)
    )


def _add_time(m: _Model, problem: RoutingProblem) -> None:
    """Time dimension: client windows, vehicle windows and route durations."""
    d, routing, s = m.d, m.routing, float(problem.scale)
    T, svc, node = d.T.tolist(), d.service.tolist(), m.man.IndexToNode

    def time_cb(i: int, j: int) -> int:
        a = node(i)
        return svc[a] + T[a][node(j)]

    routing.AddDimension(m.register(time_cb), NO_LIMIT, NO_LIMIT, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    for c in problem.clients:
        tdim.CumulVar(m.man.NodeToIndex(c)).SetRange(_lim(d.early[c]), _lim(d.late[c]))
    for v, k in enumerate(m.vtypes):
        vt = problem.vehicle_types[k]
        e = max(int_limit(vt.tw_early, s), int(d.early[vt.start]))
        late = _lim(min(int_limit(vt.tw_late, s), int(d.late[vt.end])))
        tdim.CumulVar(routing.Start(v)).SetRange(_lim(e), late)
        tdim.CumulVar(routing.End(v)).SetRange(_lim(e), late)
        if math.isfinite(vt.max_duration):
            tdim.SetSpanUpperBoundForVehicle(int_limit(vt.max_duration, s), v)
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(v)))


def _add_distance(m: _Model, problem: RoutingProblem) -> None:
    """Distance dimension: route-length limits."""
    D, node = m.d.D.tolist(), m.man.IndexToNode
    di = m.register(lambda i, j: D[node(i)][node(j)])
    caps = [_lim(int_limit(problem.vehicle_types[k].max_distance, float(problem.scale))) for k in m.vtypes]
    m.routing.AddDimensionWithVehicleCapacity(di, 0, caps, True, "distance")


def _add_load(m: _Model, problem: RoutingProblem) -> None:
    """Load dimension: vehicle capacities."""
    dem, node = m.d.demand.tolist(), m.man.IndexToNode
    callback: Callable[[int], int] = lambda i: dem[node(i)]  # noqa: E731
    m.callbacks.append(callback)
    li = m.routing.RegisterUnaryTransitCallback(callback)
    caps = [
        _lim(math.floor(problem.vehicle_types[k].capacity)) if math.isfinite(problem.vehicle_types[k].capacity)
        else NO_LIMIT for k in m.vtypes
    ]
    m.routing.AddDimensionWithVehicleCapacity(li, 0, caps, True, "load")


def _add_drops(m: _Model, problem: RoutingProblem) -> None:
    """Disjunctions: optional clients and groups may be dropped for their prize."""
    gof = problem.group_of()
    for c in problem.clients:
        if c not in gof and not problem.required[c]:
            m.routing.AddDisjunction([m.man.NodeToIndex(c)], min(int(m.d.prize[c]), BIG))
        elif c not in gof:
            # a huge (but finite) penalty keeps a solution even when the first
            # heuristic cannot place everyone; evaluate() then reports the miss
            m.routing.AddDisjunction([m.man.NodeToIndex(c)], REQUIRED_PENALTY)
    for members in problem.groups:
        pen = min(max(int(m.d.prize[c]) for c in members), BIG)
        m.routing.AddDisjunction([m.man.NodeToIndex(c) for c in members], pen, 1)


def _search_parameters(time_limit_s: float) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    return params


def _read_routes(m: _Model, sol: Any) -> EngineRoutes:
    """Non-empty routes of the solution (none when OR-Tools found no solution)."""
    routes: list[tuple[int, ...]] = []
    types: list[int] = []
    if sol is None:
        return EngineRoutes((), ())
    routing = m.routing
    for v, k in enumerate(m.vtypes):
        idx, r = sol.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(idx):
            r.append(m.node(idx))
            idx = sol.Value(routing.NextVar(idx))
        if r:
            routes.append(tuple(r))
            types.append(k)
    return EngineRoutes(tuple(routes), tuple(types))


def solve_routes(
    problem: RoutingProblem, *, time_limit_s: float, seed: int = 0, max_iterations: int | None = None,
) -> EngineRoutes:
    """Solve with OR-Tools routing (seed and iterations are ignored) and return the routes."""
    m = _model(problem)
    if _has_time_limits(problem):
        _add_time(m, problem)
    if any(math.isfinite(vt.max_distance) for vt in problem.vehicle_types):
        _add_distance(m, problem)
    if any(math.isfinite(vt.capacity) for vt in problem.vehicle_types):
        _add_load(m, problem)
    _add_drops(m, problem)
    return _read_routes(m, m.routing.SolveWithParameters(_search_parameters(time_limit_s)))
