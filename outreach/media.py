"""District-wide channels: social media, radio and partner NGOs, in closed form.

They act on every household of the campaign, independently of the village
channels of :mod:`outreach.response` and of each other.

* *Social media and radio.* A household belongs to the channel's audience
  with probability ``u`` (``social_media.user_share``,
  ``radio.listener_share``; one user or listener per household, fixed for
  the campaign). The ``n`` weeks bought are the campaign's last ``n``
  (recency). In each, an audience household sees or hears the message with
  probability ``q`` (``social_media.weekly_reach``, ``radio.weekly_hear``),
  leaving an effective memory with ``p_c r_w`` (``awareness.p_social_media``,
  ``awareness.p_radio``; ``r_w`` the retention of the week's middle):
  ``exposed = u (1 - (1 - q)^n)``, ``aware = u (1 - prod_w (1 - q p_c r_w))``.
* *Partner NGOs.* Each of ``n`` briefing meetings lets an NGO tell a random
  ``s = min(1, ngo.households_per_meeting / H)`` of the campaign's ``H``
  households at mid-campaign: ``exposed = 1 - (1 - s)^n``, ``aware = 1 - (1 -
  s p_ngo r_mid)^n``.
* *Village chiefs.* A briefing of a sangkat's village chiefs lets each chief
  tell the households at a village meeting held at mid-campaign: a household
  attends with ``chief.meeting_attendance`` (meetings are held when people
  are free, so attendance is taken independent of the daytime at-home law)
  and remembers with ``awareness.p_chief r_mid``. The plan briefs every
  sangkat's chiefs or none (level: the sangkats briefed), so that, like the
  channels above, it acts on every household alike and the plan's value
  keeps the exact form below (a per-sangkat choice would double the
  allocation's menu).
* *Group events.* The youth volunteers' events for specific groups
  (motor-taxi drivers, students, sellers) each meet ``event.people_met``
  people, one per household, drawn from the whole campaign (people travel
  to markets, schools and taxi stands): like an NGO meeting, ``exposed = 1 -
  (1 - s)^n``, ``aware = 1 - (1 - s p_event r_mid)^n``, ``s = min(1,
  event.people_met / H)``. At most one event per sangkat by default.
* *With the village channels.* A household made aware by any of them
  (``R = 1 - prod_c (1 - aware_c)``) is aware whatever the village channels
  did; it does not feed the village's word of mouth (its neighbours are in
  the same audience already). Final awareness is ``b + (1 - b) [R + (1 - R)
  Q]`` with ``Q`` the village channels' share, so a plan's value is exactly
  ``(1 - R) V_villages + R sum_v w_v (1 - b_v) h_v``; reach is ``1 - (1 -
  E)(1 - reach_v)`` with ``E = 1 - prod_c (1 - exposed_c)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .response import mid_campaign_retention, retention

#: Channels acting independently of the village channels; a plan's level of each: boosted weeks, programme
#: weeks, NGO briefing meetings, sangkats whose village chiefs are briefed (all the campaign's or none).
MEDIA: tuple[str, ...] = ("social_media", "radio", "partner_ngo", "village_chief", "group_event")
#: The unit cost (``COSTS`` key) of one level of each channel.
MEDIA_COST: Mapping[str, str] = {"social_media": "social_media_week", "radio": "radio_week",
                                 "partner_ngo": "ngo_meeting", "village_chief": "chief_briefing",
                                 "group_event": "group_event"}


@dataclass(frozen=True)
class MediaResponse:
    """Per channel of :data:`MEDIA`: probability a household is exposed and is made aware (``aware <= exposed``)."""

    exposed: Mapping[str, float]
    aware: Mapping[str, float]

    @property
    def reach(self) -> float:
        """``E = 1 - prod_c (1 - exposed_c)``: exposed to any district-wide channel."""
        return 1.0 - float(np.prod([1.0 - self.exposed[c] for c in MEDIA]))

    @property
    def aware_any(self) -> float:
        """``R = 1 - prod_c (1 - aware_c)``: made aware by any district-wide channel."""
        return 1.0 - float(np.prod([1.0 - self.aware[c] for c in MEDIA]))


NO_MEDIA = MediaResponse(dict.fromkeys(MEDIA, 0.0), dict.fromkeys(MEDIA, 0.0))


def _weekly_channel(audience: float, q: float, p: float, n: int, weeks: int,
                    params: Mapping[str, float]) -> tuple[float, float]:
    """``(u (1 - (1 - q)^n), u (1 - prod_w (1 - q p r_w)))`` over the campaign's last ``n`` weeks."""
    n = max(0, min(int(n), int(weeks)))
    r = retention(7.0 * np.arange(n) + 3.5, params)
    return audience * (1.0 - (1.0 - q) ** n), audience * (1.0 - float(np.prod(1.0 - q * p * r)))


def media_response(levels: Mapping[str, int], weeks: int, households: float,
                   params: Mapping[str, float]) -> MediaResponse:
    """Exposure and awareness probabilities per household of the district-wide channels (module docstring).

    Parameters
    ----------
    levels : mapping
        ``social_media`` boosted weeks, ``radio`` programme weeks, ``partner_ngo`` briefing meetings,
        ``village_chief`` sangkats briefed (any: every household's village chief), ``group_event`` events
        (0 if absent).
    weeks : int
        Campaign length (weeks beyond it are not bought).
    households : float
        Households of the campaign, over which each NGO's ``ngo.households_per_meeting`` spread.
    params : mapping
        Engine parameters.

    Returns
    -------
    MediaResponse
    """
    sm = _weekly_channel(params["social_media.user_share"], params["social_media.weekly_reach"],
                         params["awareness.p_social_media"], levels.get("social_media", 0), weeks, params)
    ra = _weekly_channel(params["radio.listener_share"], params["radio.weekly_hear"], params["awareness.p_radio"],
                         levels.get("radio", 0), weeks, params)
    r_mid = mid_campaign_retention(weeks, params)
    ngo = _told(levels.get("partner_ngo", 0), params["ngo.households_per_meeting"], params["awareness.p_ngo"] * r_mid,
                households)
    event = _told(levels.get("group_event", 0), params["event.people_met"], params["awareness.p_event"] * r_mid,
                  households)
    chief = chief_response(weeks, params) if levels.get("village_chief", 0) > 0 else (0.0, 0.0)
    both = {"social_media": sm, "radio": ra, "partner_ngo": ngo, "village_chief": chief, "group_event": event}
    return MediaResponse(exposed={c: v[0] for c, v in both.items()}, aware={c: v[1] for c, v in both.items()})


def _told(n: int, told: float, p: float, households: float) -> tuple[float, float]:
    """``n`` occasions each telling ``told`` random households of ``households``: ``(1 - (1 - s)^n, 1 - (1 - s
    p)^n)``, ``s = min(1, told / households)``."""
    n = max(0, int(n))
    s = min(1.0, told / max(float(households), 1.0))
    return 1.0 - (1.0 - s) ** n, 1.0 - (1.0 - s * p) ** n


def chief_response(weeks: int, params: Mapping[str, float]) -> tuple[float, float]:
    """``(exposed, aware)`` per household of a village whose sangkat's chiefs were briefed:
    ``(chief.meeting_attendance, chief.meeting_attendance awareness.p_chief r_mid)``."""
    att = params["chief.meeting_attendance"]
    return att, att * params["awareness.p_chief"] * mid_campaign_retention(weeks, params)


def with_media(households: ArrayLike, value: ArrayLike, share: float) -> NDArray[np.float64]:
    """Households aware (or reached) with the district-wide channels: ``value + share (households - value)``.

    ``share`` is :attr:`MediaResponse.aware_any` (or :attr:`MediaResponse.reach`); ``value`` counts the
    village channels and the baseline.
    """
    h, v = np.asarray(households, float), np.asarray(value, float)
    return v + share * (h - v)


def media_caps(levels_cap: Mapping[str, int], weeks: int, params: Mapping[str, float],
               sangkats: int = 0) -> dict[str, int]:
    """The most of each channel a plan may buy: the scenario's ``[channels]`` caps, else the campaign's weeks
    (social media, radio), ``ngo.partners`` meetings and its ``sangkats`` (village chiefs: all or none; group
    events: one per sangkat);
    weeks never beyond the campaign."""
    default = {"social_media": weeks, "radio": weeks, "partner_ngo": int(params["ngo.partners"]),
               "village_chief": sangkats, "group_event": sangkats}
    out = {c: int(levels_cap.get(c, default[c])) for c in MEDIA}
    out["social_media"] = min(out["social_media"], weeks)
    out["radio"] = min(out["radio"], weeks)
    out["village_chief"] = sangkats if out["village_chief"] > 0 else 0
    return out
