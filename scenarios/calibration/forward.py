"""The forward model: the campaign planned once per campaign length, its reach in closed form per draw.

The plan is fixed (volunteers, forums, passes, banners as the scenario
describes them); only the response parameters and the uncertain scenario
facts change between draws. A campaign length is a plan, so lengths come
from a small grid of plans (``calibration.campaign_weeks`` snaps to the
nearest); nothing is re-optimised per draw.

The plan is the campaign *as described*, not as the optimiser would buy it:
by default the greedy baseline (:mod:`optimizer.allocation.greedy`), which
buys exactly the scenario's ``[targets]`` loudspeaker passes per sangkat, its
forums per sangkat, a banner per village, door rounds while outings last and
the district-wide channels up to their ``[channels]`` caps. The optimiser,
given a budget that does not bind, buys whatever raises awareness most (on
the API campaign: 3 passes per sangkat where the report says 2), and the fit
would then credit the loudspeaker with passes that were never driven.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from outreach.media import MEDIA
from outreach.model import Campaign, Plan, Reach
from outreach.parameters import DEFAULTS, DOCUMENTED

#: Channels that carry no volunteer or printed message: silenced to count the volunteers' and materials' share.
#: (The district-wide channels are silenced in both runs, :data:`NO_MEDIA_MEMORY`: the figures add the youth
#: volunteers' group events to this quantity, and every district-wide channel to the total, analytically.)
_NOT_VOLUNTEERS_IEC = {"awareness.p_loudspeaker": 0.0, "awareness.p_forum": 0.0, "awareness.wom_rate": 0.0}

#: The district-wide channels' memory, silenced in the closed form: they act on every household alike, so the
#: figures add them analytically (:func:`.registry.with_district_channels`) and their parameters need no emulator.
NO_MEDIA_MEMORY = {"awareness.p_radio": 0.0, "awareness.p_chief": 0.0, "awareness.p_ngo": 0.0,
                   "awareness.p_social_media": 0.0, "awareness.p_event": 0.0}

#: How the calibration plans the campaign: ``greedy`` (as described, the default) or an optimiser backend.
PLAN_STRATEGIES: tuple[str, ...] = ("greedy", "scip", "cp-sat")


@dataclass(frozen=True)
class FixedPlan:
    """One campaign length: its campaign (calendar set) and its plan."""

    weeks: int
    campaign: Campaign
    plan: Plan


def documented_params(campaign: Campaign) -> dict[str, float]:
    """The campaign's parameters with every value not set by the scenario at its documented (pre-posterior) value.

    The fixed plan then does not depend on a posterior shipped earlier, so a
    rerun of the calibration gives the same bytes.
    """
    return {k: (DOCUMENTED[k] if v == DEFAULTS[k].value else v) for k, v in campaign.params.items()}


def with_params(campaign: Campaign, params: Mapping[str, float]) -> Campaign:
    """The campaign with other parameter values (not range-checked: calibration sets channels to 0)."""
    return dataclasses.replace(campaign, params=dict(params))


def _plan_one(campaign: Campaign, weeks: int, time_limit_s: float, strategy: str = "greedy") -> FixedPlan:
    from scenarios.pipeline import PlanOptions, Strategy, plan_only

    c = dataclasses.replace(campaign, calendar=dataclasses.replace(campaign.calendar, weeks=int(weeks)))
    return FixedPlan(int(weeks), c, plan_only(c, None, PlanOptions(time_limit_s=time_limit_s,
                                                                   strategy=cast(Strategy, strategy))))


def plan_grid(campaign: Campaign, weeks: Sequence[int], *, time_limit_s: float = 10.0,
              workers: int = 2, strategy: str = "greedy") -> tuple[FixedPlan, ...]:
    """Plan the campaign once for each length in ``weeks`` (documented parameters, no survey).

    ``strategy`` ``greedy`` plans the campaign as the scenario describes it (module docstring).
    """
    from outreach.errors import InputError
    from outreach.parallel import fork_map

    if strategy not in PLAN_STRATEGIES:
        raise InputError(f"plan strategy '{strategy}' is not one of {', '.join(PLAN_STRATEGIES)}",
                         field="plan_strategy")
    base = with_params(campaign, documented_params(campaign))
    return tuple(fork_map(lambda c, w: _plan_one(c, w, time_limit_s, strategy), list(weeks), shared=base,
                          workers=workers))


def plan_counts(fp: FixedPlan) -> dict[str, float]:
    """What the fixed plan buys, for the fit report: passes per sangkat, forums, banners, leaflets, door rounds,
    and the district-wide channels' levels."""
    a = fp.plan.allocation
    passes = list(a.loudspeaker_passes_by_sangkat.values())
    return {"weeks": fp.weeks, "loudspeaker_passes_per_sangkat_max": max(passes, default=0),
            "loudspeaker_passes_per_sangkat_min": min(passes, default=0),
            "loudspeaker_vehicle_days": len(fp.plan.tours.days), "forums": sum(a.forums_by_sangkat.values()),
            "banners": sum(a.banners_by_village.values()), "leaflets": a.leaflets,
            "door_rounds": sum(a.door_rounds_by_village.values()),
            "villages_with_door_rounds": sum(1 for r in a.door_rounds_by_village.values() if r > 0),
            **{f"media.{k}": v for k, v in sorted(a.media.items())}}


def nearest(grid: Sequence[FixedPlan], weeks: float) -> FixedPlan:
    """The grid plan whose length is nearest (ties: the shorter)."""
    return min(grid, key=lambda g: (abs(g.weeks - weeks), g.weeks))


def _first_contacts(campaign: Campaign, plan: Plan) -> dict[str, float]:
    """Households first met at the door by kind of occasion (closed form), as registry quantities."""
    from outreach.simulate import door_slot_mix

    from .registry import FIRST_CONTACT_KEYS

    mix = door_slot_mix(campaign, plan)
    return {name: float(mix.get(kind, 0.0)) for kind, name in FIRST_CONTACT_KEYS.items()}


def _quantities(fp: FixedPlan, full: Reach, iec_aware: float, first: Mapping[str, float]) -> dict[str, float]:
    return {
        **first,
        "households": float(fp.campaign.geography.households),
        "forums": float(sum(fp.plan.allocation.forums_by_sangkat.values())),
        "weeks": float(fp.weeks),
        **{f"media.{c}": float(fp.plan.allocation.media.get(c, 0)) for c in MEDIA},
        "met_at_door": float(full.households_met_at_door.mean) if full.households_met_at_door else 0.0,
        "forum_attendance": float(full.exposure_by_channel.get("forum", 0.0)),
        "aware_campaign": float(full.households_aware.mean),
        "aware_volunteers_iec": iec_aware,
    }


def point_params(fp: FixedPlan, theta: Mapping[str, float]) -> dict[str, float]:
    """The plan's parameters with a draw's values; baseline 0 (it enters the figures analytically)."""
    params = dict(fp.campaign.params)
    params.update({k: float(v) for k, v in theta.items() if k in params})
    params["awareness.baseline"] = 0.0
    params.update(NO_MEDIA_MEMORY)
    return params


def closed_form(grid: Sequence[FixedPlan], theta: Mapping[str, float]) -> dict[str, float]:
    """Closed-form quantities (:data:`.registry.QUANTITIES`) of the nearest plan at a draw."""
    from outreach.simulate import expected_reach

    fp = nearest(grid, theta.get("calibration.campaign_weeks", fp_weeks(grid)))
    params = point_params(fp, theta)
    full = expected_reach(with_params(fp.campaign, params), fp.plan)
    iec = expected_reach(with_params(fp.campaign, {**params, **_NOT_VOLUNTEERS_IEC}), fp.plan)
    first = _first_contacts(with_params(fp.campaign, params), fp.plan)
    return _quantities(fp, full, float(iec.households_aware.mean), first)


def monte_carlo(grid: Sequence[FixedPlan], theta: Mapping[str, float], *, replications: int,
                seed: int) -> dict[str, float]:
    """The same quantities by the Monte Carlo simulator (mean of ``replications``), for the check."""
    from outreach.simulate import simulate

    fp = nearest(grid, theta.get("calibration.campaign_weeks", fp_weeks(grid)))
    params = point_params(fp, theta)
    full = simulate(with_params(fp.campaign, params), fp.plan, replications=replications, seed=seed)
    iec = simulate(with_params(fp.campaign, {**params, **_NOT_VOLUNTEERS_IEC}), fp.plan,
                   replications=replications, seed=seed)
    first = _first_contacts(with_params(fp.campaign, params), fp.plan)
    return _quantities(fp, full, float(iec.households_aware.mean), first)


def fp_weeks(grid: Sequence[FixedPlan]) -> float:
    """The first grid length (the default when a draw does not set the campaign length)."""
    return float(grid[0].weeks)


def evaluate_design(grid: Sequence[FixedPlan], thetas: Sequence[Mapping[str, float]], *,
                    workers: int = 2) -> list[dict[str, float]]:
    """Closed-form quantities at every design point, spread over ``workers`` processes."""
    from outreach.parallel import fork_map

    def one(g: Any, theta: Mapping[str, float]) -> dict[str, float]:
        return closed_form(g, theta)

    return fork_map(one, list(thetas), shared=tuple(grid), workers=workers)
