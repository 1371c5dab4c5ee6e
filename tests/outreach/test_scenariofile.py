"""Every bound of scenario.toml at its edge: the edge is read, one step past it is refused with the field named.

Issue 19: every validation rule has a test that fails without it. Each pydantic bound of
:mod:`outreach.scenariofile`, and the campaign's date span, appears here twice (the last value accepted,
the first refused), so removing a bound, or moving it by one step, fails a case. Only
:func:`read_scenario` runs (no tables, no planners).
"""

from __future__ import annotations

import pytest

from outreach.errors import ScenarioError
from outreach.parameters import DEFAULTS
from outreach.scenariofile import read_scenario
from tests.conftest import write_scenario

_PASSES = DEFAULTS["loudspeaker.passes_per_sangkat"]
LOW, HIGH = int(_PASSES.low), int(_PASSES.high)

BASE: dict[str, dict[str, str]] = {
    "scenario": {"name": '"t"', "districts": '["1505"]'},
    "geography": {},
    "calendar": {"start": "2027-01-04", "weeks": "8"},
    "budget": {"limit_usd": "3000"},
}

#: (section, key, last value accepted, first value refused, field named). Values are TOML text.
EDGES = [
    ("scenario", "districts", '["1505"]', "[]", "scenario.districts"),
    ("scenario", "seed", "0", "-1", "scenario.seed"),
    ("scenario", "seed", "2147483647", "2147483648", "scenario.seed"),
    ("geography", "synthetic_households", '{ "15050101" = 1 }', '{ "15050101" = 0 }',
     "geography.synthetic_households.15050101"),
    ("geography", "synthetic_households", '{ "15050101" = 1000000 }', '{ "15050101" = 1000001 }',
     "geography.synthetic_households.15050101"),
    ("geography", "household_growth", "0.5", "0.49", "geography.household_growth"),
    ("geography", "household_growth", "3.0", "3.01", "geography.household_growth"),
    # the campaign within 2000-01-01 ... 2100-12-31: 8 weeks from 2100-11-05 end on the last day; a start outside
    # is the start's fault (calendar.start), an end past it the length's and the start's together (calendar)
    ("calendar", "start", "2000-01-01", "1999-12-31", "calendar.start"),
    ("calendar", "start", "2100-11-05", "2101-01-01", "calendar.start"),
    ("calendar", "start", "2100-11-05", "2100-11-06", "calendar"),
    ("calendar", "weeks", "1", "0", "calendar.weeks"),
    ("calendar", "weeks", "52", "53", "calendar.weeks"),
    ("resources", "vehicles", '[{ district = "1505", count = 0 }]', '[{ district = "1505", count = -1 }]',
     "resources.vehicles.0.count"),
    ("resources", "vehicles", '[{ district = "1505", count = 10 }]', '[{ district = "1505", count = 11 }]',
     "resources.vehicles.0.count"),
    ("resources", "volunteer_count", "0", "-1", "resources.volunteer_count"),
    ("resources", "volunteer_count", "2000", "2001", "resources.volunteer_count"),
    ("resources", "volunteer_women", "0", "-1", "resources.volunteer_women"),
    ("budget", "limit_usd", "0.01", "0", "budget.limit_usd"),
    ("budget", "limit_usd", "1000000", "1000000.5", "budget.limit_usd"),
    ("budget", "usd_to_khr", "1000", "999.5", "budget.usd_to_khr"),
    ("budget", "usd_to_khr", "10000", "10000.5", "budget.usd_to_khr"),
    ("targets", "loudspeaker_passes_per_sangkat", str(LOW), str(LOW - 1), "targets.loudspeaker_passes_per_sangkat"),
    ("targets", "loudspeaker_passes_per_sangkat", str(HIGH), str(HIGH + 1),
     "targets.loudspeaker_passes_per_sangkat"),
    ("targets", "min_awareness", "0", "-0.01", "targets.min_awareness"),
    ("targets", "min_awareness", "1", "1.01", "targets.min_awareness"),
    ("targets", "min_awareness_by_sangkat", '{ "150501" = 0 }', '{ "150501" = -0.01 }',
     "targets.min_awareness_by_sangkat.150501"),
    ("targets", "min_awareness_by_sangkat", '{ "150501" = 1 }', '{ "150501" = 1.01 }',
     "targets.min_awareness_by_sangkat.150501"),
    ("targets", "min_women_reached_share", "0", "-0.01", "targets.min_women_reached_share"),
    ("targets", "min_women_reached_share", "1", "1.01", "targets.min_women_reached_share"),
    ("targets", "forums_per_sangkat", "0", "-1", "targets.forums_per_sangkat"),
    ("targets", "forums_per_sangkat", "5", "6", "targets.forums_per_sangkat"),
    *((("channels", key, "0", "-1", f"channels.{key}")) for key in (
        "social_media_weeks", "radio_weeks", "ngo_meetings", "group_events")),
    ("channels", "social_media_weeks", "52", "53", "channels.social_media_weeks"),
    ("channels", "radio_weeks", "52", "53", "channels.radio_weeks"),
    ("channels", "ngo_meetings", "100", "101", "channels.ngo_meetings"),
    ("channels", "group_events", "500", "501", "channels.group_events"),
    ("plan", "door_rounds", "0", "-1", "plan.door_rounds"),
    ("plan", "door_rounds", "6", "7", "plan.door_rounds"),
    ("survey", "synthetic_respondents", "0", "-1", "survey.synthetic_respondents"),
    ("survey", "target_awareness", "0", "-0.01", "survey.target_awareness"),
    ("survey", "target_awareness", "1", "1.01", "survey.target_awareness"),
    ("survey", "weights", "{ women = 0 }", "{ women = -0.01 }", "survey.weights.women"),
    ("survey", "weights", "{ women = 1000 }", "{ women = 1000.5 }", "survey.weights.women"),
]


def _file(tmp_path, section: str, key: str, value: str):
    sections = {name: dict(body) for name, body in BASE.items()}
    sections.setdefault(section, {})[key] = value
    text = "\n".join(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in body.items())
                     for name, body in sections.items())
    return write_scenario(tmp_path / f"{section}-{key}", text)


@pytest.mark.parametrize("section, key, good, bad, field", EDGES, ids=[f"{e[4]}={e[3]}" for e in EDGES])
def test_bound_at_its_edge(tmp_path, section, key, good, bad, field):
    sf = read_scenario(_file(tmp_path / "good", section, key, good))
    assert sf.scenario.districts == ["1505"]
    p = _file(tmp_path / "bad", section, key, bad)
    with pytest.raises(ScenarioError) as e:
        read_scenario(p)
    assert (e.value.file, e.value.field) == (str(p), field), e.value
