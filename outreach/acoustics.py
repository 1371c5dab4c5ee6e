"""Outdoor propagation of loudspeaker speech and exposure along a timed route.

Pure, vectorised numpy functions. The propagation model (all terms in dB,
A-weighted speech level) is

    L(r) = L1 - 20 log10(r) - alpha r / 1000 - Agr(r) - Abar - Afol(r) - Afac

with ``L1`` the speech LAeq at 1 m, spherical spreading, air absorption
``alpha`` (dB/km, ISO 9613-1), the ISO 9613-2 eq. 10 porous-ground term
``Agr = max(0, 4.8 - (2 hm / r)(17 + 300 / r))``, an optional barrier for rows
of houses ``Abar``, foliage ``Afol = f * min(r, cap)`` and a facade loss
``Afac`` for indoor listeners. Every term grows with ``r``, so ``L`` falls
monotonically and the intelligible radius (``L - ambient = SNR``) is unique.
Values come from ``shared/reference/simulation-parameters.md`` section A via
:mod:`outreach.parameters`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
from numpy.typing import ArrayLike, NDArray

SETTINGS: tuple[str, ...] = ("rural", "periurban", "roadside")


@dataclass(frozen=True)
class Propagation:
    """Which attenuation terms apply to a listener.

    The default (used by the simulator) is an outdoor listener in a village:
    behind a row of houses, with foliage, on the horn axis (horns on tuk-tuks
    are aimed sideways at the houses), not indoors (rural Cambodian houses
    are open and people stay under or around them).
    """

    barrier: bool = True
    foliage: bool = True
    off_axis: bool = False
    indoor: bool = False


DEFAULT_PROPAGATION = Propagation()


def ground_attenuation_db(r_m: ArrayLike, receiver_height_m: float = 1.75) -> NDArray[np.float64]:
    """ISO 9613-2 eq. 10 ground attenuation over porous ground.

    Parameters
    ----------
    r_m : array_like
        Source-receiver distance in metres (> 0).
    receiver_height_m : float
        Mean height ``hm`` of the propagation path above ground.

    Returns
    -------
    ndarray
        ``max(0, 4.8 - (2 hm / r)(17 + 300 / r))`` in dB.
    """
    r = np.maximum(np.asarray(r_m, dtype=float), 1e-9)
    return np.maximum(4.8 - (2.0 * receiver_height_m / r) * (17.0 + 300.0 / r), 0.0)


def speech_level_db(
    r_m: ArrayLike,
    *,
    l1_db: float = 110.0,
    absorption_db_per_km: float = 8.0,
    receiver_height_m: float = 1.75,
    barrier_db: float = 0.0,
    foliage_db_per_m: float = 0.0,
    foliage_cap_m: float = 200.0,
    facade_db: float = 0.0,
) -> NDArray[np.float64]:
    """Speech LAeq at distance ``r_m`` from the horn.

    Parameters
    ----------
    r_m : array_like
        Distance in metres; values below 1 m are clamped to 1 m (near field).
    l1_db : float
        Speech LAeq at 1 m on axis.
    absorption_db_per_km : float
        Air absorption.
    receiver_height_m : float
        ``hm`` of the ISO 9613-2 ground term.
    barrier_db, facade_db : float
        Constant losses for a row of houses and for an indoor listener.
    foliage_db_per_m, foliage_cap_m : float
        Foliage loss per metre of path, the path length counted at most ``cap``.

    Returns
    -------
    ndarray
        Level in dB(A).
    """
    r = np.maximum(np.asarray(r_m, dtype=float), 1.0)
    return (
        l1_db
        - 20.0 * np.log10(r)
        - absorption_db_per_km * r / 1000.0
        - ground_attenuation_db(r, receiver_height_m)
        - barrier_db
        - foliage_db_per_m * np.minimum(r, foliage_cap_m)
        - facade_db
    )


def ambient_dba(
    setting: str | ArrayLike, params: Mapping[str, float], *, market: ArrayLike = False
) -> NDArray[np.float64]:
    """Ambient noise level by village setting; a market village counts as roadside.

    Parameters
    ----------
    setting : str or array_like of str
        ``rural``, ``periurban`` or ``roadside``.
    params : mapping
        Engine parameters (``loudspeaker.ambient_*_dba``).
    market : bool or array_like of bool
        Market villages are as loud as a roadside.

    Returns
    -------
    ndarray
        Ambient level in dB(A).
    """
    s = np.asarray(setting)
    table = {k: params[f"loudspeaker.ambient_{k}_dba"] for k in SETTINGS}
    unknown = set(np.unique(s).tolist()) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; expected one of {SETTINGS}")
    out = np.select([s == k for k in SETTINGS], [table[k] for k in SETTINGS]).astype(float)
    return np.where(np.asarray(market, dtype=bool), table["roadside"], out)


class _LevelKwargs(TypedDict):
    """The keywords of :func:`speech_level_db` that describe the horn, the air and the listener."""

    l1_db: float
    absorption_db_per_km: float
    receiver_height_m: float
    barrier_db: float
    foliage_db_per_m: float
    foliage_cap_m: float
    facade_db: float


def _level_kwargs(params: Mapping[str, float], prop: Propagation) -> _LevelKwargs:
    """Map parameters and the listener situation to :func:`speech_level_db` keywords."""
    l1 = params["loudspeaker.speech_laeq_1m_db"] - (params["loudspeaker.off_axis_penalty_db"] if prop.off_axis else 0.0)
    return {
        "l1_db": l1,
        "absorption_db_per_km": params["loudspeaker.atm_absorption_db_per_km"],
        "receiver_height_m": params["loudspeaker.ground_receiver_height_m"],
        "barrier_db": params["loudspeaker.house_row_barrier_db"] if prop.barrier else 0.0,
        "foliage_db_per_m": params["loudspeaker.foliage_db_per_m"] if prop.foliage else 0.0,
        "foliage_cap_m": params["loudspeaker.foliage_cap_m"],
        "facade_db": params["loudspeaker.facade_loss_db"] if prop.indoor else 0.0,
    }


def radius_for_level(
    required_db: ArrayLike,
    *,
    r_max_m: float = 20_000.0,
    iterations: int = 60,
    **level_kwargs: float,
) -> NDArray[np.float64]:
    """Distance at which :func:`speech_level_db` falls to ``required_db``.

    Vectorised bisection on ``log r`` (the level is strictly decreasing in
    ``r``, so the root is unique). Returns 0 when even 1 m is too quiet and
    ``r_max_m`` when the level never falls that low within it.

    Parameters
    ----------
    required_db : array_like
        Target level(s) in dB(A).
    r_max_m : float
        Upper bracket.
    iterations : int
        Bisection steps (60 halvings of a log-bracket: sub-millimetre).
    **level_kwargs
        Passed to :func:`speech_level_db`.

    Returns
    -------
    ndarray
        Radius in metres, same shape as ``required_db``.
    """
    req = np.asarray(required_db, dtype=float)
    lo = np.zeros_like(req)  # log(1 m)
    hi = np.full_like(req, np.log(r_max_m))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        loud = speech_level_db(np.exp(mid), **level_kwargs) >= req
        lo = np.where(loud, mid, lo)
        hi = np.where(loud, hi, mid)
    r = np.exp(0.5 * (lo + hi))
    r = np.where(speech_level_db(1.0, **level_kwargs) < req, 0.0, r)
    return np.where(speech_level_db(r_max_m, **level_kwargs) >= req, r_max_m, r)


def intelligible_radius_m(
    ambient_db: ArrayLike,
    params: Mapping[str, float],
    *,
    snr_db: float | None = None,
    propagation: Propagation = DEFAULT_PROPAGATION,
) -> NDArray[np.float64]:
    """Radius within which speech is ``snr_db`` above the ambient noise.

    Parameters
    ----------
    ambient_db : array_like
        Ambient level(s) in dB(A), e.g. from :func:`ambient_dba`.
    params : mapping
        Engine parameters (``loudspeaker.*``).
    snr_db : float, optional
        Required signal-to-noise ratio; default ``loudspeaker.snr_intelligible_db``.
    propagation : Propagation
        Which terms apply (barrier, foliage, off-axis, indoor).

    Returns
    -------
    ndarray
        Radius in metres.
    """
    snr = params["loudspeaker.snr_intelligible_db"] if snr_db is None else snr_db
    return radius_for_level(np.asarray(ambient_db, dtype=float) + snr, **_level_kwargs(params, propagation))


def radius_by_setting(
    params: Mapping[str, float], *, propagation: Propagation = DEFAULT_PROPAGATION
) -> dict[str, float]:
    """Intelligible radius for each village setting.

    Parameters
    ----------
    params : mapping
        Engine parameters (``loudspeaker.*``).
    propagation : Propagation
        Which attenuation terms apply.

    Returns
    -------
    dict
        ``{"rural": m, "periurban": m, "roadside": m}``.
    """
    amb = ambient_dba(np.array(SETTINGS), params)
    r = intelligible_radius_m(amb, params, propagation=propagation)
    return {k: float(v) for k, v in zip(SETTINGS, r)}


def exposure_seconds(
    points_xy: ArrayLike,
    radius_m: ArrayLike,
    path_xyt: ArrayLike,
    broadcast: ArrayLike | None = None,
    *,
    max_cells: int = 4_000_000,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Seconds each point spends within ``radius_m`` of a vehicle on a timed polyline.

    The vehicle moves at constant speed along each segment ``i -> i+1``
    between times ``t_i`` and ``t_{i+1}``. A point at perpendicular offset
    ``d`` from the segment line hears it along the chord ``2 sqrt(R^2 - d^2)``
    clipped to the segment; time = clipped chord / segment length * segment
    duration. A zero-length segment with positive duration is a stop: the
    whole duration counts when the point lies within ``R``. Only segments
    whose start point has ``broadcast`` true count. Callers should prune
    far points first (:func:`distance_to_polyline_m` on village points).

    Parameters
    ----------
    points_xy : array_like, shape (n, 2)
        Household positions in metres.
    radius_m : array_like, shape (n,) or scalar
        Intelligible radius per point.
    path_xyt : array_like, shape (m, 3)
        ``x_m, y_m, t_s`` of the route, times non-decreasing.
    broadcast : array_like of bool, shape (m,), optional
        Loudspeaker on for the segment starting at each point (default all on).
    max_cells : int
        Bound on points x segments per block (memory).

    Returns
    -------
    seconds : ndarray, shape (n,)
        Total intelligible exposure time.
    mid_t_s : ndarray, shape (n,)
        Exposure-time-weighted mean clock time (NaN when not exposed).
    """
    p = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    n = p.shape[0]
    rad = np.broadcast_to(np.asarray(radius_m, dtype=float), (n,))
    path = np.asarray(path_xyt, dtype=float).reshape(-1, 3)
    seconds = np.zeros(n)
    weighted_t = np.zeros(n)
    if path.shape[0] < 2 or n == 0:
        return seconds, np.full(n, np.nan)
    on = np.ones(path.shape[0], bool) if broadcast is None else np.asarray(broadcast, dtype=bool)
    a, b = path[:-1], path[1:]
    keep = on[:-1] & (b[:, 2] > a[:, 2])
    a, b = a[keep], b[keep]
    if a.shape[0] == 0:
        return seconds, np.full(n, np.nan)
    seg = b[:, :2] - a[:, :2]
    length = np.hypot(seg[:, 0], seg[:, 1])
    dur = b[:, 2] - a[:, 2]
    moving = length > 1e-9
    safe_len = np.where(moving, length, 1.0)
    ux, uy = seg[:, 0] / safe_len, seg[:, 1] / safe_len
    step = max(1, max_cells // max(n, 1))
    r2 = rad[:, None] ** 2
    for j in range(0, a.shape[0], step):  # blocks of segments bound memory
        sl = slice(j, j + step)
        dx = p[:, 0:1] - a[None, sl, 0]
        dy = p[:, 1:2] - a[None, sl, 1]
        s = dx * ux[None, sl] + dy * uy[None, sl]
        perp2 = dx * dx + dy * dy - s * s
        # only (point, segment) cells whose circle can meet the segment are finished
        rr = np.sqrt(r2)
        hit = (perp2 < r2) & (s > -rr) & (s < length[None, sl] + rr)
        pi, si = np.nonzero(hit)
        if pi.size == 0:
            continue
        s_, L_, T_ = s[pi, si], length[j + si], dur[j + si]
        half = np.sqrt(np.maximum(r2[pi, 0] - perp2[pi, si], 0.0))
        lo = np.clip(s_ - half, 0.0, L_)
        hi = np.clip(s_ + half, 0.0, L_)
        mov = moving[j + si]
        # moving: share of the segment within range; a stop: all of it when within range
        frac = np.where(mov, (hi - lo) / safe_len[j + si], 1.0)
        pos = np.where(mov, 0.5 * (lo + hi) / safe_len[j + si], 0.5)
        t = frac * T_
        seconds += np.bincount(pi, weights=t, minlength=n)
        weighted_t += np.bincount(pi, weights=t * (a[j + si, 2] + pos * T_), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mid_t = np.where(seconds > 0, weighted_t / np.where(seconds > 0, seconds, 1.0), np.nan)
    return seconds, mid_t


def distance_to_polyline_m(points_xy: ArrayLike, path_xy: ArrayLike) -> NDArray[np.float64]:
    """Shortest distance from each point to a polyline.

    Parameters
    ----------
    points_xy : array_like, shape (n, 2)
        Points in metres.
    path_xy : array_like, shape (m, 2)
        Polyline vertices in metres.

    Returns
    -------
    ndarray, shape (n,)
        Distance in metres (vectorised over points x segments).
    """
    p = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    q = np.asarray(path_xy, dtype=float).reshape(-1, 2)
    if q.shape[0] == 1:
        return np.hypot(p[:, 0] - q[0, 0], p[:, 1] - q[0, 1])
    a, d = q[:-1], q[1:] - q[:-1]
    l2 = np.maximum((d * d).sum(axis=1), 1e-18)
    t = np.clip(
        ((p[:, None, 0] - a[None, :, 0]) * d[None, :, 0] + (p[:, None, 1] - a[None, :, 1]) * d[None, :, 1]) / l2, 0, 1
    )
    ex = p[:, None, 0] - (a[None, :, 0] + t * d[None, :, 0])
    ey = p[:, None, 1] - (a[None, :, 1] + t * d[None, :, 1])
    return np.sqrt((ex * ex + ey * ey).min(axis=1))
