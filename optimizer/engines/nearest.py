"""Nearest-neighbour construction: the baseline every engine is compared with.

Each vehicle leaves its depot and repeatedly drives to the nearest unvisited
client it can still serve in time, within capacity, and from which it can
return to its end depot within the route's time, duration and length
limits. Deterministic; ignores prizes except that zero-prize optional
clients are skipped.
"""

from __future__ import annotations

from ..vrp import EPS, RoutingProblem


def solve_routes(
    problem: RoutingProblem, *, time_limit_s: float = 0.0, seed: int = 0, threads: int = 1,
    max_iterations: int | None = None,
) -> tuple[list[list[int]], list[int]]:
    """Build routes greedily; see the module docstring."""
    D, T = problem.distance, problem.duration
    gof = problem.group_of()
    todo = [c for c in problem.clients if problem.required[c] or problem.prize[c] > 0]
    done_groups: set[int] = set()
    left = set(todo)
    routes: list[list[int]] = []
    types: list[int] = []
    for k, vt in enumerate(problem.vehicle_types):
        late_end = min(vt.tw_late, float(problem.tw_late[vt.end]))
        for _ in range(vt.count):
            if not left:
                break
            route: list[int] = []
            cur, t, dist, load = vt.start, max(vt.tw_early, float(problem.tw_early[vt.start])), 0.0, 0.0
            t0 = t
            while True:
                best, best_d = None, float("inf")
                for c in left:
                    if c in gof and gof[c] in done_groups:
                        continue
                    d = float(D[cur, c])
                    if d >= best_d:
                        continue
                    arr = max(t + float(T[cur, c]), float(problem.tw_early[c]))
                    if arr > problem.tw_late[c] + EPS or load + problem.demand[c] > vt.capacity + EPS:
                        continue
                    start = t0 if route else max(t0, float(problem.tw_early[c]) - float(T[cur, c]))
                    back = arr + float(problem.service[c]) + float(T[c, vt.end])
                    if back > late_end + EPS or back - start > vt.max_duration + EPS:
                        continue
                    if dist + d + float(D[c, vt.end]) > vt.max_distance + EPS:
                        continue
                    best, best_d = c, d
                if best is None:
                    break
                if not route:
                    t0 = max(t0, float(problem.tw_early[best]) - float(T[cur, best]))
                t = max(t + float(T[cur, best]), float(problem.tw_early[best])) + float(problem.service[best])
                dist += best_d
                load += float(problem.demand[best])
                route.append(best)
                left.discard(best)
                if best in gof:
                    done_groups.add(gof[best])
                cur = best
            if not route:
                break
            routes.append(route)
            types.append(k)
    return routes, types
