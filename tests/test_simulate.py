"""Analytic validations of the reach simulator and its closed-form twin.

Every Monte Carlo comparison allows about 4 standard errors; seeds are fixed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from pyproj import Transformer
from scipy.special import betaln, comb

from outreach.households import Households, synthesize_households
from outreach.model import (
    Allocation,
    Calendar,
    Campaign,
    District,
    Geography,
    Outing,
    Plan,
    Province,
    RoadNetwork,
    Roster,
    Sangkat,
    Stop,
    Targets,
    Tours,
    VehicleDay,
    Village,
)
from outreach.parameters import resolve
from outreach.response import beta_shapes, village_response
from outreach.simulate import expected_reach, exposure_counts, plan_exposures, simulate, simulate_detailed

START = dt.date(2024, 1, 1)  # a Monday
TO_LONLAT = Transformer.from_crs(32648, 4326, always_xy=True)
X0, Y0 = 500_000.0, 1_380_000.0


def make_campaign(households=(400,), params=None, weeks=4, seed=7, sangkats=1) -> Campaign:
    """A hand-built campaign: villages 3 km apart in one district."""
    p = resolve()
    p.update(params or {})
    villages = []
    for i, h in enumerate(households):
        x, y = X0 + 3000.0 * i, Y0
        lon, lat = TO_LONLAT.transform(x, y)
        s = f"0102{(i % sangkats) + 1:02d}"
        villages.append(
            Village(f"{s}{i + 1:02d}", f"V{i}", "", s, "0102", "01", lon, lat, x, y, int(h), setting="rural")
        )
    sk = tuple(Sangkat(f"0102{j + 1:02d}", f"S{j}", "", "0102") for j in range(sangkats))
    geo = Geography((Province("01", "P", ""),), (District("0102", "D", "", "01"),), sk, tuple(villages))
    return Campaign(
        name="test",
        seed=seed,
        geography=geo,
        roads=RoadNetwork(graph=None, village_node={}, depot_node={}, kind="proxy"),
        calendar=Calendar(START, weeks),
        volunteers=(),
        vehicles=(),
        costs={},
        budget_usd=1000.0,
        targets=Targets(),
        params=p,
    )


def make_plan(outings=(), days=(), forums=None, banners=None, leaflets=0) -> Plan:
    alloc = Allocation(
        door_rounds_by_village={},
        loudspeaker_passes_by_sangkat={},
        forums_by_sangkat=forums or {},
        banners_by_village=banners or {},
        leaflets=leaflets,
        budget_lines=(),
        strategy="test",
    )
    return Plan("test", alloc, Tours(tuple(days), (), "test"), Roster((), tuple(outings), "test"))


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
    lon, lat = TO_LONLAT.transform(xs, np.full(xs.size, Y0))
    path = tuple((float(a), float(b), float(c)) for a, b, c in zip(lon, lat, t))
    stops = tuple(Stop(v.code, float(t0_s), float(t0_s)) for v in vs)
    return VehicleDay("tuk1", date, stops, path, (True,) * len(path), float((xs[-1] - xs[0]) / 1000), float(t[-1] - t[0]), 1.0)


def degenerate(hh: Households, p: float) -> Households:
    """Every household at home with the same probability ``p`` (no heterogeneity)."""
    c = 1e7
    return dataclasses.replace(
        hh, at_home_a=np.full(hh.n, p * c, np.float32), at_home_b=np.full(hh.n, (1 - p) * c, np.float32)
    )


def within(mc: np.ndarray, expected: float, z: float = 4.0) -> None:
    se = mc.std(ddof=1) / math.sqrt(mc.size)
    assert abs(mc.mean() - expected) <= z * se + 1e-9, (mc.mean(), expected, se)


# --------------------------------------------------------------------------- analytic
def test_equal_contact_probability_gives_binomial() -> None:
    camp = make_campaign((3000,), {"awareness.baseline": 0.0})
    hh = degenerate(synthesize_households(camp.geography, camp.params, seed=1), 0.3)
    n = 4
    counts = exposure_counts(camp, make_plan(rounds(camp, n)), replications=20, seed=3, households=hh)
    freq = np.bincount(counts.ravel(), minlength=n + 1) / counts.size
    for k in range(n + 1):
        p = comb(n, k) * 0.3**k * 0.7 ** (n - k)
        se = math.sqrt(p * (1 - p) / counts.size)
        assert abs(freq[k] - p) < 4 * se, (k, freq[k], p)


def test_beta_propensity_gives_beta_binomial() -> None:
    camp = make_campaign((3000,))
    a, b = beta_shapes(camp.params)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    n = 4
    counts = exposure_counts(camp, make_plan(rounds(camp, n)), replications=20, seed=3, households=hh)
    freq = np.bincount(counts.ravel(), minlength=n + 1) / counts.size
    for k in range(n + 1):
        p = comb(n, k) * math.exp(betaln(a + k, b + n - k) - betaln(a, b))
        se = math.sqrt(p * (1 - p) / counts.size)
        assert abs(freq[k] - p) < 4 * se, (k, freq[k], p)
    # a binomial with the same mean would be clearly wrong here
    assert freq[0] > 0.7**n + 0.1


def test_callbacks_saturate_as_beta_binomial() -> None:
    camp = make_campaign((3000,))
    a, b = beta_shapes(camp.params)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    plan = make_plan(rounds(camp, 1) + rounds(camp, 2, day0=1, kind="callback"))
    counts = exposure_counts(camp, plan, replications=20, seed=5, households=hh)
    reached = (counts > 0).mean(axis=1)
    assert counts.max() == 1  # callbacks only visit never-contacted households
    within(reached, 1 - math.exp(betaln(a, b + 3) - betaln(a, b)))


def _channels_plan(camp: Campaign, *, banner: bool = True) -> Plan:
    code = camp.geography.villages[0].code
    return make_plan(
        rounds(camp, 1, slot="morning"),
        days=[
            straight_pass(camp, START + dt.timedelta(2), kmh=8),
            straight_pass(camp, START + dt.timedelta(3), t0_s=14 * 3600, kmh=8),
        ],
        banners={code: 1} if banner else None,
    )


DENSE = {"awareness.baseline": 0.0, "household.village_radius_m_per_sqrt_hh": 10}


def _net_and_sainsbury(hh: Households, camp: Campaign, plan: Plan, channels: tuple[str, ...]) -> tuple[float, float, float]:
    r = simulate(camp, plan, replications=60, seed=11, households=hh)
    h = hh.n
    shares = [r.by_channel[c] / h for c in channels]
    assert all(0.05 < s < 0.95 for s in shares), shares
    se = (r.households_reached.p95 - r.households_reached.p05) / 3.29 / math.sqrt(r.replications) / h
    return r.households_reached.mean / h, 1 - float(np.prod([1 - s for s in shares])), se


def test_independent_channels_give_sainsbury() -> None:
    camp = make_campaign((1000,), DENSE)
    hh = degenerate(synthesize_households(camp.geography, camp.params, seed=1), 0.3)
    net, sainsbury, se = _net_and_sainsbury(hh, camp, _channels_plan(camp), ("door", "loudspeaker", "banner"))
    assert abs(net - sainsbury) < 4 * se + 0.002


def test_shared_at_home_state_gives_reach_below_sainsbury() -> None:
    camp = make_campaign((1000,), DENSE)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    net, sainsbury, se = _net_and_sainsbury(hh, camp, _channels_plan(camp, banner=False), ("door", "loudspeaker"))
    assert net < sainsbury - 4 * se - 0.005, (net, sainsbury, se)


# --------------------------------------------------------------------------- response model = simulator mean
NO_DECAY = {"awareness.half_life_weeks": 1e9}


@pytest.mark.parametrize("k", [1, 2])
def test_expected_reach_matches_simulator_mean(k: int) -> None:
    camp = make_campaign((300, 500, 250), {"awareness.wom_rate": 0.2, "awareness.effective_frequency_k": k}, sangkats=2)
    vs = camp.geography.villages
    plan = make_plan(
        rounds(camp, 1) + rounds(camp, 1, day0=5, slot="evening", kind="callback") + rounds(camp, 1, day0=10),
        days=[straight_pass(camp, START + dt.timedelta(3)), straight_pass(camp, START + dt.timedelta(12), t0_s=15 * 3600)],
        forums={vs[0].sangkat_code: 1},
        banners={vs[1].code: 2},
        leaflets=300,
    )
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 150
    res = simulate_detailed(camp, plan, replications=R, households=hh)
    cf = expected_reach(camp, plan, households=hh)
    mc = res.reach
    for name in ("households_reached", "households_aware", "women_reached", "men_reached"):
        band = getattr(mc, name)
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - getattr(cf, name).mean) < 4 * se, (name, band, getattr(cf, name).mean)
    for c in ("door", "loudspeaker", "forum", "banner", "leaflet"):
        assert mc.by_channel[c] == pytest.approx(cf.by_channel[c], rel=0.03, abs=3.0), c
    assert cf.method == "closed-form" and mc.method == "monte-carlo"


def test_village_response_matches_simulator() -> None:
    camp = make_campaign((600,), {**NO_DECAY, "awareness.baseline": 0.25})
    code = camp.geography.villages[0].code
    plan = make_plan(rounds(camp, 2) + rounds(camp, 1, day0=3, kind="callback"), forums={"010201": 1}, banners={code: 1}, leaflets=120)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 300
    mc = simulate(camp, plan, replications=R, households=hh)
    vr = village_response(
        600,
        door_rounds=2,
        callbacks=0,
        loudspeaker_passes=0,
        loudspeaker_share=0.0,
        forum=1,
        banners=1,
        leaflets=120,
        baseline_awareness=0.25,
        params=camp.params,
        weeks=camp.calendar.weeks,
        forum_attendance=min(camp.params["forum.participation_rate"], camp.params["forum.participants"] / 600),
    )
    # one callback after the second round: village_response places callbacks per round
    vr_cb = village_response(
        600, door_rounds=1, callbacks=1, loudspeaker_passes=0, loudspeaker_share=0.0, forum=0, banners=0,
        leaflets=0, baseline_awareness=0.0, params=camp.params, weeks=camp.calendar.weeks,
    )
    assert vr_cb.reached > village_response(
        600, door_rounds=1, callbacks=0, loudspeaker_passes=0, loudspeaker_share=0.0, forum=0, banners=0,
        leaflets=0, baseline_awareness=0.0, params=camp.params, weeks=camp.calendar.weeks,
    ).reached
    mc2 = simulate(camp, make_plan(rounds(camp, 2), forums={"010201": 1}, banners={code: 1}, leaflets=120),
                   replications=R, households=hh)
    for band, exp in ((mc2.households_reached, vr.reached), (mc2.households_aware, vr.aware)):
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - exp) < 4 * se + 0.002 * 600, (band, exp)
    assert mc.households_reached.mean > mc2.households_reached.mean


# --------------------------------------------------------------------------- engine properties
def test_same_seed_same_result_and_chunking_invariant() -> None:
    camp = make_campaign((300, 200))
    plan = _channels_plan(camp)
    r1 = simulate(camp, plan, replications=30)
    r2 = simulate(camp, plan, replications=30, chunk_households=1000)
    assert r1 == r2
    assert r1.seed == camp.seed
    r3 = simulate(camp, plan, replications=30, seed=camp.seed + 1)
    assert r3 != r1


def test_workers_give_identical_result() -> None:
    camp = make_campaign((300, 200, 100))
    plan = _channels_plan(camp)
    assert simulate(camp, plan, replications=20, workers=2) == simulate(camp, plan, replications=20)


def test_common_random_numbers_adding_outings_never_reduces_exposures() -> None:
    camp = make_campaign((300, 200))
    base = _channels_plan(camp)
    more = make_plan(
        list(base.roster.outings) + rounds(camp, 1, day0=8, slot="evening"),
        days=base.tours.days,
        banners=dict(base.allocation.banners_by_village),
    )
    with_cb = make_plan(
        list(base.roster.outings) + rounds(camp, 1, day0=4, kind="callback"),
        days=list(base.tours.days) + [straight_pass(camp, START + dt.timedelta(9))],
        banners=dict(base.allocation.banners_by_village),
    )
    c0 = exposure_counts(camp, base, replications=10)
    for plan in (more, with_cb):
        c1 = exposure_counts(camp, plan, replications=10)
        assert (c1 >= c0).all()
        assert (c1 > c0).any()


def test_synthesis_is_per_village_deterministic() -> None:
    c1 = make_campaign((100, 200, 300))
    h1 = synthesize_households(c1.geography, c1.params, seed=5)
    geo2 = dataclasses.replace(c1.geography, villages=c1.geography.villages[1:])
    h2 = synthesize_households(geo2, c1.params, seed=5)
    assert np.array_equal(h1.x_m[100:], h2.x_m)
    assert np.array_equal(h1.women[100:], h2.women)
    r = np.hypot(h1.x_m[:100] - X0, h1.y_m[:100] - Y0)
    assert r.max() <= c1.params["household.village_radius_m_per_sqrt_hh"] * 10 + 1e-6


def test_household_points_and_priorities_baseline() -> None:
    import pandas as pd

    from outreach.households import households_from_points
    from outreach.model import Estimate, Priorities, VillagePriority

    camp = make_campaign((50, 80))
    vs = camp.geography.villages
    rng = np.random.default_rng(0)
    rows = []
    for v, n in ((vs[1], 30), (vs[0], 20)):  # file order is not village order
        for _ in range(n):
            rows.append({"village_code": v.code, "lon": v.lon + rng.normal(0, 1e-3), "lat": v.lat + rng.normal(0, 1e-3)})
    hh = households_from_points(pd.DataFrame(rows), camp.geography, camp.params, seed=1)
    assert hh.count_by_village().tolist() == [20, 30] and hh.source == "user"
    assert np.all(np.abs(hh.x_m[:20] - vs[0].x_m) < 1000)
    with pytest.raises(ValueError):
        households_from_points(pd.DataFrame([{"village_code": "99999999", "lon": 104.0, "lat": 12.0}]), camp.geography, camp.params, seed=1)

    est = lambda m: Estimate(m, m, m)  # noqa: E731
    pri = Priorities(
        by_village={v.code: VillagePriority(v.code, est(0.9), est(0.5), est(0.1), 1.0, "village") for v in vs},
        by_sangkat={}, district=est(0.9), by_group={}, channel_shares={}, targets={}, respondents=10, method="test",
    )
    plan = make_plan(rounds(camp, 1))
    low = simulate(camp, plan, replications=40, households=hh)
    high = simulate(camp, plan, replications=40, households=hh, priorities=pri)
    cf = expected_reach(camp, plan, pri, households=hh)
    assert high.households_reached == low.households_reached  # baseline does not change exposure
    assert high.households_aware.mean > low.households_aware.mean
    assert abs(high.households_aware.mean - cf.households_aware.mean) < 2.0
    assert high.households_aware.mean >= 0.9 * hh.n - 2.0


def test_vectorised_village_response_matches_scalar_and_is_monotone() -> None:
    from outreach.response import village_response_array

    params = resolve()
    rounds_ = np.array([0, 1, 2, 3])
    passes = np.array([[0], [1], [2]])
    arr = village_response_array(
        200, door_rounds=rounds_, callbacks=1, loudspeaker_passes=passes, loudspeaker_share=0.4, forum=0,
        banners=1, leaflets=20, baseline_awareness=0.3, params=params,
    )
    assert arr.reached.shape == (3, 4)
    one = village_response(
        200, door_rounds=2, callbacks=1, loudspeaker_passes=1, loudspeaker_share=0.4, forum=0, banners=1,
        leaflets=20, baseline_awareness=0.3, params=params,
    )
    assert one.reached == pytest.approx(arr.reached[1, 2]) and one.aware == pytest.approx(arr.aware[1, 2])
    assert np.all(np.diff(arr.reached, axis=0) > 0) and np.all(np.diff(arr.reached, axis=1) > 0)
    assert np.all(np.diff(arr.aware, axis=1) > 0)
    assert np.all(arr.aware >= 0.3 * 200) and np.all(arr.reached <= 200)
    # diminishing returns of door rounds (heterogeneity saturates)
    d = np.diff(arr.reached[0])
    assert np.all(np.diff(d) < 0)


def test_village_response_with_loudspeaker_matches_simulator() -> None:
    camp = make_campaign((800,), {**NO_DECAY, **DENSE})
    plan = make_plan(
        rounds(camp, 1, slot="afternoon"),
        days=[straight_pass(camp, START + dt.timedelta(1), kmh=8), straight_pass(camp, START + dt.timedelta(3), kmh=8)],
    )
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    counts = plan_exposures(camp, plan, hh).counts
    assert counts["loudspeaker_passes"][0] == 2 and 0.1 < counts["loudspeaker_share"][0] < 0.9
    vr = village_response(
        800, door_rounds=1, callbacks=0, loudspeaker_passes=2, loudspeaker_share=float(counts["loudspeaker_share"][0]),
        forum=0, banners=0, leaflets=0, baseline_awareness=0.0, params=camp.params, weeks=camp.calendar.weeks,
    )
    R = 200
    mc = simulate(camp, plan, replications=R, households=hh)
    for band, exp in ((mc.households_reached, vr.reached), (mc.households_aware, vr.aware)):
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - exp) < 4 * se, (band, exp)
