"""The sample-average allocation: option values under a shared sample of posterior draws.

Why: the response model's parameters are uncertain (the shipped posterior,
:data:`outreach.parameters.POSTERIOR_DRAWS`), and a plan tuned to the
posterior means can lose much when the truth lies elsewhere. The allocation
maximises the *mean* value over the draws instead (sample-average
approximation, SAA).

* Village option values are precomputed once per draw
  (:class:`DrawValues`, ``(draws, villages, options)``); where the plan's
  value is linear in them, the mean value is the value of the mean option
  values, and the model keeps its size.
* The district-wide channels are not linear: a plan's value under draw
  ``d`` is ``(1 - R_dm) V_d(x) + R_dm C_d``, whose mean is not the value at
  the mean shares. Draws with the same fixed-point shares are grouped
  (:func:`value_groups`) and each group gets its own split of the village
  value over the media plans (:func:`optimizer.allocation.media.media_objective`):
  exact, and one group (today's model) when the draws do not move the shares.
* Targets (sangkat awareness, women reached) are targets on *expected*
  households: the mean over the draws must meet them, as the expectation
  over chance did before. Money and pair-outings (callbacks, leaflets to
  print) stay at the posterior means: a budget is one sum, whichever draw is true.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DrawValues:
    """Per posterior draw: the village options' values, awareness and reach, and the media plans' shares.

    ``value`` is in the instance's unit (weighted new aware centi-households);
    ``full_value`` is ``C_d`` in that unit (every household not yet aware).
    """

    value: np.ndarray  # (nd, nv, no) int
    aware: np.ndarray  # (nd, nv, no) expected aware households (baseline + new)
    reached: np.ndarray  # (nd, nv, no)
    baseline: np.ndarray  # (nd, nv)
    weight: np.ndarray  # (nd, nv)
    full_value: np.ndarray  # (nd,) int

    @property
    def count(self) -> int:
        """Number of draws."""
        return int(self.value.shape[0])


@dataclass(frozen=True)
class ValueGroup:
    """Draws that share their media shares: village option values and ``C`` summed over them, shares ``Q R_m``."""

    value: np.ndarray  # (nv, no) int
    gains: np.ndarray  # (nm,) int
    full_value: int


def quantised(shares: np.ndarray, quant: int) -> np.ndarray:
    """Shares ``R`` in ``1 / quant`` (integers, as the solvers need)."""
    return np.round(quant * np.asarray(shares, float)).astype(np.int64)


def group_draws(draws: DrawValues, media_aware: np.ndarray, quant: int) -> list[ValueGroup]:
    """Draws grouped by their quantised media shares ``media_aware`` ``(draws, plans)`` (first appearance order),
    values summed per group."""
    gains = quantised(media_aware, quant)
    keys: dict[tuple[int, ...], list[int]] = {}
    for d in range(draws.count):
        keys.setdefault(tuple(int(g) for g in gains[d]), []).append(d)
    return [ValueGroup(draws.value[idx].sum(axis=0), gains[idx[0]], int(draws.full_value[idx].sum()))
            for idx in keys.values()]


def pareto_over_draws(cost: np.ndarray, aware: np.ndarray, order: np.ndarray) -> list[int]:
    """Media plans not dominated: none at most as dear makes at least as many aware under every draw.

    ``aware`` is ``(draws, plans)``; ``order`` visits the plans cheapest first (ties: more aware first), so a
    plan can only be dominated by one already kept. With one draw this is the cost–``R`` frontier.
    """
    kept: list[int] = []
    # the kept plans' shares, one row each, filled as they are kept (slicing these rows costs nothing, where
    # gathering ``aware[:, kept]`` anew for every plan copied the whole frontier each time)
    rows = np.empty((len(order), aware.shape[0]))
    for i in order:
        col = aware[:, int(i)]
        n = len(kept)
        if n and (rows[:n] >= col - 1e-12).all(axis=1).any():
            continue
        rows[n] = col
        kept.append(int(i))
    return kept


def mean_with_media(households: np.ndarray, values: np.ndarray, shares: np.ndarray) -> float:
    """Mean over draws of ``sum_v value_dv + R_d (h_v - value_dv)``: households aware (or reached) with the media.

    ``values`` is ``(draws, villages)``, ``shares`` ``(draws,)``.
    """
    v = np.asarray(values, float)
    r = np.asarray(shares, float)[:, None]
    return float((v + r * (np.asarray(households, float)[None, :] - v)).sum(axis=1).mean())
