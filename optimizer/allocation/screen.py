"""The first solve by screening media plans: LP bounds rule out most of the menu before the MIP sees it.

Why: the first solve chooses a media plan as well as every village's option,
over the posterior draws (:mod:`.sample`); on the demo (316 media plans, 155
villages) SCIP spent 70-100 s on it, most of it carrying every plan's split
of the village value through its root (``benchmarks/first_solve.py``). Yet
the LP of each plan alone bounds what that plan can earn, and only a handful
of plans have a bound near the best plan found. So:

1. **Relax.** The LP of the whole model (CLP); its reduced costs bound, for
   each media plan and each option or combination, the best any plan using
   it could earn (:func:`forced_bounds`).
2. **Bound the likely plans.** The LP with one media plan fixed, for the
   ``TOP_PLANS`` plans the reduced costs favour, from one model whose objective
   is swapped per plan (:class:`PlanLp`).
3. **Incumbent.** For the ``HEURISTIC_PLANS`` plans with the best LP bounds:
   the MIP with that plan fixed and every sangkat's combination the LP sets
   whole fixed too (the other sangkats free among the combinations the LP
   uses). These small problems end in seconds near the plan's optimum; the
   best is the incumbent.
4. **Screen.** A media plan is kept only when its bound (its LP where taken,
   else its reduced-cost bound) exceeds the incumbent by more than the solve's
   own stopping gap; choices whose reduced-cost bound is below the incumbent
   are fixed at 0.
5. **Solve what is left** from the incumbent, with the same stopping rule.
   Its bound is raised to the largest bound ruled out, so the reported gap
   covers the whole menu and the plan is within the solve's gap of the best
   plan over all media plans, as the unscreened solve's is.

Every bound is a valid LP bound, so nothing better than the result is ever
ruled out; the choice of plans to try first only changes how fast it goes
(and which plan within the gap comes out). Campaigns at a point (no draws),
with one media plan, a start or a fixed plan are solved unscreened.

The restricted MIP of step 3 also starts the re-solves whose own start does
not fit their budget (a volunteer's margin, whose kit comes out of the
budget): :func:`solve` is the one entry for every solve of the allocation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import pywraplp

from outreach.parallel import fork_map

from . import mip
from . import model as am
from .instance import AllocationInstance
from .media import MEDIA_QUANT
from .model import BuiltModel, Knobs, Solution

#: Media plans whose LP is taken before the incumbent is sought (by reduced-cost bound; 0.05-0.1 s each).
TOP_PLANS = 40
#: Media plans (best LP bounds first) whose restricted MIP is solved for the incumbent (5-8 s each on the demo).
HEURISTIC_PLANS = 2
#: Processes the restricted MIPs run on (one inside a forked worker: :func:`outreach.parallel.usable_workers`).
HEURISTIC_WORKERS = 2
#: Relative slack on floating-point LP bounds before anything is ruled out by them (CLP's tolerances).
BOUND_TOL = 1e-6


@dataclass
class Relaxation:
    """The allocation model's LP (CLP), kept with the model it relaxes (``built``) to fix choices in afterwards.

    ``binaries`` are the option then combination choices, in ``built.choices``' order.
    """

    built: BuiltModel
    solver: pywraplp.Solver
    translation: mip._Translation
    media: list[pywraplp.Variable]
    binaries: list[pywraplp.Variable]
    divisor: int

    def value(self) -> float:
        """The last solve's objective, in the model's value unit (weighted households)."""
        tr = self.translation
        return tr.scale * (self.solver.Objective().Value() + tr.offset) / self.divisor

    def solve(self) -> float | None:
        """Solve; the value, or None when CLP does not end optimal."""
        return self.value() if self.solver.Solve() == pywraplp.Solver.OPTIMAL else None

    def combinations(self) -> dict[tuple[int, int], float]:
        """Each (sangkat, combination) choice's value in the last solve."""
        xs = self.translation.xs
        return {sk: xs[var.index].solution_value() for sk, var in self.built.choices.z.items()}


def _choice_vars(ch: am.Choices) -> list[am.Var]:
    """The option then combination choices: the order of :attr:`Relaxation.binaries` and of a screen's
    ``ruled_out``."""
    return list(ch.x.values()) + list(ch.z.values())


def relaxation(inst: AllocationInstance, knobs: Knobs) -> Relaxation:
    """The LP of the model :func:`~optimizer.allocation.model.solve_model` would solve for ``knobs``
    (CLP ignores integrality)."""
    built = am.build_model(inst, knobs)
    s = pywraplp.Solver.CreateSolver("CLP")
    tr = mip._translate(s, built.model.proto)
    binaries = [tr.xs[v.index] for v in _choice_vars(built.choices)]
    return Relaxation(built, s, tr, [tr.xs[y.index] for y in built.media], binaries,
                      am.objective_divisor(inst, built, knobs))


def forced_bounds(lp: Relaxation, variables: list[pywraplp.Variable]) -> np.ndarray:
    """Upper bounds on any plan with each variable at 1, from the solved LP's reduced costs.

    The LP minimises ``-value`` (``scale`` -1): forcing a variable from its lower bound 0 up to 1
    raises the minimum by at least its reduced cost, so the value falls by at least that much.
    """
    rc = np.array([v.reduced_cost() for v in variables])
    return lp.value() - abs(lp.translation.scale) * np.maximum(rc, 0.0) / lp.divisor


class PlanLp:
    """The LP of the model with one media plan fixed, for any plan: one translation, the objective swapped per plan.

    With the plan fixed the value is linear in the village options (coefficients
    ``sum_g (Q - g_gm) V_g``, :func:`optimizer.allocation.model.set_objective`), so
    only those coefficients, the plan's constant and which plan's money is paid
    change from one plan to the next.
    """

    def __init__(self, inst: AllocationInstance, knobs: Knobs) -> None:
        if inst.draws is None:
            raise ValueError("PlanLp needs an instance over posterior draws (the first solve's)")
        built = am.build_model(inst, replace(knobs, fixed_media=0))
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
        self.z = {sk: tr.xs[var.index] for sk, var in built.choices.z.items()}
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

    def combinations(self) -> dict[tuple[int, int], float]:
        """Each (sangkat, combination) choice's value in the last plan's LP."""
        return {sk: var.solution_value() for sk, var in self.z.items()}


def can_screen(inst: AllocationInstance, knobs: Knobs) -> bool:
    """True for a value solve over posterior draws with the media plan free, no start, on SCIP."""
    return (knobs.mode == "value" and inst.draws is not None and len(inst.media.levels) > 1
            and knobs.fixed_media is None and knobs.freeze is None and knobs.hint is None
            and knobs.backend == "scip")


def restricted_plan(inst: AllocationInstance, knobs: Knobs, m: int,
                    combos: dict[tuple[int, int], float]) -> Solution | None:
    """The best plan with media plan ``m`` and the combinations its LP (``combos``) sets whole fixed.

    A heuristic: the sangkats the LP splits keep the combinations it uses; None when nothing fits.
    """
    kn = replace(knobs, fixed_media=m)
    built = am.build_model(inst, kn)
    for sk, var in built.choices.z.items():
        share = combos.get(sk, 0.0)
        if share > 1 - BOUND_TOL:
            built.model.add(var == 1)
        elif share < BOUND_TOL:
            built.model.add(var == 0)
    return am.solve_built(inst, kn, built)


def _restricted_job(shared: tuple[AllocationInstance, Knobs], job: tuple[int, dict[tuple[int, int], float]]
                    ) -> Solution | None:
    """:func:`restricted_plan` in the form :func:`outreach.parallel.fork_map` calls."""
    inst, knobs = shared
    return restricted_plan(inst, knobs, *job)


def _incumbent(inst: AllocationInstance, knobs: Knobs, plan_lp: PlanLp,
               bounds: dict[int, float | None]) -> Solution | None:
    """The best of the restricted MIPs of the ``HEURISTIC_PLANS`` plans with the best LP bounds.

    They run on forked processes at once (the solve is single-threaded and the second core mostly idle
    meanwhile); each is deterministic, and ties go to the plan with the better LP bound, so the incumbent does
    not depend on how many run at once.
    """
    ranked = sorted((m for m, b in bounds.items() if b is not None), key=lambda m: (-(bounds[m] or 0.0), m))
    jobs = []
    for m in ranked[:HEURISTIC_PLANS]:
        plan_lp.bound(m)  # its LP solution, for the combinations to keep
        jobs.append((m, plan_lp.combinations()))
    found = [s for s in fork_map(_restricted_job, jobs, shared=(inst, knobs), workers=HEURISTIC_WORKERS)
             if s is not None]
    return max(found, key=lambda s: s.objective, default=None)  # max keeps the first of equals


@dataclass(frozen=True)
class Screen:
    """What the screen leaves the final solve, and the largest bound of what it ruled out."""

    plans: list[int]
    ruled_out: np.ndarray  # over the relaxation's binaries
    bound_out: float  # the best any ruled-out plan or choice could earn (-inf when none)


def screen(lp: Relaxation, plan_lp: PlanLp, bounds: dict[int, float | None], incumbent: Solution,
           allowance: float) -> Screen:
    """Media plans whose bound exceeds the incumbent by more than ``allowance``, and choices that cannot beat it.

    Bounds are compared with a relative slack (``BOUND_TOL``) so a floating-point
    bound just below the incumbent never rules out what may equal it.
    """
    inc = float(incumbent.objective)
    slack = BOUND_TOL * max(1.0, abs(inc))
    by_rc = forced_bounds(lp, lp.media)
    cut = inc + allowance - slack
    for m in np.flatnonzero(by_rc >= cut):  # the reduced costs leave these: take their LP
        if int(m) not in bounds:
            bounds[int(m)] = plan_lp.bound(int(m))
    # both bounds are valid, so the lower one counts; a plan whose LP failed keeps its reduced-cost bound
    bound_of = [float(by_rc[m]) if bounds.get(m) is None else min(float(by_rc[m]), bounds[m] or 0.0)
                for m in range(len(lp.media))]
    keep = [m for m in range(len(lp.media)) if bound_of[m] >= cut or m == incumbent.media]
    forced = forced_bounds(lp, lp.binaries)
    ruled_out = forced < inc - slack
    kept = set(keep)
    out = [bound_of[m] for m in range(len(lp.media)) if m not in kept]
    out += list(forced[ruled_out])
    return Screen(keep, ruled_out, max(out, default=-np.inf))


def _final(inst: AllocationInstance, knobs: Knobs, lp: Relaxation, kept: Screen, incumbent: Solution,
           allowance: float) -> Solution | None:
    """The relaxed model itself with the screen's plans and choices fixed at 0, solved from the incumbent."""
    built = lp.built
    for var, out in zip(_choice_vars(built.choices), kept.ruled_out):
        if out:
            built.model.add(var == 0)
    alive = set(kept.plans)
    for i, y in enumerate(built.media):
        if i not in alive:
            built.model.add(y == 0)
    return am.solve_built(inst, replace(knobs, hint=incumbent), built,
                          absolute_gap=allowance * am.objective_divisor(inst, built, knobs))


def _allowance(inst: AllocationInstance, knobs: Knobs, lp: Relaxation, incumbent: Solution) -> float:
    """The gap the screened solve stops at, in value units: the solve's own (:func:`~optimizer.allocation.model.
    stopping_gap`), and no more than ``relative_gap`` of the incumbent when it is positive, so the plan's reported
    gap (relative to its objective) stays within ``relative_gap``."""
    own = am.stopping_gap(inst, lp.built, knobs) / am.objective_divisor(inst, lp.built, knobs)
    return min(own, knobs.relative_gap * incumbent.objective) if incumbent.objective > 0 else own


def needs_restricted_start(inst: AllocationInstance, knobs: Knobs) -> bool:
    """True for a value re-solve on SCIP with the media plan fixed whose start spends more than its budget, or
    that has no start.

    The volunteer's margin re-solves are such (the volunteer's kit comes out of the budget): SCIP drops a start
    that does not fit and searches from nothing, which took 42 s on the demo where a start that fits takes 5-8.
    """
    h = knobs.hint
    return (knobs.mode == "value" and knobs.backend == "scip" and knobs.fixed_media is not None
            and (h is None or h.money_cents > knobs.budget_cents - inst.fixed_cents))


def restricted_start(inst: AllocationInstance, knobs: Knobs) -> Solution | None:
    """A start for a re-solve with the media plan fixed: the restricted MIP of its LP's whole combinations
    (:func:`restricted_plan`); None when the LP or the restricted MIP finds nothing."""
    assert knobs.fixed_media is not None
    kn = replace(knobs, hint=None)
    lp = relaxation(inst, kn)
    if lp.solve() is None:
        return None
    return restricted_plan(inst, kn, knobs.fixed_media, lp.combinations())


def solve(inst: AllocationInstance, knobs: Knobs, on_incumbent: Callable[[Solution], None] | None = None
          ) -> Solution | None:
    """Solve the allocation model for ``knobs``: the first solve screened (:func:`solve_screened`, which calls
    ``on_incumbent`` with its incumbent before its last MIP), a re-solve whose start does not fit from a
    restricted start instead (:func:`restricted_start`), the others as built."""
    if can_screen(inst, knobs):
        return solve_screened(inst, knobs, on_incumbent)
    if needs_restricted_start(inst, knobs):
        start = restricted_start(inst, knobs)
        if start is not None:
            return am.solve_model(inst, replace(knobs, hint=start))
    return am.solve_model(inst, knobs)


def solve_screened(inst: AllocationInstance, knobs: Knobs, on_incumbent: Callable[[Solution], None] | None = None
                   ) -> Solution | None:
    """The first solve, screened (module docstring); unscreened when :func:`can_screen` says no or the LP fails.

    Returns what :func:`~optimizer.allocation.model.solve_model` would: a plan
    within the solve's gap of the best over every media plan, its bound covering
    the plans and choices ruled out; ``wall_s`` the whole screened solve.
    ``on_incumbent(incumbent)`` is called before the last MIP, which is single-threaded: a caller can start
    work there that the plan will likely need (it must not change the solve).
    """
    if not can_screen(inst, knobs):
        return am.solve_model(inst, knobs)
    t0 = time.perf_counter()
    lp = relaxation(inst, knobs)
    if lp.solve() is None:
        return am.solve_model(inst, knobs)
    plan_lp = PlanLp(inst, knobs)
    # the plans the reduced costs favour first; among equal bounds (every plan the LP weights has one), its weight
    order = np.lexsort((-np.array([y.solution_value() for y in lp.media]), -forced_bounds(lp, lp.media)))
    bounds: dict[int, float | None] = {int(m): plan_lp.bound(int(m)) for m in order[:TOP_PLANS]}
    incumbent = _incumbent(inst, knobs, plan_lp, bounds)
    if incumbent is None:
        return am.solve_model(inst, knobs)
    allowance = _allowance(inst, knobs, lp, incumbent)
    kept = screen(lp, plan_lp, bounds, incumbent, allowance)
    if on_incumbent is not None:
        on_incumbent(incumbent)
    sol = _final(inst, knobs, lp, kept, incumbent, allowance)
    if sol is None or sol.objective < incumbent.objective:  # never seen: the final solve starts from it
        # the restricted MIP's own bound holds for its restriction only; the LP's holds for every plan
        sol = replace(incumbent, status="FEASIBLE", bound=lp.value())
    return replace(sol, bound=max(sol.bound, kept.bound_out), wall_s=time.perf_counter() - t0)
