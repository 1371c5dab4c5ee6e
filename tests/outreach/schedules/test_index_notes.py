"""The schedules' overview says why a pair has no outing and lists the roster's notes; plan.json keeps them."""

from __future__ import annotations

import datetime as dt
import html
import re

from outreach.model import Allocation, Outing, Pair, Plan, Roster, Tours
from outreach.planfile import plan_from_dict, plan_to_dict

WHY = "P02 has no outing: its members share no free slot on a workable date between their first and last dates."
HELP = "P01 also walks 70 round visits in Chong Kaoh (04030103), P03's turf: more than P03's calendar holds."


def _roster(demo):
    v = demo.geography.villages[0].code
    vols = [x.id for x in demo.volunteers]
    day = demo.calendar.start + dt.timedelta(days=1)
    return Roster((Pair("P01", tuple(vols[:2]), (v,)), Pair("P02", tuple(vols[2:4]), ())),
                  (Outing("P01", day, "evening", ((v, 20),), "round"),), "cp-sat", "PARTIAL", 70, (WHY, HELP))


def test_overview_names_the_reason_and_the_notes(demo_campaign, tmp_path):
    from outreach.schedules import write_schedules

    write_schedules(demo_campaign, _roster(demo_campaign), tmp_path, lang="en", pdf=False)
    page = html.unescape((tmp_path / "index.html").read_text(encoding="utf-8"))
    rows = re.findall(r"<tr><td>(P\d\d)</td>(.*?)</tr>", page, flags=re.S)
    by_pair = dict(rows)
    assert WHY in by_pair["P02"] and WHY not in by_pair["P01"]  # the reason sits on the idle pair's row
    notes = page.split("<h2>Roster notes</h2>")[1]
    assert WHY in notes and HELP in notes


def test_plan_file_keeps_the_notes(demo_campaign):
    r = _roster(demo_campaign)
    plan = Plan("t", Allocation({}, {}, {}, {}, 0, (), "test"), Tours((), (), "none"), r)
    data = plan_to_dict(plan, scenario_file="x.toml", seed=1)
    assert data["roster"]["notes"] == [WHY, HELP]
    assert plan_from_dict(data).roster.notes == (WHY, HELP)
    del data["roster"]["notes"]  # plans written before the notes existed still load
    assert plan_from_dict(data).roster.notes == ()
