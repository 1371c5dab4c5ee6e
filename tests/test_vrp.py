"""Engine-agnostic VRP layer, engines and benchmark readers."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from optimizer.instances import (
    gap_pct,
    read_bks,
    read_cvrplib,
    read_cvrplib_solution,
    read_solomon,
    read_top,
)
from optimizer.vrp import RoutingProblem, VehicleType, evaluate, solve

SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCH = SHARED / "benchmarks"


def shared_dir() -> Path:
    """The shared benchmark folder, or skip the test when it is absent."""
    if not BENCH.is_dir():
        pytest.skip("no ../shared/benchmarks next to the repository")
    return BENCH


def test_cvrp_reader_and_checker_agree_with_sol_costs():
    b = shared_dir()
    bks = read_bks((b / "bks.csv").read_text())
    for name in ("X-n101-k25", "X-n106-k14", "X-n110-k13"):
        inst = read_cvrplib((b / "cvrplib_x" / f"{name}.vrp").read_text(), name)
        routes, cost = read_cvrplib_solution((b / "cvrplib_x" / f"{name}.sol").read_text())
        chk = inst.check(routes)
        assert chk.feasible, chk.violations
        assert chk.value == cost == bks[name].values["cvrp_distance_round_int"]
        assert gap_pct(inst, chk, bks[name])["gap_pct"] == 0.0


def test_solomon_and_top_readers():
    b = shared_dir()
    c101 = read_solomon((b / "solomon" / "C101.txt").read_text())  # CRLF file
    assert c101.name == "C101" and c101.problem.n == 101
    assert c101.problem.vehicle_types[0].capacity == 200 and c101.problem.tw_late[0] == 1236
    assert c101.problem.service[1] == 90
    top = read_top((b / "top_chao" / "Set_100_234" / "p4.2.j.txt").read_text(), "p4.2.j")
    vt = top.problem.vehicle_types[0]
    assert (vt.count, vt.start, vt.end, vt.max_distance) == (2, 0, 99, 70.0)
    assert not top.problem.required.any()
    assert read_bks((b / "bks.csv").read_text())["p4.2.j"].values["top_score_bks"] == 965


@pytest.mark.parametrize("name", ["C201", "p4.2.j"])
def test_pyvrp_within_two_percent(name):
    b = shared_dir()
    bks = read_bks((b / "bks.csv").read_text())
    if name.startswith("p"):
        inst = read_top((b / "top_chao" / "Set_100_234" / f"{name}.txt").read_text(), name)
    else:
        inst = read_solomon((b / "solomon" / f"{name}.txt").read_text(), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = solve(inst.problem, "pyvrp", time_limit_s=4, seed=1)
    chk = inst.check_result(res)
    assert chk.feasible, chk.violations
    assert gap_pct(inst, chk, bks[name])["gap_pct"] <= 2.0


def test_nearest_neighbour_feasible():
    b = shared_dir()
    for inst in (
        read_solomon((b / "solomon" / "C201.txt").read_text()),
        read_top((b / "top_chao" / "Set_100_234" / "p4.3.g.txt").read_text(), "p4.3.g"),
    ):
        res = solve(inst.problem, "nearest")
        assert res.feasible and inst.check_result(res).feasible


def tiny_prize_problem() -> RoutingProblem:
    """Depot plus 4 clients on a line; the route length allows only two of them."""
    xs = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    d = np.abs(xs[:, None] - xs[None, :])
    n = len(xs)
    return RoutingProblem(
        duration=d, distance=d,
        vehicle_types=(VehicleType(count=1, max_distance=4.0),),
        tw_early=np.zeros(n), tw_late=np.full(n, math.inf), service=np.zeros(n), demand=np.zeros(n),
        prize=np.array([0.0, 1.0, 50.0, 2.0, 60.0]), required=np.zeros(n, dtype=bool),
        distance_weight=0.01,
    )


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_prize_collecting_drops_low_prizes_first(engine):
    p = tiny_prize_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = solve(p, engine, time_limit_s=1, seed=3)
    assert res.feasible
    # max distance 4 = out and back to x=2: clients 1 and 2 only (prize 51) ...
    assert set(res.visited) == {1, 2}
    assert set(res.dropped) == {3, 4}


def test_groups_time_windows_and_evaluate():
    # one client, two copies (mutually exclusive): only the late window is reachable
    d = np.array([[0, 5, 5], [5, 0, 0], [5, 0, 0]], dtype=float)
    p = RoutingProblem(
        duration=d, distance=d, vehicle_types=(VehicleType(1, tw_early=10, tw_late=100),),
        tw_early=np.array([0, 0, 50.0]), tw_late=np.array([math.inf, 2, 60.0]), service=np.array([0, 3, 3.0]),
        demand=np.zeros(3), prize=np.array([0, 100, 100.0]), required=np.zeros(3, dtype=bool), groups=((1, 2),),
        scale=1.0,
    )
    for engine in ("pyvrp", "ortools", "nearest"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = solve(p, engine, time_limit_s=0.5)
        assert res.routes == ((2,),) and res.feasible and res.prize_collected == 100
    bad = evaluate(p, [[1, 2]], [0])
    assert not bad.feasible and any("group" in v for v in bad.violations)


def test_deterministic_for_seed_on_tiny():
    p = tiny_prize_problem()
    r1 = solve(p, "nearest")
    r2 = solve(p, "nearest")
    assert r1.routes == r2.routes
    assert r1.summary()["engine"] == "nearest"
