"""The scenario file's schema and reading it: light, so a typing slip is reported at once.

``outreach plan`` reads the file with :func:`read_scenario` before it imports
the planners (pandas, networkx, the solvers): an error in ``scenario.toml``
answers in well under a second. :mod:`outreach.scenario` then loads the
tables the file names and builds the :class:`~outreach.model.Campaign`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import gazetteer
from .errors import InputError, ScenarioError
from .parameters import DEFAULT_SEED, DEFAULTS, USD_TO_KHR
from .rules import FIRST_DATE, LAST_DATE


class _Strict(BaseModel):
    # No inf or nan anywhere: a budget of inf or a growth of nan is a typing slip, never a plan.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


#: Seeds the solvers accept (OR-Tools takes a signed 32-bit seed).
MAX_SEED = 2**31 - 1


class ScenarioSection(_Strict):
    name: str
    districts: list[str] = Field(min_length=1)
    seed: int = Field(default=DEFAULT_SEED, ge=0, le=MAX_SEED)
    description: str = ""

    @field_validator("districts")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        try:
            codes = [gazetteer.normalize_district_code(c) for c in v]
        except InputError as exc:  # pydantic names the file and field only for a ValueError
            raise ValueError(exc.message) from None
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"district {', '.join(twice)} is listed more than once")
        return codes


class GeographySection(_Strict):
    villages: str | None = None
    sangkats: str | None = None
    roads: str | None = None
    layout: Literal["file", "synthetic"] = "file"
    synthetic_households: dict[str, Annotated[int, Field(ge=1, le=1_000_000)]] = Field(default_factory=dict)
    # Census households times growth: 2008 to 2030 is about 1.5; 0.5-3 leaves room without allowing slips.
    household_growth: float = Field(default=1.0, ge=0.5, le=3.0)
    skip_incomplete: bool = False


class CalendarSection(_Strict):
    start: dt.date
    weeks: int = Field(ge=1, le=52)
    blackout: list[dt.date] = Field(default_factory=list)
    season: Literal["dry", "wet"] = "dry"  # wet: roads slower (travel.wet_season_speed_factor)

    @field_validator("start")
    @classmethod
    def _start_within_span(cls, v: dt.date) -> dt.date:
        # its own check, so the message names calendar.start (a slip such as 9999-12-20 or 0001-01-01)
        if not FIRST_DATE <= v <= LAST_DATE:
            raise ValueError(f"the start {v} is outside {FIRST_DATE} to {LAST_DATE}")
        return v

    @model_validator(mode="after")
    def _within_span(self) -> CalendarSection:
        # the start is within the span (checked above), so adding the weeks stays a valid date
        end = self.start + dt.timedelta(weeks=self.weeks)
        if end > LAST_DATE:
            raise ValueError(f"the campaign ({self.weeks} weeks from {self.start}) must end by {LAST_DATE}")
        return self


class VehicleSection(_Strict):
    district: str
    depot: str = ""
    lat: float | None = None
    lon: float | None = None
    count: int = Field(default=1, ge=0, le=10)

    @model_validator(mode="after")
    def _both_coordinates(self) -> VehicleSection:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a depot position needs both lat and lon")
        return self


class ResourcesSection(_Strict):
    volunteers: str | None = None
    volunteer_count: int = Field(default=0, ge=0, le=2000)
    volunteer_women: int = Field(default=0, ge=0)
    #: absent: one tuk-tuk per district, at its town hall; ``[]``: no tuk-tuk at all (no loudspeaker passes)
    vehicles: list[VehicleSection] | None = None

    @model_validator(mode="after")
    def _women_within_count(self) -> ResourcesSection:
        if self.volunteer_women > self.volunteer_count:
            raise ValueError(f"volunteer_women ({self.volunteer_women}) is more than volunteer_count "
                             f"({self.volunteer_count})")
        return self


class BudgetSection(_Strict):
    # A District/Municipal fund: up to a million dollars covers a province with room to spare.
    limit_usd: float = Field(gt=0, le=1_000_000)
    # The riel has held 3,800-4,200 to the dollar since 2000; the range only refuses slips.
    usd_to_khr: float = Field(default=USD_TO_KHR, ge=1000, le=10_000)
    costs: str | None = None


#: Passes per sangkat: a [targets] entry, else the parameter (its default or a [parameters] override).
PASSES_KEY = "loudspeaker.passes_per_sangkat"
_PASSES = DEFAULTS[PASSES_KEY]


class TargetsSection(_Strict):
    loudspeaker_passes_per_sangkat: int | None = Field(default=None, ge=int(_PASSES.low), le=int(_PASSES.high))
    min_awareness: float = Field(default=0.0, ge=0, le=1)
    min_awareness_by_sangkat: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)
    min_women_reached_share: float = Field(default=0.0, ge=0, le=1)
    forums_per_sangkat: int = Field(default=1, ge=0, le=5)


class ChannelsSection(_Strict):
    """Caps on the district-wide channels (0 switches one off); absent: the campaign's weeks, ``ngo.partners``."""

    social_media_weeks: int | None = Field(default=None, ge=0, le=52)
    radio_weeks: int | None = Field(default=None, ge=0, le=52)
    ngo_meetings: int | None = Field(default=None, ge=0, le=100)
    village_chiefs: bool = True  # False: no sangkat briefings of village chiefs
    group_events: int | None = Field(default=None, ge=0, le=500)


class PlanSection(_Strict):
    door_rounds: int = Field(default=1, ge=0, le=6)


class SurveySection(_Strict):
    file: str | None = None
    synthetic_respondents: int = Field(default=0, ge=0)
    columns: dict[str, str] = Field(default_factory=dict)
    target_awareness: float | None = Field(default=None, ge=0, le=1)
    weights: dict[str, Annotated[float, Field(ge=0, le=1000)]] = Field(default_factory=dict)


class ScenarioFile(_Strict):
    scenario: ScenarioSection
    geography: GeographySection
    calendar: CalendarSection
    resources: ResourcesSection = ResourcesSection()
    budget: BudgetSection
    targets: TargetsSection = TargetsSection()
    plan: PlanSection = PlanSection()
    channels: ChannelsSection = ChannelsSection()
    survey: SurveySection = SurveySection()
    parameters: dict[str, float] = Field(default_factory=dict)


def read_scenario(path: str | Path) -> ScenarioFile:
    """Parse and validate a scenario file (no tables are read yet)."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ScenarioError("the scenario file does not exist", file=file)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}", file=file) from None
    except UnicodeDecodeError:
        raise ScenarioError("the file is not UTF-8 text", file=file) from None
    try:
        sf = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(str(err["msg"]).removeprefix("Value error, "), file=file, field=field) from None
    for i, code in enumerate(sf.scenario.districts):
        if gazetteer.district(code) is None:
            raise ScenarioError(f"district code {code} is not in the official gazetteer", file=file,
                                field=f"scenario.districts.{i}")
    return sf
