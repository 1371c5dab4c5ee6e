"""Campaign binding: multi-day loudspeaker tours on the road network.

Decomposition (why: the multi-day problem is small per vehicle, and the hard
part is the daily routing with time windows, which the VRP engines solve well):

1. Per vehicle (one per district), travel times between its depot and its
   villages come from Dijkstra on ``campaign.roads.graph`` (weight
   ``travel_s``). Villages that cannot be reached (either way) are reported
   in ``Tours.dropped``; a depot off the network is a :class:`RoutingError`.
2. Sangkat passes are assigned greedily to campaign days: each pass of a
   sangkat on a distinct day, heaviest sangkats first, each on the
   least-loaded eligible day (balanced loads). The number of days is the
   fewest that fit the estimated work, capped by the calendar and by
   ``max_days`` (split over vehicles by need). Passes that get no distinct
   day are dropped with the reason.
3. Each vehicle-day is a prize-collecting VRPTW solved by the chosen engine:
   the depot, and for every village one optional copy per broadcast window
   (morning / late afternoon, or the market window) in a mutually exclusive
   group; two sessions (morning, afternoon) each limited to half the shift,
   returning to the depot at midday. Prizes dominate travel time, so the
   solver drops the lowest-prize villages first, only when the day cannot
   fit them.

``time_limit_s`` is the total solver budget, shared over the vehicle-days.
Nothing here reads files or prints.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

import networkx as nx
import numpy as np
from pyproj import Transformer

from outreach.errors import RoutingError
from outreach.model import UTM_EPSG, Campaign, DroppedVisit, Stop, Tours, Vehicle, VehicleDay, Village
from outreach.parameters import DEFAULTS

from .vrp import RoutingProblem, VehicleType, evaluate, route_schedule, solve

MON_SAT = frozenset(range(6))
MORNING = (7 * 3600.0, 10.5 * 3600.0)
AFTERNOON = (15 * 3600.0, 18 * 3600.0)
MARKET = (6 * 3600.0, 9 * 3600.0)
# sessions: the tuk-tuk may leave the depot before a window opens and come
# back after it closes, but the broadcast itself stays inside the window
MORNING_SESSION = (5 * 3600.0, 12.5 * 3600.0)
AFTERNOON_SESSION = (13 * 3600.0, 20 * 3600.0)
MIN_VILLAGE_ROAD_M = 300.0
# share of the shift the day planner fills on average (travel estimates are rough)
DAY_FILL = 0.8

_TO_WGS84 = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)


def _param(campaign: Campaign, key: str) -> float:
    return float(campaign.params[key]) if key in campaign.params else float(DEFAULTS[key].value)


@dataclass(frozen=True)
class _Leg:
    nodes: tuple[Any, ...]
    times: tuple[float, ...]  # cumulative travel_s along nodes
    length_m: float


def _edge(graph: Any, u: Any, v: Any) -> Mapping[str, Any]:
    """The edge data Dijkstra used: the fastest of any parallel edges."""
    data = graph.get_edge_data(u, v)
    if graph.is_multigraph():
        return min(data.values(), key=lambda d: d.get("travel_s", math.inf))
    return data


def _leg(graph: Any, path: list[Any]) -> _Leg:
    times, length, t = [0.0], 0.0, 0.0
    for u, v in zip(path, path[1:]):
        e = _edge(graph, u, v)
        t += float(e["travel_s"])
        length += float(e.get("length_m", 0.0))
        times.append(t)
    return _Leg(tuple(path), tuple(times), length)


@dataclass(frozen=True)
class _Network:
    """Travel times and legs between a vehicle's depot (index 0) and its villages."""

    codes: tuple[str, ...]
    T: np.ndarray
    legs: Mapping[tuple[int, int], _Leg]


def _network(campaign: Campaign, vehicle: Vehicle, villages: list[Village]) -> tuple[_Network, list[str]]:
    graph = campaign.roads.graph
    dnode = campaign.roads.depot_node.get(vehicle.id)
    if dnode is None or dnode not in graph:
        raise RoutingError(
            f"the depot of vehicle {vehicle.id} ({vehicle.depot_name}) is not on the road network",
            field="vehicles.depot",
        )
    nodes = {v.code: campaign.roads.village_node.get(v.code) for v in villages}
    unreachable = [c for c, n in nodes.items() if n is None or n not in graph]
    # one Dijkstra per source gives the full matrix and the node sequences
    fw = nx.single_source_dijkstra(graph, dnode, weight="travel_s")[1]
    rev = graph.reverse(copy=False) if graph.is_directed() else graph
    bw = nx.single_source_dijkstra(rev, dnode, weight="travel_s")[0]
    ok = [v.code for v in villages if v.code not in unreachable and nodes[v.code] in fw and nodes[v.code] in bw]
    unreachable += [v.code for v in villages if v.code not in unreachable and v.code not in ok]
    pts = [dnode] + [nodes[c] for c in ok]
    k = len(pts)
    T = np.zeros((k, k))
    legs: dict[tuple[int, int], _Leg] = {}
    paths = [fw] + [nx.single_source_dijkstra(graph, p, weight="travel_s")[1] for p in pts[1:]]
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            path = paths[i].get(pts[j])
            if path is None:  # one-way pocket: go through the depot
                path = paths[i][dnode] + fw[pts[j]][1:]
            leg = _leg(graph, path)
            legs[i, j] = leg
            T[i, j] = leg.times[-1]
    return _Network(tuple(ok), T, legs), unreachable


def _broadcast_s(campaign: Campaign, village: Village) -> float:
    k = _param(campaign, "household.village_radius_m_per_sqrt_hh")
    road_m = max(MIN_VILLAGE_ROAD_M, 2.0 * k * math.sqrt(max(village.households, 0)))
    return road_m / (_param(campaign, "loudspeaker.broadcast_speed_kmh") / 3.6)


def _road_m(campaign: Campaign, village: Village) -> float:
    k = _param(campaign, "household.village_radius_m_per_sqrt_hh")
    return max(MIN_VILLAGE_ROAD_M, 2.0 * k * math.sqrt(max(village.households, 0)))


def _spread(days: tuple[dt.date, ...], n: int) -> list[dt.date]:
    """``n`` days spread evenly over the calendar (passes far apart)."""
    if n >= len(days):
        return list(days)
    if n == 1:
        return [days[0]]
    return [days[round(i * (len(days) - 1) / (n - 1))] for i in range(n)]


def _windows(village: Village) -> list[tuple[float, float]]:
    return [MARKET] if village.market else [MORNING, AFTERNOON]


def _day_problem(
    campaign: Campaign, net: _Network, codes: list[str], prize: Mapping[str, float], shift_s: float
) -> tuple[RoutingProblem, list[str], list[str]]:
    """Prize-collecting VRPTW of one vehicle-day; returns it, the copy -> village map and misfits."""
    vb = campaign.geography.village_by_code
    idx = {c: i + 1 for i, c in enumerate(net.codes)}
    loc = [0]
    copy_code: list[str] = [""]
    early, late, service, prz, groups = [0.0], [math.inf], [0.0], [0.0], []
    misfit = []
    top = max([prize[c] for c in codes] + [1e-9])
    # Every village of a required pass is worth at least a whole shift of
    # driving (the top one two shifts), so a village is dropped only when it
    # cannot fit, never to save a detour; priorities still decide which go
    # first. Kept moderate because prizes far above arc costs (x1e4 and up)
    # upset PyVRP's penalty balance (see optimizer.engines.pyvrp_engine).
    unit = shift_s
    for c in codes:
        dur = _broadcast_s(campaign, vb[c])
        members = []
        for a, b in _windows(vb[c]):
            if b - dur < a:
                continue
            members.append(len(loc))
            loc.append(idx[c])
            copy_code.append(c)
            early.append(a)
            late.append(b - dur)
            service.append(dur)
            prz.append(unit * (1.0 + max(prize[c] / top, 0.0)))
        if not members:
            misfit.append(c)
        elif len(members) > 1:
            groups.append(tuple(members))
    L = np.array(loc)
    T = net.T[np.ix_(L, L)]
    n = len(loc)
    half = shift_s / 2.0
    problem = RoutingProblem(
        duration=T,
        distance=T,
        vehicle_types=(
            VehicleType(1, 0, 0, max_duration=half, tw_early=MORNING_SESSION[0], tw_late=MORNING_SESSION[1]),
            VehicleType(1, 0, 0, max_duration=half, tw_early=AFTERNOON_SESSION[0], tw_late=AFTERNOON_SESSION[1]),
        ),
        tw_early=np.array(early),
        tw_late=np.array(late),
        service=np.array(service),
        demand=np.zeros(n),
        prize=np.array(prz),
        required=np.zeros(n, dtype=bool),
        groups=tuple(groups),
        distance_weight=1.0,
        scale=1.0,
        meta={"loc": loc},
    )
    return problem, copy_code, misfit


def _vehicle_day(
    campaign: Campaign, vehicle: Vehicle, date: dt.date, net: _Network, problem: RoutingProblem,
    copy_code: list[str], routes: tuple[tuple[int, ...], ...], types: tuple[int, ...],
    schedules: tuple[tuple[tuple[float, float], ...], ...],
) -> VehicleDay:
    graph = campaign.roads.graph
    vb = campaign.geography.village_by_code
    loc = problem.meta["loc"]
    stops: list[Stop] = []
    pts: list[list[Any]] = []  # [x, y, t, broadcast]
    km_m = 0.0
    duration = 0.0

    def add(node: Any, t: float, flag: bool) -> None:
        x, y = float(graph.nodes[node]["x"]), float(graph.nodes[node]["y"])
        if pts and t <= pts[-1][2] + 1e-9:
            if (x, y) == tuple(pts[-1][:2]):
                pts[-1][3] = pts[-1][3] or flag
                return
            t = pts[-1][2] + 1e-3  # keep time strictly increasing on zero-time edges
        pts.append([x, y, t, flag])

    order = sorted(range(len(routes)), key=lambda r: types[r])
    for r in order:
        route, sched = routes[r], schedules[r]
        seq = [0] + [loc[c] for c in route] + [0]
        t = sched[0][0] - float(net.T[0, seq[1]])
        start_t = t
        for hop, (a, b) in enumerate(zip(seq, seq[1:])):
            leg = net.legs[a, b]
            km_m += leg.length_m
            if hop == 0:
                add(leg.nodes[0], t, False)
            for node, dtime in zip(leg.nodes[1:], leg.times[1:]):
                add(node, t + dtime, False)
            t += leg.times[-1]
            if hop < len(route):
                c = route[hop]
                s, leave = sched[hop]
                code = copy_code[c]
                add(leg.nodes[-1], s, True)
                add(leg.nodes[-1], leave, False)
                km_m += _road_m(campaign, vb[code])
                stops.append(Stop(code, round(s, 1), round(leave, 1)))
                t = leave
        duration += t - start_t
    lon_lat = [_TO_WGS84.transform(p[0], p[1]) for p in pts]
    path = tuple((round(lo, 6), round(la, 6), round(p[2], 1)) for (lo, la), p in zip(lon_lat, pts))
    km = km_m / 1000.0
    return VehicleDay(
        vehicle_id=vehicle.id,
        date=date,
        stops=tuple(stops),
        path=path,
        broadcast=tuple(bool(p[3]) for p in pts),
        km=round(km, 3),
        duration_s=round(duration, 1),
        fuel_l=round(km * _param(campaign, "loudspeaker.fuel_l_per_100km") / 100.0, 3),
    )


def _check_inputs(campaign: Campaign, max_days: int | None) -> tuple[dt.date, ...]:
    if not campaign.vehicles:
        raise RoutingError("the scenario has no loudspeaker vehicle: add at least one", field="vehicles")
    days = campaign.calendar.working_days(weekdays=MON_SAT)
    if not days:
        raise RoutingError(
            "no working day left in the campaign calendar (holidays, blackout and Sundays excluded)",
            field="calendar",
        )
    if max_days is not None and max_days < 1:
        raise RoutingError(f"max_days is {max_days}: the budget buys no loudspeaker day", field="max_days")
    return days


#: Search iterations per vehicle-day problem: a day holds a few dozen villages,
#: where PyVRP converges in well under a thousand iterations.
DAY_ITERATIONS = 1000


def plan_tours(
    campaign: Campaign,
    *,
    passes_by_sangkat: Mapping[str, int] | None = None,
    prizes: Mapping[str, float] | None = None,
    max_days: int | None = None,
    time_limit_s: float = 10,
    engine: str = "pyvrp",
    iterations: int | None = DAY_ITERATIONS,
) -> Tours:
    """Plan multi-day loudspeaker tours for every vehicle of the campaign.

    Parameters
    ----------
    campaign : Campaign
        Villages, roads, calendar, vehicles, targets and parameters.
    passes_by_sangkat : mapping of str to int, optional
        Required passes per sangkat code (distinct days); default
        ``campaign.targets.loudspeaker_passes_per_sangkat``.
    prizes : mapping of str to float, optional
        Priority per village code; default the village's households.
    max_days : int, optional
        Cap on total vehicle-days (what the budget buys).
    time_limit_s : float
        Total solver time, shared by the vehicle-days.
    engine : {"pyvrp", "ortools", "nearest"}
        Routing engine for the daily problems.
    iterations : int, optional
        Search iterations per vehicle-day (PyVRP). With a number the plan is
        reproducible on any machine; ``None`` uses ``time_limit_s`` instead.

    Returns
    -------
    Tours
        Vehicle-days with timed stops and road-following paths, and every
        dropped visit with its reason.

    Raises
    ------
    RoutingError
        No vehicle, no working day, ``max_days < 1`` or a depot off the network.
    """
    days = _check_inputs(campaign, max_days)
    geo = campaign.geography
    shift_s = _param(campaign, "loudspeaker.shift_hours") * 3600.0
    default_passes = int(campaign.targets.loudspeaker_passes_per_sangkat)
    passes_by_sangkat = passes_by_sangkat or {}
    dropped: list[DroppedVisit] = []

    # --- per vehicle: network, sangkat loads, days needed
    seen_districts: set[str] = set()
    plans = []
    for veh in campaign.vehicles:
        if veh.district_code in seen_districts:
            continue  # one vehicle per district: a second one gets no villages
        seen_districts.add(veh.district_code)
        vills = [v for v in geo.villages if v.district_code == veh.district_code]
        net, unreachable = _network(campaign, veh, vills)
        dropped += [DroppedVisit(c, "unreachable on the road network") for c in unreachable]
        prize = {v.code: float(prizes[v.code]) if prizes and v.code in prizes else float(max(v.households, 1))
                 for v in vills}
        idx = {c: i + 1 for i, c in enumerate(net.codes)}
        by_sk: dict[str, list[str]] = {}
        for c in net.codes:
            by_sk.setdefault(geo.village_by_code[c].sangkat_code, []).append(c)
        need = {s: int(passes_by_sangkat.get(s, default_passes)) for s in by_sk}
        load = {}
        for s, codes in by_sk.items():
            # rough load: broadcasts plus a depot round trip per village at half weight
            load[s] = sum(_broadcast_s(campaign, geo.village_by_code[c]) for c in codes) + sum(
                0.5 * (net.T[0, idx[c]] + net.T[idx[c], 0]) for c in codes
            )
        work = sum(load[s] * need[s] for s in by_sk)
        n_need = max([0] + [need[s] for s in by_sk if load[s] > 0])
        n_need = max(n_need, math.ceil(work / (DAY_FILL * shift_s))) if work > 0 else 0
        plans.append((veh, net, prize, by_sk, need, load, n_need))

    total_need = sum(p[6] for p in plans)
    budget = total_need if max_days is None else min(max_days, total_need)
    # split the vehicle-day budget over vehicles in proportion to need
    alloc = [0] * len(plans)
    if total_need:
        shares = [budget * p[6] / total_need for p in plans]
        alloc = [math.floor(x) for x in shares]
        for i in sorted(range(len(plans)), key=lambda i: shares[i] - alloc[i], reverse=True)[: budget - sum(alloc)]:
            alloc[i] += 1

    jobs = []
    for (veh, net, prize, by_sk, need, load, n_need), cap in zip(plans, alloc):
        n_days = min(n_need, len(days), cap)
        chosen = _spread(days, n_days)
        day_load = {d: 0.0 for d in chosen}
        day_sk: dict[dt.date, list[str]] = {d: [] for d in chosen}
        order = sorted(by_sk, key=lambda s: (-sum(prize[c] for c in by_sk[s]), s))
        for s in order:
            used: list[dt.date] = []
            for j in range(need[s]):
                free = [d for d in chosen if d not in used]
                if not free:
                    why = (f"not enough loudspeaker days: {n_days} of {max(n_need, need[s])} needed "
                           f"(pass {j + 1} of {need[s]} for sangkat {s})")
                    dropped += [DroppedVisit(c, why) for c in by_sk[s]]
                    continue
                # least loaded day; ties go to the day farthest from this sangkat's other passes
                d = min(free, key=lambda d: (round(day_load[d]), -min([abs((d - u).days) for u in used] or [0]), d))
                used.append(d)
                day_load[d] += load[s]
                day_sk[d].append(s)
        for d in chosen:
            codes = [c for s in day_sk[d] for c in by_sk[s]]
            if codes:
                jobs.append((veh, net, prize, d, codes))

    per_day = max(0.2, float(time_limit_s) / max(len(jobs), 1))
    out_days: list[VehicleDay] = []
    objective = 0.0
    # Days already holding each vehicle's tours and each sangkat's passes: a
    # repair day for villages that did not fit must respect "distinct days".
    veh_days: dict[str, set[dt.date]] = {}
    sk_days: dict[str, set[dt.date]] = {}
    for veh, _net, _prize, d, codes in jobs:
        veh_days.setdefault(veh.id, set()).add(d)
        for c in codes:
            sk_days.setdefault(geo.village_by_code[c].sangkat_code, set()).add(d)
    day_cap = max_days if max_days is not None else None
    queue = list(jobs)
    while queue:
        veh, net, prize, d, codes = queue.pop(0)
        problem, copy_code, misfit = _day_problem(campaign, net, codes, prize, shift_s)
        for c in misfit:
            dropped.append(DroppedVisit(c, f"broadcast takes longer than every broadcast window ({d.isoformat()})"))
        res = solve(problem, engine, time_limit_s=per_day, seed=campaign.seed, max_iterations=iterations)
        if not res.feasible and engine != "nearest":
            # A search stuck in the infeasible region (large prizes against time-window penalties)
            # must not cost a whole day: the nearest-neighbour construction is feasible by design.
            fallback = solve(problem, "nearest", time_limit_s=0.0, seed=campaign.seed)
            if fallback.feasible:
                res = fallback
        if not res.feasible:
            # keep only routes that are sound on their own; the rest is dropped below
            keep = [i for i, r in enumerate(res.routes) if not route_schedule(problem, r, res.route_types[i])[3]]
            res = evaluate(problem, [res.routes[i] for i in keep], [res.route_types[i] for i in keep],
                           engine=engine, runtime_s=res.runtime_s)
        objective += res.objective
        served = {copy_code[c] for r in res.routes for c in r}
        overflow: list[str] = []
        for c in dict.fromkeys(codes):
            if c not in served and c not in misfit:
                copies = [i for i, cc in enumerate(copy_code) if cc == c]
                alone = any(not route_schedule(problem, (i,), k)[3] for i in copies for k in (0, 1))
                if alone:
                    overflow.append(c)
                else:
                    dropped.append(DroppedVisit(
                        c, "cannot be reached from the depot inside a broadcast window within half a shift"))
        if overflow:
            # Repair: the day was over-full. Move what did not fit to the nearest free day of this
            # vehicle that holds no other pass of the same sangkats, while days (and budget) last.
            sks = {geo.village_by_code[c].sangkat_code for c in overflow}
            used_total = sum(len(v) for v in veh_days.values())
            free = [x for x in days if x not in veh_days.setdefault(veh.id, set())
                    and not any(x in sk_days.get(sk, set()) for sk in sks)]
            if free and (day_cap is None or used_total < day_cap):
                d2 = min(free, key=lambda x: (abs((x - d).days), x))
                veh_days[veh.id].add(d2)
                for sk in sks:
                    sk_days.setdefault(sk, set()).add(d2)
                queue.append((veh, net, prize, d2, overflow))
            else:
                why = (f"did not fit in the {d.isoformat()} shift and broadcast windows and no other "
                       f"loudspeaker day is free{' within the budget' if day_cap is not None else ''} "
                       f"(lower priority dropped)")
                dropped += [DroppedVisit(c, why) for c in overflow]
        if res.routes:
            out_days.append(_vehicle_day(campaign, veh, d, net, problem, copy_code, res.routes,
                                         res.route_types, res.schedules))
    out_days.sort(key=lambda v: (v.date, v.vehicle_id))
    return Tours(
        days=tuple(out_days),
        dropped=tuple(dropped),
        strategy=f"greedy sangkat-pass to day assignment + {engine} prize-collecting VRPTW per vehicle-day",
        status="FEASIBLE" if not dropped else "PARTIAL",
        objective=round(objective, 1),
    )


def nearest_neighbour_tours(
    campaign: Campaign,
    *,
    passes_by_sangkat: Mapping[str, int] | None = None,
    prizes: Mapping[str, float] | None = None,
    max_days: int | None = None,
    time_limit_s: float = 10,
    engine: str = "nearest",
) -> Tours:
    """Baseline: the same day plan, each vehicle-day routed nearest-neighbour first.

    Same parameters and result as :func:`plan_tours`; ``engine`` is ignored.
    """
    return plan_tours(
        campaign, passes_by_sangkat=passes_by_sangkat, prizes=prizes, max_days=max_days,
        time_limit_s=time_limit_s, engine="nearest",
    )
