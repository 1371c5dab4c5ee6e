"""Monte Carlo reach and awareness of a plan, and its closed-form expectation.

The simulator draws the model of :mod:`outreach.response` (read its module
docstring for every formula) for every household and replication:

* :mod:`.exposures` maps a plan onto households: door visits along each
  village's walking order, loudspeaker passes heard (intelligible exposure
  along the timed routes), forums, banners, leaflets, baseline awareness;
* :mod:`.streams` keys every random plane by village and purpose, so plans
  run on common random numbers;
* :mod:`.village` draws one village over all replications, :mod:`.engine`
  all villages: households reached and aware (:func:`simulate`);
* :mod:`.expectation` computes the same model's expectation in closed form
  (:func:`expected_reach`);
* :mod:`.bare` builds campaigns and plans with only what the simulator
  reads, for hand-made studies, benchmarks and tests.

``households_aware`` is the total aware at the end: baseline-aware plus
newly aware (direct and word of mouth). ``households_reached`` counts
households with at least one channel exposure (word of mouth is not an
exposure). ``women_reached``/``men_reached`` are persons living in reached
households. ``exposure_by_channel`` holds mean households exposed to each
channel (a household counts under every channel that touched it) plus
``word_of_mouth`` (households made aware by word of mouth only). The Monte
Carlo also gives ``households_met_at_door``, ``people_met`` (women and men
met in person at door visits and forums), ``people_met_by_channel`` (door,
forum, loudspeaker listeners), ``people_informed`` and
``aware_by_first_channel`` (see :class:`~outreach.model.Reach`); the closed
form gives the first three as expectations, and :func:`door_slot_mix` the
first contacts at the door by kind of occasion.
"""

from .bare import bare_campaign, bare_geography, bare_plan
from .engine import SimulationOptions, SimulationResult, exposure_counts, simulate, simulate_detailed
from .expectation import door_slot_mix, expected_reach
from .exposures import (
    DoorVisit,
    LoudspeakerExposure,
    PlanExposures,
    VillageExposure,
    plan_exposures,
    slot_of_time,
)
from .posterior import PosteriorBands, posterior_bands
from .village import VillageDraws, simulate_village

__all__ = [
    "PosteriorBands",
    "posterior_bands",
    "DoorVisit",
    "LoudspeakerExposure",
    "PlanExposures",
    "SimulationOptions",
    "SimulationResult",
    "VillageDraws",
    "VillageExposure",
    "bare_campaign",
    "bare_geography",
    "bare_plan",
    "door_slot_mix",
    "expected_reach",
    "exposure_counts",
    "plan_exposures",
    "simulate",
    "simulate_detailed",
    "simulate_village",
    "slot_of_time",
]
