"""Volunteer capacity: the pair-outings a campaign's volunteers can make, in total and per district.

The allocation must not buy door rounds the roster cannot place, so it counts
capacity by the roster's own rules (:mod:`optimizer.roster`): the volunteers
grouped as the roster groups them (:func:`~optimizer.roster.form_pairs`:
fixed pairs kept, an odd volunteer joining a trio), each group's outings over
the campaign as its calendar allows them
(:func:`~optimizer.roster.capacity_outings`: one outing a day, on workable
dates inside the members' shared availability and their first and last
dates, at most the smallest member's outings per week), each group counted
in the district most of its members live in, as its turf is drawn there
(:func:`~optimizer.roster.turfs.group_district`).

Counting volunteers instead (their outings per week summed, halved) gave the
demo 509 pair-outings against the roster's 456: a trio is one team, not one
and a half; a pair goes out as often as its less available member; and the
allocation bought round visits no pair could make (883 left unscheduled).
"""

from __future__ import annotations

from outreach.model import Campaign


def outing_capacity_by_district(campaign: Campaign) -> dict[str, int]:
    """Pair-outings the roster's groups can make, per district of the campaign.

    Parameters
    ----------
    campaign : Campaign
        Volunteers, geography, roads (for the pairing) and calendar.

    Returns
    -------
    dict of str to int
        Every district of the geography (0 where no group lives).
    """
    from optimizer.roster import capacity_outings, form_pairs
    from optimizer.roster.turfs import group_district

    geo = campaign.geography
    out = {d.code: 0 for d in geo.districts}
    if not campaign.volunteers:
        return out
    for group in form_pairs(campaign.volunteers, geo, campaign.roads):
        d = group_district(group, geo)
        if d in out:
            out[d] += capacity_outings(campaign, group)
    return out


def pair_outings_available(campaign: Campaign) -> int:
    """Pair-outings the roster's groups can make over the campaign (the districts' capacities summed)."""
    return sum(outing_capacity_by_district(campaign).values())
