"""When the loudspeaker may play in a village, how long it takes there, and with what priority.

Broadcast windows: villages hear the tuk-tuk in the morning or the late
afternoon, market villages in the early market window. How long a village
takes, and over how many metres, comes from its broadcast path
(:func:`outreach.broadcast.plan_broadcasts`): the same path the simulator
measures audibility along.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from outreach.broadcast import VillageBroadcast
from outreach.model import Broadcast, Campaign, Village
from outreach.parameters import DEFAULTS

MORNING = (7 * 3600.0, 10.5 * 3600.0)
AFTERNOON = (15 * 3600.0, 18 * 3600.0)
MARKET = (6 * 3600.0, 9 * 3600.0)
#: The working day: the tuk-tuk may leave the OWSO from 05:00 and must be back by 20:00;
#: ``loudspeaker.day_span_hours`` and ``loudspeaker.shift_hours`` (on the road) bound it further.
DAY = (5 * 3600.0, 20 * 3600.0)
#: A relaxed window (the whole working day), to tell whether the windows are what keeps a village out.
ANY_TIME = DAY


def campaign_param(campaign: Campaign, key: str) -> float:
    """A parameter of the campaign, or its documented default when the campaign does not set it."""
    return float(campaign.params[key]) if key in campaign.params else float(DEFAULTS[key].value)


@dataclass(frozen=True)
class DayLimits:
    """What one working day of a tuk-tuk allows, in seconds.

    ``on_road_s`` bounds driving plus broadcasting (``loudspeaker.shift_hours``);
    ``span_s`` the day from leaving the base to coming back, pauses included
    (``loudspeaker.day_span_hours``); ``window`` the earliest departure and
    latest return; ``travel_factor`` divides road speeds (1 in the dry season).
    """

    on_road_s: float
    span_s: float
    window: tuple[float, float] = DAY
    travel_factor: float = 1.0

    @classmethod
    def of(cls, campaign: Campaign) -> DayLimits:
        """The campaign's limits (its season sets the road speeds)."""
        wet = campaign.season == "wet"
        factor = campaign_param(campaign, "travel.wet_season_speed_factor") if wet else 1.0
        return cls(campaign_param(campaign, "loudspeaker.shift_hours") * 3600.0,
                   campaign_param(campaign, "loudspeaker.day_span_hours") * 3600.0, DAY, 1.0 / factor)


def broadcast_windows(village: Village) -> list[tuple[float, float]]:
    """The windows (seconds after midnight) in which the village may hear the broadcast."""
    return [MARKET] if village.market else [MORNING, AFTERNOON]


def printed(vb: VillageBroadcast) -> Broadcast:
    """The settings a driver reads on the route sheet for one village."""
    s = vb.settings
    return Broadcast(s.mode, s.speed_kmh, s.message_s, s.repeats, vb.lanes, round(vb.length_m, 1))


def village_prize(village: Village, prizes: Mapping[str, float] | None) -> float:
    """A village's routing priority when the caller gives none: its households, at least 1.

    Parameters
    ----------
    village : Village
        The village.
    prizes : mapping of str to float, optional
        Priorities by village code (the allocation's); an empty or missing
        mapping, or a village absent from it, falls back to households.

    Returns
    -------
    float
        ``prizes[village.code]`` if given, else ``max(households, 1)`` so that
        an empty village still outweighs nothing.
    """
    if prizes and village.code in prizes:
        return float(prizes[village.code])
    return float(max(village.households, 1))
