"""A small instance of the API 2012 roster gap: one village bigger than a pair can walk, one pair living far off.

District 0403 of the demo, 8 weeks, eight volunteers going out three times a
week: four pairs of 24 outings × 35 households = 840 round visits each. Work:
one round in Chong Kaoh (04030103, 1,155 households: more than any pair can
walk) and in its three nearest villages (672 + 632 + 272), 2,731 visits in
all against 3,360 the pairs can make. Three pairs live in Chong Kaoh, one in
the village farthest from it. Before the fix the turf model, whose largest
relative load was fixed by Chong Kaoh, gave the far pair nothing (distance
decided) and left 419 round visits unscheduled.
"""

from __future__ import annotations

from dataclasses import replace

from outreach.model import Allocation, Campaign, Village, Volunteer

BIG = "04030103"
WEEKS = 8
PER_WEEK = 3
CAP = 35  # households per outing (canvass default)


def gap_villages(demo: Campaign) -> tuple[Village, list[Village], Village]:
    """Chong Kaoh, its three nearest villages and the district's farthest village from it."""
    vs = [v for v in demo.geography.villages if v.district_code == "0403"]
    big = demo.geography.village_by_code[BIG]

    def d2(v: Village) -> float:
        return (v.lat - big.lat) ** 2 + (v.lon - big.lon) ** 2

    near = sorted((v for v in vs if v.code != BIG), key=d2)[:3]
    return big, near, max(vs, key=d2)


def gap_campaign(demo: Campaign, far_availability: tuple[frozenset, frozenset] | None = None) -> Campaign:
    """The instance; ``far_availability`` gives the far pair's two members their own free slots."""
    big, _, far = gap_villages(demo)
    avail = demo.volunteers[0].availability
    vols = []
    for i in range(8):
        home = big.code if i < 6 else far.code
        a = far_availability[i - 6] if far_availability and i >= 6 else avail
        vols.append(Volunteer(f"V{i + 1}", f"V{i + 1}", "F" if i % 2 else "M", home, a, PER_WEEK,
                              fixed_pair="far" if i >= 6 else ""))
    return replace(demo, volunteers=tuple(vols), calendar=replace(demo.calendar, weeks=WEEKS))


def gap_allocation(demo: Campaign) -> Allocation:
    """One round in Chong Kaoh and its three nearest villages."""
    big, near, _ = gap_villages(demo)
    return Allocation({big.code: 1, **{v.code: 1 for v in near}}, {}, {}, {}, 0, (), "test")
