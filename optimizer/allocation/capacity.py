"""Volunteer capacity: the pair-outings a campaign's volunteers can make, in total and per district."""

from __future__ import annotations

from outreach.model import Campaign
from outreach.rules import weeks_lost_share


def pair_outings_available(campaign: Campaign) -> int:
    """Pair-outings the volunteers can make over the campaign, holidays excluded.

    Volunteers go out in pairs, so capacity is half the volunteer-outings
    (rounded down), each volunteer limited by their own outings per week.
    """
    weeks = campaign.calendar.weeks
    volunteer_outings = (sum(v.outings_per_week for v in campaign.volunteers) * weeks
                         * (1 - weeks_lost_share(campaign.calendar)))
    return int(volunteer_outings // campaign.params["canvass.team_size"])


def outing_capacity_by_district(campaign: Campaign) -> dict[str, int]:
    """Pair-outings available per district, from the volunteers' home villages.

    Same rule as :func:`pair_outings_available`, applied to each district's
    volunteers (pairs are formed within a district).
    """
    geo = campaign.geography
    keep = 1 - weeks_lost_share(campaign.calendar)
    team = campaign.params["canvass.team_size"]
    out = {d.code: 0.0 for d in geo.districts}
    for vol in campaign.volunteers:
        v = geo.village_by_code.get(vol.home_village)
        if v is not None and v.district_code in out:
            out[v.district_code] += vol.outings_per_week * campaign.calendar.weeks * keep
    return {d: int(x // team) for d, x in out.items()}
