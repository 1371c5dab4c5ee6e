"""The main job: scenario → priorities → allocation → tours → roster → reach → outputs.

This module sits on top of every package (it is part of the CLI layer); the
stages it calls are plain functions on frozen records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_dir
from ..model import Campaign, Plan, Priorities, Reach
from ..planfile import plan_to_dict
from ..summary import build_summary

Step = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    campaign: Campaign
    plan: Plan
    reach: Reach
    priorities: Priorities | None
    summary: dict[str, Any]
    out_dir: Path


def _priorities(campaign: Campaign, step: Step) -> tuple[Priorities | None, Any]:
    """Survey priorities when the scenario has a survey (file or synthetic), else None."""
    from ..scenario import read_scenario

    sf = read_scenario(campaign.source_file)
    if not sf.survey.file and not sf.survey.synthetic_respondents:
        return None, None
    from .. import survey as sv

    step("Reading the survey")
    if sf.survey.file:
        path = Path(campaign.source_file).parent / sf.survey.file
        imported = sv.import_survey(path, campaign.geography, columns=sf.survey.columns)
        df, report = imported.data, imported
    else:
        df, _truth = sv.synthetic_survey(campaign.geography, n=sf.survey.synthetic_respondents, seed=campaign.seed)
        imported = sv.import_frame(df, campaign.geography, source="synthetic baseline survey")
        report = imported
    result = sv.estimate(imported, campaign.geography)
    pri = sv.build_priorities(result, campaign.geography, weights=sf.survey.weights or None,
                              target_awareness=sf.survey.target_awareness,
                              passes=campaign.targets.loudspeaker_passes_per_sangkat)
    return pri, (result, report)


def run_plan(campaign: Campaign, out: Path, *, step: Step = lambda _s: None, replications: int | None = None,
             time_limit_s: float = 10.0, lang: str = "both", pdf: bool = True) -> RunResult:
    """Plan a campaign and write every output into ``out`` atomically.

    Parameters
    ----------
    campaign : Campaign
        The loaded scenario.
    out : Path
        Output folder; replaced as a whole only when everything succeeded.
    step : callable
        Called with a short label before each stage (progress display).
    replications : int, optional
        Monte Carlo replications (default from parameters).
    time_limit_s : float
        Solver time cap for routing and the roster (both stop earlier on a fixed
        iteration or effort budget, so results are reproducible).
    lang : {"km", "en", "both"}
        Language of the printed schedules.
    pdf : bool
        Also render the schedules to PDF (about 3 s per pair on two cores).
    """
    from maps import write_campaign_map
    from optimizer.allocate import greedy_allocation, trim_to_budget, with_routed_loudspeaker
    from optimizer.routes import plan_tours
    from optimizer.roster import plan_roster

    from ..routesheets import write_route_sheets
    from ..schedules import write_schedules
    from ..simulate import simulate

    priorities, survey_bits = _priorities(campaign, step)
    step("Allocating the budget")
    allocation = greedy_allocation(campaign, priorities)
    step("Routing the loudspeaker tuk-tuks")
    prizes = {v.code: (priorities.score(v.code) if priorities else float(v.households))
              for v in campaign.geography.villages}
    tours = plan_tours(campaign, passes_by_sangkat=allocation.loudspeaker_passes_by_sangkat, prizes=prizes,
                       time_limit_s=time_limit_s)
    allocation = trim_to_budget(campaign, with_routed_loudspeaker(campaign, allocation, len(tours.days), tours.km),
                                priorities)
    step("Rostering the volunteer pairs")
    roster = plan_roster(campaign, allocation, time_limit_s=time_limit_s)
    plan = Plan(campaign.name, allocation, tours, roster)
    step("Simulating household reach")
    reach = simulate(campaign, plan, replications=replications, priorities=priorities)
    summary = build_summary(campaign, plan, reach, priorities=priorities)
    step("Writing outputs")
    with atomic_dir(out) as tmp:
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        (tmp / "plan.json").write_text(
            json.dumps(plan_to_dict(plan, scenario_file=campaign.source_file, seed=campaign.seed), ensure_ascii=False),
            encoding="utf-8")
        write_campaign_map(campaign, plan, reach, tmp / "map.html")
        write_schedules(campaign, roster, tmp / "schedules", lang=lang, pdf=pdf)  # type: ignore[arg-type]
        write_route_sheets(campaign, tours, tmp / "routes")
        if survey_bits is not None:
            from .. import survey as sv

            sv.write_survey_report(survey_bits[0], priorities, tmp / "survey", import_report=survey_bits[1])
    return RunResult(campaign, plan, reach, priorities, summary, Path(out))
