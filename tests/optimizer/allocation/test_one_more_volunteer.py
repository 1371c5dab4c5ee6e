"""One more volunteer, in the district the solve picks: one re-solve equals the best of one re-solve per district.

The margin "households per extra volunteer" used to re-solve once per district
and keep the best; the model now picks the district itself (a one-hot choice of
where the volunteer's pair-outings go), so the two must agree exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import numpy as np
import pytest

from optimizer.allocation import build_instance
from optimizer.allocation.model import Knobs, solve_model
from outreach.model import Geography, Targets


def _two_districts(campaign, seed: int):
    """One sangkat of each of the demo's first two districts, three villages each, two volunteers in each."""
    rng = np.random.default_rng(seed)
    geo = campaign.geography
    districts = geo.districts[:2]
    sks = [next(s for s in geo.sangkats if s.district_code == d.code) for d in districts]
    villages, vols = [], []
    for i, s in enumerate(sks):
        take = [dataclasses.replace(v, households=int(rng.integers(60, 260))) for v in geo.villages_in(s.code)[:3]]
        villages += take
        vols += [dataclasses.replace(v, home_village=take[k % len(take)].code)
                 for k, v in enumerate(campaign.volunteers[4 * i: 4 * i + 2])]
    sub = Geography(geo.provinces, tuple(districts), tuple(sks), tuple(villages))
    hh = sum(v.households for v in villages)
    return dataclasses.replace(campaign, geography=sub, volunteers=tuple(vols), vehicles=(),
                               targets=Targets(loudspeaker_passes_per_sangkat=0, forums_per_sangkat=0),
                               budget_usd=float(1.5 * hh + 300))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_picked_district_is_the_best_of_one_resolve_per_district(demo_campaign, seed):
    c = _two_districts(demo_campaign, seed)
    inst = build_instance(c, None, max_rounds=2, max_passes=0)
    assert len(inst.districts) == 2
    knobs = Knobs(budget_cents=int(c.budget_usd * 100), relative_gap=0.0, time_limit_s=10.0)
    base = solve_model(inst, knobs)
    assert base is not None and base.volunteer_district == -1
    outings = int(inst.outing_cap.sum())
    assert base.outings >= outings - 1, "the case needs the volunteers' outings to bind"
    one = max(2, outings // 3)
    each = [solve_model(inst, replace(knobs, extra_outings={d: one})) for d in range(2)]
    picked = solve_model(inst, replace(knobs, one_more_volunteer=one))
    assert picked is not None and all(e is not None for e in each)
    assert picked.objective == max(e.objective for e in each)  # exact solves (gap 0)
    d = picked.volunteer_district
    assert d in (0, 1) and each[d].objective == picked.objective
    assert picked.objective > base.objective  # the volunteer's outings are worth something here
    # the volunteer's outings go to the picked district only
    per_district = np.zeros(2, int)
    for v, o in enumerate(picked.option):
        per_district[inst.district_of_sangkat[inst.sangkat_of[v]]] += int(inst.outings[v, o])
    assert per_district[1 - d] <= inst.outing_cap[1 - d]
    assert per_district[d] <= inst.outing_cap[d] + one
