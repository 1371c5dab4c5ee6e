"""CLI start-up benchmark: how fast ``outreach`` answers before any planning; prints one JSON document.

Usage (from the repository root)::

    .venv/bin/python benchmarks/cli_start.py                 # 7 repeats per case
    .venv/bin/python benchmarks/cli_start.py --repeats 15

Each repeat is a fresh process of the installed ``outreach`` command, as a user
runs it: ``--help``; ``plan`` on a scenario file that does not exist; ``plan``
on a file that is not valid TOML (an input error found while reading the
scenario). Reported per case: the median, least and largest wall seconds, the
exit codes seen (0 for help, 2 for the two errors: a run with another code is
counted as a failure, never dropped), and the load average before and after.

Target (issue #17): each case answers in under 1 s (median) on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0


def _outreach() -> str:
    """The ``outreach`` command beside this Python (the project's venv), else on PATH."""
    here = Path(sys.executable).with_name("outreach")
    found = str(here) if here.exists() else shutil.which("outreach")
    if found is None:
        raise SystemExit("the outreach command is not installed: run `make install` first")
    return found


def _cases(tmp: Path) -> dict[str, tuple[list[str], int]]:
    """Case name -> (arguments, expected exit code)."""
    bad = tmp / "bad.toml"
    bad.write_text("[scenario\nname = \n", encoding="utf-8")
    return {
        "help": (["--help"], 0),
        "missing_scenario": (["plan", str(tmp / "missing.toml"), "--out", str(tmp / "out1")], 2),
        "invalid_toml": (["plan", str(bad), "--out", str(tmp / "out2")], 2),
    }


def _time_case(cmd: list[str], expected: int, repeats: int) -> dict[str, object]:
    """Wall seconds of ``repeats`` fresh runs; runs with another exit code are failures."""
    walls: list[float] = []
    codes: list[int] = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        codes.append(done.returncode)
    median = statistics.median(walls)
    failures = sum(c != expected for c in codes)
    return {"median_s": round(median, 3), "min_s": round(min(walls), 3), "max_s": round(max(walls), 3),
            "exit_codes": sorted(set(codes)), "expected_exit": expected, "failures": failures,
            "within_target": failures == 0 and median < TARGET_S}


def main(argv: list[str] | None = None) -> int:
    """Time every case and print the JSON document."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    exe = _outreach()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: _time_case([exe, *a], code, args.repeats)
                   for name, (a, code) in _cases(Path(tmp)).items()}
    doc = {"benchmark": "cli_start", "target_s": TARGET_S, "repeats": args.repeats, "cores": os.cpu_count(),
           "load_before": [round(x, 2) for x in load_before],
           "load_after": [round(x, 2) for x in os.getloadavg()], "cases": results}
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
