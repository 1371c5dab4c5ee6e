"""Workbooks are the same bytes on every run (openpyxl would stamp the clock into them)."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

from openpyxl import Workbook, load_workbook

from outreach.xlsxfile import save_workbook


def _book() -> Workbook:
    wb = Workbook()
    wb.active.append(["Item", "Total"])
    wb.active.append(["Banner", "=2*12"])
    return wb


def test_two_saves_are_byte_identical_and_dated(tmp_path):
    a = save_workbook(_book(), tmp_path / "a.xlsx", dt.date(2027, 1, 4))
    time.sleep(1.1)  # the clock moves: openpyxl alone would write another time
    b = save_workbook(_book(), tmp_path / "b.xlsx", dt.date(2027, 1, 4))
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert wb.properties.created == wb.properties.modified == dt.datetime(2027, 1, 4)
    assert wb.active["B2"].value == "=2*12"  # content intact
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(a).infolist())
