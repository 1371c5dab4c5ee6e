"""Sensitivity benchmark: how long ``outreach sensitivity`` takes on a scenario, stage by stage.

Usage (from the repository root)::

    .venv/bin/python benchmarks/sensitivity.py
    .venv/bin/python benchmarks/sensitivity.py --scenario scenarios/demo.toml --design 160 --strategy greedy

Prints one JSON document: the settings, the load average, the wall time of
planning the scenario once and of the analysis (closed-form design,
emulators, Sobol indices), the closed form's seconds per evaluation per
worker (two outputs per design point), and each emulator's leave-one-out
Q2. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from outreach.scenario import load_campaign
    from scenarios.sensitivity import Settings, analyse, plan_once

    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "demo.toml"))
    ap.add_argument("--design", type=int, default=Settings.design)
    ap.add_argument("--samples", type=int, default=Settings.samples)
    ap.add_argument("--strategy", default=Settings.strategy)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    s = Settings(design=a.design, samples=a.samples, strategy=a.strategy, workers=a.workers)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    fp = plan_once(load_campaign(a.scenario), s)
    t1 = time.perf_counter()
    sens = analyse(fp, s)
    t2 = time.perf_counter()
    print(json.dumps({
        "settings": {"scenario": a.scenario, "design": s.design, "samples": s.samples, "strategy": s.strategy,
                     "workers": s.workers, "inputs": len(sens.inputs), "cpus": os.cpu_count()},
        "load_average": [round(load0, 1), round(os.getloadavg()[0], 1)],
        "timings_s": {"plan": round(t1 - t0, 1), "analyse": round(t2 - t1, 1), "total": round(t2 - t0, 1)},
        "closed_form_s_per_point_per_worker": round((t2 - t1) * s.workers / (s.design + 1), 2),
        "emulator_q2": {k: round(o.surrogate.q2, 4) for k, o in sens.outputs.items()},
    }, indent=2))


if __name__ == "__main__":
    main()
