"""How the loudspeaker serves one village: when, for how long, over how much road, with what priority.

Broadcast windows: villages hear the tuk-tuk in the morning or the late
afternoon, market villages in the early market window. The broadcast itself
is driving slowly over the village's roads, whose length grows with the
square root of its households.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from outreach.model import Campaign, Village
from outreach.parameters import DEFAULTS

MORNING = (7 * 3600.0, 10.5 * 3600.0)
AFTERNOON = (15 * 3600.0, 18 * 3600.0)
MARKET = (6 * 3600.0, 9 * 3600.0)
# sessions: the tuk-tuk may leave the depot before a window opens and come
# back after it closes, but the broadcast itself stays inside the window
MORNING_SESSION = (5 * 3600.0, 12.5 * 3600.0)
AFTERNOON_SESSION = (13 * 3600.0, 20 * 3600.0)
MIN_VILLAGE_ROAD_M = 300.0


def campaign_param(campaign: Campaign, key: str) -> float:
    """A parameter of the campaign, or its documented default when the campaign does not set it."""
    return float(campaign.params[key]) if key in campaign.params else float(DEFAULTS[key].value)


def village_road_m(campaign: Campaign, village: Village) -> float:
    """Metres of road the loudspeaker drives inside the village (at least :data:`MIN_VILLAGE_ROAD_M`)."""
    k = campaign_param(campaign, "household.village_radius_m_per_sqrt_hh")
    return max(MIN_VILLAGE_ROAD_M, 2.0 * k * math.sqrt(max(village.households, 0)))


def broadcast_s(campaign: Campaign, village: Village) -> float:
    """Seconds a broadcast takes: the village's roads at broadcast speed."""
    return village_road_m(campaign, village) / (campaign_param(campaign, "loudspeaker.broadcast_speed_kmh") / 3.6)


def broadcast_windows(village: Village) -> list[tuple[float, float]]:
    """The windows (seconds after midnight) in which the village may hear the broadcast."""
    return [MARKET] if village.market else [MORNING, AFTERNOON]


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
