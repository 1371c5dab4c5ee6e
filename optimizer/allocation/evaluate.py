"""Value any allocation (exact, greedy or hand-made) with the optimiser's own response model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from outreach.media import media_response, with_media
from outreach.model import Allocation, Campaign, Priorities
from outreach.response import VillageInputs, village_response_array

from .instance import baseline_and_weight, callback_outings, forum_attendance, loudspeaker_shares


@dataclass(frozen=True)
class AllocationValue:
    """Expected households under the shared response model for one allocation."""

    reached: float
    aware: float
    new_aware: float
    weighted_new_aware: float


def infer_callbacks(campaign: Campaign, allocation: Allocation) -> int:
    """Largest uniform callbacks per round that the paid volunteer outings cover."""
    team = campaign.params["canvass.team_size"]
    paid = sum(b.quantity for b in allocation.budget_lines if b.key == "volunteer_outing") / team
    geo = campaign.geography
    best = 0
    for cb in range(1, int(campaign.params["canvass.max_callbacks"]) + 1):
        need = sum(callback_outings(campaign, v.households, allocation.door_rounds_by_village.get(v.code, 0), cb)
                   for v in geo.villages if allocation.door_rounds_by_village.get(v.code, 0))
        if need <= paid + 1e-9:
            best = cb
    return best


def evaluate_allocation(
    campaign: Campaign,
    allocation: Allocation,
    priorities: Priorities | None = None,
    *,
    callbacks_by_village: Mapping[str, int] | None = None,
) -> AllocationValue:
    """Expected reach and awareness of an allocation with :func:`outreach.response.village_response_array`.

    Same inputs as the optimiser's menu (loudspeaker share, forum attendance,
    baseline, leaflets handed over at contacts when the plan prints any; the district-wide
    channels as :mod:`outreach.media`), so allocations of any strategy compare on equal terms.
    Callbacks default to the largest uniform number the paid outings cover (:func:`infer_callbacks`).
    """
    geo = campaign.geography
    codes = [v.code for v in geo.villages]
    hh = np.array([v.households for v in geo.villages], float)
    if callbacks_by_village is None:
        cb_all = infer_callbacks(campaign, allocation)
        callbacks_by_village = {c: cb_all for c in codes}
    rounds = np.array([allocation.door_rounds_by_village.get(c, 0) for c in codes])
    cbs = np.array([callbacks_by_village.get(c, 0) for c in codes])
    passes = np.array([allocation.loudspeaker_passes_by_sangkat.get(v.sangkat_code, 0) for v in geo.villages])
    forums = np.array([allocation.forums_by_sangkat.get(v.sangkat_code, 0) for v in geo.villages])
    banners = np.array([allocation.banners_by_village.get(c, 0) for c in codes])
    base, weight = baseline_and_weight(campaign, priorities, codes)
    r = village_response_array(VillageInputs(
        hh, door_rounds=rounds, callbacks=cbs, loudspeaker_passes=passes,
        loudspeaker_share=loudspeaker_shares(campaign), forum=forums, banners=banners,
        leaflets=1.0 if allocation.leaflets > 0 else 0.0, baseline_awareness=base,
        forum_attendance=forum_attendance(campaign)), campaign.params,
        weeks=campaign.calendar.weeks,
        max_rounds=max(1, int(rounds.max(initial=0))), max_passes=max(1, int(passes.max(initial=0))),
    )
    media = media_response(allocation.media, campaign.calendar.weeks, float(hh.sum()), campaign.params)
    aware = with_media(hh, np.asarray(r.aware, float), media.aware_any)
    reached = with_media(hh, np.asarray(r.reached, float), media.reach)
    new = aware - base * hh
    return AllocationValue(float(np.sum(reached)), float(aware.sum()), float(new.sum()), float((weight * new).sum()))
