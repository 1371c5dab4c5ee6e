"""A real district's loudspeaker tours: two passes of every sangkat on distinct days, and true reasons.

Kampot's Chhuk district (0705: 10 communes, 54 villages with 2008 census
points) is cut from the national file the way a user fills a scenario; the
budget covers the passes, so every sangkat must get both, each on its own
day, and anything left out must carry a cause the router can prove.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from optimizer.routing import plan_tours
from tests.benchmarks.test_routing_benchmark import _bench
from tests.conftest import shared_path

DISTRICT = "0705"
CAUSES = {"budget", "vehicle_days", "broadcast_windows", "distance", "shift_length", "unreachable"}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    shared_path("geodata", "villages_national.csv")
    campaign, _ = _bench().district_campaign(tmp_path_factory.mktemp("real"), DISTRICT)
    return campaign, plan_tours(campaign, time_limit_s=2)


def test_every_sangkat_gets_two_passes_on_distinct_days(district):
    campaign, tours = district
    assert campaign.targets.loudspeaker_passes_per_sangkat == 2
    days_of: dict[str, set] = defaultdict(set)
    visits: dict[str, int] = defaultdict(int)
    for vd in tours.days:
        for s in vd.stops:
            if s.village_code:
                sk = campaign.geography.village_by_code[s.village_code].sangkat_code
                days_of[sk].add(vd.date)
                visits[s.village_code] += 1
    passes = tours.passes_by_sangkat(campaign.geography)
    for sk in campaign.geography.sangkats:
        assert passes[sk.code] >= 2, (sk.code, passes[sk.code], tours.dropped)
        assert len(days_of[sk.code]) >= 2, sk.code
    # a village's two passes are on two different days, never twice the same day
    for vd in tours.days:
        codes = [s.village_code for s in vd.stops if s.village_code]
        assert len(codes) == len(set(codes)), vd.date


def test_anything_left_out_names_its_cause(district):
    _, tours = district
    for d in tours.dropped:
        assert d.cause in CAUSES and d.reason, d
