"""OR-Tools routing engine: cheapest-arc start, guided local search; prizes are drop penalties."""

from __future__ import annotations

import math

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..vrp import RoutingProblem
from ._ints import BIG, int_limit, to_ints

# Why not BIG: OR-Tools adds cumul values, so "no limit" must leave headroom.
NO_LIMIT = 10**13
REQUIRED_PENALTY = 10**12


def solve_routes(
    problem: RoutingProblem, *, time_limit_s: float, seed: int = 0, threads: int = 1,
    max_iterations: int | None = None,
) -> tuple[list[list[int]], list[int]]:
    """Solve with OR-Tools routing and return (routes, vehicle types)."""
    d = to_ints(problem)
    s = float(problem.scale)
    vtypes = [k for k, vt in enumerate(problem.vehicle_types) for _ in range(vt.count)]
    starts = [problem.vehicle_types[k].start for k in vtypes]
    ends = [problem.vehicle_types[k].end for k in vtypes]
    man = pywrapcp.RoutingIndexManager(problem.n, len(vtypes), starts, ends)
    routing = pywrapcp.RoutingModel(man)
    D, T, svc = d.D.tolist(), d.T.tolist(), d.service.tolist()
    unit = d.unit_distance_cost

    def arc(i: int, j: int) -> int:
        return unit * D[man.IndexToNode(i)][man.IndexToNode(j)]

    def dist_cb(i: int, j: int) -> int:
        return D[man.IndexToNode(i)][man.IndexToNode(j)]

    def time_cb(i: int, j: int) -> int:
        a = man.IndexToNode(i)
        return svc[a] + T[a][man.IndexToNode(j)]

    arc_i = routing.RegisterTransitCallback(arc)
    routing.SetArcCostEvaluatorOfAllVehicles(arc_i)
    for v, k in enumerate(vtypes):
        routing.SetFixedCostOfVehicle(d.fixed(problem.vehicle_types[k].fixed_cost), v)

    lim = lambda x: min(int(x), NO_LIMIT)  # noqa: E731
    has_tw = bool(
        any(math.isfinite(x) for x in problem.tw_late)
        or any(math.isfinite(vt.max_duration) or math.isfinite(vt.tw_late) for vt in problem.vehicle_types)
    )
    if has_tw:
        t_i = routing.RegisterTransitCallback(time_cb)
        routing.AddDimension(t_i, NO_LIMIT, NO_LIMIT, False, "time")
        tdim = routing.GetDimensionOrDie("time")
        for c in problem.clients:
            tdim.CumulVar(man.NodeToIndex(c)).SetRange(lim(d.early[c]), lim(d.late[c]))
        for v, k in enumerate(vtypes):
            vt = problem.vehicle_types[k]
            e = max(int_limit(vt.tw_early, s), int(d.early[vt.start]))
            late = lim(min(int_limit(vt.tw_late, s), int(d.late[vt.end])))
            tdim.CumulVar(routing.Start(v)).SetRange(lim(e), late)
            tdim.CumulVar(routing.End(v)).SetRange(lim(e), late)
            if math.isfinite(vt.max_duration):
                tdim.SetSpanUpperBoundForVehicle(int_limit(vt.max_duration, s), v)
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.Start(v)))
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(v)))
    if any(math.isfinite(vt.max_distance) for vt in problem.vehicle_types):
        di = routing.RegisterTransitCallback(dist_cb)
        caps = [lim(int_limit(problem.vehicle_types[k].max_distance, s)) for k in vtypes]
        routing.AddDimensionWithVehicleCapacity(di, 0, caps, True, "distance")
    if any(math.isfinite(vt.capacity) for vt in problem.vehicle_types):
        dem = d.demand.tolist()
        li = routing.RegisterUnaryTransitCallback(lambda i: dem[man.IndexToNode(i)])
        caps = [
            lim(math.floor(problem.vehicle_types[k].capacity)) if math.isfinite(problem.vehicle_types[k].capacity)
            else NO_LIMIT for k in vtypes
        ]
        routing.AddDimensionWithVehicleCapacity(li, 0, caps, True, "load")
    gof = problem.group_of()
    for c in problem.clients:
        if c not in gof and not problem.required[c]:
            routing.AddDisjunction([man.NodeToIndex(c)], min(int(d.prize[c]), BIG))
        elif c not in gof:
            # a huge (but finite) penalty keeps a solution even when the first
            # heuristic cannot place everyone; evaluate() then reports the miss
            routing.AddDisjunction([man.NodeToIndex(c)], REQUIRED_PENALTY)
    for members in problem.groups:
        pen = min(max(int(d.prize[c]) for c in members), BIG)
        routing.AddDisjunction([man.NodeToIndex(c) for c in members], pen, 1)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    sol = routing.SolveWithParameters(params)
    routes: list[list[int]] = []
    types: list[int] = []
    if sol is None:
        return routes, types
    for v, k in enumerate(vtypes):
        idx, r = sol.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(idx):
            r.append(man.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        if r:
            routes.append(r)
            types.append(k)
    return routes, types
