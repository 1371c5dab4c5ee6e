"""Domain model: frozen records for geography, campaign resources and plans.

This module imports nothing else of the project. Coordinates are WGS84
longitude/latitude at the edges (``lon``, ``lat``) and EPSG:32648 (UTM 48N)
metres inside (``x_m``, ``y_m``). Units are in the field names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Mapping

UTM_EPSG = 32648
Sex = Literal["F", "M"]
Slot = Literal["morning", "afternoon", "evening"]
Setting = Literal["rural", "periurban", "roadside"]
SLOTS: tuple[Slot, ...] = ("morning", "afternoon", "evening")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --------------------------------------------------------------------------- geography
@dataclass(frozen=True)
class Province:
    code: str
    name_en: str
    name_kh: str


@dataclass(frozen=True)
class District:
    code: str
    name_en: str
    name_kh: str
    province_code: str


@dataclass(frozen=True)
class Sangkat:
    """A commune (khum) or sangkat. ``boundary`` is a shapely polygon in WGS84, or None."""

    code: str
    name_en: str
    name_kh: str
    district_code: str
    boundary: Any = None


@dataclass(frozen=True)
class Village:
    """A village (phum) with its official 8-digit code.

    ``households`` is the planning count; ``women``/``men`` are persons when
    known (0 when unknown). ``setting`` selects ambient noise and door rates.
    ``position_source`` says where the point comes from (e.g. ``census2008``,
    ``user``, ``synthetic``).
    """

    code: str
    name_en: str
    name_kh: str
    sangkat_code: str
    district_code: str
    province_code: str
    lon: float
    lat: float
    x_m: float
    y_m: float
    households: int
    population: int = 0
    women: int = 0
    men: int = 0
    setting: Setting = "rural"
    position_source: str = "user"
    market: bool = False


@dataclass(frozen=True)
class Geography:
    """The campaign area: provinces, districts, sangkats and villages in code order."""

    provinces: tuple[Province, ...]
    districts: tuple[District, ...]
    sangkats: tuple[Sangkat, ...]
    villages: tuple[Village, ...]
    synthetic_positions: bool = False

    @cached_property
    def village_by_code(self) -> Mapping[str, Village]:
        return {v.code: v for v in self.villages}

    @cached_property
    def sangkat_by_code(self) -> Mapping[str, Sangkat]:
        return {s.code: s for s in self.sangkats}

    @cached_property
    def district_by_code(self) -> Mapping[str, District]:
        return {d.code: d for d in self.districts}

    def villages_in(self, sangkat_code: str) -> tuple[Village, ...]:
        """Villages of one sangkat, in code order."""
        return tuple(v for v in self.villages if v.sangkat_code == sangkat_code)

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)


@dataclass(frozen=True)
class RoadNetwork:
    """A road graph in EPSG:32648 metres.

    ``graph`` is a ``networkx.MultiDiGraph`` or ``Graph`` whose nodes carry
    ``x``/``y`` (metres) and whose edges carry ``length_m`` and ``travel_s``
    (at transit speed). ``village_node`` maps each village code to its nearest
    node, ``depot_node`` each vehicle id to its depot node. ``kind`` is
    ``"osm"`` or ``"proxy"``. Treat the graph as read-only.
    """

    graph: Any
    village_node: Mapping[str, Any]
    depot_node: Mapping[str, Any]
    kind: Literal["osm", "proxy"]
    circuity: float = 1.0
    source: str = ""


# --------------------------------------------------------------------------- resources
@dataclass(frozen=True)
class Volunteer:
    """A youth volunteer. ``availability`` holds ``(weekday, slot)`` pairs, weekday 0 = Monday."""

    id: str
    name: str
    sex: Sex
    home_village: str
    availability: frozenset[tuple[int, Slot]]
    outings_per_week: int = 2
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    phone: str = ""
    fixed_pair: str = ""


@dataclass(frozen=True)
class Vehicle:
    """A loudspeaker vehicle (tuk-tuk) based at a depot (OWSO office or municipal hall).

    ``depot_given`` is False when the scenario gave no position and a default
    (the town centre, or the district's household-weighted centre) stands in.
    """

    id: str
    district_code: str
    depot_name: str
    depot_lon: float
    depot_lat: float
    depot_x_m: float
    depot_y_m: float
    depot_given: bool = True


@dataclass(frozen=True)
class CostItem:
    """A unit cost line in USD, as in the toolkit's annex-6 budget template."""

    key: str
    label: str
    unit: str
    usd: float
    channel: str
    source: str


@dataclass(frozen=True)
class Calendar:
    """Campaign dates. ``holidays`` are Cambodian public holidays in range; ``blackout`` user dates."""

    start: dt.date
    weeks: int
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    blackout: frozenset[dt.date] = frozenset()

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    def days(self) -> tuple[dt.date, ...]:
        """Every calendar day of the campaign."""
        return tuple(self.start + dt.timedelta(days=i) for i in range(7 * self.weeks))

    def is_workable(self, day: dt.date) -> bool:
        """False on public holidays and blackout dates."""
        return day not in self.holidays and day not in self.blackout

    def working_days(self, *, weekdays: frozenset[int] = frozenset(range(7))) -> tuple[dt.date, ...]:
        """Campaign days that are neither holidays nor blackout, on the given weekdays."""
        return tuple(d for d in self.days() if self.is_workable(d) and d.weekday() in weekdays)

    def week_of(self, day: dt.date) -> int:
        """0-based campaign week of a date."""
        return (day - self.start).days // 7


@dataclass(frozen=True)
class Targets:
    """Coverage targets. ``loudspeaker_passes_per_sangkat`` passes on distinct days."""

    loudspeaker_passes_per_sangkat: int = 2
    min_awareness: float = 0.0
    min_awareness_by_sangkat: Mapping[str, float] = field(default_factory=dict)
    min_women_reached_share: float = 0.0
    forums_per_sangkat: int = 1


@dataclass(frozen=True)
class SurveySettings:
    """Where the campaign's survey comes from and how it sets priorities.

    ``file`` is an absolute path to a Kobo/ODK/CSV export, or None when
    ``synthetic_respondents`` baseline answers are drawn instead (the demo).
    """

    file: str | None = None
    synthetic_respondents: int = 0
    columns: Mapping[str, str] = field(default_factory=dict)
    target_awareness: float | None = None
    weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def used(self) -> bool:
        """True when the plan is steered by a survey (a file or synthetic answers)."""
        return bool(self.file) or self.synthetic_respondents > 0


@dataclass(frozen=True)
class Campaign:
    """Everything a plan needs: the area, roads, calendar, resources, costs, budget and targets."""

    name: str
    seed: int
    geography: Geography
    roads: RoadNetwork
    calendar: Calendar
    volunteers: tuple[Volunteer, ...]
    vehicles: tuple[Vehicle, ...]
    costs: Mapping[str, CostItem]
    budget_usd: float
    targets: Targets
    params: Mapping[str, float]
    door_rounds: int = 1
    usd_to_khr: float = 4100.0
    source_file: str = ""
    notes: tuple[str, ...] = ()
    survey: SurveySettings = SurveySettings()
    season: Literal["dry", "wet"] = "dry"
    #: caps on the district-wide channels by channel (``[channels]``: social media and radio weeks, NGO
    #: meetings; 0 switches one off); absent: :func:`outreach.media.media_caps` defaults
    channels: Mapping[str, int] = field(default_factory=dict)

    def param(self, key: str) -> float:
        return self.params[key]

    def cost(self, key: str) -> float:
        return self.costs[key].usd


# --------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class BudgetLine:
    key: str
    label: str
    unit: str
    quantity: float
    unit_usd: float
    channel: str

    @property
    def total_usd(self) -> float:
        return round(self.quantity * self.unit_usd, 2)


@dataclass(frozen=True)
class Allocation:
    """How the budget is spread over channels and places."""

    door_rounds_by_village: Mapping[str, int]
    loudspeaker_passes_by_sangkat: Mapping[str, int]
    forums_by_sangkat: Mapping[str, int]
    banners_by_village: Mapping[str, int]
    leaflets: int
    budget_lines: tuple[BudgetLine, ...]
    strategy: str
    status: str = "FEASIBLE"
    gap: float | None = None
    notes: tuple[str, ...] = ()
    #: district-wide channels bought (:data:`outreach.media.MEDIA`): social media boosted weeks, radio
    #: programme weeks, partner NGO briefing meetings
    media: Mapping[str, int] = field(default_factory=dict)

    @property
    def planned_usd(self) -> float:
        return round(sum(b.total_usd for b in self.budget_lines), 2)

    def by_channel(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for b in self.budget_lines:
            out[b.channel] = round(out.get(b.channel, 0.0) + b.total_usd, 2)
        return out


@dataclass(frozen=True)
class Broadcast:
    """How the loudspeaker plays in one village, as printed for the driver.

    ``mode`` is ``"drive"`` (lanes or streets driven at ``speed_kmh`` while
    playing) or ``"stop"`` (stand and play at each stop); ``lanes`` counts the
    lanes, streets or stop rows, ``metres`` the road driven inside the village.
    """

    mode: str
    speed_kmh: float
    message_s: float
    repeats: int
    lanes: int
    metres: float


@dataclass(frozen=True)
class Stop:
    """A village on a tour: the vehicle broadcasts there from ``arrive_s`` to ``leave_s``
    (seconds after midnight), following ``broadcast``. ``wait_s`` is the time it
    stood where it was before driving here (the midday pause between windows)."""

    village_code: str
    arrive_s: float
    leave_s: float
    broadcast: Broadcast | None = None
    wait_s: float = 0.0


@dataclass(frozen=True)
class VehicleDay:
    """One loudspeaker tour: a vehicle on a date, its stops and its timed road geometry.

    ``path`` holds ``(lon, lat, t_s)`` triples along the roads; ``broadcast``
    flags per path point whether the loudspeaker plays on the segment that
    starts there.
    """

    vehicle_id: str
    date: dt.date
    stops: tuple[Stop, ...]
    path: tuple[tuple[float, float, float], ...]
    broadcast: tuple[bool, ...]
    km: float
    duration_s: float
    fuel_l: float


@dataclass(frozen=True)
class DroppedVisit:
    """A village pass the tours do not deliver, with why.

    ``cause`` names the binding limit, the one whose relaxation alone would let
    the pass fit: ``budget`` (vehicle-days bought), ``vehicle_days`` (the
    calendar has no other day for it), ``broadcast_windows``, ``distance`` (too
    far for one working day from the base), ``shift_length`` (on-road hours),
    or ``unreachable`` (not on the road network).
    """

    village_code: str
    reason: str
    cause: str = ""


@dataclass(frozen=True)
class Tours:
    days: tuple[VehicleDay, ...]
    dropped: tuple[DroppedVisit, ...]
    strategy: str
    status: str = "FEASIBLE"
    objective: float | None = None

    @property
    def km(self) -> float:
        return round(sum(d.km for d in self.days), 2)

    def passes_by_sangkat(self, geography: Geography) -> dict[str, int]:
        """Loudspeaker passes each sangkat gets: the most distinct days any of its villages is heard.

        A pass whose villages do not all fit one day is finished on another,
        so counting the sangkat's days would count that pass twice; counting
        per village does not.
        """
        heard: dict[str, set[dt.date]] = {}
        for vd in self.days:
            for st in vd.stops:
                heard.setdefault(st.village_code, set()).add(vd.date)
        out = {s.code: 0 for s in geography.sangkats}
        vb = geography.village_by_code
        for code, dates in heard.items():
            sk = vb[code].sangkat_code
            out[sk] = max(out[sk], len(dates))
        return out


@dataclass(frozen=True)
class Pair:
    """A door-to-door team of two (or three) volunteers and its turf."""

    id: str
    members: tuple[str, ...]
    villages: tuple[str, ...]


@dataclass(frozen=True)
class Outing:
    """A pair's door-to-door outing: date, slot, villages and households to visit."""

    pair_id: str
    date: dt.date
    slot: Slot
    visits: tuple[tuple[str, int], ...]  # (village_code, households)
    kind: Literal["round", "callback"] = "round"

    @property
    def households(self) -> int:
        return sum(n for _, n in self.visits)


@dataclass(frozen=True)
class Roster:
    """The door-to-door roster: pairs with their turfs, dated outings, and what it could not do.

    ``notes`` are sentences for the coordinator: why a pair has no outing,
    which pair walks another's village, why round visits stay unscheduled.
    """

    pairs: tuple[Pair, ...]
    outings: tuple[Outing, ...]
    strategy: str
    status: str = "FEASIBLE"
    unmet_households: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A complete plan: allocation, loudspeaker tours and the volunteer roster."""

    campaign_name: str
    allocation: Allocation
    tours: Tours
    roster: Roster


@dataclass(frozen=True)
class Band:
    """A Monte Carlo estimate: mean and 5 % / 95 % quantiles."""

    mean: float
    p05: float
    p95: float

    def as_dict(self) -> dict[str, float]:
        return {"mean": round(self.mean, 1), "p05": round(self.p05, 1), "p95": round(self.p95, 1)}


@dataclass(frozen=True)
class Reach:
    """Households reached and made aware by a plan.

    ``women_reached``/``men_reached`` are persons living in reached households.
    ``exposure_by_channel`` counts exposure: mean households with at least
    one exposure to each channel (a household counts under every channel
    that touched it), plus ``word_of_mouth`` (aware by word of mouth only).
    The last fields come from the Monte Carlo (None in the closed form,
    except ``households_met_at_door``, ``people_met`` and
    ``people_met_by_channel``, which it gives as expectations):

    * ``households_met_at_door``: households with someone at home at a door
      visit (first round or callback), each counted once;
    * ``people_met``: ``{"women", "men"}``, people met in person: one per
      household met at the door (its sex drawn from the at-home-by-sex model,
      :mod:`outreach.athome`, at the slot of the first contact) and one per
      household attendance at a forum (``forum.women_share``); loudspeaker
      listeners, banner and leaflet readers are not counted;
    * ``people_met_by_channel``: ``{"door", "forum", "loudspeaker"}`` x
      ``{"women", "men"}``: door and forum as in ``people_met`` (their sums are
      ``people_met``); loudspeaker: distinct adults (the household's woman,
      its man) at home when their household heard at least one pass;
    * ``people_informed``: ``{"women", "men"}``, one person per household made
      aware by the campaign (directly or by word of mouth; baseline-aware
      households excluded): the person met at the door, the forum attendee or
      the listener who took in the pass that made it aware, a household member
      for a banner or word of mouth;
    * ``aware_by_first_channel``: households aware at the end by the channel
      of the exposure that made them aware (``door`` … ``leaflet``),
      ``word_of_mouth``, or ``baseline`` (aware before the campaign); the
      bands' means add up to ``households_aware.mean``.
    """

    households_reached: Band
    households_aware: Band
    women_reached: Band
    men_reached: Band
    reached_by_sangkat: Mapping[str, float]
    reached_by_village: Mapping[str, float]
    aware_by_village: Mapping[str, float]
    exposure_by_channel: Mapping[str, float]
    replications: int
    seed: int
    method: str
    households_met_at_door: Band | None = None
    people_met: Mapping[str, Band] | None = None
    aware_by_first_channel: Mapping[str, Band] | None = None
    people_met_by_channel: Mapping[str, Mapping[str, Band]] | None = None
    people_informed: Mapping[str, Band] | None = None


# --------------------------------------------------------------------------- survey priorities
@dataclass(frozen=True)
class Estimate:
    """A proportion with its 90 % interval."""

    mean: float
    lo: float
    hi: float
    n: int = 0


@dataclass(frozen=True)
class VillagePriority:
    """Survey-derived priority of one village.

    ``source`` says which level the estimate rests on: ``village`` (own
    answers, shrunk), ``sangkat`` or ``district`` (no own answers: flagged),
    ``default`` (no survey at all).
    """

    village_code: str
    awareness_owso: Estimate
    awareness_ombudsman: Estimate
    unaware_households: Estimate
    score: float
    source: Literal["village", "sangkat", "district", "default"]


@dataclass(frozen=True)
class SangkatTarget:
    """Targets for one sangkat derived from the survey (editable in the scenario)."""

    sangkat_code: str
    baseline_awareness: Estimate
    target_awareness: float
    loudspeaker_passes: int


@dataclass(frozen=True)
class Priorities:
    """What the survey says: awareness by place and group, and where to go first.

    The one interface from survey to optimiser. ``by_group`` keys are e.g.
    ``"sex=F"``, ``"type=business"``; ``channel_shares`` are the shares of aware
    respondents who heard from each channel.
    """

    by_village: Mapping[str, VillagePriority]
    by_sangkat: Mapping[str, Estimate]
    district: Estimate
    by_group: Mapping[str, Estimate]
    channel_shares: Mapping[str, float]
    targets: Mapping[str, SangkatTarget]
    respondents: int
    method: str

    def awareness(self, village_code: str) -> float:
        return self.by_village[village_code].awareness_owso.mean

    def score(self, village_code: str) -> float:
        return self.by_village[village_code].score
