"""Closed-form expected reach of a plan: the model of :mod:`outreach.response` on the plan's exposures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from ..athome import SLOT_KINDS, beta_nodes, home_by_sex, listeners_by_sex, mean_at_home, slot_kind, woman_answers_share
from ..households import Households
from ..media import MEDIA, with_media
from ..model import Band, Campaign, Plan, Priorities, Reach
from ..response import (
    CHANNELS,
    DoorEvent,
    Events,
    HomeEvent,
    direct_response,
    final_awareness,
    mid_campaign_retention,
    word_of_mouth,
)
from .exposures import DoorVisit, PlanExposures, VillageExposure, households_and_seed, plan_exposures
from .people import MET_KEYS


@dataclass(frozen=True)
class _Expected:
    """Expected households of one village; ``by_channel`` includes ``word_of_mouth``."""

    reached: float
    aware: float
    women: float
    men: float
    by_channel: Mapping[str, float]
    met: tuple[float, ...]  # persons met, MET_KEYS order


_NONE = _Expected(0.0, 0.0, 0.0, 0.0, MappingProxyType(dict.fromkeys(CHANNELS + MEDIA + ("word_of_mouth",), 0.0)),
                  (0.0,) * len(MET_KEYS))


def door_first_contacts(door: list[DoorEvent], h: int, a: float, b: float) -> NDArray[np.float64]:
    """Expected households first contacted at each door visit (the visit that meets their one person).

    ``E[never_(j-1) (pi) m_j(pi)]`` summed over households, with ``m_j = visit (1 - (1 - pi)^x)`` and
    ``never_j = prod_(i <= j) (1 - m_i)`` (a callback visits only never-contacted households, so it
    leaves ``never`` as a round does).
    """
    lq, w = beta_nodes(a, b)
    never = np.ones((len(w), h))
    out = np.zeros(len(door))
    for j, ev in enumerate(door):
        m = np.broadcast_to(np.asarray(ev.visit, float), (h,))[None] * -np.expm1(np.asarray(ev.x, float) * lq[:, None])
        out[j] = float(w @ (never * m).sum(axis=1))
        never = never * (1.0 - m)
    return out


def _first_by_kind(ve: VillageExposure, door: list[DoorEvent], h: int, a: float, b: float) -> NDArray[np.float64]:
    """Expected households first met at the door, by kind of occasion (``SLOT_KINDS`` order)."""
    mix = np.zeros(len(SLOT_KINDS))
    for f, d in zip(door_first_contacts(door, h, a, b), ve.door):
        mix[slot_kind(d.date, d.slot)] += f
    return mix


def _door_people(ve: VillageExposure, door: list[DoorEvent], h: int, a: float, b: float,
                 params: Mapping[str, float]) -> tuple[float, float]:
    """Expected (women, men) met at the door: first contacts by kind of occasion, times its women's share."""
    mix = _first_by_kind(ve, door, h, a, b)
    women = sum(float(f) * woman_answers_share(params, k) for k, f in enumerate(mix))
    return women, float(mix.sum()) - women


def door_slot_mix(
    campaign: Campaign,
    plan: Plan,
    *,
    households: Households | None = None,
    seed: int | None = None,
) -> dict[str, float]:
    """Expected households first met at the door, by kind of occasion (closed form).

    The ``slot_mix`` of :func:`outreach.athome.expected_women_share_at_door`: one person is met per
    household, at its first contact, so the women's share at the door is that function of this mix.

    Parameters
    ----------
    campaign, plan, households, seed
        As for :func:`expected_reach`.

    Returns
    -------
    dict
        ``{kind: households}`` for every kind of :data:`outreach.athome.SLOT_KINDS`.
    """
    hh, _ = households_and_seed(campaign, households, seed)
    ex = plan_exposures(campaign, plan, hh)
    p, k = campaign.params, int(campaign.params["awareness.effective_frequency_k"])
    mix = np.zeros(len(SLOT_KINDS))
    for v, ve in enumerate(ex.villages):
        h = int(hh.offsets[v + 1] - hh.offsets[v])
        if h and ve.door:
            a, b = float(hh.at_home_a[hh.offsets[v]]), float(hh.at_home_b[hh.offsets[v]])
            mix += _first_by_kind(ve, _door_events(ve, h, a, b, k, p["awareness.p_door"], p["awareness.p_leaflet"]),
                                  h, a, b)
    return dict(zip(SLOT_KINDS, mix.tolist()))


def _listeners(ve: VillageExposure, h: int, a: float, b: float, params: Mapping[str, float]) -> tuple[float, float]:
    """Expected distinct (women, men) hearing at least one loudspeaker pass.

    Given someone of the household is at home (the Beta law), the woman is at home with
    ``pW + pB`` and the man with ``pM + pB`` (:func:`~outreach.athome.listeners_by_sex`), independently
    from one occasion to the next given ``pi``.
    """
    if not ve.loudspeaker:
        return 0.0, 0.0
    lq, w = beta_nodes(a, b)
    parts = [listeners_by_sex(*home_by_sex(params, k)) for k in range(len(SLOT_KINDS))]
    c_woman = np.array([p[0] + p[2] for p in parts])
    c_man = np.array([p[1] + p[2] for p in parts])
    log_none = np.zeros((2, len(w), h))
    for e in ve.loudspeaker:
        kinds = np.array([slot_kind(e.date, int(s)) for s in e.slot], np.int64)
        home = -np.expm1(e.x[None, :] * lq[:, None])  # (nodes, listed households)
        log_none[0][:, e.local] += np.log1p(-c_woman[kinds] * home)
        log_none[1][:, e.local] += np.log1p(-c_man[kinds] * home)
    heard = h - np.tensordot(w, np.exp(log_none), axes=(0, 1)).sum(axis=1)
    return float(heard[0]), float(heard[1])


def _callback_share(door: list[DoorEvent], d: DoorVisit, h: int, a: float, b: float, k: int) -> float:
    """Probability a never-contacted household is called back: ``min(1, n / E[never contacted])``."""
    prior = direct_response((h,), Events(door=tuple(door)), a=a, b=b, k=k) if door else None
    never = h - (float(prior.by_channel["door"].sum()) if prior else 0.0)
    return min(1.0, d.n / never) if never > 0 else 0.0


def _door_events(ve: VillageExposure, h: int, a: float, b: float, k: int, p_door: float,
                 p_leaflet: float) -> list[DoorEvent]:
    door: list[DoorEvent] = []
    for d in ve.door:
        visit: float | NDArray[np.float64]
        if d.callback:
            visit = _callback_share(door, d, h, a, b, k)
        else:
            visit = np.zeros(h)
            visit[(d.start + np.arange(d.n)) % h] = 1.0
        door.append(DoorEvent(d.x, visit, p_door * d.r, callback=d.callback, leaflet=p_leaflet * d.r))
    return door


def _home_events(ve: VillageExposure, h: int, params: Mapping[str, float], r_mid: float) -> list[HomeEvent]:
    """Loudspeaker passes (gated on the households in reach) and forums."""
    home: list[HomeEvent] = []
    for e in ve.loudspeaker:
        gate = np.zeros(h)
        gate[e.local] = 1.0
        x = np.ones(h)
        x[e.local] = e.x
        home.append(HomeEvent("loudspeaker", x, gate, params["awareness.p_loudspeaker"] * e.r))
    if ve.forums and ve.forum_x is not None:
        home += [HomeEvent("forum", ve.forum_x, 1.0, params["awareness.p_forum"] * r_mid,
                           params["awareness.p_leaflet"] * r_mid)] * ve.forums
    return home


def _expected_village(ex: PlanExposures, v: int, k: int, r_mid: float) -> _Expected:
    hh, params, ve = ex.households, ex.params, ex.villages[v]
    h = int(hh.offsets[v + 1] - hh.offsets[v])
    if h == 0:
        return _NONE
    sl = slice(hh.offsets[v], hh.offsets[v + 1])
    a, b = float(hh.at_home_a[sl][0]), float(hh.at_home_b[sl][0])
    events = Events(
        door=_door_events(ve, h, a, b, k, params["awareness.p_door"], params["awareness.p_leaflet"]),
        home=_home_events(ve, h, params, r_mid),
        banner=(ve.banner_t, ve.banner_e),
        hand=ve.leaflet,
        readers=params["banner.reader_share"],
        left=params["leaflet.left_when_absent"],
    )
    dr = direct_response((h,), events, a=a, b=b, k=k)
    door_w, door_m = _door_people(ve, list(events.door), h, a, b, params) if ve.door else (0.0, 0.0)
    attend = ve.forums * float(mean_at_home(ve.forum_x, a, b).sum()) if ve.forums and ve.forum_x is not None else 0.0
    fw = params["forum.women_share"]
    met = (door_w, door_m, attend * fw, attend * (1 - fw)) + _listeners(ve, h, a, b, params)
    b0 = ve.baseline
    eng = (1 - b0) * float(dr.aware_engaged.sum())
    inf = (1 - b0) * float(dr.aware.sum()) - eng
    pw = float(word_of_mouth(h, eng, inf, params))
    # the district-wide channels, independent of the village's: aware b + (1 - b)(R + (1 - R) Q), reach likewise
    aware = with_media(1.0, final_awareness(b0, dr.aware, pw), ex.media.aware_any)
    reached = with_media(1.0, dr.reached, ex.media.reach)
    by_channel = {c: float(dr.by_channel[c].sum()) for c in CHANNELS}
    by_channel |= {c: h * ex.media.exposed[c] for c in MEDIA}
    by_channel["word_of_mouth"] = float(((1 - b0) * (1 - dr.aware) * pw).sum())
    return _Expected(float(reached.sum()), float(aware.sum()), float(reached @ hh.women[sl]),
                     float(reached @ hh.men[sl]), by_channel, met)


def expected_reach(
    campaign: Campaign,
    plan: Plan,
    priorities: Priorities | None = None,
    *,
    households: Households | None = None,
    seed: int | None = None,
) -> Reach:
    """Closed-form expected reach of a plan from :mod:`outreach.response`.

    Uses the same plan-to-household mapping (:func:`~outreach.simulate.plan_exposures`)
    and households as :func:`~outreach.simulate.simulate` (default: synthesised
    with ``seed``, default ``campaign.seed``) and agrees with its mean within
    Monte Carlo error, with three approximations: callbacks select
    never-contacted households with probability ``min(1, n / E[never
    contacted])`` (the simulator takes the first ``n`` in walking order); a
    door visit and a loudspeaker pass in the same village, date and slot are
    treated as independent occasions (the simulator shares the at-home state,
    so its reach is slightly lower there: about 0.1 % in the national
    benchmark plan); word of mouth uses expected, not realised, counts.

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
    hh, seed = households_and_seed(campaign, households, seed)
    ex = plan_exposures(campaign, plan, hh, priorities=priorities)
    k = int(campaign.params["awareness.effective_frequency_k"])
    r_mid = mid_campaign_retention(ex.weeks, campaign.params)
    villages = [_expected_village(ex, v, k, r_mid) for v in range(len(ex.villages))]

    def total(values: list[float]) -> Band:
        x = sum(values, 0.0)
        return Band(x, x, x)

    met = {key: total([e.met[i] for e in villages]) for i, key in enumerate(MET_KEYS)}
    by_channel: dict[str, dict[str, Band]] = {}
    for (channel, sex), band in met.items():
        by_channel.setdefault(channel, {})[sex] = band

    return Reach(
        households_reached=total([e.reached for e in villages]),
        households_aware=total([e.aware for e in villages]),
        women_reached=total([e.women for e in villages]),
        men_reached=total([e.men for e in villages]),
        reached_by_sangkat=ex.by_sangkat(e.reached for e in villages),
        reached_by_village={code: e.reached for code, e in zip(hh.village_codes, villages)},
        aware_by_village={code: e.aware for code, e in zip(hh.village_codes, villages)},
        exposure_by_channel={c: sum((e.by_channel[c] for e in villages), 0.0) for c in _NONE.by_channel},
        replications=0,
        seed=seed,
        method="closed-form",
        households_met_at_door=total([e.by_channel["door"] for e in villages]),
        people_met={sex: total([e.met[i] + e.met[i + 2] for e in villages]) for i, sex in enumerate(("women", "men"))},
        people_met_by_channel=by_channel,
    )
