"""Mutation score of the loaders, acoustics, response model and roster callback rules (``make mutants``).

Usage (from the repository root, after ``mutmut run``)::

    .venv/bin/python benchmarks/mutants.py --out benchmarks/out

Writes ``mutants.json`` and ``mutants.md`` under ``--out`` and prints the JSON. The score of a module is
(killed + timeout) / (mutants - equivalent): a timeout means the mutant made the tests hang, which they
noticed. Survivors and mutants no test reaches count against it. A mutant is excluded only when it is listed
in :data:`EQUIVALENT` with the reason it cannot change behaviour; listed names that no longer survive are
reported as ``stale_equivalents`` so the list does not rot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_DTYPE = ("dtype=float dropped or None: every caller passes numbers, and the arithmetic that follows gives "
          "the same float64 values (bool for the market/broadcast flags: the same truth values)")
_RESHAPE = "reshape(-2, k) instead of reshape(-1, k): numpy takes any negative size as 'infer', the same array"
_BLOCK = ("block size of the exposure loop: it only bounds memory; the same (point, segment) cells are summed, "
          "in the same order per point")
_GUARD = ("a guard the code after it makes redundant: with no usable segment the loop never runs and returns "
          "the same zeros and NaN mid-times")
_EDGE = ("a boundary that contributes nothing: at equality the chord is empty (lo == hi), or the segment has "
         "zero duration, so the extra cells add 0 s")
_MASKED = "an inner value masked by the outer np.where (entries with no exposure are NaN either way)"
_ERRSTATE = ("np.errstate arguments: the guarded division never divides by zero (seconds is replaced by 1 "
             "where it is 0), so the error state is never consulted")
_MAPKEY = ("default of rec.get(column, ...) for a column whose presence was checked first: the default is "
           "never used")
_ORIENT = "DataFrame.to_dict('RECORDS'): pandas reads the orient case-insensitively"
_FALSY = ("default of an optional column (None instead of ''): the code after it treats both alike "
          "('or' fallback, or parse_date's 'if not text')")
_ABSENT = ("default column name of an absent optional column (None/'XXXX' instead of ''): no row has such a key, "
           "so the cell reads '' either way")

_ZERO_SLOT = ("'=' for '+=' into new[s] for the never-contacted states: each is written once per event, into a "
              "slot of np.zeros_like, before the left leaflets are moved; adding to zero is assigning")
_FIT = ("_unit's early check that a value broadcasts to the units dropped: a value that does not gives a result "
        "axis at_units cannot broadcast to the units' shape, the same ValueError, raised later (tried for every "
        "event field and hand, at shapes (), (1,), (2,), (2, 2)); village_response_array never passes one")
_BROADCAST = ("ones over the units instead of (nodes, *units), or a division by ones: broadcasting in _poisson gives "
              "the same array")
_NODES = "the quadrature's node count: 48 is the default of beta_nodes, and 49 is only a finer quadrature"
_LOOP_OFF = ("one more loop turn in the scalar form: the extra round or pass is switched off by the counts "
             "(visit or gate 0), a no-op event")
_LEVEL0 = "2 x level for rounds too: rounds have level 0 (build_jobs), so their earliest day is their release"
_CUT = ("a window of the CP-SAT model: a cut that removes no optimal plan (see _round_windows; a callback's is "
        "implied by its round's window and the two-day precedence), so the optimum is the same")
_ONE_A_DAY = "'>=' for '>' between consecutive rounds: one outing a day already keeps them on different days"
_FALSY_GET = ("default of slot_lits.get(...) whose result is only tested for truth ('if mine and theirs'): None and "
              "[] are both false")
_ONE_SIDE = ("'or' for 'and': with one side empty the added constraint bounds one job's choices by 1, which its "
             "'placed' variable already does")
_TWICE = ("the greedy hint states the two-day rule twice (lo = day + 1 with s.day > lo, and s.day >= day + 2) and "
          "skips used days: weakening one of them changes nothing")

#: Mutants that cannot change behaviour, with the reason. Keys are mutmut's names (``mutmut show NAME``).
EQUIVALENT: dict[str, str] = {
    **{f"outreach.response.{f}__mutmut_{n}": _DTYPE for f, ns in {
        "x_retention": (7, 9), "x_banner_rates": (5, 7), "x__unit": (3, 5), "x_word_of_mouth": (7, 9, 18, 20, 23, 25),
        "x_final_awareness": (3, 5), "x__door_schedule": (4,), "x_village_response_array": (7, 9, 95, 207, 209),
    }.items() for n in ns},
    "outreach.response.x__door_states__mutmut_83": _ZERO_SLOT,
    "outreach.response.x__door_states__mutmut_26": ("six door states instead of five: the sixth is never written "
                                                    "nor read (every read names its states)"),
    **{f"outreach.response.x__unit__mutmut_{n}": _FIT for n in (8, 9)},
    **{f"outreach.response.x__add_banner__mutmut_{n}": _BROADCAST for n in (3, 33)},
    **{f"outreach.response.x_direct_response__mutmut_{n}": _NODES for n in (1, 8)},
    **{f"outreach.response.x_village_response__mutmut_{n}": _LOOP_OFF for n in (22, 29)},
    "optimizer.roster.schedule.x__job_vars__mutmut_22": _LEVEL0,
    **{f"optimizer.roster.schedule.x__job_vars__mutmut_{n}": _CUT for n in (30, 34, 35, 36, 40)},
    "optimizer.roster.schedule.x__add_precedence__mutmut_17": _ONE_A_DAY,
    **{f"optimizer.roster.schedule.x__add_precedence__mutmut_{n}": _FALSY_GET for n in (34, 36, 38, 40)},
    "optimizer.roster.schedule.x__add_precedence__mutmut_41": _ONE_SIDE,
    **{f"optimizer.roster.schedule.x__hint_greedy__mutmut_{n}": _TWICE for n in (32, 33, 56, 67)},
    **{f"outreach.acoustics.{f}__mutmut_{n}": _DTYPE for f, ns in {
        "x_ambient_dba": (13, 26, 28), "x_intelligible_radius_m": (12, 14), "x_distance_to_polyline_m": (7, 9, 19, 21),
        "x_exposure_seconds": (8, 10, 22, 24, 31, 33, 61, 63), "x_ground_attenuation_db": (8, 10),
        "x_speech_level_db": (14, 16), "x_radius_for_level": (5, 7)}.items() for n in ns},
    **{f"outreach.acoustics.{f}__mutmut_{n}": _RESHAPE
       for f, ns in {"x_distance_to_polyline_m": (11, 23), "x_exposure_seconds": (12, 35)}.items() for n in ns},
    **{f"outreach.acoustics.x_exposure_seconds__mutmut_{n}": _BLOCK for n in (1, 119, 125)},
    **{f"outreach.acoustics.x_exposure_seconds__mutmut_{n}": _GUARD for n in (41, 42, 76)},
    **{f"outreach.acoustics.x_exposure_seconds__mutmut_{n}": _EDGE for n in (73, 99, 169, 171)},
    **{f"outreach.acoustics.x_exposure_seconds__mutmut_{n}": _MASKED for n in (281, 283)},
    **{f"outreach.acoustics.x_exposure_seconds__mutmut_{n}": _ERRSTATE for n in (257, 258, 259, 260)},
    "outreach.acoustics.x_exposure_seconds__mutmut_108": (
        "safe_len of a stop (1.0 -> 2.0) is never read: a stop's share and position are the constants 1 and 0.5"),
    "outreach.acoustics.x_ground_attenuation_db__mutmut_11": (
        "distance clamp 1e-9 -> 1.000000001 m: the ground term is clipped to 0 below 22 m, so the clamp is unseen"),
    "outreach.acoustics.x_radius_for_level__mutmut_2": "61 bisection steps instead of 60: only a finer root",
    "outreach.acoustics.x_exposure_seconds__mutmut_151": "p[:, 1:3] of a two-column array is p[:, 1:2]",
    **{f"outreach.io.{n}": _ORIENT for n in (
        "costs.x_load_cost_overrides__mutmut_27", "progress.x_load_progress__mutmut_32",
        "volunteers.x_load_volunteers__mutmut_30", "villages.x_load_villages__mutmut_44",
        "villages.x_load_village_list__mutmut_43")},
    **{f"outreach.io.progress.x_load_progress__mutmut_{n}": _MAPKEY for n in (72, 74, 75, 102, 104, 107)},
    **{f"outreach.io.volunteers.x_load_volunteers__mutmut_{n}": _FALSY
       for n in (108, 110, 156, 158, 174, 176, 220, 222)},
    **{f"outreach.io.villages.x__census_counts__mutmut_{n}": _ABSENT for n in (15, 17, 19, 21, 22)},
    **{f"outreach.io.villages.x__village_row__mutmut_{n}": _ABSENT for n in (21, 23, 26, 55, 57, 60)},
    "outreach.io.villages.x__village_frame__mutmut_26": (
        "'or True' on 'geometry in columns': read_vector returns a GeoDataFrame, which always has that column"),
    "outreach.io.villages.x_load_sangkat_boundaries__mutmut_108": (
        "make_valid on an already valid polygon returns an equal polygon"),
    "outreach.io.tables.x__refuse_nul__mutmut_11": "bytes.count(sub, None, end) starts at 0 as count(sub, 0, end) does",
    **{f"outreach.io.tables.x_read_table__mutmut_{n}": (
        "encoding None (UTF-8) instead of 'utf-8-sig': a leading BOM then stays in the first header, where "
        "_clean_columns strips it") for n in (39, 44)},
    "outreach.io.tables.x_read_table__mutmut_48": "'UTF-8-SIG': Python's codec names are case-insensitive",
    "outreach.io.tables.x_read_table__mutmut_46": "skip_blank_lines=True dropped: it is read_csv's default",
    "outreach.io.tables.x_read_vector__mutmut_18": (
        "EPSG check 4327 instead of 4326: a 4326 layer is then passed through to_crs(4326), which changes nothing"),
    "outreach.io.tables.x_read_vector__mutmut_21": (
        "to_crs(4327), WGS 84 geographic 3D: the same datum, so the same longitudes and latitudes as 4326"),
    "outreach.acoustics.x_radius_for_level__mutmut_26": (
        "'>' for '>=' in the bisection: the level is continuous, so equality at a midpoint does not occur"),
}

_LINE = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")
_KILLED = {"killed", "timeout", "caught by type check"}


def parse_results(text: str) -> dict[str, str]:
    """``{mutant name: status}`` from the output of ``mutmut results --all true``."""
    return {m["name"]: m["status"].strip() for line in text.splitlines() if (m := _LINE.match(line))}


def module_of(name: str) -> str:
    """The dotted module of a mutant: ``outreach.io.tables.x_parse_number__mutmut_3`` -> ``outreach.io.tables``."""
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]


def score(results: dict[str, str], equivalent: dict[str, str]) -> dict:
    """Counts and score per module and overall; the survivors by name."""
    per: dict[str, Counter] = {}
    survivors = []
    for name, status in sorted(results.items()):
        c = per.setdefault(module_of(name), Counter())
        c["total"] += 1
        if name in equivalent and status not in _KILLED:
            c["equivalent"] += 1
        elif status in _KILLED:
            c["killed"] += 1
            c["timeout"] += status == "timeout"
        else:
            c["survived"] += 1
            survivors.append({"name": name, "status": status})
    modules = {m: _row(c) for m, c in sorted(per.items())}
    overall = _row(sum(per.values(), Counter()))
    stale = sorted(n for n in equivalent if results.get(n) in _KILLED or n not in results)
    return {"modules": modules, "overall": overall, "survivors": survivors,
            "equivalents": [{"name": n, "reason": r} for n, r in sorted(equivalent.items()) if n not in stale],
            "stale_equivalents": stale}


def _row(c: Counter) -> dict:
    counted = c["total"] - c["equivalent"]
    return {"total": c["total"], "equivalent": c["equivalent"], "killed": c["killed"], "timeout": c["timeout"],
            "survived": c["survived"], "score_pct": round(100.0 * c["killed"] / counted, 1) if counted else None}


def markdown(report: dict) -> str:
    """The score table as README shows it."""
    lines = [f"Run {report['date']}: `{report['command']}`", "",
             "| module | mutants | equivalent | killed | survived | score |", "|---|---:|---:|---:|---:|---:|"]
    rows = [*report["modules"].items(), ("**all**", report["overall"])]
    for mod, r in rows:
        lines.append(f"| {mod} | {r['total']} | {r['equivalent']} | {r['killed']} | {r['survived']} | "
                     f"{r['score_pct']} % |")
    if report["survivors"]:
        lines += ["", "Survivors: " + ", ".join(f"`{s['name']}` ({s['status']})" for s in report["survivors"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutmut", default=str(Path(sys.executable).with_name("mutmut")), help="the mutmut executable")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = ap.parse_args(argv)
    text = subprocess.run([args.mutmut, "results", "--all", "true"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout
    results = parse_results(text)
    if not results:
        print("no mutmut results: run `make mutants` (or `mutmut run`) first", file=sys.stderr)
        return 1
    report = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "command": "make mutants",
              **score(results, EQUIVALENT)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "mutants.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "mutants.md").write_text(markdown(report), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("date", "modules", "overall", "stale_equivalents")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
