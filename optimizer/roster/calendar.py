"""When a pair can go out: its sessions, its weekly limit and its capacity in outings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from outreach.model import SLOTS, Campaign, Slot, Volunteer
from outreach.rules import on_team

from .pairs import shared_availability


@dataclass(frozen=True)
class Session:
    """A possible outing: a date and a slot the pair can work."""

    day: int  # days after the campaign start
    date: dt.date
    slot: Slot
    week: int


def pair_sessions(campaign: Campaign, members: Sequence[Volunteer], *,
                  from_date: dt.date | None = None, busy: Iterable[dt.date] = ()) -> list[Session]:
    """Every (date, slot) the pair may work: workable, shared availability, member dates.

    Parameters
    ----------
    campaign : Campaign
        For the calendar (holidays and blackout dates are skipped).
    members : sequence of Volunteer
        The pair or trio.
    from_date : date, optional
        First date to consider (re-planning).
    busy : iterable of date
        Dates already taken by a kept outing (one outing a day).

    Returns
    -------
    list of Session
        In date order, then slot order.
    """
    cal = campaign.calendar
    avail = shared_availability(tuple(members))
    busy = set(busy)
    out = []
    for i, day in enumerate(cal.days()):
        if (from_date and day < from_date) or day in busy or not cal.is_workable(day):
            continue
        if not on_team(members, day):
            continue
        for slot in SLOTS:
            if (day.weekday(), slot) in avail:
                out.append(Session(i, day, slot, i // 7))
    return out


def week_limit(members: Sequence[Volunteer]) -> int:
    """Outings a week the group can make: the smallest ``outings_per_week`` of its members."""
    return min(m.outings_per_week for m in members)


def capacity_outings(campaign: Campaign, members: Sequence[Volunteer]) -> int:
    """Outings the group can make over the whole campaign (one a day, within its weekly limit).

    Parameters
    ----------
    campaign : Campaign
        Calendar and dates.
    members : sequence of Volunteer
        The pair or trio.
    """
    per_week: dict[int, set[int]] = defaultdict(set)
    for s in pair_sessions(campaign, members):
        per_week[s.week].add(s.day)
    lim = week_limit(members)
    return sum(min(lim, len(days)) for days in per_week.values())
