"""Loudspeaker routing: an engine-agnostic VRP layer, its engines, benchmark readers and the campaign's tours.

Modules:

* :mod:`.problem` — :class:`RoutingProblem`, :class:`RoutingResult`, the
  :class:`RoutingEngine` protocol and :func:`evaluate` (double precision).
* :mod:`.engines` — the engine registry :data:`ENGINES` (PyVRP, OR-Tools,
  nearest neighbour) and :func:`solve`.
* :mod:`.instances` — readers of public benchmarks (Solomon, TOP, CVRPLIB X).
* :mod:`.network`, :mod:`.broadcast`, :mod:`.day`, :mod:`.tours` — the
  multi-day loudspeaker tours of a campaign (:func:`plan_tours`).
"""

from __future__ import annotations

from .broadcast import AFTERNOON, MARKET, MORNING, village_prize
from .engines import ENGINES, solve
from .instances import (
    BestKnown,
    Check,
    Instance,
    gap_pct,
    read_bks,
    read_cvrplib,
    read_cvrplib_solution,
    read_solomon,
    read_top,
)
from .problem import (
    EngineRoutes,
    RouteSchedule,
    RoutingEngine,
    RoutingProblem,
    RoutingResult,
    VehicleType,
    evaluate,
    route_schedule,
)
from .tours import DAY_ITERATIONS, plan_tours

__all__ = [
    "AFTERNOON",
    "DAY_ITERATIONS",
    "ENGINES",
    "MARKET",
    "MORNING",
    "BestKnown",
    "Check",
    "EngineRoutes",
    "Instance",
    "RouteSchedule",
    "RoutingEngine",
    "RoutingProblem",
    "RoutingResult",
    "VehicleType",
    "evaluate",
    "gap_pct",
    "plan_tours",
    "read_bks",
    "read_cvrplib",
    "read_cvrplib_solution",
    "read_solomon",
    "read_top",
    "route_schedule",
    "solve",
    "village_prize",
]
