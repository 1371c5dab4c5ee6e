"""A real district planned as a working group would: prints one JSON document (time, mix, attribution).

Builds the scenario folder with ``outreach init`` and fills it from the 2008
census village points (``../shared/geodata/villages_national.csv``):
coordinates and households of every located village
(``skip_incomplete = true`` leaves the others out), ``--volunteers``
volunteers of whom 5 in 12 are women (Friday afternoon and evening, Saturday
morning and afternoon, Sunday morning; 2 or 3 outings a week, homes spread
over the located villages), the budget and weeks given, no OWSO position (the
district's centre stands in). Then runs ``outreach plan SCENARIO --out plan
--no-pdf --replications R`` in a fresh process and reports its wall time,
the budget by channel, what it buys, and the aware households by the channel
that made them aware (``summary.json`` ``reach.aware_by_first_channel_shares``).

Run from the repository root, e.g. the Samraong Tong recipe of the README::

    .venv/bin/python benchmarks/real_district.py --district 0507 --out /tmp/r0507
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTREACH = Path(sys.executable).with_name("outreach")
VOLUNTEER_FIELDS = ("id", "name", "sex", "home_village", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
                    "outings_per_week", "first_date", "last_date", "phone", "fixed_pair")


def _fill_villages(folder: Path, national: Path) -> list[str]:
    """Coordinates and households from the census points; returns the located village codes."""
    with national.open(encoding="utf-8-sig", newline="") as f:
        points = {r["village_code"]: r for r in csv.DictReader(f)}
    path = folder / "villages.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    located = []
    for r in rows:
        p = points.get(r["village_code"])
        if p and p["lat"] and p["households_2008"]:
            r.update(lat=p["lat"], lon=p["lon"], households=p["households_2008"])
            located.append(r["village_code"])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return located


def _write_volunteers(folder: Path, homes: list[str], n: int) -> None:
    spread = homes[:: max(1, len(homes) // n)][:n]
    with (folder / "volunteers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(VOLUNTEER_FIELDS)
        for i in range(n):
            w.writerow([f"V{i + 1:02d}", f"Volunteer {i + 1}", "F" if i % 12 < 5 else "M", spread[i % len(spread)],
                        "", "", "", "", "afternoon evening", "morning afternoon", "morning", 2 + i % 2,
                        "", "", "", ""])


def _edit_scenario(folder: Path, budget: float, weeks: int) -> None:
    path = folder / "scenario.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("skip_incomplete = false", "skip_incomplete = true"),
                     ("limit_usd = 5000", f"limit_usd = {budget:g}"), ("weeks = 12", f"weeks = {weeks}")):
        if old not in text:
            raise SystemExit(f"{path}: expected '{old}' in the file outreach init writes")
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--district", default="0507")
    ap.add_argument("--out", required=True, help="a new folder for the scenario and its plan")
    ap.add_argument("--villages", default=str(ROOT.parent / "shared" / "geodata" / "villages_national.csv"))
    ap.add_argument("--volunteers", type=int, default=24)
    ap.add_argument("--budget", type=float, default=8000.0)
    ap.add_argument("--weeks", type=int, default=12)
    ap.add_argument("--replications", type=int, default=40)
    args = ap.parse_args(argv)
    folder = Path(args.out)
    subprocess.run([str(OUTREACH), "init", args.district, str(folder)], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL)
    located = _fill_villages(folder, Path(args.villages))
    _write_volunteers(folder, located, args.volunteers)
    _edit_scenario(folder, args.budget, args.weeks)
    t0 = time.perf_counter()
    run = subprocess.run([str(OUTREACH), "plan", str(folder / "scenario.toml"), "--out", str(folder / "plan"),
                          "--no-pdf", "--replications", str(args.replications)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    doc: dict[str, object] = {"district": args.district, "villages_located": len(located),
                              "volunteers": args.volunteers, "budget_usd": args.budget, "weeks": args.weeks,
                              "replications": args.replications, "wall_s": round(wall, 1),
                              "exit_code": run.returncode}
    if run.returncode != 0:
        doc["error"] = run.stderr[-2000:]
    else:
        summary = json.loads((folder / "plan" / "summary.json").read_text(encoding="utf-8"))
        plan = summary["plan"]
        doc.update(budget_by_channel=summary["budget"]["by_channel"], planned_usd=summary["budget"]["planned_usd"],
                   door_to_door_outings=plan["door_to_door_outings"], loudspeaker_days=plan["loudspeaker_days"],
                   forums=plan["forums"], banners=plan["banners"], leaflets=plan["leaflets"],
                   households_aware=summary["reach"]["households_aware"],
                   aware_by_first_channel_shares=summary["reach"]["aware_by_first_channel_shares"])
    print(json.dumps(doc, indent=1, ensure_ascii=False))
    return 0 if run.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
