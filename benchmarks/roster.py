"""Roster benchmark: the CP-SAT roster against the round-robin baseline on the demo.

Usage (from the repository root)::

    .venv/bin/python benchmarks/roster.py                 # all villages 1 round + greedy allocation
    .venv/bin/python benchmarks/roster.py --pdf           # also time write_schedules with PDFs
    .venv/bin/python benchmarks/roster.py --time-limit 10

Prints one JSON document. Scenario: ``scenarios/demo.toml`` (35 volunteers,
155 villages, 12 weeks). Allocations: ``all_one_round`` (every village gets
exactly one door-to-door round: capacity is short, so the roster must be
PARTIAL and the check is that every pair's capacity is used by rounds) and
``greedy`` (``optimizer.allocation.greedy_allocation``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _figures(campaign, allocation, roster, seconds: float) -> dict:
    from optimizer.roster import callback_shares, capacity_outings

    geo = campaign.geography
    vols = {v.id: v for v in campaign.volunteers}
    need = {c: geo.village_by_code[c].households * int(n) for c, n in allocation.door_rounds_by_village.items()
            if int(n) > 0}
    placed = Counter()
    for o in roster.outings:
        if o.kind == "round":
            for c, n in o.visits:
                placed[c] += n
    per_pair = Counter(o.pair_id for o in roster.outings)
    loads = [per_pair.get(p.id, 0) for p in roster.pairs]
    rounds_pp = Counter(o.pair_id for o in roster.outings if o.kind == "round")
    # "every feasible round placed": a pair either has no round left or no outing left
    left_by_pair = Counter()
    for p in roster.pairs:
        for c in p.villages:
            left_by_pair[p.id] += max(0, need.get(c, 0) - placed.get(c, 0))
    saturated = []
    for p in roster.pairs:
        cap = capacity_outings(campaign, tuple(vols[m] for m in p.members))
        saturated.append(left_by_pair[p.id] == 0 or per_pair.get(p.id, 0) >= cap)
    cbs = [o for o in roster.outings if o.kind == "callback"]
    expected_cb = sum(need.values()) * sum(callback_shares(campaign))
    return {
        "time_s": round(seconds, 2),
        "strategy": roster.strategy,
        "status": roster.status,
        "pairs": len(roster.pairs),
        "trios": sum(len(p.members) == 3 for p in roster.pairs),
        "round_household_visits_needed": sum(need.values()),
        "unmet_households": roster.unmet_households,
        "unmet_villages": sum(1 for c, n in need.items() if placed.get(c, 0) < n),
        "round_outings": sum(rounds_pp.values()),
        "callback_outings": len(cbs),
        "callback_households_placed": sum(o.households for o in cbs),
        "callback_households_expected": round(expected_cb),
        "outings_per_pair": {"min": min(loads), "max": max(loads), "mean": round(statistics.mean(loads), 2),
                             "stdev": round(statistics.pstdev(loads), 2)},
        "every_feasible_round_placed": all(saturated),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="plan_roster time_limit_s")
    ap.add_argument("--pdf", action="store_true", help="also time write_schedules (HTML, PDF, XLSX, ICS)")
    args = ap.parse_args(argv)

    from optimizer.allocation import greedy_allocation
    from optimizer.roster import plan_roster, round_robin_roster
    from outreach.scenario import load_campaign

    t0 = time.perf_counter()
    campaign = load_campaign(ROOT / "scenarios" / "demo.toml")
    load_s = time.perf_counter() - t0
    greedy = greedy_allocation(campaign)
    all_one = replace(greedy, door_rounds_by_village={v.code: 1 for v in campaign.geography.villages},
                      strategy="all-one-round")
    out: dict = {"scenario": "scenarios/demo.toml", "volunteers": len(campaign.volunteers),
                 "villages": len(campaign.geography.villages), "weeks": campaign.calendar.weeks,
                 "load_s": round(load_s, 2), "time_limit_s": args.time_limit, "results": {}}
    roster = None
    for name, alloc in (("all_one_round", all_one), ("greedy", greedy)):
        t = time.perf_counter()
        roster = plan_roster(campaign, alloc, time_limit_s=args.time_limit)
        cp = _figures(campaign, alloc, roster, time.perf_counter() - t)
        t = time.perf_counter()
        rr = round_robin_roster(campaign, alloc)
        base = _figures(campaign, alloc, rr, time.perf_counter() - t)
        out["results"][name] = {"cp_sat": cp, "round_robin": base}
        if name == "all_one_round" and args.pdf:
            from outreach.schedules import write_schedules

            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter()
                files = write_schedules(campaign, roster, Path(d), pdf=False)
                html_s = time.perf_counter() - t
                t = time.perf_counter()
                files = write_schedules(campaign, roster, Path(d) / "with_pdf")
                out["schedules"] = {"pairs": len(roster.pairs), "files": len(files),
                                    "pdfs": sum(f.suffix == ".pdf" for f in files),
                                    "pdf_pages": len(roster.pairs) * campaign.calendar.weeks,
                                    "write_without_pdf_s": round(html_s, 2),
                                    "write_with_pdf_s": round(time.perf_counter() - t, 2)}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
