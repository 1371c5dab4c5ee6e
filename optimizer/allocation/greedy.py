"""The greedy baseline allocation, and the trims that fit a plan to its routed loudspeaker cost.

``greedy_allocation`` buys fixed costs first, then the required loudspeaker
passes, one forum per sangkat, a banner per village, and finally door-to-door
rounds village by village in priority order while money and volunteer
outings last, and with what is left the district-wide channels (the media
plan making the most households aware that the money left buys). It is kept as the comparator for the exact allocation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from outreach.athome import beta_shapes, mean_at_home
from outreach.media import MEDIA_COST
from outreach.model import Allocation, BudgetLine, Campaign, Priorities
from outreach.roads import public_roads
from outreach.rules import outing_capacity

from .budget import (
    fixed_lines,
    forum_booklets,
    forum_leaflets,
    leaflets_to_print,
    line,
    loudspeaker_days_estimate,
    print_lines,
)
from .capacity import pair_outings_available
from .media import media_levels, media_menu


@dataclass(frozen=True)
class _Bought:
    """What one greedy step bought: quantities by place, money spent so far, and its lines and notes."""

    quantities: dict[str, int]
    spent: float
    lines: tuple[BudgetLine, ...] = ()
    notes: tuple[str, ...] = ()
    leaflets: int = 0


def _priority(campaign: Campaign, priorities: Priorities | None, code: str) -> float:
    """A village's survey score, else its households not yet aware at the baseline."""
    if priorities is not None and code in priorities.by_village:
        return priorities.score(code)
    v = campaign.geography.village_by_code[code]
    return v.households * (1 - campaign.params["awareness.baseline"])


def round_leaflets(campaign: Campaign, households: int, round_no: int) -> int:
    """Leaflets for door round ``round_no`` (1, 2, ...) without callbacks: households given their first one then.

    A household still has none after ``i`` rounds when nobody answered and none was left each time:
    ``E[(1 - pi)^i] (1 - l)^i`` with ``l = leaflet.left_when_absent``, under the response model's at-home law;
    round ``i`` gives ``h`` times the drop from ``i - 1`` to ``i``, plus spares.
    """
    a, b = beta_shapes(campaign.params)
    keep = 1.0 - campaign.params["leaflet.left_when_absent"]

    def without(i: int) -> float:
        return float(1.0 - mean_at_home(i, a, b)) * keep**i

    first = households * (without(round_no - 1) - without(round_no))
    return int(leaflets_to_print(first, campaign.params))


def _buy_loudspeaker(campaign: Campaign, passes: dict[str, int], spent: float) -> _Bought:
    """The required passes (estimated days and km) when a tuk-tuk exists and they fit; else none."""
    budget = campaign.budget_usd
    if not (campaign.vehicles and any(passes.values())):
        return _Bought({k: 0 for k in passes}, spent)
    days, km = loudspeaker_days_estimate(campaign, passes)
    cost = days * campaign.cost("tuktuk_day") + km * campaign.cost("fuel_km")
    if spent + cost <= budget:
        return _Bought(passes, spent + cost,
                       (line(campaign, "tuktuk_day", days), line(campaign, "fuel_km", round(km, 1))))
    note = f"loudspeaker passes need about US$ {cost:,.0f}; the budget left was US$ {budget - spent:,.0f}"
    return _Bought({k: 0 for k in passes}, spent, notes=(note,))


def _buy_forums(campaign: Campaign, priorities: Priorities | None, spent: float) -> _Bought:
    """The target forums per sangkat, sangkats by total priority, while money lasts."""
    geo = campaign.geography
    forums = {s.code: 0 for s in geo.sangkats}
    participants = campaign.params["forum.participants"]
    forum_cost = (campaign.cost("forum_venue") + participants * campaign.cost("forum_participant")
                  + forum_leaflets(campaign.params) * campaign.cost("leaflet")
                  + forum_booklets(campaign.params) * campaign.cost("booklet"))
    for s in sorted(geo.sangkats, key=lambda s: -sum(_priority(campaign, priorities, v.code)
                                                     for v in geo.villages_in(s.code))):
        for _ in range(campaign.targets.forums_per_sangkat):
            if spent + forum_cost <= campaign.budget_usd:
                forums[s.code] += 1
                spent += forum_cost
    n_forums = sum(forums.values())
    lines = ((line(campaign, "forum_venue", n_forums), line(campaign, "forum_participant", n_forums * participants))
             if n_forums else ())
    notes = ((f"only {n_forums} forums fit the budget",)
             if n_forums < len(geo.sangkats) * campaign.targets.forums_per_sangkat else ())
    return _Bought(forums, spent, lines, notes, n_forums * forum_leaflets(campaign.params))


def _buy_banners(campaign: Campaign, priorities: Priorities | None, spent: float) -> _Bought:
    """``banner.per_village`` banners per village (no more than its public roads), by priority, while money lasts."""
    geo = campaign.geography
    banners = {v.code: 0 for v in geo.villages}
    roads = public_roads(campaign.roads.graph, campaign.roads.village_node, campaign.roads.kind)
    for v in sorted(geo.villages, key=lambda v: -_priority(campaign, priorities, v.code)):
        n = min(int(campaign.params["banner.per_village"]), roads.get(v.code, 1))
        if n and spent + n * campaign.cost("banner") <= campaign.budget_usd:
            banners[v.code] = n
            spent += n * campaign.cost("banner")
    lines = (line(campaign, "banner", sum(banners.values())),) if sum(banners.values()) else ()
    return _Bought(banners, spent, lines)


def _buy_door_rounds(campaign: Campaign, priorities: Priorities | None, spent: float) -> _Bought:
    """Door rounds village by village in priority order, round after round, while money and outings last."""
    geo = campaign.geography
    cap = outing_capacity(campaign.params)
    team = int(campaign.params["canvass.team_size"])
    outings_left = pair_outings_available(campaign)
    rounds = {v.code: 0 for v in geo.villages}
    used_outings = 0
    leaflets = 0
    order = sorted(geo.villages, key=lambda v: -_priority(campaign, priorities, v.code))
    for _round in range(campaign.door_rounds):
        for v in order:
            need = math.ceil(v.households / cap)
            lf = round_leaflets(campaign, v.households, rounds[v.code] + 1)
            cost = need * team * campaign.cost("volunteer_outing") + lf * campaign.cost("leaflet")
            if need <= outings_left and spent + cost <= campaign.budget_usd:
                rounds[v.code] += 1
                outings_left -= need
                used_outings += need
                spent += cost
                leaflets += lf
    notes: tuple[str, ...] = ()
    skipped = [v.code for v in geo.villages if rounds[v.code] < campaign.door_rounds]
    if skipped:
        per_outing = team * campaign.cost("volunteer_outing") + cap * campaign.cost("leaflet")
        notes = (f"{len(skipped)} villages get fewer than {campaign.door_rounds} door-to-door round(s): "
                 f"budget or volunteer outings ran out (US$ {per_outing:.0f} per pair-outing)",)
    lines = (line(campaign, "volunteer_outing", used_outings * team),) if used_outings else ()
    return _Bought(rounds, spent, lines, notes, leaflets)


def _buy_media(campaign: Campaign, spent: float) -> _Bought:
    """The media plan on the cost-awareness frontier making the most households aware within the money left."""
    menu = media_menu(campaign, sum(v.households for v in campaign.geography.villages), 0)
    left = int(math.floor(round((campaign.budget_usd - spent) * 100, 6)))
    best = max(i for i in range(len(menu.levels)) if menu.cents[i] <= max(left, 0))
    levels = media_levels(menu, best)
    return _Bought(levels, spent + int(menu.cents[best]) / 100,
                   tuple(line(campaign, MEDIA_COST[c], n) for c, n in levels.items()))


def _print_runs(campaign: Campaign, forums: _Bought, media: _Bought) -> tuple[BudgetLine, ...]:
    """Booklets at the forums and with the independent channels, posters with them."""
    return tuple(print_lines(campaign, sum(forums.quantities.values()) * forum_booklets(campaign.params),
                             media.quantities))


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
    passes = {s.code: campaign.targets.loudspeaker_passes_per_sangkat for s in campaign.geography.sangkats}
    fixed = fixed_lines(campaign, loudspeaker=any(passes.values()) and bool(campaign.vehicles))
    loudspeaker = _buy_loudspeaker(campaign, passes, sum(b.total_usd for b in fixed))
    forums = _buy_forums(campaign, priorities, loudspeaker.spent)
    banners = _buy_banners(campaign, priorities, forums.spent)
    doors = _buy_door_rounds(campaign, priorities, banners.spent)
    media = _buy_media(campaign, doors.spent)
    steps = (loudspeaker, forums, banners, doors, media)
    leaflets = forums.leaflets + doors.leaflets  # handed over at the forums and at first door contacts
    return Allocation(
        door_rounds_by_village=doors.quantities,
        loudspeaker_passes_by_sangkat=loudspeaker.quantities,
        forums_by_sangkat=forums.quantities,
        banners_by_village=banners.quantities,
        leaflets=leaflets,
        budget_lines=tuple(fixed) + tuple(b for step in steps for b in step.lines)
        + ((line(campaign, "leaflet", leaflets),) if leaflets else ()) + _print_runs(campaign, forums, media),
        strategy="greedy",
        status="FEASIBLE",
        gap=None,
        notes=tuple(n for step in steps for n in step.notes),
        media=media.quantities,
    )


def with_routed_loudspeaker(campaign: Campaign, allocation: Allocation, days: int, km: float) -> Allocation:
    """Replace the estimated tuk-tuk lines by what the routed tours actually cost."""
    lines = [b for b in allocation.budget_lines if b.key not in ("tuktuk_day", "fuel_km")]
    if days:
        lines += [line(campaign, "tuktuk_day", days), line(campaign, "fuel_km", round(km, 1))]
    return replace(allocation, budget_lines=tuple(lines))


def trim_to_budget(campaign: Campaign, allocation: Allocation, priorities: Priorities | None = None) -> Allocation:
    """Drop door-to-door rounds, lowest priority first, until the plan fits the budget.

    Used after routing, when the routed tuk-tuk days cost more than estimated.
    """
    over = allocation.planned_usd - campaign.budget_usd
    if over <= 0:
        return allocation
    cap = outing_capacity(campaign.params)
    team = int(campaign.params["canvass.team_size"])
    rounds = dict(allocation.door_rounds_by_village)
    outings = sum(b.quantity for b in allocation.budget_lines if b.key == "volunteer_outing") / team
    leaflets = allocation.leaflets
    dropped = 0
    for v in sorted(campaign.geography.villages, key=lambda v: _priority(campaign, priorities, v.code)):
        while rounds.get(v.code, 0) > 0 and over > 0:
            need = math.ceil(v.households / cap)
            lf = min(round_leaflets(campaign, v.households, rounds[v.code]), leaflets)
            saved = need * team * campaign.cost("volunteer_outing") + lf * campaign.cost("leaflet")
            rounds[v.code] -= 1
            outings -= need
            leaflets -= lf
            over -= saved
            dropped += 1
        if over <= 0:
            break
    lines = [b for b in allocation.budget_lines if b.key not in ("volunteer_outing", "leaflet")]
    if outings > 0:
        lines.append(line(campaign, "volunteer_outing", outings * team))
    if leaflets > 0:
        lines.append(line(campaign, "leaflet", leaflets))
    notes = allocation.notes + ((f"{dropped} door-to-door round(s) dropped so that the routed loudspeaker days "
                                 f"fit the budget",) if dropped else ())
    return replace(allocation, door_rounds_by_village=rounds, leaflets=leaflets, budget_lines=tuple(lines),
                   notes=notes)
