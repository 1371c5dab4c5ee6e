"""Import: Kobo/ODK exports without edits, column mappings, bad rows reported with row numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from outreach.errors import InputError
from outreach.survey import example_geography, import_survey

GEO = example_geography()
V1, V2, V3 = GEO.villages[0], GEO.villages[1], GEO.villages[9]


def kobo_label_frame() -> pd.DataFrame:
    """A Kobo export with group prefixes, label answers (English and Khmer) and one-hot channels."""
    return pd.DataFrame({
        "start": ["2025-03-01T08:00:00"] * 4,
        "end": ["2025-03-01T08:10:00"] * 4,
        "location/sangkat": [V1.sangkat_code, V2.sangkat_code, V3.sangkat_code, V1.sangkat_code],
        "location/village": [V1.code, V2.code, int(V3.code), V1.code],
        "respondent/respondent_type": ["Household", "អាជីវកម្ម", "household", "Business"],
        "respondent/sex": ["Female", "ប្រុស", "female", "Male"],
        "respondent/age_group": ["18-24 years", "៦០ ឆ្នាំឡើងទៅ", "35_44", "47"],
        "awareness/knows_owso": ["Yes", "ទេ", "បាទ/ចាស", "No"],
        "awareness/knows_ombudsman": ["No", "បាទ/ចាស", "Yes", "No"],
        "awareness/heard_from": ["public_forum loudspeaker", "radio_tv", "", ""],
        "awareness/heard_from/public_forum": ["1", "0", "0", ""],
        "awareness/heard_from/loudspeaker": ["1", "0", "1", ""],
        "awareness/heard_from/radio_tv": ["0", "1", "0", ""],
        "awareness/used_owso": ["Yes", "", "No", ""],
        "awareness/satisfaction": ["Satisfied", "", "", ""],
        "_id": [1, 2, 3, 4],
        "_uuid": ["a", "b", "c", "d"],
        "_submission_time": ["2025-03-01T09:00:00"] * 4,
        "_index": [1, 2, 3, 4],
    })


def test_kobo_export_with_groups_and_labels_imports_without_edits(tmp_path):
    path = tmp_path / "kobo.csv"
    # Kobo's legacy CSV: ';' separated, with a UTF-8 byte-order mark.
    kobo_label_frame().to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    data = import_survey(path, GEO)
    rep = data.report
    assert rep.rows_read == 4 and rep.rows_used == 4 and not rep.dropped
    assert {"_uuid", "start", "_submission_time", "_id", "_index", "end"} <= set(rep.ignored_columns)
    f = data.frame
    assert f["knows_owso"].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert f["knows_ombudsman"].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert f["sex"].tolist() == ["F", "M", "F", "M"]
    assert f["respondent_type"].tolist() == ["household", "business", "household", "business"]
    assert f["age_group"].tolist() == ["18_24", "60_plus", "35_44", "45_59"]
    assert f["village_code"].tolist()[2] == V3.code  # leading zero restored... or kept
    assert f.loc[0, "heard_public_forum"] == 1 and f.loc[0, "heard_loudspeaker"] == 1
    assert f.loc[1, "heard_radio_tv"] == 1
    assert f.loc[2, "heard_loudspeaker"] == 1  # from the one-hot column
    assert pd.isna(f.loc[3, "heard_public_forum"])  # aware of neither office


def test_odk_central_xlsx_with_hyphen_and_underscore_prefixes(tmp_path):
    df = pd.DataFrame({
        "SubmissionDate": ["x", "y"],
        "grp-village": [V1.code, V2.code],
        "grp_knows_owso": ["yes", "no"],
        "grp_knows_ombudsman": ["no", "no"],
        "grp_sex": ["female", "male"],
        "grp_heard_from_public_forum": ["True", "False"],
        "meta-instanceID": ["uuid:1", "uuid:2"],
        "KEY": ["k1", "k2"],
    })
    path = tmp_path / "odk.xlsx"
    df.to_excel(path, index=False)
    data = import_survey(path, GEO)
    assert data.report.rows_used == 2
    assert data.frame["knows_owso"].tolist() == [1.0, 0.0]
    assert data.frame.loc[0, "heard_public_forum"] == 1.0
    assert data.report.columns["village"] == "grp-village"


def test_label_headers_in_khmer_and_english():
    df = pd.DataFrame({
        "លេខកូដភូមិ (៨ ខ្ទង់)": [V1.code],
        "Do you know the One Window Service Office (OWSO) of your district?": ["Yes"],
        "តើអ្នកស្គាល់ការិយាល័យទទួលបណ្ដឹងរដ្ឋបាលស្រុកដែរឬទេ?": ["ទេ"],
    })
    data = import_survey(df, GEO)
    assert data.frame["knows_owso"].tolist() == [1.0]
    assert data.frame["knows_ombudsman"].tolist() == [0.0]


def test_column_mapping_for_own_spreadsheet():
    df = pd.DataFrame({"Phum ID": [V1.code, V2.code], "Knows OWSO?": ["y", "n"], "Gender": ["F", "M"]})
    data = import_survey(df, GEO, columns={"village": "Phum ID", "knows_owso": "Knows OWSO?"})
    assert data.frame["knows_owso"].tolist() == [1.0, 0.0]
    assert data.frame["sex"].tolist() == ["F", "M"]
    with pytest.raises(InputError) as exc:
        import_survey(df, GEO, columns={"village": "No such column", "knows_owso": "Knows OWSO?"})
    assert exc.value.field == "village"


def test_bad_rows_are_dropped_and_reported_with_row_numbers(tmp_path):
    df = pd.DataFrame({
        "village": [V1.code, "12345678", V2.code, "", V1.code, V2.code, V1.code],
        "sangkat": [V1.sangkat_code, "", "990199", "", "", "", ""],
        "knows_owso": ["yes", "yes", "yes", "no", "maybe", "", "no"],
        "sex": ["female", "male", "male", "female", "male", "male", "X"],
        "age_group": ["25_34", "25_34", "25_34", "25_34", "25_34", "25_34", "7"],
    })
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    data = import_survey(path, GEO)
    rep = data.report
    assert rep.rows_read == 7 and rep.rows_used == 1
    by_row = {d.row: d for d in rep.dropped}
    assert by_row[3].reason == "unknown village code"       # header is row 1
    assert by_row[4].reason == "village not in the given sangkat"
    assert by_row[5].reason == "missing village"
    assert by_row[6].reason == "impossible value" and by_row[6].field == "knows_owso"
    assert by_row[7].reason == "missing answer"
    assert {d.field for d in rep.dropped if d.row == 8} == {"sex", "age_group"}
    assert rep.reason_counts()["impossible value"] == 3
    assert "rows 6, 8" in rep.to_text()
    assert data.frame["row"].tolist() == [2]


def test_whole_file_fails_only_when_no_row_is_usable(tmp_path):
    df = pd.DataFrame({"village": ["11111111", "22222222"], "knows_owso": ["yes", "no"]})
    with pytest.raises(InputError) as exc:
        import_survey(df, GEO, name="s.csv")
    assert exc.value.file == "s.csv" and "no usable survey row" in str(exc.value)
    with pytest.raises(InputError) as exc:
        import_survey(pd.DataFrame({"village": [V1.code]}), GEO, name="s.csv")
    assert exc.value.field == "knows_owso"
    with pytest.raises(InputError):
        import_survey(tmp_path / "missing.csv", GEO)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(InputError) as exc:
        import_survey(broken, GEO)
    assert exc.value.file == str(broken)


def test_without_geography_codes_need_eight_digits():
    df = pd.DataFrame({"village": ["15010203", "abc"], "knows_owso": ["yes", "no"]})
    data = import_survey(df)
    assert data.frame["sangkat_code"].tolist() == ["150102"]
    assert data.report.dropped[0].row == 3
