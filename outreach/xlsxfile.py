"""Saving XLSX workbooks byte for byte the same on every run.

openpyxl stamps the save time into ``docProps/core.xml`` and each zip entry
carries the time it was written, so two runs of one scenario gave different
``budget.xlsx`` bytes. Here the workbook's dates are a fixed, meaningful
moment (the campaign's start) and the zip entries carry a fixed time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

#: The zip entries' time (the earliest a zip file can hold is 1980).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def save_workbook(wb: Any, path: Path | str, when: dt.date | dt.datetime) -> Path:
    """Save ``wb`` to ``path`` with created and modified set to ``when``, deterministically.

    Parameters
    ----------
    wb : openpyxl.Workbook
    path : path
    when : date or datetime
        The workbook's created/modified time (e.g. the campaign's first day).
    """
    moment = when if isinstance(when, dt.datetime) else dt.datetime(when.year, when.month, when.day)
    wb.properties.created = moment
    wb.properties.modified = moment
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl overwrites "modified" with the clock: put the fixed moment back below
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path = Path(path)
    path.write_bytes(out.getvalue())
    return path
