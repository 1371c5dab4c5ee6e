"""Deterministic CP-SAT solvers: the settings every CP-SAT model of the product uses.

One worker and a *deterministic* time limit give the same answer on a fast or
a slow machine; the wall-clock limit is only a safety net for a machine far
slower than expected. Probing and symmetry detection are off because on the
product's small models they took longer than the search itself.
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def deterministic_solver(*, effort_s: float, wall_s: float, seed: int, relative_gap: float,
                         linearization_level: int | None = None, absolute_gap: float = 0.0) -> cp_model.CpSolver:
    """A single-worker CP-SAT solver stopped by deterministic time, the relative or the absolute gap.

    Parameters
    ----------
    effort_s : float
        Deterministic time limit (CP-SAT's machine-independent effort units, about seconds).
    wall_s : float
        Wall-clock safety net; normally the deterministic limit stops first.
    seed : int
        Random seed of the search.
    relative_gap : float
        Stop when the proven gap is below this.
    linearization_level : int, optional
        CP-SAT's LP relaxation level, where a model benefits from a tighter one.
    absolute_gap : float
        Also stop when the proven gap is below this, in objective units (0: never).
    """
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = seed
    prm.num_workers = 1
    prm.max_deterministic_time = float(effort_s)
    prm.max_time_in_seconds = float(wall_s)
    prm.relative_gap_limit = float(relative_gap)
    if absolute_gap > 0:
        prm.absolute_gap_limit = float(absolute_gap)
    prm.cp_model_probing_level = 0
    prm.symmetry_level = 0
    if linearization_level is not None:
        prm.linearization_level = linearization_level
    return solver
