"""Budget lines and the money arithmetic every allocation shares.

Costs are compared in US cents, rounded up (:func:`cents`), so that the
budget lines written from a plan never exceed what the allocation model
charged. The loudspeaker's vehicle-days and km are estimated here before any
routing, the same way for the greedy baseline, the exact model and its lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from outreach.broadcast import campaign_broadcasts
from outreach.model import BudgetLine, Campaign

#: Km a tuk-tuk drives between villages per sangkat pass, on top of the villages' roads [A].
TRANSIT_KM_PER_PASS = 10.0
#: Hours of transit inside a sangkat per pass, on top of broadcasting along its roads.
TRANSIT_HOURS_PER_PASS = 0.5


def cents(usd: float) -> int:
    """US cents of ``usd``, rounded up (after dropping float noise below a millionth of a cent)."""
    return int(math.ceil(round(usd * 100, 6)))


def leaflets_to_print(handovers: float | np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """Leaflets to print for an expected number of hand-overs: ``ceil(handovers (1 + leaflet.spare_share))``.

    A leaflet reaches a household at a contact (its first door contact, a forum attended) or is left at its
    door where nobody answered (:mod:`outreach.response`), so the quantity follows from those visits, per
    village and per forum.
    """
    need = np.asarray(handovers, float) * (1.0 + params["leaflet.spare_share"])
    return np.ceil(np.round(need, 6)).astype(np.int64)


def forum_booklets(params: Mapping[str, float]) -> int:
    """Booklets for one forum: ``booklet.per_attendee`` per participating household, rounded up."""
    return int(math.ceil(round(params["forum.participants"] * params["booklet.per_attendee"], 6)))


#: Materials one level of an independent channel takes along, per unit of the level: (cost key, parameter key).
#: A group event hands a booklet to everyone met and puts up posters; a sangkat whose chiefs are briefed gets
#: posters for its office and notice boards.
LEVEL_MATERIALS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "group_event": (("booklet", "event.people_met"), ("poster", "poster.per_event")),
    "village_chief": (("poster", "poster.per_sangkat_office"),),
}


def level_materials(params: Mapping[str, float], channel: str, level: int) -> dict[str, int]:
    """Booklets and posters that ``level`` units of an independent channel need (rounded up)."""
    out: dict[str, int] = {}
    for key, per in LEVEL_MATERIALS.get(channel, ()):
        n = params[per] * (params["booklet.per_attendee"] if key == "booklet" else 1.0) * level
        out[key] = out.get(key, 0) + int(math.ceil(round(n, 6)))
    return out


def level_cents(campaign: Campaign, channel: str, unit_key: str) -> int:
    """Cents of one unit of an independent channel: its own cost and the materials it takes along."""
    return cents(campaign.cost(unit_key)) + sum(n * cents(campaign.cost(k)) for k, n in
                                                level_materials(campaign.params, channel, 1).items())


def print_lines(campaign: Campaign, forum_booklets: int, media: Mapping[str, int]) -> list[BudgetLine]:
    """Booklets (``forum_booklets`` at the forums, and those of the independent channels' levels) and posters
    of the channels' levels, as budget lines (the OWSO counters' posters are a fixed line)."""
    qty = {"booklet": forum_booklets, "poster": 0}
    for c, n in media.items():
        for key, k in level_materials(campaign.params, c, n).items():
            qty[key] += k
    return [line(campaign, key, n) for key, n in qty.items() if n]


def forum_leaflets(params: Mapping[str, float]) -> int:
    """Leaflets to print for one forum: one per participating household (``forum.participants``), plus spares."""
    return int(leaflets_to_print(params["forum.participants"], params))


def fmt_usd(amount_cents: int) -> str:
    """``US$ 1,234``: whole dollars of an amount in cents, for notes."""
    return f"US$ {amount_cents / 100:,.0f}"


def line(campaign: Campaign, key: str, quantity: float) -> BudgetLine:
    """A budget line for ``quantity`` units of cost item ``key``."""
    c = campaign.costs[key]
    return BudgetLine(key, c.label, c.unit, quantity, c.usd, c.channel)


def fixed_lines(campaign: Campaign, *, loudspeaker: bool) -> list[BudgetLine]:
    """Lines every plan pays: training and kit for each volunteer, the coordinator, the OWSO counters' posters,
    the recording."""
    n = len(campaign.volunteers)
    lines = [line(campaign, "volunteer_training", n), line(campaign, "volunteer_kit", n),
             line(campaign, "coordinator_week", campaign.calendar.weeks),
             line(campaign, "poster", int(campaign.params["poster.per_owso"]) * len(campaign.geography.districts))]
    if loudspeaker:
        lines.append(line(campaign, "recording", 1))
    return [b for b in lines if b.quantity > 0]


def sangkat_road_m(campaign: Campaign, sangkat_code: str) -> float:
    """Metres one loudspeaker pass drives inside a sangkat's villages: their broadcast paths' lengths."""
    plans = campaign_broadcasts(campaign)
    return sum(plans[v.code].length_m for v in campaign.geography.villages_in(sangkat_code))


def sangkat_broadcast_hours(campaign: Campaign, sangkat_code: str) -> float:
    """Hours one pass broadcasts in a sangkat: its villages' broadcast paths at their settings."""
    plans = campaign_broadcasts(campaign)
    return sum(plans[v.code].duration_s for v in campaign.geography.villages_in(sangkat_code)) / 3600.0


def pass_hours(campaign: Campaign, sangkat_code: str) -> float:
    """On-road hours of one pass: the sangkat's broadcasts plus transit between its villages."""
    return sangkat_broadcast_hours(campaign, sangkat_code) + TRANSIT_HOURS_PER_PASS


def pass_km(road_m: float) -> float:
    """Km of one pass over ``road_m`` metres of village roads, transit included."""
    return road_m / 1000 + TRANSIT_KM_PER_PASS


def loudspeaker_days_estimate(campaign: Campaign, passes_by_sangkat: Mapping[str, int]) -> tuple[int, float]:
    """Vehicle-days and km a routing of the required passes needs, estimated before routing.

    A sangkat pass follows its villages' broadcast paths (:func:`pass_hours`,
    :func:`sangkat_road_m`) plus transit; a day holds as many sangkat passes
    as its shift allows, but the same sangkat never twice on one day.
    """
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
            hours += [pass_hours(campaign, s.code)] * n
            km += n * pass_km(sangkat_road_m(campaign, s.code))
        need = math.ceil(sum(hours) / campaign.params["loudspeaker.shift_hours"]) if hours else 0
        max_passes = max((passes_by_sangkat.get(s.code, 0) for s in geo.sangkats if s.district_code == veh_district),
                         default=0)
        days += max(need, max_passes)
    return days, km
