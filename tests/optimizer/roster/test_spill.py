"""The hand-over: idle outings take the round visits another pair's calendar cannot hold, and notes say why."""

from __future__ import annotations

from collections import Counter

import pytest

from optimizer.roster import plan_roster
from tests.optimizer.roster.gap import BIG, PER_WEEK, WEEKS, gap_allocation, gap_campaign


@pytest.fixture(scope="module")
def gap_roster(demo_campaign):
    return plan_roster(gap_campaign(demo_campaign), gap_allocation(demo_campaign), time_limit_s=2.0)


def test_every_round_visit_is_placed_when_the_district_has_room(demo_campaign, gap_roster):
    geo = demo_campaign.geography
    want = {c: geo.village_by_code[c].households for c in gap_allocation(demo_campaign).door_rounds_by_village}
    got: Counter[str] = Counter()
    for o in gap_roster.outings:
        if o.kind == "round":
            for c, n in o.visits:
                got[c] += n
    # 2,731 round visits against 4 x 840: all fit (before the fix 419 were left and one pair idled)
    assert gap_roster.unmet_households == 0 and gap_roster.status in ("OPTIMAL", "FEASIBLE")
    assert dict(got) == want
    per_pair = Counter(o.pair_id for o in gap_roster.outings)
    assert sorted(per_pair) == [p.id for p in gap_roster.pairs]  # no pair without outings
    assert max(per_pair.values()) <= WEEKS * PER_WEEK


def test_helpers_walk_only_the_overflowing_village_and_are_named(demo_campaign, gap_roster):
    owner = {c: p.id for p in gap_roster.pairs for c in p.villages}
    foreign = Counter()
    for o in gap_roster.outings:
        for c, n in o.visits:
            if owner[c] != o.pair_id:
                foreign[o.pair_id, c, o.kind] += n
    assert foreign and {c for _, c, _ in foreign} == {BIG}
    helped = sum(n for (_, _, kind), n in foreign.items() if kind == "round")
    # the owner walks 24 outings x 35 = 840 of Chong Kaoh's 1,155: helpers walk the other 315
    assert helped == demo_campaign.geography.village_by_code[BIG].households - WEEKS * PER_WEEK * 35 == 315
    for pid, _, kind in foreign:
        if kind == "round":
            assert any(n.startswith(f"{pid} also walks") and BIG in n for n in gap_roster.notes)


def test_a_pair_that_cannot_work_is_told_why(demo_campaign):
    # the far pair's members are never free at the same time
    apart = (frozenset({(0, "morning"), (1, "morning")}), frozenset({(0, "evening"), (1, "evening")}))
    r = plan_roster(gap_campaign(demo_campaign, apart), gap_allocation(demo_campaign), time_limit_s=1.0)
    far = next(p for p in r.pairs if "V7" in p.members)
    assert not [o for o in r.outings if o.pair_id == far.id]
    assert f"{far.id} has no outing: its members share no free slot on a workable date" in " ".join(r.notes)
    # three pairs of 840 cannot walk 2,731 visits: the unscheduled ones are counted and explained
    assert r.unmet_households > 0
    assert any(n.startswith("District 0403:") and f"{r.unmet_households:,} round household visits" in n
               for n in r.notes)
