"""Campaign binding: multi-day loudspeaker tours on the road network.

Decomposition (why: the multi-day problem is small per vehicle, and the hard
part is the daily routing with time windows, which the VRP engines solve well),
one phase per function:

1. Vehicle plans (:func:`_vehicle_plans`): per vehicle (one per district),
   travel times between its depot and its villages come from Dijkstra on
   ``campaign.roads.graph`` (weight ``travel_s``). Villages that cannot be
   reached (either way) are reported in ``Tours.dropped``; a depot off the
   network is a :class:`RoutingError`. Each sangkat's pass gets a rough load
   and the vehicle the fewest days that fit its work.
2. Day assignment (:func:`_split_budget`, :func:`_assign_days`): the number
   of days is the fewest that fit the estimated work, capped by the calendar
   and by ``max_days`` (split over vehicles by need). Sangkat passes go to
   campaign days greedily: each pass of a sangkat on a distinct day, heaviest
   sangkats first, each on the least-loaded eligible day (balanced loads).
   Passes that get no distinct day are dropped with the reason.
3. Solve and repair (:func:`_solve_and_repair`): each vehicle-day is a
   prize-collecting VRPTW (:mod:`.day`) solved by the chosen engine. Prizes
   dominate travel time, so the solver drops the lowest-prize villages first,
   only when the day cannot fit them; those move to another free day of the
   vehicle when one is left, else they are dropped with the reason.

``time_limit_s`` is the total solver budget, shared over the vehicle-days.
Nothing here reads files or prints.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from outreach.broadcast import VillageBroadcast, campaign_broadcasts
from outreach.errors import RoutingError
from outreach.model import Campaign, DroppedVisit, Geography, Tours, Vehicle, VehicleDay
from outreach.parallel import fork_map
from outreach.rules import LOUDSPEAKER_WEEKDAYS

from . import reasons
from .broadcast import DayLimits, village_prize
from .day import DayInputs, DayProblem, day_problem, vehicle_day
from .engines import solve
from .network import Network, road_network
from .problem import RoutingResult, evaluate, route_schedule

# share of the shift the day planner fills on average (travel estimates are rough)
DAY_FILL = 0.8

#: Search iterations per vehicle-day problem: a day holds a few dozen villages,
#: where PyVRP converges in well under a thousand iterations.
DAY_ITERATIONS = 1000


# --------------------------------------------------------------------------- phase 1: vehicle plans
@dataclass(frozen=True)
class _Targets:
    """What the tours must deliver (passes per sangkat, village priorities) and what a day allows."""

    passes_by_sangkat: Mapping[str, int]
    default_passes: int
    prizes: Mapping[str, float] | None
    day: DayInputs

    def passes(self, sangkat: str) -> int:
        """Required passes (distinct days) of a sangkat."""
        return int(self.passes_by_sangkat.get(sangkat, self.default_passes))


@dataclass(frozen=True, eq=False)
class VehiclePlan:
    """One vehicle's share of the campaign before days are assigned.

    ``by_sangkat`` lists the reachable villages of each sangkat (in network
    order), ``need`` its passes, ``load`` the estimated seconds of one pass;
    ``days_needed`` is the fewest days that fit the vehicle's work.
    """

    vehicle: Vehicle
    net: Network
    unreachable: tuple[str, ...]
    prize: Mapping[str, float]
    by_sangkat: Mapping[str, tuple[str, ...]]
    need: Mapping[str, int]
    load: Mapping[str, float]
    days_needed: int


def _pass_load(net: Network, codes: Sequence[str], day: DayInputs) -> float:
    """Rough on-road seconds of one pass: broadcasts plus a depot round trip per village at half weight."""
    idx = {c: i + 1 for i, c in enumerate(net.codes)}
    f = day.limits.travel_factor
    return sum(day.broadcasts[c].duration_s for c in codes) + sum(
        0.5 * f * (net.T[0, idx[c]] + net.T[idx[c], 0]) for c in codes
    )


def _vehicle_plan(campaign: Campaign, veh: Vehicle, targets: _Targets) -> VehiclePlan:
    """Network, sangkat loads and days needed of one vehicle over its district's villages."""
    geo = campaign.geography
    vills = [v for v in geo.villages if v.district_code == veh.district_code]
    reach = road_network(campaign, veh, vills)
    net = reach.network
    by_sk: dict[str, list[str]] = {}
    for c in net.codes:
        by_sk.setdefault(geo.village_by_code[c].sangkat_code, []).append(c)
    need = {s: targets.passes(s) for s in by_sk}
    load = {s: _pass_load(net, codes, targets.day) for s, codes in by_sk.items()}
    work = sum(load[s] * need[s] for s in by_sk)
    n_need = max([0] + [need[s] for s in by_sk if load[s] > 0])
    n_need = max(n_need, math.ceil(work / (DAY_FILL * targets.day.limits.on_road_s))) if work > 0 else 0
    return VehiclePlan(
        vehicle=veh, net=net, unreachable=reach.unreachable,
        prize={v.code: village_prize(v, targets.prizes) for v in vills},
        by_sangkat={s: tuple(codes) for s, codes in by_sk.items()}, need=need, load=load, days_needed=n_need,
    )


def _vehicle_plans(campaign: Campaign, targets: _Targets) -> list[VehiclePlan]:
    """A plan per vehicle, in the campaign's order; one vehicle per district."""
    seen_districts: set[str] = set()
    plans = []
    for veh in campaign.vehicles:
        if veh.district_code in seen_districts:
            continue  # one vehicle per district: a second one gets no villages
        seen_districts.add(veh.district_code)
        plans.append(_vehicle_plan(campaign, veh, targets))
    return plans


# --------------------------------------------------------------------------- phase 2: day assignment
@dataclass(frozen=True, eq=False)
class DayJob:
    """A vehicle-day to route: the vehicle, its network and priorities, the date and the villages."""

    vehicle: Vehicle
    net: Network
    prize: Mapping[str, float]
    date: dt.date
    codes: tuple[str, ...]


@dataclass(frozen=True)
class _Assignment:
    """A vehicle's days to route and the passes that got no distinct day."""

    jobs: tuple[DayJob, ...]
    dropped: tuple[DroppedVisit, ...]


def _split_budget(needs: Sequence[int], max_days: int | None) -> list[int]:
    """Split the vehicle-day budget over vehicles in proportion to need (largest remainders first)."""
    total_need = sum(needs)
    budget = total_need if max_days is None else min(max_days, total_need)
    alloc = [0] * len(needs)
    if total_need:
        shares = [budget * n / total_need for n in needs]
        alloc = [math.floor(x) for x in shares]
        for i in sorted(range(len(needs)), key=lambda i: shares[i] - alloc[i], reverse=True)[: budget - sum(alloc)]:
            alloc[i] += 1
    return alloc


def _spread(days: tuple[dt.date, ...], n: int) -> list[dt.date]:
    """``n`` days spread evenly over the calendar (passes far apart)."""
    if n >= len(days):
        return list(days)
    if n == 1:
        return [days[0]]
    return [days[round(i * (len(days) - 1) / (n - 1))] for i in range(n)]


def _least_loaded(free: Sequence[dt.date], used: Sequence[dt.date], day_load: Mapping[dt.date, float]) -> dt.date:
    """The least loaded free day; ties go to the day farthest from the sangkat's other passes, then the earliest."""
    return min(free, key=lambda d: (round(day_load[d]), -min([abs((d - u).days) for u in used] or [0]), d))


def _no_day(plan: VehiclePlan, s: str, j: int, n_days: int, cap: int, calendar_days: int) -> DroppedVisit:
    """Why pass ``j`` of sangkat ``s`` got no distinct day: the budget, or the calendar itself."""
    if n_days < min(plan.days_needed, calendar_days) and cap < plan.days_needed:
        return DroppedVisit("", f"no loudspeaker day left within the budget: {cap} vehicle-day(s) bought for "
                                f"{plan.vehicle.id}, {plan.days_needed} needed (pass {j + 1} of {plan.need[s]} "
                                f"for sangkat {s})", "budget")
    return DroppedVisit("", f"the calendar has {calendar_days} loudspeaker working day(s) for {plan.vehicle.id} and "
                            f"every one already holds a pass of sangkat {s} (pass {j + 1} of {plan.need[s]})",
                        "vehicle_days")


def _assign_days(plan: VehiclePlan, days: tuple[dt.date, ...], cap: int) -> _Assignment:
    """Each pass of each sangkat on its own day, heaviest sangkats first, on the least loaded day."""
    n_days = min(plan.days_needed, len(days), cap)
    chosen = _spread(days, n_days)
    day_load = {d: 0.0 for d in chosen}
    day_sk: dict[dt.date, list[str]] = {d: [] for d in chosen}
    dropped: list[DroppedVisit] = []
    by_sk = plan.by_sangkat
    for s in sorted(by_sk, key=lambda s: (-sum(plan.prize[c] for c in by_sk[s]), s)):
        used: list[dt.date] = []
        for j in range(plan.need[s]):
            free = [d for d in chosen if d not in used]
            if not free:
                why = _no_day(plan, s, j, n_days, cap, len(days))
                dropped += [replace(why, village_code=c) for c in by_sk[s]]
                continue
            d = _least_loaded(free, used, day_load)
            used.append(d)
            day_load[d] += plan.load[s]
            day_sk[d].append(s)
    jobs = []
    for d in chosen:
        codes = tuple(c for s in day_sk[d] for c in by_sk[s])
        if codes:
            jobs.append(DayJob(plan.vehicle, plan.net, plan.prize, d, codes))
    return _Assignment(tuple(jobs), tuple(dropped))


# --------------------------------------------------------------------------- phase 3: solve and repair
@dataclass(frozen=True)
class _DaySettings:
    """How each vehicle-day is solved, and the budget cap on repair days."""

    engine: str
    time_limit_s: float  # per vehicle-day
    iterations: int | None
    seed: int
    inputs: DayInputs
    max_days: int | None
    workers: int = 1  # processes for the first pass over the vehicle-days (the routes do not depend on it)


@dataclass(frozen=True)
class _SolvedDay:
    day: DayProblem
    result: RoutingResult


def _solve_day(campaign: Campaign, job: DayJob, s: _DaySettings) -> _SolvedDay:
    """The day's problem and its solution, reduced to sound routes when the search ends infeasible."""
    day = day_problem(campaign, job.net, job.codes, job.prize, s.inputs)
    problem = day.problem
    res = solve(problem, s.engine, time_limit_s=s.time_limit_s, seed=s.seed, max_iterations=s.iterations)
    if s.engine != "nearest":
        # A search stuck in the infeasible region (large prizes against time-window penalties), or
        # stuck at the empty tour when the day's villages lie far from the base, must not cost a
        # whole day: the nearest-neighbour construction is feasible by design and costs milliseconds.
        fallback = solve(problem, "nearest", time_limit_s=0.0, seed=s.seed)
        if fallback.feasible and (not res.feasible or fallback.objective < res.objective - 1e-6):
            res = fallback
    if not res.feasible:
        # keep only routes that are sound on their own; the rest is dropped by the caller
        keep = [i for i, r in enumerate(res.routes) if not route_schedule(problem, r, res.route_types[i]).violations]
        res = evaluate(problem, [res.routes[i] for i in keep], [res.route_types[i] for i in keep],
                       engine=s.engine, runtime_s=res.runtime_s)
    return _SolvedDay(day, res)


@dataclass(frozen=True)
class _Unserved:
    """Villages of a day left out: those that fit alone (over-full day) and those that never fit."""

    overflow: tuple[str, ...]
    never: tuple[str, ...]


def _unserved(day: DayProblem, res: RoutingResult, codes: Sequence[str]) -> _Unserved:
    """Villages of ``codes`` no route serves, split by whether one of their copies fits the day alone."""
    served = {day.copy_code[c] for r in res.routes for c in r}
    overflow: list[str] = []
    never: list[str] = []
    for c in dict.fromkeys(codes):
        if c not in served and c not in day.misfit:
            copies = [i for i, cc in enumerate(day.copy_code) if cc == c]
            alone = any(not route_schedule(day.problem, (i,), 0).violations for i in copies)
            if alone:
                overflow.append(c)
            else:
                never.append(c)
    return _Unserved(tuple(overflow), tuple(never))


class _Bookings:
    """Days already holding each vehicle's tours and each sangkat's passes.

    Why: a repair day for villages that did not fit must respect "distinct
    days" for their sangkats and must not double-book the vehicle.
    """

    def __init__(self, jobs: Sequence[DayJob], geo: Geography) -> None:
        self.geo = geo
        self.vehicle_days: dict[str, set[dt.date]] = {}
        self.sangkat_days: dict[str, set[dt.date]] = {}
        for job in jobs:
            self.vehicle_days.setdefault(job.vehicle.id, set()).add(job.date)
            for c in job.codes:
                self.sangkat_days.setdefault(geo.village_by_code[c].sangkat_code, set()).add(job.date)

    def repair_day(self, days: Sequence[dt.date], job: DayJob, overflow: Sequence[str],
                   max_days: int | None) -> dt.date | str:
        """Book and return the free day nearest to ``job.date`` for ``overflow``.

        When none can be had, return the binding cause instead: ``"vehicle_days"``
        when the calendar has no such day, ``"budget"`` when it has but the
        budget buys no more vehicle-days.
        """
        sks = {self.geo.village_by_code[c].sangkat_code for c in overflow}
        used_total = sum(len(v) for v in self.vehicle_days.values())
        free = [x for x in days if x not in self.vehicle_days.setdefault(job.vehicle.id, set())
                and not any(x in self.sangkat_days.get(sk, set()) for sk in sks)]
        if not free:
            return "vehicle_days"
        if max_days is not None and used_total >= max_days:
            return "budget"
        d2 = min(free, key=lambda x: (abs((x - job.date).days), x))
        self.vehicle_days[job.vehicle.id].add(d2)
        for sk in sks:
            self.sangkat_days.setdefault(sk, set()).add(d2)
        return d2


@dataclass(frozen=True)
class _Solved:
    """The routed vehicle-days (in solving order), the visits dropped while routing, the summed objective."""

    days: tuple[VehicleDay, ...]
    dropped: tuple[DroppedVisit, ...]
    objective: float


def _solve_job(shared: tuple[Campaign, _DaySettings], job: DayJob) -> _SolvedDay:
    """:func:`_solve_day` in the form :func:`~outreach.parallel.fork_map` calls."""
    return _solve_day(shared[0], job, shared[1])


def _solve_and_repair(campaign: Campaign, jobs: Sequence[DayJob], days: tuple[dt.date, ...],
                      s: _DaySettings) -> _Solved:
    """Route every vehicle-day in order; what did not fit moves to a repair day queued at the end.

    The assigned days do not depend on one another (only repair days depend on
    what came before), so they are solved first, on ``s.workers`` processes.
    """
    bookings = _Bookings(jobs, campaign.geography)
    out_days: list[VehicleDay] = []
    dropped: list[DroppedVisit] = []
    objective = 0.0
    first = fork_map(_solve_job, list(jobs), shared=(campaign, s), workers=s.workers)
    queue: deque[tuple[DayJob, _SolvedDay | None]] = deque(zip(jobs, first))
    while queue:
        job, pre = queue.popleft()
        solved = pre if pre is not None else _solve_day(campaign, job, s)
        day, res = solved.day, solved.result
        date = job.date.isoformat()
        dropped += [reasons.misfit(c, s.inputs.broadcasts[c].duration_s, date) for c in day.misfit]
        objective += res.objective
        left = _unserved(day, res, job.codes)
        dropped += [reasons.never_fits(campaign, job.net, c, s.inputs, date) for c in left.never]
        if left.overflow:
            # Repair: the day was over-full. Move what did not fit to the nearest free day of this
            # vehicle that holds no other pass of the same sangkats, while days (and budget) last.
            d2 = bookings.repair_day(days, job, left.overflow, s.max_days)
            if isinstance(d2, dt.date):
                queue.append((replace(job, date=d2, codes=left.overflow), None))
            else:
                dropped += [reasons.no_day_left(c, date, d2, s.max_days) for c in left.overflow]
        if res.routes:
            out_days.append(vehicle_day(campaign, job.vehicle, job.date, job.net, day, res, s.inputs))
    return _Solved(tuple(out_days), tuple(dropped), objective)


# --------------------------------------------------------------------------- entry point
def _check_inputs(campaign: Campaign, max_days: int | None) -> tuple[dt.date, ...]:
    """The campaign's loudspeaker working days, after checking there is something to plan."""
    if not campaign.vehicles:
        raise RoutingError("the scenario has no loudspeaker vehicle: add at least one", field="vehicles")
    days = campaign.calendar.working_days(weekdays=LOUDSPEAKER_WEEKDAYS)
    if not days:
        raise RoutingError(
            "no working day left in the campaign calendar (holidays, blackout and Sundays excluded)",
            field="calendar",
        )
    if max_days is not None and max_days < 1:
        raise RoutingError(f"max_days is {max_days}: the budget buys no loudspeaker day", field="max_days")
    return days


def plan_tours(  # noqa: PLR0913 - workers says how many processes, not what is planned
    campaign: Campaign,
    *,
    passes_by_sangkat: Mapping[str, int] | None = None,
    prizes: Mapping[str, float] | None = None,
    max_days: int | None = None,
    time_limit_s: float = 10,
    engine: str = "pyvrp",
    iterations: int | None = DAY_ITERATIONS,
    broadcasts: Mapping[str, VillageBroadcast] | None = None,
    workers: int = 1,
) -> Tours:
    """Plan multi-day loudspeaker tours for every vehicle of the campaign.

    Parameters
    ----------
    campaign : Campaign
        Villages, roads, calendar, vehicles, targets and parameters.
    passes_by_sangkat : mapping of str to int, optional
        Required passes per sangkat code (distinct days); default
        ``campaign.targets.loudspeaker_passes_per_sangkat``.
    prizes : mapping of str to float, optional
        Priority per village code; default the village's households
        (see :func:`~optimizer.routing.broadcast.village_prize`).
    max_days : int, optional
        Cap on total vehicle-days (what the budget buys).
    time_limit_s : float
        Total solver time, shared by the vehicle-days.
    engine : {"pyvrp", "ortools", "nearest"}
        Routing engine for the daily problems (a name in
        :data:`~optimizer.routing.engines.ENGINES`).
    iterations : int, optional
        Search iterations per vehicle-day (PyVRP). With a number the plan is
        reproducible on any machine; ``None`` uses ``time_limit_s`` instead.
    broadcasts : mapping of str to VillageBroadcast, optional
        Each village's broadcast path; default
        :func:`outreach.broadcast.plan_broadcasts` of the campaign.
    workers : int
        Processes for the vehicle-days (forked); the tours are the same for any number.

    Returns
    -------
    Tours
        Vehicle-days with timed stops and road-following paths, and every
        dropped visit with its reason.

    Raises
    ------
    RoutingError
        No vehicle, no working day, ``max_days < 1`` or a depot off the network.
    """
    days = _check_inputs(campaign, max_days)
    inputs = DayInputs(broadcasts if broadcasts is not None else campaign_broadcasts(campaign), DayLimits.of(campaign))
    targets = _Targets(passes_by_sangkat or {}, int(campaign.targets.loudspeaker_passes_per_sangkat), prizes, inputs)
    plans = _vehicle_plans(campaign, targets)
    dropped = [DroppedVisit(c, "unreachable on the road network", "unreachable") for p in plans for c in p.unreachable]
    jobs: list[DayJob] = []
    for plan, cap in zip(plans, _split_budget([p.days_needed for p in plans], max_days)):
        assigned = _assign_days(plan, days, cap)
        jobs += assigned.jobs
        dropped += assigned.dropped
    per_day = max(0.2, float(time_limit_s) / max(len(jobs), 1))
    solved = _solve_and_repair(campaign, jobs, days, _DaySettings(engine, per_day, iterations, campaign.seed,
                                                                  inputs, max_days, workers))
    dropped += solved.dropped
    return Tours(
        days=tuple(sorted(solved.days, key=lambda v: (v.date, v.vehicle_id))),
        dropped=tuple(dropped),
        strategy=f"greedy sangkat-pass to day assignment + {engine} prize-collecting VRPTW, one tour per vehicle-day",
        status="FEASIBLE" if not dropped else "PARTIAL",
        objective=round(solved.objective, 1),
    )
