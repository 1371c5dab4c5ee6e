"""Sweep one resource (budget, volunteers or weeks): the awareness curve, its marginal value and its knee.

Every point is planned without marginal re-solves (the curve's own
differences give the marginal value) and simulated with the scenario's seed,
so neighbouring points share their random numbers and the band of a
difference between them comes from per-replication differences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from outreach.errors import InputError
from outreach.model import Band, Campaign

from .compare import band_of, difference_band
from .pipeline import PlanOptions, Strategy

if TYPE_CHECKING:
    from outreach.model import Plan
    from outreach.simulate import SimulationResult

#: Most points a sweep may have (each is a whole plan).
MAX_POINTS = 60
#: How hard a sweep plans each point or district by default (``outreach sweep``'s own defaults): many plans,
#: so the greedy baseline, 50 replications and a 5 s cap for routing and the roster.
SWEEP_REPLICATIONS = 50
SWEEP_TIME_LIMIT_S = 5.0
SWEEP_STRATEGY: Strategy = "greedy"
#: The knee: the first point where one more unit buys less than this share of what the first unit bought.
KNEE_FRACTION = 0.25


@dataclass(frozen=True)
class Axis:
    """What a sweep varies: its label and the unit its marginal value is priced in."""

    key: str
    label: str
    unit: float
    unit_label: str


AXES: dict[str, Axis] = {
    "budget": Axis("budget", "Budget limit (US$)", 100.0, "US$ 100"),
    "volunteers": Axis("volunteers", "Volunteers", 1.0, "volunteer"),
    "weeks": Axis("weeks", "Campaign weeks", 1.0, "week"),
}


@dataclass(frozen=True)
class SweepPoint:
    """One planned and simulated point of the sweep."""

    value: float
    planned_usd: float
    reached: Band
    aware: Band
    newly_aware: Band
    newly_by_replication: NDArray[np.float64]


@dataclass(frozen=True)
class Sweep:
    """The points in order of the swept value, and what was swept."""

    name: str
    axis: Axis
    points: tuple[SweepPoint, ...]
    seed: int
    replications: int
    strategy: str


def parse_range(text: str, option: str, *, integer: bool = False, low: float = 0.0) -> tuple[float, ...]:
    """``"3000:20000:1000"`` as (3000, 4000, ..., 20000): start, stop (included) and step.

    Raises
    ------
    InputError
        When the text is not three numbers, the step is not positive, the
        start is above the stop or below ``low``, or there are too many points.
    """
    parts = text.split(":")
    try:
        a, b, step = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"'{text}' should be START:STOP:STEP, e.g. 3000:20000:1000", field=option) from None
    if not all(np.isfinite((a, b, step))):
        raise InputError(f"'{text}' has a number that is not finite", field=option)
    if step <= 0:
        raise InputError(f"the step of '{text}' must be more than 0", field=option)
    if a > b:
        raise InputError(f"the start of '{text}' is above its stop; give START:STOP:STEP with START ≤ STOP",
                         field=option)
    if a < low:
        raise InputError(f"the start of '{text}' must be at least {low:g}", field=option)
    if integer and not all(float(x).is_integer() for x in (a, b, step)):
        raise InputError(f"'{text}' must be whole numbers", field=option)
    n = int(np.floor((b - a) / step + 1e-9)) + 1
    if n > MAX_POINTS:
        raise InputError(f"'{text}' gives {n} points; a sweep has at most {MAX_POINTS}", field=option)
    return tuple(round(a + i * step, 6) for i in range(n))


def vary(campaign: Campaign, axis: str, value: float) -> Campaign:
    """The campaign with its budget, volunteer count or weeks set to ``value``.

    Volunteers: placeholder volunteers (as ``volunteer_count`` makes them) with
    the scenario's share of women; a volunteers file is not used for the sweep.
    Weeks: the same start and blackout dates, holidays recomputed.
    """
    from outreach.calendar import make_calendar
    from outreach.scenario import default_volunteers

    if axis == "budget":
        return dataclasses.replace(campaign, budget_usd=float(value))
    if axis == "volunteers":
        n = int(value)
        share = sum(v.sex == "F" for v in campaign.volunteers) / max(len(campaign.volunteers), 1)
        return dataclasses.replace(campaign, volunteers=default_volunteers(campaign.geography, n, round(n * share)))
    if axis == "weeks":
        cal = campaign.calendar
        return dataclasses.replace(campaign, calendar=make_calendar(cal.start, int(value), cal.blackout))
    raise ValueError(f"unknown sweep axis {axis}")


def sweep_options(replications: int | None = SWEEP_REPLICATIONS, time_limit_s: float = SWEEP_TIME_LIMIT_S,
                  strategy: Strategy = SWEEP_STRATEGY, workers: int = 2) -> PlanOptions:
    """The plan options of a sweep: no marginal re-solves (the curve's differences give the marginal value) and
    no posterior bands per point (the sweep's bands are the Monte Carlo's, with common random numbers)."""
    return PlanOptions(replications=replications, time_limit_s=time_limit_s, strategy=strategy,
                       workers=workers, margins=False, parameter_uncertainty=False)


def plan_and_simulate(campaign: Campaign, options: PlanOptions) -> tuple[Plan, SimulationResult]:
    """Allocate, route, roster and simulate (seed: the campaign's), with no marginal re-solves and no summary."""
    from optimizer.roster import plan_roster
    from outreach.model import Plan
    from outreach.simulate import SimulationOptions, simulate_detailed

    from .pipeline import allocate, read_survey

    survey = read_survey(campaign)
    priorities = survey.priorities if survey is not None else None
    routed, _notes = allocate(campaign, priorities, options)
    roster = plan_roster(campaign, routed.allocation, time_limit_s=options.time_limit_s)
    plan = Plan(campaign.name, routed.allocation, routed.tours, roster)
    sim = simulate_detailed(campaign, plan, SimulationOptions(replications=options.replications,
                                                              priorities=priorities, workers=options.workers))
    return plan, sim


def plan_point(campaign: Campaign, options: PlanOptions) -> SweepPoint:
    """Plan and simulate one point of a sweep (in this process)."""
    plan, sim = plan_and_simulate(campaign, dataclasses.replace(options, workers=1))
    newly = np.asarray(sim.per_replication["newly_aware"], dtype=float)
    return SweepPoint(0.0, plan.allocation.planned_usd, sim.reach.households_reached, sim.reach.households_aware,
                      band_of(newly), newly)


def _point(shared: tuple[Campaign, str, PlanOptions], value: float) -> SweepPoint:
    campaign, axis, options = shared
    return dataclasses.replace(plan_point(vary(campaign, axis, value), options), value=float(value))


def run_sweep(campaign: Campaign, axis: str, values: Sequence[float], options: PlanOptions,
              progress: Callable[[str], None] | None = None) -> Sweep:
    """Plan and simulate every point, ``options.workers`` points at a time (forked processes).

    The result does not depend on the number of workers: each point is
    deterministic and uses the scenario's seed.
    """
    from outreach.parallel import fork_map

    if progress is not None:
        progress(f"Planning {len(values)} points over {axis}")
    points = fork_map(_point, list(values), shared=(campaign, axis, options), workers=options.workers)
    reps = int(options.replications or campaign.params["simulation.replications"])
    return Sweep(campaign.name, AXES[axis], tuple(points), campaign.seed, reps, options.strategy)


@dataclass(frozen=True)
class Segment:
    """From one point to the next: newly aware households per unit, with the CRN band of that slope."""

    start: float
    stop: float
    per_unit: Band


def segments(sweep: Sweep) -> list[Segment]:
    """The marginal value along the curve: per-replication differences of neighbours, per unit of the axis."""
    out = []
    for a, b in zip(sweep.points, sweep.points[1:]):
        d = difference_band(a.newly_by_replication, b.newly_by_replication)
        k = sweep.axis.unit / (b.value - a.value)
        out.append(Segment(a.value, b.value, Band(d.mean * k, d.p05 * k, d.p95 * k)))
    return out


def knee(xs: Sequence[float], ys: Sequence[float], *, fraction: float = KNEE_FRACTION) -> float | None:
    """The first x where the slope to the next point falls below ``fraction`` of the first slope.

    With a budget axis: the first budget where US$ 100 more buys less than
    a quarter of what the first US$ 100 of the sweep bought (the slope from
    its first to its second point). None when the first slope is not
    positive or the slope never falls that low.
    """
    if len(xs) < 2:
        return None
    slopes = [(y1 - y0) / (x1 - x0) for x0, x1, y0, y1 in zip(xs, xs[1:], ys, ys[1:])]
    if slopes[0] <= 0:
        return None
    return next((x for x, s in zip(xs, slopes) if s < fraction * slopes[0]), None)


def knee_rule(axis: Axis) -> str:
    """The knee's rule in words, for the report."""
    return (f"The knee is the first {axis.label.split(' (')[0].lower()} of the sweep where {axis.unit_label} more "
            f"buys less than a quarter ({KNEE_FRACTION:.0%}) of the newly aware households the first "
            f"{axis.unit_label} bought (the slope from the sweep's first point to its second).")


__all__ = ["AXES", "KNEE_FRACTION", "Axis", "Segment", "Sweep", "SweepPoint", "knee", "knee_rule", "parse_range",
           "plan_and_simulate", "plan_point", "run_sweep", "segments", "sweep_options", "vary"]
