"""Solvers of the allocation model: SCIP through the MIP translation, and CP-SAT.

The model is written once with CP-SAT's modelling layer. SCIP (through
OR-Tools' linear solver wrapper, :mod:`optimizer.allocation.mip`) is the
default: its LP bound and cuts close the gap of this multiple-choice knapsack
far faster than CP-SAT when targets cannot all be met (see
``benchmarks/allocation.py``). Every run is single-threaded and stops on the
gap or on a work limit (SCIP nodes; CP-SAT deterministic time), never on the
clock, so equal inputs give equal allocations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.cpsat import deterministic_solver

from .mip import solve_mip

#: Solvers for the allocation model. SCIP proves the demo with survey targets within 0.1 % in
#: seconds where CP-SAT stalls at a few per cent (benchmarks/allocation.py), so it is the default.
MIP_BACKENDS = {"scip": "SCIP"}
BACKENDS = ("scip", "cp-sat")
DEFAULT_BACKEND = "scip"
# Wall-clock limit = SAFETY_FACTOR x the effort limit (+ a margin): a net against a runaway solve, never
# a budget. Why so wide: on a loaded 2-core machine a solve that normally ends on its node or
# deterministic-time limit in 10 s can take 80 s; a net that cut it there made plans depend on load.
SAFETY_FACTOR = 30.0
CPSAT_SEED = 20121


@dataclass(frozen=True)
class RunResult:
    """One solved model: status, the value of any model variable, objective and bound, and who solved it."""

    status: str
    value: Callable[[cp_model.IntVar], int]
    objective: float
    bound: float
    wall_s: float
    backend: str


def run_model(m: cp_model.CpModel, *, backend: str, effort_s: float, relative_gap: float,
              hint: Sequence[tuple[cp_model.IntVar, int]], absolute_gap: float = 0.0) -> RunResult | None:
    """Solve ``m`` with ``backend``; None when nothing was found.

    A MIP solution is accepted only when it meets every constraint exactly
    in integers; otherwise CP-SAT decides, starting from it. ``hint`` is a
    start for either solver (SCIP takes it as a partial solution to complete).

    Parameters
    ----------
    m : cp_model.CpModel
        The model.
    backend : {"scip", "cp-sat"}
        Solver to try first.
    effort_s : float
        Work limit (about seconds): SCIP nodes or CP-SAT deterministic time.
    relative_gap : float
        Stop when the proven relative gap is at most this.
    hint : sequence of (variable, value)
        A start: a neighbouring plan's choices.
    absolute_gap : float
        Also stop when the proven gap is at most this, in objective units (0: never).
    """
    if backend in MIP_BACKENDS:
        r = solve_mip(m, backend=MIP_BACKENDS[backend], relative_gap=relative_gap, absolute_gap=absolute_gap,
                      effort_s=effort_s, time_limit_s=SAFETY_FACTOR * effort_s + 30.0,
                      start=[(var.index, int(v)) for var, v in hint])
        if r.values is not None and r.exact:
            vals = r.values
            return RunResult(r.status, lambda var: int(vals[var.index]), r.objective, r.bound, r.wall_s, backend)
        # no solution, or one that only meets the constraints within the MIP tolerance: CP-SAT decides
        if r.values is not None:
            hint = [(m.get_int_var_from_proto_index(i), int(v)) for i, v in enumerate(r.values)]
    return run_cpsat(m, effort_s=effort_s, relative_gap=relative_gap, hint=hint, absolute_gap=absolute_gap)


def run_cpsat(m: cp_model.CpModel, *, effort_s: float, relative_gap: float,
              hint: Sequence[tuple[cp_model.IntVar, int]], absolute_gap: float = 0.0) -> RunResult | None:
    """Solve ``m`` with one deterministic CP-SAT worker from ``hint``; None when nothing was found."""
    for var, v in hint:
        m.add_hint(var, v)
    # the LP of the multiple-choice model is tight: full linearisation closes the gap
    solver = deterministic_solver(effort_s=float(effort_s), wall_s=SAFETY_FACTOR * float(effort_s) + 5.0,
                                  seed=CPSAT_SEED, relative_gap=relative_gap, linearization_level=2,
                                  absolute_gap=absolute_gap)
    st = solver.solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return RunResult(solver.status_name(st), lambda var: int(solver.value(var)), float(solver.objective_value),
                     float(solver.best_objective_bound), float(solver.wall_time), "cp-sat")
