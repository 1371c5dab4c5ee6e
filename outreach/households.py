"""One record per household, as numpy struct-of-arrays.

Households are either supplied by the user (points with a village code) or
synthesised around each village point. Synthesis is deterministic from the
seed and the village code alone, so adding or removing another village never
moves the households of this one.

Spatial model (synthetic): the households of a village with ``H`` households
are spread uniformly over a disc of radius ``R = k sqrt(H)`` centred on the
village point (``k = household.village_radius_m_per_sqrt_hh``): radius
``R sqrt(u1)``, angle ``2 pi u2``. A uniform disc keeps the density
``H / (pi k^2 H) = 1 / (pi k^2)`` the same in every village (about 350
households/km^2 at k = 30 m), which is what the sqrt scaling is for.

Members: when the village has known women/men counts they are dealt out
across its households (multinomial, every household gets at least one
person); otherwise household size is ``1 + Poisson(size - 1)`` and each
member is a woman with probability ``household.women_share``.

At-home propensity: each household's daytime at-home probability follows
``Beta(a, b)`` with mean ``canvass.p_answer_first_visit`` and concentration
``a + b = canvass.at_home_beta_concentration``; the shapes are stored per
household so that a later model can vary them by village, but the engine
reads one pair per village (the first household's), so keep them constant
within a village.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .athome import beta_shapes
from .geo import to_utm
from .model import Geography

#: Stream tags: separate random streams per purpose for the same village.
TAG_POSITION = 11
TAG_MEMBERS = 12


def code_key(code: str) -> int:
    """A stable non-negative integer key for a village code.

    Parameters
    ----------
    code : str
        Village code.

    Returns
    -------
    int
        The code itself when numeric, else its CRC-32 plus 10^9.
    """
    return int(code) if code.isdigit() else zlib.crc32(code.encode("utf-8")) + 10**9


@dataclass(frozen=True)
class Households:
    """Households as parallel arrays, grouped by village in the geography's village order.

    ``village`` indexes ``village_codes``; households of village ``v`` occupy
    ``offsets[v]:offsets[v + 1]``. Positions are EPSG:32648 metres.
    """

    village_codes: tuple[str, ...]
    village: NDArray[np.int32]
    x_m: NDArray[np.float64]
    y_m: NDArray[np.float64]
    women: NDArray[np.int16]
    men: NDArray[np.int16]
    at_home_a: NDArray[np.float32]
    at_home_b: NDArray[np.float32]
    offsets: NDArray[np.int64]
    source: str = "synthetic"

    @property
    def n(self) -> int:
        return int(self.village.shape[0])

    def count_by_village(self) -> NDArray[np.int64]:
        """Households per village, in ``village_codes`` order."""
        return np.diff(self.offsets)


def _members(
    rng: np.random.Generator, h: int, women: int, men: int, params: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    if women + men > 0:
        # Deal known persons out so that totals match the census.
        total = women + men
        size = np.ones(h, np.int64) + (rng.multinomial(total - h, np.full(h, 1.0 / h)) if total > h else 0)
        if total < h:  # fewer persons than households: keep one each
            size = np.ones(h, np.int64)
        w = rng.binomial(size, women / total)
        return w, size - w
    size = 1 + rng.poisson(max(params["household.size"] - 1.0, 0.0), h)
    w = rng.binomial(size, params["household.women_share"])
    return w, size - w


def synthesize_households(geography: Geography, params: Mapping[str, float], *, seed: int) -> Households:
    """Place every village's households around its point (see the module docstring).

    Parameters
    ----------
    geography : Geography
        Villages with ``x_m``/``y_m`` and ``households``.
    params : mapping
        Engine parameters.
    seed : int
        Campaign seed; each village draws from ``SeedSequence([seed, code, tag])``.

    Returns
    -------
    Households
        One record per household, grouped by village.
    """
    k = params["household.village_radius_m_per_sqrt_hh"]
    a, b = beta_shapes(params)
    counts = np.array([max(int(v.households), 0) for v in geography.villages], np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    n = int(offsets[-1])
    x = np.empty(n)
    y = np.empty(n)
    women = np.empty(n, np.int16)
    men = np.empty(n, np.int16)
    for i, v in enumerate(geography.villages):
        h = int(counts[i])
        if h == 0:
            continue
        sl = slice(offsets[i], offsets[i + 1])
        # one stream per village: positions (2 h uniforms) first, then members
        rng = np.random.default_rng(np.random.SeedSequence([seed, code_key(v.code), TAG_POSITION]))
        u = rng.random((2, h))
        r = k * np.sqrt(h) * np.sqrt(u[0])
        x[sl] = v.x_m + r * np.cos(2 * np.pi * u[1])
        y[sl] = v.y_m + r * np.sin(2 * np.pi * u[1])
        women[sl], men[sl] = _members(rng, h, int(v.women), int(v.men), params)
    return Households(
        village_codes=tuple(v.code for v in geography.villages),
        village=np.repeat(np.arange(len(counts), dtype=np.int32), counts),
        x_m=x,
        y_m=y,
        women=women,
        men=men,
        at_home_a=np.full(n, a, np.float32),
        at_home_b=np.full(n, b, np.float32),
        offsets=offsets,
        source="synthetic",
    )


def households_from_points(
    points: pd.DataFrame, geography: Geography, params: Mapping[str, float], *, seed: int
) -> Households:
    """Households from user-supplied points.

    Parameters
    ----------
    points : DataFrame
        Columns ``village_code``, ``lon``, ``lat`` and optionally ``women``,
        ``men``. Rows of villages outside the geography raise ``ValueError``.
    geography : Geography
        Defines village order; villages without points get no households.
    params : mapping
        Engine parameters (members when ``women``/``men`` are missing; at-home shapes).
    seed : int
        Seed for the member draws when they are missing.

    Returns
    -------
    Households
        Grouped by village in the geography's order, points in file order within a village.
    """
    df = points.copy()
    df["village_code"] = df["village_code"].astype(str).str.strip()
    codes = [v.code for v in geography.villages]
    index = {c: i for i, c in enumerate(codes)}
    unknown = sorted(set(df["village_code"]) - set(index))
    if unknown:
        raise ValueError(f"household points name villages not in the campaign area: {unknown[:5]}")
    df["_v"] = df["village_code"].map(index)
    df = df.sort_values("_v", kind="stable").reset_index(drop=True)
    x, y = to_utm(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    vidx = df["_v"].to_numpy(np.int32)
    counts = np.bincount(vidx, minlength=len(codes))
    n = len(df)
    women = np.empty(n, np.int16)
    men = np.empty(n, np.int16)
    have = {"women", "men"} <= set(df.columns)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    for i, code in enumerate(codes):
        h = int(counts[i])
        if h == 0:
            continue
        sl = slice(offsets[i], offsets[i + 1])
        if have:
            women[sl] = df["women"].to_numpy()[sl]
            men[sl] = df["men"].to_numpy()[sl]
        else:
            rng = np.random.default_rng(np.random.SeedSequence([seed, code_key(code), TAG_MEMBERS]))
            women[sl], men[sl] = _members(rng, h, 0, 0, params)
    a, b = beta_shapes(params)
    return Households(
        village_codes=tuple(codes),
        village=vidx,
        x_m=np.asarray(x, float),
        y_m=np.asarray(y, float),
        women=women,
        men=men,
        at_home_a=np.full(n, a, np.float32),
        at_home_b=np.full(n, b, np.float32),
        offsets=offsets,
        source="user",
    )
