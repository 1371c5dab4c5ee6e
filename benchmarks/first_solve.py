"""First-solve benchmark: the allocation's first exact solve, and the LP bounds its screen uses; one JSON document.

Usage (from the repository root)::

    .venv/bin/python benchmarks/first_solve.py                        # the demo, about 1 minute
    .venv/bin/python benchmarks/first_solve.py --no-plan-bounds       # without the per-plan LPs
    .venv/bin/python benchmarks/first_solve.py --unscreened           # also the solve without the screen (minutes)
    .venv/bin/python benchmarks/first_solve.py --scenario FILE

Why: issue #17 asks for ``outreach demo`` within 60 s, and the first solve of
the allocation (media plan free, over the shipped posterior draws) is its
largest stage. This measures, on the instance the pipeline builds
(:func:`scenarios.pipeline.allocate`: the same survey, draws and effort):

* ``product``: the first solve as the product runs it, screened
  (:mod:`optimizer.allocation.screen`): wall seconds, status, objective and
  bound (weighted households, the model's unit), media plan.
* ``unscreened`` (``--unscreened``): the model over every media plan solved
  at once, as the product did before the screen, and whether it chose the same
  plan; ``own_plan_as_start``: that solve given the product's plan as its
  start (the least a primal heuristic alone could bring it to).
* ``lp``: the LP relaxation (CLP), its value, wall seconds, the media plans
  it weights, and the option and combination binaries its reduced costs rule
  out for any plan at least as good as the product's.
* ``plan_bounds``: the LP with each media plan fixed in turn. A plan whose
  bound is below the product's objective cannot hold a better plan; the count
  of the others is how many media plans an exact search has to look at. LPs
  that fail are counted, never dropped.

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
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from optimizer.allocation.instance import AllocationInstance  # noqa: E402
from optimizer.allocation.model import Knobs, Solution, solve_model  # noqa: E402
from optimizer.allocation.screen import Relaxation, forced_bounds, relaxation, solve_screened  # noqa: E402


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


def _timed_solve(inst: AllocationInstance, knobs: Knobs, *, screened: bool = False) -> tuple[Solution | None, float]:
    t0 = time.perf_counter()
    sol = solve_screened(inst, knobs) if screened else solve_model(inst, knobs)
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


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the JSON document."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "demo.toml")
    ap.add_argument("--no-plan-bounds", action="store_true", help="skip the LP of every media plan")
    ap.add_argument("--unscreened", action="store_true",
                    help="also the solve over every media plan at once, alone and from the product's plan")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()
    inst, knobs = first_solve_instance(args.scenario)
    sol, wall = _timed_solve(inst, knobs, screened=True)
    doc: dict[str, Any] = {"benchmark": "first_solve", "scenario": str(args.scenario), "commit": _commit(),
                           "cores": os.cpu_count(), "load_before": [round(x, 2) for x in load_before],
                           "villages": len(inst.villages), "media_plans": len(inst.media.levels),
                           "product": _solve_doc(sol, wall)}
    if sol is None:
        doc["load_after"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(doc, indent=2))
        return 0
    if args.unscreened:
        plain, plain_wall = _timed_solve(inst, knobs)
        doc["unscreened"] = _solve_doc(plain, plain_wall)
        if plain is not None:
            doc["unscreened"]["same_plan_as_product"] = bool((plain.option == sol.option).all()
                                                             and plain.media == sol.media)
        doc["own_plan_as_start"] = _solve_doc(*_timed_solve(inst, replace(knobs, hint=sol)))
    t0 = time.perf_counter()
    lp = relaxation(inst, knobs)
    if lp.solve() is None:
        doc["lp"] = {"status": "CLP did not end optimal"}
    else:
        doc["lp"] = _lp_doc(lp, time.perf_counter() - t0, sol.objective)
        if not args.no_plan_bounds:
            doc["plan_bounds"] = _plan_bounds_doc(lp, sol.objective)
    doc["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
