"""A plan mapped onto households: what each channel can do to whom, and when.

Shared by the Monte Carlo (:mod:`.engine`) and the closed form (:mod:`.expectation`):

* Occasions: a (village, date, slot); morning before 12:00, afternoon before
  17:00, evening after. Evening and Saturday/Sunday occasions use the
  evening/weekend at-home exponent, others exponent 1.
* Door rounds: an outing with ``n`` households in a village visits the next
  ``n`` households of a fixed village walking order (wrapping round);
  callbacks visit the first ``n`` households never contacted so far.
* Loudspeaker: for each :class:`~outreach.model.VehicleDay` the intelligible
  exposure seconds of every nearby household are summed over broadcast
  segments (:func:`outreach.acoustics.exposure_seconds`); the household is
  within reach on that day when the sum is at least the message length,
  and the slot is that of its exposure-weighted clock time. The radius is
  :func:`outreach.acoustics.intelligible_radius_m` for the village setting
  (a market village counts as roadside) under the default propagation
  (row of houses + foliage, outdoor listener on the horn axis): at the
  defaults about 88 m rural, 43 m peri-urban, 22 m roadside. At 15 km/h a
  43 m radius gives at most 21 s < a 30 s message, so peri-urban and
  roadside villages are only reached when the timed path slows down or
  stops there (a zero-length segment with a duration is a stop).
* Forums: dated at mid-campaign; venue = the sangkat's most populous village;
  attendance falls with the distance to the venue.
* Leaflets: one at a household's first door contact, or left at its door
  when a visit finds nobody home before any contact
  (``leaflet.left_when_absent``), and one per forum attended, when the plan
  prints any (``allocation.leaflets > 0``; its quantity follows from those
  visits).
* District-wide channels (social media, radio, partner NGOs): the plan's
  levels (``allocation.media``) give every household of the campaign the
  same probabilities of exposure and of awareness per channel
  (:func:`outreach.media.media_response`, over all the campaign's households).
* Retention is counted to the evaluation date, the campaign end
  (``campaign.calendar.end``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import acoustics
from ..athome import attendance_exponent, beta_shapes, evening_weekend_exponent
from ..geo import to_utm
from ..households import Households, synthesize_households
from ..media import NO_MEDIA, MediaResponse, media_response
from ..model import Campaign, Plan, Priorities, Tours, VehicleDay
from ..parallel import fork_map
from ..response import banner_rates, retention

SLOT_INDEX = {"morning": 0, "afternoon": 1, "evening": 2}


def slot_of_time(t_s: NDArray[np.float64]) -> NDArray[np.int8]:
    """Slot index of clock times.

    Parameters
    ----------
    t_s : ndarray
        Seconds after midnight.

    Returns
    -------
    ndarray of int8
        0 morning (before 12:00), 1 afternoon (before 17:00), 2 evening.
    """
    return np.where(t_s < 12 * 3600, 0, np.where(t_s < 17 * 3600, 1, 2)).astype(np.int8)


@dataclass(frozen=True)
class DoorVisit:
    """One village's share of an outing: occasion, exponent, retention and who is visited."""

    date: int  # ordinal
    slot: int
    x: float
    r: float
    callback: bool
    start: int  # first household (local index) of a round, in walking order
    n: int


@dataclass(frozen=True)
class LoudspeakerExposure:
    """Households of one village within intelligible reach on one vehicle-day."""

    vehicle_day: int
    date: int
    slot: NDArray[np.int8]  # per listed household
    local: NDArray[np.int64]  # local household indices
    x: NDArray[np.float64]
    r: float


@dataclass(frozen=True)
class VillageExposure:
    """Everything the plan does to one village (built by :func:`plan_exposures`)."""

    door: tuple[DoorVisit, ...] = ()
    loudspeaker: tuple[LoudspeakerExposure, ...] = ()
    forums: int = 0
    forum_x: NDArray[np.float64] | None = None
    banner_t: float = 0.0
    banner_e: float = 0.0
    leaflet: float = 0.0  # 1: door and forum contacts hand over leaflets; 0: none printed
    baseline: float = 0.0


@dataclass(frozen=True)
class PlanExposures:
    """A plan mapped onto households: per-village exposure opportunities.

    Shared by :func:`~outreach.simulate.simulate` and
    :func:`~outreach.simulate.expected_reach`. ``counts`` holds per village
    (in ``households.village_codes`` order) the number of door round and
    callback visits, loudspeaker vehicle-days with anyone in reach, the mean
    share of households in reach on those days, forums, banners and the
    leaflet hand-over (0 or 1), i.e. the fields of :class:`outreach.response.VillageInputs`.
    """

    households: Households
    villages: tuple[VillageExposure, ...]
    params: Mapping[str, float]
    end: dt.date
    weeks: int
    sangkat_of_village: tuple[str, ...]
    counts: Mapping[str, NDArray[np.float64]]
    media: MediaResponse = NO_MEDIA  # the district-wide channels, the same for every household

    def by_sangkat(self, values: Iterable[float]) -> dict[str, float]:
        """Per-village values (in village order) summed by sangkat."""
        out: dict[str, float] = {}
        for s, val in zip(self.sangkat_of_village, values):
            out[s] = out.get(s, 0.0) + float(val)
        return out


def households_and_seed(
    campaign: Campaign, households: Households | None, seed: int | None
) -> tuple[Households, int]:
    """The households to use and the seed: default ``campaign.seed`` and households synthesised with it."""
    seed = int(campaign.seed if seed is None else seed)
    if households is None:
        households = synthesize_households(campaign.geography, campaign.params, seed=seed)
    return households, seed


def _exponent(date: dt.date, slot: int | NDArray[np.int8], x_ew: float) -> NDArray[np.float64]:
    """At-home exponent of an occasion: ``x_ew`` in the evening or at the weekend, else 1."""
    weekend = date.weekday() >= 5
    return np.where(weekend | (np.asarray(slot) == 2), x_ew, 1.0)


# --------------------------------------------------------------------------- door
def _door_visits(campaign: Campaign, plan: Plan, households: Households, x_ew: float) -> list[list[DoorVisit]]:
    """Door visits per village in date order; rounds continue along each village's walking order."""
    params = campaign.params
    index = {c: i for i, c in enumerate(households.village_codes)}
    counts_hh = households.count_by_village()
    visits = []
    for o in plan.roster.outings:
        for code, n in o.visits:
            if code in index and n > 0:
                visits.append((o.date, SLOT_INDEX[o.slot], o.kind == "callback", index[code], int(n)))
    door: list[list[DoorVisit]] = [[] for _ in households.village_codes]
    pointer = np.zeros(len(households.village_codes), np.int64)
    for date, slot, cb, v, n in sorted(visits, key=lambda t: (t[0], t[1], t[2])):
        h = int(counts_hh[v])
        if h == 0:
            continue
        r = float(retention((campaign.calendar.end - date).days, params))
        start = 0 if cb else int(pointer[v] % h)
        if not cb:
            pointer[v] += min(n, h)
        door[v].append(DoorVisit(date.toordinal(), slot, float(_exponent(date, slot, x_ew)), r, cb, start, min(n, h)))
    return door


# --------------------------------------------------------------------------- loudspeaker
@dataclass(frozen=True)
class _Geometry:
    """What every vehicle-day needs to find the households within intelligible reach."""

    households: Households
    radius_v: NDArray[np.float64]  # intelligible radius per village
    margin: NDArray[np.float64]  # radius + the village's extent: farther villages are out of reach
    vx: NDArray[np.float64]
    vy: NDArray[np.float64]
    message_s: float


def _geometry(campaign: Campaign, households: Households) -> _Geometry:
    params = campaign.params
    villages = [campaign.geography.village_by_code[c] for c in households.village_codes]
    settings = np.array([v.setting for v in villages])
    market = np.array([v.market for v in villages])
    radius_v = acoustics.intelligible_radius_m(acoustics.ambient_dba(settings, params, market=market), params)
    vx = np.array([v.x_m for v in villages])
    vy = np.array([v.y_m for v in villages])
    extent = np.zeros(len(villages))
    if households.n:
        dist = np.hypot(households.x_m - vx[households.village], households.y_m - vy[households.village])
        np.maximum.at(extent, households.village, dist)
    return _Geometry(households, radius_v, extent + radius_v, vx, vy, params["loudspeaker.message_length_s"])


def _runs(flags: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``(first, last)`` segment indices of each run of true flags."""
    f = np.concatenate([[False], np.asarray(flags, bool), [False]])
    d = np.diff(f.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _near_villages(
    g: _Geometry, px: NDArray[np.float64], py: NDArray[np.float64], sel: NDArray[np.bool_]
) -> NDArray[np.intp]:
    """Villages whose households can come within range of a broadcast segment."""
    bx = np.concatenate([px[:-1][sel], px[1:][sel]])
    by = np.concatenate([py[:-1][sel], py[1:][sel]])
    vx, vy, margin = g.vx, g.vy, g.margin
    near = np.nonzero(
        (vx + margin >= bx.min()) & (vx - margin <= bx.max()) & (vy + margin >= by.min()) & (vy - margin <= by.max())
    )[0]
    if near.size:
        pts = np.column_stack([px, py])
        vp = np.column_stack([vx[near], vy[near]])
        dv = np.full(near.size, np.inf)
        for a0, a1 in _runs(sel):
            dv = np.minimum(dv, acoustics.distance_to_polyline_m(vp, pts[a0 : a1 + 1]))
        near = near[dv <= margin[near]]
    return near


def _day_reach(g: _Geometry, vd: VehicleDay) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Households within intelligible reach for a message length on one vehicle-day.

    Returns ``(household indices, exposure-weighted clock time)``, households grouped by village.
    """
    empty = (np.zeros(0, np.int64), np.zeros(0))
    if len(vd.path) < 2:
        return empty
    path = np.asarray(vd.path, float)
    x, y = to_utm(path[:, 0], path[:, 1])
    px, py = np.asarray(x, float), np.asarray(y, float)
    on = np.asarray(vd.broadcast, bool) if len(vd.broadcast) == len(vd.path) else np.ones(len(px), bool)
    sel = on[:-1]
    if not sel.any():
        return empty
    near = _near_villages(g, px, py, sel)
    if near.size == 0:
        return empty
    hhs, off = g.households, g.households.offsets
    hh = np.concatenate([np.arange(off[v], off[v + 1]) for v in near])
    secs, mid = acoustics.exposure_seconds(
        np.column_stack([hhs.x_m[hh], hhs.y_m[hh]]),
        g.radius_v[hhs.village[hh]],
        np.column_stack([px, py, path[:, 2]]),
        on,
    )
    ok = secs >= g.message_s
    return hh[ok], mid[ok]


#: Households in reach per vehicle-day, by tours and geometry (:func:`_reach_by_day`).
_REACH: dict[tuple[int, bytes], tuple[Any, list[tuple[NDArray[np.int64], NDArray[np.float64]]]]] = {}


def _geometry_digest(g: _Geometry) -> bytes:
    """A digest of everything :func:`_day_reach` reads besides the tours: positions, villages, radii, message."""
    h = hashlib.blake2b(digest_size=20)
    hh = g.households
    for a in (hh.x_m, hh.y_m, hh.village, hh.offsets, g.radius_v, g.margin, g.vx, g.vy):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(repr((hh.village_codes, float(g.message_s))).encode())
    return h.digest()


def _reach_by_day(tours: Tours, g: _Geometry, workers: int) -> list[tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """:func:`_day_reach` of every vehicle-day, once per tours and geometry.

    Why: the plan is simulated once per posterior draw, and the draws change
    response parameters, not where households live or how far the message
    carries, so the geometry (most of a loudspeaker's simulation time) is the
    same for all of them; the digest makes any change in it a new entry.
    """
    key = (id(tours), _geometry_digest(g))
    hit = _REACH.get(key)
    if hit is not None and hit[0]() is tours:
        return hit[1]
    found = fork_map(_day_reach, tours.days, shared=g, workers=workers)

    def forget(_ref: weakref.ref[Any]) -> None:
        _REACH.pop(key, None)  # the tours are gone: their id may be reused

    _REACH[key] = (weakref.ref(tours, forget), found)
    return found


def _loudspeaker(
    campaign: Campaign, plan: Plan, households: Households, x_ew: float, workers: int
) -> list[list[LoudspeakerExposure]]:
    """Loudspeaker exposures per village, in vehicle-day order (the geometry on ``workers`` processes)."""
    days = plan.tours.days
    found = _reach_by_day(plan.tours, _geometry(campaign, households), workers)
    out: list[list[LoudspeakerExposure]] = [[] for _ in households.village_codes]
    off = households.offsets
    for d_i, (hh, mid) in enumerate(found):
        if hh.size == 0:
            continue
        vd = days[d_i]
        slots = slot_of_time(mid)
        xs = _exponent(vd.date, slots, x_ew).astype(float)
        r = float(retention((campaign.calendar.end - vd.date).days, campaign.params))
        hv = households.village[hh]
        # hh is grouped by village (concatenated per village): split at the boundaries
        cuts = np.flatnonzero(np.diff(hv)) + 1
        for g in np.split(np.arange(hh.size), cuts):
            v = int(hv[g[0]])
            out[v].append(LoudspeakerExposure(d_i, vd.date.toordinal(), slots[g], hh[g] - off[v], xs[g], r))
    return out


# --------------------------------------------------------------------------- forums, banners, leaflets, baseline
def _forums(
    campaign: Campaign, plan: Plan, households: Households, a: float, b: float
) -> list[tuple[int, NDArray[np.float64] | None]]:
    """``(forums, attendance exponent per household)`` per village; attendance falls with distance to the venue."""
    params = campaign.params
    vb = campaign.geography.village_by_code
    codes, off = households.village_codes, households.offsets
    out: list[tuple[int, NDArray[np.float64] | None]] = [(0, None) for _ in codes]
    villages_of: dict[str, list[int]] = {}
    for i, c in enumerate(codes):
        villages_of.setdefault(vb[c].sangkat_code, []).append(i)
    for s_code, nf in plan.allocation.forums_by_sangkat.items():
        members = villages_of.get(s_code, [])
        if nf <= 0 or not members:
            continue
        venue = vb[codes[max(members, key=lambda i: (vb[codes[i]].households, -i))]]
        hh = np.concatenate([np.arange(off[v], off[v + 1]) for v in members])
        if hh.size == 0:
            continue
        d_km = np.hypot(households.x_m[hh] - venue.x_m, households.y_m[hh] - venue.y_m) / 1000.0
        w = np.exp2(-d_km / params["forum.attendance_decay_km"])
        target = np.minimum(params["forum.participation_rate"], params["forum.participants"] * w / w.sum())
        xf = attendance_exponent(target, a, b)
        pos = 0  # xf follows the concatenation order of ``members``
        for v in members:
            h = int(off[v + 1] - off[v])
            out[v] = (int(nf), xf[pos : pos + h])
            pos += h
    return out


def _banner(plan: Plan, code: str, weeks: int, params: Mapping[str, float]) -> tuple[float, float]:
    """Poisson means of noticed and of remembered passes of the village's banners (0 without banners)."""
    nb = plan.allocation.banners_by_village.get(code, 0)
    if nb <= 0:
        return 0.0, 0.0
    lt, le = banner_rates(nb, weeks, params)
    return float(lt), float(le)


def _baseline(code: str, priorities: Priorities | None, params: Mapping[str, float]) -> float:
    if priorities is not None and code in priorities.by_village:
        return float(priorities.awareness(code))
    return float(params["awareness.baseline"])


def _counts(
    villages: tuple[VillageExposure, ...], households: Households, plan: Plan
) -> dict[str, NDArray[np.float64]]:
    """Per-village counts of what the plan does (the fields of :class:`outreach.response.VillageInputs`)."""
    counts_hh = households.count_by_village()
    share = [np.mean([e.local.size for e in ve.loudspeaker]) / max(h, 1) if ve.loudspeaker else 0.0
             for ve, h in zip(villages, counts_hh)]
    return {
        "households": counts_hh.astype(float),
        "door_rounds": np.array([sum(not d.callback for d in ve.door) for ve in villages], float),
        "callbacks": np.array([sum(d.callback for d in ve.door) for ve in villages], float),
        "loudspeaker_passes": np.array([len({e.vehicle_day for e in ve.loudspeaker}) for ve in villages], float),
        "loudspeaker_share": np.array(share),
        "forum": np.array([ve.forums for ve in villages], float),
        "banners": np.array([plan.allocation.banners_by_village.get(c, 0) for c in households.village_codes], float),
        "leaflets": np.array([ve.leaflet for ve in villages]),
        "baseline_awareness": np.array([ve.baseline for ve in villages]),
    }


def plan_exposures(
    campaign: Campaign,
    plan: Plan,
    households: Households,
    *,
    priorities: Priorities | None = None,
    workers: int = 1,
) -> PlanExposures:
    """Map a plan onto households (see the module docstring for the rules).

    Parameters
    ----------
    campaign : Campaign
        Area, calendar and parameters.
    plan : Plan
        Allocation (forums, banners, leaflets), tours and roster.
    households : Households
        Households of ``campaign.geography`` in village order.
    priorities : Priorities, optional
        Baseline awareness per village; default ``awareness.baseline``.
    workers : int
        Processes (fork) for the loudspeaker geometry.

    Returns
    -------
    PlanExposures
    """
    params = campaign.params
    weeks = campaign.calendar.weeks
    codes = households.village_codes
    a, b = beta_shapes(params)
    x_ew = evening_weekend_exponent(a, b, params["canvass.evening_weekend_multiplier"])
    door = _door_visits(campaign, plan, households, x_ew)
    loudspeaker = _loudspeaker(campaign, plan, households, x_ew, workers)
    forums = _forums(campaign, plan, households, a, b)
    leaflet = 1.0 if plan.allocation.leaflets > 0 else 0.0
    villages = tuple(
        VillageExposure(tuple(door[v]), tuple(loudspeaker[v]), *forums[v], *_banner(plan, code, weeks, params),
                        leaflet, _baseline(code, priorities, params))
        for v, code in enumerate(codes)
    )
    sangkat_of = tuple(campaign.geography.village_by_code[c].sangkat_code for c in codes)
    counts = _counts(villages, households, plan)
    media = media_response(plan.allocation.media, weeks, float(households.count_by_village().sum()), params)
    return PlanExposures(households, villages, params, campaign.calendar.end, weeks, sangkat_of, counts, media)
