"""Exact budget allocation over a menu of joint village options (SCIP or CP-SAT).

Formulation (why a menu: the shared response model counts channel overlap
inside a village, so a village's value is not a sum of channel values; it is
evaluated once per *joint* option, vectorised over the whole grid):

* Per sangkat ``s`` one combination ``k = (passes, forums)`` is chosen
  (one-hot ``z[s, k]``); every village of the sangkat shares it.
* Per village ``v`` one option ``o = (k, rounds, callbacks per round,
  banners)`` is chosen (one-hot ``x[v, o]``), linked tightly to the sangkat
  by ``sum_{o in k} x[v, o] = z[s, k]`` (the convex-hull linking of a
  multiple-choice model, so the LP bound is strong).
* Value of an option: priority-weighted *new* aware households,
  ``w_v (aware - baseline households)`` with ``w_v = score / unaware
  households`` (1 + survey weights; 1 without a survey), from
  :func:`outreach.response.village_response_array`; integer-scaled to
  centi-households. Why new awareness: baseline-aware households are there
  whatever the plan does, and the weight keeps the survey's priorities.
* Costs in US cents, rounded up so that the budget lines written from a
  solution never exceed what the model charged: door rounds and planned
  callbacks (outings × team × per diem), one leaflet per household per
  round, banners, forums (venue + participants), loudspeaker vehicle-days
  per district exactly as :func:`optimizer.allocate.loudspeaker_days_estimate`
  counts them (or a given cost per pass), fuel per km, the recording.
* Capacities: pair-outings per district (volunteers work in their home
  district) and in total; vehicle-days per district (Mon–Sat working days ×
  tuk-tuks).
* Targets are elastic (goal programming): every centi-household short of
  a sangkat's awareness target costs ``PENALTY`` times the largest village
  weight, and a missing loudspeaker pass as much as its whole sangkat, so
  the solver meets what it can before it buys anything else; the plan
  always stays within the budget and capacities. Unmet targets are explained
  in plain words: a small exact model per short sangkat, with every other
  sangkat frozen at the plan, finds the least extra money and/or volunteer
  pair-outings that would close its gap.

Solvers: the model is written once with CP-SAT's modelling layer and solved
by SCIP through OR-Tools' linear solver wrapper (default: its LP bound and
cuts close the gap of this multiple-choice knapsack far faster than CP-SAT
when targets cannot all be met, see ``benchmarks/allocation.py``) or by
CP-SAT itself. Every run is single-threaded and stops on the gap or on
a work limit (SCIP nodes; CP-SAT deterministic time), never on the clock, so
equal inputs give equal allocations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from outreach import acoustics
from outreach.model import Allocation, Campaign, Priorities, Tours
from outreach.response import VillageInputs, beta_shapes, mean_at_home, village_response_array

from ._mip import solve_mip
from .allocate import (
    fixed_lines,
    greedy_allocation,
    line,
    loudspeaker_days_estimate,
    outing_capacity,
    trim_to_budget,
    with_routed_loudspeaker,
)

SCALE = 100  # value and awareness unit: centi-households
MON_SAT = frozenset(range(6))  # loudspeaker days, as the router plans them
SHIFT_SCALE = 1000  # hours are compared in thousandths
NUM_WORKERS = 1  # one worker: deterministic and, on 2 cores, as fast as interleaved search
PENALTY = 10  # target shortfall weight relative to the most valuable household
#: Solvers for the allocation model. SCIP proves the demo with survey targets within 0.1 % in
#: seconds where CP-SAT stalls at a few per cent (benchmarks/allocation.py), so it is the default.
MIP_BACKENDS = {"scip": "SCIP"}
BACKENDS = ("scip", "cp-sat")
DEFAULT_BACKEND = "scip"
SAFETY_FACTOR = 4.0  # wall-clock limit = SAFETY_FACTOR x the effort limit (+ a margin): a net, not a budget


# --------------------------------------------------------------------------- instance
@dataclass(frozen=True)
class MenuSpec:
    """Which options the menu holds per village and sangkat."""

    max_rounds: int
    max_passes: int
    max_forums: int
    max_banners: int
    callbacks: tuple[int, ...]


@dataclass(frozen=True)
class AllocationInstance:
    """Everything the CP-SAT model needs, precomputed (numpy arrays, one row per village).

    Option ``o`` of every village has combination ``combo[o]`` (index into
    ``combos``), ``rounds[o]``, ``callbacks[o]`` and ``banners[o]``.
    ``keep[v, o]`` is False for options dominated within their combination.
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
    pass_hours: np.ndarray  # (ns,) hours of one pass
    pass_km: np.ndarray  # (ns,) km of one pass
    has_vehicle: np.ndarray  # (ns,) bool
    vehicle_days: np.ndarray  # (nd,) vehicle-day capacity
    outing_cap: np.ndarray  # (nd,) pair-outings by home district
    outing_cap_total: int
    forum_cents: int
    fixed_cents: int
    awareness_target: np.ndarray  # (ns,) share, 0 = none
    pass_target: int
    women_target: float


def _weeks_lost_share(campaign: Campaign) -> float:
    weeks = campaign.calendar.weeks
    return 1 - len(campaign.calendar.working_days()) / max(1, 7 * weeks)


def outing_capacity_by_district(campaign: Campaign, extra: Mapping[str, int] | None = None) -> dict[str, int]:
    """Pair-outings available per district, from the volunteers' home villages.

    Same rule as :func:`optimizer.allocate.pair_outings_available`, applied to
    each district's volunteers (pairs are formed within a district).
    """
    geo = campaign.geography
    keep = 1 - _weeks_lost_share(campaign)
    team = campaign.params["canvass.team_size"]
    out = {d.code: 0.0 for d in geo.districts}
    for vol in campaign.volunteers:
        v = geo.village_by_code.get(vol.home_village)
        if v is not None and v.district_code in out:
            out[v.district_code] += vol.outings_per_week * campaign.calendar.weeks * keep
    caps = {d: int(x // team) for d, x in out.items()}
    for d, n in (extra or {}).items():
        caps[d] = caps.get(d, 0) + int(n)
    return caps


def loudspeaker_shares(campaign: Campaign) -> np.ndarray:
    """Share of each village's households within intelligible range of one pass.

    Households spread over a disc of radius ``k sqrt(households)``
    (``household.village_radius_m_per_sqrt_hh``) and the tuk-tuk drives
    through its centre: the share of a disc within ``r`` of a diameter is
    ``(2/pi)(asin(q) + q sqrt(1 - q^2))``, ``q = min(1, r / R)``.
    """
    geo = campaign.geography
    p = campaign.params
    settings = np.array([v.setting for v in geo.villages])
    market = np.array([v.market for v in geo.villages])
    r = acoustics.intelligible_radius_m(acoustics.ambient_dba(settings, p, market=market), p)
    big_r = p["household.village_radius_m_per_sqrt_hh"] * np.sqrt(np.maximum([v.households for v in geo.villages], 1))
    q = np.clip(r / big_r, 0.0, 1.0)
    return (2 / np.pi) * (np.arcsin(q) + q * np.sqrt(1 - q * q))


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
                                 outing_capacity(campaign), a, b)[0, 0])


def _cents(usd: float) -> int:
    return int(math.ceil(round(usd * 100, 6)))


def _awareness_targets(campaign: Campaign, priorities: Priorities | None) -> np.ndarray:
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


def _baseline_and_weight(campaign: Campaign, priorities: Priorities | None,
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


def build_instance(
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    max_rounds: int | None = None,
    max_passes: int | None = None,
    social_media_weeks: int = 0,
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
    social_media_weeks : int
        District-wide social media weeks bought per district (fixed: the
        response model has no social media channel, so it is not optimised).

    Returns
    -------
    AllocationInstance
    """
    geo = campaign.geography
    p = campaign.params
    t = campaign.targets
    spec = MenuSpec(
        max_rounds=max(int(max_rounds if max_rounds is not None else max(campaign.door_rounds, 2)), 0),
        max_passes=int(max_passes if max_passes is not None else max(t.loudspeaker_passes_per_sangkat, 3)),
        max_forums=max(int(t.forums_per_sangkat), 0),
        max_banners=2,
        callbacks=tuple(sorted({0, int(p["canvass.max_callbacks"])})),
    )
    sangkats = tuple(s.code for s in geo.sangkats)
    districts = tuple(d.code for d in geo.districts)
    s_idx = {c: i for i, c in enumerate(sangkats)}
    d_idx = {c: i for i, c in enumerate(districts)}
    villages = tuple(v.code for v in geo.villages)
    sangkat_of = np.array([s_idx[v.sangkat_code] for v in geo.villages], int)
    district_of_sangkat = np.array([d_idx[s.district_code] for s in geo.sangkats], int)

    combos = tuple((pp, f) for pp in range(spec.max_passes + 1) for f in range(spec.max_forums + 1))
    door = [(0, 0)] + [(r, c) for r in range(1, spec.max_rounds + 1) for c in spec.callbacks]
    grid = [(k, r, c, bn) for k in range(len(combos)) for (r, c) in door for bn in range(spec.max_banners + 1)]
    combo = np.array([g[0] for g in grid], int)
    rounds = np.array([g[1] for g in grid], int)
    cbs = np.array([g[2] for g in grid], int)
    banners = np.array([g[3] for g in grid], int)
    passes = np.array([combos[k][0] for k in combo], int)
    forums = np.array([combos[k][1] for k in combo], int)

    hh = np.array([v.households for v in geo.villages], float)
    base, weight = _baseline_and_weight(campaign, priorities, villages)
    women = np.array([v.women if v.women > 0 else v.households * p["household.size"] * p["household.women_share"]
                      for v in geo.villages], float)

    resp = village_response_array(VillageInputs(
        hh[:, None], door_rounds=rounds[None, :], callbacks=cbs[None, :], loudspeaker_passes=passes[None, :],
        loudspeaker_share=loudspeaker_shares(campaign)[:, None], forum=forums[None, :], banners=banners[None, :],
        leaflets=np.minimum(rounds, 1)[None, :] * hh[:, None], baseline_awareness=base[:, None],
        forum_attendance=forum_attendance(campaign)[:, None]), p,
        weeks=campaign.calendar.weeks, max_rounds=max(spec.max_rounds, 1), max_passes=max(spec.max_passes, 1),
    )
    aware = np.asarray(resp.aware, float)
    reached = np.asarray(resp.reached, float)
    value = np.round(SCALE * weight[:, None] * (aware - (base * hh)[:, None])).astype(np.int64)

    cap = outing_capacity(campaign)
    a, b = beta_shapes(p)
    outings = _callback_outings(hh, rounds, cbs, cap, a, b)
    team = int(p["canvass.team_size"])
    money = (outings * _cents(team * campaign.cost("volunteer_outing"))
             + np.ceil(rounds[None, :] * hh[:, None] * campaign.cost("leaflet") * 100 - 1e-6).astype(np.int64)
             + banners[None, :] * _cents(campaign.cost("banner")))

    # dominance inside a combination: never pay more (money or outings) for no more of anything
    keep = np.ones(value.shape, bool)
    women_r = reached * (women / np.maximum(hh, 1))[:, None]
    for k in range(len(combos)):
        cols = np.flatnonzero(combo == k)
        for i in cols:
            ge = ((value[:, cols] >= value[:, [i]]) & (aware[:, cols] >= aware[:, [i]] - 1e-9)
                  & (women_r[:, cols] >= women_r[:, [i]] - 1e-9)
                  & (money[:, cols] <= money[:, [i]]) & (outings[:, cols] <= outings[:, [i]]))
            strict = ((value[:, cols] > value[:, [i]]) | (money[:, cols] < money[:, [i]])
                      | (outings[:, cols] < outings[:, [i]]) | (aware[:, cols] > aware[:, [i]] + 1e-9))
            # ties broken by index so that exactly one of equal options survives
            tie = ge & ~strict & (cols[None, :] < i)
            keep[:, i] &= ~((ge & strict) | tie).any(axis=1)

    pass_hours, pass_km = [], []
    for s in geo.sangkats:
        road_m = sum(max(300.0, 2 * p["household.village_radius_m_per_sqrt_hh"] * math.sqrt(v.households))
                     for v in geo.villages_in(s.code))
        pass_hours.append(road_m / (p["loudspeaker.broadcast_speed_kmh"] * 1000) + 0.5)
        pass_km.append(road_m / 1000 + 10.0)
    veh_d = {d: 0 for d in districts}
    for vh in campaign.vehicles:
        if vh.district_code in veh_d:
            veh_d[vh.district_code] += 1
    work_days = len(campaign.calendar.working_days(weekdays=MON_SAT))
    caps = outing_capacity_by_district(campaign)
    from .allocate import pair_outings_available

    fixed = sum(b.total_usd for b in fixed_lines(campaign, loudspeaker=False))
    fixed += social_media_weeks * len(geo.districts) * campaign.cost("social_media_week")
    return AllocationInstance(
        campaign=campaign, spec=spec, villages=villages, sangkats=sangkats, districts=districts,
        sangkat_of=sangkat_of, district_of_sangkat=district_of_sangkat, combos=combos, combo=combo, rounds=rounds,
        callbacks=cbs, banners=banners, households=hh, baseline=base, weight=weight, women=women, aware=aware,
        reached=reached, value=value, money=money, outings=outings, keep=keep, pass_hours=np.array(pass_hours),
        pass_km=np.array(pass_km), has_vehicle=np.array([veh_d[s.district_code] > 0 for s in geo.sangkats]),
        vehicle_days=np.array([veh_d[d] * work_days for d in districts]),
        outing_cap=np.array([caps[d] for d in districts]), outing_cap_total=pair_outings_available(campaign),
        forum_cents=_cents(campaign.cost("forum_venue") + p["forum.participants"] * campaign.cost("forum_participant")),
        fixed_cents=int(round(fixed * 100)), awareness_target=_awareness_targets(campaign, priorities),
        pass_target=int(t.loudspeaker_passes_per_sangkat), women_target=float(t.min_women_reached_share),
    )


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Solution:
    """One solved model: chosen option per village, combination per sangkat, and bookkeeping."""

    status: str
    option: np.ndarray  # (nv,) option index
    combo_of_sangkat: np.ndarray  # (ns,)
    objective: int
    bound: float
    wall_s: float
    money_cents: int
    outings: int
    slack_aware: np.ndarray  # (ns,) centi-households
    slack_pass: np.ndarray  # (ns,)
    slack_women: int
    extra_cents: int = 0
    extra_outings: int = 0
    backend: str = "cp-sat"

    @property
    def gap(self) -> float:
        return max(0.0, (self.bound - self.objective) / max(1.0, abs(self.objective)))


@dataclass(frozen=True)
class _Knobs:
    """What a single solve varies: money, capacity, costs, elastic targets, the objective."""

    budget_cents: int
    extra_outings: Mapping[int, int] | None = None  # district index -> pair-outings
    pass_cost: tuple[float, float] | None = None  # (days, km) per pass, routed
    fixed_passes: Mapping[int, int] | None = None
    fixed_loudspeaker_cents: int | None = None
    mode: str = "value"  # "slack" | "value" | "extra_money" | "extra_outings" | "extra_both"
    slack_cap: int | None = None  # phase 2: weighted shortfall allowed
    hard_sangkat: int | None = None  # explanation: this sangkat's targets are hard
    hard_women: bool = False
    slack_keep: tuple[np.ndarray, np.ndarray, int] | None = None  # other targets no worse than this
    time_limit_s: float = 10.0
    relative_gap: float = 0.001
    hint: "Solution | None" = None
    backend: str = "scip"
    freeze: "Solution | None" = None  # explanation: every sangkat but hard_sangkat keeps this solution's choice


def _solve(inst: AllocationInstance, kn: _Knobs) -> Solution | None:
    """Build and solve one CP-SAT model; None when infeasible or nothing found."""
    c = inst.campaign
    m = cp_model.CpModel()
    nv, no = inst.value.shape
    ns, nd = len(inst.sangkats), len(inst.districts)
    combos = inst.combos
    # sangkat combinations
    z: dict[tuple[int, int], Any] = {}
    for s in range(ns):
        for k, (pp, f) in enumerate(combos):
            if pp > 0 and not inst.has_vehicle[s]:
                continue
            if kn.fixed_passes is not None and pp != kn.fixed_passes.get(s, 0):
                continue
            if kn.freeze is not None and s != kn.hard_sangkat and k != kn.freeze.combo_of_sangkat[s]:
                continue
            z[s, k] = m.new_bool_var(f"z{s}_{k}")
        m.add_exactly_one(z[s, k] for k in range(len(combos)) if (s, k) in z)
    x: dict[tuple[int, int], Any] = {}
    x_of: list[list[int]] = [[] for _ in range(nv)]
    for v in range(nv):
        s = int(inst.sangkat_of[v])
        by_k: dict[int, list[Any]] = {}
        for o in np.flatnonzero(inst.keep[v]):
            k = int(inst.combo[o])
            if (s, k) not in z:
                continue
            if kn.freeze is not None and s != kn.hard_sangkat and o != kn.freeze.option[v]:
                continue
            x[v, int(o)] = m.new_bool_var(f"x{v}_{o}")
            x_of[v].append(int(o))
            by_k.setdefault(k, []).append(x[v, int(o)])
        for k in range(len(combos)):
            if (s, k) in z:
                m.add(sum(by_k.get(k, [])) == z[s, k])
    passes = [sum(combos[k][0] * z[s, k] for k in range(len(combos)) if (s, k) in z) for s in range(ns)]
    forums = [sum(combos[k][1] * z[s, k] for k in range(len(combos)) if (s, k) in z) for s in range(ns)]

    # money
    money_terms = [int(inst.money[v, o]) * var for (v, o), var in x.items()]
    money_terms += [inst.forum_cents * forums[s] for s in range(ns)]
    any_pass = m.new_bool_var("any_pass")
    for (s, k), var in z.items():
        if combos[k][0] > 0:
            m.add_implication(var, any_pass)
    if kn.fixed_loudspeaker_cents is not None:
        money_terms.append(kn.fixed_loudspeaker_cents * any_pass)
    else:
        money_terms.append(_cents(c.cost("recording")) * any_pass)
        if kn.pass_cost is None:
            day_c = _cents(c.cost("tuktuk_day"))
            for d in range(nd):
                ss = [s for s in range(ns) if inst.district_of_sangkat[s] == d and inst.has_vehicle[s]]
                if not ss:
                    continue
                dd = m.new_int_var(0, int(inst.vehicle_days[d]), f"days{d}")
                shift = int(round(c.params["loudspeaker.shift_hours"] * SHIFT_SCALE))
                m.add(dd * shift >= sum(int(math.ceil(inst.pass_hours[s] * SHIFT_SCALE)) * passes[s] for s in ss))
                for s in ss:
                    m.add(dd >= passes[s])
                money_terms.append(day_c * dd)
                money_terms += [_cents(inst.pass_km[s] * c.cost("fuel_km")) * passes[s] for s in ss]
        else:
            days_pp, km_pp = kn.pass_cost
            per_pass = _cents(days_pp * c.cost("tuktuk_day") + km_pp * c.cost("fuel_km"))
            money_terms += [per_pass * passes[s] for s in range(ns)]
            total_days = int(inst.vehicle_days.sum())
            m.add(sum(int(math.ceil(days_pp * SHIFT_SCALE)) * passes[s] for s in range(ns))
                  <= total_days * SHIFT_SCALE)
    work_days = len(c.calendar.working_days(weekdays=MON_SAT))
    for s in range(ns):
        m.add(passes[s] <= work_days)
    money = sum(money_terms)
    budget = kn.budget_cents - inst.fixed_cents
    extra_c = m.new_int_var(0, 10**9 if kn.mode in ("extra_money", "extra_both") else 0, "extra_cents")
    m.add(money <= budget + extra_c)

    # volunteer outings
    extra_o = m.new_int_var(0, 10**6 if kn.mode in ("extra_outings", "extra_both") else 0, "extra_outings")
    outing_expr = {d: [] for d in range(nd)}
    for (v, o), var in x.items():
        if inst.outings[v, o]:
            outing_expr[int(inst.district_of_sangkat[inst.sangkat_of[v]])].append(int(inst.outings[v, o]) * var)
    add_o = {d: m.new_int_var(0, 10**6 if kn.mode in ("extra_outings", "extra_both") else 0, f"eo{d}")
             for d in range(nd)}
    m.add(sum(add_o.values()) == extra_o)
    for d in range(nd):
        cap = int(inst.outing_cap[d]) + int((kn.extra_outings or {}).get(d, 0))
        m.add(sum(outing_expr[d]) <= cap + add_o[d])
    total_extra = sum((kn.extra_outings or {}).values())
    all_out = [e for d in range(nd) for e in outing_expr[d]]
    m.add(sum(all_out) <= inst.outing_cap_total + total_extra + extra_o)

    # elastic targets
    sa, sp = [], []
    for s in range(ns):
        members = np.flatnonzero(inst.sangkat_of == s)
        h_s = inst.households[members].sum()
        need = int(math.ceil(inst.awareness_target[s] * h_s * SCALE - 1e-6)) if inst.awareness_target[s] > 0 else 0
        hard = kn.hard_sangkat == s
        sa.append(m.new_int_var(0, 0 if hard else max(need, 0), f"sa{s}"))
        if need > 0:
            m.add(sum(int(math.floor(inst.aware[v, o] * SCALE)) * x[v, o] for v in members for o in x_of[v])
                  + sa[s] >= need)
        # a sangkat without a tuk-tuk cannot have passes: only its awareness target can be made hard
        sp.append(m.new_int_var(0, 0 if hard and inst.has_vehicle[s] else inst.pass_target, f"sp{s}"))
        m.add(passes[s] + sp[s] >= inst.pass_target)
    sw = m.new_int_var(0, 0, "sw")
    if inst.women_target > 0:
        need_w = int(math.ceil(inst.women_target * inst.women.sum() * SCALE))
        sw = m.new_int_var(0, 0 if kn.hard_women else need_w, "sw")
        ratio = inst.women / np.maximum(inst.households, 1)
        m.add(sum(int(math.floor(inst.reached[v, o] * ratio[v] * SCALE)) * var for (v, o), var in x.items())
              + sw >= need_w)
    h_by_s = [int(inst.households[inst.sangkat_of == s].sum()) for s in range(ns)]
    # one missing pass weighs as much as its whole sangkat being short of awareness
    weighted_slack = sum(sa) + sum(SCALE * max(h, 1) * sp[s] for s, h in enumerate(h_by_s)) + sw
    if kn.slack_cap is not None:
        m.add(weighted_slack <= kn.slack_cap)
    if kn.slack_keep is not None:
        ka, kp, kw = kn.slack_keep
        for s in range(ns):
            if s != kn.hard_sangkat:
                m.add(sa[s] <= int(ka[s]))
                m.add(sp[s] <= int(kp[s]))
        if not kn.hard_women:
            m.add(sw <= int(kw))

    value = sum(int(inst.value[v, o]) * var for (v, o), var in x.items())
    if kn.mode == "slack":
        m.minimize(weighted_slack)
    elif kn.mode == "value":
        # goal programming: a centi-household short of a target costs PENALTY x the best weight
        pen = int(math.ceil(PENALTY * float(inst.weight.max(initial=1.0))))
        m.maximize(value - pen * weighted_slack)
    elif kn.mode == "extra_money":
        m.minimize(extra_c)
    elif kn.mode == "extra_outings":
        m.minimize(extra_o)
    else:  # both: price an outing at its per diem
        m.minimize(extra_c + _cents(c.params["canvass.team_size"] * c.cost("volunteer_outing")) * extra_o)
    money_v = m.new_int_var(-10**13, 10**13, "money")
    m.add(money_v == money)

    hint = []
    if kn.hint is not None and kn.backend not in MIP_BACKENDS:
        hint = [(var, int(kn.hint.option[v] == o)) for (v, o), var in x.items()]
        hint += [(var, int(kn.hint.combo_of_sangkat[s] == k)) for (s, k), var in z.items()]
    got = _run(m, kn, hint)
    if got is None:
        return None
    status, val, obj_f, bound, wall, used = got
    option = np.full(nv, -1)
    for (v, o), var in x.items():
        if val(var):
            option[v] = o
    combo_s = np.array([next(k for k in range(len(combos)) if (s, k) in z and val(z[s, k]))
                        for s in range(ns)])
    obj = int(round(obj_f))
    if kn.mode != "value":  # minimisation: report gap on the same footing
        obj, bound = -obj, -bound
    return Solution(
        status=status, option=option, combo_of_sangkat=combo_s, objective=obj, bound=bound,
        wall_s=wall, money_cents=int(val(money_v)),
        outings=int(sum(int(inst.outings[v, option[v]]) for v in range(nv))),
        slack_aware=np.array([val(s_) for s_ in sa]), slack_pass=np.array([val(s_) for s_ in sp]),
        slack_women=int(val(sw)), extra_cents=int(val(extra_c)), extra_outings=int(val(extra_o)),
        backend=used,
    )


def _run(m: cp_model.CpModel, kn: _Knobs, hint: list[tuple[Any, int]]
         ) -> tuple[str, Callable[[Any], int], float, float, float, str] | None:
    """Solve ``m`` with the knobs' backend.

    Returns (status, value of a variable, objective, bound, wall seconds,
    backend used), or None when nothing was found. A MIP solution is accepted
    only when it meets every constraint exactly in integers; otherwise CP-SAT
    starts from it.
    """
    if kn.backend in MIP_BACKENDS:
        # no hint: SCIP takes only complete, feasible starts, and a neighbouring plan is neither
        r = solve_mip(m, backend=MIP_BACKENDS[kn.backend], relative_gap=kn.relative_gap,
                      effort_s=kn.time_limit_s, time_limit_s=SAFETY_FACTOR * kn.time_limit_s + 30.0)
        if r.values is not None and r.exact:
            vals = r.values
            return r.status, (lambda var: int(vals[var.index])), r.objective, r.bound, r.wall_s, kn.backend
        # no solution, or one that only meets the constraints within the MIP tolerance: CP-SAT decides
        if r.values is not None:
            hint = [(m.get_int_var_from_proto_index(i), int(v)) for i, v in enumerate(r.values)]
        kn = replace(kn, backend="cp-sat")
    for var, v in hint:
        m.add_hint(var, v)
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = 20121
    prm.num_workers = NUM_WORKERS
    prm.interleave_search = NUM_WORKERS > 1  # deterministic whatever the thread timing
    prm.max_deterministic_time = float(kn.time_limit_s)
    prm.max_time_in_seconds = SAFETY_FACTOR * float(kn.time_limit_s) + 5.0  # safety net only
    prm.relative_gap_limit = float(kn.relative_gap)
    # the LP of the multiple-choice model is tight: full linearisation closes the gap, probing only costs time
    prm.linearization_level = 2
    prm.cp_model_probing_level = 0
    prm.symmetry_level = 0
    st = solver.solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return (solver.status_name(st), (lambda var: int(solver.value(var))), float(solver.objective_value),
            float(solver.best_objective_bound), float(solver.wall_time), "cp-sat")


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class AllocationResult:
    """A CP-SAT allocation with what the Allocation record cannot hold.

    ``callbacks_by_village``: planned callbacks per round; ``objective``:
    weighted new aware households; ``aware``/``reached``: expected households
    (baseline included) under the shared response model.
    """

    allocation: Allocation
    callbacks_by_village: Mapping[str, int]
    objective: float
    bound: float
    aware: float
    reached: float
    wall_s: float
    instance: AllocationInstance
    solution: Solution | None


def _split_pass_cost(campaign: Campaign, pass_cost_usd: float) -> tuple[float, float]:
    """Days and km per pass that cost ``pass_cost_usd``, in the estimate's km-per-day ratio."""
    passes = {s.code: max(1, campaign.targets.loudspeaker_passes_per_sangkat) for s in campaign.geography.sangkats}
    days, km = loudspeaker_days_estimate(campaign, passes)
    ratio = km / max(days, 1)  # km per day
    day_cost = campaign.cost("tuktuk_day") + ratio * campaign.cost("fuel_km")
    d = pass_cost_usd / day_cost
    return d, d * ratio


def _to_allocation(inst: AllocationInstance, sol: Solution, *, strategy: str, notes: list[str],
                   pass_cost: tuple[float, float] | None, social_media_weeks: int,
                   routed: tuple[int, float] | None = None) -> Allocation:
    c = inst.campaign
    geo = c.geography
    opt = sol.option
    rounds = {code: int(inst.rounds[opt[v]]) for v, code in enumerate(inst.villages)}
    banners = {code: int(inst.banners[opt[v]]) for v, code in enumerate(inst.villages)}
    passes = {code: int(inst.combos[sol.combo_of_sangkat[s]][0]) for s, code in enumerate(inst.sangkats)}
    forums = {code: int(inst.combos[sol.combo_of_sangkat[s]][1]) for s, code in enumerate(inst.sangkats)}
    total_passes = sum(passes.values())
    lines = fixed_lines(c, loudspeaker=total_passes > 0)
    if social_media_weeks:
        lines.append(line(c, "social_media_week", social_media_weeks * len(geo.districts)))
    if total_passes:
        if routed is not None:
            days, km = routed
        elif pass_cost is not None:
            days = round(pass_cost[0] * total_passes, 2)
            km = math.floor(pass_cost[1] * total_passes * 10) / 10  # the model charged the ceiling
        else:
            days, km = loudspeaker_days_estimate(c, passes)
        lines += [line(c, "tuktuk_day", days), line(c, "fuel_km", round(km, 1))]
    n_forums = sum(forums.values())
    if n_forums:
        lines += [line(c, "forum_venue", n_forums),
                  line(c, "forum_participant", n_forums * c.params["forum.participants"])]
    if sum(banners.values()):
        lines.append(line(c, "banner", sum(banners.values())))
    team = int(c.params["canvass.team_size"])
    leaflets = int(sum(rounds[code] * inst.households[v] for v, code in enumerate(inst.villages)))
    if sol.outings:
        lines += [line(c, "volunteer_outing", sol.outings * team), line(c, "leaflet", leaflets)]
    return Allocation(
        door_rounds_by_village=rounds, loudspeaker_passes_by_sangkat=passes, forums_by_sangkat=forums,
        banners_by_village=banners, leaflets=leaflets, budget_lines=tuple(lines), strategy=strategy,
        status=sol.status, gap=round(sol.gap, 6), notes=tuple(notes),
    )


def _fmt_usd(cents: int) -> str:
    return f"US$ {cents / 100:,.0f}"


def _short(sol: Solution) -> np.ndarray:
    """Sangkats whose targets the plan misses: a pass short, or at least one expected household short."""
    return (sol.slack_aware >= SCALE) | (sol.slack_pass > 0)


def _explain(inst: AllocationInstance, sol: Solution, base: _Knobs, *, time_limit_s: float = 3.0) -> list[str]:
    """Plain-words notes for every target the plan cannot meet, with what would close the gap.

    Each short sangkat is priced on its own: every other sangkat keeps the
    plan's choices, and a small exact model finds the least extra money
    (or extra pair-outings, or both) that lets this sangkat's villages meet
    its targets. The figure is what the sangkat needs on top of this plan.
    """
    geo = inst.campaign.geography
    notes: list[str] = []
    short = []
    for s in np.flatnonzero(_short(sol)):
        short.append((sol.slack_aware[s] + SCALE * sol.slack_pass[s] * 1000, int(s)))
    short.sort(reverse=True)
    keep = (sol.slack_aware, sol.slack_pass, sol.slack_women)
    for _, s in short:
        sk = geo.sangkat_by_code[inst.sangkats[s]]
        name = f"Sangkat {sk.name_en} ({sk.code})"
        what = []
        members = inst.sangkat_of == s
        h_s = inst.households[members].sum()
        if sol.slack_aware[s] >= SCALE:
            got = sum(inst.aware[v, sol.option[v]] for v in np.flatnonzero(members)) / max(h_s, 1)
            what.append(f"reach {inst.awareness_target[s]:.0%} awareness (the plan gets {got:.1%}, "
                        f"{sol.slack_aware[s] / SCALE:,.0f} households short)")
        if sol.slack_pass[s] > 0:
            if not inst.has_vehicle[s]:
                notes.append(f"{name} has no loudspeaker tuk-tuk in its district: "
                             f"its {inst.pass_target} passes cannot be made")
                if sol.slack_aware[s] < SCALE:
                    continue
            else:
                what.append(f"get {inst.pass_target} loudspeaker passes "
                            f"(the plan has {inst.pass_target - sol.slack_pass[s]})")
        if not what:
            continue
        target_txt = " and ".join(what)
        ask = replace(base, hard_sangkat=s, slack_keep=keep, slack_cap=None, time_limit_s=time_limit_s,
                      relative_gap=0.0, hint=sol, backend="cp-sat", freeze=sol)
        money = _solve(inst, replace(ask, mode="extra_money"))
        outs = _solve(inst, replace(ask, mode="extra_outings"))
        parts = []
        if money is not None:
            parts.append(f"{_fmt_usd(money.extra_cents)} more")
        if outs is not None:
            parts.append(f"{outs.extra_outings} more volunteer pair-outings")
        if parts:
            notes.append(f"{name} needs {' or '.join(parts)} to {target_txt}")
        else:
            both = _solve(inst, replace(ask, mode="extra_both"))
            if both is not None:
                notes.append(f"{name} needs {_fmt_usd(both.extra_cents)} and {both.extra_outings} more volunteer "
                             f"pair-outings to {target_txt}")
            else:
                notes.append(f"{name} cannot {target_txt} even with every channel of the menu at its maximum")
    if sol.slack_women >= SCALE:
        notes.append(f"women reached fall {sol.slack_women / SCALE:,.0f} persons short of the "
                     f"{inst.women_target:.0%} target")
    return notes


def solve_allocation(
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    pass_cost_usd: float | None = None,
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    max_rounds: int | None = None,
    max_passes: int | None = None,
    social_media_weeks: int = 0,
    extra_outings: Mapping[str, int] | None = None,
    explain: bool = True,
    instance: AllocationInstance | None = None,
    backend: str = DEFAULT_BACKEND,
    hint: AllocationResult | None = None,
    _pass_days_km: tuple[float, float] | None = None,
    _fixed: tuple[Mapping[str, int], int, tuple[int, float]] | None = None,
) -> AllocationResult:
    """Solve the allocation and return it with its bookkeeping (see :func:`cpsat_allocation`).

    Parameters
    ----------
    campaign, priorities, pass_cost_usd, time_limit_s, relative_gap
        As :func:`cpsat_allocation`.
    max_rounds, max_passes : int, optional
        Menu size (see :func:`build_instance`).
    social_media_weeks : int
        Social media weeks per district, bought as a fixed line.
    extra_outings : mapping of str to int, optional
        Extra pair-outings per district code (marginal value of a volunteer).
    explain : bool
        Re-solve to price every unmet target (notes).
    instance : AllocationInstance, optional
        A prebuilt instance for ``campaign`` (saves the response evaluation).
    backend : {"scip", "cp-sat"}
        Solver of the model (see :data:`BACKENDS`).
    hint : AllocationResult, optional
        A solution of a neighbouring problem for CP-SAT to start from
        (re-solves); SCIP starts from its own LP.

    Returns
    -------
    AllocationResult
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown allocation backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    inst = instance if instance is not None else build_instance(
        campaign, priorities, max_rounds=max_rounds, max_passes=max_passes, social_media_weeks=social_media_weeks)
    if instance is not None and inst.campaign.budget_usd != campaign.budget_usd:
        inst = replace(inst, campaign=campaign)
    pass_cost = _pass_days_km
    if pass_cost is None and pass_cost_usd is not None:
        pass_cost = _split_pass_cost(campaign, pass_cost_usd)
    d_idx = {d: i for i, d in enumerate(inst.districts)}
    s_idx = {s: i for i, s in enumerate(inst.sangkats)}
    knobs = _Knobs(budget_cents=int(math.floor(round(campaign.budget_usd * 100, 6))),
                   extra_outings={d_idx[d]: n for d, n in (extra_outings or {}).items() if d in d_idx},
                   pass_cost=pass_cost, time_limit_s=time_limit_s, relative_gap=relative_gap, backend=backend,
                   hint=hint.solution if hint is not None else None)
    routed = None
    if _fixed is not None:
        fp, cents, routed = _fixed
        knobs = replace(knobs, fixed_passes={s_idx[k]: n for k, n in fp.items() if k in s_idx},
                        fixed_loudspeaker_cents=cents)
    notes: list[str] = []
    if inst.fixed_cents > knobs.budget_cents:
        notes.append(f"the fixed costs (training, kit, coordinator) need {_fmt_usd(inst.fixed_cents)}, more than "
                     f"the budget of {_fmt_usd(knobs.budget_cents)}")
    sol = _solve(inst, knobs)
    if sol is None:  # nothing fits: not even the empty plan (fixed costs above budget)
        empty = Solution("INFEASIBLE", np.zeros(len(inst.villages), int), np.zeros(len(inst.sangkats), int), 0, 0.0,
                         0.0, 0, 0, np.zeros(len(inst.sangkats)), np.zeros(len(inst.sangkats)), 0)
        alloc = _to_allocation(inst, empty, strategy=backend, notes=notes, pass_cost=pass_cost,
                               social_media_weeks=social_media_weeks)
        return AllocationResult(alloc, {}, 0.0, 0.0, 0.0, 0.0, 0.0, inst, None)
    short = bool(_short(sol).any() or sol.slack_women >= SCALE)
    if explain and short:
        notes += _explain(inst, sol, knobs, time_limit_s=max(1.0, min(3.0, time_limit_s / 3)))
    if short:
        notes.insert(0, "not every target can be met within the budget and volunteer outings; the plan meets "
                        "what it can and stays within the budget")
    n_cb = int(sum(inst.callbacks[sol.option[v]] > 0 for v in range(len(inst.villages))))
    if n_cb:
        notes.append(f"{n_cb} villages get {int(max(inst.spec.callbacks))} callback(s) after each door round "
                     f"for households not at home")
    alloc = _to_allocation(inst, sol, strategy=sol.backend, notes=notes, pass_cost=pass_cost,
                           social_media_weeks=social_media_weeks, routed=routed)
    if alloc.planned_usd > campaign.budget_usd:  # cent rounding of the lines only; never expected
        from .allocate import trim_to_budget

        alloc = trim_to_budget(campaign, alloc, priorities)
    opt = sol.option
    cb = {code: int(inst.callbacks[opt[v]]) for v, code in enumerate(inst.villages)}
    return AllocationResult(
        allocation=alloc, callbacks_by_village=cb, objective=sol.objective / SCALE, bound=sol.bound / SCALE,
        aware=float(sum(inst.aware[v, opt[v]] for v in range(len(opt)))),
        reached=float(sum(inst.reached[v, opt[v]] for v in range(len(opt)))),
        wall_s=sol.wall_s, instance=inst, solution=sol,
    )


def cpsat_allocation(
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    pass_cost_usd: float | None = None,
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    backend: str = DEFAULT_BACKEND,
) -> Allocation:
    """Budget allocation maximising priority-weighted new aware households (CP-SAT).

    Parameters
    ----------
    campaign : Campaign
        Budget, unit costs, volunteers, vehicles, calendar and targets.
    priorities : Priorities, optional
        Survey priorities: baseline awareness and weights per village,
        awareness targets per sangkat when the scenario sets none.
    pass_cost_usd : float, optional
        Cost of one loudspeaker pass (e.g. routed); default: vehicle-days
        and km as :func:`optimizer.allocate.loudspeaker_days_estimate`.
    time_limit_s : float
        Deterministic time limit of the main solve (about seconds).
    relative_gap : float
        Stop when the proven relative gap is at most this.
    backend : {"scip", "cp-sat"}
        Solver of the model.

    Returns
    -------
    Allocation
        Strategy: the solver that produced it; ``status`` its status, ``gap`` the
        proven relative gap; ``notes`` explain unmet targets.
    """
    return solve_allocation(campaign, priorities, pass_cost_usd=pass_cost_usd, time_limit_s=time_limit_s,
                            relative_gap=relative_gap, backend=backend).allocation


# --------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class AllocationValue:
    """Expected households under the shared response model for one allocation."""

    reached: float
    aware: float
    new_aware: float
    weighted_new_aware: float


def infer_callbacks(campaign: Campaign, allocation: Allocation) -> int:
    """Largest uniform callbacks per round that the paid volunteer outings cover."""
    team = campaign.params["canvass.team_size"]
    paid = sum(b.quantity for b in allocation.budget_lines if b.key == "volunteer_outing") / team
    geo = campaign.geography
    best = 0
    for cb in range(1, int(campaign.params["canvass.max_callbacks"]) + 1):
        need = sum(callback_outings(campaign, v.households, allocation.door_rounds_by_village.get(v.code, 0), cb)
                   for v in geo.villages if allocation.door_rounds_by_village.get(v.code, 0))
        if need <= paid + 1e-9:
            best = cb
    return best


def evaluate_allocation(
    campaign: Campaign,
    allocation: Allocation,
    priorities: Priorities | None = None,
    *,
    callbacks_by_village: Mapping[str, int] | None = None,
) -> AllocationValue:
    """Expected reach and awareness of an allocation with :func:`outreach.response.village_response_array`.

    Same inputs as the optimiser's menu (loudspeaker share, forum attendance,
    baseline, one leaflet per visited household), so allocations of any
    strategy compare on equal terms. Callbacks default to the largest uniform
    number the paid outings cover (:func:`infer_callbacks`).
    """
    geo = campaign.geography
    p = campaign.params
    codes = [v.code for v in geo.villages]
    hh = np.array([v.households for v in geo.villages], float)
    if callbacks_by_village is None:
        cb_all = infer_callbacks(campaign, allocation)
        callbacks_by_village = {c: cb_all for c in codes}
    rounds = np.array([allocation.door_rounds_by_village.get(c, 0) for c in codes])
    cbs = np.array([callbacks_by_village.get(c, 0) for c in codes])
    passes = np.array([allocation.loudspeaker_passes_by_sangkat.get(v.sangkat_code, 0) for v in geo.villages])
    forums = np.array([allocation.forums_by_sangkat.get(v.sangkat_code, 0) for v in geo.villages])
    banners = np.array([allocation.banners_by_village.get(c, 0) for c in codes])
    base, weight = _baseline_and_weight(campaign, priorities, codes)
    r = village_response_array(VillageInputs(
        hh, door_rounds=rounds, callbacks=cbs, loudspeaker_passes=passes, loudspeaker_share=loudspeaker_shares(campaign),
        forum=forums, banners=banners, leaflets=np.minimum(rounds, 1) * hh, baseline_awareness=base,
        forum_attendance=forum_attendance(campaign)), p,
        weeks=campaign.calendar.weeks,
        max_rounds=max(1, int(rounds.max(initial=0))), max_passes=max(1, int(passes.max(initial=0))),
    )
    aware = np.asarray(r.aware, float)
    new = aware - base * hh
    return AllocationValue(float(np.sum(r.reached)), float(aware.sum()), float(new.sum()), float((weight * new).sum()))


# --------------------------------------------------------------------------- marginal value, routing loop
_TASKS: list[Any] = []  # inherited by forked workers: campaigns hold read-only mappings that do not pickle


def _aware_after(i: int) -> float:
    fn, campaign, priorities, kw = _TASKS[i]
    return fn(campaign, priorities, **kw).aware


def _map_tasks(tasks: list[Any]) -> list[float]:
    """Expected aware households after each re-solve task, on two forked processes when available.

    Each solve is deterministic on its own, so the results do not depend on
    how the tasks are spread over processes.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    global _TASKS
    _TASKS = list(tasks)
    try:
        workers = min(len(tasks), os.cpu_count() or 1, 2)
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [_aware_after(i) for i in range(len(tasks))]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_aware_after, range(len(tasks))))
    finally:
        _TASKS = []


def marginal_value(
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    allocation_fn: Callable[..., AllocationResult] | None = None,
    budget_step_usd: float = 1000.0,
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    backend: str = DEFAULT_BACKEND,
    base: AllocationResult | None = None,
    pass_days_km: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Expected aware households gained per extra US$ 100 and per extra volunteer.

    Re-solves at ``budget + budget_step_usd`` (then divides, so that the
    solver gap and integrality matter less than with a US$ 100 step) and
    with one more volunteer's pair-outings in each district in turn (the
    best district counts; the volunteer's training and kit are charged).
    Households are the unweighted expected aware households of the shared
    response model. Every re-solve starts from the base plan (a feasible
    start for the budget step), so the re-solves are quick.

    Parameters
    ----------
    campaign : Campaign
    priorities : Priorities, optional
    allocation_fn : callable, optional
        ``f(campaign, priorities, **kw) -> AllocationResult``; default :func:`solve_allocation`.
    budget_step_usd : float
        Budget increase for the money re-solve.
    time_limit_s, relative_gap : float
        Per solve.
    backend : {"scip", "cp-sat"}
        Solver of the model.
    base : AllocationResult, optional
        The plan at the current budget, solved with the same settings (saves a solve).
    pass_days_km : (float, float), optional
        Tuk-tuk days and km per loudspeaker pass (routed), as ``base`` was priced.

    Returns
    -------
    dict
        ``marginal_reach_per_100_usd``, ``marginal_reach_per_volunteer``,
        ``best_district_for_volunteer``, ``households_aware``, ``households_reached``.
    """
    fn = allocation_fn or solve_allocation
    kw: dict[str, Any] = dict(time_limit_s=time_limit_s, relative_gap=relative_gap, explain=False, backend=backend,
                              _pass_days_km=pass_days_km)
    if base is None:
        base = fn(campaign, priorities, **kw)
    inst = base.instance
    kw.update(instance=inst, hint=base)
    vols = campaign.volunteers
    opw = sum(v.outings_per_week for v in vols) / max(1, len(vols)) if vols else campaign.params["canvass.outings_per_week"]
    one = opw * campaign.calendar.weeks * (1 - _weeks_lost_share(campaign)) / campaign.params["canvass.team_size"]
    kit = campaign.cost("volunteer_training") + campaign.cost("volunteer_kit")
    tasks = [(fn, replace(campaign, budget_usd=campaign.budget_usd + budget_step_usd), priorities, kw)]
    tasks += [(fn, replace(campaign, budget_usd=campaign.budget_usd - kit), priorities,
               {**kw, "extra_outings": {d: int(round(one))}}) for d in inst.districts]
    aware = _map_tasks(tasks)
    per_100 = (aware[0] - base.aware) * 100.0 / budget_step_usd
    gains = [a - base.aware for a in aware[1:]]
    k = int(np.argmax(gains)) if gains else -1
    best, best_d = (gains[k], inst.districts[k]) if gains else (0.0, "")
    return {
        "marginal_reach_per_100_usd": round(per_100, 2),
        "marginal_reach_per_volunteer": round(best, 2),
        "best_district_for_volunteer": best_d,
        "households_aware": round(base.aware, 1),
        "households_reached": round(base.reached, 1),
    }


@dataclass(frozen=True)
class RoutedAllocation:
    """What :func:`allocate_and_route` returns."""

    allocation: Allocation
    tours: Tours
    base: AllocationResult | None  # the solve the allocation comes from (None for the greedy baseline)
    pass_days_km: tuple[float, float] | None  # routed tuk-tuk days and km per pass that ``base`` was priced at


def allocate_and_route(
    campaign: Campaign,
    priorities: Priorities | None,
    *,
    route_fn: Callable[..., Tours],
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    backend: str = DEFAULT_BACKEND,
) -> RoutedAllocation:
    """Allocate, route, re-allocate at the routed cost per pass, route again; budget lines = routed.

    1. CP-SAT with estimated loudspeaker days; 2. route its passes; 3. cost
    per pass = (tuk-tuk days × day cost + km × fuel) / passes routed;
    4. re-solve with that cost; 5. route again; 6. tuk-tuk lines = the
    routed days and km exactly. When the final routes deliver other pass
    counts or cost more than the budget allows, the rest of the plan is
    re-solved with those passes and that loudspeaker cost fixed, so
    ``planned_usd`` is what the routes cost and stays within the budget.

    Parameters
    ----------
    campaign : Campaign
    priorities : Priorities or None
    route_fn : callable
        ``route_fn(campaign, passes_by_sangkat=..., prizes=..., max_days=...) -> Tours``
        (e.g. :func:`optimizer.routing.plan_tours`).
    time_limit_s, relative_gap : float
        Per solve.
    backend : {"scip", "cp-sat"}
        Solver of the allocation model.

    Returns
    -------
    RoutedAllocation
        The allocation and its tours, with the solve at the routed cost per
        pass (``base``, ``pass_days_km``) for :func:`marginal_value`.
    """
    geo = campaign.geography
    prizes = {v.code: (priorities.score(v.code) if priorities is not None and v.code in priorities.by_village
                       else float(v.households)) for v in geo.villages}
    kw: dict[str, Any] = dict(time_limit_s=time_limit_s, relative_gap=relative_gap, backend=backend)
    # without a tuk-tuk there is nothing to route: the first solve is the last, so it explains itself
    first = solve_allocation(campaign, priorities, explain=not campaign.vehicles, **kw)
    inst = first.instance

    def route(alloc: Allocation) -> Tours:
        days = sum(b.quantity for b in alloc.budget_lines if b.key == "tuktuk_day")
        return route_fn(campaign, passes_by_sangkat=dict(alloc.loudspeaker_passes_by_sangkat), prizes=prizes,
                        max_days=max(1, int(math.ceil(days - 1e-9))))

    alloc = first.allocation
    no_tours = Tours((), (), "none", "FEASIBLE", None)
    if not campaign.vehicles:
        return RoutedAllocation(alloc, no_tours, first, None)
    if not any(alloc.loudspeaker_passes_by_sangkat.values()):
        final = solve_allocation(campaign, priorities, instance=inst, hint=first, **kw)
        return RoutedAllocation(final.allocation, no_tours, final, None)
    tours = route(alloc)
    delivered = sum(tours.passes_by_sangkat(geo).values())
    base, pass_days_km = first, None
    if delivered:
        pass_days_km = (len(tours.days) / delivered, tours.km / delivered)
        base = solve_allocation(campaign, priorities, instance=inst, _pass_days_km=pass_days_km, hint=first, **kw)
        alloc = base.allocation
        if any(alloc.loudspeaker_passes_by_sangkat.values()):
            tours = route(alloc)
    routed_passes = tours.passes_by_sangkat(geo)
    planned = {k: v for k, v in alloc.loudspeaker_passes_by_sangkat.items()}
    routed_alloc = replace(
        alloc, budget_lines=tuple(b for b in alloc.budget_lines if b.key not in ("tuktuk_day", "fuel_km"))
        + ((line(campaign, "tuktuk_day", len(tours.days)), line(campaign, "fuel_km", round(tours.km, 1)))
           if tours.days else ()))
    consistent = all(routed_passes.get(k, 0) == n for k, n in planned.items())
    if consistent and routed_alloc.planned_usd <= campaign.budget_usd:
        return RoutedAllocation(routed_alloc, tours, base, pass_days_km)
    # fix what the routes deliver and cost; re-solve everything else within the budget
    ls_cents = _cents(len(tours.days) * campaign.cost("tuktuk_day") + round(tours.km, 1) * campaign.cost("fuel_km")
                      + campaign.cost("recording"))
    fixed = ({k: routed_passes.get(k, 0) for k in planned}, ls_cents, (len(tours.days), tours.km))
    final = solve_allocation(campaign, priorities, instance=inst, _fixed=fixed, hint=base, **kw).allocation
    note = ("loudspeaker passes and cost fixed to the routed tours "
            f"({len(tours.days)} tuk-tuk days, {tours.km:,.1f} km); the rest re-allocated")
    return RoutedAllocation(replace(final, notes=final.notes + (note,)), tours, base, pass_days_km)


def greedy_and_route(campaign: Campaign, priorities: Priorities | None, *,
                     route_fn: Callable[..., Tours]) -> RoutedAllocation:
    """The greedy baseline, routed: allocate, route the passes it bought, trim to what the routes cost.

    The twin of :func:`allocate_and_route` for the greedy strategy; it has no
    solve to price margins from, so ``base`` is None.
    """
    allocation = greedy_allocation(campaign, priorities)
    prizes = {v.code: (priorities.score(v.code) if priorities else float(v.households))
              for v in campaign.geography.villages}
    tours = route_fn(campaign, passes_by_sangkat=allocation.loudspeaker_passes_by_sangkat, prizes=prizes)
    routed = with_routed_loudspeaker(campaign, allocation, len(tours.days), tours.km)
    return RoutedAllocation(trim_to_budget(campaign, routed, priorities), tours, None, None)


def brute_force_optimum(inst: AllocationInstance, budget_usd: float | None = None) -> int:
    """Exact optimum of a small instance by enumeration (no targets), for tests and the benchmark.

    Enumerates every sangkat combination and every product of village
    options (dominated ones included), charging money and outings exactly as
    the CP-SAT model does. Only for a handful of villages.

    Returns
    -------
    int
        Best total integer value (centi-households, weighted).
    """
    import itertools

    c = inst.campaign
    budget = int(math.floor(round((c.budget_usd if budget_usd is None else budget_usd) * 100, 6))) - inst.fixed_cents
    ns, nd = len(inst.sangkats), len(inst.districts)
    shift = int(round(c.params["loudspeaker.shift_hours"] * SHIFT_SCALE))
    best = -1
    ranges = [[k for k, (pp, _f) in enumerate(inst.combos) if pp == 0 or inst.has_vehicle[s]] for s in range(ns)]
    for choice in itertools.product(*ranges):
        passes = [inst.combos[k][0] for k in choice]
        money = sum(inst.forum_cents * inst.combos[k][1] for k in choice)
        if any(passes):
            money += _cents(c.cost("recording"))
        ok = True
        for d in range(nd):
            ss = [s for s in range(ns) if inst.district_of_sangkat[s] == d and inst.has_vehicle[s]]
            if not ss:
                continue
            need = sum(int(math.ceil(inst.pass_hours[s] * SHIFT_SCALE)) * passes[s] for s in ss)
            days = max(-(-need // shift), max(passes[s] for s in ss))
            ok &= days <= inst.vehicle_days[d]
            money += days * _cents(c.cost("tuktuk_day")) + sum(_cents(inst.pass_km[s] * c.cost("fuel_km")) * passes[s]
                                                               for s in ss)
        if not ok or money > budget:
            continue
        # outer sums over villages: value, money, outings per district and in total
        val = np.zeros(1, np.int64)
        mon = np.full(1, money, np.int64)
        outs = np.zeros((1, nd), np.int64)
        for v in range(len(inst.villages)):
            s = int(inst.sangkat_of[v])
            opts = np.flatnonzero(inst.combo == choice[s])
            d = int(inst.district_of_sangkat[s])
            val = (val[:, None] + inst.value[v, opts][None, :]).ravel()
            mon = (mon[:, None] + inst.money[v, opts][None, :]).ravel()
            add = np.zeros((len(opts), nd), np.int64)
            add[:, d] = inst.outings[v, opts]
            outs = (outs[:, None, :] + add[None, :, :]).reshape(-1, nd)
            feas = (mon <= budget) & (outs <= inst.outing_cap[None, :]).all(axis=1) \
                & (outs.sum(axis=1) <= inst.outing_cap_total)
            val, mon, outs = val[feas], mon[feas], outs[feas]
        if val.size:
            best = max(best, int(val.max()))
    return best
