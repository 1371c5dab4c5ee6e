"""The scenario's [channels] table: caps on the district-wide channels, with clear errors."""

from __future__ import annotations

import pytest

from outreach.errors import ScenarioError
from outreach.scenario import load_campaign
from tests.conftest import write_scenario


def test_caps_are_read(tmp_path, pursat_real_scenario):
    text = pursat_real_scenario.read_text() + "\n[channels]\nsocial_media_weeks = 2\nradio_weeks = 0\n"
    c = load_campaign(write_scenario(tmp_path / "ok", text))
    assert c.channels == {"social_media": 2, "radio": 0}
    c = load_campaign(write_scenario(tmp_path / "off", text + "village_chiefs = false\n"))
    assert c.channels == {"social_media": 2, "radio": 0, "village_chief": 0}


@pytest.mark.parametrize("entry, field, words", [
    ("radio_weeks = -1", "channels.radio_weeks", "greater than or equal"),
    ("social_media_weeks = 9", "channels.social_media_weeks", "more than the campaign's 4"),
    ("ngo_meetings = 'many'", "channels.ngo_meetings", "integer"),
    ("television_weeks = 2", "channels.television_weeks", "xtra"),
])
def test_bad_caps_name_file_and_field(tmp_path, pursat_real_scenario, entry, field, words):
    p = write_scenario(tmp_path / "bad", pursat_real_scenario.read_text() + f"\n[channels]\n{entry}\n")
    with pytest.raises(ScenarioError) as e:
        load_campaign(p)
    msg = str(e.value)
    assert str(p) in msg and field in msg and words in msg, msg
