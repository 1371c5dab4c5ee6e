"""``summary.json``'s reach: bands, people met, first channels and their survey-named shares, by hand."""

from __future__ import annotations

import json

import pytest

from outreach.model import Band, Reach
from outreach.summary import SURVEY_CHANNEL, build_summary
from tests.outreach.simulate.builders import make_campaign, make_plan


def _reach(**extra: object) -> Reach:
    b = Band(10.0, 9.0, 11.0)
    return Reach(b, b, b, b, {}, {}, {}, {"door": 40.0, "banner": 30.0, "word_of_mouth": 2.0}, 30, 7, "monte-carlo",
                 **extra)  # type: ignore[arg-type]


def test_reach_keys_bands_and_hand_computed_shares() -> None:
    first = {"door": Band(50, 45, 55), "loudspeaker": Band(10, 8, 12), "forum": Band(0, 0, 0),
             "banner": Band(15, 12, 18), "leaflet": Band(5, 3, 7), "word_of_mouth": Band(20, 17, 23),
             "baseline": Band(100, 95, 105)}  # 200 aware households in all
    reach = _reach(households_met_at_door=Band(80.04, 75.0, 85.0),
                   people_met={"women": Band(60, 55, 65), "men": Band(30, 26, 34)},
                   aware_by_first_channel=first)
    camp = make_campaign((100,))
    s = build_summary(camp, make_plan(), reach)["reach"]
    assert "by_channel" not in s
    assert s["exposure_by_channel"] == {"door": 40.0, "banner": 30.0, "word_of_mouth": 2.0}
    assert s["households_met_at_door"] == {"mean": 80.0, "p05": 75.0, "p95": 85.0}
    assert s["people_met"] == {"women": {"mean": 60, "p05": 55, "p95": 65}, "men": {"mean": 30, "p05": 26, "p95": 34},
                               "women_share": pytest.approx(0.6667, abs=1e-9)}
    assert s["aware_by_first_channel"]["door"] == {"mean": 50, "p05": 45, "p95": 55}
    assert s["aware_by_first_channel_shares"] == {
        "youth_volunteer": 0.25, "loudspeaker": 0.05, "public_forum": 0.0, "print": 0.1,  # banner + leaflet
        "friends": 0.1, "before_campaign": 0.5,
    }
    json.dumps(s, allow_nan=False)


def test_people_by_channel_and_informed_with_hand_computed_shares() -> None:
    by_channel = {"door": {"women": Band(45, 40, 50), "men": Band(15, 12, 18)},
                  "forum": {"women": Band(15, 13, 17), "men": Band(15, 13, 17)},
                  "loudspeaker": {"women": Band(0, 0, 0), "men": Band(0, 0, 0)}}
    reach = _reach(people_met={"women": Band(60, 55, 65), "men": Band(30, 26, 34)},
                   people_met_by_channel=by_channel, people_informed={"women": Band(21, 18, 24), "men": Band(9, 7, 11)})
    s = build_summary(make_campaign((100,)), make_plan(), reach)["reach"]
    pm = s["people_met"]
    assert pm["women_share"] == pytest.approx(0.6667, abs=1e-9)  # door + forum: 60 / 90
    assert pm["by_channel"]["door"] == {"women": {"mean": 45, "p05": 40, "p95": 50},
                                        "men": {"mean": 15, "p05": 12, "p95": 18}, "women_share": 0.75}
    assert pm["by_channel"]["forum"]["women_share"] == 0.5
    assert pm["by_channel"]["loudspeaker"]["women_share"] is None  # nobody heard: no share
    assert s["people_informed"] == {"women": {"mean": 21, "p05": 18, "p95": 24},
                                    "men": {"mean": 9, "p05": 7, "p95": 11}, "women_share": 0.7}
    json.dumps(s, allow_nan=False)


def test_closed_form_reach_leaves_monte_carlo_keys_out() -> None:
    s = build_summary(make_campaign((100,)), make_plan(), _reach())["reach"]
    assert {"households_met_at_door", "people_met", "aware_by_first_channel"}.isdisjoint(s)


def test_survey_names_are_the_questionnaire_channels() -> None:
    from outreach.simulate.village import FIRST_KEYS
    from outreach.survey import CHANNELS

    assert set(SURVEY_CHANNEL) == set(FIRST_KEYS)
    assert set(SURVEY_CHANNEL.values()) - {"before_campaign"} <= set(CHANNELS)
