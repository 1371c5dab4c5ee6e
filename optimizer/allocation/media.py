"""The district-wide channels in the allocation: a menu of media plans and their terms in the model.

A media plan is a level of each channel of :data:`outreach.media.MEDIA`
(social media boosted weeks, radio programme weeks, partner NGO meetings,
sangkats whose village chiefs are briefed: all or none),
with its cost and the share ``R`` of households it makes aware
(:func:`outreach.media.media_response`). Since the value of a whole plan is
``(1 - R) V(x) + R C`` (``V`` the village options' value, ``C = sum_v w_v (1 -
b_v) h_v`` every household not yet aware) and ``V`` never gains from less
money, only media plans on the cost–``R`` frontier can be optimal: the menu
holds those (each cheaper one makes fewer households aware).

In the model one media plan is chosen (one-hot ``y``); its money joins the
budget. The product ``(1 - R_m) V`` is linearised exactly by disaggregating
the village value over the media plans: ``V = sum_m V_m`` with ``0 <= V_m <=
U_m y_m``, so the objective
``sum_m (1 - R_m) V_m + sum_m R_m C y_m`` is the plan's exact value. The
shares are fixed-point: ``R_m`` is rounded to ``1 / MEDIA_QUANT`` and the
objective counted in ``1 / MEDIA_QUANT`` value units (integers, as the
solvers need), the same arithmetic as :meth:`MediaMenu.value_q` and the
brute-force reference. ``U_m`` bounds the village value within the money
media plan ``m`` leaves (:func:`village_value_bounds`, a Lagrangian bound of
the budget alone): the tighter it is, the less a fractional ``y`` can fake
(the demo's solve took 3.8 times as long with every ``U_m`` at every village's
best option). Awareness and women-reached targets count the
village channels only (a plan meets them without the media; conservative).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from outreach.media import MEDIA, MEDIA_COST, media_caps, media_response
from outreach.model import Campaign

from .budget import level_cents
from .sample import ValueGroup, pareto_over_draws, quantised

#: Fixed-point unit of the media shares ``R``: objective terms are integers in ``1 / MEDIA_QUANT`` value units.
MEDIA_QUANT = 10_000


@dataclass(frozen=True)
class MediaMenu:
    """Media plans on the cost–awareness frontier, cheapest first (option 0 buys nothing).

    ``full_value``: ``C`` in the instance's value unit (weighted centi-households not yet aware).
    """

    levels: tuple[Mapping[str, int], ...]
    cents: np.ndarray  # (nm,) int
    aware: np.ndarray  # (nm,) R
    reach: np.ndarray  # (nm,) E
    full_value: int
    aware_draws: np.ndarray | None = None  # (draws, nm) R under each posterior draw; None at a point
    reach_draws: np.ndarray | None = None  # (draws, nm) E under each posterior draw

    def gain_q(self, m: int) -> int:
        """``R_m`` in ``1 / MEDIA_QUANT``."""
        return int(round(MEDIA_QUANT * float(self.aware[m])))

    def value_q(self, m: int, village_value: int) -> int:
        """Exact value of a plan with media plan ``m`` and village options worth ``V``, in ``1 / MEDIA_QUANT``
        units: ``(Q - R_m Q) V + R_m Q C``."""
        g = self.gain_q(m)
        return (MEDIA_QUANT - g) * int(village_value) + g * self.full_value


#: The menu without district-wide channels: buying nothing.
NO_MEDIA_MENU = MediaMenu(({},), np.zeros(1, np.int64), np.zeros(1), np.zeros(1), 0)


def _media_grid(campaign: Campaign, households: float, params: Mapping[str, float],
                caps: Mapping[str, int]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Every media plan within ``caps``: its levels per channel, ``R``, ``E`` and cents, under ``params``.

    The channels are independent, so a plan's shares follow from each channel's alone
    (``R = 1 - prod_c (1 - aware_c)``), over the whole grid of levels at once.
    """
    weeks = campaign.calendar.weeks
    # village chiefs: every sangkat's or none
    levels = [np.arange(caps[c] + 1) if c != "village_chief" else np.array(sorted({0, caps[c]})) for c in MEDIA]
    grids = np.meshgrid(*levels, indexing="ij")
    miss_aware = np.ones(grids[0].shape)
    miss_seen = np.ones(grids[0].shape)
    cost = np.zeros(grids[0].shape, np.int64)
    for c, lv, g in zip(MEDIA, levels, grids):
        alone = [media_response({c: int(n)}, weeks, households, params) for n in lv]
        idx = np.searchsorted(lv, g)
        miss_aware = miss_aware * (1.0 - np.array([r.aware[c] for r in alone]))[idx]
        miss_seen = miss_seen * (1.0 - np.array([r.exposed[c] for r in alone]))[idx]
        cost = cost + level_cents(campaign, c, MEDIA_COST[c]) * g
    return [g.ravel() for g in grids], 1.0 - miss_aware.ravel(), 1.0 - miss_seen.ravel(), cost.ravel()


def media_menu(campaign: Campaign, households: float, full_value: int,
               draws: Sequence[Mapping[str, float]] = ()) -> MediaMenu:
    """Every media plan within the caps (:func:`outreach.media.media_caps`), reduced to the frontier.

    With posterior ``draws`` (parameter mappings) the shares are each draw's, the menu's ``aware`` and ``reach``
    their means, and the frontier keeps every plan no cheaper plan beats under every draw
    (:func:`optimizer.allocation.sample.pareto_over_draws`): the mean value over the draws rises with each
    draw's ``R``, so only those can be optimal.
    """
    caps = media_caps(campaign.channels, campaign.calendar.weeks, campaign.params, len(campaign.geography.sangkats))
    flat, aware, reach, cost = _media_grid(campaign, households, campaign.params, caps)
    aware_d, reach_d = aware[None, :], reach[None, :]
    if draws:
        per = [_media_grid(campaign, households, p, caps) for p in draws]
        aware_d, reach_d = np.stack([g[1] for g in per]), np.stack([g[2] for g in per])
        aware, reach = aware_d.mean(axis=0), reach_d.mean(axis=0)
    order = np.lexsort(tuple(reversed(flat)) + (-aware, cost))  # cost, then more aware, then fewer levels
    keep = pareto_over_draws(cost, aware_d, order)
    return MediaMenu(levels=tuple({c: int(f[i]) for c, f in zip(MEDIA, flat)} for i in keep),
                     cents=cost[keep].astype(np.int64), aware=aware[keep], reach=reach[keep],
                     full_value=int(full_value),
                     aware_draws=aware_d[:, keep] if draws else None, reach_draws=reach_d[:, keep] if draws else None)


def add_media(m: cp_model.CpModel, menu: MediaMenu, only: int | None) -> list[cp_model.IntVar]:
    """One media plan, ``y[m]``; ``only`` fixes it (re-solves keep the first solve's media plan)."""
    y = [m.new_bool_var(f"media{i}") for i in range(len(menu.levels))]
    m.add_exactly_one(y)
    if only is not None:
        m.add(y[only] == 1)
    return y


def village_value_bounds(value: np.ndarray, money: np.ndarray, keep: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Upper bounds of the village options' total value within each budget (cents), one village option each.

    For any ``lambda >= 0``, ``lambda b + sum_v max_o (value - lambda money)`` bounds the value of every choice
    costing at most ``b`` (weak duality of the budget alone; sangkat costs, outings and targets only lower the
    value); the least over a grid of ``lambda`` is taken, and never more than every village at its best option.
    """
    best = np.where(keep, value, np.iinfo(np.int64).min).max(axis=1).clip(min=0).sum()
    v = np.where(keep, value, -np.inf).astype(float)
    mo = money.astype(float)
    positive = mo[keep & (mo > 0)]
    ratios = (np.maximum(value, 0)[keep & (mo > 0)] / positive) if positive.size else np.zeros(1)
    lams = np.concatenate([[0.0], np.geomspace(max(ratios.min(initial=1.0), 1e-6) / 10, ratios.max(initial=1.0) * 10,
                                               80)])
    dual = np.array([(v - lam * mo).max(axis=1).sum() for lam in lams])
    b = np.maximum(np.asarray(budgets, float), 0.0)
    bound = (lams[None, :] * b[:, None] + dual[None, :]).min(axis=1)
    return np.minimum(np.floor(bound + 1e-6), best).astype(np.int64)


def point_group(menu: MediaMenu, value: np.ndarray) -> ValueGroup:
    """The one group of a plan valued at a point (the posterior means): the menu's own shares and ``C``."""
    return ValueGroup(value, quantised(menu.aware, MEDIA_QUANT), menu.full_value)


def media_objective(m: cp_model.CpModel, groups: Sequence[ValueGroup], y: list[cp_model.IntVar],
                    village_values: Sequence[cp_model.LinearExpr | int],
                    v_max: Sequence[np.ndarray]) -> cp_model.LinearExpr | int:
    """The plan's exact value in ``1 / MEDIA_QUANT`` units, summed over the groups of draws.

    Per group ``g``: ``sum_m (Q - g_m) V_m + g_m C y_m``, ``V = sum_m V_m`` (``village_values[g]``),
    ``V_m <= U_m y_m`` (``v_max[g]``: the ``U_m``). Each group has its own split, so the product of the
    media shares and the village value is exact under every draw.
    """
    terms: list[cp_model.LinearExpr | int] = []
    for j, (grp, village_value, ub) in enumerate(zip(groups, village_values, v_max)):
        name = "vm" if len(groups) == 1 else f"vm{j}_"
        parts = [m.new_int_var(0, max(int(ub[i]), 0), f"{name}{i}") for i in range(len(y))]
        for i, (part, yi) in enumerate(zip(parts, y)):
            m.add(part <= max(int(ub[i]), 0) * yi)
        m.add(sum(parts) == village_value)
        terms += [(MEDIA_QUANT - int(grp.gains[i])) * part + int(grp.gains[i]) * grp.full_value * yi
                  for i, (part, yi) in enumerate(zip(parts, y))]
    return sum(terms)


def media_levels(menu: MediaMenu, m: int) -> dict[str, int]:
    """The levels of media plan ``m``, channels bought only."""
    return {c: int(n) for c, n in menu.levels[m].items() if n}
