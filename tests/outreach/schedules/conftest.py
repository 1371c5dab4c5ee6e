"""What the schedule tests share: the demo cut short, a few villages per district, a roster of two pairs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from optimizer.roster import plan_roster
from outreach.model import Allocation, Campaign, Roster


def cut_weeks(campaign: Campaign, weeks: int) -> Campaign:
    """The campaign cut to its first ``weeks`` weeks (fewer PDF pages)."""
    return replace(campaign, calendar=replace(campaign.calendar, weeks=weeks))


def first_villages(campaign: Campaign, per_district: int) -> Allocation:
    """One door round in the first ``per_district`` villages of each district, nothing else."""
    by_d = defaultdict(list)
    for v in campaign.geography.villages:
        by_d[v.district_code].append(v.code)
    return Allocation({c: 1 for codes in by_d.values() for c in codes[:per_district]}, {}, {}, {}, 0, (), "test")


def two_pairs_of(roster: Roster) -> Roster:
    """The roster cut to its first two pairs with outings."""
    keep = set(sorted({o.pair_id for o in roster.outings})[:2])
    return Roster(tuple(p for p in roster.pairs if p.id in keep),
                  tuple(o for o in roster.outings if o.pair_id in keep), roster.strategy, roster.status)


def two_pair_roster(campaign: Campaign, per_district: int, time_limit_s: float) -> Roster:
    """:func:`two_pairs_of` the roster of :func:`first_villages`."""
    return two_pairs_of(plan_roster(campaign, first_villages(campaign, per_district), time_limit_s=time_limit_s))
