"""The at-home-by-sex model against hand arithmetic (who answers the door, who hears a pass).

Every expected value below is written out by hand from the documented model
(a woman at home with ``w``, a man with ``m``, independently; when both are,
the woman answers with ``o``), never by calling the formula under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.athome import (
    SLOT_KINDS,
    expected_women_share_at_door,
    home_by_sex,
    listeners_by_sex,
    slot_kind,
    woman_answers,
    woman_answers_share,
)
from outreach.parameters import DEFAULTS, resolve


def test_woman_answers_by_hand() -> None:
    # w = 0.6, m = 0.35, o = 0.5: someone home 1 - 0.4 x 0.65 = 0.74; woman alone 0.6 x 0.65 = 0.39;
    # both 0.6 x 0.35 = 0.21, half of it the woman: (0.39 + 0.105) / 0.74
    assert woman_answers(0.6, 0.35, 0.5) == pytest.approx(0.495 / 0.74, abs=1e-12)
    # o = 1: the woman whenever she is home, 0.6 / 0.74; o = 0: only when alone, 0.39 / 0.74
    assert woman_answers(0.6, 0.35, 1.0) == pytest.approx(0.6 / 0.74, abs=1e-12)
    assert woman_answers(0.6, 0.35, 0.0) == pytest.approx(0.39 / 0.74, abs=1e-12)
    # the man's share mirrors it: (0.35 x 0.4 + 0.21 x 0.5) / 0.74 = 0.245 / 0.74
    assert 1.0 - woman_answers(0.6, 0.35, 0.5) == pytest.approx(0.245 / 0.74, abs=1e-12)
    assert woman_answers(0.0, 0.0, 0.5) == 0.0


def test_listeners_by_sex_by_hand() -> None:
    w_only, m_only, both = listeners_by_sex(0.6, 0.35)
    assert (w_only, m_only, both) == pytest.approx((0.39 / 0.74, 0.14 / 0.74, 0.21 / 0.74), abs=1e-12)
    assert listeners_by_sex(0.0, 0.0) == (0.0, 0.0, 0.0)


def test_slot_kinds_by_calendar() -> None:
    monday = dt.date(2024, 1, 1).toordinal()
    assert [slot_kind(monday, s) for s in (0, 1, 2)] == [0, 0, 1]
    assert [slot_kind(monday + 4, s) for s in (0, 2)] == [0, 1]  # Friday
    assert [slot_kind(monday + 5, s) for s in (0, 1, 2)] == [2, 2, 2]  # Saturday
    assert [slot_kind(monday + 6, s) for s in (0, 2)] == [2, 2]  # Sunday
    assert SLOT_KINDS == ("weekday_day", "weekday_evening", "weekend")


def test_home_by_sex_is_one_minus_employed_times_away() -> None:
    p = {"athome.women_employed": 0.5, "athome.men_employed": 0.8, "athome.away_weekday_day": 0.8,
         "athome.away_weekday_evening": 0.25, "athome.away_weekend": 0.5}
    assert home_by_sex(p, 0) == pytest.approx((0.6, 0.36))
    assert home_by_sex(p, 1) == pytest.approx((0.875, 0.8))
    assert home_by_sex(p, 2) == pytest.approx((0.75, 0.6))


def test_default_shares_by_hand() -> None:
    """The documented defaults: w = 1 - 0.618 x away, m = 1 - 0.763 x away, o = 0.5 (before any posterior)."""
    from outreach.parameters import DOCUMENTED

    p = {**resolve(), **DOCUMENTED}
    # weekday day, away 0.8: w = 0.5056, m = 0.3896; alone 0.5056 x 0.6104 = 0.30862; both 0.19698;
    # someone 1 - 0.4944 x 0.6104 = 0.69822: (0.30862 + 0.09849) / 0.69822 = 0.58307
    assert woman_answers_share(p, 0) == pytest.approx(0.58307, abs=2e-5)
    # weekday evening, away 0.2: w = 0.8764, m = 0.8474; (0.8764 x 0.1526 + 0.5 x 0.8764 x 0.8474)
    # / (1 - 0.1236 x 0.1526) = (0.13374 + 0.37133) / 0.98114 = 0.51478
    assert woman_answers_share(p, 1) == pytest.approx(0.51478, abs=2e-5)
    # weekend, away 0.6: w = 0.6292, m = 0.5422; (0.28805 + 0.17058) / 0.83027 = 0.55239
    assert woman_answers_share(p, 2) == pytest.approx(0.55239, abs=2e-5)


def test_expected_women_share_at_door_weights_the_kinds() -> None:
    p = {"athome.women_employed": 0.5, "athome.men_employed": 0.8125, "athome.away_weekday_day": 0.8,
         "athome.away_weekday_evening": 0.0, "athome.away_weekend": 0.8, "athome.woman_opens_when_both": 0.5}
    day = 0.495 / 0.74  # w = 0.6, m = 0.35 (the hand case above)
    evening = 0.5  # everyone at home: the woman answers with o
    assert expected_women_share_at_door(p, {"weekday_day": 1.0}) == pytest.approx(day, abs=1e-12)
    assert expected_women_share_at_door(p, {"weekday_evening": 2.0}) == pytest.approx(evening, abs=1e-12)
    mix = {"weekday_day": 3.0, "weekday_evening": 1.0, "weekend": 0.0}
    assert expected_women_share_at_door(p, mix) == pytest.approx((3 * day + evening) / 4, abs=1e-12)
    with pytest.raises(ValueError):
        expected_women_share_at_door(p, {"night": 1.0})
    with pytest.raises(ValueError):
        expected_women_share_at_door(p, {"weekday_day": 0.0})


def test_the_seed_share_is_not_a_parameter() -> None:
    """The report's 12,340 / 20,719 = 0.596 is an output to compare with: no parameter holds it."""
    assert "door.woman_answers_share" not in DEFAULTS
    assert all(abs(p.value - 0.596) > 1e-9 for p in DEFAULTS.values())
