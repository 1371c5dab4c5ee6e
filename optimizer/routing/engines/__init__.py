"""Routing engines behind one call: :func:`solve` looks the engine up in :data:`ENGINES`.

Every engine is a :class:`~optimizer.routing.problem.RoutingEngine`: it takes
a :class:`~optimizer.routing.problem.RoutingProblem` and returns routes only;
:func:`solve` times it and evaluates its routes in double precision, so all
engines are judged the same way. A new engine is one more entry in the
registry.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType

from ..problem import RoutingEngine, RoutingProblem, RoutingResult, evaluate
from . import nearest, ortools_engine, pyvrp_engine

#: The engines by name: PyVRP (the product's), OR-Tools and nearest-neighbour (the comparators).
ENGINES: Mapping[str, RoutingEngine] = MappingProxyType({
    "pyvrp": pyvrp_engine.solve_routes,
    "ortools": ortools_engine.solve_routes,
    "nearest": nearest.solve_routes,
})


def solve(
    problem: RoutingProblem,
    engine: str = "pyvrp",
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve a routing problem with the named engine.

    Parameters
    ----------
    problem : RoutingProblem
        The instance.
    engine : {"pyvrp", "ortools", "nearest"}
        Which solver of :data:`ENGINES` to use.
    time_limit_s : float
        Wall-clock budget.
    seed : int
        Random seed; the same seed gives the same routes for iteration-bound
        runs (time-bound runs may differ with machine load).
    max_iterations : int, optional
        Stop after this many search iterations instead of on time (PyVRP):
        reproducible on any machine. OR-Tools and nearest-neighbour ignore it.

    Returns
    -------
    RoutingResult
        Routes evaluated in double precision.

    Raises
    ------
    ValueError
        An engine name that is not in :data:`ENGINES`.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown routing engine '{engine}' ({', '.join(ENGINES)})")
    t0 = time.perf_counter()
    out = ENGINES[engine](problem, time_limit_s=time_limit_s, seed=seed, max_iterations=max_iterations)
    return evaluate(problem, out.routes, out.route_types, engine=engine, runtime_s=time.perf_counter() - t0)
