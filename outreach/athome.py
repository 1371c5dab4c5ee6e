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


# --------------------------------------------------------------------------- who is at home, by sex
#: Kinds of occasion of the at-home-by-sex model, in the order of every per-kind array.
SLOT_KINDS: tuple[str, ...] = ("weekday_day", "weekday_evening", "weekend")
_AWAY = ("athome.away_weekday_day", "athome.away_weekday_evening", "athome.away_weekend")


def slot_kind(date_ordinal: int, slot: int) -> int:
    """Kind of an occasion (index into :data:`SLOT_KINDS`).

    Parameters
    ----------
    date_ordinal : int
        ``datetime.date.toordinal()`` of the occasion.
    slot : int
        0 morning, 1 afternoon, 2 evening (:func:`outreach.simulate.exposures.slot_of_time`).

    Returns
    -------
    int
        0 weekday morning or afternoon, 1 weekday evening, 2 Saturday or Sunday (any slot): the
        occasions of the evening/weekend exponent split into evening and weekend.
    """
    weekday = (date_ordinal + 6) % 7  # date.fromordinal(1) is a Monday: 0 Monday .. 6 Sunday
    return 2 if weekday >= 5 else 1 if slot == 2 else 0


def home_by_sex(params: Mapping[str, float], kind: int) -> tuple[float, float]:
    """Probabilities that the household's adult woman and its adult man are at home on an occasion.

    An adult not in employment is at home (unpaid care work keeps women near the house:
    188 min a day against 18 for men, ILO 2018); an employed adult is away with the
    kind's away share: ``P(home) = 1 - employed x away``.

    Parameters
    ----------
    params : mapping
        ``athome.women_employed``, ``athome.men_employed`` and the away share of the kind
        (``athome.away_weekday_day``, ``athome.away_weekday_evening``, ``athome.away_weekend``).
    kind : int
        Index into :data:`SLOT_KINDS`.

    Returns
    -------
    tuple of float
        ``(woman home, man home)``.
    """
    away = params[_AWAY[kind]]
    return 1.0 - params["athome.women_employed"] * away, 1.0 - params["athome.men_employed"] * away


def woman_answers(woman_home: float, man_home: float, woman_opens_when_both: float) -> float:
    """Probability that the person who answers is the woman, given someone (she or he) is at home.

    Parameters
    ----------
    woman_home, man_home : float
        Independent at-home probabilities of the adult woman and the adult man.
    woman_opens_when_both : float
        Probability the woman answers when both are at home.

    Returns
    -------
    float
        ``(w (1 - m) + w m o) / (1 - (1 - w)(1 - m))``; 0 when neither can be at home.
    """
    w, m, o = woman_home, man_home, woman_opens_when_both
    anyone = 1.0 - (1.0 - w) * (1.0 - m)
    return (w * (1.0 - m) + w * m * o) / anyone if anyone > 0 else 0.0


def listeners_by_sex(woman_home: float, man_home: float) -> tuple[float, float, float]:
    """Who is at home, given someone is: ``(woman only, man only, both)``, summing to 1.

    A loudspeaker pass heard by the household is heard by each adult at home.
    """
    w, m = woman_home, man_home
    anyone = 1.0 - (1.0 - w) * (1.0 - m)
    if anyone <= 0:
        return 0.0, 0.0, 0.0
    return w * (1.0 - m) / anyone, m * (1.0 - w) / anyone, w * m / anyone


def woman_answers_share(params: Mapping[str, float], kind: int) -> float:
    """P(the person met at the door is a woman | someone answers) on an occasion of ``kind``.

    The household-level chance that someone answers stays the calibrated Beta law
    (``canvass.p_answer_first_visit``); this model decides only who it is.
    """
    w, m = home_by_sex(params, kind)
    return woman_answers(w, m, params["athome.woman_opens_when_both"])


def expected_women_share_at_door(params: Mapping[str, float], slot_mix: Mapping[str, float]) -> float:
    """Expected women's share of the persons met at the door (closed form).

    Parameters
    ----------
    params : mapping of str to float
        Dotted parameter keys: ``athome.women_employed``, ``athome.men_employed``,
        ``athome.away_weekday_day``, ``athome.away_weekday_evening``, ``athome.away_weekend``,
        ``athome.woman_opens_when_both`` (others ignored).
    slot_mix : mapping of str to float
        Weight of each kind of occasion (:data:`SLOT_KINDS` names) among the door visits
        that met someone (one person per household met, at its first contact); weights need not
        sum to 1, missing kinds weigh 0.

    Returns
    -------
    float
        ``sum_k mix_k share_k / sum_k mix_k`` with ``share_k`` from :func:`woman_answers_share`.

    Raises
    ------
    ValueError
        On an unknown kind or when the weights sum to 0.
    """
    unknown = set(slot_mix) - set(SLOT_KINDS)
    if unknown:
        raise ValueError(f"unknown slot kinds {sorted(unknown)}; expected {SLOT_KINDS}")
    total = float(sum(slot_mix.values()))
    if total <= 0:
        raise ValueError("slot_mix weights sum to 0")
    return sum(float(wt) * woman_answers_share(params, SLOT_KINDS.index(k)) for k, wt in slot_mix.items()) / total
