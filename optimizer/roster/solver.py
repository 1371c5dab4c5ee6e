"""The CP-SAT settings of the roster's models (turfs and per-pair calendars)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.cpsat import deterministic_solver


def roster_solver(time_limit_s: float, seed: int) -> cp_model.CpSolver:
    """A deterministic single-worker CP-SAT solver for a budget of about ``time_limit_s`` seconds.

    Parameters
    ----------
    time_limit_s : float
        Deterministic time budget (at least 0.05); the wall-clock safety net
        is thirty times that (at least 60 s), so load never changes a roster.
    seed : int
        Random seed of the search.
    """
    solver = deterministic_solver(
        effort_s=max(0.05, float(time_limit_s)),
        wall_s=max(60.0, 30.0 * float(time_limit_s)),  # a net only: see optimizer.allocation.backends
        seed=seed,
        # The objective is scaled so 2e-5 is about two callback households on a
        # busy pair: close enough, and proving the last unit took most of the time.
        relative_gap=2e-5,
    )
    # Light presolve: on these small models full presolve took longer than the
    # search itself (measured: 45 s -> 7 s for 16 pairs, with probing and symmetry off).
    solver.parameters.max_presolve_iterations = 1
    return solver
