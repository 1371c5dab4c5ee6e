"""Plain-words notes for the targets a plan cannot meet, with what would close each gap.

Each short sangkat is priced on its own: every other sangkat keeps the
plan's choices, and a small exact model finds the least extra money (or
extra pair-outings, or both) that lets this sangkat's villages meet its
targets. The figure is what the sangkat needs on top of this plan.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .budget import fmt_usd
from .instance import SCALE, AllocationInstance
from .model import Knobs, Solution, solve_model


def _sangkat_name(inst: AllocationInstance, s: int) -> str:
    sk = inst.campaign.geography.sangkat_by_code[inst.sangkats[s]]
    return f"Sangkat {sk.name_en} ({sk.code})"


def _short_order(sol: Solution) -> list[int]:
    """Short sangkats, the largest shortfall first (a missing pass outweighs any awareness gap)."""
    short = [(sol.slack_aware[s] + SCALE * sol.slack_pass[s] * 1000, int(s))
             for s in np.flatnonzero(sol.short_sangkats())]
    short.sort(reverse=True)
    return [s for _, s in short]


def _unmet_targets(inst: AllocationInstance, sol: Solution, s: int, name: str) -> tuple[list[str], str | None]:
    """What sangkat ``s`` misses, in words, and a note when its passes cannot be made at all (no tuk-tuk)."""
    what = []
    members = inst.sangkat_of == s
    h_s = inst.households[members].sum()
    if sol.slack_aware[s] >= SCALE:
        got = sum(inst.aware[v, sol.option[v]] for v in np.flatnonzero(members)) / max(h_s, 1)
        what.append(f"reach {inst.awareness_target[s]:.0%} awareness (the plan gets {got:.1%}, "
                    f"{sol.slack_aware[s] / SCALE:,.0f} households short)")
    if sol.slack_pass[s] <= 0:
        return what, None
    if not inst.has_vehicle[s]:
        return what, (f"{name} has no loudspeaker tuk-tuk in its district: "
                      f"its {inst.pass_target} passes cannot be made")
    what.append(f"get {inst.pass_target} loudspeaker passes (the plan has {inst.pass_target - sol.slack_pass[s]})")
    return what, None


def _price(inst: AllocationInstance, ask: Knobs, name: str, target_txt: str) -> str:
    """The note pricing one sangkat's targets: extra money or outings, else both, else impossible."""
    money = solve_model(inst, replace(ask, mode="extra_money"))
    outs = solve_model(inst, replace(ask, mode="extra_outings"))
    parts = []
    if money is not None:
        parts.append(f"{fmt_usd(money.extra_cents)} more")
    if outs is not None:
        parts.append(f"{outs.extra_outings} more volunteer pair-outings")
    if parts:
        return f"{name} needs {' or '.join(parts)} to {target_txt}"
    both = solve_model(inst, replace(ask, mode="extra_both"))
    if both is not None:
        return (f"{name} needs {fmt_usd(both.extra_cents)} and {both.extra_outings} more volunteer "
                f"pair-outings to {target_txt}")
    return _beyond_money(inst, ask, name, target_txt)


def _beyond_money(inst: AllocationInstance, ask: Knobs, name: str, target_txt: str) -> str:
    """The note when no money or outings close the gap: the tuk-tuk's calendar, if more days alone would."""
    s = ask.hard_sangkat
    d = int(inst.district_of_sangkat[s]) if s is not None else -1
    work_days = inst.work_days
    if s is not None and inst.has_vehicle[s] and work_days < inst.pass_target:
        return (f"{name} cannot {target_txt}: passes of a sangkat go on distinct days and the calendar has "
                f"{work_days} loudspeaker working day(s)")
    if s is not None and inst.has_vehicle[s] and inst.pass_target > 0:
        # the binding limit is the tuk-tuk's calendar when more vehicle-days alone (with money) would do it
        more_days = inst.vehicle_days.copy()
        more_days[d] += inst.pass_target * max(1, int(inst.vehicle_days[d]))
        freed = solve_model(replace(inst, vehicle_days=more_days), replace(ask, mode="extra_money"))
        if freed is not None:
            return (f"{name} cannot {target_txt}: every one of its district's {int(inst.vehicle_days[d])} "
                    f"tuk-tuk working days in the calendar is taken; another tuk-tuk or more campaign weeks "
                    f"(with {fmt_usd(freed.extra_cents)} more) would do it")
    return f"{name} cannot {target_txt} even with every channel of the menu at its maximum"


def explain_unmet_targets(inst: AllocationInstance, sol: Solution, base: Knobs, *,
                          time_limit_s: float = 3.0) -> list[str]:
    """Plain-words notes for every target the plan cannot meet, with what would close the gap.

    Parameters
    ----------
    inst : AllocationInstance
    sol : Solution
        The plan.
    base : Knobs
        The knobs the plan was solved with.
    time_limit_s : float
        Effort per pricing solve (CP-SAT, proven optimal within it).

    Returns
    -------
    list of str
        One note per short sangkat (largest shortfall first), then women reached.
    """
    notes: list[str] = []
    keep = (sol.slack_aware, sol.slack_pass, sol.slack_women)
    for s in _short_order(sol):
        name = _sangkat_name(inst, s)
        what, no_vehicle = _unmet_targets(inst, sol, s, name)
        if no_vehicle is not None:
            notes.append(no_vehicle)
        if not what:
            continue
        ask = replace(base, hard_sangkat=s, slack_keep=keep, slack_cap=None, time_limit_s=time_limit_s,
                      relative_gap=0.0, hint=sol, backend="cp-sat", freeze=sol)
        notes.append(_price(inst, ask, name, " and ".join(what)))
    if sol.slack_women >= SCALE:
        notes.append(f"women reached fall {sol.slack_women / SCALE:,.0f} persons short of the "
                     f"{inst.women_target:.0%} target")
    return notes
