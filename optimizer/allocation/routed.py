"""Allocate and route: the loudspeaker's budget lines become what the routed tours cost."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol, TypeVar

from outreach.model import Allocation, Campaign, Priorities, Tours
from outreach.parallel import Ahead, fork_ahead

from .backends import DEFAULT_BACKEND
from .budget import cents, loudspeaker_days_estimate
from .greedy import greedy_allocation, trim_to_budget, with_routed_loudspeaker
from .instance import AllocationInstance, build_instance, menu_spec, sangkats_with_vehicle
from .marginal import money_margin_ahead, volunteer_margin_ahead
from .model import Solution
from .solve import AllocationResult, FixedLoudspeaker, Resolve, solve_allocation

RouteFn = Callable[..., Tours]
T = TypeVar("T")


@dataclass(frozen=True)
class RoutedAllocation:
    """What :func:`allocate_and_route` returns."""

    allocation: Allocation
    tours: Tours
    base: AllocationResult | None  # the solve the allocation comes from (None for the greedy baseline)
    pass_days_km: tuple[float, float] | None  # routed tuk-tuk days and km per pass that ``base`` was priced at
    #: The margins' money re-solve, started alongside the re-solve at the routed cost (``margins_early=True``):
    #: for :func:`~optimizer.allocation.marginal.margins_ahead` (``money=``), or to be cancelled.
    money_margin: Ahead | None = field(default=None, compare=False)
    #: The margins' volunteer re-solve, started during the first solve (``margins_early=True``); likewise.
    volunteer_margin: Ahead | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Router:
    """Routes an allocation's passes within the tuk-tuk days it bought.

    Routing is deterministic, so the tours of passes and days already routed are kept (``routed``) and given
    again: the re-solve at the routed cost per pass usually buys the first solve's very passes and days
    (the demo's does), and routing them again took 5-6 s of a core.
    """

    campaign: Campaign
    route_fn: RouteFn
    prizes: dict[str, float]
    routed: dict[tuple[tuple[tuple[str, int], ...], int], Tours] = field(default_factory=dict, compare=False)

    def __call__(self, alloc: Allocation, ahead: _RouteAhead | None = None) -> Tours:
        """The allocation's tours: already routed, or taken from ``ahead`` when it routed these very passes and
        days, or routed now."""
        days = sum(b.quantity for b in alloc.budget_lines if b.key == "tuktuk_day")
        passes, max_days = dict(alloc.loudspeaker_passes_by_sangkat), _max_days(days)
        tours = ahead.take(passes, max_days) if ahead is not None else None
        return self._keep(passes, max_days, tours)

    def _keep(self, passes: dict[str, int], max_days: int, tours: Tours | None) -> Tours:
        """``tours`` (or the passes routed now, or before) remembered for ``passes`` and ``max_days``."""
        key = _route_key(passes, max_days)
        if tours is None:
            tours = self.routed[key] if key in self.routed else self.route(passes, max_days)
        self.routed[key] = tours
        return tours

    def route(self, passes: dict[str, int], max_days: int) -> Tours:
        """Tours delivering ``passes`` within ``max_days`` tuk-tuk days."""
        return self.route_fn(self.campaign, passes_by_sangkat=passes, prizes=self.prizes, max_days=max_days)

    def ahead(self, passes: dict[str, int], days: float, workers: int) -> _RouteAhead | None:
        """Start routing ``passes`` within ``days`` on the other core while the solver works (None with one
        worker, or when they were routed already)."""
        max_days = _max_days(days)
        if workers <= 1 or not any(passes.values()) or _route_key(passes, max_days) in self.routed:
            return None
        job = fork_ahead(_route_job, (passes, max_days), shared=self)
        return _RouteAhead(passes, max_days, job) if job is not None else None


def _route_key(passes: dict[str, int], max_days: int) -> tuple[tuple[tuple[str, int], ...], int]:
    """What routing depends on besides the campaign: the passes by sangkat and the days."""
    return tuple(sorted(passes.items())), max_days


def _max_days(days: float) -> int:
    """The tuk-tuk days a plan's budget lines buy, whole (at least one)."""
    return max(1, int(math.ceil(days - 1e-9)))


def _route_job(router: _Router, job: tuple[dict[str, int], int]) -> Tours:
    """:meth:`_Router.route` in the form :func:`outreach.parallel.fork_ahead` calls."""
    return router.route(*job)


@dataclass
class _RouteAhead:
    """Tours routed in a forked process for guessed passes and days, while the solver decides the real ones.

    Why: the allocation solve is single-threaded and the routing of its
    passes waits for it. The guess is routed meanwhile on the other core; when
    the solve asks for exactly those passes and days the tours are taken
    (routing is deterministic, so they are the tours routing them afterwards
    gives), otherwise the guess is dropped and the passes routed as before.
    """

    passes: dict[str, int]
    max_days: int
    job: Ahead
    tours: Tours | None = None  # once collected

    def ready(self) -> Tours | None:
        """The guess's tours when they are routed already (collected then); None while routing. Never blocks."""
        if self.tours is None and self.job.ready():
            self._collect()
        return self.tours

    def _collect(self) -> Tours:
        if self.tours is None:
            tours = self.job.result()
            assert isinstance(tours, Tours)
            self.tours = tours
        return self.tours

    def take(self, passes: dict[str, int], max_days: int) -> Tours | None:
        """The tours when ``passes`` and ``max_days`` are the guess; None (job dropped) otherwise."""
        if passes == self.passes and max_days == self.max_days:
            return self._collect()
        self.job.cancel()
        return None

    def drop(self) -> None:
        """The guess is not needed after all."""
        self.job.cancel()


class _Cancellable(Protocol):
    """A job started ahead that can be stopped (:class:`outreach.parallel.Ahead`, :class:`_VolunteerAhead`)."""

    def cancel(self) -> None: ...


def _solving(ahead: _RouteAhead | None, run: Callable[[], T], *jobs: _Cancellable | None) -> T:
    """``run()``, dropping the routing started ahead of it (and cancelling ``jobs``) if it raises: no process
    left behind."""
    try:
        return run()
    except BaseException:
        if ahead is not None:
            ahead.drop()
        for job in jobs:
            if job is not None:
                job.cancel()
        raise


def _per_pass(tours: Tours, delivered: int) -> tuple[float, float]:
    """Tuk-tuk days and km per loudspeaker pass the tours deliver."""
    return len(tours.days) / delivered, tours.km / delivered


@dataclass
class _VolunteerAhead:
    """The margins' volunteer re-solve, started on the first solve's incumbent while its last MIP runs.

    Why: that MIP is single-threaded and the second core idle. The volunteer's
    re-solve depends only on the media plan and the routed cost per pass
    (:func:`~optimizer.allocation.marginal.volunteer_margin_ahead`): it is
    started for the incumbent's media plan and the cost per pass of the guessed
    passes' tours (when they are routed already), and kept only when the plan's
    media plan and cost per pass are exactly those (:meth:`keep_if`), so the
    margins do not depend on it.
    """

    campaign: Campaign
    priorities: Priorities | None
    instance: AllocationInstance
    route: _RouteAhead
    time_limit_s: float
    backend: str
    started_for: tuple[int, tuple[float, float]] | None = None
    job: Ahead | None = None

    def start(self, incumbent: Solution) -> None:
        """:func:`~optimizer.allocation.screen.solve_screened`'s ``on_incumbent``."""
        tours = self.route.ready()
        delivered = sum(tours.passes_by_sangkat(self.campaign.geography).values()) if tours is not None else 0
        if tours is None or not delivered or self.job is not None:
            return
        self.started_for = (incumbent.media, _per_pass(tours, delivered))
        self.job = volunteer_margin_ahead(self.campaign, self.priorities, instance=self.instance,
                                          media=incumbent.media, pass_days_km=self.started_for[1],
                                          time_limit_s=self.time_limit_s, backend=self.backend)

    def keep_if(self, media: int | None, pass_days_km: tuple[float, float] | None) -> Ahead | None:
        """The job when it was started for exactly ``media`` and ``pass_days_km``; otherwise it is cancelled."""
        if self.job is not None and self.started_for == (media, pass_days_km):
            return self.job
        self.cancel()
        return None

    def cancel(self) -> None:
        """Stop the re-solve (it is not needed) and reap its process."""
        if self.job is not None:
            self.job.cancel()
        self.job = None


def _guess_first(campaign: Campaign) -> tuple[dict[str, int], float]:
    """The first solve's likeliest passes and tuk-tuk days: the menu's most passes in every sangkat a tuk-tuk
    serves (what the demo's and the real districts' plans buy), the days estimated as the solve estimates them.

    Read from the campaign (as :func:`build_instance` reads them), so the routing starts before the instance is
    built."""
    most = int(menu_spec(campaign, None, None).max_passes)
    served = sangkats_with_vehicle(campaign)
    passes = {s.code: most if served[i] else 0 for i, s in enumerate(campaign.geography.sangkats)}
    return passes, float(loudspeaker_days_estimate(campaign, passes)[0])


def _guess_after_pricing(alloc: Allocation, pass_days_km: tuple[float, float]) -> tuple[dict[str, int], float]:
    """The re-solve's likeliest passes and days: the first solve's passes at the routed days per pass
    (as :func:`optimizer.allocation.solve` prices them)."""
    passes = dict(alloc.loudspeaker_passes_by_sangkat)
    return passes, round(pass_days_km[0] * sum(passes.values()), 2)


def _fixed_to_tours(campaign: Campaign, planned: dict[str, int], tours: Tours) -> FixedLoudspeaker:
    """The passes the tours deliver and what they cost (recording, tuk-tuk days, fuel)."""
    routed_passes = tours.passes_by_sangkat(campaign.geography)
    ls_cents = cents(len(tours.days) * campaign.cost("tuktuk_day") + round(tours.km, 1) * campaign.cost("fuel_km")
                     + campaign.cost("recording"))
    return FixedLoudspeaker({k: routed_passes.get(k, 0) for k in planned}, ls_cents, len(tours.days), tours.km)


def allocate_and_route(  # noqa: PLR0913 - keyword-only solve settings, each with its default
    campaign: Campaign,
    priorities: Priorities | None,
    *,
    route_fn: RouteFn,
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    backend: str = DEFAULT_BACKEND,
    draws: Sequence[Mapping[str, float]] = (),
    workers: int = 1,
    margins_early: bool = False,
) -> RoutedAllocation:
    """Allocate, route, re-allocate at the routed cost per pass, route again; budget lines = routed.

    1. Solve with estimated loudspeaker days; 2. route its passes; 3. cost
    per pass = (tuk-tuk days × day cost + km × fuel) / passes routed;
    4. re-solve with that cost; 5. route again; 6. tuk-tuk lines = the
    routed days and km exactly. When the final routes deliver other pass
    counts or cost more than the budget allows, the rest of the plan is
    re-solved with those passes and that loudspeaker cost fixed, so
    ``planned_usd`` is what the routes cost and stays within the budget.

    Parameters
    ----------
    campaign : Campaign
    priorities : Priorities or None
    route_fn : callable
        ``route_fn(campaign, passes_by_sangkat=..., prizes=..., max_days=...) -> Tours``
        (e.g. :func:`optimizer.routes.plan_tours`).
    time_limit_s, relative_gap : float
        Per solve.
    backend : {"scip", "cp-sat"}
        Solver of the allocation model.
    draws : sequence of mappings, optional
        Posterior draws: every solve maximises the mean value over them (the first builds the instance).
    workers : int
        Processes for the draws' evaluations; with two or more, the routing of
        each solve's likeliest passes also starts on the other core while the
        solve runs (the tours are taken only when the solve asks for exactly
        those passes and days, so the plan does not depend on it).
    margins_early : bool
        Also start the margins' re-solves on the other core while it is idle (two workers or more): the
        money re-solve (:func:`~optimizer.allocation.marginal.money_margin_ahead`) while the allocation is
        re-solved at the routed cost, and the volunteer's (:class:`_VolunteerAhead`) during the first solve's
        last MIP; returned as ``money_margin`` and ``volunteer_margin``, which the caller hands to
        ``margins_ahead`` or cancels.

    Returns
    -------
    RoutedAllocation
        The allocation and its tours, with the solve at the routed cost per
        pass (``base``, ``pass_days_km``) for :func:`marginal_value`.
    """
    geo = campaign.geography
    prizes = {v.code: (priorities.score(v.code) if priorities is not None and v.code in priorities.by_village
                       else float(v.households)) for v in geo.villages}

    solve = partial(solve_allocation, campaign, priorities, time_limit_s=time_limit_s, relative_gap=relative_gap,
                    backend=backend)
    route = _Router(campaign, route_fn, prizes)
    ahead = route.ahead(*_guess_first(campaign), workers) if campaign.vehicles else None
    # with the routing on the other core, the draws are evaluated here: forking for them cost more than it gave
    inst = _solving(ahead, partial(build_instance, campaign, priorities, draws=draws,
                                   workers=1 if ahead is not None else workers))
    spec = (_VolunteerAhead(campaign, priorities, inst, ahead, time_limit_s, backend)
            if margins_early and ahead is not None else None)
    # without a tuk-tuk there is nothing to route: the first solve is the last, so it explains itself
    first = _solving(ahead, partial(solve, explain=not campaign.vehicles, instance=inst,
                                    on_incumbent=spec.start if spec is not None else None), spec)
    inst = first.instance
    alloc = first.allocation
    no_tours = Tours((), (), "none", "FEASIBLE", None)
    if not campaign.vehicles:
        return RoutedAllocation(alloc, no_tours, first, None)
    if not any(alloc.loudspeaker_passes_by_sangkat.values()):
        if ahead is not None:
            ahead.drop()
        if spec is not None:
            spec.cancel()
        final = solve(instance=inst, resolve=Resolve(hint=first))
        return RoutedAllocation(final.allocation, no_tours, final, None)
    tours = _solving(None, partial(route, alloc, ahead), spec)
    delivered = sum(tours.passes_by_sangkat(geo).values())
    base, pass_days_km = first, None
    money = None
    media = first.solution.media if first.solution is not None else None
    volunteer = spec.keep_if(media, _per_pass(tours, delivered) if delivered else None) if spec else None
    if delivered:
        pass_days_km = _per_pass(tours, delivered)
        ahead = route.ahead(*_guess_after_pricing(alloc, pass_days_km), workers)
        if margins_early and workers > 1:
            money = money_margin_ahead(campaign, priorities, start=first, pass_days_km=pass_days_km,
                                       time_limit_s=time_limit_s, backend=backend)
        base = _solving(ahead, partial(solve, instance=inst, resolve=Resolve(hint=first, pass_days_km=pass_days_km)),
                        money, volunteer)
        alloc = base.allocation
        if any(alloc.loudspeaker_passes_by_sangkat.values()):
            tours = _solving(None, partial(route, alloc, ahead), money, volunteer)
        elif ahead is not None:
            ahead.drop()
    return _within_routes(campaign, partial(solve, instance=inst), alloc, tours, base, pass_days_km, (money, volunteer))


def _within_routes(campaign: Campaign, solve: Callable[..., AllocationResult], alloc: Allocation, tours: Tours,
                   base: AllocationResult, pass_days_km: tuple[float, float] | None,
                   margins: tuple[Ahead | None, Ahead | None]) -> RoutedAllocation:
    """The plan with its tuk-tuk lines the routed days and km; when the routes deliver other pass counts or cost
    more than the budget allows, the rest of the plan re-solved around what they deliver and cost."""
    routed_passes = tours.passes_by_sangkat(campaign.geography)
    planned = dict(alloc.loudspeaker_passes_by_sangkat)
    routed_alloc = with_routed_loudspeaker(campaign, alloc, len(tours.days), tours.km)
    consistent = all(routed_passes.get(k, 0) == n for k, n in planned.items())
    if consistent and routed_alloc.planned_usd <= campaign.budget_usd:
        return RoutedAllocation(routed_alloc, tours, base, pass_days_km, *margins)
    # fix what the routes deliver and cost; re-solve everything else within the budget
    fixed = _solving(None, partial(solve, resolve=Resolve(hint=base, fixed=_fixed_to_tours(campaign, planned, tours))),
                     *margins).allocation
    note = ("loudspeaker passes and cost fixed to the routed tours "
            f"({len(tours.days)} tuk-tuk days, {tours.km:,.1f} km); the rest re-allocated")
    return RoutedAllocation(replace(fixed, notes=fixed.notes + (note,)), tours, base, pass_days_km, *margins)


#: Times the greedy baseline is planned again within a lowered budget when its routed days overrun.
GREEDY_BUDGET_ROUNDS = 4


def greedy_and_route(campaign: Campaign, priorities: Priorities | None, *, route_fn: RouteFn) -> RoutedAllocation:
    """The greedy baseline, routed: allocate, route the passes it bought, trim to what the routes cost.

    The twin of :func:`allocate_and_route` for the greedy strategy; it has no
    solve to price margins from, so ``base`` is None.
    """
    prizes = {v.code: (priorities.score(v.code) if priorities else float(v.households))
              for v in campaign.geography.villages}
    budget = campaign.budget_usd
    for _ in range(GREEDY_BUDGET_ROUNDS):
        allocation = greedy_allocation(replace(campaign, budget_usd=budget), priorities)
        tours = route_fn(campaign, passes_by_sangkat=allocation.loudspeaker_passes_by_sangkat, prizes=prizes)
        routed = with_routed_loudspeaker(campaign, allocation, len(tours.days), tours.km)
        trimmed = trim_to_budget(campaign, routed, priorities)
        over = trimmed.planned_usd - campaign.budget_usd
        if over <= 0:
            break
        # The routed days cost more than the greedy's estimate and no door round is left to trim (forums and
        # passes are what the money went to): plan again within a budget lowered by the overrun.
        budget -= over + 1.0
    if over > 0:
        trimmed = replace(trimmed, notes=trimmed.notes + (
            f"the greedy plan stays US$ {over:,.0f} over the budget after {GREEDY_BUDGET_ROUNDS} tries: its fixed "
            "costs (volunteers' kit and training, management) and the passes' routed days do not fit",))
    elif budget < campaign.budget_usd:
        trimmed = replace(trimmed, notes=trimmed.notes + (
            f"planned within US$ {budget:,.0f} so that the routed loudspeaker days fit the budget",))
    return RoutedAllocation(trimmed, tours, None, None)
