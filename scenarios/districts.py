"""Many districts at once: plan each district of a village file independently, by a resource rule.

Every district gets its own scenario folder (``OUT/districts/CODE/``:
``scenario.toml`` and the located villages as ``villages.csv``), so any one
of them can be re-planned later with ``outreach plan``. Resources come from
the sweep file's rule (volunteers per 1,000 households, budget per household,
weeks, start date). A district with too few located villages is skipped with
a note giving the share located.

Executors: forked local processes (default), or Dask distributed on a
``LocalCluster`` (``workers``) or an existing scheduler (``scheduler``). Each
district's plan is deterministic, so every executor gives the same results.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from outreach.errors import InputError
from outreach.model import Band

from .pipeline import PlanOptions

Progress = Callable[[str], None]


class Rule(BaseModel):
    """The sweep file's ``[rule]``: how each district's resources follow from its households."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    volunteers_per_1000_households: float = Field(default=2.0, gt=0, le=100)
    women_share: float = Field(default=0.4, ge=0, le=1)
    budget_usd_per_household: float = Field(default=0.3, gt=0, le=100)
    budget_min_usd: float = Field(default=1000.0, ge=0, le=1_000_000)
    weeks: int = Field(default=8, ge=1, le=52)
    start: dt.date = dt.date(2027, 1, 4)
    seed: int = Field(default=201212, ge=0, le=2**31 - 1)
    min_villages: int = Field(default=10, ge=1)
    min_located_share: float = Field(default=0.5, ge=0, le=1)


def load_rules(path: str | Path | None) -> Rule:
    """Read the sweep file's ``[rule]`` (defaults without a file)."""
    if path is None:
        return Rule()
    p = Path(path)
    if not p.is_file():
        raise InputError("the sweep file does not exist", file=str(p))
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        return Rule.model_validate(raw.get("rule", {}))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(p)) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(str(err["msg"]), file=str(p), field="rule." + ".".join(str(x) for x in err["loc"])) from None


@dataclass(frozen=True)
class DistrictJob:
    """One district to plan: its scenario and villages as text (a Dask worker on another machine needs no files).

    ``scenario`` is where :func:`select_districts` also wrote them for the user.
    """

    code: str
    name: str
    scenario: str
    scenario_text: str
    villages_csv: str
    listed: int
    located: int
    households: int
    volunteers: int
    budget_usd: float
    repeated: int = 0  # located rows left out: their village code repeats an earlier located row's

    @property
    def note(self) -> str | None:
        """What the district's village list lost before planning (None when nothing)."""
        if not self.repeated:
            return None
        return (f"{self.code} {self.name}: {self.repeated} located village row(s) left out: their village code "
                "repeats an earlier row's in the village file (the first kept)")


@dataclass(frozen=True)
class DistrictResult:
    """A district's plan in figures; ``error`` says why it could not be planned (other fields then 0)."""

    job: DistrictJob
    planned_usd: float
    reached: Band
    aware: Band
    newly_aware: Band
    hull: tuple[tuple[float, float], ...]
    error: str | None = None
    seconds: float = 0.0

    @property
    def usd_per_aware(self) -> float | None:
        return self.planned_usd / self.aware.mean if self.aware.mean > 0 and self.planned_usd > 0 else None

    @property
    def usd_per_newly_aware(self) -> float | None:
        n = self.newly_aware.mean
        return self.planned_usd / n if n > 0 and self.planned_usd > 0 else None


_ALIASES = {"village_code": ("village_code", "code", "vill_code", "vcode", "village_id"),
            "lat": ("lat", "latitude", "y"), "lon": ("lon", "lng", "long", "longitude", "x"),
            "households": ("households", "hh", "households_2008", "hh_tot", "num_households")}


def _read_points(path: Path) -> dict[str, list[dict[str, str]]]:
    """Rows of the village file by district (the code's first 4 digits), columns renamed to the usual names."""
    if not path.is_file():
        raise InputError("the village file does not exist", file=str(path))
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        head = [h.strip().lower() for h in reader.fieldnames or []]
        cols = {k: next((reader.fieldnames or [])[head.index(a)] for a in al if a in head) for k, al in
                _ALIASES.items() if any(a in head for a in al)}
        missing = [k for k in _ALIASES if k not in cols]
        if missing:
            raise InputError(f"the column '{missing[0]}' is missing (a CSV with village_code, lat, lon, "
                             "households is needed)", file=str(path), field=missing[0])
        out: dict[str, list[dict[str, str]]] = {}
        for row in reader:
            r = {k: (row.get(c) or "").strip() for k, c in cols.items()}
            code = r["village_code"].zfill(8) if r["village_code"].isdigit() else r["village_code"]
            out.setdefault(code[:4], []).append({**r, "village_code": code})
    return out


def _located(row: dict[str, str]) -> bool:
    from outreach import gazetteer

    code = row["village_code"]
    if not (code.isdigit() and len(code) == 8):
        return False
    try:
        return (float(row["households"]) > 0 and -90 <= float(row["lat"]) <= 90
                and gazetteer.village(row["village_code"]) is not None and float(row["lon"]) != 0)
    except ValueError:
        return False


def _wanted(selector: str, present: Sequence[str]) -> list[str]:
    s = selector.strip().lower()
    if s == "all":
        return sorted(present)
    codes = [c.strip() for c in s.split(",") if c.strip()]
    if not codes or not all(c.isdigit() and len(c) in (2, 4) for c in codes):
        raise InputError(f"'{selector}' should be 'all', a 2-digit province (e.g. 05) or 4-digit districts "
                         "(e.g. 0502,0503)", field="--districts")
    out = sorted({d for c in codes for d in present if d.startswith(c)})
    if not out:
        raise InputError(f"the village file has no village in '{selector}'", field="--districts")
    return out


def _scenario_text(code: str, name: str, households: int, rule: Rule) -> tuple[str, int, float]:
    vols = max(2, round(households / 1000 * rule.volunteers_per_1000_households))
    budget = round(max(rule.budget_min_usd, households * rule.budget_usd_per_household), 2)
    text = (f'# Written by `outreach sweep --villages`: one district planned by the sweep file\'s rule.\n'
            f'[scenario]\nname = "{name} ({code})"\ndistricts = ["{code}"]\nseed = {rule.seed}\n\n'
            f'[geography]\nvillages = "villages.csv"\nskip_incomplete = true\n\n'
            f"[calendar]\nstart = {rule.start.isoformat()}\nweeks = {rule.weeks}\n\n"
            f"[resources]\nvolunteer_count = {vols}\nvolunteer_women = {round(vols * rule.women_share)}\n\n"
            f"[budget]\nlimit_usd = {budget}\n")
    return text, vols, budget


def select_districts(villages: str | Path, selector: str, rule: Rule,
                     out: str | Path) -> tuple[list[DistrictJob], list[str]]:
    """Write a scenario folder for every district to plan; notes for those skipped.

    Returns
    -------
    jobs, skipped
        The districts to plan (code order), and one note per skipped district
        giving the share of its listed villages that are located.
    """
    from outreach import gazetteer

    by_district = _read_points(Path(villages))
    jobs, skipped = [], []
    for code in _wanted(selector, list(by_district)):
        rows = by_district[code]
        located = _first_of_each_code([r for r in rows if _located(r)])
        repeated = sum(map(_located, rows)) - len(located)
        d = gazetteer.district(code)
        name = d.name_en if d is not None else code
        share = len(located) / len(rows)
        if d is None or len(located) < rule.min_villages or share < rule.min_located_share:
            why = "not in the official gazetteer" if d is None else (
                f"fewer than {rule.min_villages} located" if len(located) < rule.min_villages else
                f"below the {rule.min_located_share:.0%} required")
            skipped.append(f"{code} {name}: {len(located)} of {len(rows)} villages located ({share:.0%}); "
                           f"skipped ({why})")
            continue
        households = sum(int(float(r["households"])) for r in located)
        text, vols, budget = _scenario_text(code, name, households, rule)
        folder = Path(out) / "districts" / code
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["village_code", "lat", "lon", "households"])
        w.writerows([[r["village_code"], r["lat"], r["lon"], r["households"]] for r in located])
        (folder / "scenario.toml").write_text(text, encoding="utf-8")
        (folder / "villages.csv").write_text(buf.getvalue(), encoding="utf-8")
        jobs.append(DistrictJob(code, name, str((folder / "scenario.toml").resolve()), text, buf.getvalue(),
                                len(rows), len(located), households, vols, budget, repeated))
    return jobs, skipped


def _first_of_each_code(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """``rows`` without those whose village code an earlier row has.

    Why: the national points file lists a few codes twice (two villages of
    neighbouring communes given one code); a scenario needs unique codes, so
    the district is planned on the first and the report says how many were left.
    """
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["village_code"] not in seen:
            seen.add(r["village_code"])
            out.append(r)
    return out


def convex_hull(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Convex hull of ``points`` (shapely), counter-clockwise from the lowest-leftmost corner, first point not
    repeated; one or two distinct points come back as they are (sorted)."""
    from shapely.geometry import MultiPoint, Polygon
    from shapely.geometry.polygon import orient

    pts = sorted(set(points))
    hull = MultiPoint(pts).convex_hull if len(pts) > 2 else None
    if not isinstance(hull, Polygon):  # fewer than three points, or all on one line
        return tuple(pts) if len(pts) <= 2 else (pts[0], pts[-1])
    ring = [(float(x), float(y)) for x, y in orient(hull, 1.0).exterior.coords[:-1]]
    # start at the lowest-leftmost corner, so the same points always give the same bytes
    i = ring.index(min(ring))
    return tuple(ring[i:] + ring[:i])


def plan_district(job: DistrictJob, options: PlanOptions) -> DistrictResult:
    """Plan and simulate one district (in this process); an input problem becomes ``error``."""
    from outreach.scenario import load_campaign

    from .sweep import plan_and_simulate

    t0 = time.perf_counter()
    zero = Band(0.0, 0.0, 0.0)
    with tempfile.TemporaryDirectory(prefix=f"district-{job.code}-") as tmp:
        (Path(tmp) / "scenario.toml").write_text(job.scenario_text, encoding="utf-8")
        (Path(tmp) / "villages.csv").write_text(job.villages_csv, encoding="utf-8")
        try:
            campaign = load_campaign(Path(tmp) / "scenario.toml")
        except InputError as exc:
            return DistrictResult(job, 0.0, zero, zero, zero, (), error=str(exc).replace(tmp, job.code))
    plan, sim = plan_and_simulate(campaign, dataclasses.replace(options, workers=1))
    hull = convex_hull([(round(v.lon, 6), round(v.lat, 6)) for v in campaign.geography.villages])
    return DistrictResult(job, plan.allocation.planned_usd, sim.reach.households_reached, sim.reach.households_aware,
                          sim.newly_aware, hull, seconds=round(time.perf_counter() - t0, 2))


def _local(options: PlanOptions, job: DistrictJob) -> DistrictResult:
    return plan_district(job, options)


def _on_dask(jobs: Sequence[DistrictJob], options: PlanOptions, workers: int | None,
             scheduler: str | None) -> list[DistrictResult]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("Dask is not installed: pip install 'dask[distributed]' (or leave out --workers and "
                         "--scheduler to use local processes)") from None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc})", field="--scheduler") from None
        cluster = None
    else:
        import logging

        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        futures = client.map(plan_district, list(jobs), options=options, pure=False)
        return list(client.gather(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_districts(jobs: Sequence[DistrictJob], options: PlanOptions, *, workers: int | None = None,
                  scheduler: str | None = None, progress: Progress | None = None) -> list[DistrictResult]:
    """Plan every district: on Dask when ``workers`` or ``scheduler`` is given, else on forked local processes.

    Results come back in the order of ``jobs`` and do not depend on the executor.
    """
    from outreach.parallel import fork_map

    if progress is not None:
        progress(f"Planning {len(jobs)} districts")
    if workers is not None or scheduler is not None:
        return _on_dask(jobs, options, workers, scheduler)
    return fork_map(_local, list(jobs), shared=options, workers=options.workers)


__all__ = ["DistrictJob", "DistrictResult", "Rule", "convex_hull", "load_rules", "plan_district", "run_districts",
           "select_districts"]
