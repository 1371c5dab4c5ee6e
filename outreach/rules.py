"""Rules of the campaign that several planners apply, written once.

The allocation, the roster and the router each need the same answers: how
many doors a pair knocks in one outing, which days a vehicle works, which
dates a volunteer is on the team, how pairs are named. They read them from
here so that the three can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from .model import Calendar, Geography, Volunteer

#: Dates any input may hold: calendars, holidays and solvers are checked over this span, and a date outside it
#: is a typing slip (0001-01-01, 9999-12-20).
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)

#: Weekdays the loudspeaker tuk-tuk works (Monday to Saturday; Sunday is the driver's day off).
LOUDSPEAKER_WEEKDAYS: frozenset[int] = frozenset(range(6))


def outing_capacity(params: Mapping[str, float]) -> int:
    """Households one pair visits in one outing: doors per hour × shift hours (at least 1)."""
    return max(1, int(params["canvass.doors_per_hour_per_pair"] * params["canvass.shift_hours"]))


def weeks_lost_share(calendar: Calendar) -> float:
    """Share of campaign days lost to public holidays and blackout dates."""
    return 1 - len(calendar.working_days()) / max(1, 7 * calendar.weeks)


def on_team(members: Sequence[Volunteer], day: dt.date) -> bool:
    """True when every member has started and not yet left on ``day`` (their first and last dates)."""
    return all((m.first_date is None or day >= m.first_date) and (m.last_date is None or day <= m.last_date)
               for m in members)


def pair_id(index: int) -> str:
    """Printed name of the ``index``-th pair (0-based): P01, P02, …"""
    return f"P{index + 1:02d}"


def pair_ids(n: int) -> list[str]:
    """Names of ``n`` pairs in order."""
    return [pair_id(i) for i in range(n)]


def straight_line_m(geography: Geography, a: str, b: str) -> float:
    """Straight-line metres between two villages' points (projected, UTM 48N)."""
    va, vb = geography.village_by_code[a], geography.village_by_code[b]
    return math.hypot(va.x_m - vb.x_m, va.y_m - vb.y_m)
