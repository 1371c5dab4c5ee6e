"""The first-solve benchmark's LP bounds, checked against the LPs and solves they stand for.

The bounds are what the benchmark reports (how many media plans and choices an
exact search could rule out), so each must be valid (never below what it
bounds) and point the right way (forcing a choice never raises the LP).
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

import numpy as np
import pytest

from optimizer.allocation import build_instance, small_campaign
from optimizer.allocation.model import Knobs, build_model, solve_model
from tests.benchmarks import load_benchmark

TOL = 1e-6  # relative, for CLP's floating point


def _bench() -> ModuleType:
    return load_benchmark("first_solve")


@pytest.fixture(scope="module")
def case(demo_campaign):
    """A small campaign whose money binds, with several media plans on its menu."""
    return _small_case(demo_campaign)


def _small_case(demo_campaign, draws=()):
    c = small_campaign(demo_campaign, 3, n_villages=5, budget=2500.0)
    inst = build_instance(c, None, max_rounds=2, max_passes=1, draws=draws)
    return inst, Knobs(budget_cents=int(c.budget_usd * 100), relative_gap=0.0, time_limit_s=10.0)


def test_the_media_plan_bounds_equal_the_lp_of_each_plan_fixed_and_bound_its_best_plan(case):
    bench = _bench()
    inst, knobs = case
    plans = len(inst.media.levels)
    assert plans >= 3, "the case needs a menu to choose from"
    lp = bench.relaxation(inst, knobs)
    full = lp.solve()
    bounds, _per_plan = bench.plan_bounds(lp)
    assert not np.isnan(bounds).any()
    assert bounds.max() <= full * (1 + TOL)  # fixing a plan only takes choices away
    for m in range(plans):
        fixed = replace(knobs, fixed_media=m)
        # an independent route to the same LP: the model built with the plan fixed
        alone = bench.relaxation(inst, fixed).solve()
        assert bounds[m] == pytest.approx(alone, rel=TOL)
        best = solve_model(inst, fixed)  # exact (gap 0): the best plan with media plan m
        assert best is not None and best.status == "OPTIMAL"
        assert bounds[m] >= best.objective * (1 - TOL)


def test_reduced_cost_bounds_are_valid_and_never_above_the_lp(case):
    bench = _bench()
    inst, knobs = case
    lp = bench.relaxation(inst, knobs)
    full = lp.solve()
    forced = bench.forced_bounds(lp, lp.binaries)
    assert (forced <= full * (1 + TOL)).all()
    assert (forced < full * (1 - 1e-4)).any(), "some choice must cost the LP something"
    # each bound against the LP with that choice actually forced to 1 (every one of a small model)
    for i, var in enumerate(lp.binaries):
        var.SetLb(1.0)
        got = lp.solve()
        var.SetLb(0.0)
        if got is not None:  # forcing it can make the LP infeasible: then any bound holds
            assert forced[i] >= got - TOL * abs(full)
    # the exact optimum is never ruled out: each choice it makes keeps a bound at least its value
    lp.solve()
    forced = bench.forced_bounds(lp, lp.binaries)
    opt = solve_model(inst, knobs)
    assert opt is not None and opt.status == "OPTIMAL"
    ch = build_model(inst, knobs).choices  # the same model: its binaries in the relaxation's order
    on = [opt.option[v] == o for v, o in ch.x] + [opt.combo_of_sangkat[s] == k for s, k in ch.z]
    assert len(on) == len(forced) and sum(on) == len(inst.villages) + len(inst.sangkats)
    assert forced[np.array(on)].min() >= opt.objective * (1 - TOL)


@pytest.fixture(scope="module")
def case_with_draws(demo_campaign):
    """The small campaign over three posterior draws, as the first solve is (mean value over the draws)."""
    from outreach.parameters import POSTERIOR_DRAWS

    return _small_case(demo_campaign, POSTERIOR_DRAWS[:3])


def test_the_swapped_objective_gives_each_plans_lp(case_with_draws):
    bench = _bench()
    inst, knobs = case_with_draws
    plans = len(inst.media.levels)
    assert plans >= 3
    swapped = bench.PlanLp(inst, knobs)
    lp = bench.relaxation(inst, knobs)
    lp.solve()
    fixed_one_by_one, _ = bench.plan_bounds(lp)
    # in an order that visits every plan after another one, so a stale coefficient or bound would show
    for m in [*range(plans - 1, -1, -1), 0, plans - 1]:
        assert swapped.bound(m) == pytest.approx(fixed_one_by_one[m], rel=TOL)


def test_the_screened_solve_finds_the_exact_optimum(case_with_draws):
    bench = _bench()
    inst, knobs = case_with_draws
    exact = solve_model(inst, knobs)  # gap 0
    sol, phases = bench.screened_solve(inst, knobs, top=2)
    assert exact is not None and sol is not None and sol.status == "OPTIMAL"
    assert sol.objective == exact.objective
    assert 1 <= phases["plans_left"] <= len(inst.media.levels)
    assert phases["incumbent"] <= sol.objective
