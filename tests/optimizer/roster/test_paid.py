"""The roster holds no more outings than the allocation's budget pays for (optimizer/roster/paid.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from optimizer.roster import plan_roster
from optimizer.roster.paid import paid_pair_outings, unpaid_note, within_paid
from outreach.model import Allocation, BudgetLine, Outing

DAY = dt.date(2027, 1, 4)


def _outing(pair: str, day: int, slot: str, kind: str, n: int = 10) -> Outing:
    return Outing(pair, DAY + dt.timedelta(days=day), slot, (("01", n),), kind)


def _allocation(volunteer_outings: int | None) -> Allocation:
    lines = () if volunteer_outings is None else (
        BudgetLine("volunteer_outing", "Volunteer per diem and transport", "volunteer-outing", volunteer_outings,
                   5.0, "door_to_door"),)
    return Allocation({}, {}, {}, {}, 0, lines, "scip")


def test_paid_pair_outings_is_the_per_diem_line_over_the_team(demo_campaign):
    team = int(demo_campaign.params["canvass.team_size"])
    assert paid_pair_outings(demo_campaign, _allocation(32 * team)) == 32
    assert paid_pair_outings(demo_campaign, _allocation(None)) is None


def test_the_latest_callbacks_go_first_and_rounds_stay():
    outings = [
        _outing("P01", 0, "morning", "round"),
        _outing("P01", 2, "evening", "callback"),      # level 1 of P01's round
        _outing("P02", 1, "morning", "round"),
        _outing("P01", 5, "morning", "callback"),      # level 2: after its level 1
        _outing("P02", 5, "afternoon", "callback"),    # same day, later slot: the latest
        _outing("P02", 9, "morning", "round"),         # a late round is never taken out
    ]
    kept, dropped = within_paid(outings, paid=4)
    assert [(o.pair_id, o.date.day - DAY.day, o.slot) for o in dropped] == [("P02", 5, "afternoon"),
                                                                            ("P01", 5, "morning")]
    assert kept == (outings[0], outings[1], outings[2], outings[5])
    # nothing to take out: at or below what is paid, or no line to hold the roster to
    assert within_paid(outings, paid=6) == (tuple(outings), ())
    assert within_paid(outings, paid=None) == (tuple(outings), ())
    # more surplus than callbacks: every callback goes, the rounds stay, and the note says what is still over
    kept, dropped = within_paid(outings, paid=1)
    assert [o.kind for o in kept] == ["round"] * 3 and len(dropped) == 3
    note = unpaid_note(dropped, 1, len(outings))
    assert "3 latest callback outings (30 households" in note and "still need 2 more" in note


def test_the_demo_roster_holds_what_the_budget_pays(demo_campaign):
    """On the demo's geography, a round plan with a per diem line a few outings short of what the calendars
    hold: the roster keeps exactly the paid outings, every round among them."""
    rounds = {v.code: 1 for v in demo_campaign.geography.villages[:12]}
    team = int(demo_campaign.params["canvass.team_size"])
    free = plan_roster(demo_campaign, replace(_allocation(None), door_rounds_by_village=rounds), time_limit_s=2.0)
    n_rounds = sum(o.kind == "round" for o in free.outings)
    n_callbacks = len(free.outings) - n_rounds
    assert n_callbacks >= 2  # the calendars have room for callbacks beyond the rounds
    paid = len(free.outings) - 2
    capped = plan_roster(demo_campaign, replace(_allocation(paid * team), door_rounds_by_village=rounds),
                         time_limit_s=2.0)
    assert len(capped.outings) == paid
    assert sum(o.kind == "round" for o in capped.outings) == n_rounds
    assert any(n.startswith(f"The budget pays for {paid} pair-outings") for n in capped.notes)
