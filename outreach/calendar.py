"""Campaign calendar with Cambodian public holidays (``holidays`` package, country KH)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays as _holidays

from .model import Calendar


def cambodian_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Public holidays of Cambodia between two dates (inclusive), date → name."""
    years = range(start.year, end.year + 1)
    kh = _holidays.country_holidays("KH", years=years)
    return {d: name for d, name in sorted(kh.items()) if start <= d <= end}


def make_calendar(start: dt.date, weeks: int, blackout: Iterable[dt.date] = ()) -> Calendar:
    """Build the campaign calendar with holidays filled in.

    Parameters
    ----------
    start : date
        First day of the campaign (any weekday).
    weeks : int
        Number of campaign weeks (1–52).
    blackout : iterable of date
        Extra days without outreach (council meetings, elections, ...).
    """
    end = start + dt.timedelta(days=7 * weeks - 1)
    return Calendar(start=start, weeks=weeks, holidays=cambodian_holidays(start, end), blackout=frozenset(blackout))
