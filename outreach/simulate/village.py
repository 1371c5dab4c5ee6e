"""One village drawn over all replications, block by block of replications.

The loop runs over the village's occasions and blocks of replications,
never over households: every plane has shape (replications of the block,
households of the village). A block holds at most ``chunk`` household-replications,
so memory stays bounded whatever the village.

* At-home propensity: ``pi`` is one of 4,096 equiprobable quantile atoms
  of the Beta law (a table lookup instead of a Beta variate); the closed
  form integrates the exact Beta law, a difference far below Monte Carlo error.
* Occasions: someone is at home on a (village, date, slot) with probability
  ``1 - (1 - pi)^x``; one uniform per household and occasion decides it
  for every channel active then (door visit and loudspeaker pass in the
  same slot share it); the same uniform decides whether a door visit
  leaves an effective memory (``u < A p r`` within ``u < A``), and a
  loudspeaker pass heard draws its memory apart, so that a door visit and a
  pass in one slot leave independent memories.
* Banners: the readers' Poisson noticed passes, nested thresholds on one
  uniform (scaled by the readers' share); leaflets, when the plan prints any,
  at the first door contact or left at a door where nobody answered (one
  uniform per visit for leaving it) and at each forum attended: one uniform
  per household for the door's memory and one per forum for the forum's,
  apart from the contact's; word of mouth: one per household, against the village's
  realised count of newly aware households.
* Who and what came first (new quantities, drawn from their own streams so
  every figure above stays the same draw for draw): persons met and
  informed by sex (:mod:`.people`: the person met at the door by the
  at-home-by-sex model at the slot of the first contact, the adults at
  home hearing a loudspeaker pass, one person per forum attendance with
  ``forum.women_share``); the channel of the exposure that made a household
  aware (its ``k``-th effective exposure in time, see :class:`_Firsts`).
* District-wide channels (social media, radio, partner NGOs): one uniform per
  household and channel, its own stream; exposed below the channel's
  exposure probability, made aware below its (smaller) awareness
  probability. Their awareness does not feed word of mouth. A household they
  made aware is credited to the first of them (``MEDIA`` order) unless a
  village channel's exposure made it aware (their exposures are not dated
  to a slot), and word of mouth only where none of them did.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from ..athome import slot_kind
from ..households import code_key
from ..media import MEDIA, MediaResponse
from ..response import CHANNELS, mid_campaign_retention, retention, word_of_mouth
from .exposures import DoorVisit, PlanExposures, VillageExposure
from .people import MET_KEYS, People, SexModel, member_thresholds
from .streams import (
    TAG_BANNER,
    TAG_BANNER_TIME,
    TAG_DOOR_SEX,
    TAG_FORUM,
    TAG_FORUM_PERSON,
    TAG_INFORMED_SEX,
    TAG_LEAFLET,
    TAG_LEAFLET_LEFT,
    TAG_LOUDSPEAKER_MEMORY,
    TAG_LOUDSPEAKER_SEX,
    TAG_MEDIA,
    TAG_OCCASION,
    TAG_PROPENSITY,
    TAG_WOM,
    Streams,
    at_home_tables,
)

FREQ_BINS = 11  # exposure frequency 0..9 and ">= 10"
#: How a household became aware, rows of ``VillageDraws.first``: the channel of the exposure that made it
#: aware (``CHANNELS`` order, also the tie order within one slot), word of mouth, aware before the campaign.
FIRST_KEYS: tuple[str, ...] = CHANNELS + MEDIA + ("word_of_mouth", "baseline")
_Plane = NDArray[np.bool_]
_NEVER = np.iinfo(np.int32).max  # time key of an effective exposure that did not happen
_MAX_PASSES = 1000  # a bound on the loop only: the Poisson tail falls below 2^-24 long before


@dataclass(frozen=True)
class VillageDraws:
    """Per-replication sums for one village (arrays of length ``replications``)."""

    reached: NDArray[np.float64]
    aware: NDArray[np.float64]
    women: NDArray[np.float64]
    men: NDArray[np.float64]
    channel: NDArray[np.float64]  # (len(CHANNELS) + 1, R): channels then word of mouth
    freq: NDArray[np.float64]  # (R, FREQ_BINS)
    met: NDArray[np.float64]  # (len(MET_KEYS), R): persons met by channel and sex (see .people)
    informed: NDArray[np.float64]  # (2, R): women, men informed (one per household made aware by the campaign)
    first: NDArray[np.float64]  # (len(FIRST_KEYS), R): aware households by how they became aware
    media: NDArray[np.float64]  # (len(MEDIA), R): households exposed to each district-wide channel

    @classmethod
    def zeros(cls, replications: int) -> VillageDraws:
        r = replications
        return cls(np.zeros(r), np.zeros(r), np.zeros(r), np.zeros(r), np.zeros((len(CHANNELS) + 1, r)),
                   np.zeros((r, FREQ_BINS)), np.zeros((len(MET_KEYS), r)), np.zeros((2, r)),
                   np.zeros((len(FIRST_KEYS), r)), np.zeros((len(MEDIA), r)))

    def __add__(self, other: VillageDraws) -> VillageDraws:
        return VillageDraws(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


# --------------------------------------------------------------------------- time keys of effective exposures
def time_key(date: int, slot: int, channel: str) -> int:
    """Order of an exposure in time: ``(date ordinal, slot)``, ties by the channel's place in ``CHANNELS``."""
    return (date * 3 + slot) * 8 + CHANNELS.index(channel)


def _moment(end: int, days_before_end: float) -> tuple[int, int]:
    """``(date ordinal, slot)`` of the moment ``days_before_end`` days before the evaluation date ``end``."""
    t = end - days_before_end
    date = int(np.floor(t))
    hour = 24.0 * (t - date)
    return date, 0 if hour < 12 else 1 if hour < 17 else 2


class _Firsts:
    """The ``k`` earliest effective-exposure time keys of every household-replication, sorted.

    ``keys[k - 1]`` is the exposure that made a directly aware household
    aware (awareness is ``k`` effective exposures, whatever their order);
    it is ``_NEVER`` while a household has fewer than ``k``.
    """

    def __init__(self, k: int, shape: tuple[int, int]) -> None:
        self.keys = np.full((k, *shape), _NEVER, np.int32)

    def add(self, key: int, eff: _Plane, loc: NDArray[np.int64] | None = None) -> None:
        """Insert ``key`` where ``eff`` (columns ``loc`` of the plane; all without)."""
        if len(self.keys) == 1 and loc is None:  # the usual k = 1: a masked minimum in place
            k0 = self.keys[0]
            k0[eff & (k0 > key)] = key
            return
        rows, cols = np.nonzero(eff)
        self.add_at(rows, cols if loc is None else loc[cols], np.full(rows.size, key, np.int32))

    def add_at(self, rows: NDArray[np.intp], cols: NDArray[np.intp], key: NDArray[np.int32]) -> None:
        """Insert ``key[i]`` at household-replication ``(rows[i], cols[i])``."""
        keys = self.keys[:, rows, cols]
        t = key
        for j in range(len(keys)):  # insertion: keep the smaller, carry the larger down
            lo = np.minimum(keys[j], t)
            if j + 1 < len(keys):
                t = np.maximum(keys[j], t)
            keys[j] = lo
        self.keys[:, rows, cols] = keys


# --------------------------------------------------------------------------- one village, one block of replications
@dataclass(frozen=True)
class _Village:
    """What stays fixed over the replication blocks of one village."""

    ve: VillageExposure
    h: int
    women: NDArray[np.float32]
    men: NDArray[np.float32]
    pi_tab: NDArray[np.float32]
    L_tab: NDArray[np.float32]
    k: int
    r_mid: float
    params: Mapping[str, float]
    streams: Streams
    occasions: tuple[tuple[int, int], ...]  # (date ordinal, slot) of every door visit and loudspeaker pass
    round_sel: tuple[_Plane | None, ...]  # per door visit: households of a round (None: all, or a callback)
    mid: tuple[int, int]  # (date ordinal, slot) of forums (and their leaflets): mid-campaign
    banner_cdf: NDArray[np.float64]  # cumulative share of effective banner passes by campaign week
    banner_keys: NDArray[np.int32]  # time key of a banner pass in each week (its middle)
    sex: SexModel
    member_thr: NDArray[np.uint32]  # per household: a member drawn at random is a woman below this
    media: MediaResponse  # district-wide channels' probabilities per household


def _village(ex: PlanExposures, v: int, seed: int) -> _Village | None:
    """Village ``v`` ready to draw; None when it has no households."""
    hh = ex.households
    h = int(hh.offsets[v + 1] - hh.offsets[v])
    if h == 0:
        return None
    ve = ex.villages[v]
    sl = slice(hh.offsets[v], hh.offsets[v + 1])
    pi_tab, L_tab = at_home_tables(float(hh.at_home_a[sl][0]), float(hh.at_home_b[sl][0]))
    occasions = sorted({(d.date, d.slot) for d in ve.door}
                       | {(e.date, int(s)) for e in ve.loudspeaker for s in np.unique(e.slot)})
    round_sel: list[_Plane | None] = []
    for d in ve.door:
        if d.callback:
            round_sel.append(None)  # chosen per replication
        else:
            m = np.zeros(h, bool)
            m[(d.start + np.arange(d.n)) % h] = True
            round_sel.append(None if d.n >= h else m)
    # banner passes: the same number every week, each week at its middle, kept with the week's retention
    end, weeks = ex.end.toordinal(), max(ex.weeks, 1)
    days = 7.0 * (weeks - np.arange(weeks)) - 3.5
    cdf = np.cumsum(retention(days, ex.params))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return _Village(
        ve=ve, h=h, women=hh.women[sl].astype(np.float32), men=hh.men[sl].astype(np.float32),
        pi_tab=pi_tab, L_tab=L_tab, k=int(ex.params["awareness.effective_frequency_k"]),
        r_mid=mid_campaign_retention(ex.weeks, ex.params), params=ex.params,
        streams=Streams(seed, code_key(hh.village_codes[v]), h), occasions=tuple(occasions),
        round_sel=tuple(round_sel), mid=_moment(end, 3.5 * ex.weeks), banner_cdf=cdf,
        banner_keys=np.array([time_key(*_moment(end, d), "banner") for d in days], np.int32),
        sex=SexModel.of(ex.params), member_thr=member_thresholds(hh.women[sl], hh.men[sl]),
        media=ex.media,
    )


def _threshold(p: float) -> np.uint32:
    """A raw 32-bit draw is below this with probability ``p`` (to 2^-32)."""
    return np.uint32(min(round(p * 2**32), 2**32 - 1))


class _AtHome:
    """P(someone at home) per household-replication of a block for an exponent (table lookup per atom)."""

    def __init__(self, vil: _Village, idx: NDArray[np.uint16]) -> None:
        self.vil = vil
        self.idx = idx
        self.cache: dict[float, NDArray[np.float32]] = {}

    def __call__(self, x: float) -> NDArray[np.float32]:
        if x not in self.cache:
            tab = self.vil.pi_tab if x == 1.0 else (-np.expm1(np.float64(x) * self.vil.L_tab)).astype(np.float32)
            self.cache[x] = tab[self.idx]
        return self.cache[x]

    def per_household(self, x: NDArray[np.float64], loc: NDArray[np.int64] | slice) -> NDArray[np.float32]:
        """For exponents that vary by household (listed by ``loc``)."""
        return -np.expm1(x.astype(np.float32) * self.vil.L_tab[self.idx[:, loc]])


@dataclass
class _Tally:
    """Exposures, effective exposures and engagement per household-replication, channel after channel."""

    n_exp: NDArray[np.int16]
    n_eff: NDArray[np.int8]
    eng: _Plane
    first: _Firsts
    people: People

    def add(self, hit: _Plane, eff: _Plane, key: int) -> None:
        """An engaging exposure (door, forum) at time ``key``: counts and engagement."""
        self.n_exp += hit
        self.n_eff += eff
        self.eng |= eff
        self.first.add(key, eff)

    def add_informed(self, hit: _Plane, eff: _Plane, key: int) -> None:
        """An exposure that does not engage (a leaflet found at the door): counts only."""
        self.n_exp += hit
        self.n_eff += eff
        self.first.add(key, eff)


def _door(vil: _Village, occ: dict[tuple[int, int], NDArray[np.float32]], at_home: _AtHome,
          tally: _Tally) -> tuple[_Plane, _Plane]:
    """Door visits in date order; returns households ever contacted and those given a leaflet at the door.

    With leaflets, one per household: handed over at its first contact, or left where nobody answered a visit
    (``leaflet.left_when_absent``) before any contact; the one memory draw ``u_leaf`` serves either.
    """
    ever = np.zeros(tally.eng.shape, bool)
    first_kind = np.full(tally.eng.shape, -1, np.int8)  # kind of occasion of the first contact
    hand = vil.ve.leaflet > 0 and bool(vil.ve.door)
    u_leaf = vil.streams.uniform(tally.eng.shape[0], TAG_LEAFLET, 0) if hand else None
    got = np.zeros(tally.eng.shape, bool)  # holds a leaflet from the door
    for i, (d, sel) in enumerate(zip(vil.ve.door, vil.round_sel)):
        u = occ[(d.date, d.slot)]
        A = at_home(d.x)
        if d.callback:  # first n never-contacted households
            cand = ~ever
            sel = cand if d.n >= vil.h else cand & (np.cumsum(cand, axis=1, dtype=np.int32) <= d.n)
        contact = u < A
        eff = u < A * np.float32(vil.params["awareness.p_door"] * d.r)
        if sel is not None:  # None: the whole village is visited
            contact &= sel
            eff &= sel
        tally.add(contact, eff, time_key(d.date, d.slot, "door"))
        first = contact & ~ever
        first_kind[first] = slot_kind(d.date, d.slot)
        if u_leaf is not None:
            _door_leaflets(vil, (i, d), (sel, contact, ever, got), u_leaf, tally)
        ever |= contact
    if vil.ve.door:  # the person met: one per household met, at its first contact
        tally.people.door(ever, first_kind, vil.streams.raw(tally.eng.shape[0], TAG_DOOR_SEX))
    return ever, got


def _door_leaflets(vil: _Village, visit: tuple[int, DoorVisit], planes: tuple[_Plane | None, _Plane, _Plane, _Plane],
                   u_leaf: NDArray[np.float32], tally: _Tally) -> None:
    """Leaflets of one door visit: handed over at a first contact (engaged, its memory apart from the visit's)
    to a household without one, or left where nobody answered (informed); ``got`` is updated in place."""
    i, d = visit
    sel, contact, ever, got = planes
    mem = u_leaf < np.float32(vil.params["awareness.p_leaflet"] * d.r)
    key = time_key(d.date, d.slot, "leaflet")
    handed = contact & ~ever & ~got
    tally.add(handed, handed & mem, key)
    got |= handed
    p_left = vil.params["leaflet.left_when_absent"]
    if p_left > 0:
        absent = ~contact & ~ever & ~got
        if sel is not None:
            absent &= sel
        left = absent & (vil.streams.uniform(tally.eng.shape[0], TAG_LEAFLET_LEFT, i) < np.float32(p_left))
        tally.add_informed(left, left & mem, key)
        got |= left


def _loudspeaker(
    vil: _Village, occ: dict[tuple[int, int], NDArray[np.float32]], at_home: _AtHome, tally: _Tally
) -> _Plane | None:
    """Loudspeaker passes heard (None without any pass in the village)."""
    if not vil.ve.loudspeaker:
        return None
    ls = np.zeros(tally.eng.shape, bool)
    for e in vil.ve.loudspeaker:
        for s in np.unique(e.slot):
            m = e.slot == s
            loc = e.local[m]
            u = occ[(e.date, int(s))][:, loc]
            xs = np.unique(e.x[m])
            A = at_home(float(xs[0]))[:, loc] if xs.size == 1 else at_home.per_household(e.x[m], loc)
            hit = u < A
            tally.n_exp[:, loc] += hit
            # The memory gets its own draw: reading it off ``u`` (as the door does) would nest the two
            # memories when a door visit shares the occasion, where the model has them independent.
            mem = vil.streams.uniform(u.shape[0], TAG_LOUDSPEAKER_MEMORY, e.date, int(s))[:, loc]
            eff = hit & (mem < np.float32(vil.params["awareness.p_loudspeaker"] * e.r))
            tally.n_eff[:, loc] += eff
            tally.first.add(time_key(e.date, int(s), "loudspeaker"), eff, loc)
            sex = vil.streams.uniform(u.shape[0], TAG_LOUDSPEAKER_SEX, e.date, int(s))[:, loc]
            tally.people.loudspeaker(hit, eff, loc, sex, (e.date, int(s)))
            ls[:, loc] |= hit
    tally.people.finish()
    return ls


def _forums(vil: _Village, rb: int, at_home: _AtHome, tally: _Tally) -> _Plane | None:
    """Forums attended (None without a forum)."""
    ve = vil.ve
    if not ve.forums or ve.forum_x is None:
        return None
    fo = np.zeros(tally.eng.shape, bool)
    A = at_home.per_household(ve.forum_x, slice(None))
    key = time_key(*vil.mid, "forum")
    share = _threshold(vil.params["forum.women_share"])
    p_leaf = np.float32(vil.params["awareness.p_leaflet"] * vil.r_mid)
    for f in range(ve.forums):
        u = vil.streams.uniform(rb, TAG_FORUM, f)
        hit = u < A
        tally.add(hit, u < A * np.float32(vil.params["awareness.p_forum"] * vil.r_mid), key)
        tally.people.forum(hit, vil.streams.raw(rb, TAG_FORUM_PERSON, f) < share)
        if ve.leaflet > 0:  # a leaflet to every household attending, its memory apart from the forum's
            tally.add(hit, hit & (vil.streams.uniform(rb, TAG_LEAFLET, 1 + f) < p_leaf), time_key(*vil.mid, "leaflet"))
        fo |= hit
    return fo


def _banner(vil: _Village, rb: int, tally: _Tally) -> _Plane | None:
    """Banner noticed: Poisson noticed passes, nested thresholds on one uniform (None without banners).

    Readers (share ``c``) are the households with ``u < c``; ``u / c`` is then uniform, so every threshold of
    a reader's Poisson law (means ``lambda / c``) is scaled by ``c`` and non-readers fall above them all.
    """
    if not vil.ve.banner_t > 0:
        return None
    c = float(vil.params["banner.reader_share"])
    u = vil.streams.uniform(rb, TAG_BANNER)
    bn = u < np.float32(c * -np.expm1(-vil.ve.banner_t / c))
    tally.n_exp += bn
    lam = vil.ve.banner_e / c
    n = np.zeros(u.shape, np.int16)  # effective passes: the Poisson inversion of u / c
    cdf, pmf = 0.0, np.exp(-lam)
    for j in range(vil.k):  # effective count >= j+1  <=>  u < c (1 - F(j))
        cdf += pmf
        eff = u < np.float32(c * (1.0 - cdf))
        tally.n_eff += eff
        n += eff
        pmf *= lam / (j + 1)
    rows, cols = np.nonzero(eff)  # passes beyond k: counted only where there are k already (few households)
    us, n_k = u[rows, cols], n[rows, cols]
    for j in range(vil.k, _MAX_PASSES):
        cdf += pmf
        if c * (1.0 - cdf) < 2.0**-24:  # no uniform of the 2^-24 grid but 0 is below: stop
            break
        n_k += us < np.float32(c * (1.0 - cdf))
        pmf *= lam / (j + 1)
    n[rows, cols] = n_k
    _banner_times(vil, rb, tally, n, (rows, cols))
    return bn


def _banner_times(
    vil: _Village, rb: int, tally: _Tally, n: NDArray[np.int16], at_k: tuple[NDArray[np.intp], NDArray[np.intp]]
) -> None:
    """The ``k`` earliest of a household's ``n`` effective banner passes, into ``tally.first``.

    Given their number, the passes are independent and fall in week ``w``
    with probability proportional to its retention (``banner_cdf``); the
    ``j``-th earliest is the ``j``-th uniform order statistic of ``n`` mapped
    through that law, drawn one after the other
    (``U(j) = U(j-1) + (1 - U(j-1)) (1 - (1 - V)^(1 / (n - j)))``).
    ``at_k``: the households with ``n >= k``.
    """
    prev = np.zeros(n.shape, np.float64)
    last = len(vil.banner_keys) - 1
    for j in range(vil.k):  # always drawn: a plane's rows must not depend on the blocking
        raw = vil.streams.raw(rb, TAG_BANNER_TIME, j)
        rows, cols = at_k if j == vil.k - 1 else np.nonzero(n > j)  # few households: only theirs are computed
        v = np.right_shift(raw[rows, cols], np.uint32(8)) * 2.0**-24  # as Streams.uniform
        p = prev[rows, cols]
        p += (1.0 - p) * -np.expm1(np.log1p(-v) / (n[rows, cols] - j))
        prev[rows, cols] = p
        week = np.minimum(np.searchsorted(vil.banner_cdf, p, side="right"), last)
        tally.first.add_at(rows, cols, vil.banner_keys[week])


def _leaflet(vil: _Village, door: _Plane, forum: _Plane | None) -> _Plane | None:
    """Households given a leaflet: at the door (met, or left there) or at a forum (None without leaflets or
    contacts)."""
    if not vil.ve.leaflet > 0 or not (vil.ve.door or forum is not None):
        return None
    return door | forum if forum is not None else door


def _word_of_mouth(vil: _Village, rb: int, tally: _Tally, base: _Plane) -> tuple[_Plane, _Plane]:
    """``(aware, aware by word of mouth only)``: direct awareness spreads to unaware households of the village."""
    direct = tally.n_eff >= vil.k
    new = direct & ~base
    n_new = np.count_nonzero(new, axis=1)
    n_eng = np.count_nonzero(new & tally.eng, axis=1)
    p_wom = word_of_mouth(vil.h, n_eng, n_new - n_eng, vil.params).astype(np.float32)
    # integer comparison with the per-replication threshold (no float plane needed)
    threshold = np.minimum(np.round(p_wom.astype(np.float64) * 2**32), 2**32 - 1).astype(np.uint32)
    wom = vil.streams.raw(rb, TAG_WOM) < threshold[:, None]
    wom &= ~base
    wom &= ~direct
    return base | direct | wom, wom


def _media(vil: _Village, rb: int, tally: _Tally) -> tuple[tuple[_Plane | None, ...], NDArray[np.int8]]:
    """District-wide channels: exposed households per channel (None when not bought), and the first channel
    (``MEDIA`` index) that made each household aware (-1: none)."""
    first = np.full(tally.eng.shape, -1, np.int8)
    planes: list[_Plane | None] = []
    for i, c in enumerate(MEDIA):
        if not vil.media.exposed[c] > 0:
            planes.append(None)
            continue
        u = vil.streams.uniform(rb, TAG_MEDIA, i)
        hit = u < np.float32(vil.media.exposed[c])
        tally.n_exp += hit
        first[(first < 0) & (u < np.float32(vil.media.aware[c]))] = i
        planes.append(hit)
    return tuple(planes), first


@dataclass(frozen=True)
class _Block:
    """One block of replications of one village, drawn."""

    n_exp: NDArray[np.int16]  # channel exposures per household-replication
    aware: _Plane
    wom: _Plane
    by_channel: Mapping[str, _Plane | None]  # None: the channel is absent from the village
    base: _Plane  # aware before the campaign
    made_aware_by: NDArray[np.int32]  # CHANNELS index of the exposure that made the household aware (-1: none)
    met: NDArray[np.int64]  # (len(MET_KEYS), rb)
    informed: NDArray[np.int64]  # (2, rb)
    media: tuple[_Plane | None, ...] = ()  # exposed to each district-wide channel (None: not bought)
    media_first: NDArray[np.int8] | None = None  # MEDIA index of the first that made the household aware, -1


def _draw_block(vil: _Village, rb: int) -> _Block:
    """Draw ``rb`` further replications of a village (the streams continue where the last block ended)."""
    # one 32-bit draw per household-replication: the top 12 bits pick the at-home atom
    # (pi = pi_tab[idx]); the low 20 bits are the uniform for baseline awareness
    raw = vil.streams.raw(rb, TAG_PROPENSITY)
    idx = np.right_shift(raw, np.uint32(32 - 12)).astype(np.uint16)
    base = np.bitwise_and(raw, np.uint32(0xFFFFF)) < np.uint32(round(vil.ve.baseline * 2**20))
    occ = {key: vil.streams.uniform(rb, TAG_OCCASION, key[0], key[1]) for key in vil.occasions}
    at_home = _AtHome(vil, idx)
    shape = (rb, vil.h)
    tally = _Tally(np.zeros(shape, np.int16), np.zeros(shape, np.int8), np.zeros(shape, bool), _Firsts(vil.k, shape),
                   People(shape, vil.sex))
    door, door_leaflet = _door(vil, occ, at_home, tally)
    by_channel = {
        "door": door,
        "loudspeaker": _loudspeaker(vil, occ, at_home, tally),
        "forum": _forums(vil, rb, at_home, tally),
        "banner": _banner(vil, rb, tally),
    }
    by_channel["leaflet"] = _leaflet(vil, door_leaflet, by_channel["forum"])
    aware, wom = _word_of_mouth(vil, rb, tally, base)
    media, media_first = _media(vil, rb, tally)
    aware |= media_first >= 0
    last = tally.first.keys[-1]
    made_by = np.where(last == _NEVER, np.int32(-1), last & np.int32(7))
    newly = aware & ~base  # made aware by the campaign: directly, by word of mouth or a district-wide channel
    member_woman = vil.streams.raw(rb, TAG_INFORMED_SEX) < vil.member_thr
    informed = tally.people.informed(np.where(wom, np.int32(-1), made_by), newly, door, member_woman)
    return _Block(tally.n_exp, aware, wom, by_channel, base, made_by, tally.people.met, informed, media,
                  media_first)


def _blocks(vil: _Village, replications: int, chunk: int) -> Iterator[tuple[slice, _Block]]:
    """The replication blocks of a village in order, with the replication rows each fills."""
    rb_max = max(1, chunk // vil.h)
    for r0 in range(0, replications, rb_max):
        rb = min(rb_max, replications - r0)
        yield slice(r0, r0 + rb), _draw_block(vil, rb)


def _record(out: VillageDraws, rs: slice, block: _Block, vil: _Village) -> None:
    """Per-replication counts of a block into ``out`` (rows ``rs``)."""
    n_exp = block.n_exp
    reached = n_exp > 0
    present = [(ci, plane) for ci, c in enumerate(CHANNELS) if (plane := block.by_channel[c]) is not None]
    # every indicator counted in one uint8 reduction (no BLAS: its threads contend with worker processes)
    top = min(int(n_exp.max()), FREQ_BINS - 1)
    rows = [reached, block.aware, block.wom] + [plane for _, plane in present]
    rows += [n_exp == j for j in range(top)] + [n_exp >= top]
    direct = block.aware & ~block.wom & ~block.base  # newly aware by the campaign's own exposures
    rows += [direct & (block.made_aware_by == ci) for ci in range(len(CHANNELS))] + [block.base]
    M = np.add.reduce(np.stack(rows).view(np.uint8), axis=2, dtype=np.int32)
    nf = len(CHANNELS) + 1
    out.first[: len(CHANNELS), rs], out.first[-2, rs] = M[-nf:-1], M[2]
    out.first[-1, rs] = M[-1]
    out.met[:, rs], out.informed[:, rs] = block.met, block.informed
    out.reached[rs], out.aware[rs], out.channel[-1, rs] = M[0], M[1], M[2]
    out.women[rs] = np.add.reduce(np.where(reached, vil.women, np.float32(0)), axis=1)
    out.men[rs] = np.add.reduce(np.where(reached, vil.men, np.float32(0)), axis=1)
    for i, (ci, _) in enumerate(present, start=3):
        out.channel[ci, rs] = M[i]
    out.freq[rs, : top + 1] = M[3 + len(present): -nf].T
    if any(p is not None for p in block.media) and block.media_first is not None:
        _record_media(out, rs, block)


def _record_media(out: VillageDraws, rs: slice, block: _Block) -> None:
    """Exposures to the district-wide channels, the households they made aware (not made aware by a village
    channel's exposure), and word of mouth credited only where none of them did."""
    assert block.media_first is not None
    by_media = block.aware & ~block.base & (block.made_aware_by < 0)
    for i, plane in enumerate(block.media):
        if plane is not None:
            out.media[i, rs] = np.count_nonzero(plane, axis=1)
            out.first[len(CHANNELS) + i, rs] = np.count_nonzero(by_media & (block.media_first == i), axis=1)
    out.first[-2, rs] = np.count_nonzero(block.wom & (block.media_first < 0), axis=1)


def simulate_village(
    ex: PlanExposures, v: int, replications: int, seed: int, chunk: int = 1 << 20
) -> VillageDraws:
    """Draw one village over all replications.

    Parameters
    ----------
    ex : PlanExposures
        The plan mapped onto households.
    v : int
        Village index (in ``ex.households.village_codes`` order).
    replications, seed : int
        As for :func:`simulate`.
    chunk : int
        Most household-replications in one block of replications (the memory bound).

    Returns
    -------
    VillageDraws
    """
    out = VillageDraws.zeros(replications)
    vil = _village(ex, v, seed)
    if vil is not None:
        for rs, block in _blocks(vil, replications, chunk):
            _record(out, rs, block, vil)
    return out


def village_exposure_counts(ex: PlanExposures, v: int, replications: int, seed: int) -> NDArray[np.int16]:
    """Channel exposures per replication and household of village ``v``, shape (replications, households)."""
    hh = ex.households
    out = np.zeros((replications, int(hh.offsets[v + 1] - hh.offsets[v])), np.int16)
    vil = _village(ex, v, seed)
    if vil is not None:
        for rs, block in _blocks(vil, replications, 1 << 20):
            out[rs] = block.n_exp
    return out
