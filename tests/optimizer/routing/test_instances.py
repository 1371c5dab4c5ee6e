"""Readers of public routing benchmarks and their checkers."""

from __future__ import annotations

from optimizer.routing import gap_pct, read_bks, read_cvrplib, read_cvrplib_solution, read_solomon, read_top
from tests.conftest import shared_path


def test_cvrp_reader_and_checker_agree_with_sol_costs():
    b = shared_path("benchmarks")
    bks = read_bks((b / "bks.csv").read_text())
    for name in ("X-n101-k25", "X-n106-k14", "X-n110-k13"):
        inst = read_cvrplib((b / "cvrplib_x" / f"{name}.vrp").read_text(), name)
        routes, cost = read_cvrplib_solution((b / "cvrplib_x" / f"{name}.sol").read_text())
        chk = inst.check(routes)
        assert chk.feasible, chk.violations
        assert chk.value == cost == bks[name].values["cvrp_distance_round_int"]
        assert gap_pct(inst, chk, bks[name])["gap_pct"] == 0.0


def test_solomon_and_top_readers():
    b = shared_path("benchmarks")
    c101 = read_solomon((b / "solomon" / "C101.txt").read_text())  # CRLF file
    assert c101.name == "C101" and c101.problem.n == 101
    assert c101.problem.vehicle_types[0].capacity == 200 and c101.problem.tw_late[0] == 1236
    assert c101.problem.service[1] == 90
    top = read_top((b / "top_chao" / "Set_100_234" / "p4.2.j.txt").read_text(), "p4.2.j")
    vt = top.problem.vehicle_types[0]
    assert (vt.count, vt.start, vt.end, vt.max_distance) == (2, 0, 99, 70.0)
    assert not top.problem.required.any()
    assert read_bks((b / "bks.csv").read_text())["p4.2.j"].values["top_score_bks"] == 965
