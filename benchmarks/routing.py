"""Routing benchmark: engines against best-known values on public instances.

Usage (from the repository root)::

    .venv/bin/python benchmarks/routing.py --time-limit 30 --jobs 2
    .venv/bin/python benchmarks/routing.py --quick
    .venv/bin/python benchmarks/routing.py --instances p4.2.j,C101 --engines pyvrp

Prints one JSON document: per instance and engine the checked result, the
gap to best known (%) and the time, then mean gaps per family and engine.
Data comes from ``../shared/benchmarks`` next to the repository; without it
the script prints ``{"skipped": ...}`` and exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT))

from optimizer.routing import Instance, gap_pct, read_bks, read_cvrplib, read_solomon, read_top, solve  # noqa: E402

# 8 Solomon (C/R/RC, 1xx/2xx), 6 TOP with best-known scores, the 3 CVRP X
DEFAULT = [
    "C101", "C201", "R101", "R105", "R201", "RC101", "RC105", "RC201",
    "p4.2.j", "p4.2.r", "p4.2.t", "p4.3.f", "p4.3.g", "p4.3.h",
    "X-n101-k25", "X-n106-k14", "X-n110-k13",
]
QUICK = ["C101", "R101", "p4.2.j", "p4.3.g", "X-n101-k25"]


def load(name: str) -> Instance:
    """The named instance from the shared benchmark folder (TOP ``p*``, CVRPLIB ``X-*``, else Solomon)."""

    if name.startswith("p"):
        s = name.split(".")[0][1:]
        folder = {"4": "Set_100_234", "5": "Set_66_234", "7": "Set_102_234"}[s]
        return read_top((DATA / "top_chao" / folder / f"{name}.txt").read_text(), name)
    if name.startswith("X-"):
        return read_cvrplib((DATA / "cvrplib_x" / f"{name}.vrp").read_text(), name)
    return read_solomon((DATA / "solomon" / f"{name}.txt").read_text(), name)


def run_one(args: tuple[str, str, float, int]) -> dict:
    """Solve one instance with one engine and check it against the best known."""
    warnings.simplefilter("ignore")
    name, engine, limit, seed = args
    inst = load(name)
    bks = read_bks((DATA / "bks.csv").read_text())[name]
    res = solve(inst.problem, engine, time_limit_s=limit, seed=seed)
    chk = inst.check_result(res)
    gaps = {k: (float(v) if isinstance(v, float) or hasattr(v, "item") else v)
            for k, v in gap_pct(inst, chk, bks).items()}
    return {
        "instance": name,
        "family": inst.family,
        "engine": engine,
        "feasible": chk.feasible,
        "vehicles": chk.vehicles,
        "value": round(float(chk.value), 4),
        "best_known": {k: v for k, v in bks.values.items()},
        **gaps,
        "time_s": round(res.runtime_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON document."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance and engine")
    ap.add_argument("--instances", default="", help="comma-separated names (default: 17 instances)")
    ap.add_argument("--engines", default="pyvrp,ortools,nearest")
    ap.add_argument("--quick", action="store_true", help="5 instances at 5 s")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (each single-threaded)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if not DATA.is_dir():
        print(json.dumps({"skipped": "no ../shared/benchmarks"}))
        return 0
    names = [s for s in a.instances.split(",") if s] or (QUICK if a.quick else DEFAULT)
    limit = 5.0 if a.quick and a.time_limit == 30.0 else a.time_limit
    engines = [e for e in a.engines.split(",") if e]
    tasks = [(n, e, 0.0 if e == "nearest" else limit, a.seed) for n in names for e in engines]
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        rows = list(pool.map(run_one, tasks))
    means: dict[str, dict[str, dict]] = {}
    for fam in sorted({r["family"] for r in rows}):
        for e in engines:
            sel = [r for r in rows if r["family"] == fam and r["engine"] == e]
            ok = [r["gap_pct"] for r in sel if r["gap_pct"] is not None]
            means.setdefault(fam, {})[e] = {
                "mean_gap_pct": round(statistics.fmean(ok), 3) if ok else None,
                "feasible": f"{len(ok)}/{len(sel)}",
                "mean_time_s": round(statistics.fmean(r["time_s"] for r in sel), 2) if sel else None,
            }
    doc = {
        "time_limit_s": limit,
        "threads_per_run": 1,
        "parallel_runs": a.jobs,
        "gap_definition": "percent worse than best known; Solomon hierarchical (extra vehicles -> vehicle gap), "
                          "TOP score shortfall, CVRP rounded distance; null if infeasible",
        "results": rows,
        "means": means,
    }
    print(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
