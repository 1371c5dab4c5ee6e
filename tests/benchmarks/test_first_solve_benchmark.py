"""The first-solve benchmark's per-plan LP bounds, checked against the LPs and solves they stand for.

The bounds are what the benchmark reports (how many media plans an exact search
has to look at), so each must be the LP of its plan and never below that plan's
exact optimum. (The screen's own bounds: ``tests/optimizer/allocation/test_screen.py``.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optimizer.allocation import build_instance, small_campaign
from optimizer.allocation.model import Knobs, solve_model
from optimizer.allocation.screen import relaxation
from tests.benchmarks import load_benchmark

TOL = 1e-6  # relative, for CLP's floating point


@pytest.fixture(scope="module")
def case(demo_campaign):
    """A small campaign whose money binds, with several media plans on its menu."""
    c = small_campaign(demo_campaign, 3, n_villages=5, budget=2500.0)
    inst = build_instance(c, None, max_rounds=2, max_passes=1)
    return inst, Knobs(budget_cents=int(c.budget_usd * 100), relative_gap=0.0, time_limit_s=10.0)


def test_the_media_plan_bounds_equal_the_lp_of_each_plan_fixed_and_bound_its_best_plan(case):
    bench = load_benchmark("first_solve")
    inst, knobs = case
    plans = len(inst.media.levels)
    assert plans >= 3, "the case needs a menu to choose from"
    lp = relaxation(inst, knobs)
    full = lp.solve()
    bounds, _per_plan = bench.plan_bounds(lp)
    assert not np.isnan(bounds).any()
    assert bounds.max() <= full * (1 + TOL)  # fixing a plan only takes choices away
    for m in range(plans):
        fixed = replace(knobs, fixed_media=m)
        # an independent route to the same LP: the model built with the plan fixed
        alone = relaxation(inst, fixed).solve()
        assert bounds[m] == pytest.approx(alone, rel=TOL)
        best = solve_model(inst, fixed)  # exact (gap 0): the best plan with media plan m
        assert best is not None and best.status == "OPTIMAL"
        assert bounds[m] >= best.objective * (1 - TOL)
