"""Reference answers for tests and benchmarks: small random campaigns and their brute-force optimum."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np

from outreach.model import Campaign, Geography, Targets

from .budget import cents
from .instance import AllocationInstance
from .media import MEDIA_QUANT
from .model import SHIFT_SCALE


def small_campaign(campaign: Campaign, seed: int, *, n_villages: int = 5, budget: float | None = None) -> Campaign:
    """Two sangkats of the campaign's first district with a few villages of random size and a few volunteers.

    Parameters
    ----------
    campaign : Campaign
        A campaign to cut down (the demo).
    seed : int
        Seed of the village sizes, volunteer count and budget.
    n_villages : int
        Villages in the two sangkats together.
    budget : float, optional
        Budget in US$; default random around US$ 1 per household plus fixed costs.

    Returns
    -------
    Campaign
        One forum per sangkat as a target, no passes required.
    """
    rng = np.random.default_rng(seed)
    geo = campaign.geography
    district = geo.districts[0].code
    sks = [s for s in geo.sangkats if s.district_code == district][:2]
    villages = []
    for i, s in enumerate(sks):
        take = geo.villages_in(s.code)[: (n_villages + 1 - i) // 2]
        villages += [dataclasses.replace(v, households=int(rng.integers(40, 260))) for v in take]
    sub = Geography(geo.provinces, tuple(d for d in geo.districts if d.code == district), tuple(sks), tuple(villages))
    vols = tuple(dataclasses.replace(v, home_village=villages[k % len(villages)].code)
                 for k, v in enumerate(campaign.volunteers[: int(rng.integers(2, 5))]))
    hh = sum(v.households for v in villages)
    return dataclasses.replace(
        campaign, geography=sub, volunteers=vols,
        vehicles=tuple(v for v in campaign.vehicles if v.district_code == district),
        targets=Targets(loudspeaker_passes_per_sangkat=0, forums_per_sangkat=1),
        budget_usd=float(budget if budget is not None else rng.uniform(0.4, 1.2) * hh + 150))


def _sangkat_cents(inst: AllocationInstance, choice: tuple[int, ...]) -> int | None:
    """Cents of the sangkat combinations ``choice`` (forums and loudspeaker); None beyond the vehicle-days."""
    c = inst.campaign
    ns = len(inst.sangkats)
    shift = int(round(c.params["loudspeaker.shift_hours"] * SHIFT_SCALE))
    passes = [inst.combos[k][0] for k in choice]
    money = sum(inst.forum_cents * inst.combos[k][1] for k in choice)
    if any(passes):
        money += cents(c.cost("recording"))
    for d in range(len(inst.districts)):
        ss = [s for s in range(ns) if inst.district_of_sangkat[s] == d and inst.has_vehicle[s]]
        if not ss:
            continue
        need = sum(int(math.ceil(inst.pass_hours[s] * SHIFT_SCALE)) * passes[s] for s in ss)
        days = max(-(-need // shift), max(passes[s] for s in ss))
        if days > inst.vehicle_days[d]:
            return None
        money += days * cents(c.cost("tuktuk_day")) + sum(cents(inst.pass_km[s] * c.cost("fuel_km")) * passes[s]
                                                          for s in ss)
    return money


def _village_plans(inst: AllocationInstance, choice: tuple[int, ...], money: int,
                   budget: int) -> tuple[np.ndarray, np.ndarray]:
    """Value and money of every product of the villages' options under ``choice`` that fits."""
    nd = len(inst.districts)
    # outer sums over villages: value, money, outings per district and in total
    val = np.zeros(1, np.int64)
    mon = np.full(1, money, np.int64)
    outs = np.zeros((1, nd), np.int64)
    for v in range(len(inst.villages)):
        s = int(inst.sangkat_of[v])
        opts = np.flatnonzero((inst.combo == choice[s]) & (inst.banners <= inst.banner_cap[v]))
        d = int(inst.district_of_sangkat[s])
        val = (val[:, None] + inst.value[v, opts][None, :]).ravel()
        mon = (mon[:, None] + inst.money[v, opts][None, :]).ravel()
        add = np.zeros((len(opts), nd), np.int64)
        add[:, d] = inst.outings[v, opts]
        outs = (outs[:, None, :] + add[None, :, :]).reshape(-1, nd)
        feas = (mon <= budget) & (outs <= inst.outing_cap[None, :]).all(axis=1) \
            & (outs.sum(axis=1) <= inst.outing_cap_total)
        val, mon, outs = val[feas], mon[feas], outs[feas]
    return val, mon


def brute_force_optimum(inst: AllocationInstance, budget_usd: float | None = None) -> int:
    """Exact optimum of a small instance by enumeration (no targets), for tests and the benchmark.

    Enumerates every sangkat combination and every product of village
    options (dominated ones included; banners only up to the village's public
    roads, a limit of the world), charging money and outings exactly as
    the allocation model does, and every media plan of the instance's menu
    (valued exactly, ``(1 - R) V + R C``). Only for a handful of villages.

    Returns
    -------
    int
        Best total integer value (centi-households, weighted); -1 when nothing fits.
    """
    c = inst.campaign
    budget = int(math.floor(round((c.budget_usd if budget_usd is None else budget_usd) * 100, 6))) - inst.fixed_cents
    ranges = [[k for k, (pp, _f) in enumerate(inst.combos) if pp == 0 or inst.has_vehicle[s]]
              for s in range(len(inst.sangkats))]
    vals, mons = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for choice in itertools.product(*ranges):
        money = _sangkat_cents(inst, choice)
        if money is None or money > budget:
            continue
        val, mon = _village_plans(inst, choice, money, budget)
        vals.append(val)
        mons.append(mon)
    val, mon = np.concatenate(vals), np.concatenate(mons)
    # every media plan of the menu (cheapest first, option 0 none) with the money it leaves:
    # value (1 - R) V + R C of the best village plan within that money (fixed-point as the model)
    if len(inst.media.levels) == 1:
        return int(val.max()) if val.size else -1
    best = -1
    for m, media_cents in enumerate(inst.media.cents):
        fits = mon <= budget - int(media_cents)
        if fits.any():
            best = max(best, inst.media.value_q(m, int(val[fits].max())))
    return int(round(best / MEDIA_QUANT)) if best >= 0 else -1
