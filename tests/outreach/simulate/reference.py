"""A slow, independent reference simulator of a tiny village, written from the documented model.

Why it exists: the Monte Carlo (:mod:`outreach.simulate.village`) and the closed
form (:mod:`outreach.simulate.expectation`) share their helpers
(:func:`~outreach.simulate.plan_exposures`, ``retention``, ``word_of_mouth``,
``banner_rates``, :mod:`outreach.acoustics`), so a wrong formula in a shared
helper makes both agree and passes every test. This module re-derives every
channel from the documentation (README "How it plans" 3 and 5, the docstrings
of :mod:`outreach.response` and :mod:`outreach.simulate.exposures`,
``shared/reference/simulation-parameters.md`` A-C) with plain loops,
:class:`random.Random` and :mod:`math`. It imports nothing from
``outreach.simulate``, ``outreach.response``, ``outreach.acoustics`` or
``outreach.broadcast``: it reads only plain records (campaign, plan) and
parameter values (``campaign.params``). The one product import is the map
projection (:func:`outreach.geo.to_utm`, a pyproj call, no model in it) to
read the vehicle path, which plans store in lon/lat.

The model, as documented:

* at-home propensity ``pi ~ Beta(mu c, (1 - mu) c)`` per household and
  replication; on an occasion (village, date, slot) someone is at home with
  probability ``1 - (1 - pi)^x``, ``x = 1`` on weekday mornings/afternoons,
  ``x_ew`` (``E[1 - (1 - pi)^x_ew] = m mu``) in the evening (from 17:00) or at the
  weekend; one at-home state per household and occasion;
* door rounds visit the next ``n`` households in walking order (wrapping);
  callbacks the first ``n`` never contacted; contact when at home;
* loudspeaker: a household hears a vehicle-day when it spends at least the
  message length within the intelligible radius of the broadcasting vehicle
  (chord of the circle on each moving segment, whole duration of a stop) and
  someone is at home in the slot of its exposure-weighted clock time; the
  radius is where ``L1 - 20 log10 r - alpha r / 1000 - Agr(r) - barrier -
  foliage min(r, cap)`` falls to ambient + SNR (market villages as roadside);
* forums at mid-campaign, venue the sangkat's most populous village,
  attendance target ``min(rate, participants 2^(-d/decay) / sum 2^(-d/decay))``
  met by an exponent on the at-home law;
* banners: a household reads the village's banners with probability
  ``banner.reader_share`` (drawn once); a reader notices, per week and banner,
  Poisson passes with mean ``passes_per_week p_banner_pass / reader_share``;
  each is remembered with the retention
  of mid-week;
* leaflets, when the plan prints any: one at a household's first door
  contact (its date) unless it found one before, one left at a door visit
  where nobody answered (with probability ``leaflet.left_when_absent``, to a
  household never met and without one; informed, not engaged), one at each
  forum it attends; a leaflet's memory is drawn apart from the contact's;
* an exposure on date ``t`` leaves an effective memory with probability
  ``p_c 2^(-(T - t) / (7 half_life))`` (T the campaign's last day; forums and
  their leaflets at mid-campaign, ``3.5 weeks`` days before T); aware directly
  with ``k`` effective memories;
* word of mouth: each household not aware hears with probability
  ``1 - exp(-w (N_eng + N_inf / E) / H)`` from the village's newly aware
  households (engaged: an effective door, forum or leaflet memory, the
  leaflet being handed over in person);
* baseline: aware before the campaign with probability ``awareness.baseline``;
* who is at home, by sex (README "People met and informed"): given someone
  is at home on an occasion, the household's adult woman and adult man are
  each at home with ``1 - employed x away`` (employment by sex, away share of
  weekday daytime, weekday evening or weekend), conditioned on at least one
  of them (drawn here by rejection); the person met at the door, at the
  household's first contact, is the one at home, the woman with
  ``athome.woman_opens_when_both`` when both are; every adult at home hears
  a loudspeaker pass the household hears (listeners: distinct adults).
* district-wide channels (``plan.allocation.media``): a household is a social
  media user (radio listener) for the whole campaign with probability
  ``social_media.user_share`` (``radio.listener_share``); in each of the last
  ``n`` campaign weeks a user sees the boosted post (hears the programme) with
  ``social_media.weekly_reach`` (``radio.weekly_hear``), remembered with
  ``p_c`` times the retention of that week's middle; each partner NGO meeting
  tells a household with ``min(1, ngo.households_per_meeting / H)`` (``H`` all
  the households simulated), remembered with ``p_ngo`` at mid-campaign; when
  the village chiefs are briefed, a household attends its village meeting with
  ``chief.meeting_attendance``, remembered with ``p_chief`` at mid-campaign;
  each group event meets a household with ``min(1, event.people_met / H)``,
  remembered with ``p_event`` at mid-campaign. One
  memory of them makes the household aware; they add to nobody's word of mouth.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from outreach.geo import to_utm
from outreach.model import Campaign, Plan, VehicleDay, Village

CHANNELS = ("door", "loudspeaker", "forum", "banner", "leaflet")
PEOPLE = ("door_women", "door_men", "loudspeaker_women", "loudspeaker_men")  # persons met, by sex
MEDIA = ("social_media", "radio", "partner_ngo", "village_chief", "group_event")
Point = tuple[float, float]


# --------------------------------------------------------------------------- at-home law
def log_beta(a: float, b: float) -> float:
    """``log B(a, b)``."""
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def mean_at_home(x: float, a: float, b: float) -> float:
    """``E[1 - (1 - pi)^x]`` for ``pi ~ Beta(a, b)``: ``1 - B(a, b + x) / B(a, b)``."""
    return 1.0 - math.exp(log_beta(a, b + x) - log_beta(a, b))


@lru_cache(maxsize=4096)
def exponent_for(target: float, a: float, b: float) -> float:
    """The ``x`` with ``mean_at_home(x) = target`` (bisection on ``log x``; 0 for a target of 0)."""
    if target <= 0.0:
        return 0.0
    lo, hi = math.log(1e-9), math.log(1e9)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mean_at_home(math.exp(mid), a, b) < target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def keep(days: float, params: Mapping[str, float]) -> float:
    """Share of memories still held ``days`` before the evaluation date (half-life in weeks)."""
    return 0.5 ** (max(days, 0.0) / (7.0 * params["awareness.half_life_weeks"]))


# --------------------------------------------------------------------------- acoustics
def level_db(r: float, params: Mapping[str, float], *, barrier: bool = True, foliage: bool = True) -> float:
    """Speech level at ``r`` metres (outdoor listener on the horn axis; ISO 9613-2 style terms)."""
    r = max(r, 1.0)
    hm = params["loudspeaker.ground_receiver_height_m"]
    ground = max(0.0, 4.8 - (2.0 * hm / r) * (17.0 + 300.0 / r))
    out = params["loudspeaker.speech_laeq_1m_db"] - 20.0 * math.log10(r)
    out -= params["loudspeaker.atm_absorption_db_per_km"] * r / 1000.0 + ground
    if barrier:
        out -= params["loudspeaker.house_row_barrier_db"]
    if foliage:
        out -= params["loudspeaker.foliage_db_per_m"] * min(r, params["loudspeaker.foliage_cap_m"])
    return out


def intelligible_radius(village: Village, params: Mapping[str, float]) -> float:
    """Distance where the level falls to the village's ambient noise + the intelligibility SNR."""
    setting = "roadside" if village.market else village.setting
    need = params[f"loudspeaker.ambient_{setting}_dba"] + params["loudspeaker.snr_intelligible_db"]
    lo, hi = 1.0, 20_000.0
    if level_db(lo, params) < need:
        return 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if level_db(mid, params) >= need else (lo, mid)
    return 0.5 * (lo + hi)


def heard(
    p: Point, radius: float, path: Sequence[tuple[float, float, float]], on: Sequence[bool]
) -> tuple[float, float]:
    """``(seconds within radius, exposure-weighted mean clock time)`` of a listener along a timed path."""
    secs = weighted = 0.0
    for i in range(len(path) - 1):
        (x0, y0, t0), (x1, y1, t1) = path[i], path[i + 1]
        if not on[i] or t1 <= t0:
            continue
        length = math.hypot(x1 - x0, y1 - y0)
        if length < 1e-9:  # a stop: the whole duration when within range
            if math.hypot(p[0] - x0, p[1] - y0) <= radius:
                secs += t1 - t0
                weighted += (t1 - t0) * 0.5 * (t0 + t1)
            continue
        # |a + s u - p|^2 <= R^2 for s along the segment: s in [proj - half, proj + half]
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        proj = (p[0] - x0) * ux + (p[1] - y0) * uy
        off2 = (p[0] - x0) ** 2 + (p[1] - y0) ** 2 - proj * proj
        if off2 >= radius * radius:
            continue
        half = math.sqrt(radius * radius - off2)
        s0, s1 = min(max(proj - half, 0.0), length), min(max(proj + half, 0.0), length)
        if s1 <= s0:
            continue
        dur = (s1 - s0) / length * (t1 - t0)
        secs += dur
        weighted += dur * (t0 + 0.5 * (s0 + s1) / length * (t1 - t0))
    return secs, (weighted / secs if secs > 0 else float("nan"))


# --------------------------------------------------------------------------- what the plan does to a village
def slot_of(seconds: float) -> int:
    """0 morning (before 12:00), 1 afternoon (before 17:00), 2 evening."""
    return 0 if seconds < 12 * 3600 else 1 if seconds < 17 * 3600 else 2


@dataclass
class Occasion:
    """A dated exposure opportunity that needs someone at home: door visit or loudspeaker pass."""

    date: dt.date
    slot: int
    channel: str
    eff: float  # p_c x retention
    who: tuple[int, ...] = ()  # households in range (loudspeaker) or on the round's list
    callback: int = 0  # households to call back (0: not a callback)


@dataclass
class VillagePlan:
    """One village: its households and everything the plan does there."""

    village: Village
    points: tuple[Point, ...]
    occasions: list[Occasion] = field(default_factory=list)
    forums: int = 0
    forum_target: tuple[float, ...] = ()  # wanted mean attendance per household
    banners: int = 0
    leaflet: bool = False  # contacts hand over leaflets
    media: Mapping[str, int] = field(default_factory=dict)  # district-wide channels' levels
    all_households: int = 1  # households of every village simulated (an NGO's telling spreads over them)


SLOTS = {"morning": 0, "afternoon": 1, "evening": 2}


def _door_occasions(campaign: Campaign, plan: Plan, vp: VillagePlan) -> list[Occasion]:
    """The village's door visits in date, slot order, rounds before callbacks; rounds walk on, wrapping."""
    h, code, p = len(vp.points), vp.village.code, campaign.params
    visits = sorted(
        (o.date, SLOTS[o.slot], o.kind == "callback", n)
        for o in plan.roster.outings for c, n in o.visits if c == code and n > 0
    )
    out, walked = [], 0
    for date, slot, cb, n in visits:
        eff = p["awareness.p_door"] * keep((campaign.calendar.end - date).days, p)
        if cb:
            out.append(Occasion(date, slot, "door", eff, callback=min(n, h)))
        else:
            out.append(Occasion(date, slot, "door", eff, tuple((walked + j) % h for j in range(min(n, h)))))
            walked += min(n, h)
    return out


def _loudspeaker_occasions(campaign: Campaign, day: VehicleDay, vp: VillagePlan) -> list[Occasion]:
    """One vehicle-day: households that hear a whole message, grouped by the slot of their listening."""
    p = campaign.params
    path = []
    for lon, lat, t in day.path:
        x, y = to_utm(lon, lat)
        path.append((float(x), float(y), float(t)))
    on = day.broadcast if len(day.broadcast) == len(day.path) else (True,) * len(day.path)
    radius = intelligible_radius(vp.village, p)
    by_slot: dict[int, list[int]] = {}
    for i, pt in enumerate(vp.points):
        secs, mid = heard(pt, radius, path, on)
        if secs >= p["loudspeaker.message_length_s"]:
            by_slot.setdefault(slot_of(mid), []).append(i)
    eff = p["awareness.p_loudspeaker"] * keep((campaign.calendar.end - day.date).days, p)
    return [Occasion(day.date, s, "loudspeaker", eff, tuple(who)) for s, who in sorted(by_slot.items())]


def _forum_targets(campaign: Campaign, plan: Plan, vps: Sequence[VillagePlan]) -> None:
    """Forums of each sangkat: venue the most populous village, attendance falling with distance."""
    p = campaign.params
    for s_code, nf in plan.allocation.forums_by_sangkat.items():
        members = [vp for vp in vps if vp.village.sangkat_code == s_code]
        if nf <= 0 or not members:
            continue
        venue = members[0].village
        for vp in members:  # first of the most populous (declared households)
            if vp.village.households > venue.households:
                venue = vp.village
        w = [[2.0 ** (-math.hypot(x - venue.x_m, y - venue.y_m) / 1000.0 / p["forum.attendance_decay_km"])
              for x, y in vp.points] for vp in members]
        total = sum(sum(row) for row in w)
        for vp, row in zip(members, w):
            vp.forums = nf
            vp.forum_target = tuple(min(p["forum.participation_rate"], p["forum.participants"] * wi / total)
                                    for wi in row)


def village_plans(campaign: Campaign, plan: Plan, points: Mapping[str, Sequence[Point]]) -> list[VillagePlan]:
    """Everything the plan does to each village listed in ``points`` (the households' positions)."""
    vps = [VillagePlan(v, tuple(points[v.code])) for v in campaign.geography.villages if v.code in points]
    for vp in vps:
        vp.occasions = _door_occasions(campaign, plan, vp)
        for day in plan.tours.days:
            if len(day.path) >= 2:
                vp.occasions += _loudspeaker_occasions(campaign, day, vp)
        vp.banners = int(plan.allocation.banners_by_village.get(vp.village.code, 0))
        vp.leaflet = plan.allocation.leaflets > 0
        vp.occasions.sort(key=lambda o: (o.date, o.slot, o.channel != "door", o.callback > 0))
    _forum_targets(campaign, plan, vps)
    for vp in vps:
        vp.media = dict(plan.allocation.media)
        vp.all_households = max(sum(len(w.points) for w in vps), 1)
    return vps


# --------------------------------------------------------------------------- one replication
@dataclass
class Household:
    """One household in one replication."""

    pi: float
    base: bool
    exposures: int = 0
    effective: int = 0
    engaged: bool = False
    contacted: bool = False
    door_leaflet: bool = False  # holds a leaflet from the door (handed over, or left where nobody answered)
    channels: set[str] = field(default_factory=set)
    met_woman: bool = False  # the person met at the door (when contacted) is a woman
    heard: set[str] = field(default_factory=set)  # "women", "men": the adults who heard a pass

    def expose(self, rng: random.Random, channel: str, eff: float, *, engaging: bool = True) -> None:
        self.exposures += 1
        self.channels.add(channel)
        if rng.random() < eff:
            self.effective += 1
            # leaflets handed over in person engage; one found at the door does not
            self.engaged = self.engaged or (engaging and channel in ("door", "forum", "leaflet"))


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's multiplication method (small means only)."""
    limit, n, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        n += 1
        prod *= rng.random()
    return n


@dataclass(frozen=True)
class Model:
    """Parameter values the replications need, derived once."""

    a: float
    b: float
    x_ew: float
    mid_keep: float
    params: Mapping[str, float]
    weeks: int
    week_keep: tuple[float, ...]  # retention from the middle of each campaign week to the evaluation date
    end: dt.date  # the evaluation date


def model_of(campaign: Campaign) -> Model:
    p = campaign.params
    mu, c = p["canvass.p_answer_first_visit"], p["canvass.at_home_beta_concentration"]
    a, b = mu * c, (1.0 - mu) * c
    target = min(p["canvass.evening_weekend_multiplier"] * mu, 0.99)
    x_ew = exponent_for(target, a, b) if target > mu else 1.0
    weeks = campaign.calendar.weeks
    week_keep = tuple(keep(7.0 * (weeks - w) - 3.5, p) for w in range(weeks))
    return Model(a, b, x_ew, keep(3.5 * weeks, p), p, weeks, week_keep, campaign.calendar.end)


def adults_at_home(rng: random.Random, p: Mapping[str, float], date: dt.date, slot: int) -> tuple[bool, bool]:
    """``(woman at home, man at home)`` given that someone is: independent draws, redrawn until one is home."""
    away = p["athome.away_weekend"] if date.weekday() >= 5 else (
        p["athome.away_weekday_evening"] if slot == 2 else p["athome.away_weekday_day"])
    p_woman, p_man = 1.0 - p["athome.women_employed"] * away, 1.0 - p["athome.men_employed"] * away
    while True:
        woman, man = rng.random() < p_woman, rng.random() < p_man
        if woman or man:
            return woman, man


def _meet(rng: random.Random, m: Model, occ: Occasion, hh: Household) -> None:
    """Who is met at a door visit (first contact only) or hears a pass, among the adults at home."""
    woman, man = adults_at_home(rng, m.params, occ.date, occ.slot)
    if occ.channel == "loudspeaker":
        hh.heard |= {s for s, home in (("women", woman), ("men", man)) if home}
    elif not hh.contacted:
        hh.met_woman = woman and (not man or rng.random() < m.params["athome.woman_opens_when_both"])


def _occasions(rng: random.Random, m: Model, vp: VillagePlan, hhs: list[Household]) -> None:
    """Door visits and loudspeaker passes in time order, one at-home state per household and occasion."""
    home: dict[tuple[dt.date, int], list[bool]] = {}
    for occ in vp.occasions:
        key = (occ.date, occ.slot)
        if key not in home:
            x = m.x_ew if occ.date.weekday() >= 5 or occ.slot == 2 else 1.0
            home[key] = [rng.random() < 1.0 - (1.0 - hh.pi) ** x for hh in hhs]
        who: Sequence[int] = occ.who
        if occ.callback:
            who = [i for i, hh in enumerate(hhs) if not hh.contacted][: occ.callback]
        lf = m.params["awareness.p_leaflet"] * keep((m.end - occ.date).days, m.params)
        for i in who:
            hh = hhs[i]
            if home[key][i]:
                _meet(rng, m, occ, hh)
                hh.expose(rng, occ.channel, occ.eff)
                if occ.channel == "door" and not hh.contacted and vp.leaflet and not hh.door_leaflet:
                    hh.expose(rng, "leaflet", lf)  # first contact: a leaflet, unless one was left before
                    hh.door_leaflet = True
                hh.contacted = hh.contacted or occ.channel == "door"
            elif (occ.channel == "door" and vp.leaflet and not hh.contacted and not hh.door_leaflet
                  and rng.random() < m.params["leaflet.left_when_absent"]):
                hh.expose(rng, "leaflet", lf, engaging=False)  # nobody answered: a leaflet left at the door
                hh.door_leaflet = True


def _undated(rng: random.Random, m: Model, vp: VillagePlan, hhs: list[Household]) -> None:
    """Forums (with their leaflets) and banners."""
    p = m.params
    for i, hh in enumerate(hhs):
        if vp.forums:
            x_f = exponent_for(vp.forum_target[i], m.a, m.b)
            for _ in range(vp.forums):
                if rng.random() < 1.0 - (1.0 - hh.pi) ** x_f:
                    hh.expose(rng, "forum", p["awareness.p_forum"] * m.mid_keep)
                    if vp.leaflet:
                        hh.expose(rng, "leaflet", p["awareness.p_leaflet"] * m.mid_keep)
        noticed = remembered = 0
        c = p["banner.reader_share"]
        reader = bool(vp.banners) and rng.random() < c  # the same households read the banner all campaign long
        for week in range(m.weeks if reader else 0):
            # the village's banners together: noticed passes this week (on the readers alone), each remembered
            # with mid-week retention
            n = poisson(rng, vp.banners * p["banner.passes_per_week"] * p["awareness.p_banner_pass"] / c)
            noticed += n
            remembered += sum(rng.random() < m.week_keep[week] for _ in range(n))
        if noticed:  # noticed passes count as one exposure; each remembered one is an effective memory
            hh.exposures += 1
            hh.channels.add("banner")
            hh.effective += remembered


#: Weekly channels: (audience share, weekly chance, memory) parameter keys.
_WEEKLY = {"social_media": ("social_media.user_share", "social_media.weekly_reach", "awareness.p_social_media"),
           "radio": ("radio.listener_share", "radio.weekly_hear", "awareness.p_radio")}


def _media(rng: random.Random, m: Model, vp: VillagePlan, hh: Household) -> bool:
    """The district-wide channels for one household: exposures noted; True when one leaves a memory."""
    p = m.params
    aware = False
    seen: set[str] = set()
    for c, (audience, weekly, memory) in _WEEKLY.items():
        n = min(int(vp.media.get(c, 0)), m.weeks)
        member = n > 0 and rng.random() < p[audience]
        for j in range(n):  # week j counted back from the last: its middle is 7 j + 3.5 days before the end
            if member and rng.random() < p[weekly]:
                seen.add(c)
                aware = rng.random() < p[memory] * keep(7.0 * j + 3.5, p) or aware
    for c, told, memory in (("partner_ngo", "ngo.households_per_meeting", "awareness.p_ngo"),
                            ("group_event", "event.people_met", "awareness.p_event")):
        share = min(1.0, p[told] / vp.all_households)
        for _ in range(int(vp.media.get(c, 0))):
            if rng.random() < share:
                seen.add(c)
                aware = rng.random() < p[memory] * m.mid_keep or aware
    if vp.media.get("village_chief", 0) > 0 and rng.random() < p["chief.meeting_attendance"]:
        seen.add("village_chief")
        aware = rng.random() < p["awareness.p_chief"] * m.mid_keep or aware
    if seen:
        hh.exposures += 1
        hh.channels |= seen
    return aware


def replicate_village(rng: random.Random, m: Model, vp: VillagePlan) -> dict[str, int]:
    """One replication of one village: households reached, aware, by word of mouth only, per channel."""
    p = m.params
    hhs = [Household(rng.betavariate(m.a, m.b), rng.random() < p["awareness.baseline"]) for _ in vp.points]
    _occasions(rng, m, vp, hhs)
    _undated(rng, m, vp, hhs)
    k = int(p["awareness.effective_frequency_k"])
    direct = [hh.effective >= k for hh in hhs]
    new_eng = sum(d and not hh.base and hh.engaged for d, hh in zip(direct, hhs))
    new_inf = sum(d and not hh.base and not hh.engaged for d, hh in zip(direct, hhs))
    lam = p["awareness.wom_rate"] * (new_eng + new_inf / p["awareness.wom_engaged_vs_informed"]) / max(len(hhs), 1)
    wom = [not hh.base and not d and rng.random() < 1.0 - math.exp(-lam) for d, hh in zip(direct, hhs)]
    media = [_media(rng, m, vp, hh) for hh in hhs]
    out = {
        "reached": sum(hh.exposures > 0 for hh in hhs),
        "aware": sum(hh.base or d or w or md for hh, d, w, md in zip(hhs, direct, wom, media)),
        "word_of_mouth": sum(wom),
    }
    for c in CHANNELS + MEDIA:
        out[c] = sum(c in hh.channels for hh in hhs)
    out["door_women"] = sum(hh.contacted and hh.met_woman for hh in hhs)
    out["door_men"] = sum(hh.contacted and not hh.met_woman for hh in hhs)
    for sex in ("women", "men"):
        out[f"loudspeaker_{sex}"] = sum(sex in hh.heard for hh in hhs)
    return out


def simulate_reference(
    campaign: Campaign, plan: Plan, points: Mapping[str, Sequence[Point]], *, replications: int, seed: int
) -> dict[str, list[int]]:
    """Per-replication totals over the villages in ``points``.

    Returns
    -------
    dict
        ``reached``, ``aware``, ``word_of_mouth``, each channel's households reached and the persons
        met at the door and hearing a pass by sex (:data:`PEOPLE`),
        a list of ``replications`` counts each; the same per village as ``key@village code``.
    """
    rng = random.Random(seed)
    m = model_of(campaign)
    vps = village_plans(campaign, plan, points)
    keys = ("reached", "aware", "word_of_mouth") + CHANNELS + MEDIA + PEOPLE
    out: dict[str, list[int]] = {key: [] for key in keys}
    out.update({f"{key}@{vp.village.code}": [] for key in keys for vp in vps})
    for _ in range(replications):
        tot = dict.fromkeys(keys, 0)
        for vp in vps:
            for key, n in replicate_village(rng, m, vp).items():
                tot[key] += n
                out[f"{key}@{vp.village.code}"].append(n)
        for key in keys:
            out[key].append(tot[key])
    return out
