"""The closed form agrees with the simulator's mean (about 4 standard errors; seeds are fixed)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from outreach.households import synthesize_households
from outreach.simulate import SimulationOptions, expected_reach, simulate_detailed
from tests.outreach.simulate.builders import START, make_campaign, make_plan, rounds, straight_pass


@pytest.mark.parametrize("k", [1, 2])
def test_expected_reach_matches_simulator_mean(k: int) -> None:
    camp = make_campaign((300, 500, 250), {"awareness.wom_rate": 0.2, "awareness.effective_frequency_k": k}, sangkats=2)
    vs = camp.geography.villages
    plan = make_plan(
        rounds(camp, 1) + rounds(camp, 1, day0=5, slot="evening", kind="callback") + rounds(camp, 1, day0=10),
        days=[straight_pass(camp, START + dt.timedelta(3)),
              straight_pass(camp, START + dt.timedelta(12), t0_s=15 * 3600)],
        forums={vs[0].sangkat_code: 1},
        banners={vs[1].code: 2},
        leaflets=300,
    )
    hh = synthesize_households(camp.geography, camp.params, seed=camp.seed)
    R = 150
    res = simulate_detailed(camp, plan, SimulationOptions(replications=R, households=hh))
    cf = expected_reach(camp, plan, households=hh)
    mc = res.reach
    for name in ("households_reached", "households_aware", "women_reached", "men_reached"):
        band = getattr(mc, name)
        se = max((band.p95 - band.p05) / 3.29, 1.0) / math.sqrt(R)
        assert abs(band.mean - getattr(cf, name).mean) < 4 * se, (name, band, getattr(cf, name).mean)
    for c in ("door", "loudspeaker", "forum", "banner", "leaflet"):
        assert mc.exposure_by_channel[c] == pytest.approx(cf.exposure_by_channel[c], rel=0.03, abs=3.0), c
    assert cf.method == "closed-form" and mc.method == "monte-carlo"
