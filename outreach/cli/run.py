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

#: Seconds the CP-SAT allocation gets at the least (first solutions take a few seconds on a district).
ALLOCATION_MIN_S = 10.0


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
             time_limit_s: float = 10.0, lang: str = "both", pdf: bool = True,
             strategy: str = "scip", _note: str | None = None) -> RunResult:
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
    strategy : {"scip", "cp-sat", "greedy"}
        Budget allocation: the exact model solved by SCIP (default) or CP-SAT
        (with the routing consistency loop and marginal values), or the
        greedy baseline.
    """
    from functools import partial

    from maps import write_campaign_map
    from optimizer.allocate import greedy_allocation, trim_to_budget, with_routed_loudspeaker
    from optimizer.allocation_cpsat import allocate_and_route, marginal_value
    from optimizer.roster import plan_roster
    from optimizer.routes import plan_tours

    from ..budgetsheet import write_budget_sheet
    from ..routesheets import write_route_sheets
    from ..schedules import write_schedules
    from ..simulate import simulate

    priorities, survey_bits = _priorities(campaign, step)
    marginal: dict[str, Any] | None = None
    if strategy == "greedy":
        step("Allocating the budget (greedy baseline)")
        allocation = greedy_allocation(campaign, priorities)
        step("Routing the loudspeaker tuk-tuks")
        prizes = {v.code: (priorities.score(v.code) if priorities else float(v.households))
                  for v in campaign.geography.villages}
        tours = plan_tours(campaign, passes_by_sangkat=allocation.loudspeaker_passes_by_sangkat, prizes=prizes,
                           time_limit_s=time_limit_s)
        allocation = trim_to_budget(campaign, with_routed_loudspeaker(campaign, allocation, len(tours.days),
                                                                      tours.km), priorities)
    else:
        step(f"Allocating the budget and routing the tuk-tuks ({strategy.upper()} + PyVRP)")
        # The allocation model needs a few seconds to find its first solution on a district;
        # a shorter cap would return nothing, so it gets at least ALLOCATION_MIN_S.
        alloc_s = max(time_limit_s, ALLOCATION_MIN_S)
        routed = allocate_and_route(campaign, priorities, route_fn=partial(plan_tours, time_limit_s=time_limit_s),
                                    time_limit_s=alloc_s, backend=strategy)
        allocation, tours = routed.allocation, routed.tours
        if allocation.status not in ("OPTIMAL", "FEASIBLE"):
            return run_plan(campaign, out, step=step, replications=replications, time_limit_s=time_limit_s,
                            lang=lang, pdf=pdf, strategy="greedy",
                            _note=f"The {strategy} solver found no allocation ({allocation.status}); "
                                  "the greedy baseline was used instead")
        step("Pricing one more US$ 1,000 and one more volunteer (re-solves)")
        marginal = marginal_value(campaign, priorities, time_limit_s=alloc_s, backend=strategy, base=routed.base,
                                  pass_days_km=routed.pass_days_km)
        for key in ("marginal_reach_per_100_usd", "marginal_reach_per_volunteer"):
            # A re-solve that stops short of optimality can come out below the base plan;
            # more money or volunteers never lower the optimum, so the value is at least 0.
            if marginal.get(key) is not None and marginal[key] < 0:
                marginal[key] = 0.0
    step("Rostering the volunteer pairs")
    roster = plan_roster(campaign, allocation, time_limit_s=time_limit_s)
    plan = Plan(campaign.name, allocation, tours, roster)
    step("Simulating household reach")
    reach = simulate(campaign, plan, replications=replications, priorities=priorities)
    summary = build_summary(campaign, plan, reach, priorities=priorities)
    if _note:
        summary["notes"].append(_note)
    if marginal is not None:
        summary["notes"].append("Marginal values come from re-solving with US$ 1,000 more and with one more "
                                "volunteer (in each district in turn; the best counts). Each re-solve is proven "
                                "within the allocation's gap, so a change smaller than that gap is solver "
                                "tolerance, not a real effect.")
    if marginal is not None:
        summary["budget"]["marginal_reach_per_100_usd"] = marginal["marginal_reach_per_100_usd"]
        summary["budget"]["marginal_reach_per_volunteer"] = marginal["marginal_reach_per_volunteer"]
        summary["budget"]["best_district_for_extra_volunteer"] = marginal.get("best_district_for_volunteer")
    step("Writing outputs")
    with atomic_dir(out) as tmp:
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        (tmp / "plan.json").write_text(
            json.dumps(plan_to_dict(plan, scenario_file=campaign.source_file, seed=campaign.seed), ensure_ascii=False),
            encoding="utf-8")
        write_campaign_map(campaign, plan, reach, tmp / "map.html")
        write_schedules(campaign, roster, tmp / "schedules", lang=lang, pdf=pdf)  # type: ignore[arg-type]
        write_route_sheets(campaign, tours, tmp / "routes")
        write_budget_sheet(campaign, allocation, tmp / "budget",
                           marginal={**(marginal or {}), "households_reached": reach.households_reached.mean,
                                     "households_aware": reach.households_aware.mean})
        if survey_bits is not None:
            from .. import survey as sv

            sv.write_survey_report(survey_bits[0], priorities, tmp / "survey", import_report=survey_bits[1])
    return RunResult(campaign, plan, reach, priorities, summary, Path(out))
