"""One vehicle-day: its prize-collecting VRPTW, and its solved route traced on the roads.

The day is one tour from the base: the depot, and for every village one
optional copy per broadcast window in a mutually exclusive group. A single
vehicle works the morning window, pauses wherever it is at midday, and works
the afternoon window before driving back. Its route is bounded by the day
span (pause included, PyVRP's duration) and by the on-road hours (driving and
broadcasting: the problem's distance is travel time plus the broadcast time
of the village left, bounded by ``max_distance``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyproj import Transformer

from outreach.broadcast import VillageBroadcast
from outreach.model import UTM_EPSG, Campaign, Stop, Vehicle, VehicleDay

from .broadcast import DayLimits, broadcast_windows, campaign_param, printed
from .network import Network
from .problem import RoutingProblem, RoutingResult, VehicleType

_TO_WGS84 = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)
#: A stand of at least this long before a drive is printed as a pause.
PAUSE_MIN_S = 15 * 60.0


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


@dataclass(frozen=True)
class DayInputs:
    """What a vehicle-day problem is built from besides the villages.

    ``windows`` may replace every village's broadcast windows (to test
    whether they are what keeps a village out); ``limits`` likewise.
    """

    broadcasts: Mapping[str, VillageBroadcast]
    limits: DayLimits
    windows: tuple[tuple[float, float], ...] | None = None


def day_problem(campaign: Campaign, net: Network, codes: Sequence[str], prize: Mapping[str, float],
                inputs: DayInputs) -> DayProblem:
    """Prize-collecting VRPTW of one vehicle-day over the villages ``codes``."""
    vb = campaign.geography.village_by_code
    idx = {c: i + 1 for i, c in enumerate(net.codes)}
    top = max([prize[c] for c in codes] + [1e-9])
    lim = inputs.limits
    # Every village of a required pass is worth at least a whole shift of
    # driving (the top one two shifts), so a village is dropped only when it
    # cannot fit, never to save a detour; priorities still decide which go
    # first. Kept moderate because prizes far above arc costs (x1e4 and up)
    # upset PyVRP's penalty balance (see optimizer.routing.engines.pyvrp_engine).
    unit = lim.on_road_s
    cols = _Copies()
    for c in codes:
        windows = list(inputs.windows) if inputs.windows is not None else broadcast_windows(vb[c])
        _add_copies(cols, c, idx[c], windows, inputs.broadcasts[c].duration_s,
                    unit * (1.0 + max(prize[c] / top, 0.0)))
    L = np.array(cols.loc)
    T = net.T[np.ix_(L, L)] * lim.travel_factor
    service = np.array(cols.service)
    n = len(cols.loc)
    problem = RoutingProblem(
        duration=T,
        # on-road seconds: the drive plus the broadcast in the village it leaves
        distance=T + service[:, None],
        vehicle_types=(VehicleType(1, 0, 0, max_duration=lim.span_s, max_distance=lim.on_road_s,
                                   tw_early=lim.window[0], tw_late=lim.window[1]),),
        tw_early=np.array(cols.early),
        tw_late=np.array(cols.late),
        service=service,
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
    broadcasts: Mapping[str, VillageBroadcast]
    travel_factor: float = 1.0
    points: list[list[Any]] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    km_m: float = 0.0
    duration: float = 0.0

    def add_xy(self, x: float, y: float, t: float, flag: bool) -> None:
        """Append a timed point; a repeat of the last point at the same time only updates its flag."""
        pts = self.points
        if pts and t <= pts[-1][2] + 1e-9:
            if (x, y) == tuple(pts[-1][:2]):
                pts[-1][3] = pts[-1][3] or flag
                return
            t = pts[-1][2] + 1e-3  # keep time strictly increasing on zero-time edges
        pts.append([x, y, t, flag])

    def add(self, node: Any, t: float, flag: bool) -> None:
        """Append a road node at time ``t``."""
        graph = self.campaign.roads.graph
        self.add_xy(float(graph.nodes[node]["x"]), float(graph.nodes[node]["y"]), t, flag)

    def broadcast(self, code: str, start: float) -> float:
        """Follow the village's broadcast path from ``start``; returns when it ends."""
        vb = self.broadcasts[code]
        for (x, y, t), on in zip(vb.path, vb.broadcast):
            self.add_xy(float(x), float(y), start + float(t), bool(on))
        self.km_m += vb.length_m
        return start + vb.duration_s

    def drive(self, net: Network, day: DayProblem, route: Sequence[int],
              sched: Sequence[tuple[float, float]]) -> None:
        """Follow the route from the depot through its broadcasts and back, pausing where the vehicle is."""
        seq = [0] + [day.loc[c] for c in route] + [0]
        t = sched[0][0] - float(net.T[0, seq[1]]) * self.travel_factor
        start_t = t
        for hop, (a, b) in enumerate(zip(seq, seq[1:])):
            leg = net.legs[a, b]
            drive_s = leg.times[-1] * self.travel_factor
            arrive = sched[hop][0] if hop < len(route) else t + drive_s
            depart = max(t, arrive - drive_s)  # wait where the vehicle is, then drive: the midday pause
            wait = depart - t
            if hop == 0:
                self.add(leg.nodes[0], depart, False)
            elif wait > 0:
                self.add(leg.nodes[0], depart, False)
            self.km_m += leg.length_m
            for node, dtime in zip(leg.nodes[1:], leg.times[1:]):
                self.add(node, depart + dtime * self.travel_factor, False)
            t = depart + drive_s
            if hop < len(route):
                code = day.copy_code[route[hop]]
                leave = self.broadcast(code, arrive)
                self.stops.append(Stop(code, round(arrive, 1), round(leave, 1), printed(self.broadcasts[code]),
                                       round(wait if hop else 0.0, 1)))
                t = leave
        self.duration += t - start_t


def vehicle_day(campaign: Campaign, vehicle: Vehicle, date: dt.date, net: Network, day: DayProblem,
                res: RoutingResult, inputs: DayInputs) -> VehicleDay:
    """The solved route of a vehicle-day as a :class:`VehicleDay`: on the roads and the broadcast paths, timed."""
    trace = _Trace(campaign, inputs.broadcasts, inputs.limits.travel_factor)
    for r in range(len(res.routes)):
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
