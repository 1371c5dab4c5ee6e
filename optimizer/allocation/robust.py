"""How the chosen allocation holds up under each posterior draw: its value there, the draw's own optimum, regret.

A plan's value under draw ``d`` is the allocation's own measure, in weighted
new aware households: ``(1 - R_dm) V_d(x) + R_dm C_d`` with ``V_d`` the
village options' values under the draw and ``R_dm`` the media plan's share
(exact shares, not the solver's fixed point). The draw's own optimum is the
allocation re-solved as if the draw were the truth (an instance with that
draw's values, :func:`draw_instance`); the regret of the chosen plan is how
much the optimum gains over it under that draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from outreach.model import Allocation, Campaign, Priorities

from .instance import SCALE, AllocationInstance
from .solve import AllocationResult, Resolve, solve_allocation

#: A channel's budget share "changes" between two plans when it moves by more than this (share of the plan's money).
SHARE_CHANGE = 0.10


@dataclass(frozen=True)
class DrawRobustness:
    """Per draw: the chosen plan's value, the draw's own optimum, the regret; channels whose share moved."""

    chosen: tuple[float, ...]  # weighted new aware households under each draw
    optimum: tuple[float, ...]
    regret: tuple[float, ...]
    share_changes: Mapping[str, int]  # channel -> draws whose own optimum moves its budget share > SHARE_CHANGE

    def as_dict(self) -> dict[str, Any]:
        """For summary.json."""
        return {
            "draws": len(self.chosen),
            "value_chosen_by_draw": [round(v, 1) for v in self.chosen],
            "value_draw_optimum_by_draw": [round(v, 1) for v in self.optimum],
            "regret_by_draw": [round(v, 1) for v in self.regret],
            "regret_mean": round(float(np.mean(self.regret)), 1) if self.regret else 0.0,
            "regret_max": round(float(np.max(self.regret)), 1) if self.regret else 0.0,
            "share_change_threshold": SHARE_CHANGE,
            "draws_changing_channel_share": dict(self.share_changes),
        }


def plan_values(inst: AllocationInstance, option: np.ndarray, media: int) -> np.ndarray:
    """Value of a choice (an option per village, a media plan) under each of the instance's draws, in weighted
    new aware households; at the instance's point when it has no draws (one value)."""
    rows = np.arange(len(option))
    mm = inst.media
    if inst.draws is None or mm.aware_draws is None:
        v = float(inst.value[rows, option].sum())
        r = float(mm.aware[media])
        return np.array([((1.0 - r) * v + r * mm.full_value) / SCALE])
    v_d = inst.draws.value[:, rows, option].sum(axis=1).astype(float)
    r_d = mm.aware_draws[:, media]
    return ((1.0 - r_d) * v_d + r_d * inst.draws.full_value) / SCALE


def draw_instance(inst: AllocationInstance, d: int) -> AllocationInstance:
    """The instance as if draw ``d`` were the truth: its values, awareness, reach and media shares.

    The sample-average instance's menu keeps every option and media plan some draw needs (what it drops is
    dominated under every draw), so the draw's optimum over it is its optimum; money and outings are shared.
    """
    dv, mm = inst.draws, inst.media
    if dv is None:
        raise ValueError("the instance has no posterior draws")
    media = mm
    if mm.aware_draws is not None and mm.reach_draws is not None:
        media = replace(mm, aware=mm.aware_draws[d], reach=mm.reach_draws[d], full_value=int(dv.full_value[d]),
                        aware_draws=None, reach_draws=None)
    return replace(inst, value=dv.value[d], aware=dv.aware[d], reached=dv.reached[d], baseline=dv.baseline[d],
                   weight=dv.weight[d], media=media, draws=None)


def budget_shares(allocation: Allocation) -> dict[str, float]:
    """Each channel's share of the plan's money (:meth:`outreach.model.Allocation.by_channel`)."""
    by = allocation.by_channel()
    total = sum(by.values())
    return {c: (usd / total if total > 0 else 0.0) for c, usd in by.items()}


def share_changes(chosen: Allocation, others: Sequence[Allocation]) -> dict[str, int]:
    """Per channel, how many of ``others`` move its budget share by more than :data:`SHARE_CHANGE`."""
    base = budget_shares(chosen)
    moved: dict[str, int] = {}
    for other in others:
        sh = budget_shares(other)
        for c in sorted(set(base) | set(sh)):
            moved.setdefault(c, 0)
            moved[c] += int(abs(sh.get(c, 0.0) - base.get(c, 0.0)) > SHARE_CHANGE + 1e-12)
    return moved


def robustness(campaign: Campaign, priorities: Priorities | None, chosen: AllocationResult, *,
               pass_days_km: tuple[float, float] | None = None, time_limit_s: float = 10.0,
               backend: str = "scip") -> DrawRobustness:
    """Re-solve the allocation once per draw of ``chosen``'s instance and compare the chosen plan with each optimum.

    Parameters
    ----------
    campaign, priorities
        As for :func:`~optimizer.allocation.solve_allocation`.
    chosen : AllocationResult
        The sample-average solve (its instance holds the draws).
    pass_days_km : (float, float), optional
        The routed cost per pass ``chosen`` was priced at; every draw's solve gets the same.
    time_limit_s, backend
        Per re-solve.
    """
    inst, sol = chosen.instance, chosen.solution
    if sol is None or inst.draws is None:
        return DrawRobustness((), (), (), {})
    mine = plan_values(inst, sol.option, sol.media)
    best, allocs = [], []
    for d in range(inst.draws.count):
        res = solve_allocation(campaign, priorities, instance=draw_instance(inst, d), explain=False,
                               time_limit_s=time_limit_s, backend=backend,
                               resolve=Resolve(pass_days_km=pass_days_km))
        if res.solution is None:
            best.append(float(mine[d]))
            continue
        best.append(float(plan_values(inst, res.solution.option, res.solution.media)[d]))
        allocs.append(res.allocation)
    # each re-solve is proven only within its gap: a draw's optimum a hair below the chosen plan is tolerance
    regret = tuple(max(0.0, b - float(m)) for b, m in zip(best, mine))
    return DrawRobustness(tuple(float(m) for m in mine), tuple(max(b, float(m)) for b, m in zip(best, mine)),
                          regret, share_changes(chosen.allocation, allocs))
