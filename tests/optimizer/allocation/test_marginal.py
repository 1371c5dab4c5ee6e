"""The margins' re-solves, started ahead on their own processes, give what they give in place; cancelling works."""

from __future__ import annotations

from optimizer.allocation import small_campaign
from optimizer.allocation.marginal import marginal_value, margins_ahead


def test_margins_started_ahead_equal_the_margins_in_place(demo_campaign):
    c = small_campaign(demo_campaign, 5, n_villages=6)
    in_place = margins_ahead(c, None, workers=1)
    assert in_place.jobs is None
    ahead = margins_ahead(c, None, base=in_place.shared.base, workers=2)
    assert ahead.jobs is not None and len(ahead.jobs) == 2
    got = ahead.result()
    assert got == in_place.result() == marginal_value(c, None, base=in_place.shared.base, workers=2)
    assert got["marginal_reach_per_100_usd"] >= 0
    assert got["best_district_for_volunteer"] == c.geography.districts[0].code
    dropped = margins_ahead(c, None, base=in_place.shared.base, workers=2)
    procs = [j._proc for j in dropped.jobs or []]
    dropped.cancel()
    assert procs and not any(p.is_alive() for p in procs)
