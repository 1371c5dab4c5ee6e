"""sweep: ranges, the knee rule on hand-built curves, marginal values from per-replication differences, the report."""

from __future__ import annotations

import re

import numpy as np
import pytest

from outreach.errors import InputError
from outreach.model import Band
from scenarios.sweep import AXES, Sweep, SweepPoint, knee, parse_range, segments, vary
from scenarios.sweep_report import points_table, sweep_html, sweep_knee
from tests.outreach.simulate.builders import make_campaign


def test_parse_range():
    assert parse_range("3000:6000:1000", "--budget") == (3000.0, 4000.0, 5000.0, 6000.0)
    assert parse_range("4:4:1", "--weeks", integer=True) == (4.0,)
    assert parse_range("1:2:0.5", "--budget") == (1.0, 1.5, 2.0)


@pytest.mark.parametrize("text, words", [("5:1:1", "above its stop"), ("1:5:0", "more than 0"),
                                         ("1:5", "START:STOP:STEP"), ("a:b:c", "START:STOP:STEP"),
                                         ("1:1000:1", "at most"), ("1.5:3:1", "whole numbers"),
                                         ("0:3:1", "at least 1")])
def test_parse_range_refuses(text, words):
    with pytest.raises(InputError, match=words):
        parse_range(text, "--weeks", integer=True, low=1.0)


def test_knee_by_hand():
    # Slopes 1, 0.8, 0.2, 0.05: the first below a quarter of the first slope (0.25) starts at 200.
    xs, ys = [0, 100, 200, 300, 400], [0, 100, 180, 200, 205]
    assert knee(xs, ys) == 200
    # Slope 0.25 exactly is not "less than a quarter": the knee moves on to 300.
    assert knee(xs, [0, 100, 180, 205, 206]) == 300
    assert knee(xs, [0, 100, 200, 300, 400]) is None  # a straight line has no knee
    assert knee(xs, [0, 0, 10, 20, 30]) is None  # the first step buys nothing: no reference
    assert knee([0, 100], [0, 10]) is None
    # Uneven steps: slopes are per unit of x, not per step (10/100 = 0.1, then 9/400 = 0.0225 < 0.25 x 0.1);
    # per step, 9 would not be below a quarter of 10.
    assert knee([0, 100, 500], [0, 10, 19]) == 100


def _point(value, newly):
    newly = np.asarray(newly, dtype=float)
    b = Band(float(newly.mean()), float(newly.min()), float(newly.max()))
    return SweepPoint(value, value, b, b, b, newly)


def _sweep():
    pts = (_point(1000, [100, 110]), _point(1500, [150, 170]), _point(2000, [155, 171]), _point(2500, [156, 171]))
    return Sweep("hand", AXES["budget"], pts, 7, 2, "greedy")


def test_segments_per_unit_from_paired_differences():
    s = segments(_sweep())
    # 1000 -> 1500: differences 50 and 60 over US$ 500, i.e. 10 and 12 per US$ 100.
    assert (s[0].start, s[0].stop) == (1000, 1500)
    assert s[0].per_unit.mean == pytest.approx(11.0)
    assert s[0].per_unit.p05 == pytest.approx(10.1) and s[0].per_unit.p95 == pytest.approx(11.9)
    assert s[1].per_unit.mean == pytest.approx((5 + 1) / 2 / 5)
    # Knee: first slope 55/500 = 0.11 per dollar; 1500 -> 2000 buys 3/500: below a quarter.
    assert sweep_knee(_sweep()) == 1500


def test_sweep_report_has_its_charts_and_no_remote_link():
    html = sweep_html(_sweep())
    assert html.count("<svg") == 2 and 'class="knee"' in html
    assert "less than a quarter" in html and "Knee: 1,500" in html
    assert not re.search(r"https?://", html)
    head, rows = points_table(_sweep())
    assert [r[-1] for r in rows] == ["", "knee", "", ""]


def test_vary():
    camp = make_campaign(households=(400, 300), weeks=4)
    assert vary(camp, "budget", 2500).budget_usd == 2500
    w = vary(camp, "weeks", 6).calendar
    assert w.weeks == 6 and w.start == camp.calendar.start
    v = vary(camp, "volunteers", 10).volunteers
    assert len(v) == 10
