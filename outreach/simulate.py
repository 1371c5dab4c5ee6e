"""Monte Carlo reach and awareness of a plan, and its closed-form expectation.

The simulator draws the model of :mod:`outreach.response` (read its module
docstring for every formula) for every household and replication:

* Engine: numpy over arrays of shape (replications, households of a
  village); the loop runs over villages, their occasions and replication
  blocks, never over households. A village is cut into replication blocks
  of at most ``chunk_households`` household-replications, so memory stays
  bounded whatever the area.
* Seeding: the default seed is ``campaign.seed``. Every random plane comes
  from its own numpy ``PCG64`` stream whose 128-bit state and increment are
  the BLAKE2b hash of ``(seed, village code, tag, ...)``; the tag names
  what is drawn: the household's at-home propensity and baseline awareness
  (one 32-bit draw: 12 + 20 bits), the at-home state on an occasion (date
  ordinal, slot), a forum, banners, leaflets, word of mouth. Nothing in a
  key depends on the plan, so two plans run on common random numbers: the
  same household in the same replication has the same propensity and is at
  home on the same occasions; plans differ only by the plan. Each
  replication row consumes a fixed run of raw words, so the first ``n``
  replications are the same whatever the total and whatever the block size.
* At-home propensity: ``pi`` is one of 4,096 equiprobable quantile atoms
  of the Beta law (a table lookup instead of a Beta variate); the closed
  form integrates the exact Beta law, a difference far below Monte Carlo error.
* Occasions: someone is at home on a (village, date, slot) with probability
  ``1 - (1 - pi)^x``; one uniform per household and occasion decides it
  for every channel active then (door visit and loudspeaker pass in the
  same slot share it), and the same uniform decides whether the exposure
  leaves an effective memory (``u < A p r`` within ``u < A``): one draw
  per household-occasion.
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
* Slots: morning before 12:00, afternoon before 17:00, evening after;
  evening and Saturday/Sunday occasions use the evening/weekend exponent.
* Forums: dated at mid-campaign; venue = the sangkat's most populous village.
  Leaflets: spread over all households pro rata, received at mid-campaign.
* Evaluation date: the campaign end (``campaign.calendar.end``).

``households_aware`` is the total aware at the end: baseline-aware plus
newly aware (direct and word of mouth). ``households_reached`` counts
households with at least one channel exposure (word of mouth is not an
exposure). ``women_reached``/``men_reached`` are persons living in reached
households. ``by_channel`` holds mean households reached per channel plus
``word_of_mouth`` (households made aware by word of mouth only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import struct
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from . import acoustics
from .households import Households, code_key, synthesize_households
from .model import UTM_EPSG, Band, Campaign, Plan, Priorities, Reach
from .response import (
    CHANNELS,
    DoorEvent,
    HomeEvent,
    attendance_exponent,
    banner_rates,
    beta_atoms,
    beta_shapes,
    direct_response,
    evening_weekend_exponent,
    final_awareness,
    retention,
    word_of_mouth,
)

SLOT_INDEX = {"morning": 0, "afternoon": 1, "evening": 2}
#: Random stream tags (part of every key; never change them: results would move).
TAG_PROPENSITY, _TAG_UNUSED, TAG_OCCASION, TAG_FORUM, TAG_BANNER, TAG_LEAFLET, TAG_WOM = 21, 22, 23, 24, 25, 26, 27
FREQ_BINS = 11  # exposure frequency 0..9 and ">= 10"
N_ATOMS = 4096


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


# --------------------------------------------------------------------------- plan -> exposures
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


@dataclass
class VillageExposure:
    """Everything the plan does to one village (built by :func:`plan_exposures`)."""

    door: list[DoorVisit] = field(default_factory=list)
    loudspeaker: list[LoudspeakerExposure] = field(default_factory=list)
    forums: int = 0
    forum_x: NDArray[np.float64] | None = None
    banner_t: float = 0.0
    banner_e: float = 0.0
    leaflet: float = 0.0
    baseline: float = 0.0


@dataclass(frozen=True)
class PlanExposures:
    """A plan mapped onto households: per-village exposure opportunities.

    Shared by :func:`simulate` and :func:`expected_reach`. ``counts`` holds per
    village (in ``households.village_codes`` order) the number of door round
    and callback visits, loudspeaker vehicle-days with anyone in reach, the
    mean share of households in reach on those days, forums, banners and the
    leaflet probability, i.e. the arguments of
    :func:`outreach.response.village_response_array`.
    """

    households: Households
    villages: tuple[VillageExposure, ...]
    params: Mapping[str, float]
    end: dt.date
    weeks: int
    sangkat_of_village: tuple[str, ...]
    counts: Mapping[str, NDArray[np.float64]]


@lru_cache(maxsize=1)
def _to_utm() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(4326, UTM_EPSG, always_xy=True)


def _xy(lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = _to_utm().transform(lonlat[:, 0], lonlat[:, 1])
    return np.asarray(x, float), np.asarray(y, float)


_GEOM: dict[str, Any] = {}


def _vehicle_days_reach(day_indices: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Households within intelligible reach for a message length, per vehicle-day.

    Returns ``(household indices, exposure-weighted clock time)`` per day; reads
    the inputs from ``_GEOM`` (set by :func:`plan_exposures`, inherited by forked workers).
    """
    g = _GEOM
    hhs: Households = g["households"]
    off, vx, vy, margin = hhs.offsets, g["vx"], g["vy"], g["margin"]
    out = []
    empty = (np.zeros(0, np.int64), np.zeros(0))
    for d_i in day_indices:
        vd = g["days"][d_i]
        if len(vd.path) < 2:
            out.append(empty)
            continue
        path = np.asarray(vd.path, float)
        px, py = _xy(path[:, :2])
        on = np.asarray(vd.broadcast, bool) if len(vd.broadcast) == len(vd.path) else np.ones(len(px), bool)
        sel = on[:-1]
        if not sel.any():
            out.append(empty)
            continue
        bx = np.concatenate([px[:-1][sel], px[1:][sel]])
        by = np.concatenate([py[:-1][sel], py[1:][sel]])
        near = np.nonzero(
            (vx + margin >= bx.min()) & (vx - margin <= bx.max()) & (vy + margin >= by.min()) & (vy - margin <= by.max())
        )[0]
        if near.size:
            # keep villages whose households can come within range of a broadcast segment
            pts = np.column_stack([px, py])
            vp = np.column_stack([vx[near], vy[near]])
            dv = np.full(near.size, np.inf)
            for a0, a1 in _runs(sel):
                dv = np.minimum(dv, acoustics.distance_to_polyline_m(vp, pts[a0 : a1 + 1]))
            near = near[dv <= margin[near]]
        if near.size == 0:
            out.append(empty)
            continue
        hh = np.concatenate([np.arange(off[v], off[v + 1]) for v in near])
        secs, mid = acoustics.exposure_seconds(
            np.column_stack([hhs.x_m[hh], hhs.y_m[hh]]),
            g["radius_v"][hhs.village[hh]],
            np.column_stack([px, py, path[:, 2]]),
            on,
        )
        ok = secs >= g["msg"]
        out.append((hh[ok], mid[ok]))
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last)`` segment indices of each run of true flags."""
    f = np.concatenate([[False], np.asarray(flags, bool), [False]])
    d = np.diff(f.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


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
    geo = campaign.geography
    index = {c: i for i, c in enumerate(households.village_codes)}
    nv = len(households.village_codes)
    counts_hh = households.count_by_village()
    off = households.offsets
    end = campaign.calendar.end
    weeks = campaign.calendar.weeks
    a, b = beta_shapes(params)
    x_ew = evening_weekend_exponent(a, b, params["canvass.evening_weekend_multiplier"])
    vill = [VillageExposure() for _ in range(nv)]
    vb = geo.village_by_code

    def x_of(date: dt.date, slot: int | np.ndarray) -> Any:
        weekend = date.weekday() >= 5
        return np.where(weekend | (np.asarray(slot) == 2), x_ew, 1.0)

    # door: round visits continue along each village's walking order
    visits = []
    for o in plan.roster.outings:
        for code, n in o.visits:
            if code in index and n > 0:
                visits.append((o.date, SLOT_INDEX[o.slot], o.kind == "callback", index[code], int(n)))
    pointer = np.zeros(nv, np.int64)
    for date, slot, cb, v, n in sorted(visits, key=lambda t: (t[0], t[1], t[2])):
        h = int(counts_hh[v])
        if h == 0:
            continue
        r = float(retention((end - date).days, params))
        start = 0 if cb else int(pointer[v] % h)
        if not cb:
            pointer[v] += min(n, h)
        vill[v].door.append(DoorVisit(date.toordinal(), slot, float(x_of(date, slot)), r, cb, start, min(n, h)))

    # loudspeaker: intelligible exposure seconds per household and vehicle-day
    settings = np.array([vb[c].setting if c in vb else "rural" for c in households.village_codes])
    market = np.array([vb[c].market if c in vb else False for c in households.village_codes])
    radius_v = acoustics.intelligible_radius_m(acoustics.ambient_dba(settings, params, market=market), params)
    vx = np.array([vb[c].x_m for c in households.village_codes])
    vy = np.array([vb[c].y_m for c in households.village_codes])
    extent = np.zeros(nv)
    if households.n:
        dist = np.hypot(households.x_m - vx[households.village], households.y_m - vy[households.village])
        np.maximum.at(extent, households.village, dist)
    _GEOM.update(
        days=plan.tours.days, households=households, radius_v=radius_v, margin=extent + radius_v, vx=vx, vy=vy,
        msg=params["loudspeaker.message_length_s"],
    )
    try:
        if workers > 1 and len(plan.tours.days) > 1:
            chunks = [c.tolist() for c in np.array_split(np.arange(len(plan.tours.days)), 4 * workers) if c.size]
            with mp.get_context("fork").Pool(workers) as pool:
                found = [r for part in pool.map(_vehicle_days_reach, chunks) for r in part]
        else:
            found = _vehicle_days_reach(range(len(plan.tours.days)))
    finally:
        _GEOM.clear()
    for d_i, (hh, mid) in enumerate(found):
        if hh.size == 0:
            continue
        vd = plan.tours.days[d_i]
        slots = slot_of_time(mid)
        xs = x_of(vd.date, slots).astype(float)
        r = float(retention((end - vd.date).days, params))
        hv = households.village[hh]
        # hh is grouped by village (concatenated per village): split at the boundaries
        cuts = np.flatnonzero(np.diff(hv)) + 1
        for g in np.split(np.arange(hh.size), cuts):
            v = int(hv[g[0]])
            vill[v].loudspeaker.append(LoudspeakerExposure(d_i, vd.date.toordinal(), slots[g], hh[g] - off[v], xs[g], r))

    # forums: attendance falls with distance to the sangkat's most populous village
    sangkat_of = tuple(vb[c].sangkat_code for c in households.village_codes)
    villages_of: dict[str, list[int]] = {}
    for i, s_code in enumerate(sangkat_of):
        villages_of.setdefault(s_code, []).append(i)
    for s_code, nf in plan.allocation.forums_by_sangkat.items():
        if nf <= 0:
            continue
        members = villages_of.get(s_code, [])
        if not members:
            continue
        venue = max(members, key=lambda i: (vb[households.village_codes[i]].households, -i))
        hh = np.concatenate([np.arange(off[v], off[v + 1]) for v in members])
        if hh.size == 0:
            continue
        d_km = np.hypot(households.x_m[hh] - vx[venue], households.y_m[hh] - vy[venue]) / 1000.0
        w = np.exp2(-d_km / params["forum.attendance_decay_km"])
        target = np.minimum(params["forum.participation_rate"], params["forum.participants"] * w / w.sum())
        xf = attendance_exponent(target, a, b)
        pos = 0  # xf follows the concatenation order of ``members``
        for v in members:
            h = int(counts_hh[v])
            vill[v].forums = int(nf)
            vill[v].forum_x = xf[pos : pos + h]
            pos += h

    # banners, leaflets, baseline
    total_hh = max(int(counts_hh.sum()), 1)
    leaf_p = min(1.0, plan.allocation.leaflets / total_hh)
    for v, code in enumerate(households.village_codes):
        nb = plan.allocation.banners_by_village.get(code, 0)
        if nb > 0:
            lt, le = banner_rates(nb, weeks, params)
            vill[v].banner_t, vill[v].banner_e = float(lt), float(le)
        vill[v].leaflet = leaf_p
        if priorities is not None and code in priorities.by_village:
            vill[v].baseline = float(priorities.awareness(code))
        else:
            vill[v].baseline = float(params["awareness.baseline"])

    counts = {
        "households": counts_hh.astype(float),
        "door_rounds": np.array([sum(not d.callback for d in ve.door) for ve in vill], float),
        "callbacks": np.array([sum(d.callback for d in ve.door) for ve in vill], float),
        "loudspeaker_passes": np.array([len({e.vehicle_day for e in ve.loudspeaker}) for ve in vill], float),
        "loudspeaker_share": np.array(
            [np.mean([e.local.size for e in ve.loudspeaker]) / max(h, 1) if ve.loudspeaker else 0.0 for ve, h in zip(vill, counts_hh)]
        ),
        "forum": np.array([ve.forums for ve in vill], float),
        "banners": np.array([plan.allocation.banners_by_village.get(c, 0) for c in households.village_codes], float),
        "leaflet_share": np.full(nv, leaf_p),
        "baseline_awareness": np.array([ve.baseline for ve in vill]),
    }
    return PlanExposures(households, tuple(vill), params, end, weeks, sangkat_of, counts)


# --------------------------------------------------------------------------- Monte Carlo
@dataclass(frozen=True)
class VillageDraws:
    """Per-replication sums for one village (arrays of length ``replications``)."""

    reached: NDArray[np.float64]
    aware: NDArray[np.float64]
    women: NDArray[np.float64]
    men: NDArray[np.float64]
    channel: NDArray[np.float64]  # (len(CHANNELS) + 1, R): channels then word of mouth
    freq: NDArray[np.float64]  # (R, FREQ_BINS)
    exposures: NDArray[np.int16] | None = None  # (R, H) when asked for


class _Streams:
    """Plan-independent random planes of one village.

    A stream is a PCG64 bit generator whose 128-bit state and increment are
    the BLAKE2b hash of ``(seed, village key, tag, ...)``: distinct keys give
    distinct, independent PCG64 streams, and creating one costs a few
    microseconds (bit-generator objects are pooled and re-keyed). Row ``r``
    of a plane always consumes the same raw 64-bit words (``ceil(h / 2)``
    per replication), so results do not depend on the replication blocking.
    """

    _local = threading.local()  # pooled bit generators, one pool per thread

    def __init__(self, seed: int, vkey: int, h: int) -> None:
        self.prefix = (seed, vkey)
        self.h = h
        self.words = (h + 1) // 2
        self.live: dict[tuple[int, ...], np.random.PCG64] = {}

    def _bitgen(self, tags: tuple[int, ...]) -> np.random.PCG64:
        bg = self.live.get(tags)
        if bg is None:
            i = len(self.live)
            pool = getattr(_Streams._local, "pool", None)
            if pool is None:
                pool = _Streams._local.pool = []
            while len(pool) <= i:
                pool.append(np.random.PCG64(0))
            bg = pool[i]
            key = struct.pack(f"<{2 + len(tags)}Q", *(k & 0xFFFF_FFFF_FFFF_FFFF for k in (*self.prefix, *tags)))
            d = hashlib.blake2b(key, digest_size=32).digest()
            bg.state = {
                "bit_generator": "PCG64",
                "state": {"state": int.from_bytes(d[:16], "little"), "inc": int.from_bytes(d[16:], "little") | 1},
                "has_uint32": 0,
                "uinteger": 0,
            }
            self.live[tags] = bg
        return bg

    def raw(self, rb: int, *tags: int) -> np.ndarray:
        """Uniform uint32 plane of shape (rb, h)."""
        w = self._bitgen(tags).random_raw(rb * self.words).view(np.uint32)
        return w.reshape(rb, 2 * self.words)[:, : self.h]

    def uniform(self, rb: int, *tags: int) -> np.ndarray:
        """Uniform float32 plane on the 2^-24 grid in [0, 1), shape (rb, h)."""
        u = np.right_shift(self.raw(rb, *tags), np.uint32(8)).astype(np.float32)
        u *= np.float32(2.0**-24)
        return u


@lru_cache(maxsize=16)
def _at_home_tables(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Atom tables (float32) of ``pi`` and ``log(1 - pi)`` for ``N_ATOMS`` equiprobable atoms."""
    L = beta_atoms(a, b, N_ATOMS)
    return (-np.expm1(L.astype(np.float64))).astype(np.float32), L


def _simulate_village(
    ex: PlanExposures, v: int, replications: int, seed: int, chunk: int, keep_exposures: bool = False
) -> VillageDraws:
    """Draw one village over all replications (blocks of replications bound memory)."""
    hh = ex.households
    params = ex.params
    h = int(hh.offsets[v + 1] - hh.offsets[v])
    R = replications
    ve = ex.villages[v]
    ncol = len(CHANNELS) + 1
    if h == 0:
        z = np.zeros(R)
        return VillageDraws(z, z, z, z, np.zeros((ncol, R)), np.zeros((R, FREQ_BINS)), np.zeros((R, 0), np.int16) if keep_exposures else None)
    sl = slice(hh.offsets[v], hh.offsets[v + 1])
    women = hh.women[sl].astype(np.float32)
    men = hh.men[sl].astype(np.float32)
    a, b = float(hh.at_home_a[sl][0]), float(hh.at_home_b[sl][0])
    pi_tab, L_tab = _at_home_tables(a, b)
    k = int(params["awareness.effective_frequency_k"])
    streams = _Streams(seed, code_key(hh.village_codes[v]), h)
    occ_keys = sorted({(d.date, d.slot) for d in ve.door} | {(e.date, int(s)) for e in ve.loudspeaker for s in np.unique(e.slot)})
    p_door, p_ls, p_forum, p_leaf = (params[f"awareness.p_{c}"] for c in ("door", "loudspeaker", "forum", "leaflet"))
    r_mid = float(retention(3.5 * ex.weeks, params))
    rb_max = max(1, chunk // h)
    out_reached = np.zeros(R)
    out_aware = np.zeros(R)
    out_w = np.zeros(R)
    out_m = np.zeros(R)
    out_ch = np.zeros((ncol, R))
    out_freq = np.zeros((R, FREQ_BINS))
    exposures = np.zeros((R, h), np.int16) if keep_exposures else None
    round_sel = []
    for d in ve.door:
        if d.callback:
            round_sel.append(None)  # chosen per replication
        else:
            m = np.zeros(h, bool)
            m[(d.start + np.arange(d.n)) % h] = True
            round_sel.append(None if d.n >= h else m)
    for r0 in range(0, R, rb_max):
        rb = min(rb_max, R - r0)
        # one 32-bit draw per household-replication: the top 12 bits pick the at-home atom
        # (pi = pi_tab[idx]); the low 20 bits are the uniform for baseline awareness
        raw = streams.raw(rb, TAG_PROPENSITY)
        idx = np.right_shift(raw, np.uint32(32 - 12)).astype(np.uint16)
        base = np.bitwise_and(raw, np.uint32(0xFFFFF)) < np.uint32(round(ve.baseline * 2**20))
        occ = {key: streams.uniform(rb, TAG_OCCASION, key[0], key[1]) for key in occ_keys}
        avail_cache: dict[float, np.ndarray] = {}

        def athome(x: float) -> np.ndarray:
            """P(someone at home) per household for exponent x (table lookup per atom)."""
            if x not in avail_cache:
                tab = pi_tab if x == 1.0 else (-np.expm1(np.float64(x) * L_tab)).astype(np.float32)
                avail_cache[x] = tab[idx]
            return avail_cache[x]

        n_exp = np.zeros((rb, h), np.int16)
        n_eff = np.zeros((rb, h), np.int8)
        eng = np.zeros((rb, h), bool)
        reach_ch: dict[str, np.ndarray | None] = dict.fromkeys(CHANNELS)
        # door visits in date order
        ever = np.zeros((rb, h), bool)
        for d, sel in zip(ve.door, round_sel):
            u = occ[(d.date, d.slot)]
            A = athome(d.x)
            if d.callback:  # first n never-contacted households
                cand = ~ever
                sel = cand if d.n >= h else cand & (np.cumsum(cand, axis=1, dtype=np.int32) <= d.n)
            contact = u < A
            eff = u < A * np.float32(p_door * d.r)
            if sel is not None:  # None: the whole village is visited
                contact &= sel
                eff &= sel
            n_exp += contact
            n_eff += eff
            eng |= eff
            ever |= contact
        reach_ch["door"] = ever
        # loudspeaker
        ls = None
        for e in ve.loudspeaker:
            if ls is None:
                ls = np.zeros((rb, h), bool)
            for s in np.unique(e.slot):
                m = e.slot == s
                loc = e.local[m]
                u = occ[(e.date, int(s))][:, loc]
                xs = np.unique(e.x[m])
                A = athome(float(xs[0]))[:, loc] if xs.size == 1 else -np.expm1(e.x[m].astype(np.float32) * L_tab[idx[:, loc]])
                hit = u < A
                n_exp[:, loc] += hit
                n_eff[:, loc] += u < A * np.float32(p_ls * e.r)
                ls[:, loc] |= hit
        reach_ch["loudspeaker"] = ls
        # forums
        if ve.forums and ve.forum_x is not None:
            fo = np.zeros((rb, h), bool)
            A = -np.expm1(ve.forum_x.astype(np.float32) * L_tab[idx])
            for f in range(ve.forums):
                u = streams.uniform(rb, TAG_FORUM, f)
                hit = u < A
                eff = u < A * np.float32(p_forum * r_mid)
                n_exp += hit
                n_eff += eff
                eng |= eff
                fo |= hit
            reach_ch["forum"] = fo
        # banners: Poisson noticed passes, nested thresholds on one uniform
        if ve.banner_t > 0:
            u = streams.uniform(rb, TAG_BANNER)
            bn = u < np.float32(-np.expm1(-ve.banner_t))
            n_exp += bn
            lam = ve.banner_e
            cdf, pmf = 0.0, np.exp(-lam)
            for j in range(k):  # effective count >= j+1  <=>  u < 1 - F(j)
                cdf += pmf
                n_eff += u < np.float32(1.0 - cdf)
                pmf *= lam / (j + 1)
            reach_ch["banner"] = bn
        if ve.leaflet > 0:
            u = streams.uniform(rb, TAG_LEAFLET)
            lf = u < np.float32(ve.leaflet)
            n_exp += lf
            n_eff += u < np.float32(ve.leaflet * p_leaf * r_mid)
            reach_ch["leaflet"] = lf
        direct = n_eff >= k
        new = direct & ~base
        n_new = np.count_nonzero(new, axis=1)
        n_eng = np.count_nonzero(new & eng, axis=1)
        p_wom = word_of_mouth(h, n_eng, n_new - n_eng, params).astype(np.float32)
        # integer comparison with the per-replication threshold (no float plane needed)
        wom = streams.raw(rb, TAG_WOM) < np.minimum(np.round(p_wom.astype(np.float64) * 2**32), 2**32 - 1).astype(np.uint32)[:, None]
        wom &= ~base
        wom &= ~direct
        aware = base | direct | wom
        reached = n_exp > 0
        # per-replication counts of every indicator in one uint8 reduction (no BLAS: its
        # threads contend with worker processes)
        top = min(int(n_exp.max()), FREQ_BINS - 1)
        rows = [reached, aware, wom] + [reach_ch[c] for c in CHANNELS if reach_ch[c] is not None]
        rows += [n_exp == j for j in range(top)] + [n_exp >= top]
        M = np.add.reduce(np.stack(rows).view(np.uint8), axis=2, dtype=np.int32)
        rs = slice(r0, r0 + rb)
        out_reached[rs], out_aware[rs], out_ch[-1, rs] = M[0], M[1], M[2]
        out_w[rs] = np.add.reduce(np.where(reached, women, np.float32(0)), axis=1)
        out_m[rs] = np.add.reduce(np.where(reached, men, np.float32(0)), axis=1)
        i = 3
        for ci, c in enumerate(CHANNELS):
            if reach_ch[c] is not None:
                out_ch[ci, rs] = M[i]
                i += 1
        out_freq[rs, : top + 1] = M[i:].T
        if exposures is not None:
            exposures[rs] = n_exp
    return VillageDraws(out_reached, out_aware, out_w, out_m, out_ch, out_freq, exposures)


@dataclass(frozen=True)
class SimulationResult:
    """A :class:`~outreach.model.Reach` plus what it has no field for.

    ``frequency`` maps the number of channel exposures (0..9, and 10 for
    ">= 10") to mean households; exposures are door contacts, loudspeaker
    passes heard, forums attended, banners noticed (counted once) and a
    leaflet received; ``usd_per_reached``/``usd_per_aware`` divide
    the plan's budget (``allocation.planned_usd``; None when it is 0) by mean
    households reached and newly aware (aware at the end minus the expected
    baseline-aware households).
    """

    reach: Reach
    frequency: Mapping[int, float]
    usd_per_reached: float | None
    usd_per_aware: float | None
    newly_aware: Band


_WORK: dict[str, Any] = {}


def _run_villages(vs: Sequence[int]) -> tuple[np.ndarray, ...]:
    ex, R, seed, chunk = _WORK["ex"], _WORK["R"], _WORK["seed"], _WORK["chunk"]
    nv = len(ex.villages)
    reached, aware, women, men = (np.zeros(R) for _ in range(4))
    ch = np.zeros((len(CHANNELS) + 1, R))
    freq = np.zeros((R, FREQ_BINS))
    by_v = np.zeros((2, nv))
    for v in vs:
        d = _simulate_village(ex, v, R, seed, chunk)
        reached += d.reached
        aware += d.aware
        women += d.women
        men += d.men
        ch += d.channel
        freq += d.freq
        by_v[0, v] = d.reached.mean()
        by_v[1, v] = d.aware.mean()
    return reached, aware, women, men, ch, freq, by_v


def _balanced_groups(sizes: np.ndarray, n: int) -> list[list[int]]:
    """Contiguous village groups of similar household counts."""
    cum = np.cumsum(sizes)
    cuts = np.searchsorted(cum, np.linspace(0, cum[-1], n + 1)[1:-1])
    return [g.tolist() for g in np.split(np.arange(len(sizes)), cuts) if g.size]


def _band(x: np.ndarray) -> Band:
    return Band(float(x.mean()), float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95)))


def simulate_detailed(
    campaign: Campaign,
    plan: Plan,
    *,
    replications: int | None = None,
    seed: int | None = None,
    households: Households | None = None,
    priorities: Priorities | None = None,
    chunk_households: int = 1 << 20,
    workers: int = 1,
) -> SimulationResult:
    """Monte Carlo reach with the exposure-frequency distribution and costs.

    Parameters are those of :func:`simulate`; ``workers > 1`` forks that many
    processes over groups of villages (results are identical to one worker).

    Returns
    -------
    SimulationResult
    """
    R = int(replications if replications is not None else campaign.params["simulation.replications"])
    if R < 1:
        raise ValueError("replications must be at least 1")
    seed = int(campaign.seed if seed is None else seed)
    hh = households if households is not None else synthesize_households(campaign.geography, campaign.params, seed=seed)
    ex = plan_exposures(campaign, plan, hh, priorities=priorities, workers=workers)
    _WORK.update(ex=ex, R=R, seed=seed, chunk=int(chunk_households))
    nv = len(ex.villages)
    sizes = hh.count_by_village().astype(float) + 1.0
    try:
        if workers > 1 and nv > 1:
            groups = _balanced_groups(sizes, 8 * workers)
            with mp.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_run_villages, groups)
        else:
            parts = [_run_villages(range(nv))]
    finally:
        _WORK.clear()
    reached, aware, women, men, ch, freq, by_v = (sum(p[i] for p in parts) for i in range(7))
    base = float(np.sum(ex.counts["households"] * ex.counts["baseline_awareness"]))
    codes = hh.village_codes
    by_s: dict[str, float] = {}
    for s, val in zip(ex.sangkat_of_village, by_v[0]):
        by_s[s] = by_s.get(s, 0.0) + float(val)
    reach = Reach(
        households_reached=_band(reached),
        households_aware=_band(aware),
        women_reached=_band(women),
        men_reached=_band(men),
        reached_by_sangkat=by_s,
        reached_by_village=dict(zip(codes, by_v[0].tolist())),
        aware_by_village=dict(zip(codes, by_v[1].tolist())),
        by_channel={c: float(ch[i].mean()) for i, c in enumerate(CHANNELS + ("word_of_mouth",))},
        replications=R,
        seed=seed,
        method="monte-carlo",
    )
    usd = plan.allocation.planned_usd
    newly = aware - base  # expected baseline removed: a per-replication estimate of new awareness
    return SimulationResult(
        reach=reach,
        frequency={i: float(v) for i, v in enumerate(freq.mean(axis=0))},
        usd_per_reached=usd / reach.households_reached.mean if usd > 0 and reach.households_reached.mean > 0 else None,
        usd_per_aware=usd / newly.mean() if usd > 0 and newly.mean() > 0 else None,
        newly_aware=_band(newly),
    )


def simulate(
    campaign: Campaign,
    plan: Plan,
    *,
    replications: int | None = None,
    seed: int | None = None,
    households: Households | None = None,
    priorities: Priorities | None = None,
    chunk_households: int = 1 << 20,
    workers: int = 1,
) -> Reach:
    """Monte Carlo households reached and aware for a plan.

    Parameters
    ----------
    campaign : Campaign
        Area, calendar, parameters and seed.
    plan : Plan
        The plan to evaluate.
    replications : int, optional
        Default ``simulation.replications``.
    seed : int, optional
        Default ``campaign.seed``. With the same seed, households and
        replications the result is identical; different plans share random
        numbers (see the module docstring).
    households : Households, optional
        Default :func:`~outreach.households.synthesize_households` with the same seed.
    priorities : Priorities, optional
        Baseline awareness per village (``priorities.awareness(code)``);
        default ``awareness.baseline``.
    chunk_households : int
        Most household-replications held in one block: the memory bound
        (about 30 bytes each at peak, plus 4 per occasion of the village).
    workers : int
        Processes over village groups (fork; 1 = in process).

    Returns
    -------
    Reach
        Households reached (>= 1 channel exposure) and aware at the
        campaign end (baseline-aware + newly aware) as mean and 5/95 %
        bands over replications; persons in reached households by sex;
        means by sangkat, village and channel; ``method="monte-carlo"``.
    """
    return simulate_detailed(
        campaign,
        plan,
        replications=replications,
        seed=seed,
        households=households,
        priorities=priorities,
        chunk_households=chunk_households,
        workers=workers,
    ).reach


def exposure_counts(
    campaign: Campaign,
    plan: Plan,
    *,
    replications: int,
    seed: int | None = None,
    households: Households | None = None,
    priorities: Priorities | None = None,
) -> NDArray[np.int16]:
    """Channel exposures per household and replication (diagnostics, CRN tests).

    Parameters
    ----------
    campaign, plan, seed, households, priorities
        As for :func:`simulate`.
    replications : int
        Replications to draw.

    Returns
    -------
    ndarray of int16, shape (replications, households)
        Door contacts + loudspeaker passes heard + forums attended + banner
        noticed + leaflet received, in ``households`` order.
    """
    seed = int(campaign.seed if seed is None else seed)
    hh = households if households is not None else synthesize_households(campaign.geography, campaign.params, seed=seed)
    ex = plan_exposures(campaign, plan, hh, priorities=priorities)
    parts = [_simulate_village(ex, v, replications, seed, 1 << 20, keep_exposures=True).exposures for v in range(len(ex.villages))]
    return np.concatenate(parts, axis=1)


# --------------------------------------------------------------------------- closed form
def expected_reach(
    campaign: Campaign,
    plan: Plan,
    priorities: Priorities | None = None,
    *,
    households: Households | None = None,
    seed: int | None = None,
) -> Reach:
    """Closed-form expected reach of a plan from :mod:`outreach.response`.

    Uses the same plan-to-household mapping (:func:`plan_exposures`) and
    households as :func:`simulate` (default: synthesised with ``seed``, default
    ``campaign.seed``) and agrees with its mean within Monte Carlo error, with
    three approximations: callbacks select never-contacted households with
    probability ``min(1, n / E[never contacted])`` (the simulator takes the
    first ``n`` in walking order); a door visit and a loudspeaker pass in
    the same village, date and slot are treated as independent occasions
    (the simulator shares the at-home state, so its reach is slightly lower
    there: about 0.1 % in the national benchmark plan); word of mouth uses
    expected, not realised, counts.

    Parameters
    ----------
    campaign : Campaign
        Area, calendar and parameters.
    plan : Plan
        The plan to evaluate.
    priorities : Priorities, optional
        Baseline awareness per village; default ``awareness.baseline``.
    households : Households, optional
        Default :func:`~outreach.households.synthesize_households`.
    seed : int, optional
        Seed for the synthetic households; default ``campaign.seed``.

    Returns
    -------
    Reach
        Expected values; Bands carry ``mean = p05 = p95``;
        ``replications=0``, ``method="closed-form"``.
    """
    params = campaign.params
    seed = int(campaign.seed if seed is None else seed)
    hh = households if households is not None else synthesize_households(campaign.geography, campaign.params, seed=seed)
    ex = plan_exposures(campaign, plan, hh, priorities=priorities)
    k = int(params["awareness.effective_frequency_k"])
    r_mid = float(retention(3.5 * ex.weeks, params))
    tot = dict(reached=0.0, aware=0.0, women=0.0, men=0.0)
    ch = {c: 0.0 for c in CHANNELS + ("word_of_mouth",)}
    by_v_r, by_v_a = {}, {}
    for v, ve in enumerate(ex.villages):
        code = hh.village_codes[v]
        h = int(hh.offsets[v + 1] - hh.offsets[v])
        if h == 0:
            by_v_r[code] = by_v_a[code] = 0.0
            continue
        sl = slice(hh.offsets[v], hh.offsets[v + 1])
        a, b = float(hh.at_home_a[sl][0]), float(hh.at_home_b[sl][0])
        door: list[DoorEvent] = []
        for d in ve.door:
            if d.callback:
                prior = direct_response((h,), a=a, b=b, k=k, door=door) if door else None
                never = h - (float(prior.by_channel["door"].sum()) if prior else 0.0)
                visit = min(1.0, d.n / never) if never > 0 else 0.0
            else:
                visit = np.zeros(h)
                visit[(d.start + np.arange(d.n)) % h] = 1.0
            door.append(DoorEvent(d.x, visit, params["awareness.p_door"] * d.r, callback=d.callback))
        home: list[HomeEvent] = []
        for e in ve.loudspeaker:
            gate = np.zeros(h)
            gate[e.local] = 1.0
            x = np.ones(h)
            x[e.local] = e.x
            home.append(HomeEvent("loudspeaker", x, gate, params["awareness.p_loudspeaker"] * e.r))
        if ve.forums and ve.forum_x is not None:
            home += [HomeEvent("forum", ve.forum_x, 1.0, params["awareness.p_forum"] * r_mid)] * ve.forums
        dr = direct_response(
            (h,),
            a=a,
            b=b,
            k=k,
            door=door,
            home=home,
            banner=(ve.banner_t, ve.banner_e),
            leaflet=(ve.leaflet, params["awareness.p_leaflet"] * r_mid),
        )
        b0 = ve.baseline
        eng = (1 - b0) * float(dr.aware_engaged.sum())
        inf = (1 - b0) * float(dr.aware.sum()) - eng
        pw = float(word_of_mouth(h, eng, inf, params))
        aware = final_awareness(b0, dr.aware, pw)
        tot["reached"] += float(dr.reached.sum())
        tot["aware"] += float(aware.sum())
        tot["women"] += float(dr.reached @ hh.women[sl])
        tot["men"] += float(dr.reached @ hh.men[sl])
        for c in CHANNELS:
            ch[c] += float(dr.by_channel[c].sum())
        ch["word_of_mouth"] += float(((1 - b0) * (1 - dr.aware) * pw).sum())
        by_v_r[code] = float(dr.reached.sum())
        by_v_a[code] = float(aware.sum())
    by_s: dict[str, float] = {}
    for s, code in zip(ex.sangkat_of_village, hh.village_codes):
        by_s[s] = by_s.get(s, 0.0) + by_v_r[code]
    band = lambda x: Band(x, x, x)  # noqa: E731
    return Reach(
        households_reached=band(tot["reached"]),
        households_aware=band(tot["aware"]),
        women_reached=band(tot["women"]),
        men_reached=band(tot["men"]),
        reached_by_sangkat=by_s,
        reached_by_village=by_v_r,
        aware_by_village=by_v_a,
        by_channel=ch,
        replications=0,
        seed=seed,
        method="closed-form",
    )
