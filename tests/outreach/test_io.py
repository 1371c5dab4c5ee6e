import datetime as dt

import pytest

from outreach.errors import InputError
from outreach.io import ProgressRow, load_progress, load_village_list, load_villages, load_volunteers
from outreach.model import Outing, Pair, Roster

HEADER = "village_code,lat,lon,households\n"


def _write(tmp_path, text, name="villages.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_reads_bom_and_khmer(tmp_path):
    p = _write(tmp_path, "\ufeffvillage_code,village_name_kh,lat,lon,households\n"
                         "15050101,លាវ,12.50,103.89,103\n4030101,ផ្សារលើ,12.26,104.67,562\n")
    rows, notes = load_villages(p, districts=["1505", "0403"])
    assert [r.code for r in rows] == ["15050101", "04030101"]  # leading zero restored
    assert rows[1].households == 562 and not notes


@pytest.mark.parametrize(
    "body, row, field, words",
    [
        ("15050101,12.5,103.9,10\n15050101,12.5,103.9,10\n", 3, "village_code", "twice"),
        ("15059999,12.5,103.9,10\n", 2, "village_code", "gazetteer"),
        ("15050101,,103.9,10\n", 2, "lat", "no coordinates"),
        ("15050101,48.8,2.3,10\n", 2, "lat", "outside Cambodia"),
        ("15050101,12.5,103.9,0\n", 2, "households", "positive"),
        ("15050101,12.5,103.9,-4\n", 2, "households", "positive"),
        ("15050101,12.5,103.9,2.5\n", 2, "households", "whole number"),
        ("15050101,12.5,abc,10\n", 2, "lon", "not a number"),
        ("02030101,13.1,103.2,10\n", 2, "village_code", "not in the scenario"),
    ],
)
def test_bad_rows_name_file_row_field(tmp_path, body, row, field, words):
    p = _write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as e:
        load_villages(p, districts=["1505"])
    assert e.value.row == row and e.value.field == field and words in str(e.value)
    assert str(p) in str(e.value)


def test_not_utf8_is_explained(tmp_path):
    p = _write(tmp_path, HEADER + "15050101,12.5,103.9,10\n").with_suffix(".csv")
    p.write_bytes(b"village_code,lat,lon,households,name\n15050101,12.5,103.9,10,\xe9\xff\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_villages(p, districts=["1505"])


def test_missing_column_and_unreadable_file(tmp_path):
    with pytest.raises(InputError, match="households"):
        load_villages(_write(tmp_path, "village_code,lat,lon\n15050101,12.5,103.9\n"), districts=["1505"])
    with pytest.raises(InputError, match="does not exist"):
        load_villages(tmp_path / "nope.csv", districts=["1505"])
    bad = _write(tmp_path, "not really a spreadsheet", name="v.xlsx")
    with pytest.raises(InputError, match="cannot read"):
        load_villages(bad, districts=["1505"])


def test_skip_incomplete_rows_are_noted(tmp_path):
    p = _write(tmp_path, HEADER + "15050101,12.5,103.9,10\n15050110,,,\n")
    rows, notes = load_villages(p, districts=["1505"], skip_incomplete=True)
    assert len(rows) == 1 and "15050110" in notes[0]


def test_volunteers_validation(tmp_path):
    head = "id,name,sex,home_village,mon,tue,wed,thu,fri,sat,sun,outings_per_week\n"
    ok = _write(tmp_path, head + "V1,Dara,F,15050101,afternoon,,,,,morning afternoon,,3\n", name="vol.csv")
    (v,) = load_volunteers(ok, village_codes={"15050101"})
    assert v.availability == {(0, "afternoon"), (5, "morning"), (5, "afternoon")} and v.outings_per_week == 3
    bad = _write(tmp_path, head + "V1,Dara,F,15050102,afternoon,,,,,,,2\n", name="vol2.csv")
    with pytest.raises(InputError, match="home village") as e:
        load_volunteers(bad, village_codes={"15050101"})
    assert e.value.row == 2
    none = _write(tmp_path, head + "V1,Dara,F,15050101,,,,,,,,2\n", name="vol3.csv")
    with pytest.raises(InputError, match="no availability"):
        load_volunteers(none, village_codes={"15050101"})


# --------------------------------------------------------------------------- survey village lists
def test_village_list_fills_names_and_sangkats(tmp_path):
    p = _write(tmp_path, "Village Code,households,name\n15050101.0,12,\n1050102,7,My village\n", name="list.csv")
    geo = load_village_list(p)
    assert [v.code for v in geo.villages] == ["01050102", "15050101"]  # code order, zero restored, .0 dropped
    official = geo.village_by_code["15050101"]
    assert official.name_en != "15050101" and official.sangkat_code == "150501" and official.households == 12
    assert geo.village_by_code["01050102"].name_en == "My village"
    assert [s.code for s in geo.sangkats] == ["010501", "150501"] and geo.sangkats[1].name_en != "150501"
    assert [d.code for d in geo.districts] == ["0105", "1505"] and [p.code for p in geo.provinces] == ["01", "15"]


@pytest.mark.parametrize(
    "body, row, field, words",
    [
        ("village_code,households\n1505,3\n", 2, "village_code", "8-digit"),
        ("village_code,households\n15050101,3\n15050101,4\n", 3, "village_code", "listed twice"),
        ("village_code,commune_code,households\n15050101,150502,3\n", 2, "commune_code", "does not belong"),
        ("village_code,hh\n15050101,many\n", 2, "hh", "not a number"),
        ("village_code,households\n15050101,-1\n", 2, "households", ">= 0"),
        ("village_code,name\n15050101,x\n", None, "households", "needs a 'households' column"),
    ],
)
def test_village_list_errors_name_row_and_field(tmp_path, body, row, field, words):
    p = _write(tmp_path, body, name="list.csv")
    with pytest.raises(InputError) as e:
        load_village_list(p)
    assert e.value.row == row and e.value.field == field and words in str(e.value)


# --------------------------------------------------------------------------- progress reports
DAY = dt.date(2027, 1, 18)
ROSTER = Roster((Pair("P01", ("V1", "V2"), ("15050101", "15050102")),),
                (Outing("P01", DAY, "morning", (("15050101", 20), ("15050102", 15))),), "test")
PROGRESS = "pair_id,date,village_code,visited,not_at_home,refused,cancelled\n"


def test_progress_rows_are_read_and_checked(tmp_path):
    p = _write(tmp_path, "Pair_ID,Date,Village_Code,Visited,Not at home,Refused,Cancelled,note\n"
                         "P01,2027-01-18,15050101,12,6,2,,first\n,,,,,,,\nP01,2027-01-18,15050102,,,,yes,rain\n",
               name="progress.csv")
    assert load_progress(p, roster=ROSTER) == [ProgressRow("P01", DAY, "15050101", 12, 6, 2, False, 2),
                                               ProgressRow("P01", DAY, "15050102", 0, 0, 0, True, 4)]


@pytest.mark.parametrize(
    "line, field, words",
    [
        ("P09,2027-01-18,15050101,1,0,0,", "pair_id", "unknown pair"),
        ("P01,18/01/2027,15050101,1,0,0,", "date", "not a date"),
        ("P01,2027-01-19,15050101,1,0,0,", "date", "no planned outing"),
        ("P01,2027-01-18,15050103,1,0,0,", "village_code", "not part of"),
        ("P01,2027-01-18,15050101,1,many,0,", "not_at_home", "not a number"),
        ("P01,2027-01-18,15050101,1,0,-2,", "refused", "-2 is negative"),
        ("P01,2027-01-18,15050101,1,0,0,maybe", "cancelled", "yes/no"),
    ],
)
def test_progress_errors_name_file_row_and_field(tmp_path, line, field, words):
    p = _write(tmp_path, PROGRESS + line + "\n", name="progress.csv")
    with pytest.raises(InputError) as e:
        load_progress(p, roster=ROSTER)
    assert e.value.row == 2 and e.value.field == field and words in str(e.value) and str(p) in str(e.value)


def test_progress_missing_column(tmp_path):
    p = _write(tmp_path, "pair_id,date,village_code,visited\nP01,2027-01-18,15050101,1\n", name="progress.csv")
    with pytest.raises(InputError, match="not_at_home") as e:
        load_progress(p, roster=ROSTER)
    assert e.value.row == 1 and e.value.field == "not_at_home"
