"""Plan a campaign: the library entry point, as a list of named stages.

``plan_campaign`` runs, in order:

1. ``survey``: read the survey (a file or synthetic answers) and turn it into
   priorities and targets, when the scenario has one;
2. ``allocate``: split the budget across channels and route the loudspeaker
   passes it buys (the exact model, or the greedy baseline; the baseline is
   also the explicit fallback when the exact solver finds nothing);
3. ``margins``: price one more US$ 1,000 and one more volunteer by re-solving
   (exact strategies only);
4. ``roster``: pair the volunteers and schedule their outings;
5. ``simulate``: Monte Carlo reach and awareness;
6. ``summarise``: the summary document.

Every stage is a plain function of what came before; nothing is written.
:func:`scenarios.outputs.write_outputs` writes the files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from outreach.model import Campaign, Plan, Priorities, Reach, Roster

from .uncertainty import allocation_uncertainty

if TYPE_CHECKING:
    from optimizer.allocation import RoutedAllocation
    from optimizer.allocation.marginal import PendingMargins
    from outreach.schedules.common import Lang
    from outreach.schedules.pdf import PendingPdfs
    from outreach.simulate import PosteriorBands
    from outreach.survey import SurveyResult

Strategy = Literal["scip", "cp-sat", "greedy"]
Progress = Callable[[str], None]
STRATEGIES: tuple[str, ...] = ("scip", "cp-sat", "greedy")

#: Seconds the exact allocation gets at the least (first solutions take a few seconds on a district).
ALLOCATION_MIN_S = 10.0

MARGINAL_NOTE = ("Marginal values come from re-solving with US$ 1,000 more and with one more volunteer (the "
                 "re-solve places the volunteer in the district where they add the most). Each re-solve is proven "
                 "within the allocation's gap, so a change smaller than that gap is solver tolerance, not a real "
                 "effect.")


def _quiet(_label: str) -> None:
    """Progress callback that shows nothing."""


@dataclass(frozen=True)
class PlanOptions:
    """How hard to plan.

    Attributes
    ----------
    replications : int, optional
        Monte Carlo replications (default from the parameters).
    time_limit_s : float
        Effort cap for routing and the roster; both stop earlier on a fixed
        iteration or effort budget, so results are reproducible.
    strategy : {"scip", "cp-sat", "greedy"}
        Budget allocation: the exact model solved by SCIP (default) or
        CP-SAT, with the routing loop and marginal values; or the greedy baseline.
    workers : int
        Processes for the marginal re-solves and the simulation. Results do
        not depend on it: each re-solve is deterministic, and the simulation
        draws every village's numbers from its own stream.
    parameter_uncertainty : bool
        Also simulate the plan under the shipped posterior's draws, for bands that carry what the
        calibration leaves unknown (the Monte Carlo's own bands are chance alone).
    margins : bool
        Price one more US$ 1,000 and one more volunteer by re-solving (exact
        strategies). ``compare`` and ``sweep`` turn it off: a sweep's own
        curve gives the marginal value.
    point_estimate : bool
        Allocate at the posterior means; by default the exact allocation maximises the mean value over the
        shipped posterior's draws (:mod:`optimizer.allocation.sample`).
    robustness : bool
        Re-solve the allocation once per draw: each draw's own optimum, the chosen plan's regret against it and
        how often each channel's budget share moves (:mod:`optimizer.allocation.robust`).
    pdf_lang : {"km", "en", "both"}, optional
        Start rendering the schedules' PDFs in this language as soon as the roster is known, on two processes
        while the plan is simulated (:func:`start_pdfs`); :func:`scenarios.write_outputs` takes them. For a
        caller that will write PDFs; None (default): they are rendered when written. The files are the same.
    """

    replications: int | None = None
    time_limit_s: float = 10.0
    strategy: Strategy = "scip"
    workers: int = 2
    margins: bool = True
    parameter_uncertainty: bool = True
    point_estimate: bool = False
    robustness: bool = False
    pdf_lang: Lang | None = None


@dataclass(frozen=True)
class SurveyFindings:
    """What the survey stage found: estimates, the import report and the priorities they give."""

    result: SurveyResult
    import_report: Any
    priorities: Priorities


@dataclass(frozen=True)
class PlanResult:
    """A planned and simulated campaign, ready to be written or compared."""

    campaign: Campaign
    options: PlanOptions
    plan: Plan
    reach: Reach
    survey: SurveyFindings | None
    marginal: dict[str, Any] | None
    summary: dict[str, Any] = field(repr=False)
    #: The schedules' PDFs being rendered ahead (``PlanOptions.pdf_lang``); taken, then closed, by the writing.
    pdfs: PendingPdfs | None = field(default=None, repr=False, compare=False)

    @property
    def priorities(self) -> Priorities | None:
        """Survey priorities, when a survey steered the plan."""
        return self.survey.priorities if self.survey is not None else None


# --------------------------------------------------------------------------- stages
def read_survey(campaign: Campaign) -> SurveyFindings | None:
    """Stage ``survey``: estimates and priorities from the campaign's survey, or None without one."""
    settings = campaign.survey
    if not settings.used:
        return None
    from outreach import survey as sv

    geo = campaign.geography
    if settings.file:
        imported = sv.import_survey(settings.file, geo, columns=dict(settings.columns))
    else:
        df, _truth = sv.synthetic_survey(geo, n=settings.synthetic_respondents, seed=campaign.seed)
        imported = sv.import_frame(df, geo, source="synthetic baseline survey")
    result = sv.estimate(imported, geo)
    priorities = sv.build_priorities(result, geo, weights=dict(settings.weights) or None,
                                     target_awareness=settings.target_awareness,
                                     passes=campaign.targets.loudspeaker_passes_per_sangkat)
    return SurveyFindings(result, imported, priorities)


def allocate(campaign: Campaign, priorities: Priorities | None, options: PlanOptions, *,
             margins_early: bool = False) -> tuple[RoutedAllocation, tuple[str, ...]]:
    """Stage ``allocate``: the budget split and the tours that deliver its loudspeaker passes.

    Returns the routed allocation and any note for the summary (the greedy
    fallback says why it was used). With ``margins_early`` the margins' re-solves
    are started on the other core where it is idle (``money_margin`` and
    ``volunteer_margin`` of the result): pass the result to :func:`start_margins`,
    which takes or cancels them.
    """
    from optimizer.allocation import allocate_and_route, greedy_and_route
    from optimizer.routing import plan_tours

    route_fn = partial(plan_tours, time_limit_s=options.time_limit_s, workers=options.workers)
    if options.strategy == "greedy":
        return greedy_and_route(campaign, priorities, route_fn=route_fn), ()
    # The allocation model needs a few seconds to find its first solution on a district;
    # a shorter cap would return nothing, so it gets at least ALLOCATION_MIN_S.
    # the margins' re-solves start while the allocation leaves a core idle (start_margins takes them)
    routed = allocate_and_route(campaign, priorities, route_fn=route_fn,
                                time_limit_s=max(options.time_limit_s, ALLOCATION_MIN_S), backend=options.strategy,
                                draws=allocation_draws(options), workers=options.workers,
                                margins_early=margins_early)
    status = routed.allocation.status
    if status in ("OPTIMAL", "FEASIBLE"):
        return routed, ()
    _cancel_margins(routed)
    note = f"The {options.strategy} solver found no allocation ({status}); the greedy baseline was used instead"
    return greedy_and_route(campaign, priorities, route_fn=route_fn), (note,)


def allocation_draws(options: PlanOptions) -> tuple[Mapping[str, float], ...]:
    """The posterior draws the allocation averages over: the shipped ones, none with ``point_estimate``."""
    from outreach.parameters import POSTERIOR_DRAWS

    return () if options.point_estimate else tuple(POSTERIOR_DRAWS)


def _cancel_margins(routed: RoutedAllocation) -> None:
    """Stop the margins' re-solves the allocation started ahead (they are not needed)."""
    for job in (routed.money_margin, routed.volunteer_margin):
        if job is not None:
            job.cancel()


def start_margins(campaign: Campaign, priorities: Priorities | None, routed: RoutedAllocation,
                  options: PlanOptions) -> PendingMargins | None:
    """Start the margins' re-solves (exact strategies only) and return at once; :func:`finish_margins` collects
    them. They run on their own processes while the plan is rostered and simulated (one process: in place)."""
    if routed.base is None or not options.margins:
        _cancel_margins(routed)
        return None
    from optimizer.allocation.marginal import margins_ahead

    return margins_ahead(campaign, priorities, time_limit_s=max(options.time_limit_s, ALLOCATION_MIN_S),
                         backend=options.strategy, base=routed.base, pass_days_km=routed.pass_days_km,
                         workers=options.workers, money=routed.money_margin, volunteer=routed.volunteer_margin)


def finish_margins(pending: PendingMargins | None) -> dict[str, Any] | None:
    """Stage ``margins``: aware households per extra US$ 100 and per extra volunteer, when the re-solves end."""
    if pending is None:
        return None
    marginal = pending.result()
    for key in ("marginal_reach_per_100_usd", "marginal_reach_per_volunteer"):
        # A re-solve that stops short of optimality can come out below the base plan;
        # more money or volunteers never lower the optimum, so the value is at least 0.
        if marginal.get(key) is not None and marginal[key] < 0:
            marginal[key] = 0.0
    return marginal


#: Reach bands of summary.json that carry the posterior's parameter uncertainty (keys of ``per_replication``).
UNCERTAIN_KEYS = ("households_reached", "households_aware", "women_reached", "men_reached", "households_met_at_door")

#: How to read the two bands (printed in summary.json beside them).
BANDS_NOTE = ("Each band in 'reach' with a '_fixed_parameters' twin carries two kinds of uncertainty: the band itself "
              "runs the plan under draws of the shipped posterior (what the calibration leaves unknown) with common "
              "random numbers; its '_fixed_parameters' twin holds the parameters at the posterior means (chance "
              "alone). Plan on the wider one.")


def with_posterior(campaign: Campaign, plan: Plan, priorities: Priorities | None,
                   options: PlanOptions) -> PosteriorBands | None:
    """Stage ``uncertainty``: the plan simulated under the shipped posterior's draws (None without them)."""
    from outreach.parameters import POSTERIOR_DRAWS
    from outreach.simulate import posterior_bands

    if not options.parameter_uncertainty:
        return None
    total = options.replications or int(campaign.params["simulation.replications"])
    return posterior_bands(campaign, plan, POSTERIOR_DRAWS, replications=total, priorities=priorities,
                           workers=options.workers)


def _add_posterior(summary: dict[str, Any], posterior: PosteriorBands) -> None:
    reach = summary["reach"]
    for key in UNCERTAIN_KEYS:
        if key in reach and key in posterior.bands:
            reach[f"{key}_fixed_parameters"] = reach[key]
            reach[key] = posterior.bands[key].as_dict()
    reach["parameter_uncertainty"] = {"draws": posterior.draws,
                                      "replications_per_draw": posterior.replications_per_draw, "reading": BANDS_NOTE}


def summarise(campaign: Campaign, plan: Plan, reach: Reach, priorities: Priorities | None,
              marginal: dict[str, Any] | None, notes: tuple[str, ...],
              posterior: PosteriorBands | None = None, uncertainty: dict[str, Any] | None = None) -> dict[str, Any]:
    """Stage ``summarise``: the summary document, with the pipeline's own notes, margins and posterior bands,
    and the allocation under the posterior's draws (:mod:`scenarios.uncertainty`)."""
    from outreach.sangkatcells import approximate_note
    from outreach.summary import build_summary

    summary = build_summary(campaign, plan, reach, priorities=priorities)
    if posterior is not None:
        _add_posterior(summary, posterior)
    if uncertainty is not None:
        summary["allocation_under_uncertainty"] = uncertainty
    summary["notes"].extend(notes)
    outline = approximate_note(campaign.geography)  # the map's sangkats drawn from the village points
    if outline is not None:
        summary["notes"].append(outline)
    if marginal is not None:
        summary["notes"].append(MARGINAL_NOTE)
        budget = summary["budget"]
        budget["marginal_reach_per_100_usd"] = marginal["marginal_reach_per_100_usd"]
        budget["marginal_reach_per_volunteer"] = marginal["marginal_reach_per_volunteer"]
        budget["best_district_for_extra_volunteer"] = marginal.get("best_district_for_volunteer")
    return summary


# --------------------------------------------------------------------------- the pipeline
def plan_only(campaign: Campaign, priorities: Priorities | None, options: PlanOptions) -> Plan:
    """The plan alone, as :func:`plan_campaign` makes it: allocation and routes, then the roster.

    No margins, no simulation: for analyses that re-evaluate one plan many times (sensitivity,
    calibration).
    """
    from optimizer.roster import plan_roster

    routed, _notes = allocate(campaign, priorities, options)
    roster = plan_roster(campaign, routed.allocation, time_limit_s=options.time_limit_s)
    return Plan(campaign.name, routed.allocation, routed.tours, roster)


def start_pdfs(campaign: Campaign, roster: Roster, options: PlanOptions) -> PendingPdfs | None:
    """Start rendering the schedules' PDFs in ``options.pdf_lang`` on two forked processes and return at once
    (None when not asked, or with one worker). Why: they are the costliest output (about 1.3 s of a core per
    pair) and need only the roster, so they run while the plan is simulated and the margins re-solved."""
    if options.pdf_lang is None or options.workers < 2:
        return None
    from outreach.schedules import schedule_pdfs
    from outreach.schedules.pdf import render_ahead

    return render_ahead(schedule_pdfs(campaign, roster, lang=options.pdf_lang))


def _roster_and_simulate(campaign: Campaign, priorities: Priorities | None, routed: RoutedAllocation,
                         options: PlanOptions, progress: Progress
                         ) -> tuple[Plan, Reach, PosteriorBands | None, dict[str, Any] | None, PendingPdfs | None]:
    """The stages after the allocation that do not need the margins: robustness, roster, (the PDFs started),
    reach, posterior bands."""
    from optimizer.roster import plan_roster
    from outreach.simulate import simulate

    if options.robustness and routed.base is not None:
        progress("Re-solving the allocation under each posterior draw (robustness)")
    uncertainty = allocation_uncertainty(campaign, priorities, routed, sample_average=not options.point_estimate,
                                         robustness=options.robustness,
                                         time_limit_s=max(options.time_limit_s, ALLOCATION_MIN_S),
                                         backend=options.strategy)
    progress("Rostering the volunteer pairs")
    roster = plan_roster(campaign, routed.allocation, time_limit_s=options.time_limit_s)
    plan = Plan(campaign.name, routed.allocation, routed.tours, roster)
    pdfs = start_pdfs(campaign, roster, options)
    try:
        progress("Simulating household reach")
        reach = simulate(campaign, plan, replications=options.replications, priorities=priorities,
                         workers=options.workers)
        if options.parameter_uncertainty:
            progress("Simulating under the posterior's parameter draws")
        return plan, reach, with_posterior(campaign, plan, priorities, options), uncertainty, pdfs
    except BaseException:
        if pdfs is not None:
            pdfs.close()
        raise


def plan_campaign(campaign: Campaign, options: PlanOptions = PlanOptions(), *,
                  progress: Progress = _quiet) -> PlanResult:
    """Plan a campaign end to end: survey, allocation and routes, margins, roster, reach, summary.

    Parameters
    ----------
    campaign : Campaign
        A loaded scenario (:func:`outreach.scenario.load_campaign`).
    options : PlanOptions
        Solver effort, replications and allocation strategy.
    progress : callable, optional
        Called with a short label before each stage.

    Returns
    -------
    PlanResult
        The plan, its simulated reach and the summary; nothing is written.
    """
    if campaign.survey.used:
        progress("Reading the survey")
    survey = read_survey(campaign)
    priorities = survey.priorities if survey is not None else None
    if options.strategy == "greedy":
        progress("Allocating the budget (greedy baseline) and routing the loudspeaker tuk-tuks")
    else:
        progress(f"Allocating the budget and routing the tuk-tuks ({options.strategy.upper()} + PyVRP)")
    routed, notes = allocate(campaign, priorities, options, margins_early=options.margins)
    if routed.base is not None and options.margins:
        progress("Pricing one more US$ 1,000 and one more volunteer (re-solves)")
    pending = start_margins(campaign, priorities, routed, options)  # they run while the plan is simulated
    try:
        plan, reach, posterior, uncertainty, pdfs = _roster_and_simulate(campaign, priorities, routed, options,
                                                                         progress)
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    try:
        marginal = finish_margins(pending)
        summary = summarise(campaign, plan, reach, priorities, marginal, notes, posterior, uncertainty)
    except BaseException:
        if pdfs is not None:
            pdfs.close()
        raise
    return PlanResult(campaign, options, plan, reach, survey, marginal, summary, pdfs)


__all__ = ["PlanOptions", "PlanResult", "SurveyFindings", "STRATEGIES", "plan_campaign", "read_survey", "allocate",
           "start_margins", "finish_margins", "start_pdfs", "summarise", "plan_only"]
