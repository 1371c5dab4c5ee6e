"""Many districts: selection with the share located, the hull, and Dask giving the serial run's results."""

from __future__ import annotations

import csv
import dataclasses
import re

import numpy as np
import pytest

from outreach.errors import InputError
from scenarios.districts import (
    DistrictJob,
    Rule,
    _first_of_each_code,
    convex_hull,
    load_rules,
    run_districts,
    select_districts,
)
from scenarios.districts_report import write_districts
from scenarios.pipeline import PlanOptions
from tests.conftest import shared_path

RULE = Rule(weeks=2, budget_min_usd=500, min_villages=10, min_located_share=0.5)


def test_convex_hull():
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.5), (0.5, 0.0)]
    assert convex_hull(square) == ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    assert convex_hull([(2.0, 1.0), (2.0, 1.0)]) == ((2.0, 1.0),)
    assert convex_hull([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]) == ((0.0, 0.0), (2.0, 2.0))


def test_convex_hull_against_brute_force():
    """Hull vertices are exactly the points no triangle of the others contains, in counter-clockwise order."""
    rng = np.random.default_rng(3)
    pts = [tuple(map(float, p)) for p in rng.integers(0, 50, (40, 2))]
    hull = convex_hull(pts)

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    n = len(hull)
    # counter-clockwise and convex: every turn is to the left, and every point is on the left of every edge
    assert all(cross(hull[i], hull[(i + 1) % n], hull[(i + 2) % n]) > 0 for i in range(n))
    assert all(cross(hull[i], hull[(i + 1) % n], p) >= 0 for i in range(n) for p in pts)
    # extreme points by brute force: a point is a vertex if some direction makes it the unique maximum
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    arr = np.array(sorted(set(pts)))
    extreme = {tuple(arr[int(np.argmax(arr @ (np.cos(a), np.sin(a))))]) for a in angles}
    assert set(hull) == extreme
    assert hull[0] == min(hull)


def test_repeated_village_codes_keep_the_first_and_say_so():
    rows = [{"village_code": "01", "lat": "1"}, {"village_code": "02", "lat": "2"},
            {"village_code": "01", "lat": "3"}]
    assert [r["lat"] for r in _first_of_each_code(rows)] == ["1", "2"]
    job = DistrictJob("0214", "Somewhere", "s.toml", "", "", 3, 2, 10, 2, 500, repeated=1)
    assert "1 located village row(s) left out" in job.note and job.note.startswith("0214 Somewhere")
    assert dataclasses.replace(job, repeated=0).note is None


def _village_file(tmp_path, keep: dict[str, int]):
    """The national file's rows for some districts; in each, only the first ``keep[code]`` keep their position."""
    src = shared_path("geodata", "villages_national.csv")
    with open(src, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["village_code"][:4] in keep]
    seen: dict[str, int] = {}
    for r in rows:
        d = r["village_code"][:4]
        seen[d] = seen.get(d, 0) + 1
        if seen[d] > keep[d]:
            r["lat"] = r["lon"] = ""
    out = tmp_path / "villages.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def test_select_skips_with_share_located(tmp_path):
    f = _village_file(tmp_path, {"0903": 11, "1307": 12, "0502": 20})
    jobs, skipped = select_districts(f, "0903,1307,0502", RULE, tmp_path / "out")
    assert [j.code for j in jobs] == ["0903", "1307"]
    assert skipped == ["0502 Chbar Mon: 20 of 56 villages located (36%); skipped (below the 50% required)"]
    j = jobs[0]
    assert j.located == 11 and j.households == 1597
    # The rule: 2 volunteers per 1,000 households (3.2 -> 3), US$ 0.3 per household but at least US$ 500.
    assert j.volunteers == 3 and j.budget_usd == 500
    assert (tmp_path / "out" / "districts" / "0903" / "villages.csv").is_file()
    jobs, _ = select_districts(f, "13", RULE, tmp_path / "out2")
    assert [j.code for j in jobs] == ["1307"]
    with pytest.raises(InputError, match="2-digit province"):
        select_districts(f, "5", RULE, tmp_path / "out3")


def test_rules_file(tmp_path):
    p = tmp_path / "sweep.toml"
    p.write_text("[rule]\nvolunteers_per_1000_households = 3\nweeks = 6\nstart = 2027-02-01\n", encoding="utf-8")
    r = load_rules(p)
    assert r.volunteers_per_1000_households == 3 and r.weeks == 6 and str(r.start) == "2027-02-01"
    p.write_text("[rule]\nweeks = 0\n", encoding="utf-8")
    with pytest.raises(InputError, match="rule.weeks"):
        load_rules(p)


def test_dask_local_cluster_gives_the_serial_results(tmp_path):
    pytest.importorskip("distributed")
    f = _village_file(tmp_path, {"0903": 11, "1307": 12})
    jobs, _ = select_districts(f, "all", RULE, tmp_path / "out")
    options = PlanOptions(replications=10, time_limit_s=2, strategy="greedy", workers=1, margins=False)
    serial = run_districts(jobs, options)
    on_dask = run_districts(jobs, options, workers=2)
    assert all(r.error is None and r.newly_aware.mean > 0 for r in serial)
    assert [dataclasses.replace(r, seconds=0.0) for r in on_dask] == [dataclasses.replace(r, seconds=0.0)
                                                                      for r in serial]
    files = write_districts(serial, ["0502 Chbar Mon: skipped"], RULE, tmp_path / "report")
    html = files[0].read_text(encoding="utf-8")
    assert "<svg" in html and "convex hull" in html and not re.search(r"https?://", html)
    assert "Cost per aware household" in (tmp_path / "report" / "map.html").read_text(encoding="utf-8")


def test_located_needs_an_official_code_a_position_and_households():
    from scenarios.districts import _located

    ok = {"village_code": "05020101", "lat": "12.27", "lon": "104.67", "households": "120"}
    assert _located(ok)
    assert not _located({**ok, "village_code": "0502010-"})  # as some rows of the national file have
    assert not _located({**ok, "village_code": "05029999"})  # not in the official lists
    assert not _located({**ok, "lat": ""})
    assert not _located({**ok, "households": "0"})
