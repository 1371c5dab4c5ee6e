"""Budget allocation across channels.

``greedy_allocation`` is the baseline: fixed costs first, then the required
loudspeaker passes, one forum per sangkat, a banner per village, and finally
door-to-door rounds village by village in priority order while money and
volunteer outings last. It is kept as the comparator for the CP-SAT allocator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from outreach.model import Allocation, BudgetLine, Campaign, Priorities

#: Households a pair can visit in one outing (doors/hour x shift hours).


def outing_capacity(campaign: Campaign) -> int:
    """Households one pair visits in one outing: doors per hour times shift hours."""
    p = campaign.params
    return max(1, int(p["canvass.doors_per_hour_per_pair"] * p["canvass.shift_hours"]))


def pair_outings_available(campaign: Campaign) -> int:
    """Pair-outings the volunteers can make over the campaign, holidays excluded.

    Volunteers go out in pairs, so capacity is half the volunteer-outings
    (rounded down), each volunteer limited by their own outings per week.
    """
    weeks = campaign.calendar.weeks
    lost_share = 1 - len(campaign.calendar.working_days()) / max(1, 7 * weeks)
    volunteer_outings = sum(v.outings_per_week for v in campaign.volunteers) * weeks * (1 - lost_share)
    return int(volunteer_outings // campaign.params["canvass.team_size"])


def loudspeaker_days_estimate(campaign: Campaign, passes_by_sangkat: Mapping[str, int]) -> tuple[int, float]:
    """Vehicle-days and km a routing of the required passes needs, estimated before routing.

    A sangkat pass drives its villages' roads at broadcast speed (2·k·√households
    metres per village) plus transit; a day holds as many sangkat passes as its
    shift allows, but the same sangkat never twice on one day.
    """
    p = campaign.params
    geo = campaign.geography
    days = 0
    km = 0.0
    for veh_district in {v.district_code for v in campaign.vehicles}:
        hours = []
        for s in geo.sangkats:
            if s.district_code != veh_district:
                continue
            n = passes_by_sangkat.get(s.code, 0)
            if n <= 0:
                continue
            road_m = sum(max(300.0, 2 * p["household.village_radius_m_per_sqrt_hh"] * math.sqrt(v.households))
                         for v in geo.villages_in(s.code))
            h = road_m / (p["loudspeaker.broadcast_speed_kmh"] * 1000) + 0.5  # + transit inside the sangkat
            hours += [h] * n
            km += n * (road_m / 1000 + 10.0)  # 10 km of transit per pass [A]
        per_day = p["loudspeaker.shift_hours"]
        need = math.ceil(sum(hours) / per_day) if hours else 0
        max_passes = max((passes_by_sangkat.get(s.code, 0) for s in geo.sangkats if s.district_code == veh_district),
                         default=0)
        days += max(need, max_passes)
    return days, km


def _priority(campaign: Campaign, priorities: Priorities | None, code: str) -> float:
    if priorities is not None and code in priorities.by_village:
        return priorities.score(code)
    v = campaign.geography.village_by_code[code]
    return v.households * (1 - campaign.params["awareness.baseline"])


def fixed_lines(campaign: Campaign, *, loudspeaker: bool) -> list[BudgetLine]:
    """Lines every plan pays: training and kit for each volunteer, the coordinator, the recording."""
    c = campaign.costs
    n = len(campaign.volunteers)
    lines = [
        BudgetLine("volunteer_training", c["volunteer_training"].label, c["volunteer_training"].unit, n,
                   c["volunteer_training"].usd, c["volunteer_training"].channel),
        BudgetLine("volunteer_kit", c["volunteer_kit"].label, c["volunteer_kit"].unit, n, c["volunteer_kit"].usd,
                   c["volunteer_kit"].channel),
        BudgetLine("coordinator_week", c["coordinator_week"].label, c["coordinator_week"].unit,
                   campaign.calendar.weeks, c["coordinator_week"].usd, c["coordinator_week"].channel),
    ]
    if loudspeaker:
        lines.append(BudgetLine("recording", c["recording"].label, c["recording"].unit, 1, c["recording"].usd,
                                c["recording"].channel))
    return [b for b in lines if b.quantity > 0]


def line(campaign: Campaign, key: str, quantity: float) -> BudgetLine:
    """A budget line for ``quantity`` units of cost item ``key``."""
    c = campaign.costs[key]
    return BudgetLine(key, c.label, c.unit, quantity, c.usd, c.channel)


def greedy_allocation(campaign: Campaign, priorities: Priorities | None = None) -> Allocation:
    """Baseline allocation: required items first, then door rounds by priority.

    Parameters
    ----------
    campaign : Campaign
        Budget, costs, capacities and targets.
    priorities : Priorities, optional
        Survey priorities; without them villages rank by households × (1 − baseline awareness).

    Returns
    -------
    Allocation
        Strategy ``"greedy"``; notes say what did not fit.
    """
    geo = campaign.geography
    budget = campaign.budget_usd
    notes: list[str] = []
    passes = {s.code: campaign.targets.loudspeaker_passes_per_sangkat for s in geo.sangkats}
    lines = fixed_lines(campaign, loudspeaker=any(passes.values()) and bool(campaign.vehicles))
    spent = sum(b.total_usd for b in lines)

    if campaign.vehicles and any(passes.values()):
        days, km = loudspeaker_days_estimate(campaign, passes)
        cost = days * campaign.cost("tuktuk_day") + km * campaign.cost("fuel_km")
        if spent + cost <= budget:
            lines += [line(campaign, "tuktuk_day", days), line(campaign, "fuel_km", round(km, 1))]
            spent += cost
        else:
            notes.append(f"loudspeaker passes need about US$ {cost:,.0f}; the budget left was US$ {budget - spent:,.0f}")
            passes = {k: 0 for k in passes}
    else:
        passes = {k: 0 for k in passes}

    forums = {s.code: 0 for s in geo.sangkats}
    forum_cost = campaign.cost("forum_venue") + campaign.params["forum.participants"] * campaign.cost("forum_participant")
    for s in sorted(geo.sangkats, key=lambda s: -sum(_priority(campaign, priorities, v.code)
                                                     for v in geo.villages_in(s.code))):
        for _ in range(campaign.targets.forums_per_sangkat):
            if spent + forum_cost <= budget:
                forums[s.code] += 1
                spent += forum_cost
    n_forums = sum(forums.values())
    if n_forums:
        lines += [line(campaign, "forum_venue", n_forums),
                  line(campaign, "forum_participant", n_forums * campaign.params["forum.participants"])]
    if n_forums < len(geo.sangkats) * campaign.targets.forums_per_sangkat:
        notes.append(f"only {n_forums} forums fit the budget")

    banners = {v.code: 0 for v in geo.villages}
    per_village = int(campaign.params["banner.per_village"])
    for v in sorted(geo.villages, key=lambda v: -_priority(campaign, priorities, v.code)):
        if per_village and spent + per_village * campaign.cost("banner") <= budget:
            banners[v.code] = per_village
            spent += per_village * campaign.cost("banner")
    if sum(banners.values()):
        lines.append(line(campaign, "banner", sum(banners.values())))

    cap = outing_capacity(campaign)
    team = int(campaign.params["canvass.team_size"])
    outings_left = pair_outings_available(campaign)
    per_outing = team * campaign.cost("volunteer_outing") + cap * campaign.cost("leaflet")
    rounds = {v.code: 0 for v in geo.villages}
    used_outings = 0
    leaflets = 0
    order = sorted(geo.villages, key=lambda v: -_priority(campaign, priorities, v.code))
    for r in range(campaign.door_rounds):
        for v in order:
            need = math.ceil(v.households / cap)
            cost = need * team * campaign.cost("volunteer_outing") + v.households * campaign.cost("leaflet")
            if need <= outings_left and spent + cost <= budget:
                rounds[v.code] += 1
                outings_left -= need
                used_outings += need
                spent += cost
                leaflets += v.households
    skipped = [v.code for v in geo.villages if rounds[v.code] < campaign.door_rounds]
    if skipped:
        notes.append(f"{len(skipped)} villages get fewer than {campaign.door_rounds} door-to-door round(s): "
                     f"budget or volunteer outings ran out (US$ {per_outing:.0f} per pair-outing)")
    if used_outings:
        lines += [line(campaign, "volunteer_outing", used_outings * team), line(campaign, "leaflet", leaflets)]
    return Allocation(
        door_rounds_by_village=rounds,
        loudspeaker_passes_by_sangkat=passes,
        forums_by_sangkat=forums,
        banners_by_village=banners,
        leaflets=leaflets,
        budget_lines=tuple(lines),
        strategy="greedy",
        status="FEASIBLE",
        gap=None,
        notes=tuple(notes),
    )


def with_routed_loudspeaker(campaign: Campaign, allocation: Allocation, days: int, km: float) -> Allocation:
    """Replace the estimated tuk-tuk lines by what the routed tours actually cost."""
    lines = [b for b in allocation.budget_lines if b.key not in ("tuktuk_day", "fuel_km")]
    if days:
        lines += [line(campaign, "tuktuk_day", days), line(campaign, "fuel_km", round(km, 1))]
    return Allocation(allocation.door_rounds_by_village, allocation.loudspeaker_passes_by_sangkat,
                      allocation.forums_by_sangkat, allocation.banners_by_village, allocation.leaflets, tuple(lines),
                      allocation.strategy, allocation.status, allocation.gap, allocation.notes)


def trim_to_budget(campaign: Campaign, allocation: Allocation, priorities: Priorities | None = None) -> Allocation:
    """Drop door-to-door rounds, lowest priority first, until the plan fits the budget.

    Used after routing, when the routed tuk-tuk days cost more than estimated.
    """
    over = allocation.planned_usd - campaign.budget_usd
    if over <= 0:
        return allocation
    cap = outing_capacity(campaign)
    team = int(campaign.params["canvass.team_size"])
    rounds = dict(allocation.door_rounds_by_village)
    geo = campaign.geography
    outings = sum(b.quantity for b in allocation.budget_lines if b.key == "volunteer_outing") / team
    leaflets = allocation.leaflets
    dropped = 0
    for v in sorted(geo.villages, key=lambda v: _priority(campaign, priorities, v.code)):
        while rounds.get(v.code, 0) > 0 and over > 0:
            need = math.ceil(v.households / cap)
            saved = need * team * campaign.cost("volunteer_outing") + v.households * campaign.cost("leaflet")
            rounds[v.code] -= 1
            outings -= need
            leaflets -= v.households
            over -= saved
            dropped += 1
        if over <= 0:
            break
    lines = [b for b in allocation.budget_lines if b.key not in ("volunteer_outing", "leaflet")]
    if outings > 0:
        lines += [line(campaign, "volunteer_outing", outings * team), line(campaign, "leaflet", leaflets)]
    notes = allocation.notes + ((f"{dropped} door-to-door round(s) dropped so that the routed loudspeaker days "
                                 f"fit the budget",) if dropped else ())
    return Allocation(rounds, allocation.loudspeaker_passes_by_sangkat, allocation.forums_by_sangkat,
                      allocation.banners_by_village, leaflets, tuple(lines), allocation.strategy, allocation.status,
                      allocation.gap, notes)
