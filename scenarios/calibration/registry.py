"""What the calibration fits and what it compares: the one place to add a parameter or a figure.

* :data:`FITTED`: the parameters given a prior (their documented range in
  :data:`outreach.parameters.DEFAULTS`, uniform or a Beta scaled to that
  range). ``emulated`` parameters change the closed-form reach and so enter
  the emulator's design; the others (a share met at the door, a forum's
  women) enter the figures directly.
* :data:`QUANTITIES`: what one closed-form evaluation of the fixed plan gives
  (households, households met at the door, forum attendance, households aware
  at the campaign end with no baseline, households with an effective memory
  from the volunteers and printed materials).
* :data:`FIGURES`: each observed figure's key, what it counts, and how it is
  computed from those quantities and the parameters.

After a model change (e.g. an at-home-by-sex model of who answers the door,
or a new channel) add its parameter to :data:`FITTED` or its figure to
:data:`FIGURES` here and rerun ``make posterior``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[np.float64]
Values = Mapping[str, Arr]


@dataclass(frozen=True)
class Fitted:
    """A fitted parameter: its key in the registry, prior shape and whether it changes the closed-form reach.

    ``beta = (a, b)`` scales a Beta(a, b) to the documented range; ``None`` is uniform.
    ``low``/``high`` narrow the documented range when given (a tighter, sourced prior).
    """

    key: str
    emulated: bool = True
    beta: tuple[float, float] | None = None
    low: float | None = None
    high: float | None = None


#: Parameters the calibration fits (documented ranges as priors).
FITTED: tuple[Fitted, ...] = (
    Fitted("canvass.p_answer_first_visit"),
    Fitted("awareness.p_door"),
    Fitted("awareness.p_loudspeaker"),
    Fitted("awareness.p_leaflet"),
    Fitted("awareness.half_life_weeks"),
    Fitted("forum.participants"),
    Fitted("calibration.campaign_weeks"),
    # The channels that steer the mix among the aware: the forums (their share of the aware is in the
    # volunteers-and-IEC figure's complement and in the total), word of mouth, and the volunteers' group events,
    # whose people met enter the door-contacts figure and whose memory the volunteers-and-IEC figure.
    # The report's 88,120 brochures went to "most households" through the outreach, far more than the 20,719
    # met: leaflets left where nobody answered carry them, and their share is fitted.
    # Not awareness.p_banner_pass nor banner.reader_share: the only figure that speaks to them, the
    # volunteers-and-IEC share, cannot tell a banner from a brochure. (Fitted before the brochures were
    # modelled, the banner took their effect, 0.065 per pass, the top of its sourced range, and a district plan
    # then put no volunteer out.) They keep their sourced values.
    Fitted("leaflet.left_when_absent"),
    Fitted("awareness.p_forum"),
    Fitted("awareness.wom_rate"),
    # The district-wide channels act on every household alike: added to the closed form analytically
    # (with_district_channels), so they need no emulator.
    Fitted("event.people_met", emulated=False),
    Fitted("awareness.p_event", emulated=False),
    Fitted("awareness.p_radio", emulated=False),
    Fitted("awareness.p_chief", emulated=False),
    Fitted("calibration.survey_lag_weeks", emulated=False),
    Fitted("awareness.baseline", emulated=False),
    # Who opens the door (outreach.athome): they decide who is met, not how many households, so they enter the
    # women's share directly; the share of the seed report is then predicted, never an input.
    Fitted("athome.woman_opens_when_both", emulated=False),
    Fitted("athome.women_employed", emulated=False),
    Fitted("athome.men_employed", emulated=False),
    Fitted("forum.women_share", emulated=False),
)

#: Closed-form quantities of one evaluation (plan fixed, baseline 0, at the campaign end, the district-wide channels'
#: memory silenced: ``aware_*`` count the village channels only), with the plan's length and channel levels.
QUANTITIES: tuple[str, ...] = (
    "households", "forums", "weeks", "media.social_media", "media.radio", "media.partner_ngo", "media.village_chief",
    "media.group_event", "met_at_door", "forum_attendance", "aware_campaign", "aware_volunteers_iec",
    "first_weekday_day", "first_weekday_evening", "first_weekend")

#: The quantities holding the households first met at the door by kind of occasion (outreach.athome.SLOT_KINDS).
FIRST_CONTACT_KEYS: dict[str, str] = {"weekday_day": "first_weekday_day", "weekday_evening": "first_weekday_evening",
                                      "weekend": "first_weekend"}


def women_share_at_door(params: Values, q: Values) -> Arr:
    """Women's share of the people met at the door, from the at-home-by-sex model.

    :func:`outreach.athome.expected_women_share_at_door` of each draw's
    parameters, weighted by the plan's first contacts by kind of occasion
    (weekday daytime, weekday evening, weekend).
    """
    from outreach.athome import expected_women_share_at_door
    from outreach.parameters import DEFAULTS

    n = int(np.size(q["households"]))
    keys = [k for k in DEFAULTS if k.startswith("athome.")]

    def value(key: str, i: int) -> float:
        v = params.get(key)
        return float(np.broadcast_to(v, (n,))[i]) if v is not None else DEFAULTS[key].value

    out = np.empty(n)
    for i in range(n):
        mix = {kind: float(np.broadcast_to(q[name], (n,))[i]) for kind, name in FIRST_CONTACT_KEYS.items()}
        out[i] = expected_women_share_at_door({k: value(k, i) for k in keys}, mix)
    return out


def door_contacts(params: Values, q: Values) -> Arr:
    """People the youth volunteers informed, one per household, as the report counts them: households met at the
    door plus ``events x event.people_met`` at their group events (not de-duplicated: the records count each
    person informed)."""
    return np.asarray(q["met_at_door"] + q["media.group_event"] * params["event.people_met"])


#: Parameter families the district-wide channels read (outreach.media.media_response).
_MEDIA_PREFIXES = ("awareness.", "social_media.", "radio.", "ngo.", "chief.", "event.")


def media_aware_share(params: Values, q: Values, channels: tuple[str, ...]) -> Arr:
    """Share of households made aware by any of ``channels`` (``R = 1 - prod_c (1 - aware_c)``), per draw.

    :func:`outreach.media.media_response` at each draw's parameters and the plan's levels (``media.*``) and length.
    """
    from outreach.media import MEDIA, media_response

    n = int(np.size(q["households"]))
    keys = [k for k in params if k.startswith(_MEDIA_PREFIXES)]
    cols = {k: np.broadcast_to(np.asarray(params[k], float), (n,)) for k in keys}
    qs = {k: np.broadcast_to(np.asarray(q[k], float), (n,)) for k in ("households", "weeks")}
    levels = {c: np.broadcast_to(np.asarray(q[f"media.{c}"], float), (n,)) for c in MEDIA}
    out = np.empty(n)
    for i in range(n):
        resp = media_response({c: round(levels[c][i]) for c in MEDIA}, round(qs["weeks"][i]),
                              float(qs["households"][i]), {k: float(v[i]) for k, v in cols.items()})
        out[i] = 1.0 - float(np.prod([1.0 - resp.aware[c] for c in channels]))
    return out


def with_district_channels(households: Arr, village_aware: Arr, share: Arr) -> Arr:
    """Aware with the district-wide channels: ``H - (1 - R)(H - V)``, exactly as the engine adds them
    (:func:`outreach.media.with_media`: a household they made aware is aware whatever the village channels did)."""
    return np.asarray(households - (1.0 - share) * (households - village_aware))


def aware_campaign(params: Values, q: Values) -> Arr:
    """Households aware at the campaign's end (no baseline): the village channels and every district-wide one."""
    from outreach.media import MEDIA

    return with_district_channels(q["households"], q["aware_campaign"], media_aware_share(params, q, MEDIA))


def aware_volunteers_iec(params: Values, q: Values) -> Arr:
    """Households aware with an effective memory from the youth volunteers and their printed materials: door
    visits, leaflets, banners and the volunteers' group events (not radio, village chiefs, NGOs or social media)."""
    return with_district_channels(q["households"], q["aware_volunteers_iec"],
                                  media_aware_share(params, q, ("group_event",)))


def _decay(params: Values) -> Arr:
    """Retention of the campaign's memories from its end to the survey: ``2^(-lag / half_life)``."""
    return np.asarray(np.exp2(-params["calibration.survey_lag_weeks"] / params["awareness.half_life_weeks"]))


def aware_share(params: Values, q: Values) -> Arr:
    """Share of households aware at the survey: ``b + (1 - b) (aware_campaign / H) decay``."""
    b = params["awareness.baseline"]
    return np.asarray(b + (1 - b) * aware_campaign(params, q) / q["households"] * _decay(params))


def _volunteers_iec_share(params: Values, q: Values) -> Arr:
    return np.asarray(aware_volunteers_iec(params, q) / q["households"] * _decay(params) / aware_share(params, q))


def _before_share(params: Values, q: Values) -> Arr:
    return np.asarray(params["awareness.baseline"] / aware_share(params, q))


@dataclass(frozen=True)
class FigureSpec:
    """A simulated figure: what it counts, its kind (``share`` or ``count``) and how to compute it."""

    counts: str
    kind: str
    compute: Callable[[Values, Values], Arr]


FIGURES: Mapping[str, FigureSpec] = {
    "door_contacts": FigureSpec(
        "people the youth volunteers informed: households met at the door plus people met at the group events",
        "count", door_contacts),
    "door_contacts_women_share": FigureSpec(
        "women's share of the people met at the door", "share", women_share_at_door),
    "forum_participants_per_forum": FigureSpec(
        "households attending a forum, per forum (one participant per household)", "count",
        lambda p, q: np.asarray(q["forum_attendance"] / np.maximum(q["forums"], 1.0))),
    "forum_women_share": FigureSpec("women's share of forum participants", "share",
                                    lambda p, q: np.asarray(p["forum.women_share"])),
    "aware_share": FigureSpec("share of households aware of the OWSO at the survey, baseline included", "share",
                              aware_share),
    "baseline_aware_share": FigureSpec("share of households aware of the OWSO before the campaign", "share",
                                       lambda p, q: np.asarray(p["awareness.baseline"])),
    "aware_via_volunteers_iec_share": FigureSpec(
        "share of the aware holding an effective memory of a door visit, leaflet or banner", "share",
        _volunteers_iec_share),
    "aware_before_campaign_share": FigureSpec("share of the aware who were aware before the campaign", "share",
                                              _before_share),
}
