"""The routing benchmark's district-days family on one small real district (Pursat, 1505: 66 villages;
at the tiny iteration count some villages overflow their day, so repair days are exercised).

Tiny iteration counts keep it short; what is checked is the document's
structure and bookkeeping, not which setting wins (the search is heuristic,
so the 10x reference may end worse than the product setting).
"""

from __future__ import annotations

import json
from types import ModuleType

import pytest

from tests.benchmarks import load_benchmark
from tests.conftest import shared_path

DISTRICT = "1505"
ITERATIONS = 20


def _bench() -> ModuleType:
    return load_benchmark("routing")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    shared_path("geodata", f"villages_{DISTRICT}.csv")
    bench = _bench()
    return bench, bench.build_districts([DISTRICT], tmp_path_factory.mktemp("bench"))


@pytest.fixture(scope="module")
def doc(built):
    bench, districts = built
    out = bench.compare_districts(districts, ITERATIONS, jobs=1)
    json.dumps(out)  # one JSON document: everything in it serialises
    return out


def test_day_problems_are_the_products(built):
    bench, (dd,) = built
    assert dd.district == DISTRICT
    assert dd.info["assigned_days"] == len(dd.cases) > 0
    assert dd.info["villages"] == len(dd.campaign.geography.villages) > 0
    for case in dd.cases:
        assert case.seed == dd.campaign.seed
        assert not case.repair
        assert case.day.problem.n == len(case.day.copy_code) > 1


def test_product_rule_matches_solve_day(built):
    """The benchmark's spelt-out product rule keeps exactly what ``tours._solve_day`` keeps."""
    from optimizer.routing.tours import _DaySettings, _solve_day

    bench, (dd,) = built
    settings = _DaySettings("pyvrp", 0.2, ITERATIONS, dd.campaign.seed, dd.inputs, None)
    for case in dd.cases[:3]:
        ours = bench.solve_like_product(case.day.problem, ITERATIONS, case.seed).kept
        theirs = _solve_day(dd.campaign, case.job, settings).result
        assert ours.routes == theirs.routes
        assert ours.objective == pytest.approx(theirs.objective)
        assert ours.feasible == theirs.feasible


def test_product_pass_is_plan_tours(built):
    """Solved in the product's order with its repair rule, the days are those ``plan_tours`` routes."""
    from optimizer.routing import plan_tours

    bench, (dd,) = built
    tours = plan_tours(dd.campaign, iterations=ITERATIONS, broadcasts=dd.inputs.broadcasts)
    solved = bench.product_days(dd, ITERATIONS)
    assert tours.objective == round(sum(s.kept.objective for _, s in solved), 1)
    ours = {(c.job.date, c.job.vehicle.id): tuple(c.day.copy_code[i] for r in s.kept.routes for i in r)
            for c, s in solved if s.kept.routes}
    assert ours == {(d.date, d.vehicle_id): tuple(stop.village_code for stop in d.stops) for d in tours.days}


def test_document_structure(doc):
    for key in ("objective_definition", "gap_definition", "setting_definition", "scope", "districts", "results",
                "summary", "summary_by_district"):
        assert key in doc
    assert doc["product_iterations"] == ITERATIONS
    assert doc["reference_iterations"] == 10 * ITERATIONS
    assert set(doc["districts"]) == set(doc["summary_by_district"]) == {DISTRICT}
    repair = [r for r in doc["results"] if r["repair_day"]]
    assert len(doc["results"]) == doc["districts"][DISTRICT]["assigned_days"] + len(repair)
    assert len({r["problem"] for r in doc["results"]}) == len(doc["results"])  # one vehicle-day each


def test_every_record_has_feasibility_flags(doc):
    for r in doc["results"]:
        for setting in ("product", "reference"):
            rec = r[setting]
            assert isinstance(rec["feasible"], bool)
            assert isinstance(rec["search_feasible"], bool)
            assert isinstance(rec["fallback_kept"], bool)
            assert 0 <= rec["villages_served"] <= r["villages"]
            assert rec["wall_s"] >= 0
        both = r["product"]["feasible"] and r["reference"]["feasible"]
        assert (r["gap_pct"] is not None) == both


def test_summary_counts_add_up(doc):
    n = len(doc["results"])
    for summary in (doc["summary"], doc["summary_by_district"][DISTRICT]):
        assert summary["problems"] == n
        assert 0 < summary["distinct_problems"] <= n
        for setting in ("product", "reference"):
            s = summary[setting]
            assert s["feasible"] + s["infeasible"] == n
            assert s["search_feasible"] + s["search_infeasible"] == n
            assert len(s["infeasible_problems"]) == s["infeasible"]
            assert len(s["search_infeasible_problems"]) == s["search_infeasible"]
        assert summary["compared_both_feasible"] + len(summary["not_compared"]) == n
        assert summary["product_worse"] + summary["equal"] + summary["reference_worse"] == \
            summary["compared_both_feasible"]
        if summary["compared_both_feasible"]:
            assert summary["max_gap_pct_over_both_feasible"] >= summary["median_gap_pct_over_both_feasible"]


def test_classic_summary_counts_and_names_infeasible_runs():
    bench = _bench()
    rows = [
        {"instance": "C101", "family": "solomon", "engine": "nearest", "feasible": True, "gap_pct": 10.0,
         "time_s": 0.0},
        {"instance": "R101", "family": "solomon", "engine": "nearest", "feasible": False, "gap_pct": None,
         "time_s": 0.0},
        {"instance": "RC101", "family": "solomon", "engine": "nearest", "feasible": True, "gap_pct": 30.0,
         "time_s": 0.0},
    ]
    s = bench.classic_summary(rows, ["nearest"])["solomon"]["nearest"]
    assert (s["n"], s["feasible"], s["infeasible"]) == (3, 2, 1)
    assert s["infeasible_instances"] == ["R101"]
    assert s["mean_gap_pct_over_feasible"] == 20.0


def test_skips_cleanly_without_shared(tmp_path, monkeypatch, capsys):
    bench = _bench()
    monkeypatch.setattr(bench, "SHARED", tmp_path / "absent")
    assert bench.main(["--families", "district-days"]) == 0
    assert "skipped" in json.loads(capsys.readouterr().out)
