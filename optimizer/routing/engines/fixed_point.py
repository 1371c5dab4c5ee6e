"""Fixed-point conversion shared by the integer engines (PyVRP, OR-Tools).

Why: both solvers take integers only. Times and distances are multiplied by
``problem.scale``; travel times and service are rounded *up* and deadlines
*down* so that an integer-feasible route stays feasible in exact arithmetic.
Distances are rounded up too whenever a route-length limit applies (team
orienteering), otherwise to nearest. Costs get one common factor ``K`` so
that one integer distance unit costs exactly ``unit_distance_cost`` and
prizes and fixed costs keep their ratio to distance (the PyVRP prize/cost
unit pitfall: a prize left unscaled next to scaled distances is worth
almost nothing and the solver drops every client).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..problem import RoutingProblem

BIG = 10**15  # stand-in for "no limit" that is safe in int64 arithmetic


@dataclass(frozen=True)
class IntData:
    """A problem's arrays in fixed point and the factor that turns its costs into integers."""

    D: np.ndarray
    T: np.ndarray
    service: np.ndarray
    early: np.ndarray
    late: np.ndarray
    prize: np.ndarray
    demand: np.ndarray
    unit_distance_cost: int
    cost_factor: float

    def fixed(self, cost: float) -> int:
        """A fixed vehicle cost in the integer cost unit."""
        return _cap(round(cost * self.cost_factor))


def _cap(v: float) -> int:
    return int(min(max(v, 0), BIG))


def to_ints(p: RoutingProblem, prize_multiplier: float = 1.0) -> IntData:
    """Convert a problem to integer arrays (see module docstring)."""
    s = float(p.scale)
    limited = any(math.isfinite(v.max_distance) for v in p.vehicle_types)
    dist = np.asarray(p.distance, dtype=float) * s
    D = np.ceil(dist - 1e-9) if limited else np.rint(dist)
    T = np.ceil(np.asarray(p.duration, dtype=float) * s - 1e-9)
    service = np.ceil(np.asarray(p.service, dtype=float) * s - 1e-9)
    early = np.ceil(np.asarray(p.tw_early, dtype=float) * s - 1e-9)
    late_f = np.asarray(p.tw_late, dtype=float)
    late = np.where(np.isfinite(late_f), np.floor(np.minimum(late_f, 1e12) * s + 1e-9), BIG)
    if p.distance_weight > 0:
        unit = 1
        k = s / p.distance_weight
    else:
        unit = 0
        k = s
    prize = np.array([_cap(round(float(x) * k * prize_multiplier)) for x in p.prize], dtype=np.int64)
    demand = np.rint(np.asarray(p.demand, dtype=float)).astype(np.int64)
    return IntData(
        D=D.astype(np.int64),
        T=T.astype(np.int64),
        service=service.astype(np.int64),
        early=early.astype(np.int64),
        late=late.astype(np.int64),
        prize=prize,
        demand=demand,
        unit_distance_cost=unit,
        cost_factor=k,
    )


def int_limit(value: float, scale: float) -> int:
    """A time or length limit in fixed point, rounded down (``BIG`` if infinite)."""
    return BIG if not math.isfinite(value) else _cap(math.floor(value * scale + 1e-9))
