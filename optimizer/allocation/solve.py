"""Solve the allocation: knobs from the campaign, one exact solve, notes, and the plan's budget lines."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from outreach.media import MEDIA_COST, with_media
from outreach.model import Allocation, BudgetLine, Campaign, Priorities

from . import screen
from .backends import BACKENDS, DEFAULT_BACKEND
from .budget import fixed_lines, fmt_usd, forum_booklets, forum_leaflets, line, loudspeaker_days_estimate, print_lines
from .explain import explain_unmet_targets
from .greedy import trim_to_budget
from .instance import SCALE, AllocationInstance, build_instance
from .media import media_levels
from .model import Knobs, Solution
from .sample import mean_with_media


@dataclass(frozen=True)
class AllocationResult:
    """An exact allocation with what the Allocation record cannot hold.

    ``callbacks_by_village``: planned callbacks per round; ``objective``:
    weighted new aware households; ``aware``/``reached``: expected households
    (baseline included) under the shared response model.
    """

    allocation: Allocation
    callbacks_by_village: Mapping[str, int]
    objective: float
    bound: float
    aware: float
    reached: float
    wall_s: float
    instance: AllocationInstance
    solution: Solution | None


@dataclass(frozen=True)
class FixedLoudspeaker:
    """Loudspeaker passes and cost fixed to routed tours; the rest of the plan is re-solved around them."""

    passes_by_sangkat: Mapping[str, int]
    cents: int  # recording, tuk-tuk days and fuel of the tours
    days: int  # tuk-tuk days of the tours
    km: float


@dataclass(frozen=True)
class Resolve:
    """How a re-solve differs from the plain solve of a campaign.

    Attributes
    ----------
    hint : AllocationResult, optional
        A solution of a neighbouring problem to start from (SCIP completes
        its choices into a first incumbent, or drops them when they do not fit).
    extra_outings : mapping of str to int, optional
        Extra pair-outings per district code (marginal value of a volunteer).
    pass_days_km : (float, float), optional
        Routed tuk-tuk days and km per loudspeaker pass, instead of the estimate.
    fixed : FixedLoudspeaker, optional
        Passes and loudspeaker cost fixed to the routed tours.
    one_more_volunteer : int
        Pair-outings of one more volunteer, in whichever district the solve finds best (0: none).
    media : int, optional
        The media plan kept, without a start (``hint`` keeps its own): the solve starts from its restricted
        plan (:func:`optimizer.allocation.screen.restricted_start`), so it depends on no neighbouring plan.
    """

    hint: AllocationResult | None = None
    extra_outings: Mapping[str, int] | None = None
    pass_days_km: tuple[float, float] | None = None
    fixed: FixedLoudspeaker | None = None
    one_more_volunteer: int = 0
    media: int | None = None


def _loudspeaker_lines(campaign: Campaign, passes: Mapping[str, int], pass_cost: tuple[float, float] | None,
                       routed: tuple[int, float] | None) -> list[BudgetLine]:
    """Tuk-tuk days and fuel of the plan's passes: routed, at a routed cost per pass, or estimated."""
    total_passes = sum(passes.values())
    if not total_passes:
        return []
    days: float
    if routed is not None:
        days, km = routed
    elif pass_cost is not None:
        days = round(pass_cost[0] * total_passes, 2)
        km = math.floor(pass_cost[1] * total_passes * 10) / 10  # the model charged the ceiling
    else:
        days, km = loudspeaker_days_estimate(campaign, passes)
    return [line(campaign, "tuktuk_day", days), line(campaign, "fuel_km", round(km, 1))]


def _to_allocation(inst: AllocationInstance, sol: Solution, *, strategy: str, notes: list[str],
                   pass_cost: tuple[float, float] | None, routed: tuple[int, float] | None = None) -> Allocation:
    """The plan of a solution with its budget lines."""
    c = inst.campaign
    opt = sol.option
    rounds = {code: int(inst.rounds[opt[v]]) for v, code in enumerate(inst.villages)}
    banners = {code: int(inst.banners[opt[v]]) for v, code in enumerate(inst.villages)}
    passes = {code: int(inst.combos[sol.combo_of_sangkat[s]][0]) for s, code in enumerate(inst.sangkats)}
    forums = {code: int(inst.combos[sol.combo_of_sangkat[s]][1]) for s, code in enumerate(inst.sangkats)}
    lines = fixed_lines(c, loudspeaker=sum(passes.values()) > 0)
    lines += _loudspeaker_lines(c, passes, pass_cost, routed)
    n_forums = sum(forums.values())
    media = media_levels(inst.media, sol.media)
    lines += [line(c, MEDIA_COST[ch], n) for ch, n in media.items()]
    if n_forums:
        lines += [line(c, "forum_venue", n_forums),
                  line(c, "forum_participant", n_forums * c.params["forum.participants"])]
    if sum(banners.values()):
        lines.append(line(c, "banner", sum(banners.values())))
    team = int(c.params["canvass.team_size"])
    # printed for the hand-overs: each village's first door contacts, each forum's participants (spares included)
    leaflets = int(sum(int(inst.leaflets[v, opt[v]]) for v in range(len(inst.villages)))
                   + n_forums * forum_leaflets(c.params))
    if sol.outings:
        lines.append(line(c, "volunteer_outing", sol.outings * team))
    if leaflets:
        lines.append(line(c, "leaflet", leaflets))
    lines += print_lines(c, n_forums * forum_booklets(c.params), media)
    return Allocation(
        door_rounds_by_village=rounds, loudspeaker_passes_by_sangkat=passes, forums_by_sangkat=forums,
        banners_by_village=banners, leaflets=leaflets, budget_lines=tuple(lines), strategy=strategy,
        status=sol.status, gap=round(sol.gap, 6), notes=tuple(notes), media=media,
    )


def _knobs(campaign: Campaign, inst: AllocationInstance, resolve: Resolve, *, time_limit_s: float,
           relative_gap: float, backend: str) -> Knobs:
    """The knobs of the campaign's solve: its budget, and what the re-solve changes."""
    d_idx = {d: i for i, d in enumerate(inst.districts)}
    s_idx = {s: i for i, s in enumerate(inst.sangkats)}
    knobs = Knobs(budget_cents=int(math.floor(round(campaign.budget_usd * 100, 6))),
                  extra_outings={d_idx[d]: n for d, n in (resolve.extra_outings or {}).items() if d in d_idx},
                  pass_cost=resolve.pass_days_km, time_limit_s=time_limit_s, relative_gap=relative_gap,
                  backend=backend, hint=resolve.hint.solution if resolve.hint is not None else None,
                  one_more_volunteer=resolve.one_more_volunteer)
    if resolve.hint is not None and resolve.hint.solution is not None:  # re-solves keep the media plan
        knobs = replace(knobs, fixed_media=resolve.hint.solution.media)
    elif resolve.media is not None:
        knobs = replace(knobs, fixed_media=resolve.media)
    fx = resolve.fixed
    if fx is None:
        return knobs
    return replace(knobs, fixed_passes={s_idx[k]: n for k, n in fx.passes_by_sangkat.items() if k in s_idx},
                   fixed_loudspeaker_cents=fx.cents)


def _infeasible(inst: AllocationInstance, notes: list[str], backend: str,
                pass_cost: tuple[float, float] | None) -> AllocationResult:
    """The empty plan, when nothing fits (not even the fixed costs)."""
    nv, ns = len(inst.villages), len(inst.sangkats)
    empty = Solution("INFEASIBLE", np.zeros(nv, int), np.zeros(ns, int), 0, 0.0, 0.0, 0, 0, np.zeros(ns),
                     np.zeros(ns), 0)
    alloc = _to_allocation(inst, empty, strategy=backend, notes=notes, pass_cost=pass_cost)
    return AllocationResult(alloc, {}, 0.0, 0.0, 0.0, 0.0, 0.0, inst, None)


def _plan_notes(inst: AllocationInstance, sol: Solution, knobs: Knobs, notes: list[str], *,
                explain: bool) -> list[str]:
    """The notes after ``notes``: unmet targets first (priced when ``explain``), then the callbacks planned."""
    notes = list(notes)
    short = sol.misses_targets()
    if explain and short:
        notes += explain_unmet_targets(inst, sol, knobs, time_limit_s=max(1.0, min(3.0, knobs.time_limit_s / 3)))
    if short:
        notes.insert(0, "not every target can be met within the budget and volunteer outings; the plan meets "
                        "what it can and stays within the budget")
    n_cb = int(sum(inst.callbacks[sol.option[v]] > 0 for v in range(len(inst.villages))))
    if n_cb:
        notes.append(f"{n_cb} villages get {int(max(inst.spec.callbacks))} callback(s) after each door round "
                     f"for households not at home")
    return notes


def _instance_for(campaign: Campaign, priorities: Priorities | None,
                  instance: AllocationInstance | None) -> AllocationInstance:
    """``instance`` with the campaign's budget, or a new instance."""
    if instance is None:
        return build_instance(campaign, priorities)
    if instance.campaign.budget_usd != campaign.budget_usd:
        return replace(instance, campaign=campaign)
    return instance


def solve_allocation(  # noqa: PLR0913 - keyword-only settings, each with its default
    campaign: Campaign,
    priorities: Priorities | None = None,
    *,
    time_limit_s: float = 10.0,
    relative_gap: float = 0.001,
    backend: str = DEFAULT_BACKEND,
    explain: bool = True,
    instance: AllocationInstance | None = None,
    resolve: Resolve | None = None,
    on_incumbent: Callable[[Solution], None] | None = None,
) -> AllocationResult:
    """Budget allocation maximising priority-weighted new aware households, with its bookkeeping.

    Parameters
    ----------
    campaign : Campaign
        Budget, unit costs, volunteers, vehicles, calendar and targets.
    priorities : Priorities, optional
        Survey priorities: baseline awareness and weights per village,
        awareness targets per sangkat when the scenario sets none.
    time_limit_s : float
        Work limit of the main solve (about seconds).
    relative_gap : float
        Stop when the proven relative gap is at most this.
    backend : {"scip", "cp-sat"}
        Solver of the model (see :data:`optimizer.allocation.backends.BACKENDS`).
    explain : bool
        Re-solve to price every unmet target (notes).
    instance : AllocationInstance, optional
        A prebuilt instance for ``campaign`` (saves the response evaluation;
        it also sets the menu, see :func:`build_instance`). Built over posterior
        draws, the solve maximises the mean value over them (:mod:`optimizer.allocation.sample`).
    resolve : Resolve, optional
        What a re-solve changes: a start, extra outings, routed loudspeaker costs.
    on_incumbent : callable, optional
        Called with the screened first solve's incumbent before its last MIP
        (:func:`optimizer.allocation.screen.solve_screened`); not called by other solves.

    Returns
    -------
    AllocationResult
        Its allocation's strategy is the solver that produced it, ``status``
        its status, ``gap`` the proven relative gap; ``notes`` explain unmet targets.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown allocation backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    resolve = resolve or Resolve()
    inst = _instance_for(campaign, priorities, instance)
    knobs = _knobs(campaign, inst, resolve, time_limit_s=time_limit_s, relative_gap=relative_gap, backend=backend)
    notes: list[str] = []
    if inst.fixed_cents > knobs.budget_cents:
        notes.append(f"the fixed costs (training, kit, coordinator) need {fmt_usd(inst.fixed_cents)}, more than "
                     f"the budget of {fmt_usd(knobs.budget_cents)}")
    sol = screen.solve(inst, knobs, on_incumbent)  # the first solve screens its media plans
    if sol is None:  # nothing fits: not even the empty plan (fixed costs above budget)
        return _infeasible(inst, notes, backend, knobs.pass_cost)
    routed = (resolve.fixed.days, resolve.fixed.km) if resolve.fixed is not None else None
    alloc = _to_allocation(inst, sol, strategy=sol.backend, notes=_plan_notes(inst, sol, knobs, notes, explain=explain),
                           pass_cost=knobs.pass_cost, routed=routed)
    if alloc.planned_usd > campaign.budget_usd:  # cent rounding of the lines only; never expected
        alloc = trim_to_budget(campaign, alloc, priorities)
    opt = sol.option
    cb = {code: int(inst.callbacks[opt[v]]) for v, code in enumerate(inst.villages)}
    aware, reached = expected_households(inst, opt, sol.media)
    return AllocationResult(
        allocation=alloc, callbacks_by_village=cb,
        objective=sol.objective / SCALE, bound=sol.bound / SCALE, aware=aware, reached=reached,
        wall_s=sol.wall_s, instance=inst, solution=sol,
    )


def expected_households(inst: AllocationInstance, option: np.ndarray, media: int) -> tuple[float, float]:
    """Expected households aware (baseline included) and reached by a choice of options and media plan:
    at the instance's point, or the mean over its draws (each draw with its own media shares)."""
    rows = np.arange(len(option))
    mm = inst.media
    if inst.draws is None or mm.aware_draws is None or mm.reach_draws is None:
        return (float(with_media(inst.households, inst.aware[rows, option], mm.aware[media]).sum()),
                float(with_media(inst.households, inst.reached[rows, option], mm.reach[media]).sum()))
    dv = inst.draws
    return (mean_with_media(inst.households, dv.aware[:, rows, option], mm.aware_draws[:, media]),
            mean_with_media(inst.households, dv.reached[:, rows, option], mm.reach_draws[:, media]))
