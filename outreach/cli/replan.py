"""``outreach replan PLAN_DIR progress.csv --out DIR``: re-plan the volunteer roster after field reports.

progress.csv (UTF-8, header row, one row per village visit of a planned outing):

=============  ==============================================================
pair_id        the pair, e.g. ``P03`` (as in the schedules)
date           the outing date, ``YYYY-MM-DD`` (must be a planned outing)
village_code   8-digit village code of that outing
visited        households talked to
not_at_home    households where nobody answered (they get callbacks)
refused        households that did not want to talk
cancelled      ``yes``/``1``/``x`` when the outing did not happen, else blank
=============  ==============================================================

Everything before ``--today`` (default: the day after the last reported date)
is kept as planned; the remaining weeks are re-optimised.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InputError
from ._common import console, guarded


@guarded
def replan_command(
    plan_dir: Annotated[Path, typer.Argument(help="A folder written by 'outreach plan'.")],
    progress: Annotated[Path, typer.Argument(help="progress.csv: pair_id, date, village_code, visited, "
                                                  "not_at_home, refused, cancelled.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="New plan folder (replaced).")] = Path("out/replan"),
    today: Annotated[Optional[str], typer.Option(help="First date to re-plan, YYYY-MM-DD "
                                                      "(default: day after the last report).")] = None,
    lang: Annotated[str, typer.Option(help="Schedule language: km, en or both.")] = "both",
    time_limit: Annotated[float, typer.Option(help="Solver budget (seconds, deterministic).")] = 10.0,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the per-pair PDFs.")] = True,
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario file, if it moved since planning.")] = None,
) -> None:
    """Keep the past, turn not-at-home households into callbacks, re-plan the remaining weeks."""
    from optimizer.roster import replan

    from ..atomic import atomic_dir
    from ..io import load_progress
    from ..planfile import load_plan_dir, plan_to_dict, scenario_link, scenario_of_plan
    from ..scenario import load_campaign
    from ..schedules import write_schedules

    data, saved = load_plan_dir(plan_dir)
    if lang not in ("km", "en", "both"):
        raise InputError(f"language must be km, en or both, got '{lang}'", field="--lang")
    day = None
    if today:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise InputError(f"'{today}' is not a date like 2027-02-01", field="--today") from None
    campaign = load_campaign(scenario_of_plan(plan_dir, data, scenario))
    rows = load_progress(progress, roster=saved.roster)
    with console.status("Re-planning the volunteer roster"):
        roster = replan(campaign, saved, rows, today=day, time_limit_s=time_limit, seed=int(data.get("seed", 0)))
    new = type(saved)(saved.campaign_name, saved.allocation, saved.tours, roster)
    with atomic_dir(out) as tmp:
        (tmp / "plan.json").write_text(
            json.dumps(plan_to_dict(new, scenario_file=scenario_link(out, campaign.source_file),
                                    seed=data.get("seed", campaign.seed)),
                       ensure_ascii=False), encoding="utf-8")
        write_schedules(campaign, roster, tmp / "schedules", lang=lang, pdf=pdf)  # type: ignore[arg-type]
    console.print(f"Re-planned from {len(rows)} progress rows: {len(roster.outings)} outings "
                  f"({sum(o.kind == 'callback' for o in roster.outings)} callbacks), status {roster.status}, "
                  f"{roster.unmet_households} household visits unplaced. Wrote {out}.", markup=False)
