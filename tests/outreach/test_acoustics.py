"""Loudspeaker propagation: reference table, ISO ground term, exposure chords."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from outreach.acoustics import (
    Propagation,
    ambient_dba,
    distance_to_polyline_m,
    exposure_seconds,
    ground_attenuation_db,
    intelligible_radius_m,
    radius_by_setting,
    radius_for_level,
    speech_level_db,
)
from outreach.parameters import resolve

# simulation-parameters.md "Derived radius": L1 = 110 dB, alpha = 8 dB/km, hm = 1.75 m, houses = -10 dB
TABLE = {  # ambient: (+10 open, +10 houses, +15 open, +15 houses, audible open)
    45: (262, 101, 164, 63, 597),
    50: (164, 63, 101, 40, 404),
    55: (101, 40, 63, 27, 262),
    65: (40, 17, 27, 10, 101),
}
COLUMNS = ((10, 0.0), (10, 10.0), (15, 0.0), (15, 10.0), (0, 0.0))
REF = dict(l1_db=110.0, absorption_db_per_km=8.0, receiver_height_m=1.75)


@pytest.mark.parametrize("ambient", sorted(TABLE))
def test_reproduces_reference_radius_table(ambient: int) -> None:
    req = np.array([ambient + snr for snr, _ in COLUMNS], float)
    got = np.array([radius_for_level(r, barrier_db=b, **REF) for r, (_, b) in zip(req, COLUMNS)])
    np.testing.assert_allclose(got, TABLE[ambient], rtol=0.15)


def test_ground_term_matches_iso_values() -> None:
    g = ground_attenuation_db([10.0, 100.0, 300.0, 1e6])
    assert g[0] == 0.0  # negative values are clipped
    assert g[1] == pytest.approx(4.1, abs=0.1)
    assert g[2] == pytest.approx(4.6, abs=0.1)
    assert g[3] == pytest.approx(4.8, abs=1e-3)


def test_level_falls_6db_per_doubling_without_other_terms() -> None:
    level = speech_level_db([10.0, 20.0, 40.0], absorption_db_per_km=0.0, receiver_height_m=1e-9)
    np.testing.assert_allclose(np.diff(level), -20 * np.log10(2), atol=1e-6)


def test_vectorised_radius_agrees_with_scalar_root() -> None:
    params = resolve()
    amb = ambient_dba(np.array(["rural", "periurban", "roadside", "rural"]), params, market=[False, False, False, True])
    assert amb.tolist() == [45, 55, 65, 65]
    r = intelligible_radius_m(amb, params)
    kw = dict(
        l1_db=params["loudspeaker.speech_laeq_1m_db"],
        absorption_db_per_km=params["loudspeaker.atm_absorption_db_per_km"],
        receiver_height_m=params["loudspeaker.ground_receiver_height_m"],
        barrier_db=params["loudspeaker.house_row_barrier_db"],
        foliage_db_per_m=params["loudspeaker.foliage_db_per_m"],
        foliage_cap_m=params["loudspeaker.foliage_cap_m"],
    )
    for a, got in zip(amb, r):
        target = a + params["loudspeaker.snr_intelligible_db"]
        root = brentq(lambda x, target=target: float(speech_level_db(x, **kw)) - target, 1.0, 5000.0)
        assert got == pytest.approx(root, rel=1e-6)
    assert r[0] > r[1] > r[2]
    # indoors and off-axis are quieter
    base = radius_by_setting(params)
    worse = radius_by_setting(params, propagation=Propagation(off_axis=True, indoor=True))
    assert all(worse[k] < base[k] for k in base)


def test_radius_edge_cases() -> None:
    assert radius_for_level(200.0, **REF) == 0.0
    assert radius_for_level(-100.0, r_max_m=1000.0, **REF) == 1000.0


# simulation-parameters.md "Exposure time": chord 2 sqrt(R^2 - d^2) / v
@pytest.mark.parametrize(
    "R,d,kmh,expected",
    [(60, 10, 10, 43), (60, 10, 15, 28), (100, 10, 15, 48), (100, 50, 15, 42), (160, 30, 20, 57), (100, 50, 20, 31)],
)
def test_exposure_chord_matches_reference(R: float, d: float, kmh: float, expected: float) -> None:
    v = kmh / 3.6
    path = [[-2000.0, 0.0, 0.0], [0.0, 0.0, 2000.0 / v], [2000.0, 0.0, 4000.0 / v]]  # two segments
    secs, mid = exposure_seconds([[0.0, d]], R, path)
    assert secs[0] == pytest.approx(expected, abs=1.0)
    assert mid[0] == pytest.approx(2000.0 / v, abs=1e-6)  # symmetric around the closest point


def test_exposure_respects_broadcast_flags_stops_and_range() -> None:
    v = 15 / 3.6
    path = [[-1000.0, 0.0, 0.0], [0.0, 0.0, 1000 / v], [0.0, 0.0, 1000 / v + 120], [1000.0, 0.0, 2000 / v + 120]]
    pts = [[0.0, 10.0], [0.0, 500.0], [-500.0, 0.0]]
    on = [True, True, True, True]
    secs, _ = exposure_seconds(pts, 100.0, path, on)
    chord = 2 * np.sqrt(100**2 - 10**2) / v
    assert secs[0] == pytest.approx(chord + 120.0)  # the 120 s stop counts in full
    assert secs[1] == 0.0
    assert secs[2] == pytest.approx(200 / v)
    off, _ = exposure_seconds(pts, 100.0, path, [True, False, True, True])
    assert off[0] == pytest.approx(chord)
    # a long straight segment gives the same as the same line cut into many points
    xs = np.linspace(-1000.0, 1000.0, 41)
    fine = np.column_stack([xs, np.zeros_like(xs), (xs + 1000.0) / v])
    rng = np.random.default_rng(0)
    cloud = rng.uniform(-1200, 1200, (500, 2)) * [1, 0.1]
    r = rng.uniform(20, 150, 500)
    one, m1 = exposure_seconds(cloud, r, [[-1000.0, 0.0, 0.0], [1000.0, 0.0, 2000.0 / v]])
    many, m2 = exposure_seconds(cloud, r, fine)
    np.testing.assert_allclose(one, many, atol=1e-9)
    np.testing.assert_allclose(m1[one > 0], m2[many > 0], atol=1e-6)
    # brute force: sample the vehicle position every 0.05 s
    tt = np.arange(0.0, 2000.0 / v, 0.05)
    inside = np.hypot(cloud[:, :1] - (-1000.0 + v * tt)[None], cloud[:, 1:2]) <= r[:, None]
    np.testing.assert_allclose(one, inside.sum(axis=1) * 0.05, atol=0.11)
    small, _ = exposure_seconds(cloud, r, fine, max_cells=1)
    np.testing.assert_allclose(small, many)


def test_distance_to_polyline() -> None:
    d = distance_to_polyline_m([[0, 5], [20, 0], [-3, -4]], [[0, 0], [10, 0], [10, 10]])
    np.testing.assert_allclose(d, [5, 10, 5])


# --------------------------------------------------------------------------- hand calculations, term by term
# Each figure below is worked out on paper from the module's formula (ISO 9613-2 eq. 10 for the ground term)
# so that a wrong sign, constant, default or term swap in the code gives a different number.
def test_ground_term_by_hand() -> None:
    # hm = 1.75 m, 2 hm = 3.5: r = 50 -> 4.8 - 0.07 (17 + 6) = 3.19; r = 200 -> 4.8 - 0.0175 (17 + 1.5) = 4.47625
    np.testing.assert_allclose(ground_attenuation_db([50.0, 200.0]), [3.19, 4.47625], rtol=1e-12)
    # hm = 3 m: r = 50 -> 4.8 - 0.12 (17 + 6) = 2.04
    assert ground_attenuation_db(50.0, receiver_height_m=3.0) == pytest.approx(2.04, rel=1e-12)
    # at and below zero distance the term is 0 (clipped), with no division by zero
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(ground_attenuation_db([0.0, 1.0, 22.0]), [0.0, 0.0, 0.0])
    # the clip is at 0 exactly: just past the zero crossing (r ~ 22.2 m) the term is small and positive
    assert 0.0 < float(ground_attenuation_db(22.5)) < 0.1


def test_level_terms_by_hand() -> None:
    # r = 100 m with the defaults: 110 - 20 log10(100) - 8 * 0.1 - (4.8 - 0.035 * 20) = 110 - 40 - 0.8 - 4.1
    assert float(speech_level_db(100.0)) == pytest.approx(65.1, rel=1e-12)
    # barrier 10, foliage 0.05 dB/m over 100 m = 5, facade 5
    assert float(speech_level_db(100.0, barrier_db=10.0, foliage_db_per_m=0.05, facade_db=5.0)) == pytest.approx(45.1)
    # foliage counts at most the default 200 m of path: at 400 m it is 0.05 * 200 = 10 dB, with a 300 m cap 15 dB
    l400 = 110.0 - 20.0 * np.log10(400.0) - 3.2 - (4.8 - 3.5 / 400.0 * (17.0 + 0.75))
    assert float(speech_level_db(400.0, foliage_db_per_m=0.05)) == pytest.approx(l400 - 10.0, rel=1e-12)
    assert float(speech_level_db(400.0, foliage_db_per_m=0.05, foliage_cap_m=300.0)) == pytest.approx(l400 - 15.0)
    # the other keywords: L1 100, no air absorption, hm 3.5 m (ground 4.8 - 0.07 * 20 = 3.4)
    got = speech_level_db(100.0, l1_db=100.0, absorption_db_per_km=0.0, receiver_height_m=3.5)
    assert float(got) == pytest.approx(100.0 - 40.0 - 3.4, rel=1e-12)
    # near field: below 1 m reads as 1 m, where only the air term (8 dB/km * 1 m) is left
    np.testing.assert_allclose(speech_level_db([0.0, 0.5, 1.0]), [109.992] * 3, rtol=1e-12)


AMB = {"loudspeaker.ambient_rural_dba": 41.0, "loudspeaker.ambient_periurban_dba": 52.0,
       "loudspeaker.ambient_roadside_dba": 63.0}


def test_ambient_by_setting_and_market() -> None:
    assert ambient_dba("rural", AMB).tolist() == 41.0
    assert ambient_dba(["periurban", "roadside", "rural"], AMB).tolist() == [52.0, 63.0, 41.0]
    assert ambient_dba("rural", AMB, market=True).tolist() == 63.0  # a market village is as loud as a roadside
    assert ambient_dba(["rural", "periurban"], AMB, market=[True, False]).tolist() == [63.0, 52.0]
    with pytest.raises(ValueError, match=r"\['urban'\]"):
        ambient_dba(["rural", "urban"], AMB)


# Distinct values so that a swapped or dropped term changes the level.
PARAMS = {"loudspeaker.speech_laeq_1m_db": 100.0, "loudspeaker.off_axis_penalty_db": 3.0,
          "loudspeaker.atm_absorption_db_per_km": 5.0, "loudspeaker.ground_receiver_height_m": 2.0,
          "loudspeaker.house_row_barrier_db": 7.0, "loudspeaker.foliage_db_per_m": 0.02,
          "loudspeaker.foliage_cap_m": 150.0, "loudspeaker.facade_loss_db": 9.0,
          "loudspeaker.snr_intelligible_db": 12.0, **AMB}


@pytest.mark.parametrize("prop", [Propagation(), Propagation(barrier=False, foliage=False),
                                  Propagation(off_axis=True, indoor=True), Propagation(False, True, True, False)])
def test_intelligible_radius_uses_each_parameter(prop: Propagation) -> None:
    kw = dict(l1_db=100.0 - (3.0 if prop.off_axis else 0.0), absorption_db_per_km=5.0, receiver_height_m=2.0,
              barrier_db=7.0 if prop.barrier else 0.0, foliage_db_per_m=0.02 if prop.foliage else 0.0,
              foliage_cap_m=150.0, facade_db=9.0 if prop.indoor else 0.0)
    r = intelligible_radius_m(np.array([41.0, 30.0]), PARAMS, propagation=prop)
    # the radius is where the level is the ambient plus the 12 dB SNR
    np.testing.assert_allclose(speech_level_db(r, **kw), [53.0, 42.0], atol=1e-9)
    r0 = intelligible_radius_m(41.0, PARAMS, snr_db=0.0, propagation=prop)
    assert float(speech_level_db(r0, **kw)) == pytest.approx(41.0, abs=1e-9)
    if prop == Propagation():
        by = radius_by_setting(PARAMS)
        assert list(by) == ["rural", "periurban", "roadside"] and all(type(v) is float for v in by.values())
        np.testing.assert_allclose([by["rural"], by["periurban"], by["roadside"]],
                                   intelligible_radius_m([41.0, 52.0, 63.0], PARAMS), rtol=1e-12)


def test_radius_inverts_the_level_exactly() -> None:
    # the root at 1 m (the lower bracket), at 2 m (just above it) and mid-range, to bisection precision
    for r in (1.0, 2.0, 123.456, 5000.0):
        assert float(radius_for_level(speech_level_db(r, **REF), **REF)) == pytest.approx(r, rel=1e-9)
    # the default upper bracket is 20 km
    assert float(radius_for_level(-200.0, **REF)) == 20_000.0  # the level at 20 km is -140.8 dB
    assert float(radius_for_level(speech_level_db(20_000.0, **REF), **REF)) == 20_000.0
    # shapes are kept
    assert radius_for_level(np.full((2, 3), 60.0), **REF).shape == (2, 3)


def test_distance_to_polyline_against_shapely() -> None:
    """An independent reference: shapely's point-to-line distance, on random points and zig-zag paths."""
    from shapely.geometry import LineString, Point

    rng = np.random.default_rng(7)
    pts = rng.uniform(-300.0, 300.0, (60, 2))
    for path in (rng.uniform(-200.0, 200.0, (5, 2)), [[10.0, -20.0], [10.3, -19.6]], [[-50.0, 40.0], [-50.0, 40.0],
                                                                                          [80.0, -30.0]]):
        line = LineString(path)
        want = [line.distance(Point(x, y)) for x, y in pts]
        np.testing.assert_allclose(distance_to_polyline_m(pts, path), want, rtol=1e-9, atol=1e-9)
    # a 0.5 m segment: the point projects onto its middle (distance 1 m), not onto a shifted foot
    assert float(distance_to_polyline_m([[0.25, 1.0]], [[0.0, 0.0], [0.5, 0.0]])[0]) == pytest.approx(1.0, rel=1e-12)
    # a one-point path: the plain distance to that point (3-4-5 and 6-8-10 triangles)
    np.testing.assert_allclose(distance_to_polyline_m([[3.0, 4.0], [-6.0, 8.0]], [[0.0, 0.0]]), [5.0, 10.0])
    np.testing.assert_allclose(distance_to_polyline_m([[3.0, 4.0], [-6.0, 8.0]], [[5.0, 2.0]]),
                               [np.hypot(2.0, 2.0), np.hypot(11.0, 6.0)])


def _sampled_exposure(pts: np.ndarray, r: np.ndarray, path: np.ndarray, on: np.ndarray, dt: float = 0.01):
    """Slow reference: the vehicle's position every ``dt`` seconds (stops included), counted when in range."""
    secs, wt = np.zeros(len(pts)), np.zeros(len(pts))
    for (x0, y0, t0), (x1, y1, t1), flag in zip(path[:-1], path[1:], on[:-1]):
        if not flag or t1 <= t0:
            continue
        tt = np.arange(t0 + dt / 2, t1, dt)
        f = (tt - t0) / (t1 - t0)
        inside = np.hypot(pts[:, :1] - (x0 + f * (x1 - x0)), pts[:, 1:] - (y0 + f * (y1 - y0))) <= r[:, None]
        secs += inside.sum(axis=1) * dt
        wt += (inside * tt).sum(axis=1) * dt
    with np.errstate(invalid="ignore", divide="ignore"):
        return secs, np.where(secs > 0, wt / secs, np.nan)


def test_exposure_on_a_zigzag_route_against_sampling() -> None:
    """Diagonal segments, a stop, a zero-time jump and a silent segment, against sampling every 0.01 s."""
    path = np.array([[0.0, 0.0, 0.0], [300.0, 400.0, 100.0], [300.0, 400.0, 130.0], [350.0, 400.0, 130.0],
                     [-100.0, 250.0, 230.0], [-100.0, 0.0, 300.0], [200.0, -100.0, 400.0]])
    on = np.array([True, True, True, True, False, True, True])
    rng = np.random.default_rng(3)
    pts = rng.uniform(-150.0, 400.0, (80, 2))
    r = rng.uniform(5.0, 90.0, 80)
    secs, mid = exposure_seconds(pts, r, path, on)
    want, want_mid = _sampled_exposure(pts, r, path, on)
    np.testing.assert_allclose(secs, want, atol=0.05)
    hit = want > 0.5
    assert hit.sum() > 10 and np.isnan(mid[secs == 0]).all() and not np.isnan(mid[secs > 0]).any()
    np.testing.assert_allclose(mid[hit], want_mid[hit], atol=0.05)
    # blocks of one segment give the same bytes as one block
    small_secs, small_mid = exposure_seconds(pts, r, path, on, max_cells=1)
    np.testing.assert_array_equal(small_secs, secs)
    np.testing.assert_allclose(small_mid, mid, rtol=1e-12)


def test_exposure_short_visits_and_degenerate_routes() -> None:
    # a point 0.5 s inside the circle (R = 10 m, chord 2 sqrt(100 - 99.9375) = 0.5 m at 1 m/s)
    d = np.sqrt(100.0 - 0.0625)
    secs, mid = exposure_seconds([[50.0, d]], 10.0, [[0.0, 0.0, 0.0], [100.0, 0.0, 100.0]])
    assert secs[0] == pytest.approx(0.5, rel=1e-6) and mid[0] == pytest.approx(50.0, rel=1e-9)
    # a point at the stop, alone: its mid time is the middle of the stop
    secs, mid = exposure_seconds([[5.0, 5.0], [500.0, 0.0]], [10.0, 1.0], [[5.0, 4.0, 10.0], [5.0, 4.0, 20.0]])
    assert secs.tolist() == [10.0, 0.0] and mid[0] == 15.0 and np.isnan(mid[1])
    for path, on in (([[0.0, 0.0, 0.0]], None), ([[0.0, 0.0, 0.0], [10.0, 0.0, 5.0]], [False, True]),
                     ([[0.0, 0.0, 5.0], [10.0, 0.0, 5.0]], None)):
        secs, mid = exposure_seconds([[1.0, 0.0], [2.0, 0.0]], 50.0, path, on)
        assert secs.tolist() == [0.0, 0.0] and mid.shape == (2,) and np.isnan(mid).all()
    secs, mid = exposure_seconds(np.zeros((0, 2)), 5.0, [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
    assert secs.shape == mid.shape == (0,)


def test_radius_brackets_use_the_given_horn() -> None:
    # a quiet horn (L1 = 90 dB): 95 dB is out of reach even at 1 m, though the default 110 dB horn reaches it
    assert float(radius_for_level(95.0, l1_db=90.0)) == 0.0
    # a loud horn (L1 = 130 dB) is still above 50 dB at 1 km, though the default horn is not (37 dB there)
    assert float(radius_for_level(50.0, r_max_m=1000.0, l1_db=130.0)) == 1000.0
    assert float(radius_for_level(35.0, r_max_m=1000.0)) == 1000.0 and float(speech_level_db(1000.0)) < 40.0


def test_exposure_edges_stops_and_blocks() -> None:
    # a listener exactly on the circle around a stop hears nothing, as one on the circle of a pass does (chord 0)
    secs, _ = exposure_seconds([[3.0, 4.0], [3.0, 3.9]], 5.0, [[0.0, 0.0, 0.0], [0.0, 0.0, 60.0]])
    assert secs.tolist() == [0.0, 60.0]
    # a slow 0.5 m creep over 10 s is a move, not a stop: a listener 0.2 m from its end hears 0.2 m of it, 4 s
    secs, mid = exposure_seconds([[0.7, 0.0]], 0.4, [[0.0, 0.0, 0.0], [0.5, 0.0, 10.0]])
    assert secs[0] == pytest.approx(4.0) and mid[0] == pytest.approx(8.0)
    # one-segment blocks where the first blocks hit nobody: the later ones still count
    path = [[0.0, 0.0, 0.0], [100.0, 0.0, 10.0], [200.0, 0.0, 20.0], [300.0, 0.0, 30.0]]
    secs, _ = exposure_seconds([[250.0, 0.0]], 10.0, path, max_cells=1)
    assert secs[0] == pytest.approx(2.0)
