"""The loudspeaker's path through a village, checked against hand calculations.

Hand values for the default acoustics (rural village, 45 dB(A) ambient, +10 dB
SNR, barrier 7 dB, foliage 0.05 dB/m, ISO 9613-2 ground with hm = 1.75 m):
the intelligible radius solves 110 − 20 log r − 0.008 r − Agr(r) − 7 − 0.05 r = 55,
which gives r = 88.1 m (at 88.1 m: 38.90 + 0.70 + 3.99 + 7 + 4.41 = 55.0 dB lost).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from outreach.acoustics import exposure_seconds, radius_by_setting
from outreach.broadcast import BroadcastSettings, choose_settings, village_broadcast
from outreach.parameters import DEFAULTS

PARAMS = {k: p.value for k, p in DEFAULTS.items()}
R_RURAL = 88.1  # hand value, see the module docstring
SPEEDS = (10.0, 20.0)


def _grid(cols: int, rows: int, step: float) -> np.ndarray:
    u = (np.arange(cols) - (cols - 1) / 2) * step
    w = (np.arange(rows) - (rows - 1) / 2) * step
    return np.array([(x, y) for y in w for x in u], float)


def test_radius_matches_the_hand_value():
    assert radius_by_setting(PARAMS)["rural"] == pytest.approx(R_RURAL, abs=0.1)


def test_settings_take_the_speed_that_covers_fastest():
    # v* = sqrt(2) r / h = 1.4142 * 88.1 / 30 = 4.153 m/s = 14.95 km/h; lanes then sqrt(2) r = 124.6 m apart.
    s = choose_settings(R_RURAL, message_s=30, repeats=1, speed_range_kmh=SPEEDS)
    assert s.mode == "drive"
    assert s.speed_kmh == pytest.approx(14.95, abs=0.01)
    assert s.spacing_m == pytest.approx(124.6, abs=0.1)
    # any other speed in the range covers a square metre more slowly
    for v in (10.0, 12.0, 18.0, 20.0):
        chord = v / 3.6 * 30 / 2
        other = BroadcastSettings("drive", v, 30, 1, R_RURAL, 2 * math.sqrt(R_RURAL ** 2 - chord ** 2))
        assert other.seconds_per_m2() > s.seconds_per_m2()


def test_loud_places_are_covered_by_stopping():
    # roadside: r = 21.7 m; even at 10 km/h a 30 s message needs a 83 m chord > 2r, so the vehicle stops.
    r = radius_by_setting(PARAMS)["roadside"]
    s = choose_settings(r, message_s=30, repeats=1, speed_range_kmh=SPEEDS)
    assert s.mode == "stop" and s.spacing_m == pytest.approx(math.sqrt(2) * r)


def test_one_pass_through_150_households_matches_the_hand_count():
    # 150 households at fixed positions: 15 along the village's long axis (x) by 10 rows across it,
    # 20 m apart, so the rows sit at offsets ±10, ±30, ±50, ±70, ±90 m from the middle. One lane
    # along the long axis (lane spacing wider than the village). Hand count: a household at offset d
    # hears the whole 30 s message when the chord 2 sqrt(r^2 - d^2) >= v h = 4.153 * 30 = 124.6 m,
    # i.e. d <= 62.3 m: the 6 rows at ±10, ±30, ±50 m, 90 households. At d = 70 m the chord is 107 m
    # (25.8 s, not enough). Lanes run 62.3 m past the last household, so the ends hear a full chord.
    pts = _grid(15, 10, 20.0)
    s = choose_settings(R_RURAL, message_s=30, repeats=1, speed_range_kmh=SPEEDS)
    one_lane = BroadcastSettings(s.mode, s.speed_kmh, s.message_s, s.repeats, s.radius_m, 1_000.0)
    vb = village_broadcast(pts, (0.0, 0.0), one_lane)
    assert vb.lanes == 1
    secs, _ = exposure_seconds(pts, R_RURAL, vb.path, vb.broadcast)
    hand = 90 / 150
    assert abs((secs >= 30).mean() - hand) <= 0.05 * hand
    # the lane runs along x: the households that hear are exactly those within 62.3 m of it
    assert set(np.flatnonzero(secs >= 30)) == set(np.flatnonzero(np.abs(pts[:, 1]) <= 62.3))


def test_full_lane_pattern_reaches_every_household_and_times_the_path():
    pts = _grid(12, 13, 25.0)
    s = choose_settings(R_RURAL, message_s=30, repeats=1, speed_range_kmh=SPEEDS)
    vb = village_broadcast(pts, (0.0, 0.0), s)
    secs, _ = exposure_seconds(pts, R_RURAL, vb.path, vb.broadcast)
    assert (secs >= 30).all()
    # time is length over speed (drive mode has no dwell)
    assert vb.duration_s == pytest.approx(vb.length_m / (s.speed_kmh / 3.6))
    # 13 rows 25 m apart span 300 m: ceil(300 / 124.6) = 3 lanes
    assert vb.lanes == 3


def test_a_time_cap_keeps_the_busiest_band_of_lanes():
    rng = np.random.default_rng(3)
    dense = rng.normal(0, 30, (120, 2))
    sparse = np.column_stack([rng.uniform(-300, 300, 30), rng.uniform(250, 600, 30)])
    pts = np.vstack([dense, sparse])
    s = choose_settings(R_RURAL, message_s=30, repeats=1, speed_range_kmh=SPEEDS)
    full = village_broadcast(pts, (0.0, 0.0), s)
    capped = village_broadcast(pts, (0.0, 0.0), s, max_s=full.duration_s / 2)
    assert capped.duration_s <= full.duration_s / 2
    assert capped.households_covered >= 120  # the dense core is kept
    assert capped.households_covered < full.households_covered


def test_stop_mode_dwells_for_the_whole_message():
    r = 21.7
    s = choose_settings(r, message_s=30, repeats=2, speed_range_kmh=SPEEDS)
    vb = village_broadcast(_grid(3, 3, 15.0), (0.0, 0.0), s)
    dwell = np.diff(vb.path[:, 2])[vb.broadcast[:-1] & (np.hypot(*np.diff(vb.path[:, :2], axis=0).T) == 0)]
    assert len(dwell) >= 1 and np.allclose(dwell, 60.0)


def test_campaigns_that_differ_only_in_response_parameters_share_their_broadcast_paths(demo_campaign):
    """The posterior's draws change response parameters only: one laying of the paths serves them all, while a
    change of a path parameter (time in a village) or of the seed lays them again, as plan_broadcasts would."""
    from dataclasses import replace

    from outreach.broadcast import campaign_broadcasts, plan_broadcasts

    first = campaign_broadcasts(demo_campaign)
    draw = replace(demo_campaign, params={**demo_campaign.params, "awareness.p_door": 0.5,
                                          "canvass.p_answer_first_visit": 0.3})
    assert campaign_broadcasts(draw) is first
    for other in (replace(demo_campaign, params={**demo_campaign.params, "loudspeaker.max_village_minutes": 10.0}),
                  replace(demo_campaign, params={**demo_campaign.params, "household.village_radius_m_per_sqrt_hh":
                                                 2 * demo_campaign.params["household.village_radius_m_per_sqrt_hh"]}),
                  replace(demo_campaign, seed=demo_campaign.seed + 1)):
        got = campaign_broadcasts(other)
        fresh = plan_broadcasts(other)
        assert got is not first
        assert all(_same(got[c].path, fresh[c].path) for c in fresh)
        # the change shows in some village's path, so a cache hit would have given wrong paths
        assert any(not _same(got[c].path, first[c].path) for c in fresh)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b))
