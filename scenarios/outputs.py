"""Write a planned campaign to its output folder, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from .pipeline import PlanResult

Lang = Literal["km", "en", "both"]
LANGS: tuple[str, ...] = ("km", "en", "both")


def output_files(result: PlanResult) -> list[str]:
    """The files a person opens first, relative to the output folder."""
    files = ["summary.json", "plan.json", "map.html", "schedules/index.html", "routes/index.html",
             "budget/budget.html"]
    return files + (["survey/report.html"] if result.survey is not None else [])


def write_outputs(result: PlanResult, out: str | Path, *, lang: Lang = "both", pdf: bool = True,
                  basemap: str = "none") -> Path:
    """Write summary, plan, map, schedules, route sheets, budget and survey report into ``out``.

    Parameters
    ----------
    result : PlanResult
        What :func:`scenarios.plan_campaign` returned.
    out : path
        Output folder; replaced as a whole only when everything was written.
    lang : {"km", "en", "both"}
        Language of the printed schedules.
    pdf : bool
        Also render the schedules to PDF (about 1.3 s of one core per pair; taken from ``result.pdfs`` when
        they were rendered ahead in this language, :class:`scenarios.PlanOptions` ``pdf_lang``).
    basemap : {"none", "osm"}
        Background of ``map.html``: none (the file works offline), or OpenStreetMap tiles loaded online.

    Returns
    -------
    Path
        The output folder.
    """
    try:
        _write(result, Path(out), lang=lang, pdf=pdf, basemap=basemap)
    finally:
        if result.pdfs is not None:
            result.pdfs.close()  # taken by the schedules, or not needed: never left rendering
    return Path(out)


def _write(result: PlanResult, out: Path, *, lang: Lang, pdf: bool, basemap: str) -> None:
    """:func:`write_outputs` into a temporary folder that replaces ``out`` when complete; the schedules last,
    so the PDFs rendered ahead (``result.pdfs``) have the longest to finish."""
    from maps import write_campaign_map
    from outreach.atomic import atomic_dir
    from outreach.budgetsheet import write_budget_sheet
    from outreach.planfile import plan_to_dict, scenario_link
    from outreach.routesheets import write_route_sheets
    from outreach.schedules import write_schedules

    campaign, plan, reach = result.campaign, result.plan, result.reach
    link = scenario_link(out, campaign.source_file)
    summary = {**result.summary, "scenario_file": link}
    with atomic_dir(out) as tmp:
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        plan_doc = plan_to_dict(plan, scenario_file=link, seed=campaign.seed)
        (tmp / "plan.json").write_text(json.dumps(plan_doc, ensure_ascii=False), encoding="utf-8")
        write_campaign_map(campaign, plan, reach, tmp / "map.html",
                           priorities=result.survey.priorities if result.survey is not None else None,
                           basemap=basemap)
        write_route_sheets(campaign, plan.tours, tmp / "routes", lang=lang)
        write_budget_sheet(campaign, plan.allocation, tmp / "budget",
                           marginal={**(result.marginal or {}), "households_reached": reach.households_reached.mean,
                                     "households_aware": reach.households_aware.mean}, lang=lang)
        if result.survey is not None:
            from outreach import survey as sv

            sv.write_survey_report(result.survey.result, result.survey.priorities, tmp / "survey",
                                   import_report=result.survey.import_report)
        write_schedules(campaign, plan.roster, tmp / "schedules", lang=lang, pdf=pdf, ahead=result.pdfs)
