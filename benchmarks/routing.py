"""Routing benchmark: the product's own vehicle-day problems, and engines on public instances.

Usage (from the repository root)::

    .venv/bin/python benchmarks/routing.py --jobs 2      # or --quick (under 2 minutes)
    .venv/bin/python benchmarks/routing.py --families district-days --districts 0507,0502,1505

Families:

* ``district-days``: real districts from ``../shared/geodata`` (2008 census
  village points), loaded the way a user would (a ``scenario.toml`` with
  ``skip_incomplete = true``), cut into vehicle-days exactly as
  :func:`optimizer.routing.plan_tours` cuts them, and each day solved twice:
  as the product solves it (PyVRP, ``DAY_ITERATIONS`` iterations, the
  campaign's seed, then the nearest-neighbour fallback and sound-route rule of
  ``tours._solve_day``), and the same way with 10 times the iterations (the
  reference); repair days the product queues are solved too.
* ``solomon``, ``top``, ``x``: Solomon VRPTW, Chao team orienteering and
  CVRPLIB X from ``../shared/benchmarks``, each engine time-bound, gaps to
  the best-known values.

Prints one JSON document (``--out FILE`` writes it there too). Infeasible
runs are counted and named in every summary; a mean or median taken over
feasible runs only says so in its key. Without ``../shared`` the script
prints ``{"skipped": ...}`` and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "benchmarks"
GEODATA = SHARED / "geodata"
sys.path.insert(0, str(ROOT))

from optimizer import routing  # noqa: E402
from optimizer.routing import tours  # noqa: E402
from optimizer.routing.broadcast import DayLimits  # noqa: E402
from optimizer.routing.day import DayInputs, DayProblem, day_problem  # noqa: E402
from optimizer.routing.problem import RoutingProblem, RoutingResult, evaluate, route_schedule  # noqa: E402
from optimizer.routing.tours import DAY_ITERATIONS, DayJob  # noqa: E402
from outreach.broadcast import plan_broadcasts  # noqa: E402
from outreach.model import Campaign  # noqa: E402
from outreach.parallel import fork_map  # noqa: E402
from outreach.scenario import load_campaign  # noqa: E402

FAMILIES = ("district-days", "solomon", "top", "x")
# 8 Solomon (C/R/RC, 1xx/2xx), 6 TOP with best-known scores, the 3 CVRP X
DEFAULT = ["C101", "C201", "R101", "R105", "R201", "RC101", "RC105", "RC201", "p4.2.j", "p4.2.r", "p4.2.t",
           "p4.3.f", "p4.3.g", "p4.3.h", "X-n101-k25", "X-n106-k14", "X-n110-k13"]
QUICK = ["C101", "R101", "p4.2.j", "p4.3.g", "X-n101-k25"]
#: Samraong Tong (Kampong Speu, 288 located villages: a large rural district, cut from the national
#: file), and two of the seed municipalities that ship with their own village file.
DISTRICTS = ("0507", "0502", "1505")
#: Kampong Chhnang municipality: 26 villages, 8 vehicle-days, the smallest real district at hand.
QUICK_DISTRICTS = ("0403",)
#: The reference runs this many times the product's iterations.
REFERENCE_FACTOR = 10
#: Relative objective difference below which product and reference count as equal.
TIE = 1e-9

OBJECTIVE_DEFINITION = (
    "RoutingResult.objective of the day problem (optimizer/routing/problem.py::evaluate): on-road seconds of "
    "the tour (driving plus broadcasting, distance_weight 1, no fixed cost) plus the prize of every village "
    "left out; a village's prize is shift_hours*3600*(1 + households/max households of the day), so one "
    "village left out weighs more than a whole shift of driving. Lower is better.")
GAP_DEFINITION = (
    "gap_pct = 100*(objective_product - objective_reference)/objective_reference, positive when the product "
    "setting is worse; prize_gap_pct = 100*(prize_collected_reference - prize_collected_product)/"
    "prize_collected_reference, positive when the product collects less. Both null unless both final "
    "results are feasible. The search is heuristic: the reference can end worse (negative gap).")
SETTING_DEFINITION = (
    "Each setting is the product's rule of optimizer/routing/tours.py::_solve_day: PyVRP with max_iterations "
    "(seed = campaign seed), the nearest-neighbour construction kept when the search is infeasible or the "
    "construction is better, and when the result is still infeasible only its sound routes kept. "
    "search_feasible is the PyVRP result before that rule, feasible the result kept; wall_s times both.")


# --------------------------------------------------------------------------- classic families
def family_of(name: str) -> str:
    """The benchmark family of an instance name: TOP ``p*``, CVRPLIB ``X-*``, else Solomon."""
    if name.startswith("p"):
        return "top"
    if name.startswith("X-"):
        return "x"
    return "solomon"


def load(name: str) -> routing.Instance:
    """The named instance from the shared benchmark folder."""
    family = family_of(name)
    if family == "top":
        s = name.split(".")[0][1:]
        folder = {"4": "Set_100_234", "5": "Set_66_234", "7": "Set_102_234"}[s]
        return routing.read_top((DATA / "top_chao" / folder / f"{name}.txt").read_text(), name)
    if family == "x":
        return routing.read_cvrplib((DATA / "cvrplib_x" / f"{name}.vrp").read_text(), name)
    return routing.read_solomon((DATA / "solomon" / f"{name}.txt").read_text(), name)


def run_one(args: tuple[str, str, float, int]) -> dict[str, Any]:
    """Solve one instance with one engine and check it against the best known."""
    warnings.simplefilter("ignore")
    name, engine, limit, seed = args
    inst = load(name)
    bks = routing.read_bks((DATA / "bks.csv").read_text())[name]
    res = routing.solve(inst.problem, engine, time_limit_s=limit, seed=seed)
    chk = inst.check_result(res)
    # plain JSON numbers: numpy scalars become floats, Python ints (vehicle deltas) stay ints
    gaps = {k: (v if v is None or isinstance(v, int) else float(v)) for k, v in routing.gap_pct(inst, chk, bks).items()}
    return {
        "instance": name,
        "family": family_of(name),
        "engine": engine,
        "feasible": bool(chk.feasible),
        "vehicles": chk.vehicles,
        "value": round(float(chk.value), 4),
        "best_known": dict(bks.values),
        **gaps,
        "time_s": round(res.runtime_s, 2),
    }


def classic_summary(rows: Sequence[Mapping[str, Any]], engines: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per family and engine: runs, feasible and infeasible counts and names, the mean gap over feasible runs."""
    out: dict[str, dict[str, Any]] = {}
    for fam in sorted({r["family"] for r in rows}):
        for e in engines:
            sel = [r for r in rows if r["family"] == fam and r["engine"] == e]
            bad = [r["instance"] for r in sel if not r["feasible"]]
            gaps = [r["gap_pct"] for r in sel if r["feasible"] and r["gap_pct"] is not None]
            out.setdefault(fam, {})[e] = {
                "n": len(sel),
                "feasible": len(sel) - len(bad),
                "infeasible": len(bad),
                "infeasible_instances": bad,
                "mean_gap_pct_over_feasible": round(statistics.fmean(gaps), 3) if gaps else None,
                "mean_time_s": round(statistics.fmean(r["time_s"] for r in sel), 2) if sel else None,
            }
    return out


def run_classic(names: Sequence[str], engines: Sequence[str], limit: float, jobs: int, seed: int) -> dict[str, Any]:
    """Every named public instance with every engine (time-bound; nearest neighbour has no time limit)."""
    if not DATA.is_dir():
        return {"skipped": f"no {DATA}"}
    tasks = [(n, e, 0.0 if e == "nearest" else limit, seed) for n in names for e in engines]
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(run_one, tasks))
    return {
        "time_limit_s": limit,
        "threads_per_run": 1,
        "parallel_runs": jobs,
        "gap_definition": "percent worse than best known; Solomon hierarchical (extra vehicles -> vehicle gap), "
                          "TOP score shortfall, CVRP rounded distance; null if infeasible",
        "results": rows,
        "summary": classic_summary(rows, engines),
    }


# --------------------------------------------------------------------------- district days: the campaign
SCENARIO = """\
[scenario]
name = "Routing benchmark: district {district}, real 2008 census village points"
districts = ["{district}"]
[geography]
villages = "{villages}"
sangkats = "{sangkats}"
skip_incomplete = true
[calendar]
start = 2027-01-04
weeks = 12
[budget]
limit_usd = 10000
"""


@dataclass(frozen=True)
class VillageSource:
    """Where a district's villages come from, and what the extract left out."""

    path: Path
    note: str


def village_source(folder: Path, district: str) -> VillageSource:
    """The district's village file: its own shared file, else its rows cut from the national file.

    The national file holds every district, and the loader rightly refuses
    villages outside the scenario's districts, so a user cuts out their
    district's rows. Rows with a point but no 2008 households (points of the
    DHIS2 source only) are left out, as a user must: the loader needs
    households. Rows with neither stay; ``skip_incomplete`` leaves them out.
    """
    own = GEODATA / f"villages_{district}.csv"
    if own.exists():
        return VillageSource(own, f"{own.name} as shipped")
    national = GEODATA / "villages_national.csv"
    with national.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader if r["village_code"].startswith(district)]
    keep = [r for r in rows if r["households_2008"] or not (r["lat"] or r["lon"])]
    out = folder / "villages.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(keep)
    return VillageSource(out, f"rows of district {district} cut from {national.name}; "
                              f"{len(rows) - len(keep)} with a point but no 2008 households left out")


def district_campaign(folder: Path, district: str) -> tuple[Campaign, VillageSource]:
    """The district's campaign, loaded from a scenario file written the way a user would write it."""
    folder.mkdir(parents=True, exist_ok=True)
    source = village_source(folder, district)
    own = GEODATA / f"communes_{district}.geojson"
    # the national polygons hold every commune; the loader keeps the scenario's districts' ones
    sangkats = own if own.exists() else GEODATA / "communes_national.geojson"
    path = folder / "scenario.toml"
    path.write_text(SCENARIO.format(district=district, villages=source.path.as_posix(),
                                    sangkats=sangkats.as_posix()), encoding="utf-8")
    return load_campaign(path), source


# --------------------------------------------------------------------------- district days: the day problems
@dataclass(frozen=True, eq=False)
class DayCase:
    """One vehicle-day of the product: its job, its problem, the product's seed, and whether it is a repair day."""

    name: str
    district: str
    job: DayJob
    day: DayProblem
    seed: int
    repair: bool = False


@dataclass(frozen=True, eq=False)
class DistrictDays:
    """A district's campaign, the inputs of its day problems and the assigned days in solving order."""

    district: str
    campaign: Campaign
    inputs: DayInputs
    days: tuple[dt.date, ...]
    cases: tuple[DayCase, ...]
    info: Mapping[str, Any]

    def case(self, job: DayJob, repair: bool = False) -> DayCase:
        """The day problem of ``job``, built as ``tours._solve_day`` builds it."""
        problem = day_problem(self.campaign, job.net, job.codes, job.prize, self.inputs)
        return DayCase(f"{self.district}/{job.date.isoformat()}/{job.vehicle.id}", self.district, job, problem,
                       self.campaign.seed, repair)


def district_days(campaign: Campaign, district: str) -> DistrictDays:
    """The vehicle-days ``plan_tours`` assigns, built with its own internals.

    As :func:`optimizer.routing.plan_tours` with its defaults (passes from
    the campaign's targets, prizes from households, no day budget): vehicle
    plans, the day budget split, then the pass-to-day assignment. Repair
    days follow from solving (:func:`product_days`).
    """
    days = tours._check_inputs(campaign, None)
    inputs = DayInputs(plan_broadcasts(campaign), DayLimits.of(campaign))
    targets = tours._Targets({}, int(campaign.targets.loudspeaker_passes_per_sangkat), None, inputs)
    plans = tours._vehicle_plans(campaign, targets)
    jobs: list[DayJob] = []
    no_day = 0
    for plan, cap in zip(plans, tours._split_budget([p.days_needed for p in plans], None)):
        assigned = tours._assign_days(plan, days, cap)
        jobs += assigned.jobs
        no_day += len(assigned.dropped)
    info = {
        "villages": len(campaign.geography.villages),
        "sangkats": len(campaign.geography.sangkats),
        "working_days": len(days),
        "days_needed": [p.days_needed for p in plans],
        "unreachable": sum(len(p.unreachable) for p in plans),
        "passes_without_a_day": no_day,
        "assigned_days": len(jobs),
        "seed": campaign.seed,
    }
    dd = DistrictDays(district, campaign, inputs, days, (), info)
    return replace(dd, cases=tuple(dd.case(job) for job in jobs))


# --------------------------------------------------------------------------- district days: solving
@dataclass(frozen=True)
class ProductSolve:
    """A day solved by the product's rule: the search's own result and the result kept."""

    iterations: int
    search: RoutingResult
    kept: RoutingResult
    fallback_kept: bool
    wall_s: float


def solve_like_product(problem: RoutingProblem, iterations: int, seed: int) -> ProductSolve:
    """PyVRP on ``iterations``, then the fallback and sound-route rule of ``tours._solve_day``.

    The steps are those of ``_solve_day``, spelt out because the benchmark
    also reports what the search alone found; the test checks both keep the
    same routes.
    """
    t0 = time.perf_counter()
    # time_limit_s is ignored by an iteration-bound PyVRP run; 0.2 s is the product's per-day floor
    search = routing.solve(problem, "pyvrp", time_limit_s=0.2, seed=seed, max_iterations=iterations)
    res = search
    fallback = routing.solve(problem, "nearest", time_limit_s=0.0, seed=seed)
    fallback_kept = fallback.feasible and (not res.feasible or fallback.objective < res.objective - 1e-6)
    if fallback_kept:
        res = fallback
    if not res.feasible:
        keep = [i for i, r in enumerate(res.routes) if not route_schedule(problem, r, res.route_types[i]).violations]
        res = evaluate(problem, [res.routes[i] for i in keep], [res.route_types[i] for i in keep],
                       engine="pyvrp", runtime_s=res.runtime_s)
    return ProductSolve(iterations, search, res, fallback_kept, time.perf_counter() - t0)


def product_days(dd: DistrictDays, iterations: int) -> list[tuple[DayCase, ProductSolve]]:
    """The district's days solved in the order and with the repair rule of ``tours._solve_and_repair``.

    Villages a day left out that fit the day alone move to a repair day
    queued at the end: one more problem the product solves, so it is
    benchmarked too (on the product setting's overflow, for both settings).
    """
    bookings = tours._Bookings([c.job for c in dd.cases], dd.campaign.geography)
    queue = deque(dd.cases)
    out: list[tuple[DayCase, ProductSolve]] = []
    while queue:
        case = queue.popleft()
        solved = solve_like_product(case.day.problem, iterations, case.seed)
        out.append((case, solved))
        overflow = tours._unserved(case.day, solved.kept, case.job.codes).overflow
        d2 = bookings.repair_day(dd.days, case.job, overflow, None) if overflow else None
        if isinstance(d2, dt.date):
            queue.append(dd.case(replace(case.job, date=d2, codes=overflow), repair=True))
    return out


def solve_reference(cases: Sequence[DayCase], item: tuple[int, int]) -> ProductSolve:
    """Day ``item[0]`` of ``cases`` solved by the product's rule with ``item[1]`` iterations."""
    warnings.simplefilter("ignore")
    case = cases[item[0]]
    return solve_like_product(case.day.problem, item[1], case.seed)


def _setting_record(day: DayProblem, s: ProductSolve) -> dict[str, Any]:
    """What one setting did on one day: feasibility, objective, prize, villages served, wall time."""
    return {
        "iterations": s.iterations,
        "search_feasible": bool(s.search.feasible),
        "search_objective": round(s.search.objective, 1),
        "fallback_kept": bool(s.fallback_kept),
        "feasible": bool(s.kept.feasible),
        "objective": round(s.kept.objective, 1),
        "prize_collected": round(s.kept.prize_collected, 1),
        "villages_served": len({day.copy_code[c] for r in s.kept.routes for c in r}),
        "on_road_s": round(s.kept.distance, 1),
        "wall_s": round(s.wall_s, 3),
        "violations": list(s.kept.violations[:3]),
    }


def _pct(diff: float, base: float) -> float | None:
    """``100 * diff / base``; 0 when both are 0, None when only ``base`` is."""
    if base == 0:
        return 0.0 if diff == 0 else None
    return round(100.0 * diff / base, 4)


def day_record(case: DayCase, prod: ProductSolve, ref: ProductSolve, same_as: str | None) -> dict[str, Any]:
    """One day problem's record: what it holds, each setting's result, and the gaps."""
    day = case.day
    both = prod.kept.feasible and ref.kept.feasible
    return {
        "problem": case.name,
        "district": case.district,
        "date": case.job.date.isoformat(),
        "vehicle": case.job.vehicle.id,
        "repair_day": case.repair,
        # the two passes of a sangkat often make the same problem on two dates
        "same_villages_as": same_as,
        "villages": len(case.job.codes),
        "villages_longer_than_every_window": len(day.misfit),
        "locations": day.problem.n,
        "product": _setting_record(day, prod),
        "reference": _setting_record(day, ref),
        "gap_pct": _pct(prod.kept.objective - ref.kept.objective, ref.kept.objective) if both else None,
        "prize_gap_pct": (_pct(ref.kept.prize_collected - prod.kept.prize_collected, ref.kept.prize_collected)
                          if both else None),
    }


# --------------------------------------------------------------------------- district days: summaries
def _stats(values: Sequence[float], suffix: str) -> dict[str, float | None]:
    """Median, mean, min and max of ``values`` (None when empty), keys ending in ``suffix``."""
    funcs: dict[str, Any] = {"median": statistics.median, "mean": statistics.fmean, "min": min, "max": max}
    return {f"{k}{suffix}": (round(float(f(values)), 4) if values else None) for k, f in funcs.items()}


def _setting_summary(records: Sequence[Mapping[str, Any]], key: str) -> dict[str, Any]:
    """Counts of one setting over the records: feasible or not (kept and search alone), fallbacks, time."""
    bad = [r["problem"] for r in records if not r[key]["feasible"]]
    bad_search = [r["problem"] for r in records if not r[key]["search_feasible"]]
    walls = [r[key]["wall_s"] for r in records]
    return {
        "feasible": len(records) - len(bad),
        "infeasible": len(bad),
        "infeasible_problems": bad,
        "search_feasible": len(records) - len(bad_search),
        "search_infeasible": len(bad_search),
        "search_infeasible_problems": bad_search,
        "fallback_kept": sum(1 for r in records if r[key]["fallback_kept"]),
        "villages_served": sum(r[key]["villages_served"] for r in records),
        "wall_s_total": round(sum(walls), 2),
        "wall_s_median": round(statistics.median(walls), 3) if walls else None,
    }


def district_summary(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per setting counts, and gap statistics over the days where both settings end feasible."""
    compared = [r for r in records if r["gap_pct"] is not None]
    gaps = [r["gap_pct"] for r in compared]
    prize_gaps = [r["prize_gap_pct"] for r in compared if r["prize_gap_pct"] is not None]
    return {
        "problems": len(records),
        "repair_day_problems": sum(1 for r in records if r["repair_day"]),
        "distinct_problems": sum(1 for r in records if r["same_villages_as"] is None),
        "villages": sum(r["villages"] for r in records),
        "product": _setting_summary(records, "product"),
        "reference": _setting_summary(records, "reference"),
        "compared_both_feasible": len(compared),
        "not_compared": [r["problem"] for r in records if r["gap_pct"] is None],
        **_stats(gaps, "_gap_pct_over_both_feasible"),
        **_stats(prize_gaps, "_prize_gap_pct_over_both_feasible"),
        "product_worse": sum(1 for g in gaps if g > 100 * TIE),
        "equal": sum(1 for g in gaps if abs(g) <= 100 * TIE),
        "reference_worse": sum(1 for g in gaps if g < -100 * TIE),
    }


def build_districts(districts: Sequence[str], folder: Path) -> list[DistrictDays]:
    """Every district's assigned days; ``info`` adds the district's name, village source and build time."""
    built: list[DistrictDays] = []
    for d in districts:
        t0 = time.perf_counter()
        campaign, source = district_campaign(folder / d, d)
        dd = district_days(campaign, d)
        info = {"name": campaign.geography.districts[0].name_en, "village_source": source.note,
                **dd.info, "build_s": round(time.perf_counter() - t0, 1)}
        built.append(replace(dd, info=info))
    return built


def _same_villages(cases: Sequence[DayCase]) -> list[str | None]:
    """Per case, the first earlier case of the same vehicle with the same villages (None if none)."""
    first: dict[tuple[str, frozenset[str]], str] = {}
    out: list[str | None] = []
    for c in cases:
        key = (c.job.vehicle.id, frozenset(c.job.codes))
        out.append(first.get(key))
        first.setdefault(key, c.name)
    return out


def compare_districts(built: Sequence[DistrictDays], iterations: int, jobs: int,
                      factor: int = REFERENCE_FACTOR) -> dict[str, Any]:
    """Every day problem of the built districts, product setting against reference: the family's document.

    The product setting runs first, here and in the product's order (its
    results decide the repair days), then the reference over ``jobs`` workers.

    Parameters
    ----------
    built : sequence of DistrictDays
        From :func:`build_districts`.
    iterations : int
        The product setting's PyVRP iterations per day (``DAY_ITERATIONS``).
    jobs : int
        Forked worker processes for the reference (each day problem runs single-threaded).
    factor : int
        The reference runs ``factor * iterations``.

    Returns
    -------
    dict
        Definitions, per district what was built, one record per day problem,
        and summaries per district and over all.
    """
    t0 = time.perf_counter()
    solved = [pair for dd in built for pair in product_days(dd, iterations)]
    t1 = time.perf_counter()
    cases = [case for case, _ in solved]
    refs = fork_map(solve_reference, [(i, factor * iterations) for i in range(len(cases))], shared=cases,
                    workers=jobs)
    records = [day_record(case, prod, ref, same)
               for (case, prod), ref, same in zip(solved, refs, _same_villages(cases))]
    return {
        "objective_definition": OBJECTIVE_DEFINITION,
        "gap_definition": GAP_DEFINITION,
        "setting_definition": SETTING_DEFINITION,
        "scope": "every vehicle-day plan_tours solves (defaults: passes from the scenario's targets, prizes from "
                 "households, no day budget): the assigned days and the repair days its product-setting solve "
                 "queues for villages that did not fit",
        "product_iterations": iterations,
        "reference_iterations": factor * iterations,
        "product_runs": "one at a time, in the product's order",
        "reference_parallel_runs": jobs,
        "threads_per_run": 1,
        "product_wall_s": round(t1 - t0, 1),
        "reference_wall_s": round(time.perf_counter() - t1, 1),
        "districts": {dd.district: dict(dd.info) for dd in built},
        "results": records,
        "summary_by_district": {dd.district: district_summary([r for r in records if r["district"] == dd.district])
                                for dd in built},
        "summary": district_summary(records),
    }


def run_district_days(districts: Sequence[str], iterations: int, jobs: int) -> dict[str, Any]:
    """The district-days family (see :func:`compare_districts`), or why it is skipped."""
    if not GEODATA.is_dir():
        return {"skipped": f"no {GEODATA}"}
    with tempfile.TemporaryDirectory(prefix="routing-bench-") as tmp:
        built = build_districts(districts, Path(tmp))
    return compare_districts(built, iterations, jobs)


# --------------------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--families", default=",".join(FAMILIES), help=f"comma-separated, of {', '.join(FAMILIES)}")
    ap.add_argument("--quick", action="store_true", help=f"districts {QUICK_DISTRICTS}; {len(QUICK)} classic at 5 s")
    ap.add_argument("--districts", default="", help=f"district-days: codes (default {','.join(DISTRICTS)})")
    ap.add_argument("--iterations", type=int, default=DAY_ITERATIONS, help="district-days: product's per day")
    ap.add_argument("--time-limit", type=float, default=30.0, help="classic: seconds per instance and engine")
    ap.add_argument("--instances", default="", help="classic: comma-separated names (default: 17 instances)")
    ap.add_argument("--engines", default="pyvrp,ortools,nearest", help="classic: engines")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (each single-threaded)")
    ap.add_argument("--seed", type=int, default=1, help="classic: solver seed (district days use the campaign's)")
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON document to this file")
    return ap


def _split(text: str) -> list[str]:
    """The non-empty items of a comma-separated option."""
    return [s.strip() for s in text.split(",") if s.strip()]


def benchmark(a: argparse.Namespace) -> dict[str, Any]:
    """The JSON document of the families asked for."""
    families = _split(a.families)
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise SystemExit(f"unknown families {unknown}; choose from {', '.join(FAMILIES)}")
    doc: dict[str, Any] = {"families": families}
    if "district-days" in families:
        districts = _split(a.districts) or list(QUICK_DISTRICTS if a.quick else DISTRICTS)
        doc["district_days"] = run_district_days(districts, a.iterations, a.jobs)
    classic = [f for f in families if f != "district-days"]
    if classic:
        names = [n for n in (_split(a.instances) or (QUICK if a.quick else DEFAULT)) if family_of(n) in classic]
        limit = 5.0 if a.quick and a.time_limit == 30.0 else a.time_limit
        doc["classic"] = run_classic(names, _split(a.engines), limit, a.jobs, a.seed)
    return doc


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON document."""
    a = _parser().parse_args(argv)
    doc = benchmark(a) if SHARED.is_dir() else {"skipped": f"no {SHARED} (../shared next to the repository)"}
    text = json.dumps(doc, indent=1)
    print(text)
    if a.out is not None:
        a.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
