"""Solve a linear CP-SAT model with OR-Tools' MIP backends (SCIP, HiGHS).

The allocation model is written once as a :class:`cp_model.CpModel`; this
module translates its proto (integer variables, linear constraints,
exactly-one, implications, clauses) into a ``pywraplp`` model so the same
model can be proven by an LP-based branch and bound, which closes the gaps of
the multiple-choice knapsack faster than CP-SAT (``benchmarks/allocation.py``).

MIP solvers check constraints with a tolerance; :func:`violations` re-checks
a rounded solution exactly in integers, so callers never accept a plan that
overruns the budget by a rounding cent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

#: Branch-and-bound nodes SCIP explores per second of effort asked for: a work limit that, unlike a
#: wall-clock limit, stops at the same point on every machine (about 80 nodes/s on the demo after a
#: root of a few seconds).
NODES_PER_SECOND = 100
_INF = 2**62
#: A constraint ``lo <= sum(coef * var) + constant <= hi`` as ``({var: coef}, constant, lo, hi)``.
Row: TypeAlias = tuple[dict[int, int], int, float, float]


@dataclass(frozen=True)
class MipResult:
    """Outcome of one MIP solve, in the CP model's own objective sense and variable order."""

    status: str  # "OPTIMAL" (within the relative gap), "FEASIBLE", or another status name
    values: np.ndarray | None  # by proto variable index
    objective: float
    bound: float
    wall_s: float
    nodes: int
    exact: bool = False  # the rounded values meet every constraint in exact integer arithmetic


def _ref(ref: int) -> tuple[int, int, int]:
    """(variable index, sign, constant) of a literal reference: ``not x`` is ``1 - x``."""
    return (ref, 1, 0) if ref >= 0 else (-ref - 1, -1, 1)


def _constraint_kind(ct: cmh.ConstraintProto) -> str:
    for kind in ("linear", "exactly_one", "at_most_one", "bool_or", "bool_and"):
        if getattr(ct, f"has_{kind}")():
            return kind
    raise ValueError("the allocation model uses a constraint the MIP translation does not handle")


def _linear_row(ct: cmh.ConstraintProto, enf: list[tuple[int, int, int]]) -> Row:
    """A linear constraint without enforcement or holes in its domain."""
    if enf:
        raise ValueError("enforced linear constraints are not translated")
    dom = list(ct.linear.domain)
    if len(dom) != 2:
        raise ValueError("linear constraints with holes are not translated")
    coefs: dict[int, int] = {}
    const = 0
    for r, c in zip(ct.linear.vars, ct.linear.coeffs):
        i, sg, k = _ref(r)
        coefs[i] = coefs.get(i, 0) + sg * c
        const += c * k
    lo = dom[0] if dom[0] > -_INF else -np.inf
    hi = dom[1] if dom[1] < _INF else np.inf
    return coefs, const, lo, hi


def _literal_sum(refs: Iterable[int]) -> tuple[dict[int, int], int]:
    """``sum(literals)`` as coefficients and a constant."""
    coefs: dict[int, int] = {}
    const = 0
    for r in refs:
        i, sg, k = _ref(r)
        coefs[i] = coefs.get(i, 0) + sg
        const += k
    return coefs, const


def _one_of_row(refs: Iterable[int], *, exactly: bool) -> Row:
    """Exactly one (or at most one) of the literals."""
    coefs, const = _literal_sum(refs)
    return coefs, const, 1 if exactly else -np.inf, 1


def _clause_row(refs: Iterable[int], enf: list[tuple[int, int, int]]) -> Row:
    """(and of enforcement) => (or of literals):  ``sum(lits) + sum(not enf) >= 1``."""
    coefs, const = _literal_sum(refs)
    for i, sg, k in enf:
        coefs[i] = coefs.get(i, 0) - sg
        const += 1 - k
    return coefs, const, 1, np.inf


def _bool_and_rows(refs: Iterable[int], enf: list[tuple[int, int, int]]) -> list[Row]:
    """Every literal >= the conjunction of the enforcement literals."""
    rows: list[Row] = []
    for r in refs:
        i, sg, k = _ref(r)
        coefs = {i: sg}
        const = k
        for j, sj, kj in enf:
            coefs[j] = coefs.get(j, 0) - sj
            const -= kj
        # literal - sum(enforcement) + (n - 1) >= 0; with no enforcement, literal >= 1
        rows.append((coefs, const + max(len(enf) - 1, 0), 0 if enf else 1, np.inf))
    return rows


def _linear_rows(proto: cmh.CpModelProto) -> list[Row]:
    """Every constraint as ``({var: coef}, constant, lo, hi)`` meaning ``lo <= sum + constant <= hi``."""
    rows: list[Row] = []
    for ct in proto.constraints:
        kind = _constraint_kind(ct)
        enf = [_ref(r) for r in ct.enforcement_literal]
        if kind == "linear":
            rows.append(_linear_row(ct, enf))
        elif kind == "exactly_one":
            rows.append(_one_of_row(ct.exactly_one.literals, exactly=True))
        elif kind == "at_most_one":
            rows.append(_one_of_row(ct.at_most_one.literals, exactly=False))
        elif kind == "bool_or":
            rows.append(_clause_row(ct.bool_or.literals, enf))
        else:
            rows += _bool_and_rows(ct.bool_and.literals, enf)
    return rows


def violations(proto: cmh.CpModelProto, values: np.ndarray, rows: list[Row] | None = None) -> int:
    """Number of constraints and bounds an integer assignment violates (exact integer arithmetic).

    ``rows``: :func:`_linear_rows` of ``proto`` when the caller has them already.
    """
    vals = [int(v) for v in values]
    bad = 0
    for i, var in enumerate(proto.variables):
        dom = list(var.domain)
        if not any(dom[j] <= vals[i] <= dom[j + 1] for j in range(0, len(dom), 2)):
            bad += 1
    for coefs, const, lo, hi in (rows if rows is not None else _linear_rows(proto)):
        s = const + sum(c * vals[i] for i, c in coefs.items())
        if not (lo <= s <= hi):
            bad += 1
    return bad


@dataclass(frozen=True)
class _Translation:
    """A CP model in a ``pywraplp`` solver: its variables by proto index, rows, and objective scale and offset."""

    xs: list[pywraplp.Variable]
    rows: list[Row]
    scale: float
    offset: float


def _set_objective(s: pywraplp.Solver, xs: list[pywraplp.Variable], proto: cmh.CpModelProto) -> tuple[float, float]:
    """Minimise the proto's objective; returns its scaling factor and offset (``not x`` literals folded in)."""
    obj = s.Objective()
    po = proto.objective
    literal_offset = 0
    for r, c in zip(po.vars, po.coeffs):
        i, sg, k = _ref(r)
        obj.SetCoefficient(xs[i], obj.GetCoefficient(xs[i]) + sg * c)
        literal_offset += c * k
    obj.SetMinimization()
    return po.scaling_factor or 1.0, literal_offset + po.offset


def _translate(s: pywraplp.Solver, proto: cmh.CpModelProto) -> _Translation:
    """Variables, constraints and objective of ``proto`` in ``s``."""
    xs = []
    for i, var in enumerate(proto.variables):
        dom = list(var.domain)
        xs.append(s.IntVar(float(dom[0]), float(dom[-1]), f"v{i}"))
    rows = _linear_rows(proto)
    for coefs, const, lo, hi in rows:
        row = s.Constraint(lo - const if np.isfinite(lo) else -s.infinity(),
                           hi - const if np.isfinite(hi) else s.infinity())
        for i, c in coefs.items():
            if c:
                row.SetCoefficient(xs[i], float(c))
    scale, offset = _set_objective(s, xs, proto)
    return _Translation(xs, rows, scale, offset)


def _parameters(s: pywraplp.Solver, backend: str, *, relative_gap: float, effort_s: float,
                time_limit_s: float, absolute_gap: float = 0.0) -> pywraplp.MPSolverParameters:
    """One thread, the wall-clock net, SCIP's node limit, fixed seed and absolute gap; the relative gap."""
    s.SetNumThreads(1)
    s.SetTimeLimit(int(time_limit_s * 1000))
    if backend == "SCIP":
        nodes = max(1, int(NODES_PER_SECOND * effort_s))
        absgap = f"limits/absgap = {absolute_gap!r}\n" if absolute_gap > 0 else ""
        s.SetSolverSpecificParametersAsString(f"limits/totalnodes = {nodes}\nrandomization/randomseedshift = 0\n"
                                              + absgap)
    prm = pywraplp.MPSolverParameters()
    prm.SetDoubleParam(prm.RELATIVE_MIP_GAP, float(relative_gap))
    return prm


def solve_mip(model: cp_model.CpModel, *, backend: str = "SCIP", relative_gap: float = 0.001,
              effort_s: float = 10.0, time_limit_s: float = 60.0, absolute_gap: float = 0.0,
              start: Sequence[tuple[int, int]] = ()) -> MipResult:
    """Solve a linear CP-SAT model with a MIP backend of ``pywraplp``.

    Parameters
    ----------
    model : cp_model.CpModel
        Integer variables, linear constraints, exactly-one, implications and
        clauses; an integer linear objective.
    backend : {"SCIP", "HIGHS", "CBC"}
        ``pywraplp`` solver id. Single-threaded and deterministic.
    relative_gap : float
        Stop when ``|bound - objective| <= relative_gap * |objective|``.
    effort_s : float
        Work limit: SCIP stops after ``NODES_PER_SECOND * effort_s`` nodes,
        which does not depend on the machine's speed.
    time_limit_s : float
        Wall-clock safety net (a run stopped by it may differ between machines).
    absolute_gap : float
        Also stop when ``|bound - objective| <= absolute_gap`` (SCIP only; 0: never).
    start : sequence of (int, int)
        A (partial) start, ``(proto variable index, value)``: SCIP completes it
        with its ``completesol`` heuristic, or drops it when it does not fit.

    Returns
    -------
    MipResult
    """
    proto = model.proto
    t0 = time.perf_counter()
    s = pywraplp.Solver.CreateSolver(backend)
    if s is None:
        raise RuntimeError(f"OR-Tools has no {backend} backend on this machine")
    tr = _translate(s, proto)
    if start:
        s.SetHint([tr.xs[i] for i, _ in start], [float(v) for _, v in start])
    st = s.Solve(_parameters(s, backend, relative_gap=relative_gap, effort_s=effort_s, time_limit_s=time_limit_s,
                             absolute_gap=absolute_gap))
    wall = time.perf_counter() - t0
    names = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
             pywraplp.Solver.INFEASIBLE: "INFEASIBLE", pywraplp.Solver.NOT_SOLVED: "UNKNOWN"}
    name = names.get(st, "MODEL_INVALID")
    if name not in ("OPTIMAL", "FEASIBLE"):
        return MipResult(name, None, 0.0, 0.0, wall, int(s.nodes()))
    obj = s.Objective()
    vals = np.array([round(x.solution_value()) for x in tr.xs], dtype=np.int64)
    value = tr.scale * (float(np.dot([obj.GetCoefficient(x) for x in tr.xs], vals)) + tr.offset)
    bound = tr.scale * (obj.BestBound() + tr.offset)
    return MipResult(name, vals, value, bound, wall, int(s.nodes()), violations(proto, vals, tr.rows) == 0)
