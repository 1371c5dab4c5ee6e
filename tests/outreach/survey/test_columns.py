"""Column matching: aliases, group prefixes, labels, one-hot channels and user mappings."""

from __future__ import annotations

import pytest

from outreach.errors import InputError
from outreach.survey import match_columns


def test_prefixes_labels_and_onehot_channels():
    m = match_columns([
        "awareness/knows_owso", "grp-village", "my_sex", "_sex", "_uuid", "heard_from.loudspeaker",
        "group_heard_from_print", "Where did you hear about these offices? (tick all that apply)/Radio or TV",
    ])
    assert m.fields == {"knows_owso": "awareness/knows_owso", "village": "grp-village", "sex": "my_sex"}
    assert m.onehot == {
        "loudspeaker": "heard_from.loudspeaker", "print": "group_heard_from_print",
        "radio_tv": "Where did you hear about these offices? (tick all that apply)/Radio or TV",
    }
    assert m.ignored == ("_sex", "_uuid")


def test_mapping_in_either_orientation_claims_its_columns():
    headers = ["Phum ID", "Knows OWSO?", "Ch radio", "village"]
    m = match_columns(headers, {"Phum ID": "village", "knows_owso": "knows owso", "Ch radio": "heard_from/radio"})
    assert m.fields == {"village": "Phum ID", "knows_owso": "Knows OWSO?"}
    assert m.onehot == {"radio_tv": "Ch radio"}
    assert m.ignored == ("village",)  # the field is taken by the mapping


def test_bad_mappings_name_the_field():
    with pytest.raises(InputError) as exc:
        match_columns(["a"], {"village": "b"}, file="f.csv")
    assert exc.value.field == "village" and exc.value.file == "f.csv"
    with pytest.raises(InputError, match="unknown channel"):
        match_columns(["a"], {"heard_from/zzz": "a"})
    with pytest.raises(InputError, match="unknown survey field 'bogus'"):
        match_columns(["a"], {"bogus": "a"})
