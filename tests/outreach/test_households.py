"""Synthetic households: each village's households depend on the seed and its own code only."""

from __future__ import annotations

import dataclasses

import numpy as np

from outreach.households import synthesize_households
from tests.outreach.simulate.builders import X0, Y0, make_campaign


def test_synthesis_is_per_village_deterministic() -> None:
    c1 = make_campaign((100, 200, 300))
    h1 = synthesize_households(c1.geography, c1.params, seed=5)
    geo2 = dataclasses.replace(c1.geography, villages=c1.geography.villages[1:])
    h2 = synthesize_households(geo2, c1.params, seed=5)
    assert np.array_equal(h1.x_m[100:], h2.x_m)
    assert np.array_equal(h1.women[100:], h2.women)
    r = np.hypot(h1.x_m[:100] - X0, h1.y_m[:100] - Y0)
    assert r.max() <= c1.params["household.village_radius_m_per_sqrt_hh"] * 10 + 1e-6
