"""The pipeline's plan-only entry point makes the plan the full pipeline makes."""

from __future__ import annotations

import dataclasses

from optimizer.allocation import small_campaign
from scenarios.pipeline import PlanOptions, plan_campaign, plan_only


def test_plan_only_is_the_full_pipelines_plan(demo_campaign):
    c = small_campaign(demo_campaign, 5, n_villages=6, budget=2500.0)
    c = dataclasses.replace(c, targets=dataclasses.replace(c.targets, loudspeaker_passes_per_sangkat=2))
    options = PlanOptions(time_limit_s=2.0, replications=4, margins=False, parameter_uncertainty=False)
    full = plan_campaign(c, options)
    assert full.survey is not None  # the demo's survey: priorities that change the plan
    alone = plan_only(c, full.survey.priorities, options)
    assert alone == full.plan
    assert plan_only(c, None, options) != alone
    assert alone.roster.pairs and any(alone.allocation.loudspeaker_passes_by_sangkat.values())
