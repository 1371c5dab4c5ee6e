"""compare: the difference band on common random numbers, hand-checked, and the whole command on plan folders."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from outreach.model import Band
from outreach.simulate import SimulationOptions, simulate_detailed
from scenarios.compare import band_of, difference_band, independent_band, scenario_names
from tests.outreach.simulate.builders import make_campaign, make_plan, rounds


def test_difference_band_by_hand():
    # Two replications; "other" is "first" plus 5 in every replication: the plans' effect is exactly 5.
    first, other = np.array([0.0, 10.0]), np.array([5.0, 15.0])
    assert difference_band(first, other) == Band(5.0, 5.0, 5.0)
    # Own bands: first 5 (0.5-9.5), other 10 (5.5-14.5) (numpy's linear quantiles of two values).
    assert band_of(first) == Band(5.0, 0.5, 9.5)
    ind = independent_band(first, other)
    half = float(np.hypot(4.5, 4.5))  # 6.364: each side's 4.5 from mean to edge, in quadrature
    assert ind.mean == 5.0
    assert ind.p05 == pytest.approx(5.0 - half) and ind.p95 == pytest.approx(5.0 + half)


def test_difference_is_paired_by_replication():
    # Reversing one side's replications keeps both own bands but breaks the pairing: the CRN band must see it.
    first = np.arange(20.0)
    assert difference_band(first, first + 3.0) == Band(3.0, 3.0, 3.0)
    unpaired = difference_band(first, (first + 3.0)[::-1])
    assert unpaired.p95 - unpaired.p05 > 30


def test_crn_band_narrower_than_independent_on_the_simulator():
    camp = make_campaign(households=(300, 200), params={"awareness.baseline": 0.2}, weeks=4)
    one, two = make_plan(outings=rounds(camp, 1)), make_plan(outings=rounds(camp, 2))
    opts = SimulationOptions(replications=60, seed=11)
    a, b = simulate_detailed(camp, one, opts), simulate_detailed(camp, two, opts)
    for key in ("households_aware", "households_reached", "newly_aware"):
        x, y = a.per_replication[key], b.per_replication[key]
        assert x.shape == (60,)
        crn, ind = difference_band(x, y), independent_band(x, y)
        assert crn.mean == pytest.approx(ind.mean)
        assert crn.p95 - crn.p05 < 0.6 * (ind.p95 - ind.p05), key
    # The per-replication totals are the ones the bands are made of.
    assert a.per_replication["households_aware"].mean() == pytest.approx(a.reach.households_aware.mean)
    assert a.per_replication["women_reached"].mean() == pytest.approx(a.reach.women_reached.mean)
    assert a.newly_aware == band_of(a.per_replication["newly_aware"])


SCENARIO = """
[scenario]
name = "Chbar Mon at US$ {budget}"
districts = ["0502"]
[geography]
villages = "{villages}"
skip_incomplete = true
[calendar]
start = 2027-01-04
weeks = 2
[resources]
volunteer_count = 6
volunteer_women = 3
[budget]
limit_usd = {budget}
"""


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """Two scenarios compared by the command: their plan folders and the comparison folder."""
    from typer.testing import CliRunner

    from outreach.cli import app
    from tests.conftest import shared_path

    villages = shared_path("geodata", "villages_0502.csv")
    root = tmp_path_factory.mktemp("cmp")
    files = []
    for b in (600, 1500):
        f = root / f"b{b}.toml"
        f.write_text(SCENARIO.format(budget=b, villages=villages), encoding="utf-8")
        files.append(str(f))
    out = root / "out"
    res = CliRunner().invoke(app, ["compare", *files, "--out", str(out), "--strategy", "greedy", "--replications",
                                   "20", "--time-limit", "2", "--workers", "1"])
    assert res.exit_code == 0, res.output
    return out


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_compare_scenarios_report(planned):
    html = (planned / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 6
    assert not re.search(r"https?://", html), "the report must not link anything remote"
    for href in re.findall(r'href="([^"]+)"', html):
        assert (planned / href).exists(), href  # links to each scenario's full outputs, relative
    assert (planned / "b600" / "summary.json").is_file() and (planned / "comparison.xlsx").is_file()
    diffs = _rows(planned / "differences.csv")
    aware = next(r for r in diffs if r["figure"].startswith("Households newly aware"))
    assert float(aware["difference from the first"]) > 0  # more money, more households aware
    assert float(aware["p05 (common random numbers)"]) >= float(aware["p05 if independent"])


def test_compare_plan_folder_with_itself_is_exactly_zero(planned, tmp_path):
    from typer.testing import CliRunner

    from outreach.cli import app

    res = CliRunner().invoke(app, ["compare", str(planned / "b1500"), str(planned / "b1500"), "--out",
                                   str(tmp_path / "self"), "--replications", "15", "--workers", "1"])
    assert res.exit_code == 0, res.output
    diffs = _rows(tmp_path / "self" / "differences.csv")
    assert len(diffs) == 7
    for r in diffs:
        assert float(r["difference from the first"]) == 0.0
        assert float(r["p05 (common random numbers)"]) == 0.0 == float(r["p95 (CRN)"])
    html = (tmp_path / "self" / "report.html").read_text(encoding="utf-8")
    assert "b1500-2" in html  # the same folder twice gets two names


@pytest.mark.parametrize(("paths", "names"), [
    (["demo-12000.toml", "demo-8000.toml"], ["demo-12000", "demo-8000"]),
    (["battambang/plan", "battambang-8000/plan"], ["battambang-plan", "battambang-8000-plan"]),
    (["battambang/scenario.toml", "battambang-8000/scenario.toml", "battambang/plan"],
     ["battambang", "battambang-8000", "plan"]),
    (["a/q/plan", "b/q/plan"], ["a-q-plan", "b-q-plan"]),
    (["x/plan", "y/plan", "x/plan"], ["x-plan", "y-plan", "x-plan-2"]),
    (["b1500", "b1500"], ["b1500", "b1500-2"]),
    (["two words/plan"], ["plan"]),
    (["two words/plan", "other/plan"], ["two_words-plan", "other-plan"]),
])
def test_scenario_names_tell_different_paths_apart(tmp_path, paths, names):
    assert scenario_names([tmp_path / p for p in paths]) == names
