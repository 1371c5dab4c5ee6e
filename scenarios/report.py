"""What the compare and sweep reports share: the HTML page, its tables, and the CSV and XLSX files.

The page is one self-contained file: styles inline, charts inline SVG, no
script and no remote link, so it opens in a district office without internet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from outreach.fonts import khmer_font_face
from outreach.xlsxfile import save_workbook

#: Report workbooks' created/modified date: fixed, so a report is the same bytes on every run.
REPORT_DATE = dt.date(2026, 1, 1)

Cell = str | float | int | None
Table = tuple[Sequence[str], Sequence[Sequence[Cell]]]

_STYLE = """
body{font-family:"OWSO Khmer","Noto Sans Khmer",sans-serif;margin:1.5em auto;max-width:1200px;color:#222}
svg text{font-family:"OWSO Khmer","Noto Sans Khmer",sans-serif}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right} th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left}
.short{color:#b00;font-weight:bold} .met{color:#070} .note{color:#555;font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:1em} td.t{text-align:left}
"""


def fmt(x: Cell) -> str:
    """A cell as text: thousands separated, at most one decimal for figures of 10 and more."""
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.2f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def html_table(table: Table, *, classes: Mapping[str, str] | None = None) -> str:
    """An HTML table; a text cell found in ``classes`` gets that CSS class (e.g. "short")."""
    head, rows = table
    cls = classes or {}
    out = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = []
        for c in row:
            text = fmt(c)
            k = next((v for key, v in cls.items() if isinstance(c, str) and c.startswith(key)), "")
            k = k or ("t" if isinstance(c, str) and c and not c[0].isdigit() else "")
            cells.append(f'<td class="{k}">{escape(text)}</td>' if k else f"<td>{escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"


def page(title: str, sections: Sequence[str]) -> str:
    """The whole report page around its sections (each already HTML), the Khmer font embedded: it travels alone."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{khmer_font_face()}{_STYLE}</style></head><body><h1>{escape(title)}</h1>" + "\n".join(sections)
            + "</body></html>\n")


def csv_text(table: Table) -> str:
    """The table as CSV (UTF-8 with BOM so Excel reads Khmer names)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table[0])
    w.writerows([["" if c is None else (round(c, 3) if isinstance(c, float) else c) for c in r] for r in table[1]])
    return "\ufeff" + buf.getvalue()


def write_xlsx(path: Path, sheets: Mapping[str, Table]) -> None:
    """One sheet per table; figures stay numbers."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, (head, rows) in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append(list(head))
        for r in rows:
            ws.append(list(r))
        ws.freeze_panes = "B2"
    save_workbook(wb, path, REPORT_DATE)  # same bytes on every run


__all__ = ["Cell", "Table", "csv_text", "fmt", "html_table", "page", "write_xlsx"]
