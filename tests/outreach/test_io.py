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


def test_progress_counts_up_to_the_village_limit(tmp_path):
    p = _write(tmp_path, PROGRESS + "P01,2027-01-18,15050101,50000,0,50000,\n", name="progress.csv")
    assert [(r.visited, r.refused) for r in load_progress(p, roster=ROSTER)] == [(50000, 50000)]


def test_progress_missing_column(tmp_path):
    p = _write(tmp_path, "pair_id,date,village_code,visited\nP01,2027-01-18,15050101,1\n", name="progress.csv")
    with pytest.raises(InputError, match="not_at_home") as e:
        load_progress(p, roster=ROSTER)
    assert e.value.row == 1 and e.value.field == "not_at_home"


# --------------------------------------------------------------------------- costs.csv
def test_cost_overrides_read_by_key(tmp_path):
    from outreach.io import load_cost_overrides

    p = _write(tmp_path, 'key,label,unit,usd,channel,source\nleaflet,Leaflet,each,"0,12",print,quote 2026\n'
                         "poster,,,1.5,,\n,,,,,\nfree,,,0,,\n", name="costs.csv")
    got = load_cost_overrides(p, known=["leaflet", "poster", "free", "tuktuk"])
    # "0,12" is a decimal comma; empty cells are left out, so the built-in label and unit stay; a blank key is skipped
    assert got == {"leaflet": {"key": "leaflet", "label": "Leaflet", "unit": "each", "usd": 0.12, "channel": "print",
                               "source": "quote 2026"},
                   "poster": {"key": "poster", "usd": 1.5}, "free": {"key": "free", "usd": 0.0}}


@pytest.mark.parametrize(
    "body, row, field, words",
    [
        ("label,usd\nx,1\n", None, "key", "the column 'key' is missing"),
        ("key,label\nposter,x\n", None, "usd", "the column 'usd' is missing"),
        ("key,usd\nposter,1\nbanner,2\n", 3, "key", "unknown cost key 'banner' (known: leaflet, poster)"),
        ("key,usd\nposter,-0.5\n", 2, "usd", "at least 0, got '-0.5'"),
        ("key,usd\nposter,\n", 2, "usd", "at least 0, got ''"),
        ("key,usd\nposter,cheap\n", 2, "usd", "not a number"),
    ],
)
def test_cost_override_errors(tmp_path, body, row, field, words):
    from outreach.io import load_cost_overrides

    p = _write(tmp_path, body, name="costs.csv")
    with pytest.raises(InputError) as e:
        load_cost_overrides(p, known=("poster", "leaflet"))
    assert (e.value.file, e.value.row, e.value.field) == (str(p), row, field) and words in e.value.message


# --------------------------------------------------------------------------- vector files
def _square(x, y, d=0.01):
    from shapely.geometry import Polygon

    return Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])


def _geojson(tmp_path, records, name="sangkats.geojson", crs="EPSG:4326"):
    import geopandas as gpd

    p = tmp_path / name
    gpd.GeoDataFrame(records, geometry="geometry", crs=crs).to_file(p)  # the driver follows the suffix
    return p


def test_sangkat_boundaries_keyed_by_code(tmp_path):
    from shapely.geometry import MultiPolygon, Polygon

    from outreach.io import load_sangkat_boundaries

    bowtie = Polygon([(103.8, 12.5), (103.9, 12.6), (103.9, 12.5), (103.8, 12.6)])  # self-crossing: repaired
    p = _geojson(tmp_path, [
        {"Commune Code": "150501", "geometry": _square(103.8, 12.5)},
        {"Commune Code": "20301", "geometry": _square(104.9, 11.5)},  # 5 digits: a leading zero lost by Excel
        {"Commune Code": "150401", "geometry": _square(103.7, 12.6)},  # another district: not ours
        {"Commune Code": None, "geometry": _square(105.0, 11.6)},  # no code: a neighbouring area
        {"Commune Code": "", "geometry": _square(105.1, 11.6)},
        {"Commune Code": "None", "geometry": _square(105.2, 11.6)},  # as some GIS exports write a missing code
        {"Commune Code": "150503", "geometry": bowtie},
        {"Commune Code": "150504", "geometry": MultiPolygon([_square(103.7, 12.4), _square(103.75, 12.4)])},
    ])
    got = load_sangkat_boundaries(p, districts=["1505", "203"])
    assert sorted(got) == ["020301", "150501", "150503", "150504"] and got["150504"].geom_type == "MultiPolygon"
    assert got["150501"].equals(_square(103.8, 12.5)) and got["150503"].is_valid and not bowtie.is_valid
    assert got["150503"].area == pytest.approx(0.005)  # both triangles kept: 2 x (0.1 x 0.05 / 2)


def test_sangkat_boundaries_are_reprojected_to_lon_lat(tmp_path):
    from outreach.io import load_sangkat_boundaries

    p = _geojson(tmp_path, [{"sangkat_code": "150501", "geometry": _square(380_000.0, 1_380_000.0, 1000.0)}],
                 name="utm.gpkg", crs="EPSG:32648")
    x0, y0, x1, y1 = load_sangkat_boundaries(p, districts=["1505"])["150501"].bounds
    assert 103.8 < x0 < x1 < 104.0 and 12.4 < y0 < y1 < 12.6  # UTM 48N metres -> degrees near Pursat


@pytest.mark.parametrize(
    "name, records, row, field, words",
    [
        ("s.csv", None, None, None, "sangkat boundaries must be a vector file (GeoJSON, GPKG, SHP)"),
        ("s.geojson", [{"name": "x", "geometry": _square(103.8, 12.5)}], None, "commune_code",
         "no 'commune_code' (or 'sangkat_code') attribute"),
        ("s.geojson", [{"code": "150501", "geometry": _square(103.8, 12.5)}, {"code": "150599", "geometry": None}],
         2, "code", "sangkat code 150599 is not in the official gazetteer"),
        ("s.geojson", [{"adm3_pcode": "150501", "geometry": _square(103.8, 12.5).boundary}], 1, "geometry",
         "sangkat 150501 has no polygon geometry"),
        ("s.geojson", [{"code": "150503", "geometry": _square(103.8, 12.5)}, {"code": "150501", "geometry": None}],
         2, "geometry", "sangkat 150501 has no polygon geometry"),
        ("missing.geojson", None, None, None, "the sangkat boundaries file does not exist"),
        ("s.geojson", "garbage", None, None, "cannot read the sangkat boundaries file ("),
    ],
)
def test_sangkat_boundary_errors(tmp_path, name, records, row, field, words):
    from outreach.io import load_sangkat_boundaries

    p = tmp_path / name
    if isinstance(records, list):
        p = _geojson(tmp_path, records, name=name)
    elif records == "garbage" or name.endswith(".csv"):
        p.write_text("not a vector file", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_sangkat_boundaries(p, districts=["1505"])
    assert (e.value.file, e.value.row, e.value.field) == (str(p), row, field)
    if words.endswith("("):  # the reader's own error type and text follow
        assert e.value.message.startswith(words) and "NoneType" not in e.value.message
    else:
        assert e.value.message == words


def test_villages_from_points(tmp_path):
    from shapely.geometry import Point

    p = _geojson(tmp_path, [{"code": "15050101", "hh": "103", "geometry": Point(103.89, 12.5)},
                            {"code": "15050102", "hh": "7", "geometry": Point(103.9, 12.52)}], name="v.geojson")
    rows, notes = load_villages(p, districts=["1505"])
    assert [(r.code, r.lon, r.lat, r.households, r.row) for r in rows] == [
        ("15050101", 103.89, 12.5, 103, 1), ("15050102", 103.9, 12.52, 7, 2)] and notes == []  # feature 1 is row 1
    bad = _geojson(tmp_path, [{"code": "15050101", "hh": "103", "geometry": _square(103.8, 12.5)}], name="b.geojson")
    with pytest.raises(InputError) as e:
        load_villages(bad, districts=["1505"])
    assert (e.value.file, e.value.field, e.value.message) == (str(bad), "geometry", "village geometries must be points")
    other = tmp_path / "v.ods"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_villages(other, districts=["1505"])
    assert (e.value.file, e.value.message) == (str(other), "unsupported villages file type '.ods'")
    for missing in (tmp_path / "none.geojson", tmp_path / "none.csv"):
        with pytest.raises(InputError) as e:
            load_villages(missing, districts=["1505"])
        assert (e.value.file, e.value.message) == (str(missing), "the villages file does not exist")


def test_village_points_without_geometry(tmp_path):
    from shapely.geometry import Point

    c = _geojson(tmp_path, [{"code": None, "hh": 4, "geometry": Point(103.89, 12.5)}], name="c.geojson")
    with pytest.raises(InputError) as e:
        load_villages(c, districts=["1505"])
    assert e.value.message == "'' is not an 8-digit village code"  # a missing attribute reads as an empty cell

    p = _geojson(tmp_path, [{"code": "15050101", "hh": 103, "geometry": Point(103.89, 12.5)},
                            {"code": "15050102", "hh": None, "geometry": None}], name="v.geojson")
    rows, notes = load_villages(p, districts=["1505"], skip_incomplete=True)  # empty row: left out
    assert [r.code for r in rows] == ["15050101"] and notes == [
        f"{p} row 2: village 15050102 (Ou Roka) has no coordinates or households; left out"]
    q = _geojson(tmp_path, [{"code": "15050102", "hh": 5, "geometry": None}], name="w.geojson")
    with pytest.raises(InputError) as e:
        load_villages(q, districts=["1505"], skip_incomplete=True)
    assert (e.value.row, e.value.field, e.value.message) == (1, "lat", "village 15050102 (Ou Roka) has no coordinates")


# --------------------------------------------------------------------------- cells and tables
@pytest.mark.parametrize(
    "text, integer, value",
    [("", False, None), ("nan", False, None), ("None", True, None), ("NULL", False, None),
     ("១២៣", True, 123.0),  # Khmer digits
     ("11,46", False, 11.46), ("-3,5", False, -3.5), ("1,2345", False, 1.2345),  # decimal commas
     ("1,234", True, 1234.0), ("12,345,678", True, 12345678.0), ("-1,234", False, -1234.0),  # thousands
     ("2.0", True, 2.0), ("0", True, 0.0), (" 7 ", True, 7.0)],
)
def test_parse_number_reads_what_excel_types(text, integer, value):
    from outreach.io.tables import parse_number

    assert parse_number(text, file="f.csv", row=3, field="hh", integer=integer) == value


@pytest.mark.parametrize(
    "text, integer, message",
    [("abc", False, "'abc' is not a number"), ("inf", False, "'inf' is not a finite number"),
     ("-1e400", False, "'-1e400' is not a finite number"), ("2.5", True, "'2.5' is not a whole number"),
     ("២,៥", True, "'2,5' is not a whole number")],
)
def test_parse_number_refusals_name_the_cell(text, integer, message):
    from outreach.io.tables import parse_number

    with pytest.raises(InputError) as e:
        parse_number(text, file="f.csv", row=3, field="hh", integer=integer)
    assert (e.value.file, e.value.row, e.value.field, e.value.message) == ("f.csv", 3, "hh", message)


def test_read_table_cleans_headers_and_cells(tmp_path):
    from outreach.io.tables import read_table

    p = _write(tmp_path, "\ufeff Village Code ,HH,note.1\n 15050101 , 12 ,\n", name="t.txt")  # .txt reads as CSV
    df = read_table(p, what="villages")
    assert list(df.columns) == ["village_code", "hh", "note.1"]  # a lone 'note.1' is not a repeat
    assert df.to_dict("records") == [{"village_code": "15050101", "hh": "12", "note.1": ""}]


@pytest.mark.parametrize(
    "name, data, row, field, message",
    [
        ("t.csv", b"\x00a,b\n1,2\n", 1, None,
         "the row holds a NUL character (a damaged file, or not a CSV); re-save it from Excel"),
        ("t.csv", b"a,b\n1,2\n3,\x004\n", 3, None,
         "the row holds a NUL character (a damaged file, or not a CSV); re-save it from Excel"),
        ("t.csv", b"a,b,a\n1,2,3\n", 1, "a", "the column 'a' appears more than once; keep one"),
        ("t.ods", b"a,b\n", None, None, "cannot read a costs table from a '.ods' file (use CSV or XLSX)"),
        ("t.csv", b"a,b\n\xff\xfe1,2\n", None, None,
         "the file is not UTF-8 text; in Excel use 'Save as > CSV UTF-8' so Khmer names survive"),
        ("none.csv", None, None, None, "the costs file does not exist"),
    ],
)
def test_read_table_refusals(tmp_path, name, data, row, field, message):
    from outreach.io.tables import read_table

    p = tmp_path / name
    if data is not None:
        p.write_bytes(data)
    with pytest.raises(InputError) as e:
        read_table(p, what="costs")
    assert (e.value.file, e.value.row, e.value.field, e.value.message) == (str(p), row, field, message)


def test_read_table_xlsx(tmp_path):
    import pandas as pd

    from outreach.io.tables import read_table

    p = tmp_path / "t.xlsx"
    pd.DataFrame({"Village Code": ["15050101", "15050102"], "HH": [12, None]}).to_excel(p, index=False)
    assert read_table(p, what="villages").to_dict("records") == [{"village_code": "15050101", "hh": "12"},
                                                                  {"village_code": "15050102", "hh": ""}]
    bad = tmp_path / "b.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_table(bad, what="villages")
    assert e.value.file == str(bad) and e.value.message.startswith("cannot read the villages file (BadZipFile")


# --------------------------------------------------------------------------- volunteers, field by field
VHEAD = "id,name,sex,home_village,mon,tue,wed,thu,fri,sat,sun,outings_per_week,first_date,last_date,phone,fixed_pair\n"


def test_volunteer_records_field_by_field(tmp_path):
    from outreach.model import Volunteer

    p = _write(tmp_path, VHEAD
               + 'V1,Dara,Female,15050101,"m,a",;e,,,,,,,2027-01-04,2027-01-04 00:00:00,012 345,T1\n'
               + ",,,,,,,,,,,,,,,\n"  # a blank line in the middle: skipped, the rows after it still read
               + "V2,,ប្រុស,15050102,morning;evening,,,,,,,7,2000-01-01,2100-12-31,,T1\n"
               + "V3,Sok,m,15050101,,,,,,,pm,1,,,,\n", name="vol.csv")
    day = dt.date(2027, 1, 4)
    assert load_volunteers(p, village_codes={"15050101", "15050102"}) == (
        Volunteer("V1", "Dara", "F", "15050101", frozenset({(0, "morning"), (0, "afternoon"), (1, "evening")}), 2,
                  day, day, "012 345", "T1"),
        Volunteer("V2", "V2", "M", "15050102", frozenset({(0, "morning"), (0, "evening")}), 7,
                  dt.date(2000, 1, 1), dt.date(2100, 12, 31), "", "T1"),
        Volunteer("V3", "Sok", "M", "15050101", frozenset({(6, "afternoon")}), 1, None, None, "", ""))


def _vol_error(tmp_path, body, codes=("15050101", "15050102")):
    p = _write(tmp_path, body, name="vol.csv")
    with pytest.raises(InputError) as e:
        load_volunteers(p, village_codes=set(codes))
    return (e.value.file == str(p), e.value.row, e.value.field, e.value.message)


ROW = "V1,Dara,F,15050101,m,,,,,,,{opw},{first},{last},,\n"


@pytest.mark.parametrize(
    "body, row, field, message",
    [
        (VHEAD.replace(",sun", ""), None, "sun", "the column 'sun' is missing"),
        (VHEAD, None, None, "the volunteers table has no rows"),
        (VHEAD + ",Dara,F,15050101,m,,,,,,,,,,,\n", 2, "id", "volunteer id is empty"),
        (VHEAD + "V1,Dara,F,123,m,,,,,,,,,,,\n", 2, "home_village", "'123' is not an 8-digit village code"),
        (VHEAD + ROW.format(opw="0", first="", last=""), 2, "outings_per_week",
         "outings_per_week must be between 1 and 7, got '0'"),
        (VHEAD + ROW.format(opw="8", first="", last=""), 2, "outings_per_week",
         "outings_per_week must be between 1 and 7, got '8'"),
        (VHEAD + ROW.format(opw="2.5", first="", last=""), 2, "outings_per_week", "'2.5' is not a whole number"),
        (VHEAD + ROW.format(opw="", first="1999-12-31", last=""), 2, "first_date",
         "1999-12-31 is outside 2000-01-01 to 2100-12-31"),
        (VHEAD + ROW.format(opw="", first="", last="2101-01-01"), 2, "last_date",
         "2101-01-01 is outside 2000-01-01 to 2100-12-31"),
        (VHEAD + ROW.format(opw="", first="", last="2027-02-30"), 2, "last_date",
         "'2027-02-30' is not a date (use YYYY-MM-DD)"),
        (VHEAD + ROW.format(opw="", first="2027-01-05", last="2027-01-04"), 2, "last_date",
         "last_date is before first_date"),
        (VHEAD + "V1,Dara,F,15050101,m,,,,,,,,,,,T\nV2,Sok,M,15050102,e,,,,,,,,,,,T\n", 3, "fixed_pair",
         "the fixed team 'T' (V1, V2) shares no free slot in the week, so it could never go out"),
        (VHEAD + "".join(f"V{i},x,F,15050101,m,,,,,,,,,,,T\n" for i in range(4)), 5, "fixed_pair",
         "fixed_pair 'T' is on 4 volunteer(s); a team is two or three who go out together"),
    ],
)
def test_volunteer_refusals_exactly(tmp_path, body, row, field, message):
    assert _vol_error(tmp_path, body) == (True, row, field, message)


def test_volunteer_teams_of_three_and_a_last_date_alone(tmp_path):
    body = VHEAD + "".join(f"V{i},x,F,15050101,m a,,,,,,,,,2027-03-01,,T\n" for i in range(3))
    vols = load_volunteers(_write(tmp_path, body, name="vol.csv"), village_codes={"15050101"})
    assert [v.fixed_pair for v in vols] == ["T", "T", "T"] and vols[0].first_date is None


# --------------------------------------------------------------------------- villages, field by field
def test_village_rows_field_by_field(tmp_path):
    from outreach.io import VillageRow

    p = _write(tmp_path, "code,Latitude,LNG,HH,totpop,Females,males,Setting,Market\n"
                         "15050101,12.5,103.89,1,0,0,0,,\n"
                         ",,,,,,,,\n"  # a blank line in the middle: skipped, the rows after it still read
                         "15050102,12.52,103.9,40,200,110,90, Roadside ,YES\n"
                         "15050103,12.51,103.91,50,200,100,100,periurban,0\n")
    rows, notes = load_villages(p, districts=["1505"])
    assert rows == [VillageRow("15050101", 103.89, 12.5, 1, 0, 0, 0, "rural", False, 2),
                    VillageRow("15050102", 103.9, 12.52, 40, 200, 110, 90, "roadside", True, 4),
                    VillageRow("15050103", 103.91, 12.51, 50, 200, 100, 100, "periurban", False, 5)] and notes == []


V4 = "village_code,lat,lon,households,population,women,men\n"


@pytest.mark.parametrize(
    "body, row, field, message",
    [
        (V4 + "15050101,,103.9,10,,,\n", 2, "lat", "village 15050101 (Leav) has no coordinates (set skip_incomplete "
                                                   "= true under [geography] to leave such villages out)"),
        (V4 + "15050101,12.5,,10,,,\n", 2, "lon", "village 15050101 (Leav) has no coordinates (set skip_incomplete "
                                                  "= true under [geography] to leave such villages out)"),
        (V4 + "15050101,12.5,103.9,10,200,100,101\n", 2, "men",
         "women (100) and men (101) add up to more than the population (200)"),
        (V4 + "15050101,12.5,103.9,10,200,101,101\n", 2, "men",
         "women (101) and men (101) add up to more than the population (200)"),
        (V4 + "15050101,12.5,103.9,10,200,150,100\n", 2, "women",
         "women (150) and men (100) add up to more than the population (200)"),
        (V4 + "15050101,12.5,103.9,10,,,-1\n", 2, "men", "men cannot be negative"),
        (V4 + "15050101,12.5,103.9,10,,,1.5\n", 2, "men", "'1.5' is not a whole number"),
        (V4 + "15050101,12.5,103.9,60001,,,\n", 2, "households",
         "'60001' households in one village is more than 50,000: the largest village of the 2008 census had 5,455"),
        (V4 + "15050101,12.5,103.9,1e30,,,\n", 2, "households",
         "'1e30' households in one village is more than 50,000: the largest village of the 2008 census had 5,455"),
        (V4 + "150501,12.5,103.9,10,,,\n", 2, "village_code", "'150501' is not an 8-digit village code"),
        (V4 + "15050101,12.5,103.9,10,,,\n15050101,12.5,103.9,10,,,\n", 3, "village_code",
         "village code 15050101 appears twice (first on row 2)"),
        (V4, None, None, "the villages table has no usable rows"),
    ],
)
def test_village_refusals_exactly(tmp_path, body, row, field, message):
    p = _write(tmp_path, body)
    with pytest.raises(InputError) as e:
        load_villages(p, districts=["1505"])
    assert (e.value.file, e.value.row, e.value.field, e.value.message) == (str(p), row, field, message)


def test_skip_incomplete_is_off_by_default_and_names_the_left_out(tmp_path):
    p = _write(tmp_path, HEADER + "15050101,12.5,103.9,10\n15050102,,,\n")
    with pytest.raises(InputError, match="has no coordinates"):
        load_villages(p, districts=["1505"])
    rows, notes = load_villages(p, districts=["1505"], skip_incomplete=True)
    assert notes == [f"{p} row 3: village 15050102 (Ou Roka) has no coordinates or households; left out"]
    with pytest.raises(InputError) as e:
        load_villages(_write(tmp_path, HEADER + "15050102,,,\n", name="v2.csv"), districts=["1505"],
                      skip_incomplete=True)
    assert e.value.message == "the villages table has no usable rows" and e.value.file.endswith("v2.csv")


def test_village_list_records_field_by_field(tmp_path):
    from outreach.model import Village

    p = _write(tmp_path, "village,commune,hh,name,name_km\n15050101,150501.0,0,,\n1050102,10501,7,Mine,ភូមិ\n",
               name="list.csv")
    geo = load_village_list(p)
    assert geo.villages == (Village("01050102", "Mine", "ភូមិ", "010501", "0105", "01", 0.0, 0.0, 0.0, 0.0, 7),
                            Village("15050101", "Leav", "លាវ", "150501", "1505", "15", 0.0, 0.0, 0.0, 0.0, 0))
    assert [(s.code, s.district_code) for s in geo.sangkats] == [("010501", "0105"), ("150501", "1505")]
    assert [(d.code, d.province_code) for d in geo.districts] == [("0105", "01"), ("1505", "15")]
    assert geo.sangkats[1].name_en == "Chamraeun Phal" and geo.provinces[1].name_en != "15"


@pytest.mark.parametrize(
    "body, row, field, message",
    [
        ("village_code,households\n", None, None, "the villages file has no rows"),
        ("code,name\n15050101,x\n", None, "households", "the villages file needs a 'households' column"),
        ("village_code,households\n150501,3\n", 2, "village_code", "'150501' is not an 8-digit village code"),
        ("village_code,households\n15050101,3\n15050101,4\n", 3, "village_code", "village 15050101 is listed twice"),
        ("code,sangkat,households\n15050101,150503,3\n", 2, "sangkat", "village 15050101 does not belong to sangkat "
                                                                         "150503"),
        ("village_code,hh\n15050101,1e999x\n", 2, "hh", "households '1e999x' is not a number"),
        ("village_code,hh\n15050101,inf\n", 2, "hh", "households 'inf' is not a number"),
        ("village_code,households\n15050101,-1\n", 2, "households", "households must be >= 0"),
    ],
)
def test_village_list_refusals_exactly(tmp_path, body, row, field, message):
    p = _write(tmp_path, body, name="list.csv")
    with pytest.raises(InputError) as e:
        load_village_list(p)
    assert (e.value.file, e.value.row, e.value.field, e.value.message) == (str(p), row, field, message)


@pytest.mark.parametrize(
    "text, field, message",
    [
        (None, None, "the progress file does not exist"),
        ("pair_id,date\nP01,2027-01-18\n", "village_code",
         "missing column(s) village_code, visited, not_at_home, refused, cancelled; expected pair_id, date, "
         "village_code, visited, not_at_home, refused, cancelled"),
        (PROGRESS + "P01,2027-01-18,15050101,1.5,0,0,\n", "visited", "'1.5' is not a whole number"),
        (PROGRESS + "P09,2027-01-18,15050101,1,0,0,\n", "pair_id", "unknown pair 'P09' (the plan has P01, P02)"),
        (PROGRESS + "P01,2027-01-18,15050101,1,1e30,0,\n", "not_at_home",
         "'1e30' households in one village visit is more than 50,000: the largest village of the 2008 census had "
         "5,455"),
        (PROGRESS + "P01,2027-01-18,15050101,50001,0,0,\n", "visited",
         "'50001' households in one village visit is more than 50,000: the largest village of the 2008 census had "
         "5,455"),
    ],
)
def test_progress_refusals_exactly(tmp_path, text, field, message):
    roster = Roster(ROSTER.pairs + (Pair("P02", ("V3", "V4"), ("15050101",)),), ROSTER.outings, "test")
    p = tmp_path / "progress.csv"
    if text is not None:
        p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_progress(p, roster=roster)
    assert (e.value.file, e.value.field, e.value.message) == (str(p), field, message)


def test_village_row_limits_are_inclusive(tmp_path):
    # 50,000 households is the largest accepted; a population equal to the households fills them
    p = _write(tmp_path, V4 + "15050101,12.5,103.9,50000,,,\n15050102,12.5,103.9,10,10,5,5\n")
    rows, _ = load_villages(p, districts=["1505"])
    assert [(r.households, r.population) for r in rows] == [(50000, 0), (10, 10)]


def test_village_rows_after_a_skipped_one_and_a_row_without_code(tmp_path):
    p = _write(tmp_path, HEADER + "15050102,,,\n15050101,12.5,103.9,10\n")
    rows, notes = load_villages(p, districts=["1505"], skip_incomplete=True)
    assert [r.code for r in rows] == ["15050101"] and len(notes) == 1
    q = _write(tmp_path, HEADER + ",12.5,103.9,10\n", name="q.csv")
    with pytest.raises(InputError) as e:
        load_villages(q, districts=["1505"])
    assert (e.value.row, e.value.field, e.value.message) == (2, "village_code", "'' is not an 8-digit village code")


def test_village_list_unknown_codes_use_the_code_as_name(tmp_path):
    geo = load_village_list(_write(tmp_path, "village_code,households\n99010101,4\n", name="list.csv"))
    v = geo.villages[0]
    assert (v.code, v.name_en, v.name_kh, v.sangkat_code) == ("99010101", "99010101", "99010101", "990101")
    assert [(s.name_en, s.name_kh) for s in geo.sangkats] == [("990101", "990101")]
    assert [(d.name_en, p.name_en) for d in geo.districts for p in geo.provinces] == [("9901", "99")]
    missing = tmp_path / "none.csv"
    with pytest.raises(InputError) as e:
        load_village_list(missing)
    assert (e.value.file, e.value.message) == (str(missing), "the villages file does not exist")


def test_missing_files_are_named_by_what_they_hold(tmp_path):
    from outreach.io import load_cost_overrides

    for load, what in ((lambda p: load_volunteers(p, village_codes=set()), "volunteers"),
                       (lambda p: load_cost_overrides(p, known=()), "costs")):
        with pytest.raises(InputError) as e:
            load(tmp_path / f"{what}.csv")
        assert e.value.message == f"the {what} file does not exist"


def test_volunteers_with_only_the_required_columns(tmp_path):
    from outreach.model import Volunteer

    p = _write(tmp_path, "id,sex,home_village,mon,tue,wed,thu,fri,sat,sun\nV1,F,15050101,,e,,,,,\n", name="vol.csv")
    assert load_volunteers(p, village_codes={"15050101"}) == (
        Volunteer("V1", "V1", "F", "15050101", frozenset({(1, "evening")}), 2, None, None, "", ""),)
    q = _write(tmp_path, "id,sex,home_village,mon,tue,wed,thu,fri,sat,sun\nV7,F,15050101,,,,,,,\n", name="q.csv")
    with pytest.raises(InputError) as e:
        load_volunteers(q, village_codes={"15050101"})
    assert e.value.message == "volunteer 'V7' has no availability on any day"


@pytest.mark.parametrize(
    "data, row",
    [(b"a,b\n1,\x002\n3,\x004\n", 2),  # the first NUL is named
     (b"\na,b\n1,\x002\n", 3)],  # a blank first line counts as a row
)
def test_nul_row_numbers(tmp_path, data, row):
    from outreach.io.tables import read_table

    p = tmp_path / "t.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match="NUL") as e:
        read_table(p, what="villages")
    assert e.value.row == row


def test_read_table_keeps_text_as_typed(tmp_path):
    from outreach.io.tables import read_table

    # leading zeros, 'NA' and 'null' stay text; a blank line is dropped
    p = _write(tmp_path, "code,name,note\n007,NA,null\n\n010,N/A,\n", name="t.csv")
    assert read_table(p, what="x").to_dict("records") == [{"code": "007", "name": "NA", "note": "null"},
                                                          {"code": "010", "name": "N/A", "note": ""}]


def test_read_table_refuses_columns_equal_after_cleaning(tmp_path):
    from outreach.io.tables import read_table

    p = _write(tmp_path, "Village Code,village_code\n1,2\n", name="t.csv")
    with pytest.raises(InputError) as e:
        read_table(p, what="villages")
    assert (e.value.row, e.value.field, e.value.message) == (
        1, "village_code", "the column 'village_code' appears more than once; keep one")


def test_a_second_bom_in_the_header_is_stripped(tmp_path):
    from outreach.io.tables import read_table

    p = tmp_path / "t.csv"
    p.write_bytes("\ufeff\ufeffXY,b\n1,2\n".encode())  # utf-8-sig removes one; an Excel round trip can add two
    assert list(read_table(p, what="x").columns) == ["xy", "b"]


def test_read_table_xlsm_and_a_bom_in_a_header_cell(tmp_path):
    import pandas as pd

    from outreach.io.tables import read_table

    p = tmp_path / "t.xlsm"
    pd.DataFrame({"\ufeffHH ": ["12"]}).to_excel(p, index=False, engine="openpyxl")
    assert read_table(p, what="villages").to_dict("records") == [{"hh": "12"}]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")  # writing the file without a CRS is the point
def test_vector_file_without_a_crs_is_read_as_lon_lat(tmp_path):
    from outreach.io import load_sangkat_boundaries

    p = _geojson(tmp_path, [{"code": "150501", "geometry": _square(103.8, 12.5)}], name="s.gpkg", crs=None)
    assert load_sangkat_boundaries(p, districts=["1505"])["150501"].equals(_square(103.8, 12.5))


def test_a_bom_in_a_vector_attribute_name_is_stripped(tmp_path):
    from outreach.io import load_sangkat_boundaries

    p = _geojson(tmp_path, [{"\ufeffCode": "150501", "geometry": _square(103.8, 12.5)}], name="s.geojson")
    assert list(load_sangkat_boundaries(p, districts=["1505"])) == ["150501"]
