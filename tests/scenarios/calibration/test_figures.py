"""The figure registry against hand calculations, the emulator against a known quadratic, and the defaults overlay."""

from __future__ import annotations

import json

import numpy as np
import pytest

from outreach import parameters
from scenarios.calibration.emulator import fit_emulator, latin_hypercube
from scenarios.calibration.registry import FIGURES, women_share_at_door

MEDIA_ZERO = {f"media.{c}": np.array([0.0]) for c in ("social_media", "radio", "partner_ngo", "village_chief",
                                                          "group_event")}
Q = {"households": np.array([10000.0]), "forums": np.array([16.0]), "weeks": np.array([8.0]), **MEDIA_ZERO,
     "met_at_door": np.array([7000.0]), "forum_attendance": np.array([1440.0]),
     "aware_campaign": np.array([4000.0]), "aware_volunteers_iec": np.array([3000.0]),
     "first_weekday_day": np.array([0.0]), "first_weekday_evening": np.array([700.0]), "first_weekend": np.array([0.0])}
P = {**{k: np.array([v]) for k, v in parameters.DOCUMENTED.items()},
     "awareness.baseline": np.array([0.2]), "calibration.survey_lag_weeks": np.array([4.0]),
     "awareness.half_life_weeks": np.array([8.0]), "athome.woman_opens_when_both": np.array([0.5]),
     "athome.women_employed": np.array([0.6]), "athome.men_employed": np.array([0.8]),
     "forum.women_share": np.array([0.35]), "event.people_met": np.array([60.0])}


def test_figures_by_hand():
    decay = 2 ** -0.5  # 4 weeks at a half-life of 8
    aware = 0.2 + 0.8 * 0.4 * decay
    assert FIGURES["aware_share"].compute(P, Q)[0] == pytest.approx(aware)
    assert FIGURES["aware_before_campaign_share"].compute(P, Q)[0] == pytest.approx(0.2 / aware)
    assert FIGURES["aware_via_volunteers_iec_share"].compute(P, Q)[0] == pytest.approx(0.3 * decay / aware)
    assert FIGURES["forum_participants_per_forum"].compute(P, Q)[0] == pytest.approx(90.0)
    assert FIGURES["door_contacts"].compute(P, Q | {"media.group_event": np.array([34.0])})[0] == 7000.0 + 34 * 60
    assert FIGURES["baseline_aware_share"].compute(P, Q)[0] == 0.2
    # evenings only: woman home 1 - 0.6 x away, man 1 - 0.8 x away; she opens alone or half the time when both
    away = parameters.DEFAULTS["athome.away_weekday_evening"].value
    w, m = 1 - 0.6 * away, 1 - 0.8 * away
    share = (w * (1 - m) + 0.5 * w * m) / (1 - (1 - w) * (1 - m))
    assert women_share_at_door(P, Q)[0] == pytest.approx(share)
    assert FIGURES["forum_women_share"].compute(P, Q)[0] == 0.35


def test_district_channels_are_added_by_hand():
    """34 events of 60 people (p_event 0.5) and 8 radio weeks: the events count for the volunteers, radio does not."""
    q = Q | {"media.group_event": np.array([34.0]), "media.radio": np.array([8.0])}
    p = P | {"awareness.p_event": np.array([0.5]), "awareness.p_radio": np.array([0.1])}
    r_mid = 2 ** (-8 / (2 * 8.0))  # mid-campaign, 4 weeks before the end, half-life 8 weeks
    event = 1 - (1 - 60 / 10000 * 0.5 * r_mid) ** 34
    u, hear = parameters.DOCUMENTED["radio.listener_share"], parameters.DOCUMENTED["radio.weekly_hear"]
    radio = u * (1 - np.prod([1 - hear * 0.1 * 2 ** (-(7 * w + 3.5) / 56) for w in range(8)]))
    aware = 10000 - (1 - event) * (1 - radio) * (10000 - 4000)
    iec = 10000 - (1 - event) * (10000 - 3000)
    decay = 2 ** -0.5
    share = 0.2 + 0.8 * aware / 10000 * decay
    assert FIGURES["aware_share"].compute(p, q)[0] == pytest.approx(share)
    assert FIGURES["aware_via_volunteers_iec_share"].compute(p, q)[0] == pytest.approx(iec / 10000 * decay / share)


def test_emulator_recovers_a_quadratic_and_a_log_linear_quantity():
    rng = np.random.default_rng(0)
    low, high = np.array([0.0, 10.0]), np.array([1.0, 30.0])
    x = low + (high - low) * latin_hypercube(30, 2, rng)
    quad = 100 + 50 * x[:, 0] - 3 * x[:, 1] + 0.2 * x[:, 1] ** 2 + 10 * x[:, 0] * x[:, 1]
    expo = np.expm1(1 + 0.5 * x[:, 0] + 0.01 * x[:, 1])
    emu, loo = fit_emulator(["a", "b"], low, high, x, [{"q": a, "e": b, "c": 5.0} for a, b in zip(quad, expo)])
    assert emu.logged == (False, True) and emu.constants == {"c": 5.0}
    probe = np.array([[0.3, 17.0]])
    got = emu.predict(probe)
    assert got["q"][0] == pytest.approx(100 + 15 - 51 + 0.2 * 289 + 51, rel=1e-6)
    assert got["e"][0] == pytest.approx(np.expm1(1 + 0.15 + 0.17), rel=1e-6)
    assert np.allclose(loo["q"], quad, rtol=1e-5)


def test_shipped_posterior_means_become_defaults_with_provenance(tmp_path):
    f = tmp_path / "calibrated.json"
    f.write_text(json.dumps({"provenance": {"observed": "x.csv", "seed": 1},
                             "means": {"awareness.p_door": 0.55, "awareness.p_leaflet": 9.0, "nope": 1}}))
    table, prov = parameters._calibrated(parameters._TABLE, f)
    assert table["awareness.p_door"].value == 0.55 and "posterior mean" in table["awareness.p_door"].source
    assert table["awareness.p_leaflet"].value == parameters._TABLE["awareness.p_leaflet"].high  # kept in range
    assert table["awareness.p_forum"] is parameters._TABLE["awareness.p_forum"]
    assert prov == {"observed": "x.csv", "seed": 1}
    same, none = parameters._calibrated(parameters._TABLE, tmp_path / "absent.json")
    assert none is None and same == dict(parameters._TABLE)


def test_documented_values_stay_available():
    assert parameters.DOCUMENTED["awareness.p_door"] == parameters._TABLE["awareness.p_door"].value
    assert "source" in parameters.PARAMETERS_PROVENANCE
