"""Marginal values: expected aware households per extra US$ 100 and per extra volunteer, by re-solving."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from outreach.model import Campaign, Priorities
from outreach.parallel import Ahead, fork_ahead
from outreach.rules import weeks_lost_share

from .backends import DEFAULT_BACKEND
from .instance import AllocationInstance
from .solve import AllocationResult, Resolve, solve_allocation

#: Re-solves run at once, each in its own process (each is single-threaded and deterministic, so the results do
#: not depend on it).
WORKERS = 2
#: Relative gap of every re-solve: the price of one more US$ 1,000 is a difference of two plans,
#: so both must be near their optimum.
RELATIVE_GAP = 0.001


@dataclass(frozen=True)
class _Resolves:
    """What every re-solve shares: the plan the money re-solve starts from, the media plan kept, the instance
    and the solver settings."""

    priorities: Priorities | None
    instance: AllocationInstance
    base: AllocationResult | None
    media: int | None  # the media plan the volunteer's re-solve keeps (None: the base's start's)
    pass_days_km: tuple[float, float] | None
    time_limit_s: float
    relative_gap: float
    backend: str


def _aware_after(shared: _Resolves, task: tuple[Campaign, int]) -> tuple[float, int]:
    """Expected aware households of the plan re-solved for ``task``'s campaign and one more volunteer's
    pair-outings (0: none), and the district index the volunteer went to (-1: none asked).

    The volunteer's re-solve keeps the media plan and starts from its own restricted plan (the base no longer
    fits its budget: the kit comes out of it), so it needs no base and can start before the base is known.
    """
    campaign, one_more = task
    if one_more and shared.media is not None:
        resolve = Resolve(media=shared.media, pass_days_km=shared.pass_days_km, one_more_volunteer=one_more)
    else:
        resolve = Resolve(hint=shared.base, pass_days_km=shared.pass_days_km, one_more_volunteer=one_more)
    got = solve_allocation(
        campaign, shared.priorities, time_limit_s=shared.time_limit_s, relative_gap=shared.relative_gap,
        backend=shared.backend, explain=False, instance=shared.instance, resolve=resolve,
    )
    return got.aware, got.solution.volunteer_district if got.solution is not None else -1


def one_volunteer_outings(campaign: Campaign) -> int:
    """Pair-outings one more volunteer adds: an average volunteer's outings over the campaign, in pairs."""
    vols = campaign.volunteers
    p = campaign.params
    opw = sum(v.outings_per_week for v in vols) / max(1, len(vols)) if vols else p["canvass.outings_per_week"]
    one = opw * campaign.calendar.weeks * (1 - weeks_lost_share(campaign.calendar)) / p["canvass.team_size"]
    return int(round(one))


def marginal_value(campaign: Campaign, priorities: Priorities | None = None, **settings: Any) -> dict[str, Any]:
    """Expected aware households gained per extra US$ 100 and per extra volunteer: :func:`margins_ahead`
    (same parameters) waited for."""
    return margins_ahead(campaign, priorities, **settings).result()


@dataclass
class PendingMargins:
    """The two re-solves of :func:`margins_ahead`, running (or to run) until :meth:`result` is asked for."""

    shared: _Resolves
    base: AllocationResult  # the plan the margins are counted from
    tasks: list[tuple[Campaign, int]]
    budget_step_usd: float
    jobs: list[Ahead | None]  # per task, its forked re-solve; None: it runs in place when the result is asked for
    got: list[tuple[float, int]] | None = None  # the re-solves' results, once collected

    def result(self) -> dict[str, Any]:
        """The margins (see :func:`marginal_value`), waiting for the re-solves (collected once)."""
        if self.got is None:
            jobs, self.jobs = self.jobs, []
            try:
                self.got = [_collected(j) if j is not None else _aware_after(self.shared, t)
                            for j, t in zip(jobs, self.tasks)]
            except BaseException:
                for j in jobs:
                    if j is not None:
                        j.cancel()
                raise
        (more_money, _), (more_hands, d) = self.got
        base, inst = self.base, self.shared.instance
        per_100 = (more_money - base.aware) * 100.0 / self.budget_step_usd
        best, best_d = (more_hands - base.aware, inst.districts[d]) if d >= 0 else (0.0, "")
        return {
            "marginal_reach_per_100_usd": round(per_100, 2),
            "marginal_reach_per_volunteer": round(best, 2),
            "best_district_for_volunteer": best_d,
            "households_aware": round(base.aware, 1),
            "households_reached": round(base.reached, 1),
        }

    def cancel(self) -> None:
        """Stop the re-solves (the margins are not needed after all)."""
        for j in self.jobs:
            if j is not None:
                j.cancel()
        self.jobs = []


def _collected(job: Ahead) -> tuple[float, int]:
    got = job.result()
    assert isinstance(got, tuple)
    return got


def _money_task(campaign: Campaign, budget_step_usd: float) -> tuple[Campaign, int]:
    return replace(campaign, budget_usd=campaign.budget_usd + budget_step_usd), 0


def _volunteer_task(campaign: Campaign) -> tuple[Campaign, int]:
    kit = campaign.cost("volunteer_training") + campaign.cost("volunteer_kit")
    return replace(campaign, budget_usd=campaign.budget_usd - kit), one_volunteer_outings(campaign)


def volunteer_margin_ahead(campaign: Campaign, priorities: Priorities | None, *, instance: AllocationInstance,
                           media: int, pass_days_km: tuple[float, float] | None, time_limit_s: float = 10.0,
                           backend: str = DEFAULT_BACKEND) -> Ahead | None:
    """Start the volunteer's re-solve of :func:`margins_ahead` for media plan ``media`` before the base plan
    is known; hand the job to :func:`margins_ahead` (``volunteer=``) only when the base keeps that media plan
    and was priced at ``pass_days_km`` (else cancel it). None where no process can be forked.

    Why: the first solve's last MIP is single-threaded; this re-solve needs only the instance, the media plan and
    the routed cost per pass, so it can run meanwhile on the incumbent's media plan (usually the one kept).
    """
    shared = _Resolves(priorities, instance, None, media, pass_days_km, time_limit_s, RELATIVE_GAP, backend)
    return fork_ahead(_aware_after, _volunteer_task(campaign), shared=shared)


def money_margin_ahead(campaign: Campaign, priorities: Priorities | None, *, start: AllocationResult,
                       pass_days_km: tuple[float, float] | None, time_limit_s: float = 10.0,
                       backend: str = DEFAULT_BACKEND, budget_step_usd: float = 1000.0) -> Ahead | None:
    """Start the money re-solve of :func:`margins_ahead` from ``start`` before the base plan is known; hand
    the job to :func:`margins_ahead` (``money=``) or cancel it. None where no process can be forked.

    Why: the allocation's re-solve at the routed cost per pass is single-threaded; this re-solve needs only what
    that one starts from (the media plan, the routed cost per pass, a start), so it uses the idle core meanwhile.
    ``start`` must be the plan that re-solve starts from: same instance and media plan, so the margin is the
    same problem, started from the plan the base plan was found from (the base's own aware households are
    still what the margin is counted from).
    """
    shared = _Resolves(priorities, start.instance, start, None, pass_days_km, time_limit_s, RELATIVE_GAP, backend)
    return fork_ahead(_aware_after, _money_task(campaign, budget_step_usd), shared=shared)


def margins_ahead(  # noqa: PLR0913 - keyword-only solve settings, each with its default
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    budget_step_usd: float = 1000.0,
    time_limit_s: float = 10.0,
    backend: str = DEFAULT_BACKEND,
    base: AllocationResult | None = None,
    pass_days_km: tuple[float, float] | None = None,
    workers: int = WORKERS,
    money: Ahead | None = None,
    volunteer: Ahead | None = None,
) -> PendingMargins:
    """Start the re-solves for the expected aware households gained per extra US$ 100 and per extra volunteer.

    Re-solves at ``budget + budget_step_usd`` (then divides, so that the
    solver gap and integrality matter less than with a US$ 100 step) and
    with one more volunteer's pair-outings in the district where they add
    the most to the plan's objective (one re-solve picks the district; the
    volunteer's training and kit are charged).
    Households are the unweighted expected aware households of the shared
    response model. Every re-solve starts from the base plan (a feasible
    start for the budget step; the volunteer's re-solve starts from a
    restricted plan, as the base no longer fits its budget), and the two
    run on forked processes at once.

    Started ahead: the margins only feed the summary and the budget sheet, so
    the caller can roster and simulate the plan while they run. With
    ``workers`` >= 2 each re-solve runs in its own forked process (cancel them,
    or collect them with :meth:`PendingMargins.result`); otherwise they run in
    place when the result is asked for. Each re-solve is deterministic, so the
    margins are the same either way.

    Parameters
    ----------
    campaign : Campaign
    priorities : Priorities, optional
    budget_step_usd : float
        Budget increase for the money re-solve.
    time_limit_s : float
        Per solve (each stops at the relative gap ``RELATIVE_GAP``).
    backend : {"scip", "cp-sat"}
        Solver of the model.
    base : AllocationResult, optional
        The plan at the current budget, solved with the same settings (saves a solve).
    pass_days_km : (float, float), optional
        Tuk-tuk days and km per loudspeaker pass (routed), as ``base`` was priced.
    workers : int
        Re-solves run at once (the results do not depend on it).
    money : Ahead, optional
        The money re-solve already started (:func:`money_margin_ahead`, with the same settings); it is used
        instead of starting another.
    volunteer : Ahead, optional
        The volunteer's re-solve already started (:func:`volunteer_margin_ahead`, for the base's media plan and
        ``pass_days_km``, with the same settings); used likewise.

    Returns
    -------
    PendingMargins
        Its ``result()``: ``marginal_reach_per_100_usd``, ``marginal_reach_per_volunteer``,
        ``best_district_for_volunteer``, ``households_aware``, ``households_reached``.
    """
    if base is None:
        base = solve_allocation(campaign, priorities, time_limit_s=time_limit_s, relative_gap=RELATIVE_GAP,
                                backend=backend, explain=False, resolve=Resolve(pass_days_km=pass_days_km))
    media = base.solution.media if base.solution is not None else None
    shared = _Resolves(priorities, base.instance, base, media, pass_days_km, time_limit_s, RELATIVE_GAP, backend)
    tasks = [_money_task(campaign, budget_step_usd), _volunteer_task(campaign)]
    jobs: list[Ahead | None] = [money, volunteer]
    if workers >= 2:
        jobs = [j if j is not None else fork_ahead(_aware_after, t, shared=shared) for j, t in zip(jobs, tasks)]
    return PendingMargins(shared, base, tasks, budget_step_usd, jobs)
