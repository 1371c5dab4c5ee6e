"""How the loudspeaker covers one village: settings chosen from the acoustics, and the path it drives.

A listener understands the message when they stay within the intelligible
radius ``r`` (:func:`outreach.acoustics.intelligible_radius_m`) for the whole
of it: ``repeats`` × ``message_s`` seconds of hearing time ``h``. Two ways of
broadcasting give that:

* **drive**: the vehicle drives parallel lanes at speed ``v``. A household at
  offset ``d`` from a lane hears along the chord ``2 sqrt(r² − d²)``, so it
  hears the whole message when ``d ≤ d_max = sqrt(r² − (v h / 2)²)``. Lanes
  ``2 d_max`` apart cover everyone; the time per square metre is
  ``1 / (v · 2 d_max)``, smallest at ``v* = sqrt(2) r / h`` (then
  ``d_max = r / sqrt(2)``), clipped to the documented speed range.
* **stop**: the vehicle stops on a square grid of side ``sqrt(2) r`` (every
  point of a cell is within ``r`` of its centre) and plays for ``h`` seconds
  at each stop. Where the ambient noise is loud (roadside, market) ``r`` is so
  small that no lawful speed lets a moving vehicle be heard for a whole
  message, and stopping is the only way.

:func:`choose_settings` prices both in time per square metre and keeps the
cheaper; :func:`village_broadcast` lays the lanes (or stops) over the
village's households along their principal axis, extended at both ends by
half a hearing chord so that households at a lane's end hear all of it, and
times the path. Time, kilometres and audibility then all come from this one
path: the router charges its duration and length, the simulator measures
each household's exposure along it. Pure numpy; coordinates in metres (UTM).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from . import acoustics
from .households import Households, synthesize_households
from .model import Campaign
from .parameters import DEFAULTS
from .streets import street_cover, undirected_lengths

Mode = Literal["drive", "stop"]


@dataclass(frozen=True)
class BroadcastSettings:
    """How the driver broadcasts in one kind of village (printed on the route sheet).

    Attributes
    ----------
    mode : {"drive", "stop"}
        Drive lanes while playing, or stop and play.
    speed_kmh : float
        Driving speed while broadcasting (drive mode), or between stops.
    message_s : float
        Length of the recorded message.
    repeats : int
        Times a listener should hear the message in full.
    radius_m : float
        Intelligible radius in this setting.
    spacing_m : float
        Distance between lanes (drive) or between stops (stop).
    """

    mode: Mode
    speed_kmh: float
    message_s: float
    repeats: int
    radius_m: float
    spacing_m: float

    @property
    def hearing_s(self) -> float:
        """Seconds a listener must stay in range: the message times its repeats."""
        return self.message_s * self.repeats

    @property
    def run_in_m(self) -> float:
        """Half the hearing chord: lanes reach this far past the last household (drive mode)."""
        return self.speed_kmh / 3.6 * self.hearing_s / 2.0 if self.mode == "drive" else 0.0

    def seconds_per_m2(self) -> float:
        """Broadcast time per square metre of village covered (the price of these settings)."""
        v = self.speed_kmh / 3.6
        if self.mode == "drive":
            return 1.0 / (v * self.spacing_m)
        return (self.hearing_s + self.spacing_m / v) / self.spacing_m ** 2


def _drive(radius_m: float, message_s: float, repeats: int, speed_range_kmh: tuple[float, float]
           ) -> BroadcastSettings | None:
    h = message_s * repeats
    lo, hi = speed_range_kmh
    v = min(max(math.sqrt(2.0) * radius_m / h, lo / 3.6), hi / 3.6)
    half_chord = v * h / 2.0
    if half_chord >= radius_m:
        return None  # even at the slowest speed nobody hears a whole message while moving
    d_max = math.sqrt(radius_m ** 2 - half_chord ** 2)
    return BroadcastSettings("drive", round(v * 3.6, 2), message_s, repeats, radius_m, 2.0 * d_max)


def choose_settings(radius_m: float, *, message_s: float, repeats: int,
                    speed_range_kmh: tuple[float, float]) -> BroadcastSettings:
    """The broadcast settings that cover a village in the least time.

    Parameters
    ----------
    radius_m : float
        Intelligible radius (> 0).
    message_s : float
        Message length in seconds.
    repeats : int
        Full hearings wanted per listener (≥ 1).
    speed_range_kmh : (float, float)
        Lawful and practical broadcast speeds (the parameter's documented range).

    Returns
    -------
    BroadcastSettings
        Drive or stop mode, whichever takes less time per square metre.
    """
    if radius_m <= 0 or message_s <= 0 or repeats < 1:
        raise ValueError("radius, message length and repeats must be positive")
    stop = BroadcastSettings("stop", speed_range_kmh[0], message_s, repeats, radius_m, math.sqrt(2.0) * radius_m)
    drive = _drive(radius_m, message_s, repeats, speed_range_kmh)
    if drive is None or stop.seconds_per_m2() < drive.seconds_per_m2():
        return stop
    return drive


@dataclass(frozen=True)
class VillageBroadcast:
    """The timed broadcast path through one village.

    ``path`` holds ``(x_m, y_m, t_s)`` rows, ``t_s`` counted from arrival at
    the village point; ``broadcast[i]`` says whether the loudspeaker plays on
    the segment that starts at row ``i``. The path starts and ends at the
    village point, where it joins the road network.
    """

    settings: BroadcastSettings
    path: NDArray[np.float64]
    broadcast: NDArray[np.bool_]
    length_m: float
    duration_s: float
    lanes: int
    households_covered: int


def _principal_frame(points: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Origin and rotation putting the points' major axis along u (lanes run along it: fewer turns)."""
    origin = points.mean(axis=0)
    if len(points) < 2:
        return origin, np.eye(2)
    cov = np.cov((points - origin).T)
    _, vecs = np.linalg.eigh(cov)
    major = vecs[:, -1]
    if major[0] < 0 or (major[0] == 0 and major[1] < 0):
        major = -major  # a fixed orientation: the same points always give the same lanes
    rot = np.array([[major[0], major[1]], [-major[1], major[0]]])
    return origin, rot


def _rows(w: NDArray[np.float64], spacing: float) -> NDArray[np.float64]:
    """Across-axis positions of the lanes (or stop rows) that serve every point."""
    lo, hi = float(w.min()), float(w.max())
    n = max(1, math.ceil((hi - lo) / spacing))
    first = (lo + hi) / 2.0 - (n - 1) * spacing / 2.0  # centred: equal margins on both sides
    return np.asarray(first + spacing * np.arange(n), dtype=np.float64)


def _row_waypoints(uw: NDArray[np.float64], s: BroadcastSettings
                   ) -> list[tuple[list[tuple[float, float, bool]], int]]:
    """Lanes (drive) or stop rows (stop) in the principal frame, with the households each serves.

    Waypoints are ``(u, w, stop_here)``; in stop mode every waypoint is a stop.
    Rows that serve no household are left out.
    """
    rows = _rows(uw[:, 1], s.spacing_m)
    nearest = np.abs(uw[:, 1][:, None] - rows[None, :]).argmin(axis=1)
    out: list[tuple[list[tuple[float, float, bool]], int]] = []
    for k, w in enumerate(rows):
        u = uw[nearest == k, 0]
        if u.size == 0:
            continue
        a, b = float(u.min()) - s.run_in_m, float(u.max()) + s.run_in_m
        if s.mode == "drive":
            pts = [(a, float(w), False), (b, float(w), False)]
        else:
            n = max(1, math.ceil((b - a) / s.spacing_m))
            first = (a + b) / 2.0 - (n - 1) * s.spacing_m / 2.0
            pts = [(first + s.spacing_m * i, float(w), True) for i in range(n)]
        out.append((pts, int(u.size)))
    return out


def _serpentine(rows: list[tuple[list[tuple[float, float, bool]], int]]) -> list[tuple[float, float, bool]]:
    """The rows joined end to end, every other one reversed (a lawnmower pattern)."""
    out: list[tuple[float, float, bool]] = []
    for i, (pts, _n) in enumerate(rows):
        out += pts if i % 2 == 0 else pts[::-1]
    return out


def _timed(xy: list[tuple[float, float]], stops: list[bool], s: BroadcastSettings
           ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Time the waypoints at the broadcast speed, with a dwell of the hearing time at each stop."""
    v = s.speed_kmh / 3.6
    rows: list[tuple[float, float, float]] = []
    flags: list[bool] = []
    t = 0.0
    for i, ((x, y), stop) in enumerate(zip(xy, stops)):
        if i:
            t += math.hypot(x - rows[-1][0], y - rows[-1][1]) / v
        rows.append((x, y, t))
        flags.append(s.mode == "drive")
        if stop:
            t += s.hearing_s
            rows.append((x, y, t))  # a zero-length segment with duration: the vehicle stands and plays
            flags[-1] = True
            flags.append(False)
    flags[-1] = False
    return np.asarray(rows, float), np.asarray(flags, bool)


def _lay(rows: list[tuple[list[tuple[float, float, bool]], int]], origin: NDArray[np.float64],
         rot: NDArray[np.float64], centre: tuple[float, float], s: BroadcastSettings
         ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    way = _serpentine(rows)
    xy_local = np.array([(u, w) for u, w, _ in way]).reshape(-1, 2)
    xy = [centre] + [(float(x), float(y)) for x, y in xy_local @ rot + origin] + [centre]
    path, flags = _timed(xy, [False] + [st for _, _, st in way] + [False], s)
    # Silent on the way from the village point to the first lane and back: every listener's
    # hearing then comes from the lanes alone, where the spacing guarantees a whole message.
    flags[0] = flags[-2] = False
    return path, flags


def _best_window(rows: list[tuple[list[tuple[float, float, bool]], int]], max_s: float,
                 duration: Callable[[list[tuple[list[tuple[float, float, bool]], int]]], float]
                 ) -> list[tuple[list[tuple[float, float, bool]], int]]:
    """The run of adjacent rows that serves the most households within ``max_s`` (at least one row)."""
    best, best_n = rows[:1], -1
    for i in range(len(rows)):
        for j in range(i + 1, len(rows) + 1):
            if j > i + 1 and duration(rows[i:j]) > max_s:
                break
            n = sum(r[1] for r in rows[i:j])
            if n > best_n:
                best, best_n = rows[i:j], n
    return best


def village_broadcast(points_xy: NDArray[np.float64], centre_xy: tuple[float, float],
                      settings: BroadcastSettings, *, max_s: float = math.inf) -> VillageBroadcast:
    """Lay the broadcast path over a village's households and time it.

    Parameters
    ----------
    points_xy : ndarray, shape (n, 2)
        Household positions in metres (n may be 0: the path is then the
        village point alone, held for one hearing).
    centre_xy : (float, float)
        The village point, where the path enters and leaves the road network.
    settings : BroadcastSettings
        From :func:`choose_settings`.
    max_s : float
        Longest broadcast a village gets. When covering every household would
        take longer, the path keeps the band of adjacent lanes (or stop rows)
        that serves the most households within it; the rest hear nothing.

    Returns
    -------
    VillageBroadcast
    """
    pts = np.asarray(points_xy, float).reshape(-1, 2)
    centre = (float(centre_xy[0]), float(centre_xy[1]))
    if len(pts) == 0:
        alone = BroadcastSettings("stop", settings.speed_kmh, settings.message_s, settings.repeats,
                                  settings.radius_m, settings.spacing_m)
        path, flags = _timed([centre, centre], [True, False], alone)
        return VillageBroadcast(settings, path, flags, 0.0, float(path[-1, 2]), 0, 0)
    origin, rot = _principal_frame(pts)
    rows = _row_waypoints((pts - origin) @ rot.T, settings)
    if math.isfinite(max_s):
        rows = _best_window(rows, max_s, lambda rs: float(_lay(rs, origin, rot, centre, settings)[0][-1, 2]))
    path, flags = _lay(rows, origin, rot, centre, settings)
    length = float(np.hypot(*np.diff(path[:, :2], axis=0).T).sum())
    return VillageBroadcast(settings, path, flags, length, float(path[-1, 2]), len(rows), sum(r[1] for r in rows))


# --------------------------------------------------------------------------- every village of a campaign
def village_radii(campaign: Campaign) -> dict[str, float]:
    """Intelligible radius of each village (its setting's ambient noise; a market counts as roadside)."""
    geo, p = campaign.geography, campaign.params
    settings = np.array([v.setting for v in geo.villages])
    market = np.array([v.market for v in geo.villages], bool)
    r = acoustics.intelligible_radius_m(acoustics.ambient_dba(settings, p, market=market), p)
    return {v.code: float(x) for v, x in zip(geo.villages, r)}


def settings_for(radius_m: float, params: Mapping[str, float]) -> BroadcastSettings:
    """The campaign's broadcast settings for a village of this intelligible radius."""
    speed = DEFAULTS["loudspeaker.broadcast_speed_kmh"]
    return choose_settings(radius_m, message_s=params["loudspeaker.message_length_s"],
                           repeats=int(params["loudspeaker.message_repeats"]), speed_range_kmh=(speed.low, speed.high))


def _on_streets(g: Any, node: Any, pts: NDArray[np.float64], s: BroadcastSettings, max_s: float
                ) -> VillageBroadcast:
    """Broadcast along the streets that serve the households (rural postman cover), within ``max_s``."""
    cover = street_cover(g, node, pts, max_offset_m=s.spacing_m / 2.0)
    xy = [(float(g.nodes[n]["x"]), float(g.nodes[n]["y"])) for n in cover.nodes]
    v = s.speed_kmh / 3.6
    seg = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(xy, xy[1:])]
    if s.mode == "stop":
        xy, stops = _stops_along(xy, s.spacing_m)
    else:
        stops = [False] * len(xy)
    keep = len(xy)
    if s.mode == "drive" and sum(seg) / v > max_s:
        # the longest opening part of the circuit that, driven there and back, fits in the cap
        run = np.concatenate([[0.0], np.cumsum(seg)]) / v
        keep = max(2, int(np.searchsorted(run, max_s / 2.0, side="right")))
        xy = xy[:keep] + xy[: keep - 1][::-1]
        stops = [False] * len(xy)
    path, flags = _timed(xy, stops, s)
    if keep < len(cover.nodes):
        flags[keep - 1:] = False  # silent on the way back: those streets were just covered
    length = float(np.hypot(*np.diff(path[:, :2], axis=0).T).sum()) if len(path) > 1 else 0.0
    return VillageBroadcast(s, path, flags, length, float(path[-1, 2]), cover.streets, cover.households_served)


def _stops_along(xy: list[tuple[float, float]], spacing: float) -> tuple[list[tuple[float, float]], list[bool]]:
    """The polyline's points, with a stop every ``spacing`` metres along it."""
    out, stops = [xy[0]], [False]
    since = spacing / 2.0  # the first stop half a spacing in: its circle reaches back to the start
    for a, b in zip(xy, xy[1:]):
        d = math.hypot(b[0] - a[0], b[1] - a[1])
        pos = spacing - since
        while pos <= d:
            t = pos / d
            out.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
            stops.append(True)
            pos += spacing
        since = (since + d) % spacing
        out.append(b)
        stops.append(False)
    return out, stops


def plan_broadcasts(campaign: Campaign, households: Households | None = None) -> dict[str, VillageBroadcast]:
    """The broadcast path of every village of the campaign, from the village's road node.

    On an OpenStreetMap network the vehicle covers the streets that serve the
    households (:func:`outreach.streets.street_cover`); on the proxy network
    it lays lanes over the households (:func:`village_broadcast`). Households
    are the campaign's synthetic ones (same seed as the simulation) unless
    given. Each broadcast is capped at ``loudspeaker.max_village_minutes``.

    Returns
    -------
    dict
        Village code → :class:`VillageBroadcast`, paths in EPSG:32648 metres
        starting and ending at the village's road node (its point when it has none).
    """
    geo, p, roads = campaign.geography, campaign.params, campaign.roads
    hh = households if households is not None else synthesize_households(geo, p, seed=campaign.seed)
    radii = village_radii(campaign)
    max_s = p["loudspeaker.max_village_minutes"] * 60.0
    streets = undirected_lengths(roads.graph) if roads.kind == "osm" and roads.graph is not None else None
    out: dict[str, VillageBroadcast] = {}
    for i, v in enumerate(geo.villages):
        pts = np.column_stack([hh.x_m[hh.offsets[i]:hh.offsets[i + 1]], hh.y_m[hh.offsets[i]:hh.offsets[i + 1]]])
        s = settings_for(radii[v.code], p)
        node = roads.village_node.get(v.code)
        if streets is not None and node is not None and node in streets:
            out[v.code] = _on_streets(streets, node, pts, s, max_s)
            continue
        centre = ((float(roads.graph.nodes[node]["x"]), float(roads.graph.nodes[node]["y"]))
                  if node is not None and roads.graph is not None and node in roads.graph else (v.x_m, v.y_m))
        out[v.code] = village_broadcast(pts, centre, s, max_s=max_s)
    return out


#: The parameter families the broadcast paths depend on: the households' positions (``household.``) and the
#: vehicle's speed, message and village time (``loudspeaker.``); the posterior's draws vary none of them.
_PATH_PARAMS = ("household.", "loudspeaker.")
_PLANS: dict[tuple[Any, ...], tuple[Any, Any, dict[str, VillageBroadcast]]] = {}


def _paths_key(campaign: Campaign) -> tuple[Any, ...]:
    """What :func:`plan_broadcasts` reads: the geography and roads (by identity), the seed and the path parameters."""
    p = campaign.params
    return (id(campaign.geography), id(campaign.roads), campaign.seed,
            tuple(sorted((k, float(v)) for k, v in p.items() if k.startswith(_PATH_PARAMS))))


def campaign_broadcasts(campaign: Campaign) -> dict[str, VillageBroadcast]:
    """:func:`plan_broadcasts` of the campaign, computed once per geography, roads, seed and path parameters.

    Why a cache: the allocation prices loudspeaker passes from these paths in
    every one of its solves, and the router lays them again; both must see
    the same paths, and laying them takes a second or two on a district. The
    campaigns of the posterior draws (other response parameters, the same
    geography) share them too: the demo laid them nine times (4.5 s).
    """
    import weakref

    key = _paths_key(campaign)
    hit = _PLANS.get(key)
    if hit is not None and hit[0]() is campaign.geography and hit[1]() is campaign.roads:
        return hit[2]
    plans = plan_broadcasts(campaign)

    def forget(_ref: weakref.ref[Any]) -> None:
        _PLANS.pop(key, None)  # the geography or roads are gone: their ids may be reused by others

    _PLANS[key] = (weakref.ref(campaign.geography, forget), weakref.ref(campaign.roads, forget), plans)
    return plans


def heard_shares(campaign: Campaign, plans: Mapping[str, VillageBroadcast],
                 households: Households | None = None) -> NDArray[np.float64]:
    """Share of each village's households that hear the whole message on one pass, in village order.

    The simulator's own rule (intelligible exposure of at least the hearing
    time along the village's broadcast path), applied to the same households.
    """
    geo, p = campaign.geography, campaign.params
    hh = households if households is not None else synthesize_households(geo, p, seed=campaign.seed)
    radii = village_radii(campaign)
    out = np.zeros(len(geo.villages))
    for i, v in enumerate(geo.villages):
        lo, hi = int(hh.offsets[i]), int(hh.offsets[i + 1])
        if hi == lo:
            continue
        vb = plans[v.code]
        secs, _ = acoustics.exposure_seconds(np.column_stack([hh.x_m[lo:hi], hh.y_m[lo:hi]]), radii[v.code],
                                             vb.path, vb.broadcast)
        out[i] = float(np.mean(secs >= vb.settings.hearing_s - 1e-9))
    return out
