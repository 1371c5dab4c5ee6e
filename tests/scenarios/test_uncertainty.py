"""The summary's allocation under the posterior's draws: reach by draw, nothing without draws, the terminal line."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.allocation import evaluate_allocation, small_campaign, solve_allocation
from outreach.parameters import DEFAULTS
from scenarios.uncertainty import allocation_uncertainty, reach_by_draw, robustness_line


def test_reach_by_draw_is_the_plan_under_each_draw(demo_campaign):
    c = small_campaign(demo_campaign, 1, n_villages=4, budget=700)
    key = "awareness.half_life_weeks"
    c = dataclasses.replace(c, params={**c.params, key: DEFAULTS[key].value})
    res = solve_allocation(c, None, explain=False)
    draws = [{}, {"awareness.half_life_weeks": 1.0}]
    got = reach_by_draw(c, res.allocation, None, draws, res.callbacks_by_village)
    at_point = evaluate_allocation(c, res.allocation, None, callbacks_by_village=res.callbacks_by_village)
    assert got["households_aware_by_draw"][0] == pytest.approx(at_point.aware, abs=0.05)
    assert got["households_newly_aware_by_draw"][0] == pytest.approx(at_point.new_aware, abs=0.05)
    # memories that fade within a week: fewer newly aware under the second draw, by hand
    low = dataclasses.replace(c, params={**c.params, "awareness.half_life_weeks": 1.0})
    by_hand = evaluate_allocation(low, res.allocation, None, callbacks_by_village=res.callbacks_by_village)
    assert got["households_newly_aware_by_draw"][1] == pytest.approx(by_hand.new_aware, abs=0.05)
    assert by_hand.new_aware < at_point.new_aware - 5
    assert got["households_newly_aware"]["min"] == pytest.approx(by_hand.new_aware, abs=0.05)


def test_nothing_without_a_shipped_posterior(demo_campaign, monkeypatch):
    import outreach.parameters

    monkeypatch.setattr(outreach.parameters, "POSTERIOR_DRAWS", ())
    assert allocation_uncertainty(demo_campaign, None, None, sample_average=True,  # type: ignore[arg-type]
                                  robustness=True, time_limit_s=1.0, backend="scip") is None


def test_robustness_line():
    assert robustness_line({"draws": 8}) is None
    line = robustness_line({"robustness": {"draws": 8, "regret_mean": 12.34, "regret_max": 40.0,
                                           "share_change_threshold": 0.1,
                                           "draws_changing_channel_share": {"door_to_door": 3, "radio": 0}}})
    assert line is not None
    assert "12.3 on average, 40.0 at most" in line and "10 percentage points" in line
    assert "door to door in 3 of 8" in line and "radio" not in line
