"""A quadratic emulator of the closed-form reach over the fitted parameters.

The closed form takes about 1-3 s per evaluation on the API campaign, too
slow for the tens of thousands of evaluations ABC-SMC makes. It is
evaluated on a Latin hypercube design instead, and each quantity (a count,
or its logarithm, whichever predicts the design better left one out) is
fitted by least squares on all terms up to second order of the parameters
scaled to [0, 1]. Its own error is measured by leave-one-out (PRESS)
predictions on the design and added to the observation noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[np.float64]


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> Arr:
    """``n`` points in the unit cube, one per row stratum of each dimension."""
    strata = np.column_stack([rng.permutation(n) for _ in range(d)])
    return (strata + rng.uniform(size=(n, d))) / n


def features(x: Arr) -> Arr:
    """``[1, x_i, x_i x_j (i <= j)]`` of unit-cube rows."""
    n, d = x.shape
    cols = [np.ones(n)] + [x[:, i] for i in range(d)]
    cols += [x[:, i] * x[:, j] for i in range(d) for j in range(i, d)]
    return np.column_stack(cols)


@dataclass(frozen=True)
class Emulator:
    """Quadratic fit per emulated quantity (of ``log(1 + quantity)`` where ``logged``); constants pass through."""

    keys: tuple[str, ...]
    low: Arr
    high: Arr
    outputs: tuple[str, ...]
    coef: Arr
    constants: Mapping[str, float]
    logged: tuple[bool, ...] = ()

    def unit(self, values: Arr) -> Arr:
        """Parameter values (rows x keys) scaled to the design's unit cube."""
        return (values - self.low) / (self.high - self.low)

    def predict(self, values: Arr) -> dict[str, Arr]:
        """Quantities at parameter values (rows x keys)."""
        y = features(self.unit(values)) @ self.coef
        out = {k: np.expm1(y[:, i]) if self.logged[i] else y[:, i] for i, k in enumerate(self.outputs)}
        out.update({k: np.full(len(values), v) for k, v in self.constants.items()})
        return out


def fit_emulator(keys: Sequence[str], low: Arr, high: Arr, values: Arr,
                 quantities: Sequence[Mapping[str, float]]) -> tuple[Emulator, dict[str, Arr]]:
    """Fit the emulator on a design and return it with its leave-one-out predictions.

    Parameters
    ----------
    keys, low, high : sequence of str, ndarray, ndarray
        Emulated parameters and their ranges.
    values : ndarray
        Design points (rows x keys).
    quantities : sequence of mapping
        Closed-form quantities at each design point.

    Returns
    -------
    Emulator, dict
        The fit, and each quantity as predicted at each design point by a fit without that point.
    """
    names = tuple(quantities[0])
    table = np.array([[q[k] for k in names] for q in quantities], dtype=float)
    constant = {k: float(table[0, i]) for i, k in enumerate(names) if np.ptp(table[:, i]) == 0}
    outputs = tuple(k for k in names if k not in constant)
    raw = np.column_stack([table[:, names.index(k)] for k in outputs])
    x = features((values - low) / (high - low))
    # A whisper of ridge keeps the solve stable when the design barely determines a term.
    gram = x.T @ x + 1e-8 * np.eye(x.shape[1])
    hat = np.einsum("ij,ji->i", x, np.linalg.solve(gram, x.T))
    fits = {}
    for use_log, y in ((False, raw), (True, np.log1p(raw))):
        c = np.linalg.solve(gram, x.T @ y)
        loo = y - (y - x @ c) / (1.0 - hat)[:, None]
        fits[use_log] = (c, np.expm1(loo) if use_log else loo)
    # Per quantity, the scale whose leave-one-out predictions miss the design's values less.
    err = {lg: np.sqrt(((fits[lg][1] - raw) ** 2).mean(axis=0)) for lg in fits}
    logged = tuple(bool(err[True][i] < err[False][i]) for i in range(len(outputs)))
    coef = np.column_stack([fits[lg][0][:, i] for i, lg in enumerate(logged)])
    loo_q = {k: fits[lg][1][:, i] for i, (k, lg) in enumerate(zip(outputs, logged))}
    loo_q.update({k: np.full(len(values), v) for k, v in constant.items()})
    return Emulator(tuple(keys), low, high, outputs, coef, constant, logged), loo_q
