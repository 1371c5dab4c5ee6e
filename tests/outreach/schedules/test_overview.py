"""The coordinator's weekly overview: every pair × day of a week on one A4 landscape page."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from outreach.model import Outing, Pair, Roster
from outreach.schedules.common import labels
from outreach.schedules.overview import (
    LINE_HEIGHT,
    MAX_PT,
    MIN_PT,
    PRINT_HEIGHT_MM,
    font_pt,
    overview_pdf_html,
    week_overview,
    write_overviews,
)


@pytest.fixture(scope="module")
def two_weeks(demo_campaign):
    return replace(demo_campaign, calendar=replace(demo_campaign.calendar, weeks=2))


@pytest.fixture(scope="module")
def hand_roster(two_weeks):
    """Two pairs, four outings written by hand: P01 Mon and Wed of week 1 (two villages on Wed), P02 a Mon
    callback in week 1 and a Tue outing in week 2."""
    a, b, c = (v.code for v in two_weeks.geography.villages[:3])
    mon = two_weeks.calendar.start
    outs = (Outing("P01", mon, "morning", ((a, 30),)),
            Outing("P01", mon + dt.timedelta(days=2), "afternoon", ((b, 12), (c, 8))),
            Outing("P02", mon, "evening", ((c, 5),), kind="callback"),
            Outing("P02", mon + dt.timedelta(days=8), "morning", ((a, 20),)))
    return Roster((Pair("P01", ("V01", "V02"), (a, b)), Pair("P02", ("V03", "V04"), (c,))), outs, "hand")


def _by_pair_week(campaign, roster):
    out: dict = {}
    for o in roster.outings:
        out.setdefault((o.pair_id, campaign.calendar.week_of(o.date)), []).append(o)
    return out


def test_week_grid_by_hand(two_weeks, hand_roster):
    wk = week_overview(two_weeks, hand_roster, {}, _by_pair_week(two_weeks, hand_roster), 0, "en")
    a, b, c = (v.code for v in two_weeks.geography.villages[:3])
    p1, p2 = wk["rows"]
    # P01: Monday one village, Tuesday nothing, Wednesday two villages; doors 30 + 12 + 8
    assert [[v["code"] for o in cell for v in o["visits"]] for cell in p1["cells"]] == [[a], [], [b, c], [], [], [],
                                                                                          []]
    assert p1["doors"] == 50 and p1["outings"] == 2 and p1["villages"] == 3
    assert p1["cells"][0][0]["slot"] == "morning 07:30" and p1["cells"][2][0]["slot"] == "afternoon 14:00"
    # P02: only its Monday callback falls in week 1
    assert p2["doors"] == 5 and p2["cells"][0][0]["callback"] and p2["outings"] == 1
    # columns add the pairs up day by day: Monday 30 + 5, Wednesday 20
    assert [col["doors"] for col in wk["columns"]] == [35, 0, 20, 0, 0, 0, 0]
    assert [col["outings"] for col in wk["columns"]] == [2, 0, 1, 0, 0, 0, 0]
    assert wk["doors"] == 55 and wk["callbacks"] == 1 and wk["villages"] == 3
    # the cell lines: P01's Wednesday needs a slot line and two village lines (two each in both languages)
    assert p1["lines"] == 3
    both = week_overview(two_weeks, hand_roster, {}, _by_pair_week(two_weeks, hand_roster), 0, "both")
    assert both["rows"][0]["lines"] == 5
    week2 = week_overview(two_weeks, hand_roster, {}, _by_pair_week(two_weeks, hand_roster), 1, "en")
    assert [r["doors"] for r in week2["rows"]] == [0, 20] and week2["columns"][1]["doors"] == 20


def test_font_size_fits_the_busiest_week_by_hand():
    # 48 lines of rows + 12 of title and frame: 190 mm / (60 × 1.3 × 25.4/72 mm) = 6.905 pt, rounded down
    weeks = [{"rows": [{"lines": 3}] * 16}, {"rows": [{"lines": 2}] * 16}]
    assert (PRINT_HEIGHT_MM, LINE_HEIGHT) == (190.0, 1.3)
    assert font_pt(weeks) == 6.9
    assert font_pt([{"rows": [{"lines": 2}]}]) == MAX_PT
    assert font_pt([{"rows": [{"lines": 10}] * 40}]) == MIN_PT


def test_one_page_per_week_with_every_pair(two_weeks, hand_roster, tmp_path):
    L = labels("km")
    bpw = _by_pair_week(two_weeks, hand_roster)
    files = write_overviews(two_weeks, hand_roster, {}, bpw, tmp_path, L=L, lang="km", coordinator="Sok Dara")
    html_all = overview_pdf_html(two_weeks, hand_roster, {}, bpw, L=L, lang="km", coordinator="Sok Dara")
    assert [f.name for f in files] == ["overview-week-01.html", "overview-week-02.html"]
    page = files[0].read_text(encoding="utf-8")
    v = two_weeks.geography.villages[0]
    assert "size: A4 landscape" in page and L["week_overview"] in page and "Sok Dara" in page
    assert v.name_kh in page and v.name_en not in page  # --lang km: Khmer names only
    assert "@font-face" in page and "http" not in page.split("</style>")[1]
    assert html_all.count('<section class="sheet">') == 2
    # the PDF's html leaves the base stylesheet (and its embedded font) to the renderer, which adds it once
    assert "@font-face" not in html_all and "size: A4 landscape" in html_all
