"""Why a village's pass is left out: the binding limit, found by relaxing one limit at a time.

A village that cannot be served on its day, even alone, is tested against
relaxed copies of its day: with broadcast windows over the whole working day,
with unlimited on-road hours, and with an unlimited day span. The first
relaxation that alone lets it fit names the cause (``broadcast_windows``,
``shift_length``, ``distance``). A village that fits alone but not with the
others of its day is cut by the number of days: ``budget`` when a free
calendar day exists but the budget buys no more, ``vehicle_days`` when the
calendar has no other day for it.
"""

from __future__ import annotations

import math
from dataclasses import replace

from outreach.model import Campaign, DroppedVisit

from .broadcast import ANY_TIME
from .day import DayInputs, day_problem
from .network import Network
from .problem import route_schedule

#: The relaxations tried, in order; the first that alone lets the village fit is the binding one.
_RELAXATIONS = ("broadcast_windows", "shift_length", "distance")


def _relaxed(inputs: DayInputs, cause: str) -> DayInputs:
    lim = inputs.limits
    if cause == "broadcast_windows":
        return replace(inputs, windows=(ANY_TIME,))
    if cause == "shift_length":
        return replace(inputs, limits=replace(lim, on_road_s=math.inf))
    return replace(inputs, limits=replace(lim, span_s=math.inf, window=(0.0, 48 * 3600.0), on_road_s=math.inf))


def fits_alone(campaign: Campaign, net: Network, code: str, inputs: DayInputs) -> bool:
    """True when the village alone, in one of its windows, fits a working day under ``inputs``."""
    day = day_problem(campaign, net, [code], {code: 1.0}, inputs)
    return any(not route_schedule(day.problem, (i,), 0).violations for i in range(1, len(day.loc)))


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def never_fits(campaign: Campaign, net: Network, code: str, inputs: DayInputs, date: str) -> DroppedVisit:
    """The binding reason for a village that does not fit its day even alone."""
    idx = net.codes.index(code) + 1
    f = inputs.limits.travel_factor
    trip = _minutes(f * (net.T[0, idx] + net.T[idx, 0]))
    bc = _minutes(inputs.broadcasts[code].duration_s)
    texts = {
        "broadcast_windows": f"its broadcast ({bc}) and the drive from the base cannot fall inside a broadcast "
                             f"window ({date})",
        "shift_length": f"the round trip from the base ({trip}) and its broadcast ({bc}) exceed the on-road hours "
                        f"of a day ({_minutes(inputs.limits.on_road_s)}) ({date})",
        "distance": f"too far from the base for one working day: round trip {trip}, broadcast {bc}; an overnight "
                    f"stop or a second base would serve it ({date})",
    }
    for cause in _RELAXATIONS:
        if fits_alone(campaign, net, code, _relaxed(inputs, cause)):
            return DroppedVisit(code, texts[cause], cause)
    return DroppedVisit(code, texts["distance"], "distance")


def no_day_left(code: str, date: str, cause: str, budget_days: int | None) -> DroppedVisit:
    """A village that fits alone but not in its full day, when no repair day can be had."""
    if cause == "budget":
        return DroppedVisit(code, f"did not fit in the {date} day with the other villages and the budget buys no "
                                  f"other loudspeaker day ({budget_days} vehicle-days in all; lower priority "
                                  f"dropped)", "budget")
    return DroppedVisit(code, f"did not fit in the {date} day with the other villages and the vehicle has no other "
                              f"free day without a second pass of the same sangkat (lower priority dropped)",
                        "vehicle_days")


def misfit(code: str, duration_s: float, date: str) -> DroppedVisit:
    """A village whose broadcast is longer than every one of its windows."""
    return DroppedVisit(code, f"its broadcast ({_minutes(duration_s)}) is longer than every broadcast window "
                              f"({date})", "broadcast_windows")


__all__ = ["fits_alone", "misfit", "never_fits", "no_day_left"]
