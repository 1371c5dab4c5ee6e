"""Small routing problems shared by the routing tests."""

from __future__ import annotations

import math

import numpy as np

from optimizer.routing import RoutingProblem, VehicleType


def tiny_prize_problem() -> RoutingProblem:
    """Depot plus 4 clients on a line; the route length allows only two of them."""
    xs = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    d = np.abs(xs[:, None] - xs[None, :])
    n = len(xs)
    return RoutingProblem(
        duration=d, distance=d,
        vehicle_types=(VehicleType(count=1, max_distance=4.0),),
        tw_early=np.zeros(n), tw_late=np.full(n, math.inf), service=np.zeros(n), demand=np.zeros(n),
        prize=np.array([0.0, 1.0, 50.0, 2.0, 60.0]), required=np.zeros(n, dtype=bool),
        distance_weight=0.01,
    )


def two_window_problem() -> RoutingProblem:
    """One client, two copies (mutually exclusive): only the late window is reachable."""
    d = np.array([[0, 5, 5], [5, 0, 0], [5, 0, 0]], dtype=float)
    return RoutingProblem(
        duration=d, distance=d, vehicle_types=(VehicleType(1, tw_early=10, tw_late=100),),
        tw_early=np.array([0, 0, 50.0]), tw_late=np.array([math.inf, 2, 60.0]), service=np.array([0, 3, 3.0]),
        demand=np.zeros(3), prize=np.array([0, 100, 100.0]), required=np.zeros(3, dtype=bool), groups=((1, 2),),
        scale=1.0,
    )
