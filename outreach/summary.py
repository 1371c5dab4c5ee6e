"""``summary.json``: the figures a planner compares between scenarios."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Band, Campaign, Plan, Priorities, Reach
from .parameters import PARAMETERS_PROVENANCE


def _geography(campaign: Campaign) -> dict[str, Any]:
    geo = campaign.geography
    return {
        "districts": len(geo.districts),
        "sangkats": len(geo.sangkats),
        "villages": len(geo.villages),
        "households": geo.households,
        "positions": "synthetic" if geo.synthetic_positions else "user-supplied",
        "road_network": campaign.roads.kind,
    }


def _calendar(campaign: Campaign) -> dict[str, Any]:
    cal = campaign.calendar
    return {
        "start": cal.start.isoformat(),
        "end": cal.end.isoformat(),
        "weeks": cal.weeks,
        "public_holidays": {d.isoformat(): n for d, n in cal.holidays.items()},
    }


def _resources(campaign: Campaign, plan: Plan) -> dict[str, Any]:
    return {
        "volunteers": len(campaign.volunteers),
        "volunteer_women": sum(1 for v in campaign.volunteers if v.sex == "F"),
        "pairs": len(plan.roster.pairs),
        "vehicles": len(campaign.vehicles),
    }


def _budget(campaign: Campaign, plan: Plan, reach: Reach) -> dict[str, Any]:
    planned = plan.allocation.planned_usd
    aware = reach.households_aware.mean
    reached = reach.households_reached.mean
    return {
        "limit_usd": campaign.budget_usd,
        "planned_usd": planned,
        "planned_khr": round(planned * campaign.usd_to_khr),
        "unspent_usd": round(campaign.budget_usd - planned, 2),
        "by_channel": plan.allocation.by_channel(),
        "usd_to_khr": campaign.usd_to_khr,
        "cost_per_household_reached_usd": round(planned / reached, 3) if reached else None,
        "cost_per_household_aware_usd": round(planned / aware, 3) if aware else None,
    }


def _plan(campaign: Campaign, plan: Plan) -> dict[str, Any]:
    a, t, r = plan.allocation, plan.tours, plan.roster
    return {
        "door_to_door_outings": len(r.outings),
        "door_to_door_households": sum(o.households for o in r.outings),
        "door_to_door_unmet_households": r.unmet_households,
        "loudspeaker_days": len(t.days),
        "loudspeaker_km": t.km,
        "loudspeaker_passes_by_sangkat": t.passes_by_sangkat(campaign.geography),
        "loudspeaker_dropped_villages": [{"village_code": d.village_code, "cause": d.cause, "reason": d.reason}
                                        for d in t.dropped],
        "forums": sum(a.forums_by_sangkat.values()),
        "banners": sum(a.banners_by_village.values()),
        "leaflets": a.leaflets,
        "media": dict(a.media),
    }


#: The survey's "where did you hear" answer (``survey.channel_shares``) for each way of becoming aware;
#: ``before_campaign`` has no survey answer; a partner NGO's telling is the survey's ``other``.
SURVEY_CHANNEL: dict[str, str] = {
    "door": "youth_volunteer",
    "loudspeaker": "loudspeaker",
    "forum": "public_forum",
    "banner": "print",
    "leaflet": "print",
    "social_media": "social_media",
    "radio": "radio_tv",
    "partner_ngo": "other",
    "village_chief": "other",
    "group_event": "youth_volunteer",
    "word_of_mouth": "friends",
    "baseline": "before_campaign",
}


def _first_channel_shares(first: Mapping[str, Band]) -> dict[str, float]:
    """Shares of aware households by the channel that made them aware, named as the survey's channels.

    Each household has one first channel, so the shares add up to 1; the
    survey's "heard from" allows several answers, so its shares add up to more.
    """
    total = sum(b.mean for b in first.values())
    out: dict[str, float] = {}
    for c, b in first.items():
        key = SURVEY_CHANNEL[c]
        out[key] = out.get(key, 0.0) + (b.mean / total if total > 0 else 0.0)
    return {k: round(v, 4) for k, v in out.items()}


def _people(people: Mapping[str, Band]) -> dict[str, Any]:
    w, m = people["women"].mean, people["men"].mean
    return {"women": people["women"].as_dict(), "men": people["men"].as_dict(),
            "women_share": round(w / (w + m), 4) if w + m > 0 else None}


def _people_met(reach: Reach) -> dict[str, Any]:
    """``people_met`` (door + forum) with ``by_channel`` (door, forum, loudspeaker) when the reach has it."""
    assert reach.people_met is not None
    out = _people(reach.people_met)
    if reach.people_met_by_channel is not None:
        out["by_channel"] = {c: _people(p) for c, p in reach.people_met_by_channel.items()}
    return out


def _reach(reach: Reach) -> dict[str, Any]:
    out: dict[str, Any] = {
        "households_reached": reach.households_reached.as_dict(),
        "households_aware": reach.households_aware.as_dict(),
        "women_reached": reach.women_reached.as_dict(),
        "men_reached": reach.men_reached.as_dict(),
        "by_sangkat": {k: round(v, 1) for k, v in sorted(reach.reached_by_sangkat.items())},
        "exposure_by_channel": {k: round(v, 1) for k, v in reach.exposure_by_channel.items()},
    }
    if reach.households_met_at_door is not None:
        out["households_met_at_door"] = reach.households_met_at_door.as_dict()
    if reach.people_met is not None:
        out["people_met"] = _people_met(reach)
    if reach.people_informed is not None:
        out["people_informed"] = _people(reach.people_informed)
    if reach.aware_by_first_channel is not None:
        out["aware_by_first_channel"] = {k: b.as_dict() for k, b in reach.aware_by_first_channel.items()}
        out["aware_by_first_channel_shares"] = _first_channel_shares(reach.aware_by_first_channel)
    out["replications"] = reach.replications
    out["method"] = reach.method
    return out


def _solver(plan: Plan) -> dict[str, Any]:
    a, t, r = plan.allocation, plan.tours, plan.roster
    return {
        "allocation": {"strategy": a.strategy, "status": a.status, "gap": a.gap},
        "routing": {"strategy": t.strategy, "status": t.status, "objective": t.objective},
        "roster": {"strategy": r.strategy, "status": r.status},
    }


def _survey(priorities: Priorities) -> dict[str, Any]:
    d = priorities.district
    return {
        "respondents": priorities.respondents,
        "method": priorities.method,
        "awareness_owso": {"mean": round(d.mean, 4), "lo": round(d.lo, 4), "hi": round(d.hi, 4)},
        # Shares are undefined (NaN) without respondents: leave them out rather than write invalid JSON.
        "channel_shares": {k: round(v, 4) for k, v in priorities.channel_shares.items() if v == v},
    }


def build_summary(
    campaign: Campaign,
    plan: Plan,
    reach: Reach,
    *,
    priorities: Priorities | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the summary document.

    Keys (stable): ``scenario``, ``seed``, ``geography``, ``budget``, ``plan``,
    ``reach``, ``solver``, ``survey`` (when a survey was used), ``notes``,
    ``parameters_provenance`` (documented values or the shipped posterior's means).
    Budget figures in USD, with KHR beside the totals.

    ``reach`` (see :class:`~outreach.model.Reach` for the definitions):
    bands (``mean``, ``p05``, ``p95``) of households reached and aware,
    women and men living in reached households, ``households_met_at_door``,
    ``people_met`` (``women``, ``men``: met in person at door visits and
    forums, and the ``women_share`` of their means; ``by_channel``: the same
    for ``door``, ``forum`` and ``loudspeaker``, whose listeners are the
    distinct adults at home when their household heard a pass, not in the
    door + forum totals), ``people_informed`` (one person per household made
    aware by the campaign, not baseline, by sex, Monte Carlo only) and
    ``aware_by_first_channel``; ``aware_by_first_channel_shares`` names them
    as the survey's "heard from" channels (:data:`SURVEY_CHANNEL`);
    ``exposure_by_channel`` is mean households exposed to each channel
    (a household counts under every channel that touched it). The Monte
    Carlo only keys are absent from a closed-form reach.
    ``plan.door_to_door_households`` is scheduled door capacity (visits,
    revisits included), not households met.
    """
    summary: dict[str, Any] = {
        "scenario": campaign.name,
        "scenario_file": campaign.source_file,
        "seed": campaign.seed,
        "geography": _geography(campaign),
        "calendar": _calendar(campaign),
        "resources": _resources(campaign, plan),
        "budget": _budget(campaign, plan, reach),
        "plan": _plan(campaign, plan),
        "reach": _reach(reach),
        "solver": _solver(plan),
        "notes": list(campaign.notes) + list(plan.allocation.notes) + list(plan.roster.notes),
        # Where the default parameter values come from: documented values or a shipped posterior's means.
        "parameters_provenance": dict(PARAMETERS_PROVENANCE),
    }
    if priorities is not None:
        summary["survey"] = _survey(priorities)
    if extra:
        summary.update(extra)
    return summary
