"""Calibration benchmark: how long ``outreach calibrate`` takes on the API 2012 campaign, stage by stage.

Usage (from the repository root)::

    .venv/bin/python benchmarks/calibration.py
    .venv/bin/python benchmarks/calibration.py --design 32 --particles 300 --no-loo

Prints one JSON document: the settings, the wall time of each stage
(planning the grid of campaign lengths, the closed-form design, ABC-SMC with
the leave-one-out fits, the closed-form and Monte Carlo check), the closed
form's seconds per evaluation, ABC's simulations, the emulator's error per
figure and the check's largest relative differences. Nothing is written.

Target (issue 15): the shipped posterior (``make posterior``) in a few
minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from scenarios.calibration import Settings, calibrate

    ap = argparse.ArgumentParser()
    ap.add_argument("--observed", default=str(ROOT / "scenarios" / "api-2012" / "observed.csv"))
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "api-2012.toml"))
    ap.add_argument("--design", type=int, default=Settings.design)
    ap.add_argument("--particles", type=int, default=Settings.particles)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-loo", action="store_true", help="skip the leave-one-out fits")
    a = ap.parse_args()
    s = Settings(design=a.design, particles=a.particles, workers=a.workers, leave_one_out=not a.no_loo)
    cal = calibrate(a.observed, a.scenario, s)
    evals = 2 * s.design  # a full and a volunteers-and-materials-only closed form per design point
    checks = cal.checks.get("quantities", {})
    print(json.dumps({
        "settings": {"design": s.design, "particles": s.particles, "generations": s.generations,
                     "weeks_grid": list(s.weeks_grid), "workers": s.workers, "leave_one_out": s.leave_one_out,
                     "cpus": os.cpu_count()},
        "timings_s": cal.timings,
        "closed_form_s_per_evaluation_per_worker": round(cal.timings["design_s"] * s.workers / evals, 3),
        "abc_simulations": cal.population.simulations,
        "abc_generations": len(cal.population.epsilons) - 1,
        "emulator_rmse": cal.emulator["figure_rmse"],
        "check_max_rel_diff": {q: {"emulator": v["max_rel_diff_emulator"], "monte_carlo": v["max_rel_diff_monte_carlo"]}
                               for q, v in checks.items()},
    }, indent=2))


if __name__ == "__main__":
    main()
