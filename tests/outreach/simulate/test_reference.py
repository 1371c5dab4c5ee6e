"""The Monte Carlo against an independent slow reference, one channel at a time, and acoustics by hand.

:mod:`tests.outreach.simulate.reference` re-derives the model from its
documentation with loops and :class:`random.Random`, sharing no helper with
the product. Each test builds a tiny area (households at fixed positions), a
plan that switches on one channel, and checks that the vectorised simulator
(:func:`outreach.simulate.simulate_village`, the engine's per-village draw,
whose sums :func:`outreach.simulate.simulate` reports) agrees with the
reference: ``|mean_product - mean_reference| <= 4 SE`` of the difference, the
standard error from both sets of replications. Where the closed form
(:func:`outreach.simulate.expected_reach`) is exact (no callbacks, no word of
mouth) it is held to the reference the same way. Seeds are fixed, so every
run gives the same result.

Planted in the product one at a time, each makes at least one test here fail:
word of mouth ratio inverted or rate halved, foliage max for min, retention
sign or days for weeks, mid-campaign date, door at-home probability 1 - p
(Monte Carlo and closed form), evening/weekend exponent dropped, callbacks to
any household, rounds restarting the walk, banner rate doubled or week
midpoints off, forum distance decay inverted, loudspeaker radius halved or squared,
a leaflet at every door contact instead of the first (Monte Carlo and closed form), no
leaflet at a forum (Monte Carlo), leaflet reach ignoring forums (closed form).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from outreach import acoustics
from outreach.geo import to_wgs84
from outreach.households import Households
from outreach.media import MEDIA
from outreach.model import Calendar, Campaign, Outing, Plan, Stop, VehicleDay, Village
from outreach.parameters import resolve
from outreach.response import CHANNELS
from outreach.simulate import (
    bare_campaign,
    bare_geography,
    bare_plan,
    expected_reach,
    plan_exposures,
    simulate,
    simulate_village,
)
from outreach.simulate.people import MET_KEYS
from tests.outreach.simulate.reference import PEOPLE, Point, intelligible_radius, level_db, simulate_reference

START = dt.date(2024, 1, 1)  # a Monday
X0, Y0 = 500_000.0, 1_380_000.0
SEED = 20240101
R_PRODUCT = 4000
R_REFERENCE = 3000
ISOLATE = {"awareness.baseline": 0.0, "awareness.wom_rate": 0.0}  # one channel, nothing on top
NO_DECAY = {"awareness.half_life_weeks": 1e9}


# --------------------------------------------------------------------------- tiny areas
def village(i: int, h: int, *, dx_m: float = 0.0, sangkat: str = "010201", setting: str = "rural",
            market: bool = False) -> Village:
    x, y = X0 + dx_m, Y0
    lon, lat = to_wgs84(x, y)
    return Village(f"{sangkat}{i + 1:02d}", f"V{i}", "", sangkat, "0102", "01", float(lon), float(lat), x, y, h,
                   setting=setting, market=market)  # type: ignore[arg-type]


def layout(v: Village, spread_m: float = 1.0) -> list[Point]:
    """Fixed positions: alternately north and south of the east-west road through the village point,
    5 m + 3 m per household (x ``spread_m``) off it, scattered along it within 100 m."""
    pts = []
    for i in range(v.households):
        dy = (5.0 + 3.0 * i) * spread_m * (1 if i % 2 == 0 else -1)
        dx = (((i * 37) % 200) - 100.0) * spread_m
        pts.append((v.x_m + dx, v.y_m + dy))
    return pts


def campaign(villages: Sequence[Village], params: Mapping[str, float], weeks: int = 4) -> Campaign:
    p = resolve()
    p.update(params)
    return bare_campaign(bare_geography(villages), p, Calendar(START, weeks), seed=SEED, name="ref")


def households(camp: Campaign, points: Mapping[str, Sequence[Point]]) -> Households:
    """The fixed positions as product households (Beta shapes ``mu c``, ``(1 - mu) c`` written out)."""
    codes = tuple(v.code for v in camp.geography.villages)
    counts = [len(points[c]) for c in codes]
    xy = np.array([pt for c in codes for pt in points[c]], float)
    n = len(xy)
    mu, c = camp.params["canvass.p_answer_first_visit"], camp.params["canvass.at_home_beta_concentration"]
    return Households(
        village_codes=codes, village=np.repeat(np.arange(len(codes), dtype=np.int32), counts),
        x_m=xy[:, 0].copy(), y_m=xy[:, 1].copy(), women=np.full(n, 2, np.int16), men=np.full(n, 2, np.int16),
        at_home_a=np.full(n, mu * c, np.float32), at_home_b=np.full(n, (1 - mu) * c, np.float32),
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), source="user",
    )


def outing(day: int, slot: str, visits: Sequence[tuple[Village, int]], kind: str = "round") -> Outing:
    return Outing("p1", START + dt.timedelta(day), slot, tuple((v.code, n) for v, n in visits), kind)  # type: ignore


def drive(camp: Campaign, day: int, t0_s: float, kmh: float, stop_at: Village | None = None,
          stop_s: float = 60.0) -> VehicleDay:
    """East along the road through every village point, broadcasting; a stop of ``stop_s`` at ``stop_at``."""
    vs = sorted(camp.geography.villages, key=lambda v: v.x_m)
    xs = [vs[0].x_m - 1500.0] + [v.x_m for v in vs] + [vs[-1].x_m + 1500.0]
    pts, t = [], t0_s
    for i, x in enumerate(xs):
        if i:
            t += (x - xs[i - 1]) / (kmh / 3.6)
        pts.append((x, t))
        if stop_at is not None and 0 < i < len(xs) - 1 and vs[i - 1].code == stop_at.code:
            t += stop_s
            pts.append((x, t))
    lon, lat = to_wgs84(np.array([p[0] for p in pts]), np.full(len(pts), Y0))
    path = tuple((float(a), float(b), float(p[1])) for a, b, p in zip(lon, lat, pts))
    stops = tuple(Stop(v.code, t0_s, t0_s) for v in vs)
    return VehicleDay("tuk1", START + dt.timedelta(day), stops, path, (True,) * len(path),
                      (xs[-1] - xs[0]) / 1000.0, t - t0_s, 1.0)


# --------------------------------------------------------------------------- the comparison
def product_draws(camp: Campaign, plan: Plan, hh: Households) -> dict[str, np.ndarray]:
    """Per-replication totals of the vectorised simulator (and the engine's means agree with them)."""
    ex = plan_exposures(camp, plan, hh)
    draws = [simulate_village(ex, v, R_PRODUCT, SEED) for v in range(len(ex.villages))]
    out: dict[str, np.ndarray] = {}
    for code, d in zip(hh.village_codes, draws):
        out[f"reached@{code}"], out[f"aware@{code}"] = d.reached, d.aware
        for i, c in enumerate(CHANNELS + ("word_of_mouth",)):
            out[f"{c}@{code}"] = d.channel[i]
        for i, (c, sex) in enumerate(MET_KEYS):
            out[f"{c}_{sex}@{code}"] = d.met[i]
        for i, c in enumerate(MEDIA):
            out[f"{c}@{code}"] = d.media[i]
    for key in ("reached", "aware") + CHANNELS + MEDIA + ("word_of_mouth",) + PEOPLE:
        out[key] = np.sum([out[f"{key}@{code}"] for code in hh.village_codes], axis=0)
    reach = simulate(camp, plan, replications=R_PRODUCT, seed=SEED, households=hh)
    assert reach.households_reached.mean == pytest.approx(out["reached"].mean(), rel=1e-12)
    assert reach.households_aware.mean == pytest.approx(out["aware"].mean(), rel=1e-12)
    return out


def agree(prod: np.ndarray, ref: Sequence[int], what: str) -> None:
    """Means within 4 standard errors of their difference."""
    r = np.asarray(ref, float)
    se = math.sqrt(prod.var(ddof=1) / prod.size + r.var(ddof=1) / r.size)
    diff = float(prod.mean() - r.mean())
    assert abs(diff) <= 4.0 * se + 1e-9, f"{what}: product {prod.mean():.4f} vs reference {r.mean():.4f} (se {se:.4f})"


def agree_closed_form(value: float, ref: Sequence[int], what: str) -> None:
    r = np.asarray(ref, float)
    se = float(r.std(ddof=1)) / math.sqrt(r.size)
    assert abs(value - r.mean()) <= 4.0 * se + 1e-9, f"{what}: closed form {value:.4f} vs reference {r.mean():.4f}"


def check(camp: Campaign, plan: Plan, points: Mapping[str, Sequence[Point]], keys: Sequence[str], *,
          closed_form: bool = True) -> dict[str, list[int]]:
    """Product and reference agree on ``keys`` (in the area and in each village); the closed form too
    when it is exact for the plan (area totals)."""
    hh = households(camp, points)
    prod = product_draws(camp, plan, hh)
    ref = simulate_reference(camp, plan, points, replications=R_REFERENCE, seed=SEED)
    for key in keys:  # the whole area and each village
        agree(prod[key], ref[key], key)
        if len(points) > 1:
            for code in points:
                agree(prod[f"{key}@{code}"], ref[f"{key}@{code}"], f"{key}@{code}")
    if closed_form:
        cf = expected_reach(camp, plan, households=hh)
        agree_closed_form(cf.households_reached.mean, ref["reached"], "reached")
        agree_closed_form(cf.households_aware.mean, ref["aware"], "aware")
        for key in set(keys) & set(CHANNELS + MEDIA):
            agree_closed_form(cf.exposure_by_channel[key], ref[key], key)
    return ref


def mean(ref: Sequence[int]) -> float:
    return sum(ref) / len(ref)


# --------------------------------------------------------------------------- one channel at a time
def test_door_rounds_callbacks_evenings_and_weekends_match_reference() -> None:
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, **NO_DECAY})
    plan = bare_plan("ref", outings=[
        outing(0, "morning", [(v, 25)]),  # households 0-24
        outing(1, "evening", [(v, 25)]),  # 25-39 then 0-9: the walking order wraps
        outing(3, "afternoon", [(v, 10)], "callback"),
        outing(5, "morning", [(v, 40)]),  # a Saturday
        outing(7, "morning", [(v, 40)], "callback"),
    ])
    # the closed form approximates callbacks (expected_reach's docstring): held to the Monte Carlo elsewhere
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware", "door") + PEOPLE[:2], closed_form=False)
    assert 10 < mean(ref["door"]) < 35


def test_loudspeaker_driving_and_stopping_match_reference() -> None:
    rural, market = village(0, 40), village(1, 30, dx_m=3000.0, market=True)
    camp = campaign([rural, market], {**ISOLATE, **NO_DECAY})
    plan = bare_plan("ref", days=[
        drive(camp, 2, 9 * 3600, 8.0, stop_at=market),  # Wednesday morning
        drive(camp, 5, 15 * 3600, 8.0, stop_at=market),  # Saturday afternoon: the weekend exponent
    ])
    points = {rural.code: layout(rural), market.code: layout(market, 0.3)}
    ref = check(camp, plan, points, ("reached", "aware", "loudspeaker") + PEOPLE[2:])
    assert 5 < mean(ref["loudspeaker"]) < 40


def test_forums_match_reference() -> None:
    venue, far = village(0, 40), village(1, 30, dx_m=1500.0)
    # few participants, so attendance follows the distance to the venue instead of the participation cap
    camp = campaign([venue, far], {**ISOLATE, "forum.participants": 15})
    plan = bare_plan("ref", forums={venue.sangkat_code: 2})
    ref = check(camp, plan, {venue.code: layout(venue), far.code: layout(far)}, ("reached", "aware", "forum"))
    assert 10 < mean(ref["forum"]) < 40


def test_banners_match_reference() -> None:
    v = village(0, 40)
    camp = campaign([v], ISOLATE, weeks=6)
    plan = bare_plan("ref", banners={v.code: 3})
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware", "banner"))
    assert 0.5 < mean(ref["banner"]) < 6


def test_banner_reach_saturates_at_the_readers() -> None:
    """Many noticings (4.3 per household on average) reach the readers (30 %, 12 of 40), not the whole village as
    independent noticings would (1 - exp(-4.32): 98.7 %)."""
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, "banner.reader_share": 0.3, "awareness.p_banner_pass": 0.08,
                          "banner.passes_per_week": 3}, weeks=6)
    plan = bare_plan("ref", banners={v.code: 3})
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware", "banner"))
    assert 8 < mean(ref["banner"]) < 16


def test_leaflets_match_reference() -> None:
    """Leaflets at the first door contact of two rounds (a wrapping walk) or left where nobody answered, and at
    each forum attended."""
    a, b = village(0, 40), village(1, 30, dx_m=3000.0)
    camp = campaign([a, b], {**ISOLATE, "awareness.p_leaflet": 0.3, "forum.participants": 15})
    outs = [outing(1, "morning", [(a, 25)]), outing(9, "evening", [(a, 25)])]
    plan = bare_plan("ref", outings=outs, forums={a.sangkat_code: 2}, leaflets=1)
    ref = check(camp, plan, {a.code: layout(a), b.code: layout(b)}, ("reached", "aware", "leaflet", "door"))
    # village b has no door visit, so its leaflets came from the forums alone
    assert 0 < mean(ref[f"leaflet@{b.code}"]) == pytest.approx(mean(ref[f"forum@{b.code}"]))
    assert mean(ref["leaflet"]) < mean(ref["reached"]) + 1e-9


@pytest.mark.parametrize(("k", "left"), [(1, 0.0), (2, 0.0), (1, 0.8), (2, 0.8)])
def test_one_leaflet_per_household_at_its_first_contact(k: int, left: float) -> None:
    """Hand case: door memories off, no decay, three full rounds: one leaflet memory at most per household, so
    aware = p_leaflet x households given one with k = 1, and nobody with k = 2. A household has none after
    three visits when nobody answered any (``H - met`` in expectation) and none was left: ``(1 - l)^3``."""
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, **NO_DECAY, "awareness.p_door": 0.0, "awareness.p_leaflet": 0.3,
                          "awareness.effective_frequency_k": k, "leaflet.left_when_absent": left})
    plan = bare_plan("ref", outings=[outing(d, "evening", [(v, 40)]) for d in (1, 8, 15)], leaflets=1)
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware", "leaflet", "door"))
    cf = expected_reach(camp, plan, households=households(camp, {v.code: layout(v)}))
    met = cf.exposure_by_channel["door"]
    given = 40 - (40 - met) * (1 - left) ** 3
    assert cf.households_aware.mean == pytest.approx(0.3 * given if k == 1 else 0.0, rel=1e-6, abs=1e-9)
    assert cf.exposure_by_channel["leaflet"] == pytest.approx(given, rel=1e-9) and 15 < met < 40
    assert cf.households_reached.mean == pytest.approx(given, rel=1e-9)
    assert abs(mean(ref["aware"]) - (0.3 * mean(ref["leaflet"]) if k == 1 else 0.0)) < 0.5


def test_leaflets_without_a_contact_reach_nobody() -> None:
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, "awareness.p_leaflet": 0.3})
    plan = bare_plan("ref", leaflets=40)
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware", "leaflet"))
    assert mean(ref["reached"]) == 0 and mean(ref["leaflet"]) == 0


def test_district_wide_channels_match_reference() -> None:
    """Social media, radio, partner NGOs, village chiefs and group events over two villages, beside a door round."""
    a, b = village(0, 40), village(1, 30, dx_m=3000.0)
    camp = campaign([a, b], {**ISOLATE, "social_media.weekly_reach": 0.5, "awareness.p_social_media": 0.3,
                             "awareness.p_radio": 0.4, "ngo.households_per_meeting": 20, "awareness.p_ngo": 0.6,
                             "event.people_met": 20, "awareness.p_event": 0.7})
    plan = bare_plan("ref", outings=[outing(1, "morning", [(a, 40)])])
    plan = dataclasses.replace(plan, allocation=dataclasses.replace(
        plan.allocation, media={"social_media": 3, "radio": 2, "partner_ngo": 2, "village_chief": 1,
                                "group_event": 3}))
    ref = check(camp, plan, {a.code: layout(a), b.code: layout(b)},
                ("reached", "aware", "door", "social_media", "radio", "partner_ngo", "village_chief", "group_event"))
    assert 10 < mean(ref["partner_ngo"]) < 40 and 20 < mean(ref["social_media"]) < 60


@pytest.mark.parametrize("channel", ["engaged", "informed"])
def test_word_of_mouth_matches_reference(channel: str) -> None:
    v = village(0, 40)
    camp = campaign([v], {"awareness.wom_rate": 0.2, "awareness.p_banner_pass": 0.08, "awareness.baseline": 0.2,
                          "banner.reader_share": 0.16})
    if channel == "engaged":  # door contacts tell others at the full rate
        plan = bare_plan("ref", outings=[outing(0, "morning", [(v, 40)]), outing(2, "morning", [(v, 40)])])
    else:  # banner readers at the rate divided by wom_engaged_vs_informed
        plan = bare_plan("ref", banners={v.code: 4})
    ref = check(camp, plan, {v.code: layout(v)}, ("aware", "word_of_mouth"), closed_form=False)
    assert mean(ref["word_of_mouth"]) > 0.05  # the channel is exercised (banner readers are few: 16 %)


def test_word_of_mouth_from_left_leaflets_matches_reference() -> None:
    """Door memories off, leaflets everywhere: a leaflet handed over engages, one left at the door informs only
    (word of mouth from it at the rate divided by wom_engaged_vs_informed)."""
    v = village(0, 40)
    camp = campaign([v], {"awareness.wom_rate": 0.2, "awareness.p_door": 0.0, "awareness.p_leaflet": 0.3,
                          "awareness.baseline": 0.0, "leaflet.left_when_absent": 1.0,
                          "awareness.wom_engaged_vs_informed": 10.0})
    plan = bare_plan("ref", outings=[outing(0, "morning", [(v, 40)])], leaflets=1)
    ref = check(camp, plan, {v.code: layout(v)}, ("aware", "word_of_mouth"), closed_form=False)
    assert mean(ref["word_of_mouth"]) > 0.05


def test_retention_to_the_survey_date_matches_reference() -> None:
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, "awareness.half_life_weeks": 2.0}, weeks=8)
    plan = bare_plan("ref", outings=[outing(d, "morning", [(v, 40)]) for d in (1, 22, 52)], leaflets=20)
    ref = check(camp, plan, {v.code: layout(v)}, ("reached", "aware"))
    # the memories of the first visit are mostly gone by the end: aware well below contacted
    assert mean(ref["aware"]) < 0.8 * mean(ref["door"])


def test_door_and_loudspeaker_on_one_occasion_leave_independent_memories() -> None:
    v = village(0, 40)
    camp = campaign([v], {**ISOLATE, **NO_DECAY})
    plan = bare_plan("ref", outings=[outing(2, "morning", [(v, 40)])], days=[drive(camp, 2, 9 * 3600, 8.0)])
    # one at-home state per occasion (documented): reach agrees; then memories p_door and p_loudspeaker each
    check(camp, plan, {v.code: layout(v)}, ("reached", "door", "loudspeaker", "aware"), closed_form=False)


# --------------------------------------------------------------------------- acoustics by hand
# ISO 9613-2 style, as the product defines it (acoustics module docstring), defaults of outreach.parameters:
#   Lp(r) = Lw - 20 log10(r) - 11 - alpha r / 1000 - Agr(r) - A_barrier - A_foliage
#   Lw - 11 = L1 = loudspeaker.speech_laeq_1m_db = 110 dB (the product states the level at 1 m, i.e. Lw = 121 dB)
#   alpha = 8 dB/km; Agr = max(0, 4.8 - (2 hm / r)(17 + 300 / r)), hm = 1.75 m; A_barrier = 7 dB (row of houses);
#   A_foliage = 0.05 dB/m x min(r, 200 m)
# Each row: r, barrier?, 20 log10 r, alpha r / 1000, Agr, A_barrier, A_foliage, Lp.
HAND_LEVELS = [
    (50.0, True, 33.9794, 0.4000, 3.1900, 7.0, 2.500, 62.9306),  # Agr = 4.8 - 0.07 x 23
    (100.0, True, 40.0000, 0.8000, 4.1000, 7.0, 5.000, 53.1000),  # Agr = 4.8 - 0.035 x 20
    (250.0, True, 47.9588, 2.0000, 4.5452, 7.0, 10.000, 38.4960),  # foliage capped at 200 m
    (137.0, False, 42.7344, 1.0960, 4.3098, 0.0, 6.850, 55.0098),
    (261.5, False, 48.3494, 2.0920, 4.5571, 0.0, 10.000, 45.0015),
]


@pytest.mark.parametrize("r, barrier, spread, air, ground, bar, fol, level", HAND_LEVELS)
def test_speech_level_matches_hand_arithmetic(r, barrier, spread, air, ground, bar, fol, level) -> None:
    lw = 121.0
    assert lw - spread - 11.0 - air - ground - bar - fol == pytest.approx(level, abs=1e-3)  # the row adds up
    p = resolve()
    kw = acoustics._level_kwargs(p, acoustics.Propagation(barrier=barrier))
    assert float(acoustics.speech_level_db(r, **kw)) == pytest.approx(level, abs=2e-3)
    assert level_db(r, p, barrier=barrier) == pytest.approx(level, abs=2e-3)  # and the reference


# (setting ambient + SNR = required level; barrier?; r where Lp is above it; r where Lp is below it)
#   rural + 10 dB: Lp(88.1) = 110 - 38.8995 - 0.7048 - 3.9893 - 7 - 4.405 = 55.0013 > 55
#                  Lp(88.2) = 110 - 38.9094 - 0.7056 - 3.9904 - 7 - 4.410 = 54.9846 < 55
#   rural + 10 dB, no barrier: Lp(137.0) = 55.0098 > 55; Lp(137.1) = 110 - 42.7407 - 1.0968 - 4.3101 - 6.855
#                  = 54.9973 < 55
#   rural + 0 dB (audible), no barrier, foliage capped: Lp(261.5) = 45.0015 > 45;
#                  Lp(261.6) = 110 - 48.3528 - 2.0928 - 4.5572 - 10 = 44.9972 < 45
HAND_RADII = [(45.0, 10.0, True, 88.1, 88.2), (45.0, 10.0, False, 137.0, 137.1), (45.0, 0.0, False, 261.5, 261.6)]


@pytest.mark.parametrize("ambient, snr, barrier, above, below", HAND_RADII)
def test_intelligible_radius_lies_between_hand_computed_levels(ambient, snr, barrier, above, below) -> None:
    p = resolve()
    prop = acoustics.Propagation(barrier=barrier)
    r = float(acoustics.intelligible_radius_m(ambient, p, snr_db=snr, propagation=prop))
    assert above < r < below


def test_simulator_radius_by_setting_matches_hand_bracket_and_reference() -> None:
    """What the simulator uses (default propagation): rural 88.1-88.2 m; the reference's own root agrees."""
    p = resolve()
    radii = acoustics.radius_by_setting(p)
    assert 88.1 < radii["rural"] < 88.2
    for v in (village(0, 1), village(0, 1, setting="periurban"), village(0, 1, market=True)):
        product = radii["roadside" if v.market else v.setting]
        assert intelligible_radius(v, p) == pytest.approx(product, abs=1e-6)
