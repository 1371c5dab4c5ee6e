"""Benchmark of many districts (``outreach sweep --villages``); prints one JSON document.

Plans every selected district of a village file by the sweep file's rule,
once per executor asked for, and gives each run's wall time, the median and
largest per-district time, whether every run gave the same table, and the
speed-up of the Dask runs over the first Dask run (1 worker, when listed).

Run from the repository root, e.g. the whole country on local processes and
Dask with 1 and 2 workers::

    .venv/bin/python benchmarks/districts.py --districts all --executors local dask:1 dask:2

A province (``--districts 05``) takes about a minute; the country (198
districts to plan) took 12 min with 1 Dask worker and 6.3 min with 2 on an
idle 2-core machine (README, "Many districts").
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scenarios.districts import DistrictResult, load_rules, run_districts, select_districts  # noqa: E402
from scenarios.pipeline import PlanOptions  # noqa: E402
from scenarios.sweep import SWEEP_REPLICATIONS, sweep_options  # noqa: E402


def _figures(results: list[DistrictResult]) -> list[tuple[object, ...]]:
    return [(r.job.code, r.planned_usd, r.aware, r.newly_aware, r.error) for r in results]


def _run(executor: str, jobs: list, options: PlanOptions) -> tuple[float, list[DistrictResult]]:
    kind, _, n = executor.partition(":")
    t0 = time.perf_counter()
    if kind == "dask":
        results = run_districts(jobs, options, workers=int(n or 2))
    else:
        results = run_districts(jobs, dataclasses.replace(options, workers=int(n or 2)))
    return time.perf_counter() - t0, results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", default=str(ROOT.parent / "shared" / "geodata" / "villages_national.csv"))
    ap.add_argument("--districts", default="05")
    ap.add_argument("--rules", default=str(ROOT / "scenarios" / "sweep-rule.toml"))
    ap.add_argument("--replications", type=int, default=SWEEP_REPLICATIONS)
    ap.add_argument("--executors", nargs="+", default=["local:2", "dask:1", "dask:2"],
                    help="local:N (forked processes) or dask:N (LocalCluster of N workers)")
    ap.add_argument("--out", type=Path, help="also write the JSON here, after every executor's run (a long "
                                                 "national run keeps what it measured if stopped)")
    args = ap.parse_args(argv)
    # what `outreach sweep --villages ... --districts ...` runs, with its own defaults
    options = sweep_options(replications=args.replications, workers=1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        jobs, skipped = select_districts(args.villages, args.districts, load_rules(args.rules), tmp)
        args.select_s = round(time.perf_counter() - t0, 1)
        runs, tables = {}, []
        for ex in args.executors:
            load_before = os.getloadavg()[0]
            wall, results = _run(ex, jobs, options)
            per = [r.seconds for r in results if r.error is None]
            runs[ex] = {"wall_s": round(wall, 1),
                        "median_district_s": round(statistics.median(per), 2) if per else None,
                        "max_district_s": round(max(per), 2) if per else None,
                        "failed": sum(r.error is not None for r in results),
                        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
            tables.append(_figures(results))
            if args.out is not None:
                args.out.write_text(json.dumps(_document(args, jobs, skipped, runs, tables), indent=2) + "\n")
    print(json.dumps(_document(args, jobs, skipped, runs, tables), indent=2))
    return 0


def _document(args: argparse.Namespace, jobs: list, skipped: list, runs: dict, tables: list) -> dict:
    """The benchmark's JSON: the runs so far, the speed-up over one Dask worker, whether the tables agree."""
    dask1 = runs.get("dask:1", {}).get("wall_s")
    for ex, r in runs.items():
        if ex.startswith("dask") and dask1:
            r["speedup_over_dask_1"] = round(dask1 / r["wall_s"], 2)
    doc = {"villages": args.villages, "districts": args.districts, "planned": len(jobs), "skipped": len(skipped),
           "select_s": args.select_s,
           "replications": args.replications, "cores": os.cpu_count(), "load_average": os.getloadavg()[0],
           "runs": runs, "identical_tables": all(t == tables[0] for t in tables)}
    return doc


if __name__ == "__main__":
    raise SystemExit(main())
