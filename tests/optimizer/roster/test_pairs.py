"""Pairs: fixed pairs kept, an odd count gives a trio, mixed sex and shared availability preferred."""

from __future__ import annotations

from collections import Counter

from optimizer.roster import form_pairs, shared_availability
from outreach.model import Volunteer

ALL = frozenset((d, s) for d in range(7) for s in ("morning", "afternoon", "evening"))


def _vol(vid, sex, home, avail=ALL, **kw) -> Volunteer:
    return Volunteer(vid, f"Vol {vid}", sex, home, avail, **kw)


def test_fixed_pairs_kept_and_odd_count_gives_a_trio(campaign):
    groups = form_pairs(campaign.volunteers, campaign.geography, campaign.roads)
    ids = [tuple(m.id for m in g) for g in groups]
    assert sorted(x for g in ids for x in g) == sorted(v.id for v in campaign.volunteers)  # everyone once
    assert any(set(g) == {"V01", "V06"} for g in ids)
    assert len(campaign.volunteers) % 2 == 1
    assert Counter(len(g) for g in ids)[3] >= 1
    assert all(len(g) in (2, 3) for g in ids)


def test_pairs_prefer_mixed_sex_and_shared_availability(demo_campaign):
    geo = demo_campaign.geography
    home = geo.villages[0].code
    mornings = frozenset((d, "morning") for d in range(7))
    evenings = frozenset((d, "evening") for d in range(7))
    vols = (_vol("A", "F", home, mornings), _vol("B", "F", home, evenings),
            _vol("C", "M", home, mornings), _vol("D", "M", home, evenings), _vol("E", "M", home, evenings))
    groups = form_pairs(vols, geo, demo_campaign.roads)
    ids = sorted(tuple(sorted(m.id for m in g)) for g in groups)
    assert ("A", "C") in ids  # mixed and both free in the mornings
    assert any(set(g) >= {"B", "D"} or set(g) >= {"B", "E"} for g in ids)
    assert sum(len(g) for g in ids) == 5 and len(ids) == 2  # odd one joined as a trio
    for g in groups:
        assert shared_availability(g)


def test_lone_fixed_label_is_ignored(demo_campaign):
    home = demo_campaign.geography.villages[0].code
    vols = (_vol("A", "F", home, fixed_pair="x"), _vol("B", "M", home))
    assert [sorted(m.id for m in g) for g in form_pairs(vols, demo_campaign.geography)] == [["A", "B"]]
