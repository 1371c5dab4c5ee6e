"""Hand-built campaigns and plans for the simulator's tests: villages 3 km apart, straight tuk-tuk passes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np

from outreach.geo import to_wgs84
from outreach.households import Households
from outreach.model import Calendar, Campaign, Outing, Plan, Stop, VehicleDay, Village
from outreach.parameters import DOCUMENTED
from outreach.simulate import bare_campaign, bare_geography, bare_plan

START = dt.date(2024, 1, 1)  # a Monday
X0, Y0 = 500_000.0, 1_380_000.0
DENSE = {"awareness.baseline": 0.0, "household.village_radius_m_per_sqrt_hh": 10}
NO_DECAY = {"awareness.half_life_weeks": 1e9}


def make_campaign(households=(400,), params=None, weeks=4, seed=7, sangkats=1) -> Campaign:
    """A hand-built campaign: villages 3 km apart in one district (parameters at their documented values:
    the hand calculations are written on them, not on the shipped posterior's means)."""
    p = dict(DOCUMENTED)
    p.update(params or {})
    villages = []
    for i, h in enumerate(households):
        x, y = X0 + 3000.0 * i, Y0
        lon, lat = to_wgs84(x, y)
        s = f"0102{(i % sangkats) + 1:02d}"
        villages.append(
            Village(f"{s}{i + 1:02d}", f"V{i}", "", s, "0102", "01", lon, lat, x, y, int(h), setting="rural")
        )
    return bare_campaign(bare_geography(villages), p, Calendar(START, weeks), seed=seed, name="test", budget_usd=1000.0)


def make_plan(outings=(), days=(), forums=None, banners=None, leaflets=0) -> Plan:
    return bare_plan("test", outings=outings, days=days, forums=forums, banners=banners, leaflets=leaflets)


def rounds(campaign: Campaign, n: int, *, day0: int = 0, slot: str = "morning", kind: str = "round") -> list[Outing]:
    """``n`` outings covering every village on distinct weekdays (Mon..Fri)."""
    out = []
    weekdays = [d for d in range(7 * campaign.calendar.weeks) if (START + dt.timedelta(d)).weekday() < 5]
    for j in range(n):
        date = START + dt.timedelta(weekdays[day0 + j])
        visits = tuple((v.code, v.households) for v in campaign.geography.villages)
        out.append(Outing("p1", date, slot, visits, kind))
    return out


def straight_pass(campaign: Campaign, date: dt.date, *, t0_s: float = 9 * 3600, kmh: float = 15.0) -> VehicleDay:
    """A tuk-tuk driving straight east through every village point while broadcasting."""
    vs = campaign.geography.villages
    xs = np.array([vs[0].x_m - 1500.0] + [v.x_m for v in vs] + [vs[-1].x_m + 1500.0])
    t = t0_s + (xs - xs[0]) / (kmh / 3.6)
    lon, lat = to_wgs84(xs, np.full(xs.size, Y0))
    path = tuple((float(a), float(b), float(c)) for a, b, c in zip(lon, lat, t))
    stops = tuple(Stop(v.code, float(t0_s), float(t0_s)) for v in vs)
    return VehicleDay("tuk1", date, stops, path, (True,) * len(path), float((xs[-1] - xs[0]) / 1000),
                      float(t[-1] - t[0]), 1.0)


def channels_plan(camp: Campaign, *, banner: bool = True) -> Plan:
    """A morning door round, two slow loudspeaker passes (morning, afternoon) and optionally a banner."""
    code = camp.geography.villages[0].code
    return make_plan(
        rounds(camp, 1, slot="morning"),
        days=[
            straight_pass(camp, START + dt.timedelta(2), kmh=8),
            straight_pass(camp, START + dt.timedelta(3), t0_s=14 * 3600, kmh=8),
        ],
        banners={code: 1} if banner else None,
    )


def degenerate(hh: Households, p: float) -> Households:
    """Every household at home with the same probability ``p`` (no heterogeneity)."""
    c = 1e7
    return dataclasses.replace(
        hh, at_home_a=np.full(hh.n, p * c, np.float32), at_home_b=np.full(hh.n, (1 - p) * c, np.float32)
    )


def within(mc: np.ndarray, expected: float, z: float = 4.0) -> None:
    se = mc.std(ddof=1) / math.sqrt(mc.size)
    assert abs(mc.mean() - expected) <= z * se + 1e-9, (mc.mean(), expected, se)
