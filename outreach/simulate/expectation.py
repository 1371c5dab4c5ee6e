"""Closed-form expected reach of a plan: the model of :mod:`outreach.response` on the plan's exposures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

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


@dataclass(frozen=True)
class _Expected:
    """Expected households of one village; ``by_channel`` includes ``word_of_mouth``."""

    reached: float
    aware: float
    women: float
    men: float
    by_channel: Mapping[str, float]


_NONE = _Expected(0.0, 0.0, 0.0, 0.0, MappingProxyType(dict.fromkeys(CHANNELS + MEDIA + ("word_of_mouth",), 0.0)))


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
    )
    dr = direct_response((h,), events, a=a, b=b, k=k)
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
                     float(reached @ hh.men[sl]), by_channel)


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
    )
