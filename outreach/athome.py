"""The at-home law every channel shares: ``pi ~ Beta(a, b)`` per household and its expectations.

Split from :mod:`outreach.response` (whose docstring states the model): the
Beta shapes, the mean at-home probability ``E[1 - (1 - pi)^x]`` and its
inverse, the evening/weekend exponent, and the quadrature nodes and quantile
atoms the closed form and the simulator draw on.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import betaincinv, betaln, roots_jacobi


def beta_shapes(params: Mapping[str, float]) -> tuple[float, float]:
    """``(a, b)`` of the at-home Beta law.

    Parameters
    ----------
    params : mapping
        ``canvass.p_answer_first_visit`` (mean) and ``canvass.at_home_beta_concentration`` (a + b).

    Returns
    -------
    tuple of float
        ``(mu c, (1 - mu) c)``.
    """
    mu = params["canvass.p_answer_first_visit"]
    c = params["canvass.at_home_beta_concentration"]
    return mu * c, (1.0 - mu) * c


def mean_at_home(x: ArrayLike, a: float, b: float) -> NDArray[np.float64]:
    """Mean probability that someone is at home on an occasion with exponent ``x``.

    Parameters
    ----------
    x : array_like
        At-home exponent(s), >= 0.
    a, b : float
        Beta shapes.

    Returns
    -------
    ndarray
        ``E[1 - (1 - pi)^x] = 1 - B(a, b + x) / B(a, b)``.
    """
    x = np.asarray(x, dtype=float)
    return -np.expm1(betaln(a, b + x) - betaln(a, b))


@lru_cache(maxsize=64)
def evening_weekend_exponent(a: float, b: float, multiplier: float) -> float:
    """Evening/weekend at-home exponent.

    Parameters
    ----------
    a, b : float
        Beta shapes.
    multiplier : float
        ``canvass.evening_weekend_multiplier``.

    Returns
    -------
    float
        ``x_ew`` with ``E[1 - (1 - pi)^x_ew] = multiplier E[pi]`` (target capped at 0.99).
    """
    target = min(multiplier * a / (a + b), 0.99)
    if target <= a / (a + b):
        return 1.0
    return float(brentq(lambda x: float(mean_at_home(x, a, b)) - target, 1.0, 1e7, xtol=1e-10))


@lru_cache(maxsize=16)
def _attendance_table(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([[0.0], np.geomspace(1e-7, 1e7, 2000)])
    return x, mean_at_home(x, a, b)


def attendance_exponent(target: ArrayLike, a: float, b: float) -> NDArray[np.float64]:
    """Exponent giving a mean attendance (or contact) probability.

    Parameters
    ----------
    target : array_like
        Wanted ``E[1 - (1 - pi)^x]`` in [0, 1).
    a, b : float
        Beta shapes.

    Returns
    -------
    ndarray
        ``x`` per target (inverse of :func:`mean_at_home` by interpolation on a log grid).
    """
    x, m = _attendance_table(a, b)
    return np.interp(np.clip(np.asarray(target, float), 0.0, m[-1]), m, x)


@lru_cache(maxsize=16)
def beta_nodes(a: float, b: float, n: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature for expectations over the at-home Beta law.

    Parameters
    ----------
    a, b : float
        Beta shapes.
    n : int
        Gauss-Jacobi nodes.

    Returns
    -------
    tuple of ndarray
        ``log(1 - pi_i)`` at the nodes and normalised weights: ``E[f(pi)] ~ sum w_i f(pi_i)``.
    """
    t, w = roots_jacobi(n, b - 1.0, a - 1.0)  # weight (1-t)^(b-1) (1+t)^(a-1)
    pi = 0.5 * (1.0 + t)
    return np.log1p(-pi), w / w.sum()


@lru_cache(maxsize=16)
def beta_atoms(a: float, b: float, n: int = 4096) -> np.ndarray:
    """``log(1 - pi)`` at the ``n`` quantile midpoints of Beta(a, b), float32.

    The simulator draws ``pi`` as one of these equiprobable atoms (index
    ``floor(u n)``): a table lookup instead of a Beta variate.
    """
    u = (np.arange(n) + 0.5) / n
    return np.log1p(-betaincinv(a, b, u)).astype(np.float32)
