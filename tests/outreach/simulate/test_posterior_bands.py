"""Bands with parameter uncertainty: draws pooled on common random numbers, the scenario's own values kept."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from outreach.parameters import DEFAULTS
from outreach.simulate import posterior_bands, simulate_detailed
from outreach.simulate.engine import SimulationOptions
from outreach.simulate.posterior import draw_params


def test_scenario_values_win_over_draws(demo_campaign):
    c = dataclasses.replace(demo_campaign, params={**demo_campaign.params, "awareness.p_door": 0.5})
    key = "awareness.half_life_weeks"
    out = draw_params(c, {"awareness.p_door": 0.9, key: DEFAULTS[key].value + 1.0})
    assert out["awareness.p_door"] == 0.5  # set by the scenario: kept
    assert out[key] == DEFAULTS[key].value + 1.0  # a default: the draw's value


def test_pooled_bands_are_the_draws_runs_concatenated(small_plan_and_campaign):
    """By hand: two draws, 3 replications each, same seed; the pooled band is the quantiles of the 6 totals."""
    plan, c = small_plan_and_campaign
    draws = [{"awareness.p_door": 0.4}, {"awareness.p_door": 0.95}]
    pb = posterior_bands(c, plan, draws, replications=6, seed=11)
    assert pb is not None and pb.draws == 2 and pb.replications_per_draw == 3
    runs = [simulate_detailed(dataclasses.replace(c, params=draw_params(c, d)), plan,
                              SimulationOptions(replications=3, seed=11)).per_replication["households_aware"]
            for d in draws]
    x = np.concatenate(runs)
    band = pb.bands["households_aware"]
    assert band.mean == pytest.approx(x.mean()) and band.p05 == pytest.approx(np.quantile(x, 0.05))
    # common random numbers: the same households reached whatever p_door (it changes awareness, not reach)
    reached = [simulate_detailed(dataclasses.replace(c, params=draw_params(c, d)), plan,
                                 SimulationOptions(replications=3, seed=11)).per_replication["households_reached"]
               for d in draws]
    assert np.array_equal(reached[0], reached[1])
    assert runs[1].mean() > runs[0].mean()  # a better door message makes more households aware
    assert posterior_bands(c, plan, [], replications=6) is None


@pytest.fixture(scope="module")
def small_plan_and_campaign(demo_campaign):
    """Six villages with door outings and a forum (bare builders: only what the simulator reads)."""
    import datetime as dt

    from outreach.model import Outing
    from outreach.simulate.bare import bare_campaign, bare_plan

    geo = demo_campaign.geography
    vs = geo.villages[:6]
    small = dataclasses.replace(geo, villages=tuple(vs),
                                sangkats=tuple(s for s in geo.sangkats if any(v.sangkat_code == s.code for v in vs)))
    c = bare_campaign(small, dict(demo_campaign.params), demo_campaign.calendar, seed=11)
    day = demo_campaign.calendar.start + dt.timedelta(days=2)
    outings = [Outing("P01", day, "evening", ((v.code, v.households),)) for v in vs]
    return bare_plan("t", outings=outings, forums={vs[0].sangkat_code: 1}), c
