"""One vehicle-day: its prize-collecting VRPTW, and its solved routes traced on the roads.

The day's problem holds the depot and, for every village, one optional copy
per broadcast window in a mutually exclusive group; two vehicle types are
the morning and afternoon sessions, each limited to half the shift and
returning to the depot at midday.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyproj import Transformer

from outreach.model import UTM_EPSG, Campaign, Stop, Vehicle, VehicleDay

from .broadcast import (
    AFTERNOON_SESSION,
    MORNING_SESSION,
    broadcast_s,
    broadcast_windows,
    campaign_param,
    village_road_m,
)
from .network import Network
from .problem import RoutingProblem, RoutingResult, VehicleType

_TO_WGS84 = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)


@dataclass(frozen=True, eq=False)
class DayProblem:
    """The routing problem of one vehicle-day and how its locations map back to villages.

    ``loc[i]`` is the network index (0 = depot) of problem location ``i``,
    ``copy_code[i]`` its village code (``""`` for the depot); ``misfit`` lists
    the villages whose broadcast is longer than every window.
    """

    problem: RoutingProblem
    loc: tuple[int, ...]
    copy_code: tuple[str, ...]
    misfit: tuple[str, ...]


@dataclass
class _Copies:
    """Per-location columns of a day problem, filled village by village (location 0 is the depot)."""

    loc: list[int] = field(default_factory=lambda: [0])
    copy_code: list[str] = field(default_factory=lambda: [""])
    early: list[float] = field(default_factory=lambda: [0.0])
    late: list[float] = field(default_factory=lambda: [math.inf])
    service: list[float] = field(default_factory=lambda: [0.0])
    prize: list[float] = field(default_factory=lambda: [0.0])
    groups: list[tuple[int, ...]] = field(default_factory=list)
    misfit: list[str] = field(default_factory=list)


def _add_copies(out: _Copies, code: str, where: int, windows: Sequence[tuple[float, float]], dur: float,
                prize: float) -> None:
    """One optional copy of a village per window its broadcast fits in; a group when several."""
    members = []
    for a, b in windows:
        if b - dur < a:
            continue
        members.append(len(out.loc))
        out.loc.append(where)
        out.copy_code.append(code)
        out.early.append(a)
        out.late.append(b - dur)
        out.service.append(dur)
        out.prize.append(prize)
    if not members:
        out.misfit.append(code)
    elif len(members) > 1:
        out.groups.append(tuple(members))


def day_problem(
    campaign: Campaign, net: Network, codes: Sequence[str], prize: Mapping[str, float], shift_s: float
) -> DayProblem:
    """Prize-collecting VRPTW of one vehicle-day over the villages ``codes``."""
    vb = campaign.geography.village_by_code
    idx = {c: i + 1 for i, c in enumerate(net.codes)}
    top = max([prize[c] for c in codes] + [1e-9])
    # Every village of a required pass is worth at least a whole shift of
    # driving (the top one two shifts), so a village is dropped only when it
    # cannot fit, never to save a detour; priorities still decide which go
    # first. Kept moderate because prizes far above arc costs (x1e4 and up)
    # upset PyVRP's penalty balance (see optimizer.routing.engines.pyvrp_engine).
    unit = shift_s
    cols = _Copies()
    for c in codes:
        _add_copies(cols, c, idx[c], broadcast_windows(vb[c]), broadcast_s(campaign, vb[c]),
                    unit * (1.0 + max(prize[c] / top, 0.0)))
    L = np.array(cols.loc)
    T = net.T[np.ix_(L, L)]
    n = len(cols.loc)
    half = shift_s / 2.0
    problem = RoutingProblem(
        duration=T,
        distance=T,
        vehicle_types=(
            VehicleType(1, 0, 0, max_duration=half, tw_early=MORNING_SESSION[0], tw_late=MORNING_SESSION[1]),
            VehicleType(1, 0, 0, max_duration=half, tw_early=AFTERNOON_SESSION[0], tw_late=AFTERNOON_SESSION[1]),
        ),
        tw_early=np.array(cols.early),
        tw_late=np.array(cols.late),
        service=np.array(cols.service),
        demand=np.zeros(n),
        prize=np.array(cols.prize),
        required=np.zeros(n, dtype=bool),
        groups=tuple(cols.groups),
        distance_weight=1.0,
        scale=1.0,
    )
    return DayProblem(problem, tuple(cols.loc), tuple(cols.copy_code), tuple(cols.misfit))


@dataclass
class _Trace:
    """A vehicle-day traced on the roads: timed points ``[x, y, t, broadcast]``, stops, km and time."""

    campaign: Campaign
    points: list[list[Any]] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    km_m: float = 0.0
    duration: float = 0.0

    def add(self, node: Any, t: float, flag: bool) -> None:
        """Append a road node at time ``t``; a repeat of the last point only updates its flag."""
        graph, pts = self.campaign.roads.graph, self.points
        x, y = float(graph.nodes[node]["x"]), float(graph.nodes[node]["y"])
        if pts and t <= pts[-1][2] + 1e-9:
            if (x, y) == tuple(pts[-1][:2]):
                pts[-1][3] = pts[-1][3] or flag
                return
            t = pts[-1][2] + 1e-3  # keep time strictly increasing on zero-time edges
        pts.append([x, y, t, flag])

    def drive(self, net: Network, day: DayProblem, route: Sequence[int],
              sched: Sequence[tuple[float, float]]) -> None:
        """Follow one route from the depot through its broadcasts and back."""
        vb = self.campaign.geography.village_by_code
        seq = [0] + [day.loc[c] for c in route] + [0]
        t = sched[0][0] - float(net.T[0, seq[1]])
        start_t = t
        for hop, (a, b) in enumerate(zip(seq, seq[1:])):
            leg = net.legs[a, b]
            self.km_m += leg.length_m
            if hop == 0:
                self.add(leg.nodes[0], t, False)
            for node, dtime in zip(leg.nodes[1:], leg.times[1:]):
                self.add(node, t + dtime, False)
            t += leg.times[-1]
            if hop < len(route):
                s, leave = sched[hop]
                code = day.copy_code[route[hop]]
                self.add(leg.nodes[-1], s, True)
                self.add(leg.nodes[-1], leave, False)
                self.km_m += village_road_m(self.campaign, vb[code])
                self.stops.append(Stop(code, round(s, 1), round(leave, 1)))
                t = leave
        self.duration += t - start_t


def vehicle_day(
    campaign: Campaign, vehicle: Vehicle, date: dt.date, net: Network, day: DayProblem, res: RoutingResult
) -> VehicleDay:
    """The solved routes of a vehicle-day as a :class:`VehicleDay`: morning first, on the roads, timed."""
    trace = _Trace(campaign)
    for r in sorted(range(len(res.routes)), key=lambda r: res.route_types[r]):
        trace.drive(net, day, res.routes[r], res.schedules[r])
    pts = trace.points
    lon_lat = [_TO_WGS84.transform(p[0], p[1]) for p in pts]
    path = tuple((round(lo, 6), round(la, 6), round(p[2], 1)) for (lo, la), p in zip(lon_lat, pts))
    km = trace.km_m / 1000.0
    return VehicleDay(
        vehicle_id=vehicle.id,
        date=date,
        stops=tuple(trace.stops),
        path=path,
        broadcast=tuple(bool(p[3]) for p in pts),
        km=round(km, 3),
        duration_s=round(trace.duration, 1),
        fuel_l=round(km * campaign_param(campaign, "loudspeaker.fuel_l_per_100km") / 100.0, 3),
    )
