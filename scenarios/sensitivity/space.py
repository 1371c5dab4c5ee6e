"""Which response parameters a plan's sensitivity covers, and over which ranges.

A *response parameter* says how households are met, attend, remember and
tell others: who is at home when the volunteers knock, how much of a message
each channel leaves, how fast it is forgotten, who comes to a forum, how large
the district-wide channels' audiences are. The plan itself (its rounds,
passes, forums, weeks, team sizes), costs and the loudspeaker's sound
propagation (section A of :mod:`outreach.parameters`, physics of the
exposure rather than of the response) stay fixed, and so does the integer
``awareness.effective_frequency_k``.

A parameter enters only when the plan buys its channel: a plan with no radio
weeks does not depend on ``radio.listener_share`` (it would get an index of 0
at the cost of emulator terms).

Ranges: a parameter the calibration fitted (one with shipped posterior draws)
varies uniformly between the draws' 5 % and 95 % quantiles; every other one
uniformly over its documented range (``--ranges documented``: all of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from outreach.model import Plan
from outreach.parameters import DEFAULTS, POSTERIOR_DRAWS

Arr = NDArray[np.float64]

#: Parameters every plan depends on: the at-home law (door, loudspeaker listeners, forum attendance) and memory.
ALWAYS: tuple[str, ...] = ("canvass.p_answer_first_visit", "canvass.at_home_beta_concentration",
                           "canvass.evening_weekend_multiplier", "awareness.half_life_weeks",
                           "awareness.wom_rate", "awareness.wom_engaged_vs_informed")

#: The response parameters of each channel, entering when the plan buys it.
BY_CHANNEL: Mapping[str, tuple[str, ...]] = {
    "door_to_door": ("awareness.p_door",),
    "leaflet": ("awareness.p_leaflet", "leaflet.left_when_absent"),
    "loudspeaker": ("awareness.p_loudspeaker",),
    "forum": ("awareness.p_forum", "forum.participants", "forum.participation_rate", "forum.attendance_decay_km"),
    "banner": ("awareness.p_banner_pass", "banner.reader_share"),
    "social_media": ("social_media.user_share", "social_media.weekly_reach", "awareness.p_social_media"),
    "radio": ("radio.listener_share", "radio.weekly_hear", "awareness.p_radio"),
    "partner_ngo": ("ngo.households_per_meeting", "awareness.p_ngo"),
    "village_chief": ("chief.meeting_attendance", "awareness.p_chief"),
    "group_event": ("event.people_met", "awareness.p_event"),
}

#: Accepted values of ``--ranges``.
RANGES: tuple[str, ...] = ("posterior", "documented")


@dataclass(frozen=True)
class Input:
    """One varied parameter: its range and where the range comes from."""

    key: str
    low: float
    high: float
    source: str

    def value(self, u: Arr) -> Arr:
        """Unit-cube values mapped onto the range."""
        return self.low + (self.high - self.low) * np.asarray(u, float)


def channels_bought(plan: Plan) -> tuple[str, ...]:
    """The channels of :data:`BY_CHANNEL` the plan uses (its allocation, roster or tours), in that order."""
    a = plan.allocation
    bought = {
        "door_to_door": any(v > 0 for v in a.door_rounds_by_village.values()) or bool(plan.roster.outings),
        "leaflet": a.leaflets > 0,
        "loudspeaker": any(v > 0 for v in a.loudspeaker_passes_by_sangkat.values()) or bool(plan.tours.days),
        "forum": any(v > 0 for v in a.forums_by_sangkat.values()),
        "banner": any(v > 0 for v in a.banners_by_village.values()),
    }
    bought |= {c: a.media.get(c, 0) > 0 for c in BY_CHANNEL if c not in bought}
    return tuple(c for c in BY_CHANNEL if bought[c])


def _posterior_range(key: str, draws: Sequence[Mapping[str, float]]) -> tuple[float, float] | None:
    """The draws' 5-95 % quantiles of ``key``; None when not fitted or the draws do not vary."""
    x = np.array([d[key] for d in draws if key in d], float)
    if len(x) < 2:
        return None
    lo, hi = np.quantile(x, [0.05, 0.95])
    return (float(lo), float(hi)) if hi > lo else None


def response_inputs(plan: Plan, ranges: str = "posterior",
                    draws: Sequence[Mapping[str, float]] = POSTERIOR_DRAWS) -> tuple[Input, ...]:
    """The plan's response parameters with their ranges (module docstring).

    Parameters
    ----------
    plan : Plan
        The plan (which channels it uses).
    ranges : {"posterior", "documented"}
        Fitted parameters over the posterior's 5-95 % quantiles, or every parameter over its documented range.
    draws : sequence of mapping
        Posterior draws (default: the shipped ones).
    """
    if ranges not in RANGES:
        raise ValueError(f"ranges must be one of {', '.join(RANGES)} (got '{ranges}')")
    keys = list(ALWAYS) + [k for c in channels_bought(plan) for k in BY_CHANNEL[c]]
    out = []
    for key in keys:
        p = DEFAULTS[key]
        fitted = _posterior_range(key, draws) if ranges == "posterior" else None
        if fitted is not None:
            out.append(Input(key, *fitted, f"posterior 5-95 % ({len(draws)} shipped draws)"))
        else:
            out.append(Input(key, p.low, p.high, "documented range"))
    return tuple(out)


def bounds(inputs: Sequence[Input]) -> tuple[Arr, Arr]:
    """Lower and upper ends of the inputs' ranges."""
    return np.array([i.low for i in inputs]), np.array([i.high for i in inputs])


#: A short label for the chart and what a district could measure to narrow each parameter's range.
MEASURE: Mapping[str, tuple[str, str]] = {
    "canvass.p_answer_first_visit": (
        "door answered, 1st visit", "a door log: volunteers tick, for every door they knock, whether someone "
        "answered at the first visit (two weeks of rounds give thousands of knocks)"),
    "canvass.at_home_beta_concentration": (
        "at-home spread (callbacks)", "the same door log with callbacks: how often a household missed once is "
        "missed again (a low concentration means callbacks keep missing the same homes)"),
    "canvass.evening_weekend_multiplier": (
        "evening/weekend answer x", "the door log split by slot: answer rate in the evening and at weekends over "
        "the weekday daytime rate"),
    "awareness.half_life_weeks": (
        "memory half-life", "a recall panel: ask the same visited households the OWSO question 2 and 8 weeks after "
        "the visit; the fall between the two gives the half-life"),
    "awareness.wom_rate": (
        "word of mouth rate", "the follow-up survey's 'how did you hear of the OWSO' question: the share who "
        "heard it from a neighbour or relative"),
    "awareness.wom_engaged_vs_informed": (
        "word of mouth: engaged x", "the same question, asking also whether the teller had been visited or had "
        "attended a forum, or had only heard of it"),
    "awareness.p_door": (
        "memory of a door visit", "a post-visit recall check: a week after a round, revisit a sample of visited "
        "households and ask what the OWSO does"),
    "awareness.p_leaflet": (
        "memory of a leaflet", "the recall check among households that got a leaflet without a conversation"),
    "awareness.p_loudspeaker": (
        "memory of a loudspeaker pass", "a recall check the day after a pass, in households at home during it"),
    "awareness.p_forum": (
        "memory of a forum", "a post-forum recall check: call or visit a sample of attendees two weeks later"),
    "forum.participants": (
        "forum attendance", "a sign-in sheet at every forum: how many households came"),
    "forum.participation_rate": (
        "forum participation", "the sign-in sheet with each attendee's village, against the households invited"),
    "forum.attendance_decay_km": (
        "forum attendance decay", "the sign-in sheet's villages: attendance by distance from the venue"),
    "awareness.p_banner_pass": (
        "memory of a banner", "ask people at the market or along the road whether they noticed the banner and "
        "what it said"),
    "leaflet.left_when_absent": (
        "leaflets left at the door", "the pairs' tally sheets: leaflets left at houses where nobody answered, "
        "against the houses visited with nobody home"),
    "banner.reader_share": (
        "banner readers", "a follow-up survey question: have you ever read the banner on the village road? "
        "(the share saying yes however long it has hung)"),
    "social_media.user_share": (
        "social media users", "a baseline survey question: does anyone in the household use Facebook?"),
    "social_media.weekly_reach": (
        "social media weekly reach", "the boosted page's own insights: people reached in the district each week"),
    "awareness.p_social_media": (
        "memory of a post", "a follow-up question to users who saw the post: what the OWSO does"),
    "radio.listener_share": (
        "radio listeners", "a baseline survey question: does the household listen to the radio every week?"),
    "radio.weekly_hear": (
        "radio weekly hearing", "a follow-up question to listeners: did they hear the OWSO programme?"),
    "awareness.p_radio": (
        "memory of the radio", "the recall check among listeners who heard the programme"),
    "ngo.households_per_meeting": (
        "households an NGO tells", "ask each briefed NGO how many households it told (its group lists)"),
    "awareness.p_ngo": (
        "memory of an NGO's word", "a recall check in a sample of households the NGO told"),
    "chief.meeting_attendance": (
        "chief's meeting attendance", "the village meetings' attendance lists"),
    "awareness.p_chief": (
        "memory of a chief's word", "a recall check among households at the chief's meeting"),
    "event.people_met": (
        "people met at an event", "a tally of people met at each group event"),
    "awareness.p_event": (
        "memory of an event", "a recall check among people met at an event, a week later"),
}
