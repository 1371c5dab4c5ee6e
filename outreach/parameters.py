"""Every default parameter of the engine, in one place, with source and range.

Values come from ``shared/reference/simulation-parameters.md`` (researched,
tagged [S] stated by a source, [D] derived, [W] weak source) or from the seed
report of the API project (2012) in Pursat, Kampong Chhnang and Chbar Mon.
Values marked [A] are planning assumptions with no published source; they are
kept deliberately round and their range is wide. A scenario may override any
value by its dotted key (``[parameters]`` table in ``scenario.toml``).

The table is plain data: ``DEFAULTS[key].value``. Use :func:`resolve` to merge
overrides and validate them against the stated range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .errors import ScenarioError


@dataclass(frozen=True)
class Param:
    """One default: value, plausible range, unit and where it comes from."""

    value: float
    low: float
    high: float
    unit: str
    source: str

    def __post_init__(self) -> None:
        if not (self.low <= self.value <= self.high):
            raise ValueError(f"default {self.value} outside its range [{self.low}, {self.high}]")


_SIM = "shared/reference/simulation-parameters.md"
_SEED = "API project final report 2012 (seeds/001)"

_TABLE: dict[str, Param] = {
    # --- A. Mobile loudspeaker -------------------------------------------------
    "loudspeaker.speech_laeq_1m_db": Param(110, 100, 117, "dB", f"{_SIM} A: TOA guide p.21 [D]"),
    "loudspeaker.off_axis_penalty_db": Param(6, 0, 12, "dB", f"{_SIM} A: JBL manual p.30 [S]"),
    "loudspeaker.atm_absorption_db_per_km": Param(8, 5, 13, "dB/km", f"{_SIM} A: ISO 9613-1 at 30 C [D]"),
    "loudspeaker.ground_receiver_height_m": Param(1.75, 1.0, 2.5, "m", f"{_SIM} A: ISO 9613-2 eq.10 [S]"),
    "loudspeaker.house_row_barrier_db": Param(7, 5, 10, "dB", f"{_SIM} A: FHWA barriers [S]"),
    "loudspeaker.foliage_db_per_m": Param(0.05, 0.02, 0.16, "dB/m", f"{_SIM} A: ISO 9613-2 foliage [S]"),
    "loudspeaker.foliage_cap_m": Param(200, 0, 200, "m", f"{_SIM} A: ISO 9613-2 cap [S]"),
    "loudspeaker.facade_loss_db": Param(10, 5, 15, "dB", f"{_SIM} A: EPA levels document [S]"),
    "loudspeaker.ambient_rural_dba": Param(45, 35, 55, "dB(A)", f"{_SIM} A: EPA 1974 farm areas [S]"),
    "loudspeaker.ambient_periurban_dba": Param(55, 50, 65, "dB(A)", f"{_SIM} A: EPA residential [S]"),
    "loudspeaker.ambient_roadside_dba": Param(65, 60, 80, "dB(A)", f"{_SIM} A: Phuket roads, WHO [S]"),
    "loudspeaker.snr_intelligible_db": Param(10, 6, 15, "dB", f"{_SIM} A: WHO, ANSI S3.5 [S]"),
    "loudspeaker.broadcast_speed_kmh": Param(15, 10, 20, "km/h", f"{_SIM} A: design choice (unsourced)"),
    "loudspeaker.message_length_s": Param(30, 20, 60, "s", f"{_SIM} A (recommended default)"),
    "loudspeaker.shift_hours": Param(6, 3, 9, "h", "[A] on-road hours a day (driving and broadcasting): two "
                                     "broadcast windows of about 3 h"),
    "loudspeaker.day_span_hours": Param(12, 8, 14, "h", "[A] from leaving the OWSO to coming back, midday pause "
                                        "included (06:00-18:00 and some slack)"),
    "loudspeaker.message_repeats": Param(1, 1, 3, "hearings", "[A] full hearings of the message per listener; "
                                         "more narrows the lanes or slows the vehicle (priced in time)"),
    "loudspeaker.max_village_minutes": Param(45, 10, 120, "min", "[A] longest broadcast in one village on one "
                                             "pass; a larger village gets its busiest band of lanes"),
    "travel.wet_season_speed_factor": Param(0.7, 0.4, 1.0, "x", "[A] laterite and track roads in the rains; "
                                            f"{_SIM} D gives dry-season speeds"),
    "loudspeaker.fuel_l_per_100km": Param(4.0, 2.5, 8.0, "l/100 km", "[A] 125-150 cc motorbike pulling a remorque"),
    "loudspeaker.passes_per_sangkat": Param(2, 0, 10, "passes", f"{_SEED}: 'two times per Sangkat' [S]"),
    # --- B. Door-to-door ------------------------------------------------------
    "canvass.team_size": Param(2, 2, 3, "persons", "EU DAR toolkit (seeds/000), on survey interviewers: 'it is "
                               "good to work at least in teams of two' [W]"),
    "canvass.doors_per_hour_per_pair": Param(10, 6, 25, "doors/h", f"{_SIM} B: Wellstone, Thigpenn [S]"),
    "canvass.p_answer_first_visit": Param(0.30, 0.15, 0.50, "prob", f"{_SIM} B: US anchors [W]"),
    "canvass.at_home_beta_concentration": Param(2.0, 0.5, 20, "a+b", "[A] heterogeneity that makes callbacks saturate"),
    "canvass.max_callbacks": Param(2, 0, 3, "visits", f"{_SIM} B [W]"),
    "canvass.evening_weekend_multiplier": Param(1.35, 1.0, 1.4, "x", f"{_SIM} B: doornoc [W]"),
    "canvass.shift_hours": Param(3.5, 3, 4, "h", f"{_SIM} B [W]"),
    "canvass.outings_per_week": Param(2.5, 2, 3, "outings", f"{_SEED}: 'two to three times per week' [S]"),
    # --- B2. Who is at home, by sex (the person met at the door and the loudspeaker's listeners) ----------
    # Whether someone answers stays the Beta law above; these decide only who. P(adult home) =
    # 1 - employed x away share of the occasion (an adult not employed is at home). Nothing here is the
    # seed's 12,340 women of 20,719 people informed: that share is an output to compare with.
    "athome.women_employed": Param(0.618, 0.55, 0.79, "share", "Cambodia LFS 2019 (NIS/ILO), employment-to-"
                                   "population ratio of women 15+: 61.8 % (ILO statement WCMS_893592) [S]; range to "
                                   "CDHS 2014 71 % of women 15-49 currently employed and the ASEAN 2023 female "
                                   "LFPR 78.9 % [S]"),
    "athome.men_employed": Param(0.763, 0.70, 0.89, "share", "Cambodia LFS 2019 (NIS/ILO), employment-to-"
                                 "population ratio of men 15+: 76.3 % (ILO statement WCMS_893592) [S]; range to the "
                                 "ASEAN 2023 male LFPR 88.7 % [S]"),
    "athome.away_weekday_day": Param(0.8, 0.6, 0.95, "share", "[A] employed adults away from the homestead on a "
                                     "weekday morning or afternoon (fields, market, factory); LFS 2019: 88 % of "
                                     "employment informal, much of it own-account farming near the village [W]"),
    "athome.away_weekday_evening": Param(0.2, 0.05, 0.4, "share", "[A] employed adults still away after 17:00 "
                                         "(late shifts, evening trade, commuting)"),
    "athome.away_weekend": Param(0.6, 0.3, 0.9, "share", "[A] employed adults away on a Saturday or Sunday: farm "
                                 "and informal work has no weekend, garment and public work mostly has"),
    "athome.woman_opens_when_both": Param(0.5, 0.3, 0.8, "prob", "[A] the woman answers the volunteers when both "
                                          "adults are at home (no source; women do 188 min/day of unpaid care "
                                          "against 18 for men, ILO 2018 Care work report [S], argues above 0.5)"),
    # --- C. Awareness ---------------------------------------------------------
    "awareness.p_door": Param(0.8, 0.4, 0.95, "prob", f"{_SIM} C: UNCALIBRATED"),
    "awareness.p_loudspeaker": Param(0.3, 0.1, 0.6, "prob", f"{_SIM} C: UNCALIBRATED"),
    # Low end of the sourced range: repeated passes by the same household are not independent views.
    "awareness.p_banner_pass": Param(0.02, 0.015, 0.08, "prob", f"{_SIM} C: billboard recall 1.5-8 % [W/D]"),
    "awareness.p_forum": Param(0.9, 0.6, 1.0, "prob", "[A] a half-day forum explains the OWSO in depth"),
    "awareness.p_leaflet": Param(0.1, 0.02, 0.3, "prob", f"{_SIM} C: DeFleur & Rainboth [A]"),
    "awareness.effective_frequency_k": Param(1, 1, 3, "exposures", f"{_SIM} C: Jones 1995 [S]"),
    "awareness.half_life_weeks": Param(4, 2, 12, "weeks", f"{_SIM} C [S]"),
    "awareness.wom_engaged_vs_informed": Param(7, 1, 10, "x", f"{_SIM} C: Banerjee 2013 [S]"),
    "awareness.wom_rate": Param(0.05, 0.0, 0.2, "share", "[A] aware households informing an unaware neighbour"),
    "awareness.baseline": Param(0.3, 0.0, 0.95, "share", "[A] used only when no survey is given"),
    # --- Forums, banners ------------------------------------------------------
    # 1,523 / 17 = 89.6. (The report also says "1,451 community members (515 women) attended OWSO fora",
    # without a forum count; 85 was 1,451 / 17, a pairing the report never makes.)
    "forum.participants": Param(90, 20, 300, "persons", f"{_SEED}: '17 public foras were held in all 16 Sangkats "
                                "[...] with direct participation of 1,523 community members' [D]"),
    "forum.women_share": Param(0.355, 0.1, 0.7, "share", f"{_SEED}: '1,451 community members (515 women) attended "
                               "OWSO fora' [S]"),
    "forum.attendance_decay_km": Param(2.0, 0.5, 10, "km", "[A] attendance halves every decay length"),
    "forum.participation_rate": Param(0.66, 0.2, 0.9, "share", f"{_SIM} C: Cambodian village drama events [S]"),
    # --- Leaflets -------------------------------------------------------------
    "leaflet.spare_share": Param(0.10, 0.0, 0.5, "share", "[A] leaflets printed beyond the expected hand-overs "
                                 "(torn, wet, a second family under one roof); the seed report printed 88,120 "
                                 "brochures for 'most households', a count without a hand-over rule"),
    # The seed's 88,120 brochures went to "most households" through the volunteers' outreach, while 20,719
    # households were met: brochures were left where nobody answered (with a neighbour, at the door).
    "leaflet.left_when_absent": Param(0.8, 0.0, 1.0, "prob", f"{_SEED}: 88,120 brochures 'distributed to most "
                                      "households by outreach activities', 20,719 people met [S]; the share [A]"),
    "banner.passes_per_week": Param(1, 0, 14, "passes", "[A] distinct noticing occasions of the village road banner"),
    "banner.per_village": Param(1, 0, 4, "banners", f"{_SEED}: 132 banners, one per village road [S]"),
    # Noticings of one banner are not independent: the same households pass it and read it, the rest never do,
    # however long it hangs. Readers are this share; the noticing rate above is spread over them alone, so a
    # village's banner awareness saturates at the share instead of compounding week after week.
    "banner.reader_share": Param(0.10, 0.05, 0.16, "share", f"{_SIM} C: of those passing a billboard 25-40 % "
                                 "view it and 20-40 % of them recall it [W/D], product 5-16 % [A]"),
    # --- District-wide channels: social media, radio, partner NGOs -------------
    # One user, listener or member per household is assumed (conservative: a household with several users is
    # exposed once); audience membership is fixed for the campaign, so repeated weeks saturate at the audience.
    "social_media.user_share": Param(0.72, 0.40, 0.85, "share", "DataReportal via Khmer Times (2024): social "
                                     "media users 72.4 % of Cambodia's population; NapoleonCat Dec 2021: Facebook "
                                     "12.8 M users, 74.6 % of the population, 55.3 % men [W]"),
    "social_media.weekly_reach": Param(0.30, 0.05, 0.80, "share", "[A] share of the district's users a boosted "
                                       "week's posts appear to (EU DAR toolkit, seeds/000: 'raise awareness "
                                       "through social media (Facebook for example)')"),
    "awareness.p_social_media": Param(0.05, 0.01, 0.30, "prob", "[A] effective memory per boosted post seen; "
                                      f"between banner recall and a loudspeaker message ({_SIM} C, UNCALIBRATED)"),
    "radio.listener_share": Param(0.34, 0.15, 0.70, "share", "CMRD 2015 media consumption survey (via mom-kh.com): "
                                  "34 % of people 15+ get information from radio; Indochina Research 2009: 46 % "
                                  "listen every day [W]"),
    "radio.weekly_hear": Param(0.50, 0.10, 0.90, "share", "[A] share of listener households that hear the OWSO "
                               "spots or programme in a programme week (seeds/001: 'radio programmes')"),
    "awareness.p_radio": Param(0.10, 0.02, 0.40, "prob", "[A] effective memory per programme week heard; "
                               f"below a loudspeaker message heard at home ({_SIM} C, UNCALIBRATED)"),
    "ngo.households_per_meeting": Param(300, 50, 2000, "households", "[A] households a local development NGO "
                                        "tells after one briefing meeting (its savings groups and members; seeds/000: "
                                        "'so that those NGOs could spread the information further')"),
    "awareness.p_ngo": Param(0.5, 0.2, 0.9, "prob", "[A] effective memory when NGO staff explain the OWSO in "
                             "person; below a forum's in-depth explanation (awareness.p_forum)"),
    "chief.meeting_attendance": Param(0.4, 0.1, 0.8, "share", "[A] households at the village meeting where a "
                                      "briefed village chief tells about the OWSO (seeds/001: dissemination "
                                      "through 'local authorities')"),
    "awareness.p_chief": Param(0.6, 0.3, 0.9, "prob", "[A] effective memory when the village chief explains the OWSO "
                               "at a meeting; between NGO staff (awareness.p_ngo) and a forum (awareness.p_forum)"),
    "event.people_met": Param(60, 20, 300, "persons", "[A] people the youth volunteers meet at one event for a "
                              "specific group (motor-taxi drivers, students, sellers; seeds/001: loudspeaker events "
                              "among the '34 outreach activities'), one per household"),
    "awareness.p_event": Param(0.5, 0.2, 0.9, "prob", "[A] effective memory of a volunteer's explanation at a group "
                               "event; as a partner NGO's (awareness.p_ngo)"),
    # Booklets and posters reach people only through a channel; their print runs follow from it (no response of
    # their own: a booklet goes with the explanation at a forum or event, a poster hangs where people come).
    "booklet.per_attendee": Param(1, 0, 3, "booklets", "[A] booklets handed over per household attending a forum or "
                                  "met at a group event; the seed report printed 12,850 booklets, a count without "
                                  "a hand-over rule"),
    "poster.per_event": Param(2, 0, 10, "posters", "[A] posters put up at a group event's venue"),
    "poster.per_sangkat_office": Param(4, 0, 20, "posters", "[A] posters the briefed chiefs put up at the sangkat "
                                       "office and village notice boards; seed report: 9,600 posters (no rule)"),
    "poster.per_owso": Param(10, 0, 50, "posters", "[A] posters (official OWSO fees) at each district's OWSO "
                             "counter, every plan"),
    "ngo.partners": Param(5, 0, 30, "NGOs", "[A] local development NGOs a district can brief, one meeting each: "
                          "the default cap of partner NGO meetings"),
    # --- D. Travel ------------------------------------------------------------
    "travel.moto_paved_kmh": Param(40, 30, 50, "km/h", f"{_SIM} D [S]"),
    "travel.moto_laterite_kmh": Param(25, 15, 30, "km/h", f"{_SIM} D [S]"),
    "travel.moto_track_kmh": Param(15, 5, 20, "km/h", f"{_SIM} D [S]"),
    "travel.circuity_factor": Param(1.3, 1.1, 1.8, "x", "[A] road length over straight line, proxy network"),
    "travel.proxy_k_neighbours": Param(6, 3, 12, "edges", "[A] k-nearest + Delaunay proxy road graph"),
    # --- Households -----------------------------------------------------------
    "household.size": Param(4.6, 3.5, 6.0, "persons", f"{_SIM} B: CDHS 2014 [S]"),
    "household.women_share": Param(0.52, 0.45, 0.55, "share", "Census 2008 seed districts: F/(F+M) about 0.52 [S]"),
    "household.village_radius_m_per_sqrt_hh": Param(30, 10, 80, "m",
                                                    "[A] synthetic spread: radius = k*sqrt(households)"),
    # --- Simulation -----------------------------------------------------------
    "simulation.replications": Param(200, 10, 10000, "runs", "[A] Monte Carlo replications"),
    # --- Calibration (scenario facts the seed report does not state; read by `outreach calibrate` only) ------
    "calibration.campaign_weeks": Param(16, 8, 24, "weeks", f"[A] length of the door-to-door and loudspeaker "
                                        f"campaign; {_SEED} does not state it"),
    "calibration.survey_lag_weeks": Param(4, 0, 12, "weeks", f"[A] weeks from the campaign's end to the survey; "
                                          f"{_SEED}: the survey was in 'third quarter of 2012'"),
}

#: The table's own values, before any shipped posterior: what the calibration plans with, so that its
#: rerun does not depend on the posterior it replaces.
DOCUMENTED: Mapping[str, float] = MappingProxyType({k: p.value for k, p in _TABLE.items()})

#: Posterior means written by ``outreach calibrate --defaults`` (``make posterior``); absent: documented values.
CALIBRATED_FILE = Path(__file__).with_name("data") / "calibrated.json"


def _shipped(path: Path) -> dict[str, Any] | None:
    """The shipped posterior document (``make posterior``), read once; None when there is none."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _posterior_draws(table: Mapping[str, Param], doc: Mapping[str, Any] | None) -> tuple[Mapping[str, float], ...]:
    """The shipped posterior draws (known keys only, each kept inside its range); none without a posterior."""
    if doc is None:
        return ()
    return tuple(MappingProxyType({k: min(max(float(v), table[k].low), table[k].high)
                                   for k, v in d.items() if k in table}) for d in doc.get("draws", []))


def _calibrated(table: Mapping[str, Param], path: Path) -> tuple[dict[str, Param], dict[str, Any] | None]:
    """The table with the posterior means of the file at ``path`` as values, and their provenance."""
    return _with_means(table, _shipped(path), path)


def _with_means(table: Mapping[str, Param], doc: Mapping[str, Any] | None,
                path: Path) -> tuple[dict[str, Param], dict[str, Any] | None]:
    """The table with the shipped posterior means as values (each kept inside its range), and their provenance."""
    if doc is None:
        return dict(table), None
    out = dict(table)
    for key, mean in doc.get("means", {}).items():
        p = table.get(key)
        if p is not None:
            v = min(max(float(mean), p.low), p.high)
            out[key] = Param(v, p.low, p.high, p.unit, f"{p.source}; posterior mean ({path.name}), prior "
                             f"value {p.value:g}")
    return out, doc.get("provenance")


_SHIPPED = _shipped(CALIBRATED_FILE)
_ACTIVE, _PROVENANCE = _with_means(_TABLE, _SHIPPED, CALIBRATED_FILE)

DEFAULTS: Mapping[str, Param] = MappingProxyType(_ACTIVE)

#: Draws of the shipped posterior: the simulation's bands with parameter uncertainty run the plan under each.
POSTERIOR_DRAWS: tuple[Mapping[str, float], ...] = _posterior_draws(_TABLE, _SHIPPED)

#: Where the defaults come from (``summary.json`` ``parameters_provenance``).
PARAMETERS_PROVENANCE: Mapping[str, Any] = MappingProxyType(
    {"source": "posterior means", "keys": sorted(k for k in _ACTIVE if _ACTIVE[k] is not _TABLE[k]),
     **(_PROVENANCE or {})}
    if _PROVENANCE is not None else {"source": "documented values (outreach/parameters.py); no shipped posterior"})

#: The one documented default seed (the year and month the seed campaign ended).
DEFAULT_SEED = 201212


def resolve(overrides: Mapping[str, float] | None = None, *, file: str | None = None) -> dict[str, float]:
    """Return ``{key: value}`` for every parameter, with overrides applied.

    Parameters
    ----------
    overrides : mapping of str to float, optional
        Dotted keys (``"loudspeaker.broadcast_speed_kmh"``) to new values.
    file : str, optional
        Scenario file name, for error messages.

    Returns
    -------
    dict
        Every parameter key mapped to its value.

    Raises
    ------
    ScenarioError
        When a key is unknown or a value falls outside the documented range.
    """
    values = {k: p.value for k, p in _ACTIVE.items()}
    for key, value in (overrides or {}).items():
        if key not in _ACTIVE:
            raise ScenarioError(f"unknown parameter '{key}'", file=file, field=f"parameters.{key}")
        p = _ACTIVE[key]
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ScenarioError(f"'{value}' is not a number", file=file, field=f"parameters.{key}") from None
        if not (p.low <= v <= p.high):
            raise ScenarioError(
                f"{v} is outside the documented range {p.low}-{p.high} {p.unit} ({p.source})",
                file=file,
                field=f"parameters.{key}",
            )
        values[key] = v
    return values


# --------------------------------------------------------------------------- unit costs
@dataclass(frozen=True)
class UnitCost:
    """A budget line's unit cost in USD (annex-6 style), with its source."""

    label: str
    unit: str
    usd: float
    channel: str
    source: str


#: Default unit costs. The seed report gives quantities, not prices, so most
#: prices are [A] assumptions for a District/Municipal fund in 2026 USD; the
#: working group overrides them in ``costs.csv``.
_COSTS: dict[str, UnitCost] = {
    "volunteer_outing": UnitCost("Volunteer per diem and transport", "volunteer-outing", 5.0, "door_to_door",
                                 "[A] local youth per diem; seed report: 35 volunteers, 2-3 outings/week"),
    "volunteer_training": UnitCost("Volunteer training day", "volunteer", 10.0, "door_to_door",
                                   "[A] one training day with lunch and transport"),
    "volunteer_kit": UnitCost("T-shirt and ID card", "volunteer", 6.0, "door_to_door",
                              "[A] printed T-shirt + laminated ID"),
    "coordinator_week": UnitCost("Volunteer coordinator allowance", "week", 20.0, "management", "[A]"),
    "tuktuk_day": UnitCost("Tuk-tuk rental with driver", "vehicle-day", 25.0, "loudspeaker",
                           "National Dengue Control Programme pays US$25/vehicle/day (simulation-parameters.md A) [S]"),
    "fuel_km": UnitCost("Fuel", "km", 0.05, "loudspeaker", "[A] 4 l/100 km at about US$1.20/l"),
    "recording": UnitCost("Message recording (Khmer)", "recording", 30.0, "loudspeaker", "[A] one studio recording"),
    "forum_venue": UnitCost("Forum venue, sound system and banner", "forum", 60.0, "forum",
                            "[A] seed report: 17 half-day forums"),
    "forum_participant": UnitCost("Forum refreshments", "participant", 1.5, "forum",
                                  "[A] seed report: 1,523 community members in 17 public foras"),
    "banner": UnitCost("Vinyl banner on the village road", "banner", 12.0, "print", "[A] seed report: 132 banners"),
    "poster": UnitCost("Poster (official OWSO fees)", "poster", 0.3, "print", "[A] seed report: 9,600 posters"),
    "leaflet": UnitCost("Brochure / leaflet", "leaflet", 0.08, "print", "[A] seed report: 88,120 brochures"),
    "booklet": UnitCost("OWSO information booklet", "booklet", 0.5, "print", "[A] seed report: 12,850 booklets"),
    "social_media_week": UnitCost("Social media boost", "week", 10.0, "social_media", "[A] boosted Facebook post"),
    "radio_week": UnitCost("Radio spots or programme on a provincial FM station", "week", 50.0, "radio",
                           "[A] a week of daily spots; seeds/001: clients heard through 'radio and television "
                           "broadcasts'"),
    "chief_briefing": UnitCost("Briefing of a sangkat's village chiefs", "sangkat", 40.0, "village_chief",
                               "[A] half-day at the sangkat office: refreshments, transport allowances, booklets; "
                               "seeds/001: 'local authorities'"),
    "group_event": UnitCost("Outreach event for a group (motor-taxi drivers, students, sellers)", "event", 25.0,
                            "group_event", "[A] loudspeaker and chairs at a market, school or taxi stand, water, "
                            "leaflets; seeds/001: events for 'motor taxi drivers, students, sellers'"),
    "ngo_meeting": UnitCost("Briefing meeting with a partner NGO", "meeting", 20.0, "partner_ngo",
                            "[A] refreshments, transport and 50 booklets; seeds/000: 'set up meetings with local "
                            "development NGOs'"),
}

COSTS: Mapping[str, UnitCost] = MappingProxyType(_COSTS)

#: Riel per US dollar used to show KHR beside USD [A]; the National Bank rate
#: has held near 4,000-4,100 for years. Override in the scenario.
USD_TO_KHR = 4100.0
