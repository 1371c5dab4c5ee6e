"""First-solve benchmark: the allocation's first exact solve, and what its LP says could shorten it; one JSON document.

Usage (from the repository root)::

    .venv/bin/python benchmarks/first_solve.py                       # the demo, about 4 minutes
    .venv/bin/python benchmarks/first_solve.py --no-plan-bounds      # without the per-plan LPs
    .venv/bin/python benchmarks/first_solve.py --scenario FILE

Why: issue #17 asks for ``outreach demo`` within 60 s, and the first solve of
the allocation (media plan free, over the shipped posterior draws) alone takes
longer. This measures, on the instance the pipeline builds
(:func:`scenarios.pipeline.allocate`: the same survey, draws and effort):

* ``product``: the first solve as the product runs it: wall seconds, status,
  objective and bound (weighted households, the model's unit), media plan.
* ``own_plan_as_start``: the same solve given the plan it found as its start.
  No primal heuristic can do better than that start, so its wall time is the
  least a heuristic alone could bring the solve to: the bound must still be
  proven.
* ``lp``: the LP relaxation (CLP), its value, wall seconds and the media
  plans it weights.
* ``plan_bounds``: the LP with each media plan fixed in turn. A plan whose
  bound is below the product's objective cannot hold a better plan; the count
  of the others is how many media plans an exact search would still have to
  look at. LPs that fail are counted, never dropped.
* ``reduced_cost``: option and combination binaries the LP's reduced costs
  rule out for any plan at least as good as the product's.
* ``screened`` (``--screened``): a sketch of a faster exact first solve, for
  the next step of the issue (not what the product runs): the LP; the LP of
  the ``--top`` media plans its reduced costs favour, each from one model
  whose objective is swapped per plan (:class:`PlanLp`); the fixed-plan solve
  at the best of them as the incumbent; every plan whose bound is below it
  ruled out, and the binaries the reduced costs rule out; then the solve over
  what is left, from the incumbent. Wall seconds per phase, and its plan
  against the product's.

All figures are for one run; the solves are deterministic (work limits, not
the clock), the wall seconds depend on the machine and its load (given).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ortools.linear_solver import pywraplp  # noqa: E402

from optimizer.allocation import mip  # noqa: E402
from optimizer.allocation import model as am  # noqa: E402
from optimizer.allocation.backends import run_model  # noqa: E402
from optimizer.allocation.instance import AllocationInstance  # noqa: E402
from optimizer.allocation.media import MEDIA_QUANT  # noqa: E402
from optimizer.allocation.model import Knobs, Solution, build_model, solve_model  # noqa: E402


@dataclass
class Relaxation:
    """The allocation model's LP (CLP) with its media-plan variables, kept to re-solve with one plan fixed.

    ``built`` is the model it relaxes (variables in the same order as ``binaries``).
    """

    built: am.BuiltModel
    solver: pywraplp.Solver
    translation: mip._Translation
    media: list[pywraplp.Variable]
    binaries: list[pywraplp.Variable]  # option and combination choices
    divisor: int

    def value(self) -> float:
        """The last solve's objective, in the model's value unit (weighted households)."""
        tr = self.translation
        return tr.scale * (self.solver.Objective().Value() + tr.offset) / self.divisor

    def solve(self) -> float | None:
        """Solve; the value, or None when CLP does not end optimal."""
        return self.value() if self.solver.Solve() == pywraplp.Solver.OPTIMAL else None


def relaxation(inst: AllocationInstance, knobs: Knobs) -> Relaxation:
    """The LP of the model :func:`solve_model` would solve for ``knobs``, integrality dropped (CLP ignores it)."""
    built = build_model(inst, knobs)
    s = pywraplp.Solver.CreateSolver("CLP")
    tr = mip._translate(s, built.model.proto)
    ch = built.choices
    binaries = [tr.xs[v.index] for v in list(ch.x.values()) + list(ch.z.values())]
    return Relaxation(built, s, tr, [tr.xs[y.index] for y in built.media], binaries,
                      am.objective_divisor(inst, built, knobs))


def forced_bounds(lp: Relaxation, variables: list[pywraplp.Variable]) -> np.ndarray:
    """Upper bounds on any plan with each variable at 1, from the solved LP's reduced costs.

    The LP is a minimisation of ``-value`` (``scale`` -1): forcing a variable at its lower bound 0 up to 1
    raises the minimum by at least its reduced cost, so the value falls by at least that much.
    """
    rc = np.array([v.reduced_cost() for v in variables])
    return lp.value() - abs(lp.translation.scale) * np.maximum(rc, 0.0) / lp.divisor


def plan_bounds(lp: Relaxation) -> tuple[np.ndarray, float]:
    """The LP value with each media plan fixed in turn (NaN where CLP failed), and the mean seconds per plan."""
    out = np.full(len(lp.media), np.nan)
    t0 = time.perf_counter()
    for i, y in enumerate(lp.media):
        y.SetLb(1.0)
        got = lp.solve()
        y.SetLb(0.0)
        if got is not None:
            out[i] = got
    lp.solve()  # leave the relaxation as it was
    return out, (time.perf_counter() - t0) / max(1, len(lp.media))


def _timed_solve(inst: AllocationInstance, knobs: Knobs) -> tuple[Solution | None, float]:
    t0 = time.perf_counter()
    sol = solve_model(inst, knobs)
    return sol, time.perf_counter() - t0


def _solve_doc(sol: Solution | None, wall: float) -> dict[str, Any]:
    if sol is None:
        return {"status": "NONE", "wall_s": round(wall, 1)}
    return {"status": sol.status, "wall_s": round(wall, 1), "objective": sol.objective,
            "bound": round(sol.bound, 1), "gap": round(sol.gap, 6), "media_plan": sol.media}


def first_solve_instance(scenario: Path) -> tuple[AllocationInstance, Knobs]:
    """The instance and knobs of the pipeline's first solve of ``scenario`` (CLI defaults)."""
    from optimizer.allocation.instance import build_instance
    from optimizer.allocation.solve import Resolve, _knobs
    from outreach.scenario import load_campaign
    from scenarios.pipeline import ALLOCATION_MIN_S, PlanOptions, allocation_draws, read_survey

    campaign = load_campaign(scenario)
    options = PlanOptions()
    survey = read_survey(campaign)
    priorities = survey.priorities if survey is not None else None
    inst = build_instance(campaign, priorities, draws=allocation_draws(options), workers=options.workers)
    knobs = _knobs(campaign, inst, Resolve(), time_limit_s=max(options.time_limit_s, ALLOCATION_MIN_S),
                   relative_gap=0.001, backend=options.strategy)
    return inst, knobs


def _lp_doc(lp: Relaxation, wall: float, objective: float) -> dict[str, Any]:
    weights = {i: round(y.solution_value(), 4) for i, y in enumerate(lp.media) if y.solution_value() > 1e-6}
    excluded = forced_bounds(lp, lp.binaries) < objective
    return {"value": round(lp.value(), 1), "wall_s": round(wall, 2), "above_product_pct":
            round(100 * (lp.value() - objective) / objective, 3), "media_weights": weights,
            "reduced_cost": {"binaries": len(lp.binaries), "ruled_out": int(excluded.sum())}}


def _plan_bounds_doc(lp: Relaxation, objective: float) -> dict[str, Any]:
    bounds, per_plan = plan_bounds(lp)
    ok = ~np.isnan(bounds)
    order = np.argsort(-np.where(ok, bounds, -np.inf), kind="stable")[:10]
    return {"plans": len(bounds), "failed": int((~ok).sum()),
            "at_least_product": int((bounds[ok] >= objective).sum()),
            "reduced_cost_leaves": int((forced_bounds(lp, lp.media) >= objective).sum()),
            "mean_s_per_plan": round(per_plan, 3),
            "best": [{"plan": int(i), "bound": round(float(bounds[i]), 1)} for i in order if ok[i]]}


class PlanLp:
    """The LP of the model with one media plan fixed, for any plan: one translation, the objective swapped per plan.

    With the plan fixed, the value is linear in the village options (coefficients
    ``sum_g (Q - g_gm) V_g``, :func:`optimizer.allocation.model.set_objective`), so
    only those coefficients, the plan's constant and which plan's money is paid
    change from one plan to the next.
    """

    def __init__(self, inst: AllocationInstance, knobs: Knobs) -> None:
        if inst.draws is None:
            raise ValueError("PlanLp needs an instance over posterior draws (the first solve's)")
        built = build_model(inst, replace(knobs, fixed_media=0))
        self.solver = pywraplp.Solver.CreateSolver("CLP")
        tr = mip._translate(self.solver, built.model.proto)
        first = built.media[0].index
        for row, (coefs, _const, lo, hi) in zip(self.solver.constraints(), tr.rows):
            if coefs == {first: 1} and lo == hi == 1:
                row.SetBounds(0.0, 1.0)  # the row that fixed plan 0: each plan is fixed by its bounds instead
        groups, self.divisor = am.value_groups(inst)
        self.gains = np.stack([g.gains for g in groups]).astype(float)  # (groups, plans)
        self.values = np.stack([g.value for g in groups]).astype(float)  # (groups, villages, options)
        self.full = np.array([g.full_value for g in groups], float)
        self.x = [(v, o, tr.xs[var.index]) for (v, o), var in built.choices.x.items()]
        self.y = [tr.xs[y.index] for y in built.media]
        self.sign = tr.scale  # the proto minimises sign x value

    def bound(self, m: int) -> float | None:
        """The LP value with media plan ``m``, in the model's value unit; None when CLP does not end optimal."""
        coef = ((MEDIA_QUANT - self.gains[:, m])[:, None, None] * self.values).sum(axis=0)
        obj = self.solver.Objective()
        for v, o, var in self.x:
            obj.SetCoefficient(var, float(self.sign * coef[v, o]))
        for i, y in enumerate(self.y):
            y.SetBounds(float(i == m), float(i == m))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        const = float((self.gains[:, m] * self.full).sum())
        return (self.sign * self.solver.Objective().Value() + const) / (MEDIA_QUANT * self.divisor)


def _screened_model(lp: Relaxation, alive: list[int], incumbent: float) -> tuple[am.BuiltModel, int]:
    """The relaxed model itself (not built again) with the media plans not in ``alive`` and the binaries the LP
    rules out fixed at 0; the LP already solved is not touched."""
    built = lp.built
    ch = built.choices
    ruled_out = forced_bounds(lp, lp.binaries) < incumbent
    for var, out in zip(list(ch.x.values()) + list(ch.z.values()), ruled_out):
        if out:
            built.model.add(var == 0)
    keep = set(alive)
    for i, y in enumerate(built.media):
        if i not in keep:
            built.model.add(y == 0)
    return built, int(ruled_out.sum())


def screened_solve(inst: AllocationInstance, knobs: Knobs, *, top: int = 40) -> tuple[Solution | None, dict[str, Any]]:
    """The first solve by screening media plans (see the module's ``screened``); the plan and wall seconds by phase.

    Exact up to the solver's gap: a plan is ruled out only when its LP bound is below a plan already found.
    """
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    lp = relaxation(inst, knobs)
    lp.solve()
    plan_lp = PlanLp(inst, knobs)
    by_rc = forced_bounds(lp, lp.media)
    order = [int(i) for i in np.argsort(-by_rc, kind="stable")]
    bounds = {m: plan_lp.bound(m) for m in order[:top]}
    times["lp_and_top_plans"] = time.perf_counter() - t0
    best = max((m for m in bounds if bounds[m] is not None), key=lambda m: bounds[m] or 0.0)
    t1 = time.perf_counter()
    incumbent = solve_model(inst, replace(knobs, fixed_media=best))
    times["fixed_plan_solve"] = time.perf_counter() - t1
    if incumbent is None:
        return None, {"phase_s": {k: round(v, 1) for k, v in times.items()}}
    t2 = time.perf_counter()
    alive = [m for m in order if by_rc[m] >= incumbent.objective]
    bounds.update({m: plan_lp.bound(m) for m in alive if m not in bounds})
    alive = [m for m in alive if bounds[m] is None or bounds[m] >= incumbent.objective]
    built, ruled_out = _screened_model(lp, alive, incumbent.objective)
    times["screen"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    div = am.objective_divisor(inst, built, knobs)
    got = run_model(built.model, backend=knobs.backend, effort_s=knobs.time_limit_s, relative_gap=knobs.relative_gap,
                    hint=am._hint(replace(knobs, hint=incumbent), built.choices),
                    absolute_gap=knobs.relative_gap * am.value_scale(inst, built.choices) * div)
    times["final_solve"] = time.perf_counter() - t3
    sol = None if got is None else am._read_solution(inst, knobs, built, got)
    return sol, {"phase_s": {k: round(v, 1) for k, v in times.items()}, "top_plan": best,
                 "incumbent": incumbent.objective, "plans_left": len(alive), "binaries_ruled_out": ruled_out}


def _screened_doc(inst: AllocationInstance, knobs: Knobs, product: Solution, top: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    sol, phases = screened_solve(inst, knobs, top=top)
    doc = {**_solve_doc(sol, time.perf_counter() - t0), **phases}
    if sol is not None:
        doc["same_plan_as_product"] = bool((sol.option == product.option).all() and sol.media == product.media)
    return doc


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the JSON document."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "demo.toml")
    ap.add_argument("--no-plan-bounds", action="store_true", help="skip the LP of every media plan")
    ap.add_argument("--screened", action="store_true", help="also the screened first solve (a sketch)")
    ap.add_argument("--top", type=int, default=40, help="media plans the screened solve bounds first")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()
    inst, knobs = first_solve_instance(args.scenario)
    sol, wall = _timed_solve(inst, knobs)
    doc: dict[str, Any] = {"benchmark": "first_solve", "scenario": str(args.scenario), "commit": _commit(),
                           "cores": os.cpu_count(), "load_before": [round(x, 2) for x in load_before],
                           "villages": len(inst.villages), "media_plans": len(inst.media.levels),
                           "product": _solve_doc(sol, wall)}
    if sol is not None:
        doc["own_plan_as_start"] = _solve_doc(*_timed_solve(inst, replace(knobs, hint=sol)))
        t0 = time.perf_counter()
        lp = relaxation(inst, knobs)
        if lp.solve() is None:
            doc["lp"] = {"status": "CLP did not end optimal"}
        else:
            doc["lp"] = _lp_doc(lp, time.perf_counter() - t0, sol.objective)
            if not args.no_plan_bounds:
                doc["plan_bounds"] = _plan_bounds_doc(lp, sol.objective)
        if args.screened:
            doc["screened"] = _screened_doc(inst, knobs, sol, args.top)
    doc["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
