"""The summary's notes say once that the map's sangkat outlines are approximate, and only when they are."""

from __future__ import annotations

from outreach.sangkatcells import APPROXIMATE_NOTE
from scenarios.pipeline import summarise
from tests.maps.test_campaign_map import small_plan  # noqa: F401  (the fixture)
from tests.maps.test_map_options import _without_boundaries


def test_note_on_approximate_outlines_once(demo_campaign, small_plan):  # noqa: F811
    plan, reach = small_plan
    assert APPROXIMATE_NOTE not in summarise(demo_campaign, plan, reach, None, None, ())["notes"]
    notes = summarise(_without_boundaries(demo_campaign), plan, reach, None, None, ("solver note",))["notes"]
    assert notes.count(APPROXIMATE_NOTE) == 1 and "solver note" in notes
