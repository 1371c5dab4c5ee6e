"""The allocation model over the option menu: one builder per constraint family, and one solve.

Formulation (the menu, values and costs: :mod:`optimizer.allocation.instance`):

* Per sangkat ``s`` one combination ``k = (passes, forums)`` is chosen
  (one-hot ``z[s, k]``); every village of the sangkat shares it.
* Per village ``v`` one option ``o = (k, rounds, callbacks per round,
  banners)`` is chosen (one-hot ``x[v, o]``), linked tightly to the sangkat
  by ``sum_{o in k} x[v, o] = z[s, k]`` (the convex-hull linking of a
  multiple-choice model, so the LP bound is strong).
* Money: options, forums, and the loudspeaker: vehicle-days per district
  exactly as :func:`optimizer.allocation.budget.loudspeaker_days_estimate`
  counts them, fuel per km and the recording (or a routed cost per pass, or
  a cost fixed to the routed tours).
* Capacities: pair-outings per district (the roster's pairs and their calendars,
  :mod:`.capacity`) and in total; vehicle-days per district; passes per sangkat.
* Targets are elastic (goal programming): every centi-household short of a
  sangkat's awareness target costs ``PENALTY`` times the largest village
  weight, and a missing loudspeaker pass as much as its whole sangkat, so the
  solver meets what it can before it buys anything else; the plan always
  stays within the budget and capacities.

Variables and constraints are added in a fixed order: the solvers' paths (and
so the plans when a run stops on its work limit) depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
from ortools.sat.python import cp_model

from .backends import DEFAULT_BACKEND, RunResult, run_model
from .budget import cents
from .instance import SCALE, AllocationInstance
from .media import MEDIA_QUANT, add_media, media_objective, point_group, village_value_bounds
from .sample import ValueGroup, group_draws

SHIFT_SCALE = 1000  # hours are compared in thousandths
PENALTY = 10  # target shortfall weight relative to the most valuable household
MAX_EXTRA_CENTS = 10**9  # bound of the extra money an explanation may ask for
MAX_EXTRA_OUTINGS = 10**6  # bound of the extra pair-outings an explanation may ask for
#: What a solve optimises: the plan itself ("value"), or what an explanation asks for.
Mode: TypeAlias = Literal["slack", "value", "extra_money", "extra_outings", "extra_both"]

Var: TypeAlias = cp_model.IntVar
Expr: TypeAlias = "cp_model.LinearExpr | int"  # a linear expression, or 0 for an empty sum


@dataclass(frozen=True)
class Solution:
    """One solved model: chosen option per village, combination per sangkat, and bookkeeping."""

    status: str
    option: np.ndarray  # (nv,) option index
    combo_of_sangkat: np.ndarray  # (ns,)
    objective: int
    bound: float
    wall_s: float
    money_cents: int
    outings: int
    slack_aware: np.ndarray  # (ns,) centi-households
    slack_pass: np.ndarray  # (ns,)
    slack_women: int
    extra_cents: int = 0
    extra_outings: int = 0
    backend: str = "cp-sat"
    value: int = 0  # the objective's value term: weighted centi-households the village options make aware
    media: int = 0  # the media plan chosen (index into the instance's media menu)
    volunteer_district: int = -1  # the district the solve gave ``Knobs.one_more_volunteer`` to (-1: none asked)

    @property
    def gap(self) -> float:
        """Proven gap between the objective and the bound, relative to the larger of the objective and its value.

        With unmet targets the objective is the plan's value minus the shortfall
        penalty and can sit near zero, where a gap relative to the objective
        alone says nothing; relative to the value it is the share of the plan's
        worth that a better plan could at most add.
        """
        return max(0.0, (self.bound - self.objective) / max(1.0, abs(self.objective), abs(self.value)))

    def short_sangkats(self) -> np.ndarray:
        """Sangkats whose targets the plan misses: a pass short, or at least one expected household short."""
        return (self.slack_aware >= SCALE) | (self.slack_pass > 0)

    def misses_targets(self) -> bool:
        """True when a sangkat is short or women reached fall at least one person short."""
        return bool(self.short_sangkats().any() or self.slack_women >= SCALE)


@dataclass(frozen=True)
class Knobs:
    """What a single solve varies: money, capacity, costs, elastic targets, the objective."""

    budget_cents: int
    extra_outings: Mapping[int, int] | None = None  # district index -> pair-outings
    pass_cost: tuple[float, float] | None = None  # (days, km) per pass, routed
    fixed_passes: Mapping[int, int] | None = None
    fixed_loudspeaker_cents: int | None = None
    mode: Mode = "value"
    slack_cap: int | None = None  # weighted shortfall allowed
    hard_sangkat: int | None = None  # explanation: this sangkat's targets are hard
    hard_women: bool = False
    slack_keep: tuple[np.ndarray, np.ndarray, int] | None = None  # other targets no worse than this
    time_limit_s: float = 10.0
    relative_gap: float = 0.001
    hint: Solution | None = None
    backend: str = DEFAULT_BACKEND
    freeze: Solution | None = None  # explanation: every sangkat but hard_sangkat keeps this solution's choice
    fixed_media: int | None = None  # the media plan every re-solve keeps
    one_more_volunteer: int = 0  # pair-outings one more volunteer adds, in the one district the solve picks


@dataclass(frozen=True)
class Choices:
    """The one-hot choices and the passes and forums per sangkat they make."""

    z: dict[tuple[int, int], Var]  # (sangkat, combination)
    x: dict[tuple[int, int], Var]  # (village, option)
    x_of: list[list[int]]  # options of each village in the model
    passes: list[Expr]  # per sangkat
    forums: list[Expr]


@dataclass(frozen=True)
class Slacks:
    """Shortfalls of the elastic targets."""

    aware: list[Var]  # per sangkat, centi-households
    passes: list[Var]  # per sangkat
    women: Var  # centi-persons


@dataclass(frozen=True)
class BuiltModel:
    """A model with the variables a solution is read from."""

    model: cp_model.CpModel
    choices: Choices
    slacks: Slacks
    extra_cents: Var
    extra_outings: Var
    money: Var
    media: list[Var]
    volunteer_district: tuple[Var, ...] = ()  # one per district when ``Knobs.one_more_volunteer`` is asked


# --------------------------------------------------------------------------- choices
def _combination_allowed(inst: AllocationInstance, kn: Knobs, s: int, k: int) -> bool:
    """A pass needs a tuk-tuk in the district; fixed passes and a frozen plan leave one combination."""
    pp = inst.combos[k][0]
    if pp > 0 and not inst.has_vehicle[s]:
        return False
    if kn.fixed_passes is not None and pp != kn.fixed_passes.get(s, 0):
        return False
    return kn.freeze is None or s == kn.hard_sangkat or k == kn.freeze.combo_of_sangkat[s]


def add_combinations(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs) -> dict[tuple[int, int], Var]:
    """One combination (passes, forums) per sangkat: ``z[s, k]``, exactly one per sangkat."""
    z: dict[tuple[int, int], Var] = {}
    for s in range(len(inst.sangkats)):
        for k in range(len(inst.combos)):
            if _combination_allowed(inst, kn, s, k):
                z[s, k] = m.new_bool_var(f"z{s}_{k}")
        m.add_exactly_one(z[s, k] for k in range(len(inst.combos)) if (s, k) in z)
    return z


def add_options(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs,
                z: dict[tuple[int, int], Var]) -> tuple[dict[tuple[int, int], Var], list[list[int]]]:
    """One undominated option per village, ``x[v, o]``, linked to its sangkat's combination."""
    nv = inst.value.shape[0]
    x: dict[tuple[int, int], Var] = {}
    x_of: list[list[int]] = [[] for _ in range(nv)]
    for v in range(nv):
        s = int(inst.sangkat_of[v])
        by_k: dict[int, list[Var]] = {}
        for o in (int(i) for i in np.flatnonzero(inst.keep[v])):
            k = int(inst.combo[o])
            if (s, k) not in z:
                continue
            if kn.freeze is not None and s != kn.hard_sangkat and o != kn.freeze.option[v]:
                continue
            x[v, o] = m.new_bool_var(f"x{v}_{o}")
            x_of[v].append(o)
            by_k.setdefault(k, []).append(x[v, o])
        for k in range(len(inst.combos)):
            if (s, k) in z:
                m.add(sum(by_k.get(k, [])) == z[s, k])
    return x, x_of


def add_choices(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs) -> Choices:
    """The combination and option variables, and the passes and forums per sangkat they make."""
    z = add_combinations(m, inst, kn)
    x, x_of = add_options(m, inst, kn, z)
    combos, ns = inst.combos, len(inst.sangkats)
    passes: list[Expr] = [sum(combos[k][0] * z[s, k] for k in range(len(combos)) if (s, k) in z) for s in range(ns)]
    forums: list[Expr] = [sum(combos[k][1] * z[s, k] for k in range(len(combos)) if (s, k) in z) for s in range(ns)]
    return Choices(z, x, x_of, passes, forums)


# --------------------------------------------------------------------------- loudspeaker
def _estimated_vehicle_days(m: cp_model.CpModel, inst: AllocationInstance, ch: Choices) -> list[Expr]:
    """Vehicle-days per district (its shift hours, one pass of a sangkat a day) and fuel: their money terms."""
    c = inst.campaign
    ns = len(inst.sangkats)
    day_c = cents(c.cost("tuktuk_day"))
    shift = int(round(c.params["loudspeaker.shift_hours"] * SHIFT_SCALE))
    terms: list[Expr] = []
    for d in range(len(inst.districts)):
        ss = [s for s in range(ns) if inst.district_of_sangkat[s] == d and inst.has_vehicle[s]]
        if not ss:
            continue
        dd = m.new_int_var(0, int(inst.vehicle_days[d]), f"days{d}")
        m.add(dd * shift >= sum(int(math.ceil(inst.pass_hours[s] * SHIFT_SCALE)) * ch.passes[s] for s in ss))
        for s in ss:
            m.add(dd >= ch.passes[s])
        terms.append(day_c * dd)
        terms += [cents(inst.pass_km[s] * c.cost("fuel_km")) * ch.passes[s] for s in ss]
    return terms


def _routed_pass_cost(m: cp_model.CpModel, inst: AllocationInstance, pass_cost: tuple[float, float],
                      ch: Choices) -> list[Expr]:
    """Money terms of passes at a routed cost per pass, within the campaign's vehicle-days."""
    c = inst.campaign
    ns = len(inst.sangkats)
    days_pp, km_pp = pass_cost
    per_pass = cents(days_pp * c.cost("tuktuk_day") + km_pp * c.cost("fuel_km"))
    terms: list[Expr] = [per_pass * ch.passes[s] for s in range(ns)]
    total_days = int(inst.vehicle_days.sum())
    m.add(sum(int(math.ceil(days_pp * SHIFT_SCALE)) * ch.passes[s] for s in range(ns)) <= total_days * SHIFT_SCALE)
    return terms


def add_loudspeaker(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices) -> list[Expr]:
    """The loudspeaker's money terms: the recording once any pass is made, tuk-tuk days and fuel (or a fixed cost)."""
    any_pass = m.new_bool_var("any_pass")
    for (_s, k), var in ch.z.items():
        if inst.combos[k][0] > 0:
            m.add_implication(var, any_pass)
    if kn.fixed_loudspeaker_cents is not None:
        return [kn.fixed_loudspeaker_cents * any_pass]
    terms: list[Expr] = [cents(inst.campaign.cost("recording")) * any_pass]
    if kn.pass_cost is None:
        return terms + _estimated_vehicle_days(m, inst, ch)
    return terms + _routed_pass_cost(m, inst, kn.pass_cost, ch)


def add_pass_limits(m: cp_model.CpModel, inst: AllocationInstance, ch: Choices) -> None:
    """At most one pass of a sangkat per loudspeaker working day."""
    for s in range(len(inst.sangkats)):
        m.add(ch.passes[s] <= inst.work_days)


# --------------------------------------------------------------------------- budget and outings
def add_budget(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices,
               loudspeaker: list[Expr], media: list[Var]) -> tuple[Expr, Var]:
    """Money within the budget left after the fixed costs (plus extra money when an explanation asks).

    ``media``: the one-hot media plan choice, its cost from the instance's media menu.

    Returns the money expression and the extra-money variable.
    """
    money_terms: list[Expr] = [int(inst.money[v, o]) * var for (v, o), var in ch.x.items()]
    money_terms += [inst.forum_cents * ch.forums[s] for s in range(len(inst.sangkats))]
    money_terms += loudspeaker
    money_terms += [int(inst.media.cents[i]) * y for i, y in enumerate(media) if inst.media.cents[i]]
    money = sum(money_terms)
    budget = kn.budget_cents - inst.fixed_cents
    extra_c = m.new_int_var(0, MAX_EXTRA_CENTS if kn.mode in ("extra_money", "extra_both") else 0, "extra_cents")
    m.add(money <= budget + extra_c)
    return money, extra_c


def add_outings(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs,
                ch: Choices) -> tuple[Var, tuple[Var, ...]]:
    """Pair-outings within each district's volunteers and in total (plus extra ones when an explanation asks,
    and one more volunteer's in the one district the solve picks when ``kn.one_more_volunteer`` is set).

    Returns the extra pair-outings variable and the district picks (empty when no volunteer is asked).
    """
    nd = len(inst.districts)
    extra_max = MAX_EXTRA_OUTINGS if kn.mode in ("extra_outings", "extra_both") else 0
    extra_o = m.new_int_var(0, extra_max, "extra_outings")
    outing_expr: dict[int, list[Expr]] = {d: [] for d in range(nd)}
    for (v, o), var in ch.x.items():
        if inst.outings[v, o]:
            outing_expr[int(inst.district_of_sangkat[inst.sangkat_of[v]])].append(int(inst.outings[v, o]) * var)
    add_o = {d: m.new_int_var(0, extra_max, f"eo{d}") for d in range(nd)}
    m.add(sum(add_o.values()) == extra_o)
    given = kn.extra_outings or {}
    one = int(kn.one_more_volunteer)
    # only a model that asks for the volunteer gets these variables: the others keep their variable order
    pick = tuple(m.new_bool_var(f"vol{d}") for d in range(nd)) if one else ()
    if pick:
        m.add_exactly_one(pick)
    for d in range(nd):
        cap = int(inst.outing_cap[d]) + int(given.get(d, 0))
        m.add(sum(outing_expr[d]) <= cap + add_o[d] + (one * pick[d] if pick else 0))
    all_out = [e for d in range(nd) for e in outing_expr[d]]
    m.add(sum(all_out) <= inst.outing_cap_total + sum(given.values()) + one + extra_o)
    return extra_o, pick


# --------------------------------------------------------------------------- elastic targets
def _add_sangkat_goals(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices,
                       s: int) -> tuple[Var, Var]:
    """Awareness and pass targets of sangkat ``s`` with their slacks (zero when the explanation makes them hard)."""
    members = [int(v) for v in np.flatnonzero(inst.sangkat_of == s)]
    h_s = inst.households[members].sum()
    need = int(math.ceil(inst.awareness_target[s] * h_s * SCALE - 1e-6)) if inst.awareness_target[s] > 0 else 0
    hard = kn.hard_sangkat == s
    sa = m.new_int_var(0, 0 if hard else max(need, 0), f"sa{s}")
    if need > 0:
        m.add(sum(int(math.floor(inst.aware[v, o] * SCALE)) * ch.x[v, o] for v in members for o in ch.x_of[v])
              + sa >= need)
    # a sangkat without a tuk-tuk cannot have passes: only its awareness target can be made hard
    sp = m.new_int_var(0, 0 if hard and inst.has_vehicle[s] else inst.pass_target, f"sp{s}")
    m.add(ch.passes[s] + sp >= inst.pass_target)
    return sa, sp


def _add_women_goal(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices) -> Var:
    """Women reached at least the target share of all women, with its slack."""
    # Every model holds this constant-0 slack, used or not: dropping it would renumber
    # the variables, and the solvers' paths depend on their order.
    sw = m.new_int_var(0, 0, "sw")
    if inst.women_target > 0:
        need_w = int(math.ceil(inst.women_target * inst.women.sum() * SCALE))
        sw = m.new_int_var(0, 0 if kn.hard_women else need_w, "sw")
        ratio = inst.women / np.maximum(inst.households, 1)
        m.add(sum(int(math.floor(inst.reached[v, o] * ratio[v] * SCALE)) * var for (v, o), var in ch.x.items())
              + sw >= need_w)
    return sw


def add_goals(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices) -> Slacks:
    """The elastic targets: awareness and passes per sangkat, then women reached."""
    aware, passes = [], []
    for s in range(len(inst.sangkats)):
        sa, sp = _add_sangkat_goals(m, inst, kn, ch, s)
        aware.append(sa)
        passes.append(sp)
    return Slacks(aware, passes, _add_women_goal(m, inst, kn, ch))


def weighted_slack(inst: AllocationInstance, sl: Slacks) -> Expr:
    """Total shortfall: centi-households short, a missing pass weighing as much as its whole sangkat."""
    h_by_s = [int(inst.households[inst.sangkat_of == s].sum()) for s in range(len(inst.sangkats))]
    return sum(sl.aware) + sum(SCALE * max(h, 1) * sl.passes[s] for s, h in enumerate(h_by_s)) + sl.women


def add_slack_limits(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, sl: Slacks, total: Expr) -> None:
    """Cap the total shortfall, and keep every other target no worse than a given plan (explanations)."""
    if kn.slack_cap is not None:
        m.add(total <= kn.slack_cap)
    if kn.slack_keep is None:
        return
    ka, kp, kw = kn.slack_keep
    for s in range(len(inst.sangkats)):
        if s != kn.hard_sangkat:
            m.add(sl.aware[s] <= int(ka[s]))
            m.add(sl.passes[s] <= int(kp[s]))
    if not kn.hard_women:
        m.add(sl.women <= int(kw))


def set_objective(m: cp_model.CpModel, inst: AllocationInstance, kn: Knobs, ch: Choices, total_slack: Expr,
                  extra: tuple[Var, Var], media: list[Var]) -> None:
    """The mode's objective; ``extra`` are the extra-money and extra-outings variables, ``media`` the media plan."""
    extra_c, extra_o = extra
    if kn.mode == "slack":
        m.minimize(total_slack)
    elif kn.mode == "value":
        value = sum(int(inst.value[v, o]) * var for (v, o), var in ch.x.items())
        # goal programming: a centi-household short of a target costs PENALTY x the best weight
        pen = int(math.ceil(PENALTY * float(inst.weight.max(initial=1.0))))
        fixed = kn.freeze.media if kn.freeze is not None else kn.fixed_media
        if len(media) > 1 and fixed is not None and inst.draws is not None:
            # one media plan: the value under every draw is linear in the options, so their sum is one expression
            groups, div = value_groups(inst)
            coef = np.sum([(MEDIA_QUANT - int(g.gains[fixed])) * g.value for g in groups], axis=0)
            m.maximize(sum(int(coef[v, o]) * var for (v, o), var in ch.x.items())
                       + sum(int(g.gains[fixed]) * g.full_value for g in groups)
                       - div * MEDIA_QUANT * pen * total_slack)
        elif len(media) > 1:  # the exact value with the media plan, in 1 / MEDIA_QUANT units (times the draws)
            groups, div = value_groups(inst)
            # the money each media plan leaves the village options (forums and loudspeaker only take more)
            left = kn.budget_cents - inst.fixed_cents - inst.media.cents
            values = [value if g.value is inst.value else sum(int(g.value[v, o]) * var for (v, o), var in ch.x.items())
                      for g in groups]
            bounds = [np.minimum(village_value_bounds(g.value, inst.money, inst.keep, left),
                                 value_scale(inst, ch, g.value)) for g in groups]
            m.maximize(media_objective(m, groups, media, values, bounds) - div * MEDIA_QUANT * pen * total_slack)
        else:
            m.maximize(value - pen * total_slack)
    elif kn.mode == "extra_money":
        m.minimize(extra_c)
    elif kn.mode == "extra_outings":
        m.minimize(extra_o)
    else:  # both: price an outing at its per diem
        c = inst.campaign
        m.minimize(extra_c + cents(c.params["canvass.team_size"] * c.cost("volunteer_outing")) * extra_o)


def value_groups(inst: AllocationInstance) -> tuple[list[ValueGroup], int]:
    """The groups of draws the media objective sums over, and the draws' count (the objective's divisor).

    At a point (no draws) one group: the instance's values and the menu's shares, divisor 1.
    """
    if inst.draws is None or inst.media.aware_draws is None:
        return [point_group(inst.media, inst.value)], 1
    return group_draws(inst.draws, inst.media.aware_draws, MEDIA_QUANT), inst.draws.count


def objective_divisor(inst: AllocationInstance, built: BuiltModel, kn: Knobs) -> int:
    """What a value solve's objective is counted in, per weighted centi-household."""
    if kn.mode != "value" or len(built.media) <= 1:
        return 1
    return MEDIA_QUANT * value_groups(inst)[1]


# --------------------------------------------------------------------------- the whole model and its solve
def build_model(inst: AllocationInstance, kn: Knobs) -> BuiltModel:
    """The allocation model of ``inst`` with the knobs ``kn``."""
    m = cp_model.CpModel()
    ch = add_choices(m, inst, kn)
    loudspeaker = add_loudspeaker(m, inst, kn, ch)
    add_pass_limits(m, inst, ch)
    media = add_media(m, inst.media, kn.freeze.media if kn.freeze is not None else kn.fixed_media)
    money, extra_c = add_budget(m, inst, kn, ch, loudspeaker, media)
    extra_o, pick = add_outings(m, inst, kn, ch)
    slacks = add_goals(m, inst, kn, ch)
    total_slack = weighted_slack(inst, slacks)
    add_slack_limits(m, inst, kn, slacks, total_slack)
    set_objective(m, inst, kn, ch, total_slack, (extra_c, extra_o), media)
    money_v = m.new_int_var(-10**13, 10**13, "money")
    m.add(money_v == money)
    return BuiltModel(m, ch, slacks, extra_c, extra_o, money_v, media, pick)


def _hint(kn: Knobs, ch: Choices) -> list[tuple[Var, int]]:
    """A start from the knobs' neighbouring solution: its options and combinations.

    CP-SAT takes it as hints; SCIP as a partial solution its ``completesol`` heuristic completes (or drops, when
    the neighbour does not fit this problem), so a re-solve begins with an incumbent near its optimum.
    """
    if kn.hint is None:
        return []
    hint = [(var, int(kn.hint.option[v] == o)) for (v, o), var in ch.x.items()]
    hint += [(var, int(kn.hint.combo_of_sangkat[s] == k)) for (s, k), var in ch.z.items()]
    return hint


def _read_solution(inst: AllocationInstance, kn: Knobs, built: BuiltModel, got: RunResult) -> Solution:
    """The chosen options and combinations, the slacks and extras of a solved model."""
    val, ch = got.value, built.choices
    nv, ns = len(inst.villages), len(inst.sangkats)
    option = np.full(nv, -1)
    for (v, o), var in ch.x.items():
        if val(var):
            option[v] = o
    combo_s = np.array([next(k for k in range(len(inst.combos)) if (s, k) in ch.z and val(ch.z[s, k]))
                        for s in range(ns)])
    div = objective_divisor(inst, built, kn)  # 1 / MEDIA_QUANT value units, summed over the draws
    obj, bound = int(round(got.objective / div)), got.bound / div
    if kn.mode != "value":  # minimisation: report gap on the same footing
        obj, bound = -obj, -bound
    sl = built.slacks
    media = next(i for i, y in enumerate(built.media) if val(y))
    value = int(sum(int(inst.value[v, o]) for (v, o), var in ch.x.items() if val(var)))
    return Solution(
        status=got.status, option=option, combo_of_sangkat=combo_s, objective=obj, bound=bound,
        wall_s=got.wall_s, money_cents=int(val(built.money)),
        outings=int(sum(int(inst.outings[v, option[v]]) for v in range(nv))),
        slack_aware=np.array([val(s_) for s_ in sl.aware]), slack_pass=np.array([val(s_) for s_ in sl.passes]),
        slack_women=int(val(sl.women)), extra_cents=int(val(built.extra_cents)),
        extra_outings=int(val(built.extra_outings)), backend=got.backend,
        value=value, media=media,
        volunteer_district=next((d for d, p in enumerate(built.volunteer_district) if val(p)), -1),
    )


def value_scale(inst: AllocationInstance, ch: Choices, value: np.ndarray | None = None) -> int:
    """The most value any plan of the model could earn: every village at its most valuable option
    (of ``value``, default the instance's)."""
    val = inst.value if value is None else value
    return int(sum(max((int(val[v, o]) for o in opts), default=0) for v, opts in enumerate(ch.x_of)))


def stopping_gap(inst: AllocationInstance, built: BuiltModel, kn: Knobs) -> float:
    """The absolute gap a value solve stops at, in objective units: ``relative_gap`` of :func:`value_scale`
    (0 for the other modes)."""
    if kn.mode != "value":
        return 0.0
    return kn.relative_gap * value_scale(inst, built.choices) * objective_divisor(inst, built, kn)


def solve_built(inst: AllocationInstance, kn: Knobs, built: BuiltModel,
                absolute_gap: float | None = None) -> Solution | None:
    """Solve a model built for ``kn`` (constraints may have been added to it); None when infeasible or nothing
    found. ``absolute_gap`` (objective units) replaces :func:`stopping_gap` when given."""
    gap = stopping_gap(inst, built, kn) if absolute_gap is None else absolute_gap
    got = run_model(built.model, backend=kn.backend, effort_s=kn.time_limit_s, relative_gap=kn.relative_gap,
                    hint=_hint(kn, built.choices), absolute_gap=gap)
    return None if got is None else _read_solution(inst, kn, built, got)


def solve_model(inst: AllocationInstance, kn: Knobs) -> Solution | None:
    """Build and solve one model; None when infeasible or nothing found.

    A plan's solve also stops once a better plan could add at most
    ``relative_gap`` of :func:`value_scale` (:func:`stopping_gap`): the solvers'
    own relative gap never closes when unmet targets' penalties bring the
    objective near zero.
    """
    return solve_built(inst, kn, build_model(inst, kn))
