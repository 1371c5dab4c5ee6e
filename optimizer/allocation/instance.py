"""The allocation instance: the menu of joint village options with their values, costs and outings.

Why a menu: the shared response model counts channel overlap inside a
village, so a village's value is not a sum of channel values; it is
evaluated once per *joint* option (a sangkat combination of loudspeaker
passes and forums, door rounds, callbacks per round, banners), vectorised
over the whole grid with :func:`outreach.response.village_response_array`.

* Value of an option: priority-weighted *new* aware households,
  ``w_v (aware - baseline households)`` with ``w_v = score / unaware
  households`` (1 without a survey), integer-scaled to centi-households.
  Why new awareness: baseline-aware households are there whatever the plan
  does, and the weight keeps the survey's priorities.
* Costs in US cents, rounded up (:func:`optimizer.allocation.budget.cents`):
  door rounds and planned callbacks (outings × team × per diem), the
  leaflets given at the village's doors (expected households met there or
  left one where nobody answered, plus ``leaflet.spare_share``), banners;
  forums per sangkat with a leaflet per participant.
* Banners hang on the village's public roads, one per road: an option with
  more banners than the village has public roads
  (:func:`outreach.roads.public_roads`) is not on its menu.
* Capacities: pair-outings per district (the roster's pairs and their calendars,
  :mod:`.capacity`) and in total; vehicle-days per district (working days × tuk-tuks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from outreach.athome import beta_shapes, mean_at_home
from outreach.broadcast import campaign_broadcasts, heard_shares
from outreach.model import Campaign, Priorities
from outreach.parallel import fork_map
from outreach.response import VillageInputs, VillageResponse, village_response_array
from outreach.roads import public_roads
from outreach.rules import LOUDSPEAKER_WEEKDAYS, outing_capacity
from outreach.simulate.posterior import draw_params

from .budget import (
    cents,
    fixed_lines,
    forum_booklets,
    forum_leaflets,
    leaflets_to_print,
    pass_hours,
    pass_km,
    sangkat_road_m,
)
from .capacity import outing_capacity_by_district
from .media import NO_MEDIA_MENU, MediaMenu, media_menu
from .sample import DrawValues

SCALE = 100  # value and awareness unit: centi-households
MAX_BANNERS = 2  # banners per village in the menu, at most (and at most one per public road)


@dataclass(frozen=True)
class MenuSpec:
    """Which options the menu holds per village and sangkat."""

    max_rounds: int
    max_passes: int
    max_forums: int
    max_banners: int
    callbacks: tuple[int, ...]


@dataclass(frozen=True)
class OptionGrid:
    """The options every village shares: option ``o`` has combination ``combo[o]`` and the counts below."""

    combos: tuple[tuple[int, int], ...]  # (passes, forums) per sangkat combination
    combo: np.ndarray  # (no,) index into combos
    rounds: np.ndarray
    callbacks: np.ndarray
    banners: np.ndarray
    passes: np.ndarray
    forums: np.ndarray


@dataclass(frozen=True)
class VillageOptions:
    """Per village and option: households, expected awareness and reach, value, money, outings, dominance."""

    households: np.ndarray  # (nv,)
    baseline: np.ndarray
    weight: np.ndarray
    women: np.ndarray  # women persons per village
    aware: np.ndarray  # (nv, no) expected aware households (baseline + new)
    reached: np.ndarray
    value: np.ndarray  # (nv, no) int, weighted new aware centi-households
    money: np.ndarray  # (nv, no) int cents: door + leaflets + banners
    outings: np.ndarray  # (nv, no) int pair-outings
    keep: np.ndarray  # (nv, no) bool
    banner_cap: np.ndarray  # (nv,) int, banners the village's public roads hold
    leaflets: np.ndarray  # (nv, no) int leaflets to print for the village's door contacts


@dataclass(frozen=True)
class AllocationInstance:
    """Everything the allocation model needs, precomputed (numpy arrays, one row per village).

    Option ``o`` of every village has combination ``combo[o]`` (index into
    ``combos``), ``rounds[o]``, ``callbacks[o]`` and ``banners[o]``.
    ``keep[v, o]`` is False for options dominated within their combination
    and for options with more banners than ``banner_cap[v]``, the village's
    public roads.
    """

    campaign: Campaign
    spec: MenuSpec
    villages: tuple[str, ...]
    sangkats: tuple[str, ...]
    districts: tuple[str, ...]
    sangkat_of: np.ndarray  # (nv,) sangkat index
    district_of_sangkat: np.ndarray  # (ns,) district index
    combos: tuple[tuple[int, int], ...]  # (passes, forums)
    combo: np.ndarray  # (no,)
    rounds: np.ndarray
    callbacks: np.ndarray
    banners: np.ndarray
    households: np.ndarray  # (nv,)
    baseline: np.ndarray
    weight: np.ndarray
    women: np.ndarray  # women persons per village
    aware: np.ndarray  # (nv, no) expected aware households (baseline + new)
    reached: np.ndarray
    value: np.ndarray  # (nv, no) int, weighted new aware centi-households
    money: np.ndarray  # (nv, no) int cents: door + leaflets + banners
    outings: np.ndarray  # (nv, no) int pair-outings
    keep: np.ndarray  # (nv, no) bool
    banner_cap: np.ndarray  # (nv,) int
    leaflets: np.ndarray  # (nv, no) int leaflets for the first door contacts, spares included
    pass_hours: np.ndarray  # (ns,) hours of one pass
    pass_km: np.ndarray  # (ns,) km of one pass
    has_vehicle: np.ndarray  # (ns,) bool
    vehicle_days: np.ndarray  # (nd,) vehicle-day capacity
    work_days: int  # loudspeaker working days in the calendar: the most passes of one sangkat (distinct days)
    outing_cap: np.ndarray  # (nd,) pair-outings by home district
    outing_cap_total: int
    forum_cents: int
    fixed_cents: int
    awareness_target: np.ndarray  # (ns,) share, 0 = none
    pass_target: int
    women_target: float
    media: MediaMenu = NO_MEDIA_MENU  # district-wide channel plans on the cost-awareness frontier
    draws: DrawValues | None = None  # per posterior draw (sample average); value/aware/reached are their means


# --------------------------------------------------------------------------- channel inputs
def loudspeaker_shares(campaign: Campaign) -> np.ndarray:
    """Share of each village's households that hear the whole message on one pass.

    Measured with the simulator's own rule along each village's broadcast
    path (:func:`outreach.broadcast.heard_shares`): lanes or streets laid over
    the households, capped at ``loudspeaker.max_village_minutes``.
    """
    return heard_shares(campaign, campaign_broadcasts(campaign))


def forum_attendance(campaign: Campaign) -> np.ndarray:
    """Attendance probability per household of each village when its sangkat holds a forum.

    As the simulator: venue in the sangkat's most populous village,
    attendance halving every ``forum.attendance_decay_km``, scaled so that a
    forum draws ``forum.participants`` households, capped at
    ``forum.participation_rate`` (distances between village centres here).
    """
    geo = campaign.geography
    p = campaign.params
    out = np.zeros(len(geo.villages))
    idx = {v.code: i for i, v in enumerate(geo.villages)}
    for s in geo.sangkats:
        vs = geo.villages_in(s.code)
        if not vs:
            continue
        venue = max(vs, key=lambda v: (v.households, -idx[v.code]))
        d_km = np.array([math.hypot(v.x_m - venue.x_m, v.y_m - venue.y_m) / 1000 for v in vs])
        w = np.exp2(-d_km / p["forum.attendance_decay_km"])
        h = np.array([v.households for v in vs], float)
        att = np.minimum(p["forum.participation_rate"], p["forum.participants"] * w / max((w * h).sum(), 1e-9))
        for v, a in zip(vs, att):
            out[idx[v.code]] = a
    return out


def _callback_outings(households: np.ndarray, rounds: np.ndarray, callbacks: np.ndarray, cap: int,
                      a: float, b: float) -> np.ndarray:
    """Pair-outings for ``rounds`` rounds with ``callbacks`` callbacks after each.

    A round visits every household (``ceil(h / cap)`` outings); callback ``j``
    of round ``i`` visits the never-contacted share after ``(i-1)(1+c) + j``
    visits, ``E[(1-pi)^n]`` under the response model's at-home law.
    """
    h = households[:, None].astype(float)
    out = rounds[None, :] * np.ceil(h / cap)
    for i in range(1, int(rounds.max(initial=0)) + 1):
        for j in range(1, int(callbacks.max(initial=0)) + 1):
            on = (rounds >= i) & (callbacks >= j)
            n_prior = (i - 1) * (1 + callbacks) + j
            never = 1.0 - mean_at_home(n_prior.astype(float), a, b)
            out = out + on[None, :] * np.ceil(h * never[None, :] / cap)
    return out.astype(np.int64)


def callback_outings(campaign: Campaign, households: int, rounds: int, callbacks: int) -> int:
    """Pair-outings one village needs for ``rounds`` rounds with ``callbacks`` callbacks each."""
    a, b = beta_shapes(campaign.params)
    return int(_callback_outings(np.array([households]), np.array([rounds]), np.array([callbacks]),
                                 outing_capacity(campaign.params), a, b)[0, 0])


def awareness_targets(campaign: Campaign, priorities: Priorities | None) -> np.ndarray:
    """Awareness target share per sangkat: the scenario's own, else its general one, else the survey's (0 = none)."""
    t = campaign.targets
    out = []
    for s in campaign.geography.sangkats:
        if s.code in t.min_awareness_by_sangkat:
            out.append(float(t.min_awareness_by_sangkat[s.code]))
        elif t.min_awareness > 0:
            out.append(float(t.min_awareness))
        elif priorities is not None and s.code in priorities.targets:
            out.append(float(priorities.targets[s.code].target_awareness))
        else:
            out.append(0.0)
    return np.array(out)


def baseline_and_weight(campaign: Campaign, priorities: Priorities | None,
                        codes: tuple[str, ...] | list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Baseline awareness and priority weight per village (``score / unaware households``; 1 without a survey)."""
    default = campaign.params["awareness.baseline"]
    if priorities is None:
        return np.full(len(codes), default), np.ones(len(codes))
    base = np.array([priorities.awareness(c) if c in priorities.by_village else default for c in codes])
    weight = np.array([(priorities.score(c) / priorities.by_village[c].unaware_households.mean)
                       if c in priorities.by_village and priorities.by_village[c].unaware_households.mean > 0
                       else 1.0 for c in codes])
    return base, weight


# --------------------------------------------------------------------------- the menu
def banner_caps(campaign: Campaign) -> np.ndarray:
    """Banners a village can hold: one per public road (:func:`outreach.roads.public_roads`), ``MAX_BANNERS`` at most.

    On the proxy network every village has one public road; on an
    OpenStreetMap file, the distinct roads meeting at its node.
    """
    roads = campaign.roads
    n = public_roads(roads.graph, roads.village_node, roads.kind)
    return np.array([min(n.get(v.code, 1), MAX_BANNERS) for v in campaign.geography.villages], int)


def menu_spec(campaign: Campaign, max_rounds: int | None, max_passes: int | None) -> MenuSpec:
    """The menu's size: door rounds ``max(door_rounds, 2)`` and passes ``max(target, 3)`` unless given;
    banners up to the most public roads of any village."""
    t = campaign.targets
    return MenuSpec(
        max_rounds=max(int(max_rounds if max_rounds is not None else max(campaign.door_rounds, 2)), 0),
        max_passes=int(max_passes if max_passes is not None else max(t.loudspeaker_passes_per_sangkat, 3)),
        max_forums=max(int(t.forums_per_sangkat), 0),
        max_banners=int(banner_caps(campaign).max(initial=0)),
        callbacks=tuple(sorted({0, int(campaign.params["canvass.max_callbacks"])})),
    )


def option_grid(spec: MenuSpec) -> OptionGrid:
    """Every (combination, door rounds and callbacks, banners) option, combinations outermost."""
    combos = tuple((pp, f) for pp in range(spec.max_passes + 1) for f in range(spec.max_forums + 1))
    door = [(0, 0)] + [(r, c) for r in range(1, spec.max_rounds + 1) for c in spec.callbacks]
    grid = [(k, r, c, bn) for k in range(len(combos)) for (r, c) in door for bn in range(spec.max_banners + 1)]
    combo = np.array([g[0] for g in grid], int)
    return OptionGrid(
        combos=combos, combo=combo, rounds=np.array([g[1] for g in grid], int),
        callbacks=np.array([g[2] for g in grid], int), banners=np.array([g[3] for g in grid], int),
        passes=np.array([combos[k][0] for k in combo], int), forums=np.array([combos[k][1] for k in combo], int),
    )


def _responses(campaign: Campaign, spec: MenuSpec, grid: OptionGrid, hh: np.ndarray,
               base: np.ndarray, shares: np.ndarray) -> VillageResponse:
    """Expected reach and awareness of every village under every option (villages × options);
    ``shares``: :func:`loudspeaker_shares`."""
    return village_response_array(VillageInputs(
        hh[:, None], door_rounds=grid.rounds[None, :], callbacks=grid.callbacks[None, :],
        loudspeaker_passes=grid.passes[None, :], loudspeaker_share=shares[:, None],
        forum=grid.forums[None, :], banners=grid.banners[None, :],
        leaflets=1.0, baseline_awareness=base[:, None],
        forum_attendance=forum_attendance(campaign)[:, None]), campaign.params,
        weeks=campaign.calendar.weeks, max_rounds=max(spec.max_rounds, 1), max_passes=max(spec.max_passes, 1),
    )


def _option_money(campaign: Campaign, grid: OptionGrid, leaflets: np.ndarray, outings: np.ndarray) -> np.ndarray:
    """Cents per village and option: per diems of the outings, the leaflets to print, banners."""
    team = int(campaign.params["canvass.team_size"])
    return (outings * cents(team * campaign.cost("volunteer_outing"))
            + leaflets * cents(campaign.cost("leaflet"))
            + grid.banners[None, :] * cents(campaign.cost("banner")))


def _undominated(grid: OptionGrid, value: np.ndarray, aware: np.ndarray, women_r: np.ndarray, money: np.ndarray,
                 outings: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Options worth keeping: allowed, and inside a combination never paying more (money or outings) for no more
    of anything than another allowed option (a disallowed option dominates nothing).

    ``value`` is ``(layers, villages, options)``: one layer per posterior draw (at least as valuable under every
    draw), or the one layer of a point.
    """
    keep = allowed.copy()
    for k in range(len(grid.combos)):
        cols = np.flatnonzero(grid.combo == k)
        for i in cols:
            ge = (allowed[:, cols] & (value[:, :, cols] >= value[:, :, [i]]).all(axis=0)
                  & (aware[:, cols] >= aware[:, [i]] - 1e-9)
                  & (women_r[:, cols] >= women_r[:, [i]] - 1e-9)
                  & (money[:, cols] <= money[:, [i]]) & (outings[:, cols] <= outings[:, [i]]))
            strict = ((value[:, :, cols] > value[:, :, [i]]).any(axis=0) | (money[:, cols] < money[:, [i]])
                      | (outings[:, cols] < outings[:, [i]]) | (aware[:, cols] > aware[:, [i]] + 1e-9))
            # ties broken by index so that exactly one of equal options survives
            tie = ge & ~strict & (cols[None, :] < i)
            keep[:, i] &= ~((ge & strict) | tie).any(axis=1)
    return keep


def _same_loudspeaker(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """True when the loudspeaker's acoustics are the same under both parameter sets (its shares need no redo)."""
    return all(b.get(key) == v for key, v in a.items() if key.startswith("loudspeaker."))


@dataclass(frozen=True)
class _DrawJob:
    """What every draw's evaluation shares (read-only; forked workers inherit it)."""

    campaign: Campaign
    priorities: Priorities | None
    spec: MenuSpec
    grid: OptionGrid
    shares: np.ndarray


def _one_draw(job: _DrawJob, draw: Mapping[str, float]) -> tuple[np.ndarray, ...]:
    """One draw's option values, awareness and reach, and its villages' baseline and weight."""
    campaign = job.campaign
    hh = np.array([v.households for v in campaign.geography.villages], float)
    c = replace(campaign, params=draw_params(campaign, draw))
    base, weight = baseline_and_weight(c, job.priorities, tuple(v.code for v in campaign.geography.villages))
    sh = job.shares if _same_loudspeaker(campaign.params, c.params) else loudspeaker_shares(c)
    resp = _responses(c, job.spec, job.grid, hh, base, sh)
    aware = np.asarray(resp.aware, float)
    value = np.round(SCALE * weight[:, None] * (aware - (base * hh)[:, None])).astype(np.int64)
    return value, aware, np.asarray(resp.reached, float), base, weight


def draw_values(campaign: Campaign, priorities: Priorities | None, spec: MenuSpec, grid: OptionGrid,
                draws: Sequence[Mapping[str, float]], shares: np.ndarray, workers: int = 1) -> DrawValues:
    """Every option's value, awareness and reach under each posterior draw (the campaign's parameters under it,
    :func:`outreach.simulate.posterior.draw_params`; ``shares`` at the campaign's own are reused when the draw
    leaves the loudspeaker alone), the draws spread over ``workers`` forked processes (same numbers for any)."""
    hh = np.array([v.households for v in campaign.geography.villages], float)
    got = fork_map(_one_draw, list(draws), shared=_DrawJob(campaign, priorities, spec, grid, shares), workers=workers)
    value, aware, reached, base, weight = (np.stack([g[i] for g in got]) for i in range(5))
    full = np.round((SCALE * weight * (1.0 - base) * hh[None, :]).sum(axis=1)).astype(np.int64)
    return DrawValues(value=value, aware=aware, reached=reached, baseline=base, weight=weight, full_value=full)


def village_options(campaign: Campaign, priorities: Priorities | None, spec: MenuSpec,
                    grid: OptionGrid, draws: Sequence[Mapping[str, float]] = (),
                    workers: int = 1) -> tuple[VillageOptions, DrawValues | None]:
    """Value, money and outings of every option of every village, and which options are not dominated.

    With posterior ``draws`` the values, awareness and reach are the means over the draws (and each draw's
    is returned); money and outings stay at the campaign's own parameters.
    """
    geo = campaign.geography
    p = campaign.params
    hh = np.array([v.households for v in geo.villages], float)
    base, weight = baseline_and_weight(campaign, priorities, tuple(v.code for v in geo.villages))
    women = np.array([v.women if v.women > 0 else v.households * p["household.size"] * p["household.women_share"]
                      for v in geo.villages], float)
    shares = loudspeaker_shares(campaign)
    resp = _responses(campaign, spec, grid, hh, base, shares)
    dv = draw_values(campaign, priorities, spec, grid, draws, shares, workers) if draws else None
    aware = np.asarray(resp.aware, float) if dv is None else dv.aware.mean(axis=0)
    reached = np.asarray(resp.reached, float) if dv is None else dv.reached.mean(axis=0)
    value = (np.round(SCALE * weight[:, None] * (aware - (base * hh)[:, None])).astype(np.int64) if dv is None
             else np.round(dv.value.mean(axis=0)).astype(np.int64))
    a, b = beta_shapes(p)
    outings = _callback_outings(hh, grid.rounds, grid.callbacks, outing_capacity(p), a, b)
    leaflets = leaflets_to_print(np.asarray(resp.door_leaflets, float), p)
    money = _option_money(campaign, grid, leaflets, outings)
    women_r = reached * (women / np.maximum(hh, 1))[:, None]
    cap = banner_caps(campaign)
    allowed = grid.banners[None, :] <= cap[:, None]
    layers = value[None] if dv is None else dv.value
    return VillageOptions(households=hh, baseline=base, weight=weight, women=women, aware=aware, reached=reached,
                          value=value, money=money, outings=outings,
                          keep=_undominated(grid, layers, aware, women_r, money, outings, allowed), banner_cap=cap,
                          leaflets=leaflets), dv


# --------------------------------------------------------------------------- the instance
def _vehicles_by_district(campaign: Campaign) -> dict[str, int]:
    """Tuk-tuks per district code (every district listed)."""
    veh_d = {d.code: 0 for d in campaign.geography.districts}
    for vh in campaign.vehicles:
        if vh.district_code in veh_d:
            veh_d[vh.district_code] += 1
    return veh_d


def sangkats_with_vehicle(campaign: Campaign) -> np.ndarray:
    """For each sangkat (the geography's order): True when a tuk-tuk serves its district (``has_vehicle``)."""
    veh_d = _vehicles_by_district(campaign)
    return np.array([veh_d[s.district_code] > 0 for s in campaign.geography.sangkats], bool)


def _media(campaign: Campaign, opts: VillageOptions, dv: DrawValues | None,
           draws: Sequence[Mapping[str, float]]) -> MediaMenu:
    """The media menu; ``C`` at the campaign's parameters, or the mean over the draws with each draw's shares."""
    if dv is None:
        return media_menu(campaign, float(opts.households.sum()), int(round(
            (SCALE * opts.weight * (1.0 - opts.baseline) * opts.households).sum())))
    return media_menu(campaign, float(opts.households.sum()), int(round(float(dv.full_value.mean()))),
                      [draw_params(campaign, d) for d in draws])


def build_instance(
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    max_rounds: int | None = None,
    max_passes: int | None = None,
    draws: Sequence[Mapping[str, float]] = (),
    workers: int = 1,
) -> AllocationInstance:
    """Precompute the option menu and its values, costs and outings.

    Parameters
    ----------
    campaign : Campaign
        Area, costs, capacities and targets.
    priorities : Priorities, optional
        Survey priorities (baseline awareness, scores, sangkat targets).
    max_rounds : int, optional
        Door rounds per village in the menu; default ``max(door_rounds, 2)``.
    max_passes : int, optional
        Loudspeaker passes per sangkat; default ``max(target, 3)``.
    draws : sequence of mappings, optional
        Posterior draws (:data:`outreach.parameters.POSTERIOR_DRAWS`): the values are then their sample
        average (:mod:`optimizer.allocation.sample`); none plans at the campaign's own parameters.
    workers : int
        Processes for the draws' evaluations (the instance does not depend on it).

    Returns
    -------
    AllocationInstance
    """
    geo = campaign.geography
    p = campaign.params
    spec = menu_spec(campaign, max_rounds, max_passes)
    grid = option_grid(spec)
    opts, dv = village_options(campaign, priorities, spec, grid, draws, workers)
    sangkats = tuple(s.code for s in geo.sangkats)
    districts = tuple(d.code for d in geo.districts)
    s_idx = {c: i for i, c in enumerate(sangkats)}
    d_idx = {c: i for i, c in enumerate(districts)}
    road_m = [sangkat_road_m(campaign, s.code) for s in geo.sangkats]
    veh_d = _vehicles_by_district(campaign)
    work_days = len(campaign.calendar.working_days(weekdays=LOUDSPEAKER_WEEKDAYS))
    caps = outing_capacity_by_district(campaign)
    fixed = sum(b.total_usd for b in fixed_lines(campaign, loudspeaker=False))
    return AllocationInstance(
        campaign=campaign, spec=spec, villages=tuple(v.code for v in geo.villages), sangkats=sangkats,
        districts=districts, sangkat_of=np.array([s_idx[v.sangkat_code] for v in geo.villages], int),
        district_of_sangkat=np.array([d_idx[s.district_code] for s in geo.sangkats], int),
        combos=grid.combos, combo=grid.combo, rounds=grid.rounds, callbacks=grid.callbacks, banners=grid.banners,
        households=opts.households, baseline=opts.baseline, weight=opts.weight, women=opts.women, aware=opts.aware,
        reached=opts.reached, value=opts.value, money=opts.money, outings=opts.outings, keep=opts.keep,
        banner_cap=opts.banner_cap, leaflets=opts.leaflets,
        pass_hours=np.array([pass_hours(campaign, s.code) for s in geo.sangkats]),
        pass_km=np.array([pass_km(r) for r in road_m]),
        has_vehicle=sangkats_with_vehicle(campaign),
        vehicle_days=np.array([veh_d[d] * work_days for d in districts]), work_days=work_days,
        outing_cap=np.array([caps[d] for d in districts]), outing_cap_total=sum(caps.values()),
        forum_cents=cents(campaign.cost("forum_venue") + p["forum.participants"] * campaign.cost("forum_participant"))
        + forum_leaflets(p) * cents(campaign.cost("leaflet")) + forum_booklets(p) * cents(campaign.cost("booklet")),
        fixed_cents=int(round(fixed * 100)), awareness_target=awareness_targets(campaign, priorities),
        pass_target=int(campaign.targets.loudspeaker_passes_per_sangkat),
        women_target=float(campaign.targets.min_women_reached_share),
        media=_media(campaign, opts, dv, draws), draws=dv,
    )
