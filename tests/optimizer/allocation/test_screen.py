"""The screened first solve: its LP bounds against the LPs and solves they stand for, and its result against the
unscreened exact optimum.

Each bound rules something out, so each must be valid (never below the best plan
it bounds); a bound that is too low would drop the best plan without a trace.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optimizer.allocation import build_instance, screen, small_campaign
from optimizer.allocation.model import Knobs, build_model, solve_model
from outreach.parameters import POSTERIOR_DRAWS

TOL = 1e-6  # relative, for CLP's floating point


@pytest.fixture(scope="module")
def case(demo_campaign):
    """A small campaign whose money binds, with several media plans on its menu, over three posterior draws
    (as the first solve is: the mean value over the draws); solved exactly (gap 0)."""
    c = small_campaign(demo_campaign, 3, n_villages=5, budget=2500.0)
    inst = build_instance(c, None, max_rounds=2, max_passes=1, draws=POSTERIOR_DRAWS[:3])
    knobs = Knobs(budget_cents=int(c.budget_usd * 100), relative_gap=0.0, time_limit_s=10.0)
    assert len(inst.media.levels) >= 3, "the case needs a menu to choose from"
    return inst, knobs


@pytest.fixture(scope="module")
def per_plan(case):
    """The exact optimum with each media plan fixed (gap 0)."""
    inst, knobs = case
    out = []
    for m in range(len(inst.media.levels)):
        sol = solve_model(inst, replace(knobs, fixed_media=m))
        assert sol is not None and sol.status == "OPTIMAL"
        out.append(sol.objective)
    return np.array(out, float)


def test_reduced_cost_bounds_are_valid_and_never_above_the_lp(case):
    inst, knobs = case
    lp = screen.relaxation(inst, knobs)
    full = lp.solve()
    forced = screen.forced_bounds(lp, lp.binaries)
    assert (forced <= full * (1 + TOL)).all()
    assert (forced < full * (1 - 1e-4)).any(), "some choice must cost the LP something"
    for i, var in enumerate(lp.binaries):  # against the LP with each choice actually forced to 1
        var.SetLb(1.0)
        got = lp.solve()
        var.SetLb(0.0)
        if got is not None:  # forcing it can make the LP infeasible: then any bound holds
            assert forced[i] >= got - TOL * abs(full)
    lp.solve()
    forced = screen.forced_bounds(lp, lp.binaries)
    opt = solve_model(inst, knobs)
    assert opt is not None and opt.status == "OPTIMAL"
    ch = build_model(inst, knobs).choices  # the same model: its binaries in the relaxation's order
    on = [opt.option[v] == o for v, o in ch.x] + [opt.combo_of_sangkat[s] == k for s, k in ch.z]
    assert len(on) == len(forced) and sum(on) == len(inst.villages) + len(inst.sangkats)
    assert forced[np.array(on)].min() >= opt.objective * (1 - TOL)


def test_the_swapped_objective_gives_each_plans_lp_and_bounds_its_optimum(case, per_plan):
    inst, knobs = case
    plans = len(inst.media.levels)
    swapped = screen.PlanLp(inst, knobs)
    # in an order that visits every plan after another one, so a stale coefficient or bound would show
    for m in [*range(plans - 1, -1, -1), 0, plans - 1]:
        alone = screen.relaxation(inst, replace(knobs, fixed_media=m)).solve()  # the model built with m fixed
        got = swapped.bound(m)
        assert got == pytest.approx(alone, rel=TOL)
        assert got >= per_plan[m] * (1 - TOL)


def test_the_restricted_plan_is_a_plan_of_its_media_plan_and_no_better_than_its_optimum(case, per_plan):
    inst, knobs = case
    swapped = screen.PlanLp(inst, knobs)
    for m in sorted({*range(0, len(per_plan), 25), int(np.argmax(per_plan))}):
        swapped.bound(m)
        combos = swapped.combinations()
        assert sum(combos.values()) == pytest.approx(len(inst.sangkats))  # one combination per sangkat
        got = screen.restricted_plan(inst, knobs, m, combos)
        assert got is not None and got.media == m
        assert got.objective <= per_plan[m]
        # the combinations the LP sets whole are kept
        for (s, k), share in combos.items():
            if share > 1 - TOL:
                assert got.combo_of_sangkat[s] == k


def test_the_screen_keeps_every_plan_that_could_beat_the_incumbent(case, per_plan):
    inst, knobs = case
    lp = screen.relaxation(inst, knobs)
    lp.solve()
    swapped = screen.PlanLp(inst, knobs)
    # an incumbent some plans beat and many cannot: the best plan of the one at the 90th percentile
    mid = int(np.argsort(per_plan, kind="stable")[int(0.9 * len(per_plan))])
    incumbent = solve_model(inst, replace(knobs, fixed_media=mid))
    bounds = {mid: swapped.bound(mid)}
    kept = screen.screen(lp, swapped, bounds, incumbent, 0.0)
    better = set(np.flatnonzero(per_plan > incumbent.objective).tolist())
    assert better and better <= set(kept.plans) and mid in kept.plans
    dropped = [m for m in range(len(per_plan)) if m not in kept.plans]
    assert len(dropped) > len(per_plan) // 2, "the case must let the screen rule plans out"
    assert kept.bound_out >= per_plan[dropped].max()
    opt = solve_model(inst, knobs)
    ch = build_model(inst, knobs).choices
    on = np.array([opt.option[v] == o for v, o in ch.x] + [opt.combo_of_sangkat[s] == k for s, k in ch.z])
    assert not (kept.ruled_out & on).any()  # none of the optimum's choices is fixed at 0


@pytest.mark.parametrize("top, heuristic", [(1, 1), (2, 2), (screen.TOP_PLANS, screen.HEURISTIC_PLANS)])
def test_the_screened_solve_finds_the_exact_optimum(case, per_plan, monkeypatch, top, heuristic):
    inst, knobs = case
    monkeypatch.setattr(screen, "TOP_PLANS", top)
    monkeypatch.setattr(screen, "HEURISTIC_PLANS", heuristic)
    sol = screen.solve_screened(inst, knobs)
    assert sol is not None and sol.status == "OPTIMAL"
    assert sol.objective == per_plan.max()
    assert sol.bound >= per_plan.max() * (1 - TOL)
    assert per_plan[sol.media] == sol.objective


def test_a_solve_the_screen_cannot_take_is_the_plain_solve(case, demo_campaign):
    inst, knobs = case
    assert screen.can_screen(inst, knobs)
    for kn in (replace(knobs, fixed_media=1), replace(knobs, backend="cp-sat"), replace(knobs, mode="slack")):
        assert not screen.can_screen(inst, kn)
    c = small_campaign(demo_campaign, 3, n_villages=5, budget=2500.0)
    point = build_instance(c, None, max_rounds=2, max_passes=1)  # no draws
    assert not screen.can_screen(point, knobs)
    a, b = screen.solve_screened(point, knobs), solve_model(point, knobs)
    assert a is not None and b is not None
    assert a.objective == b.objective and (a.option == b.option).all() and a.media == b.media


def test_a_screened_solve_with_a_gap_bounds_every_plan_and_stays_within_the_gap(case, per_plan, monkeypatch):
    """With a 2 % gap the screen drops plans within 2 % of the incumbent unsolved: the reported bound still covers
    them, and the plan is within the gap of the best plan over the whole menu."""
    inst, knobs = case
    monkeypatch.setattr(screen, "TOP_PLANS", 1)
    monkeypatch.setattr(screen, "HEURISTIC_PLANS", 1)
    sol = screen.solve_screened(inst, replace(knobs, relative_gap=0.02))
    assert sol is not None and sol.status == "OPTIMAL"
    assert sol.bound >= per_plan.max() * (1 - TOL)
    assert per_plan.max() - sol.objective <= 0.02 * sol.objective
    assert sol.gap <= 0.02 + TOL


def test_the_reported_bound_covers_what_the_screen_ruled_out(case, monkeypatch):
    """Even when the final solve over what is left proves its own plan optimal (bound = objective), the reported
    bound is the largest bound of the plans and choices ruled out, when that is higher."""
    inst, knobs = case
    seen = {}
    real_screen, real_final = screen.screen, screen._final

    def spy_screen(*args, **kwargs):
        seen["kept"] = real_screen(*args, **kwargs)
        return seen["kept"]

    def closed_final(*args, **kwargs):
        got = real_final(*args, **kwargs)
        return replace(got, bound=float(got.objective))

    monkeypatch.setattr(screen, "screen", spy_screen)
    monkeypatch.setattr(screen, "_final", closed_final)
    monkeypatch.setattr(screen, "TOP_PLANS", 1)
    monkeypatch.setattr(screen, "HEURISTIC_PLANS", 1)
    sol = screen.solve_screened(inst, replace(knobs, relative_gap=0.02))
    assert sol is not None
    assert seen["kept"].bound_out > sol.objective, "the case must rule out a plan with a bound above the result"
    assert sol.bound == seen["kept"].bound_out


def test_a_resolve_whose_start_does_not_fit_starts_from_a_restricted_plan_that_does(case):
    """A volunteer's margin re-solve: less money (the kit) than the base plan spends, the base plan as its start."""
    inst, knobs = case
    base = solve_model(inst, knobs)
    assert base is not None
    resolve = replace(knobs, budget_cents=inst.fixed_cents + base.money_cents - 1, hint=base, fixed_media=base.media,
                      extra_outings={0: 3})
    assert screen.needs_restricted_start(inst, resolve)
    assert not screen.needs_restricted_start(inst, replace(resolve, budget_cents=knobs.budget_cents))
    start = screen.restricted_start(inst, resolve)
    assert start is not None and start.media == base.media
    assert start.money_cents <= resolve.budget_cents - inst.fixed_cents  # it fits
    exact = solve_model(inst, replace(resolve, hint=None))  # gap 0, from nothing
    got = screen.solve(inst, resolve)
    assert exact is not None and got is not None and got.status == "OPTIMAL"
    assert start.objective <= exact.objective == got.objective


def test_the_screened_plan_does_not_depend_on_how_many_restricted_mips_run_at_once(case, monkeypatch):
    inst, knobs = case
    loose = replace(knobs, relative_gap=0.02)  # a gap wide enough that the incumbent decides the plan
    got = []
    for workers in (1, 2):
        monkeypatch.setattr(screen, "HEURISTIC_WORKERS", workers)
        sol = screen.solve_screened(inst, loose)
        assert sol is not None
        got.append(sol)
    assert got[0].objective == got[1].objective and got[0].media == got[1].media
    assert (got[0].option == got[1].option).all() and got[0].bound == got[1].bound


def test_when_the_final_solve_finds_nothing_the_incumbent_comes_back_with_a_bound_for_every_plan(
        case, per_plan, monkeypatch):
    inst, knobs = case
    monkeypatch.setattr(screen, "_final", lambda *args, **kwargs: None)
    monkeypatch.setattr(screen, "TOP_PLANS", 1)  # an incumbent below the optimum
    monkeypatch.setattr(screen, "HEURISTIC_PLANS", 1)
    sol = screen.solve_screened(inst, knobs)
    assert sol is not None and sol.status == "FEASIBLE"
    assert sol.objective < per_plan.max(), "the case needs an incumbent short of the optimum"
    assert sol.objective <= per_plan.max() <= sol.bound * (1 + TOL)  # the LP's bound, not the restriction's
