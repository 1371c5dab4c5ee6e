"""The allocation under what we do not know: the chosen mix's reach under each posterior draw, and its regret.

Stage ``uncertainty`` of :func:`scenarios.pipeline.plan_campaign`: the plan's
allocation valued in closed form (the optimiser's response model,
:func:`optimizer.allocation.evaluate_allocation`) under each draw of the
shipped posterior, and with ``--robustness`` each draw's own optimum and the
chosen plan's regret against it (:mod:`optimizer.allocation.robust`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from outreach.model import Allocation, Campaign, Priorities

if TYPE_CHECKING:
    from optimizer.allocation import RoutedAllocation

#: How the allocation was chosen and how to read the figures (summary.json).
READING = ("The allocation maximises the mean value over the posterior draws (sample average): each village option "
           "and media plan is valued under every draw, and the plan that does best on average is chosen. The lists "
           "give the chosen plan's expected households under each draw (closed form, the optimiser's response "
           "model), so their spread is what the calibration leaves unknown about this one plan. 'robustness' "
           "(--robustness) re-solves as if each draw were the truth: the regret is what that draw's own optimum "
           "would gain over the chosen plan under that draw, in weighted newly aware households.")


def _stats(values: Sequence[float]) -> dict[str, float]:
    return {"mean": round(sum(values) / len(values), 1), "min": round(min(values), 1), "max": round(max(values), 1)}


def reach_by_draw(campaign: Campaign, allocation: Allocation, priorities: Priorities | None,
                  draws: Sequence[Mapping[str, float]],
                  callbacks_by_village: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Expected households aware at the end and newly aware under each draw, closed form."""
    from optimizer.allocation import evaluate_allocation
    from outreach.simulate.posterior import draw_params

    aware, new = [], []
    for draw in draws:
        c = dataclasses.replace(campaign, params=draw_params(campaign, draw))
        ev = evaluate_allocation(c, allocation, priorities, callbacks_by_village=callbacks_by_village)
        aware.append(ev.aware)
        new.append(ev.new_aware)
    return {"households_aware_by_draw": [round(a, 1) for a in aware],
            "households_newly_aware_by_draw": [round(n, 1) for n in new],
            "households_aware": _stats(aware), "households_newly_aware": _stats(new)}


def _callbacks(routed: RoutedAllocation) -> Mapping[str, int] | None:
    """The solve's callbacks when the final plan kept its door rounds (else inferred from the paid outings)."""
    base = routed.base
    if base is None or dict(base.allocation.door_rounds_by_village) != dict(routed.allocation.door_rounds_by_village):
        return None
    return base.callbacks_by_village


def allocation_uncertainty(campaign: Campaign, priorities: Priorities | None, routed: RoutedAllocation, *,
                           sample_average: bool, robustness: bool, time_limit_s: float,
                           backend: str) -> dict[str, Any] | None:
    """The summary's ``allocation_under_uncertainty``: how the plan was chosen, its reach by draw, its regret.

    None when no posterior is shipped.
    """
    from outreach.parameters import POSTERIOR_DRAWS

    if not POSTERIOR_DRAWS:
        return None
    chosen_over = (f"mean over {len(POSTERIOR_DRAWS)} posterior draws (sample average)"
                   if sample_average and routed.base is not None else "posterior means")
    out: dict[str, Any] = {"chosen_over": chosen_over, "draws": len(POSTERIOR_DRAWS)}
    out |= reach_by_draw(campaign, routed.allocation, priorities, POSTERIOR_DRAWS, _callbacks(routed))
    if robustness and routed.base is not None and routed.base.instance.draws is not None:
        from optimizer.allocation.robust import robustness as regret

        out["robustness"] = regret(campaign, priorities, routed.base, pass_days_km=routed.pass_days_km,
                                   time_limit_s=time_limit_s, backend=backend).as_dict()
    out["reading"] = READING
    return out


def robustness_line(uncertainty: Mapping[str, Any]) -> str | None:
    """One line for the terminal: the regret and the channels whose share moves, or None without --robustness."""
    rob = uncertainty.get("robustness")
    if not rob:
        return None
    moved = [f"{c.replace('_', ' ')} in {n} of {rob['draws']}" for c, n in rob["draws_changing_channel_share"].items()
             if n]
    return (f"Robustness over {rob['draws']} posterior draws: regret against each draw's own optimum "
            f"{rob['regret_mean']:,.1f} on average, {rob['regret_max']:,.1f} at most (weighted newly aware "
            f"households); budget shares moving by more than {rob['share_change_threshold'] * 100:.0f} "
            "percentage points: "
            + (", ".join(moved) if moved else "none"))
