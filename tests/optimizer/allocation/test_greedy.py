"""The greedy baseline: within the budget and the volunteers' outings; the routed trims keep it there."""

from __future__ import annotations

import dataclasses
import math

from optimizer.allocation import greedy_allocation, pair_outings_available, trim_to_budget, with_routed_loudspeaker
from tests.conftest import documented


def test_greedy_within_budget_and_outings(demo_campaign):
    c = documented(demo_campaign)  # at-home share 0.3
    a = greedy_allocation(c, None)
    assert a.strategy == "greedy" and a.planned_usd <= c.budget_usd
    team = c.params["canvass.team_size"]
    assert sum(b.quantity for b in a.budget_lines if b.key == "volunteer_outing") / team <= pair_outings_available(c)
    # one round (the demo's door_rounds): a leaflet to each household met (mu = the share at home on a first
    # visit) or left with those not met (l), with the spare share; and one per forum participant
    mu, spare = c.params["canvass.p_answer_first_visit"], 1 + c.params["leaflet.spare_share"]
    given = mu + (1 - mu) * c.params["leaflet.left_when_absent"]
    assert c.door_rounds == 1
    door = sum(math.ceil(round(v.households * given * spare, 6)) for v in c.geography.villages
               if a.door_rounds_by_village[v.code])
    forum = math.ceil(round(c.params["forum.participants"] * spare, 6))
    assert a.leaflets == door + sum(a.forums_by_sangkat.values()) * forum


def test_low_budget_greedy_says_what_did_not_fit(demo_campaign):
    c = dataclasses.replace(demo_campaign, budget_usd=demo_campaign.budget_usd / 4)
    a = greedy_allocation(c, None)
    assert a.planned_usd <= c.budget_usd
    assert any("door-to-door round(s)" in n for n in a.notes)


def test_routed_loudspeaker_then_trim_fits_the_budget(demo_campaign):
    c = demo_campaign
    a = greedy_allocation(c, None)
    days = sum(b.quantity for b in a.budget_lines if b.key == "tuktuk_day")
    dearer = with_routed_loudspeaker(c, a, int(days) + 20, 500.0)
    assert [b.quantity for b in dearer.budget_lines if b.key == "tuktuk_day"] == [int(days) + 20]
    trimmed = trim_to_budget(c, dearer, None)
    assert trimmed.planned_usd <= c.budget_usd
    assert sum(trimmed.door_rounds_by_village.values()) <= sum(a.door_rounds_by_village.values())
