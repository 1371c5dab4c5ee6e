"""``read_forecast``: the simulated change in awareness counts the baseline once (issue 15)."""

import json

import pytest

from outreach.model import Estimate
from outreach.survey.evaluate import read_forecast


def _plan(tmp_path, aware, households, before=None):
    reach = {"households_aware": {"mean": aware, "p05": aware - 100, "p95": aware + 100}}
    if before is not None:
        reach["aware_by_first_channel"] = {"baseline": {"mean": before, "p05": before, "p95": before}}
    (tmp_path / "summary.json").write_text(json.dumps({"reach": reach, "geography": {"households": households}}))
    return tmp_path


def test_same_baseline_as_the_simulation_gives_the_newly_aware_share(tmp_path):
    # 10,000 households, 1,500 aware before, 4,000 aware at the end: 2,500 newly aware = 25 points.
    f = read_forecast(_plan(tmp_path, 4000.0, 10000, before=1500.0), Estimate(0.15, 0.13, 0.17))
    assert f.expected_change.mean == pytest.approx(0.25)
    assert f.expected_change.lo == pytest.approx((3900 - 1500) / 8500 * 0.85)
    assert f.expected_change.hi == pytest.approx((4100 - 1500) / 8500 * 0.85)


def test_other_survey_baseline_applies_the_conversion_of_the_unaware(tmp_path):
    # The campaign converts 2,500 of 8,500 unaware households; a survey baseline of 45 % leaves 55 % to convert.
    f = read_forecast(_plan(tmp_path, 4000.0, 10000, before=1500.0), Estimate(0.45, 0.4, 0.5))
    assert f.expected_change.mean == pytest.approx(2500 / 8500 * 0.55)


def test_without_the_simulation_baseline_the_survey_baseline_is_subtracted(tmp_path):
    f = read_forecast(_plan(tmp_path, 4000.0, 10000), Estimate(0.15, 0.13, 0.17))
    assert f.expected_change.mean == pytest.approx(0.40 - 0.15)
    f = read_forecast(_plan(tmp_path, 4000.0, 10000), Estimate(0.5, 0.45, 0.55))
    assert f.expected_change.mean == 0.0  # never a forecast fall
