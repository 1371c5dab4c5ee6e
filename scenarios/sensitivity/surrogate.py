"""A quadratic emulator with few enough terms for many inputs, and its leave-one-out error.

The full quadratic of ``d`` inputs has ``1 + d + d (d + 1) / 2`` terms (466
for 29 inputs): more closed-form evaluations than a command can afford. This
one keeps every input's linear and squared term and the pairwise products of
only the ``k`` inputs whose main effects (a first fit without products)
explain most variance, ``k`` as large as keeps two design points per term.
Inputs are centred on the unit cube (``z = u - 1/2``) so the terms are
nearly orthogonal on a Latin hypercube.

Its error is measured by leave-one-out (PRESS) predictions on the design:
``Q2 = 1 - PRESS / sum (y - mean y)^2`` is the share of the design's
variance the emulator predicts for points it did not see. (The choice of
products used every point, so Q2 is slightly optimistic.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[np.float64]

#: Design points per emulator term, at the least.
POINTS_PER_TERM = 2.0

#: Below this leave-one-out Q2 the indices are flagged as unreliable.
MIN_Q2 = 0.9


def terms(u: Arr, pairs: tuple[tuple[int, int], ...]) -> Arr:
    """``[1, z_i, z_i^2, z_i z_j for (i, j) in pairs]`` of unit-cube rows, ``z = u - 1/2``."""
    z = np.asarray(u, float) - 0.5
    cols = [np.ones((len(z), 1)), z, z ** 2]
    if pairs:
        i, j = np.array(pairs).T
        cols.append(z[:, i] * z[:, j])
    return np.hstack(cols)


@dataclass(frozen=True)
class Surrogate:
    """The fitted emulator of one output, its leave-one-out error on the design, and the products it kept."""

    pairs: tuple[tuple[int, int], ...]
    coef: Arr
    loo_rmse: float
    q2: float
    design_sd: float

    def predict(self, u: Arr, *, chunk: int = 20000) -> Arr:
        """Outputs at unit-cube rows (in chunks: the term matrix of a large sample is big)."""
        u = np.asarray(u, float)
        return np.concatenate([terms(u[s:s + chunk], self.pairs) @ self.coef for s in range(0, len(u), chunk)])

    @property
    def reliable(self) -> bool:
        """Whether the emulator predicts unseen points well enough (``q2 >= MIN_Q2``)."""
        return self.q2 >= MIN_Q2


def _solve(x: Arr, y: Arr) -> tuple[Arr, Arr]:
    """Least squares coefficients and leave-one-out predictions (``y - e / (1 - h)``)."""
    # A whisper of ridge keeps the solve stable when the design barely determines a term.
    gram = x.T @ x + 1e-9 * len(y) * np.eye(x.shape[1])
    coef: Arr = np.asarray(np.linalg.solve(gram, x.T @ y), float)
    hat = np.einsum("ij,ji->i", x, np.linalg.solve(gram, x.T))
    loo: Arr = y - (y - x @ coef) / np.maximum(1.0 - hat, 1e-12)
    return coef, loo


def main_effect_variance(coef: Arr, d: int) -> Arr:
    """Variance of each input's ``b z + c z^2`` for ``z`` uniform on [-1/2, 1/2]: ``b^2 / 12 + c^2 / 180``."""
    return np.asarray(coef[1:1 + d] ** 2 / 12 + coef[1 + d:1 + 2 * d] ** 2 / 180)


def product_inputs(n: int, d: int) -> int:
    """How many inputs may have all their pairwise products for ``n`` design points."""
    budget = n / POINTS_PER_TERM - (1 + 2 * d)
    k = 0
    while k < d and (k + 1) * k / 2 <= budget:
        k += 1
    return k


def fit_surrogate(u: Arr, y: Arr) -> Surrogate:
    """Fit the emulator to outputs ``y`` at unit-cube design rows ``u`` (module docstring)."""
    u, y = np.asarray(u, float), np.asarray(y, float)
    n, d = u.shape
    if n < POINTS_PER_TERM * (1 + 2 * d):
        raise ValueError(f"{n} design points cannot fit {1 + 2 * d} terms for {d} inputs "
                         f"(at least {int(np.ceil(POINTS_PER_TERM * (1 + 2 * d)))} needed)")
    main, _ = _solve(terms(u, ()), y)
    k = product_inputs(n, d)
    top = sorted(np.argsort(-main_effect_variance(main, d), kind="stable")[:k].tolist())
    pairs = tuple((i, j) for a, i in enumerate(top) for j in top[a + 1:])
    coef, loo = _solve(terms(u, pairs), y)
    ss = float(np.sum((y - y.mean()) ** 2))
    press = float(np.sum((y - loo) ** 2))
    q2 = 1.0 - press / ss if ss > 0 else 1.0
    return Surrogate(pairs, coef, float(np.sqrt(press / n)), q2, float(np.std(y)))
