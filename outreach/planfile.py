"""``plan.json``: the full plan, machine-readable, and back.

The file is plain JSON (dates ISO 8601, times in seconds after midnight,
coordinates WGS84) so other tools can read it; :func:`plan_from_dict` rebuilds
the frozen records so a saved plan can be re-simulated.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import (
    Allocation,
    Broadcast,
    BudgetLine,
    DroppedVisit,
    Outing,
    Pair,
    Plan,
    Roster,
    Stop,
    Tours,
    VehicleDay,
)

FORMAT = "owso-outreach/plan@1"


def plan_to_dict(plan: Plan, *, scenario_file: str, seed: int) -> dict[str, Any]:
    """Serialise a plan (and where its scenario lives) to JSON-ready data."""
    a, t, r = plan.allocation, plan.tours, plan.roster
    return {
        "format": FORMAT,
        "campaign": plan.campaign_name,
        "scenario_file": scenario_file,
        "seed": seed,
        "allocation": {
            "strategy": a.strategy,
            "status": a.status,
            "gap": a.gap,
            "notes": list(a.notes),
            "door_rounds_by_village": dict(a.door_rounds_by_village),
            "loudspeaker_passes_by_sangkat": dict(a.loudspeaker_passes_by_sangkat),
            "forums_by_sangkat": dict(a.forums_by_sangkat),
            "banners_by_village": dict(a.banners_by_village),
            "leaflets": a.leaflets,
            "media": dict(a.media),
            "budget_lines": [
                {"key": b.key, "label": b.label, "unit": b.unit, "quantity": b.quantity, "unit_usd": b.unit_usd,
                 "channel": b.channel, "total_usd": b.total_usd}
                for b in a.budget_lines
            ],
        },
        "tours": {
            "strategy": t.strategy,
            "status": t.status,
            "objective": t.objective,
            "days": [
                {
                    "vehicle_id": d.vehicle_id,
                    "date": d.date.isoformat(),
                    "km": d.km,
                    "duration_s": d.duration_s,
                    "fuel_l": d.fuel_l,
                    "stops": [_stop_to_dict(s) for s in d.stops],
                    "path": [[round(x, 6), round(y, 6), round(ts, 1)] for x, y, ts in d.path],
                    "broadcast": list(d.broadcast),
                }
                for d in t.days
            ],
            "dropped": [{"village_code": x.village_code, "reason": x.reason, "cause": x.cause} for x in t.dropped],
        },
        "roster": {
            "strategy": r.strategy,
            "status": r.status,
            "unmet_households": r.unmet_households,
            "notes": list(r.notes),
            "pairs": [{"id": p.id, "members": list(p.members), "villages": list(p.villages)} for p in r.pairs],
            "outings": [
                {"pair_id": o.pair_id, "date": o.date.isoformat(), "slot": o.slot, "kind": o.kind,
                 "visits": [[c, n] for c, n in o.visits]}
                for o in r.outings
            ],
        },
    }


def _stop_to_dict(s: Stop) -> dict[str, Any]:
    out: dict[str, Any] = {"village_code": s.village_code, "arrive_s": s.arrive_s, "leave_s": s.leave_s}
    if s.broadcast is not None:
        b = s.broadcast
        out["broadcast"] = {"mode": b.mode, "speed_kmh": b.speed_kmh, "message_s": b.message_s,
                            "repeats": b.repeats, "lanes": b.lanes, "metres": b.metres}
    if s.wait_s:
        out["wait_s"] = s.wait_s
    return out


def _stop_from_dict(d: dict[str, Any]) -> Stop:
    b = d.get("broadcast")
    bc = (Broadcast(b["mode"], b["speed_kmh"], b["message_s"], int(b["repeats"]), int(b["lanes"]), b["metres"])
          if b else None)
    return Stop(d["village_code"], d["arrive_s"], d["leave_s"], bc, float(d.get("wait_s", 0.0)))


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """Rebuild a :class:`Plan` from :func:`plan_to_dict` output."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    a = data["allocation"]
    allocation = Allocation(
        door_rounds_by_village=a["door_rounds_by_village"],
        loudspeaker_passes_by_sangkat=a["loudspeaker_passes_by_sangkat"],
        forums_by_sangkat=a["forums_by_sangkat"],
        banners_by_village=a["banners_by_village"],
        leaflets=a["leaflets"],
        budget_lines=tuple(BudgetLine(b["key"], b["label"], b["unit"], b["quantity"], b["unit_usd"], b["channel"])
                           for b in a["budget_lines"]),
        strategy=a["strategy"],
        status=a["status"],
        gap=a["gap"],
        notes=tuple(a["notes"]),
        media={k: int(n) for k, n in a.get("media", {}).items()},
    )
    t = data["tours"]
    tours = Tours(
        days=tuple(
            VehicleDay(
                vehicle_id=d["vehicle_id"],
                date=dt.date.fromisoformat(d["date"]),
                stops=tuple(_stop_from_dict(s) for s in d["stops"]),
                path=tuple((p[0], p[1], p[2]) for p in d["path"]),
                broadcast=tuple(bool(b) for b in d["broadcast"]),
                km=d["km"],
                duration_s=d["duration_s"],
                fuel_l=d["fuel_l"],
            )
            for d in t["days"]
        ),
        dropped=tuple(DroppedVisit(x["village_code"], x["reason"], x.get("cause", "")) for x in t["dropped"]),
        strategy=t["strategy"],
        status=t["status"],
        objective=t["objective"],
    )
    r = data["roster"]
    roster = Roster(
        pairs=tuple(Pair(p["id"], tuple(p["members"]), tuple(p["villages"])) for p in r["pairs"]),
        outings=tuple(Outing(o["pair_id"], dt.date.fromisoformat(o["date"]), o["slot"],
                             tuple((c, int(n)) for c, n in o["visits"]), o["kind"]) for o in r["outings"]),
        strategy=r["strategy"],
        status=r["status"],
        unmet_households=r["unmet_households"],
        notes=tuple(r.get("notes", ())),
    )
    return Plan(data["campaign"], allocation, tours, roster)


def scenario_link(out: str | Path, source_file: str) -> str:
    """The scenario file as a path relative to the output folder ``out`` (POSIX separators).

    Why relative: a plan folder that moves together with its scenario folder
    keeps working, and the same scenario planned in two places writes the
    same bytes. On another drive (Windows) no relative path exists; the
    absolute one is kept.
    """
    try:
        rel = os.path.relpath(Path(source_file).resolve(), Path(out).resolve())
    except ValueError:
        return Path(source_file).as_posix()
    return Path(rel).as_posix()


def scenario_of_plan(plan_dir: str | Path, data: Mapping[str, Any], given: str | Path | None = None) -> Path:
    """The scenario file a saved plan was made from: ``given``, else the plan's link from its own folder.

    Raises
    ------
    InputError
        When the linked scenario is not there (the plan folder moved without it).
    """
    if given is not None:
        return Path(given)
    linked = Path(str(data.get("scenario_file", "")))
    path = linked if linked.is_absolute() else Path(plan_dir) / linked
    if not path.is_file():
        raise InputError(f"the scenario this plan was made from is not at {path} (did the plan folder move?); "
                         "give it with --scenario", file=str(Path(plan_dir) / "plan.json"), field="scenario_file")
    return path


def load_plan_dir(plan_dir: str | Path) -> tuple[dict[str, Any], Plan]:
    """Read ``plan_dir/plan.json``: the raw document (for ``scenario_file``, ``seed``) and the Plan.

    Raises
    ------
    InputError
        When the folder has no plan.json or the file is not a plan.
    """
    pfile = Path(plan_dir) / "plan.json"
    if not pfile.exists():
        raise InputError("no plan.json in this folder; run 'outreach plan' first", file=str(plan_dir))
    try:
        data = json.loads(pfile.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise InputError(f"not a plan file (a JSON {type(data).__name__}, not an object)", file=str(pfile))
        return data, plan_from_dict(data)
    except KeyError as exc:  # say which entry, not a bare "'allocation'"
        raise InputError(f"not a plan file (it has no {exc} entry)", file=str(pfile)) from None
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(f"not a plan file ({exc})", file=str(pfile)) from None
