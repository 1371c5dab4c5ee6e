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
  same slot share it), and the same uniform decides whether the exposure
  leaves an effective memory (``u < A p r`` within ``u < A``): one draw
  per household-occasion.
* Banners: Poisson noticed passes, nested thresholds on one uniform;
  leaflets: one uniform; word of mouth: one per household, against the
  village's realised count of newly aware households.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..households import code_key
from ..response import CHANNELS, mid_campaign_retention, word_of_mouth
from .exposures import PlanExposures, VillageExposure
from .streams import (
    TAG_BANNER,
    TAG_FORUM,
    TAG_LEAFLET,
    TAG_OCCASION,
    TAG_PROPENSITY,
    TAG_WOM,
    Streams,
    at_home_tables,
)

FREQ_BINS = 11  # exposure frequency 0..9 and ">= 10"
_Plane = NDArray[np.bool_]


@dataclass(frozen=True)
class VillageDraws:
    """Per-replication sums for one village (arrays of length ``replications``)."""

    reached: NDArray[np.float64]
    aware: NDArray[np.float64]
    women: NDArray[np.float64]
    men: NDArray[np.float64]
    channel: NDArray[np.float64]  # (len(CHANNELS) + 1, R): channels then word of mouth
    freq: NDArray[np.float64]  # (R, FREQ_BINS)

    @classmethod
    def zeros(cls, replications: int) -> VillageDraws:
        r = replications
        return cls(np.zeros(r), np.zeros(r), np.zeros(r), np.zeros(r), np.zeros((len(CHANNELS) + 1, r)),
                   np.zeros((r, FREQ_BINS)))


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
    return _Village(
        ve=ve, h=h, women=hh.women[sl].astype(np.float32), men=hh.men[sl].astype(np.float32),
        pi_tab=pi_tab, L_tab=L_tab, k=int(ex.params["awareness.effective_frequency_k"]),
        r_mid=mid_campaign_retention(ex.weeks, ex.params), params=ex.params,
        streams=Streams(seed, code_key(hh.village_codes[v]), h), occasions=tuple(occasions),
        round_sel=tuple(round_sel),
    )


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

    def add(self, hit: _Plane, eff: _Plane) -> None:
        """An engaging exposure (door, forum): counts and engagement."""
        self.n_exp += hit
        self.n_eff += eff
        self.eng |= eff


def _door(vil: _Village, occ: dict[tuple[int, int], NDArray[np.float32]], at_home: _AtHome, tally: _Tally) -> _Plane:
    """Door visits in date order; returns households ever contacted."""
    ever = np.zeros(tally.eng.shape, bool)
    for d, sel in zip(vil.ve.door, vil.round_sel):
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
        tally.add(contact, eff)
        ever |= contact
    return ever


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
            tally.n_eff[:, loc] += u < A * np.float32(vil.params["awareness.p_loudspeaker"] * e.r)
            ls[:, loc] |= hit
    return ls


def _forums(vil: _Village, rb: int, at_home: _AtHome, tally: _Tally) -> _Plane | None:
    """Forums attended (None without a forum)."""
    ve = vil.ve
    if not ve.forums or ve.forum_x is None:
        return None
    fo = np.zeros(tally.eng.shape, bool)
    A = at_home.per_household(ve.forum_x, slice(None))
    for f in range(ve.forums):
        u = vil.streams.uniform(rb, TAG_FORUM, f)
        hit = u < A
        tally.add(hit, u < A * np.float32(vil.params["awareness.p_forum"] * vil.r_mid))
        fo |= hit
    return fo


def _banner(vil: _Village, rb: int, tally: _Tally) -> _Plane | None:
    """Banner noticed: Poisson noticed passes, nested thresholds on one uniform (None without banners)."""
    if not vil.ve.banner_t > 0:
        return None
    u = vil.streams.uniform(rb, TAG_BANNER)
    bn = u < np.float32(-np.expm1(-vil.ve.banner_t))
    tally.n_exp += bn
    lam = vil.ve.banner_e
    cdf, pmf = 0.0, np.exp(-lam)
    for j in range(vil.k):  # effective count >= j+1  <=>  u < 1 - F(j)
        cdf += pmf
        tally.n_eff += u < np.float32(1.0 - cdf)
        pmf *= lam / (j + 1)
    return bn


def _leaflet(vil: _Village, rb: int, tally: _Tally) -> _Plane | None:
    """Leaflet received (None without leaflets)."""
    leaflet = vil.ve.leaflet
    if not leaflet > 0:
        return None
    u = vil.streams.uniform(rb, TAG_LEAFLET)
    lf = u < np.float32(leaflet)
    tally.n_exp += lf
    tally.n_eff += u < np.float32(leaflet * vil.params["awareness.p_leaflet"] * vil.r_mid)
    return lf


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


@dataclass(frozen=True)
class _Block:
    """One block of replications of one village, drawn."""

    n_exp: NDArray[np.int16]  # channel exposures per household-replication
    aware: _Plane
    wom: _Plane
    by_channel: Mapping[str, _Plane | None]  # None: the channel is absent from the village


def _draw_block(vil: _Village, rb: int) -> _Block:
    """Draw ``rb`` further replications of a village (the streams continue where the last block ended)."""
    # one 32-bit draw per household-replication: the top 12 bits pick the at-home atom
    # (pi = pi_tab[idx]); the low 20 bits are the uniform for baseline awareness
    raw = vil.streams.raw(rb, TAG_PROPENSITY)
    idx = np.right_shift(raw, np.uint32(32 - 12)).astype(np.uint16)
    base = np.bitwise_and(raw, np.uint32(0xFFFFF)) < np.uint32(round(vil.ve.baseline * 2**20))
    occ = {key: vil.streams.uniform(rb, TAG_OCCASION, key[0], key[1]) for key in vil.occasions}
    at_home = _AtHome(vil, idx)
    tally = _Tally(np.zeros((rb, vil.h), np.int16), np.zeros((rb, vil.h), np.int8), np.zeros((rb, vil.h), bool))
    by_channel = {
        "door": _door(vil, occ, at_home, tally),
        "loudspeaker": _loudspeaker(vil, occ, at_home, tally),
        "forum": _forums(vil, rb, at_home, tally),
        "banner": _banner(vil, rb, tally),
        "leaflet": _leaflet(vil, rb, tally),
    }
    aware, wom = _word_of_mouth(vil, rb, tally, base)
    return _Block(tally.n_exp, aware, wom, by_channel)


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
    M = np.add.reduce(np.stack(rows).view(np.uint8), axis=2, dtype=np.int32)
    out.reached[rs], out.aware[rs], out.channel[-1, rs] = M[0], M[1], M[2]
    out.women[rs] = np.add.reduce(np.where(reached, vil.women, np.float32(0)), axis=1)
    out.men[rs] = np.add.reduce(np.where(reached, vil.men, np.float32(0)), axis=1)
    for i, (ci, _) in enumerate(present, start=3):
        out.channel[ci, rs] = M[i]
    out.freq[rs, : top + 1] = M[3 + len(present):].T


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
