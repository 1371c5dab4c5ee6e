"""Benchmark of the reach simulator; prints one JSON document.

Measures (1) household-replications and uniform draws per second on one core
(median of repeats, one 2,000-household village, 1 door round + callback +
2 loudspeaker passes + banner + leaflets), (2) peak memory, and (3) a
national run: every village of ``../shared/geodata/villages_national.csv``
with one door round and two loudspeaker passes per commune (straight timed
paths through the commune's villages), 100 replications on 2 workers.

Run from the repository root::

    .venv/bin/python benchmarks/simulation.py [--replications 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outreach.geo import to_utm  # noqa: E402
from outreach.households import synthesize_households  # noqa: E402
from outreach.model import Calendar, Campaign, Geography, Outing, Plan, Stop, VehicleDay, Village  # noqa: E402
from outreach.parameters import DEFAULT_SEED, resolve  # noqa: E402
from outreach.simulate import (  # noqa: E402
    SimulationOptions,
    bare_campaign,
    bare_geography,
    bare_plan,
    plan_exposures,
    simulate_detailed,
    simulate_village,
)

START = dt.date(2024, 1, 8)  # a Monday
WEEKS = 8


def load_geography(csv: Path) -> Geography:
    """Villages with coordinates and households, projected to EPSG:32648."""
    import pandas as pd

    df = pd.read_csv(csv, dtype={"village_code": str, "commune_code": str})
    df = df.dropna(subset=["lat", "lon", "households_2008"])
    df = df[df["households_2008"] > 0].sort_values("village_code").reset_index(drop=True)
    x, y = to_utm(df["lon"].to_numpy(), df["lat"].to_numpy())
    return bare_geography([
        Village(
            code=r.village_code,
            name_en=str(r.village_name_en),
            name_kh="",
            sangkat_code=r.commune_code,
            district_code=r.commune_code[:4],
            province_code=r.commune_code[:2],
            lon=float(r.lon),
            lat=float(r.lat),
            x_m=float(xx),
            y_m=float(yy),
            households=int(r.households_2008),
            population=int(r.population_2008) if r.population_2008 == r.population_2008 else 0,
        )
        for r, xx, yy in zip(df.itertuples(index=False), x, y)
    ])


def make_campaign(geo: Geography) -> Campaign:
    return bare_campaign(geo, resolve(), Calendar(START, WEEKS), seed=DEFAULT_SEED, name="benchmark")


def make_plan(campaign: Campaign, *, passes: int = 2, callbacks: bool = False, banners: bool = False) -> Plan:
    """One door round per village, ``passes`` straight loudspeaker passes per commune."""
    geo = campaign.geography
    days = campaign.calendar.working_days(weekdays=frozenset(range(5)))
    speed = campaign.params["loudspeaker.broadcast_speed_kmh"] / 3.6
    outings = []
    for i, v in enumerate(geo.villages):
        date = days[i % len(days)]
        slot = ("morning", "afternoon")[i % 2]
        outings.append(Outing(f"p{i % 500}", date, slot, ((v.code, v.households),)))
        if callbacks:
            callback_day = days[(i + 7) % len(days)]
            outings.append(Outing(f"p{i % 500}", callback_day, "evening", ((v.code, v.households),), "callback"))
    tours = []
    for j, s in enumerate(geo.sangkats):
        vs = sorted(geo.villages_in(s.code), key=lambda v: v.x_m)
        if not vs:
            continue
        xy = np.array([[v.x_m, v.y_m] for v in vs])
        xy = np.vstack([xy[0] - [300.0, 0.0], xy, xy[-1] + [300.0, 0.0]])
        t = 8 * 3600 + np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T) / speed)])
        ll = np.array([[vs[0].lon - 0.003, vs[0].lat]] + [[v.lon, v.lat] for v in vs]
                      + [[vs[-1].lon + 0.003, vs[-1].lat]])
        path = tuple((float(a), float(b), float(c)) for (a, b), c in zip(ll, t))
        stops = tuple(Stop(v.code, float(t[0]), float(t[-1])) for v in vs)
        for p in range(passes):
            date = days[(j + 10 * p) % len(days)]
            tours.append(VehicleDay(f"t{j}", date, stops, path, (True,) * len(path), 0.0, float(t[-1] - t[0]), 0.0))
    return bare_plan(
        campaign.name, outings=outings, days=tours,
        banners={v.code: 1 for v in geo.villages} if banners else None,
        leaflets=geo.households // 5 if banners else 0,
        door_rounds={v.code: 1 for v in geo.villages},
        passes={s.code: passes for s in geo.sangkats},
    )


def planes_per_replication(ex, v: int) -> int:
    """32-bit uniform planes (one draw per household) used per replication for village ``v``."""
    ve = ex.villages[v]
    occ = {(d.date, d.slot) for d in ve.door} | {(e.date, int(s)) for e in ve.loudspeaker for s in np.unique(e.slot)}
    # propensity+baseline, occasions, forums, banner, leaflets (one plane for the door's, one per forum), word of mouth
    return 2 + len(occ) + ve.forums + (ve.banner_t > 0) + (ve.leaflet > 0) * (bool(ve.door) + ve.forums)


def micro(repeats: int = 5, households: int = 2000, replications: int = 500) -> dict[str, float]:
    """Single-core throughput on one village."""
    geo = bare_geography([Village("01020101", "bench", "", "010201", "0102", "01", 104.0, 12.5,
                                  *to_utm(104.0, 12.5), households)])
    camp = make_campaign(geo)
    plan = make_plan(camp, callbacks=True, banners=True)
    hh = synthesize_households(geo, camp.params, seed=camp.seed)
    ex = plan_exposures(camp, plan, hh)
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        simulate_village(ex, 0, replications, camp.seed)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t, c = statistics.median(times), statistics.median(cpu)
    hr = households * replications
    # CPU seconds, not wall: the per-core rate should not depend on other load on the machine
    return {
        "household_replications_per_s_per_core": hr / c,
        "uniform_draws_per_s_per_core": hr * planes_per_replication(ex, 0) / c,
        "planes_per_household_replication": planes_per_replication(ex, 0),
        "seconds_median_wall": t,
        "seconds_median_cpu": c,
        "households": households,
        "replications": replications,
    }


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def national(csv: Path, replications: int, workers: int) -> dict[str, float]:
    t0 = time.perf_counter()
    geo = load_geography(csv)
    camp = make_campaign(geo)
    plan = make_plan(camp)
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    hh = synthesize_households(geo, camp.params, seed=camp.seed)
    t_hh = time.perf_counter() - t1
    t2 = time.perf_counter()
    m2, k2 = time.process_time(), _children_cpu()
    res = simulate_detailed(camp, plan, SimulationOptions(replications=replications, households=hh, workers=workers))
    t_sim = time.perf_counter() - t2
    cpu_main, cpu_workers = time.process_time() - m2, _children_cpu() - k2
    cpu_sim = cpu_main + cpu_workers
    t3 = time.perf_counter()
    ex = plan_exposures(camp, plan, hh)  # the geometry step alone, one process
    t_ex = time.perf_counter() - t3
    counts = hh.count_by_village()
    draws = replications * sum(int(counts[v]) * planes_per_replication(ex, v) for v in range(len(counts)))
    r = res.reach
    return {
        "villages": len(geo.villages),
        "households": hh.n,
        "replications": replications,
        "workers": workers,
        "vehicle_days": len(plan.tours.days),
        "outings": len(plan.roster.outings),
        "seconds_load_and_plan": t_load,
        "seconds_households": t_hh,
        "seconds_plan_exposures_serial": t_ex,
        "seconds_simulate_wall": t_sim,
        "seconds_simulate_cpu": cpu_sim,
        "seconds_simulate_cpu_main_process": cpu_main,
        "seconds_simulate_cpu_workers": cpu_workers,
        # what the wall time would be on idle cores: serial part + worker CPU shared out
        "seconds_simulate_idle_estimate": cpu_main + cpu_workers / workers,
        "seconds_total_wall": t_load + t_hh + t_sim,
        "household_replications_per_s_per_core": hh.n * replications / cpu_sim,
        "uniform_draws_per_s_per_core": draws / cpu_sim,
        "load_average_1min": os.getloadavg()[0],
        "households_reached_mean": r.households_reached.mean,
        "households_reached_p05": r.households_reached.p05,
        "households_reached_p95": r.households_reached.p95,
        "households_aware_mean": r.households_aware.mean,
        "exposure_by_channel": dict(r.exposure_by_channel),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--csv", default=str(ROOT.parent / "shared" / "geodata" / "villages_national.csv"))
    args = ap.parse_args()
    csv = Path(args.csv)
    if not csv.exists():
        print(json.dumps({"skipped": f"{csv} not found"}))
        return
    import tracemalloc

    out: dict[str, object] = {"cpu_count": os.cpu_count()}
    tracemalloc.start()
    out["micro"] = micro()
    out["micro_peak_traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    out["national"] = national(csv, args.replications, args.workers)
    # ru_maxrss is KiB on Linux; children = the worker processes
    out["peak_rss_mb_main"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_rss_mb_worker"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out["targets"] = {"draws_per_s_per_core": 1e8, "national_seconds_on_2_cores": 30}
    print(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
