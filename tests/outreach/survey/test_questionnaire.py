"""Questionnaire: XLSForm accepted by pyxform, paper form printable in Khmer and English."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from outreach.survey import DEFAULT_QUESTIONNAIRE, example_geography, paper_form_html, write_form

pyxform = pytest.importorskip("pyxform")
from pyxform.xls2xform import convert  # noqa: E402

KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.mark.parametrize("with_geo", [False, True])
def test_xlsform_converts_with_pyxform(tmp_path, with_geo):
    files = write_form(tmp_path, example_geography() if with_geo else None)
    warnings: list[str] = []
    result = convert(str(files["xlsform"]), warnings=warnings)
    xml = result.xform
    for name in ("knows_owso", "knows_ombudsman", "heard_from", "used_owso", "satisfaction", "village"):
        assert f"/{name}" in xml
    assert "Khmer (km)" in xml and "English (en)" in xml
    if with_geo:
        assert "99010101" in xml  # village pick list of official codes


def test_xlsform_sheets_and_khmer_labels(tmp_path):
    path = write_form(tmp_path)["xlsform"]
    wb = load_workbook(path)
    assert {"survey", "choices", "settings"} <= set(wb.sheetnames)
    header = [c.value for c in wb["survey"][1]]
    assert "label::English (en)" in header and "label::Khmer (km)" in header
    km = header.index("label::Khmer (km)")
    labels = [row[km] for row in wb["survey"].iter_rows(min_row=2, values_only=True) if row[km]]
    assert labels and all(KHMER.search(s) for s in labels)
    choices = list(wb["choices"].iter_rows(min_row=2, values_only=True))
    channels = [r[1] for r in choices if r[0] == "channel"]
    assert channels[:2] == ["public_forum", "loudspeaker"] and len(channels) == 8
    assert all(KHMER.search(r[3]) for r in choices)


def test_heard_from_is_select_multiple_asked_only_to_the_aware():
    q = DEFAULT_QUESTIONNAIRE.question("heard_from")
    assert q.kind == "select_multiple" and "knows_owso" in q.relevant


def test_paper_form_is_bilingual_a4():
    page = paper_form_html()
    assert '"Noto Sans Khmer"' in page and "size: A4" in page
    assert "ការិយាល័យច្រកចេញចូលតែមួយ" in page and "One Window Service Office" in page
    assert "http" not in page.replace("http://www.w3.org", "")
