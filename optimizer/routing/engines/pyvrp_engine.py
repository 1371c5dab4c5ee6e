"""PyVRP engine (iterated local search, single thread)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import pyvrp
from pyvrp.stop import FirstFeasible, MaxIterations, MaxRuntime, MultipleCriteria

from ..problem import EngineRoutes, RoutingProblem, evaluate
from .fixed_point import BIG, int_limit, to_ints


def build_model(problem: RoutingProblem, prize_multiplier: float = 1.0) -> tuple[pyvrp.Model, list[int]]:
    """Translate a problem to a PyVRP model.

    ``prize_multiplier`` scales prizes against distance (search steering only).
    Returns the model and, per PyVRP client index, the problem location index.
    """
    d = to_ints(problem, prize_multiplier)
    s = float(problem.scale)
    m = pyvrp.Model()
    locs = [m.add_location(0.0, 0.0, name=str(i)) for i in range(problem.n)]
    depot_of = {}
    for i in problem.depots:
        depot_of[i] = m.add_depot(locs[i], tw_early=int(d.early[i]), tw_late=int(d.late[i]))
    groups = {}
    for g in range(len(problem.groups)):
        groups[g] = m.add_client_group(required=False)
    gof = problem.group_of()
    client_loc: list[int] = []
    for i in problem.clients:
        m.add_client(
            locs[i],
            delivery=[int(d.demand[i])],
            service_duration=int(d.service[i]),
            tw_early=int(d.early[i]),
            tw_late=int(d.late[i]),
            prize=int(d.prize[i]),
            required=bool(problem.required[i]) and i not in gof,
            group=groups.get(gof[i]) if i in gof else None,
        )
        client_loc.append(i)
    for vt in problem.vehicle_types:
        cap = BIG if not math.isfinite(vt.capacity) else int(math.floor(vt.capacity + 1e-9))
        m.add_vehicle_type(
            num_available=vt.count,
            capacity=[cap],
            start_depot=depot_of[vt.start],
            end_depot=depot_of[vt.end],
            fixed_cost=d.fixed(vt.fixed_cost),
            tw_early=int_limit(vt.tw_early, s) if vt.tw_early > 0 else 0,
            tw_late=int_limit(vt.tw_late, s),
            shift_duration=int_limit(vt.max_duration, s),
            max_distance=int_limit(vt.max_distance, s),
            unit_distance_cost=d.unit_distance_cost,
        )
    for i in range(problem.n):
        for j in range(problem.n):
            if i != j:
                m.add_edge(locs[i], locs[j], distance=int(d.D[i, j]), duration=int(d.T[i, j]))
    return m, client_loc


PRIZE_MULTIPLIERS = (10.0, 1.0, 0.1)
MIN_RUN_S = 5.0
FIRST_SHARE = 0.15  # of the budget: plain search with a fixed vehicle cost
SQUEEZE_SHARE = 0.7  # at most, per attempt with one route fewer


def _hierarchical(problem: RoutingProblem) -> bool:
    """Fewest-vehicles-first problems: one fleet, a fixed cost, every client required."""
    return (
        len(problem.vehicle_types) == 1
        and problem.vehicle_types[0].fixed_cost > 0
        and bool(all(problem.required[c] for c in problem.clients))
        and not problem.groups
    )


def solve_routes(
    problem: RoutingProblem, *, time_limit_s: float, seed: int = 0, max_iterations: int | None = None,
) -> EngineRoutes:
    """Solve with PyVRP and return the routes (location indices) and their vehicle types.

    With ``max_iterations`` the search is iteration-bound (see
    :func:`_solve_iterations`); otherwise it runs on ``time_limit_s``.
    """
    if max_iterations is not None:
        return _solve_iterations(problem, max_iterations, seed)
    if _hierarchical(problem):
        return _fewest_vehicles(problem, time_limit_s, seed)
    if not any(not problem.required[c] for c in problem.clients):
        model, client_loc = build_model(problem)
        return _extract(pyvrp.solve(model.data(), MaxRuntime(time_limit_s), seed=seed, collect_stats=False).best,
                        client_loc)
    # Prize-collecting: restarts with a portfolio of prize multipliers.
    # Why: how large prizes are next to integer distances steers PyVRP's
    # penalty balance; the best setting differs per instance (measured on
    # Chao TOP p4.2.j vs p4.3.g), and every run is judged by the true
    # objective in double precision, so the portfolio cannot make it worse.
    t_end = time.perf_counter() + time_limit_s
    runs = max(1, min(len(PRIZE_MULTIPLIERS), int(time_limit_s // MIN_RUN_S)))
    return _prize_portfolio(
        problem, runs, seed, lambda k: MaxRuntime(max((t_end - time.perf_counter()) / (runs - k), 0.01)))


def _fewest_vehicles(problem: RoutingProblem, time_limit_s: float, seed: int) -> EngineRoutes:
    """Fewest vehicles first, then distance, on a time budget.

    The budget is split: 15 % plain search (fixed vehicle cost), then "fleet
    squeeze" rounds (each up to 70 %) that cap the fleet at one route fewer
    and stop at the first feasible solution, then the rest polishes distance
    with the smallest fleet found, warm-started. Why: a fixed cost alone
    rarely removes the last surplus route within 30 s, whereas a hard fleet
    cap with PyVRP's penalties often does.
    """
    model, client_loc = build_model(problem)
    data = model.data()
    t_end = time.perf_counter() + time_limit_s
    best = pyvrp.solve(data, MaxRuntime(FIRST_SHARE * time_limit_s), seed=seed, collect_stats=False).best
    while best.is_feasible() and best.num_routes() > 1:
        left = t_end - time.perf_counter()
        if left < 0.2 * time_limit_s:
            break
        fewer = data.replace(vehicle_types=[data.vehicle_type(0).replace(num_available=best.num_routes() - 1)])
        cap = min(left - 0.1 * time_limit_s, SQUEEZE_SHARE * time_limit_s)
        stop = MultipleCriteria([MaxRuntime(cap), FirstFeasible()])
        trial = pyvrp.solve(fewer, stop, seed=seed, collect_stats=False).best
        if not trial.is_feasible():
            break
        data, best = fewer, trial
    left = t_end - time.perf_counter()
    if best.is_feasible() and left > 0.05:
        polished = pyvrp.solve(data, MaxRuntime(left), seed=seed, collect_stats=False, initial_solution=best).best
        if polished.is_feasible() and (polished.num_routes(), polished.distance()) <= (
            best.num_routes(), best.distance()
        ):
            best = polished
    return _extract(best, client_loc)


def _extract(best: pyvrp.Solution, client_loc: list[int]) -> EngineRoutes:
    """Routes of a PyVRP solution as problem location indices, with their vehicle types."""
    routes, types = [], []
    for r in best.routes():
        routes.append(tuple(client_loc[a.idx] for a in r if a.type == pyvrp.ActivityType.CLIENT))
        types.append(r.vehicle_type())
    return EngineRoutes(tuple(routes), tuple(types))


def _solve_iterations(problem: RoutingProblem, iterations: int, seed: int) -> EngineRoutes:
    """Iteration-bound search: the same seed gives the same routes on any machine.

    Used when a plan must be reproducible (the product's plans); the benchmark
    uses the time-bound portfolio above. Prize problems split the iterations
    over the prize-multiplier portfolio and keep the best true objective.
    """
    iterations = max(1, int(iterations))
    if any(not problem.required[c] for c in problem.clients):
        runs = len(PRIZE_MULTIPLIERS)
        return _prize_portfolio(problem, runs, seed, lambda _k: MaxIterations(max(1, iterations // runs)))
    model, client_loc = build_model(problem)
    return _extract(pyvrp.solve(model.data(), MaxIterations(iterations), seed=seed, collect_stats=False).best,
                    client_loc)


def _prize_portfolio(
    problem: RoutingProblem, runs: int, seed: int, stop_for: Callable[[int], Any]
) -> EngineRoutes:
    """Solve with the first ``runs`` prize multipliers; keep the best by the true objective.

    ``stop_for(k)`` gives run ``k``'s stopping criterion (a share of the time
    left, or a fixed number of iterations).
    """
    best_key: tuple[bool, float] | None = None
    out = EngineRoutes((), ())
    for k in range(runs):
        model, client_loc = build_model(problem, prize_multiplier=PRIZE_MULTIPLIERS[k])
        sol = pyvrp.solve(model.data(), stop_for(k), seed=seed + k, collect_stats=False).best
        routes = _extract(sol, client_loc)
        r = evaluate(problem, routes.routes, routes.route_types)
        key = (not r.feasible, r.objective)
        if best_key is None or key < best_key:
            best_key, out = key, routes
    return out
