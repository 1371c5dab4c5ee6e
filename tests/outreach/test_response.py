"""The closed-form village response: shape, monotonicity and agreement with the simulator.

Every Monte Carlo comparison allows about 4 standard errors; seeds are fixed.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from outreach.households import synthesize_households
from outreach.parameters import resolve
from outreach.response import VillageInputs, village_response, village_response_array
from outreach.simulate import plan_exposures, simulate
from tests.outreach.simulate.builders import DENSE, NO_DECAY, START, make_campaign, make_plan, rounds, straight_pass


def test_village_response_matches_simulator() -> None:
    camp = make_campaign((600,), {**NO_DECAY, "awareness.baseline": 0.25})
    code = camp.geography.villages[0].code
    plan = make_plan(rounds(camp, 2) + rounds(camp, 1, day0=3, kind="callback"), forums={"010201": 1},
                     banners={code: 1}, leaflets=120)
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 300
    mc = simulate(camp, plan, replications=R, households=hh)
    vr = village_response(VillageInputs(
        600,
        door_rounds=2,
        callbacks=0,
        loudspeaker_passes=0,
        loudspeaker_share=0.0,
        forum=1,
        banners=1,
        leaflets=120,
        baseline_awareness=0.25,
        forum_attendance=min(camp.params["forum.participation_rate"], camp.params["forum.participants"] / 600),
    ), camp.params, weeks=camp.calendar.weeks)
    # one callback after the second round: village_response places callbacks per round
    vr_cb = village_response(VillageInputs(
        600, door_rounds=1, callbacks=1, loudspeaker_passes=0, loudspeaker_share=0.0, forum=0, banners=0,
        leaflets=0, baseline_awareness=0.0), camp.params, weeks=camp.calendar.weeks,
    )
    assert vr_cb.reached > village_response(VillageInputs(
        600, door_rounds=1, callbacks=0, loudspeaker_passes=0, loudspeaker_share=0.0, forum=0, banners=0,
        leaflets=0, baseline_awareness=0.0), camp.params, weeks=camp.calendar.weeks,
    ).reached
    mc2 = simulate(camp, make_plan(rounds(camp, 2), forums={"010201": 1}, banners={code: 1}, leaflets=120),
                   replications=R, households=hh)
    for band, exp in ((mc2.households_reached, vr.reached), (mc2.households_aware, vr.aware)):
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - exp) < 4 * se + 0.002 * 600, (band, exp)
    assert mc.households_reached.mean > mc2.households_reached.mean


def test_vectorised_village_response_matches_scalar_and_is_monotone() -> None:
    params = resolve()
    rounds_ = np.array([0, 1, 2, 3])
    passes = np.array([[0], [1], [2]])
    arr = village_response_array(VillageInputs(
        200, door_rounds=rounds_, callbacks=1, loudspeaker_passes=passes, loudspeaker_share=0.4, forum=0,
        banners=1, leaflets=20, baseline_awareness=0.3), params,
    )
    assert arr.reached.shape == (3, 4)
    one = village_response(VillageInputs(
        200, door_rounds=2, callbacks=1, loudspeaker_passes=1, loudspeaker_share=0.4, forum=0, banners=1,
        leaflets=20, baseline_awareness=0.3), params,
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
    vr = village_response(VillageInputs(
        800, door_rounds=1, callbacks=0, loudspeaker_passes=2, loudspeaker_share=float(counts["loudspeaker_share"][0]),
        forum=0, banners=0, leaflets=0, baseline_awareness=0.0), camp.params, weeks=camp.calendar.weeks,
    )
    R = 200
    mc = simulate(camp, plan, replications=R, households=hh)
    for band, exp in ((mc.households_reached, vr.reached), (mc.households_aware, vr.aware)):
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - exp) < 4 * se, (band, exp)
