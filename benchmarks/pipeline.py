"""Pipeline benchmark: the product's own pipeline, stage by stage; prints one JSON document.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pipeline.py                      # the demo, 3 repeats, no PDFs
    .venv/bin/python benchmarks/pipeline.py --pdf --repeats 5
    .venv/bin/python benchmarks/pipeline.py --scenario scenarios/api-2012.toml

Each repeat runs in a fresh process, as ``outreach demo`` / ``outreach plan``
does: load the scenario, :func:`scenarios.pipeline.plan_campaign` with the
CLI's default :class:`~scenarios.pipeline.PlanOptions`, then
:func:`scenarios.outputs.write_outputs` into a temporary folder. The stage
functions the pipeline calls by name (``survey``, ``allocate``, ``margins``,
``roster``, ``simulate``, ``uncertainty``, ``summarise``) are wrapped with a
timer, so what is timed is the product's code unchanged. The margins' re-solves
run on their own processes while the plan is rostered and simulated:
``margins`` is the wait for them after those stages (its CPU, theirs). With
``--pdf`` the PDFs are started once the roster is known (``PlanOptions.pdf_lang``,
as the CLI does) and ``write`` includes the wait for them. ``import`` is the
time to import the packages, ``total`` the wall time of the whole repeat.

Reported: per stage the median, least and largest seconds over the repeats
that succeeded, each stage's share of the median total, failures (a repeat
that raised, with its error), whether every repeat gave the same summary and
plan bytes, the machine's cores and its load average before and after (the
machine is shared: a figure means little without the load beside it).
Per stage also the CPU seconds spent, this process's and its finished child
processes' (forked workers, the PDF pool): CPU over wall near 2 means both
cores worked, near 1 that the second one waited.

``--profile`` runs one more repeat under :mod:`cProfile` (in a fresh process
too; slower than the timed ones, so it is not counted in the stages) and adds
the top functions by cumulative time (``profile_top``, ``--profile-top``
rows). Work done in forked workers is not in the profile; their CPU is in
the stages' ``cpu_s``.
Target (issue #17): the demo with PDFs within 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Stage name -> (module, attribute) the pipeline looks the stage up by, in pipeline order.
STAGES: dict[str, tuple[str, str]] = {
    "survey": ("scenarios.pipeline", "read_survey"),
    "allocate": ("scenarios.pipeline", "allocate"),
    "margins": ("scenarios.pipeline", "finish_margins"),
    "roster": ("optimizer.roster", "plan_roster"),
    "simulate": ("outreach.simulate", "simulate"),
    "uncertainty": ("scenarios.pipeline", "with_posterior"),
    "summarise": ("scenarios.pipeline", "summarise"),
}


def _cpu() -> float:
    """CPU seconds of this process and of its finished (waited-for) children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class _Clock:
    """Wall and CPU seconds per stage, summed over the stage's calls."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def add(self, name: str, wall0: float, cpu0: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall0
        self.cpu[name] = self.cpu.get(name, 0.0) + _cpu() - cpu0


def _timed(fn: Callable[..., Any], name: str, clock: _Clock) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        w0, c0 = time.perf_counter(), _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            clock.add(name, w0, c0)
    return wrapper


def run_once(scenario: str, pdf: bool, workers: int) -> dict[str, Any]:
    """One repeat in this process: stage wall and CPU seconds, digests of summary.json and plan.json."""
    start, cpu_start = time.perf_counter(), _cpu()
    import importlib

    from outreach.scenario import load_campaign
    from scenarios.outputs import write_outputs
    from scenarios.pipeline import PlanOptions, plan_campaign

    clock = _Clock()
    clock.add("import", start, cpu_start)
    for name, (mod, attr) in STAGES.items():
        module = importlib.import_module(mod)
        setattr(module, attr, _timed(getattr(module, attr), name, clock))
    w0, c0 = time.perf_counter(), _cpu()
    campaign = load_campaign(scenario)
    clock.add("load", w0, c0)
    # as `outreach demo` plans: with PDFs, they are rendered ahead in the CLI's default language
    result = plan_campaign(campaign, PlanOptions(workers=workers, pdf_lang="both" if pdf else None))
    with tempfile.TemporaryDirectory() as tmp:
        w0, c0 = time.perf_counter(), _cpu()
        out = write_outputs(result, Path(tmp) / "out", pdf=pdf)
        clock.add("write", w0, c0)
        digests = {f: hashlib.sha256((out / f).read_bytes()).hexdigest()[:16] for f in ("summary.json", "plan.json")}
        pdfs = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(out.rglob("*.pdf"))))
        digests["pdfs"] = pdfs.hexdigest()[:16]  # every PDF, so "identical_outputs" covers them too
    clock.add("total", start, cpu_start)
    unmet = result.plan.roster.unmet_households if result.plan.roster is not None else None
    return {"seconds": clock.wall, "cpu_s": clock.cpu, "digests": digests, "unscheduled_round_visits": unmet}


def profile_once(scenario: str, pdf: bool, workers: int, top: int) -> list[dict[str, Any]]:
    """One repeat under cProfile: the ``top`` functions by cumulative time (this process only)."""
    prof = cProfile.Profile()
    prof.runcall(run_once, scenario, pdf, workers)
    stats = pstats.Stats(prof)
    rows = []
    for (path, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = os.path.relpath(path, ROOT) if path.startswith(str(ROOT)) else path
        rows.append({"function": f"{where}:{line}({func})", "calls": ncalls, "tottime_s": round(tottime, 3),
                     "cumtime_s": round(cumtime, 3)})
    rows.sort(key=lambda r: (-r["cumtime_s"], r["function"]))
    return rows[:top]


def _child(args: argparse.Namespace, *, profile: bool = False) -> Any:
    cmd = [sys.executable, __file__, "--child", "--scenario", args.scenario, "--workers", str(args.workers)]
    cmd += ["--pdf"] if args.pdf else []
    cmd += ["--profile", "--profile-top", str(args.profile_top)] if profile else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[-1]}
    return json.loads(proc.stdout)


def summarise_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median, least and largest seconds per stage over the runs without error, and each stage's share."""
    ok = [r for r in runs if "error" not in r]
    names = [n for n in ["import", "load", *STAGES, "write", "total"] if any(n in r["seconds"] for r in ok)]
    stages = {}
    for n in names:
        xs = [r["seconds"].get(n, 0.0) for r in ok]
        cpu = [r["cpu_s"][n] for r in ok if n in r.get("cpu_s", {})]
        stages[n] = {"median_s": round(statistics.median(xs), 2), "min_s": round(min(xs), 2),
                     "max_s": round(max(xs), 2),
                     "median_cpu_s": round(statistics.median(cpu), 2) if cpu else None}
    total = stages.get("total", {}).get("median_s") or 0.0
    for n, s in stages.items():
        s["share_of_total"] = round(s["median_s"] / total, 3) if total and n != "total" else None
    return {"stages": stages, "succeeded": len(ok), "failures": len(runs) - len(ok),
            "errors": [r["error"] for r in runs if "error" in r],
            "identical_outputs": len({json.dumps(r["digests"], sort_keys=True) for r in ok}) <= 1,
            "unscheduled_round_visits": sorted({r["unscheduled_round_visits"] for r in ok}, key=str)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "demo.toml"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="also render the PDF schedules (as `outreach demo` does)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--profile", action="store_true",
                    help="one more repeat under cProfile: the top functions by cumulative time (profile_top)")
    ap.add_argument("--profile-top", type=int, default=40, help="rows of profile_top (default 40)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        got: Any = (profile_once(args.scenario, args.pdf, args.workers, args.profile_top) if args.profile
                    else run_once(args.scenario, args.pdf, args.workers))
        print(json.dumps(got))
        return 0
    load_before = os.getloadavg()
    runs = [_child(args) for _ in range(args.repeats)]
    doc = {"scenario": args.scenario, "pdf": args.pdf, "workers": args.workers, "repeats": args.repeats,
           "cores": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
           "load_average_after": [round(x, 2) for x in os.getloadavg()], **summarise_runs(runs),
           "runs": [{"seconds": r["seconds"], "cpu_s": r.get("cpu_s")} if "seconds" in r else r for r in runs]}
    if args.profile:
        prof = _child(args, profile=True)
        doc["profile_top"] = prof if isinstance(prof, list) else prof.get("error")
    print(json.dumps(doc, indent=2))
    return 1 if doc["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
