"""The greedy baseline never plans over the budget, even when the routed tuk-tuk days cost more than it guessed."""

from __future__ import annotations

import dataclasses

import pytest

from scenarios.pipeline import PlanOptions, allocate


@pytest.mark.parametrize("budget", [3000.0, 4000.0])
def test_routed_greedy_stays_within_a_small_budget(demo_campaign, budget):
    # At these budgets no door round is left for trim_to_budget to drop: before the fix the routed days
    # took the plan to US$ 3,322 and 4,329.
    c = dataclasses.replace(demo_campaign, budget_usd=budget)
    routed, _ = allocate(c, None, PlanOptions(strategy="greedy", time_limit_s=2))
    a = routed.allocation
    assert a.planned_usd <= budget
    assert any("so that the routed loudspeaker days fit the budget" in n for n in a.notes)
