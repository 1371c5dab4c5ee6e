"""Annex-6-style budget sheet of an allocation: XLSX and a printable A4 HTML page.

Totals are taken line by line from :class:`~outreach.model.BudgetLine`, so the
grand total equals ``Allocation.planned_usd`` and the channel subtotals equal
``Allocation.by_channel()`` to the cent. KHR = USD × ``campaign.usd_to_khr``,
rounded to whole riel (display only).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .fonts import khmer_font_face
from .lang import Lang, pick
from .model import Allocation, BudgetLine, Campaign
from .xlsxfile import save_workbook

#: Channel headings, English and Khmer.
CHANNELS: dict[str, tuple[str, str]] = {
    "door_to_door": ("Door-to-door volunteers", "ការចុះពីផ្ទះមួយទៅផ្ទះមួយ"),
    "loudspeaker": ("Mobile loudspeaker", "ឧបករណ៍បំពងសំឡេងចល័ត"),
    "forum": ("Public forums", "វេទិកាសាធារណៈ"),
    "print": ("Print: banners and leaflets", "ឯកសារបោះពុម្ព"),
    "social_media": ("Social media", "បណ្តាញសង្គម"),
    "radio": ("Radio", "វិទ្យុ"),
    "partner_ngo": ("Partner NGOs", "អង្គការដៃគូ"),
    "village_chief": ("Village chiefs", "មេភូមិ"),
    "group_event": ("Group events", "ព្រឹត្តិការណ៍ក្រុម"),
    "management": ("Management", "ការគ្រប់គ្រង"),
}
_ORDER = list(CHANNELS)

#: Khmer names of the default budget items and units (a cost key the table lacks prints in English).
ITEMS_KM: dict[str, str] = {
    "volunteer_outing": "ប្រាក់ឧបត្ថម្ភ និងថ្លៃធ្វើដំណើររបស់អ្នកស្ម័គ្រចិត្ត",
    "volunteer_training": "វគ្គបណ្តុះបណ្តាលអ្នកស្ម័គ្រចិត្ត",
    "volunteer_kit": "អាវយឺត និងប័ណ្ណសម្គាល់ខ្លួន",
    "coordinator_week": "ប្រាក់ឧបត្ថម្ភអ្នកសម្របសម្រួលអ្នកស្ម័គ្រចិត្ត",
    "tuktuk_day": "ការជួលរ៉ឺម៉ក និងអ្នកបើកបរ",
    "fuel_km": "ប្រេងឥន្ធនៈ",
    "recording": "ការថតសារផ្សព្វផ្សាយជាភាសាខ្មែរ",
    "forum_venue": "ទីកន្លែងវេទិកា ប្រព័ន្ធសំឡេង និងបដា",
    "forum_participant": "អាហារសម្រន់សម្រាប់អ្នកចូលរួមវេទិកា",
    "banner": "បដាវីនីលនៅតាមផ្លូវភូមិ",
    "poster": "ផ្ទាំងរូបភាព (តម្លៃសេវាផ្លូវការ)",
    "leaflet": "ខិត្តប័ណ្ណ",
    "booklet": "កូនសៀវភៅព័ត៌មានអំពីការិយាល័យច្រកចេញចូលតែមួយ",
    "social_media_week": "ការផ្សព្វផ្សាយលើបណ្តាញសង្គម",
}
UNITS_KM: dict[str, str] = {
    "volunteer-outing": "ដងចុះ", "volunteer": "នាក់", "week": "សប្តាហ៍", "vehicle-day": "ថ្ងៃរ៉ឺម៉ក", "km": "គ.ម",
    "recording": "ការថត", "forum": "វេទិកា", "participant": "នាក់", "banner": "ផ្ទាំង", "poster": "ផ្ទាំង",
    "leaflet": "សន្លឹក", "booklet": "ក្បាល",
}
#: Fixed phrases of the sheet, (Khmer, English).
TEXT: dict[str, tuple[str, str]] = {
    "title": ("ថវិកាយុទ្ធនាការផ្សព្វផ្សាយ", "Awareness campaign budget"),
    "item": ("មុខចំណាយ", "Item"), "unit": ("ឯកតា", "Unit"), "quantity": ("បរិមាណ", "Quantity"),
    "unit_usd": ("តម្លៃឯកតា (USD)", "Unit cost (USD)"), "total_usd": ("សរុប (USD)", "Total (USD)"),
    "total_khr": ("សរុប (KHR)", "Total (KHR)"), "subtotal": ("សរុបរង", "Subtotal"), "total": ("សរុបរួម", "Grand total"),
    "letter": ("តួលេខសម្រាប់លិខិតស្នើសុំមូលនិធិ", "DM-fund request letter figures"),
    "notes": ("កំណត់សម្គាល់", "Notes"), "limit": ("ពិដានថវិកា", "Budget limit"),
    "rate": ("អត្រាប្តូរប្រាក់", "exchange rate"),
}


def say(key: str, lang: Lang) -> str:
    """A fixed phrase in ``lang`` (``both``: Khmer / English)."""
    return pick(*TEXT[key], lang)


def _channel_order(lines: tuple[BudgetLine, ...]) -> list[str]:
    seen = {b.channel for b in lines}
    return [c for c in _ORDER if c in seen] + sorted(seen - set(_ORDER))


def _khr(usd: float, rate: float) -> int:
    return int(round(usd * rate))


def budget_rows(campaign: Campaign, allocation: Allocation, lang: Lang = "en") -> list[dict[str, Any]]:
    """Rows of the sheet in print order: lines, a subtotal per channel, the grand total.

    Each row has ``kind`` (``line``/``subtotal``/``total``), ``item``, ``unit``,
    ``quantity``, ``unit_usd``, ``total_usd``, ``total_khr`` and ``channel``;
    ``item`` and ``unit`` are in ``lang``.
    """
    rate = campaign.usd_to_khr
    by_channel = allocation.by_channel()
    rows: list[dict[str, Any]] = []
    for ch in _channel_order(allocation.budget_lines):
        for b in (b for b in allocation.budget_lines if b.channel == ch):
            rows.append(dict(kind="line", item=pick(ITEMS_KM.get(b.key, ""), b.label, lang),
                             unit=pick(UNITS_KM.get(b.unit, ""), b.unit, lang), quantity=b.quantity,
                             unit_usd=b.unit_usd, total_usd=b.total_usd, total_khr=_khr(b.total_usd, rate), channel=ch))
        en, km = CHANNELS.get(ch, (ch, ""))
        rows.append(dict(kind="subtotal", item=f"{say('subtotal', lang)}: {pick(km, en, lang)}", unit="",
                         quantity=None, unit_usd=None, total_usd=by_channel[ch], total_khr=_khr(by_channel[ch], rate),
                         channel=ch))
    rows.append(dict(kind="total", item=say("total", lang), unit="", quantity=None, unit_usd=None,
                     total_usd=allocation.planned_usd, total_khr=_khr(allocation.planned_usd, rate), channel=""))
    return rows


#: Where the sheet keeps the exchange rate: every KHR figure is a formula on this cell.
RATE_CELL = "$B$2"
_HEAD_ROW = 4


def _budget_formulas(rows: list[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    """Excel formulas ``(total_usd, total_khr)`` of each row, rows numbered from ``_HEAD_ROW + 1``.

    A line's total is quantity × unit cost, a subtotal sums its channel's lines, the grand total sums the
    subtotals (each rounded to the cent, as ``BudgetLine.total_usd``), and each KHR figure is the USD total ×
    the rate cell, rounded to whole riel.
    """
    out: list[tuple[str | None, str | None]] = []
    first_line: int | None = None
    subtotals: list[int] = []
    for i, r in enumerate(rows):
        n = _HEAD_ROW + 1 + i
        if r["kind"] == "line":
            first_line = n if first_line is None else first_line
            usd = f"=ROUND(C{n}*D{n},2)"  # to the cent, as the plan's own accounting
        elif r["kind"] == "subtotal":
            usd = f"=ROUND(SUM(E{first_line}:E{n - 1}),2)" if first_line is not None else "=0"
            subtotals.append(n)
            first_line = None
        else:
            usd = "=ROUND(" + ("+".join(f"E{k}" for k in subtotals) or "0") + ",2)"
        out.append((usd, f"=ROUND(E{n}*{RATE_CELL},0)"))
    return out


def _write_xlsx(campaign: Campaign, allocation: Allocation, rows: list[dict[str, Any]], path: Path,
                letter: list[tuple[str, str, str]], lang: Lang) -> None:
    """The sheet with live formulas: a finance officer who changes a quantity, a unit cost or the rate
    sees every total move (Excel and LibreOffice compute them on opening)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append([f"{campaign.name}: {say('title', lang)} (annex 6)"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"KHR / US$ ({say('rate', lang)})", campaign.usd_to_khr,
               f"{say('limit', lang)}: US$ {campaign.budget_usd:,.2f}"])
    ws.append([])
    ws.append([say(k, lang) for k in ("item", "unit", "quantity", "unit_usd", "total_usd", "total_khr")] + ["Channel"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for r, (usd, khr) in zip(rows, _budget_formulas(rows)):
        ws.append([r["item"], r["unit"], r["quantity"], r["unit_usd"], usd, khr, r["channel"]])
        if r["kind"] != "line":
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
                cell.fill = grey
        ws.cell(ws.max_row, 4).number_format = "#,##0.00"
        ws.cell(ws.max_row, 5).number_format = "#,##0.00"
        ws.cell(ws.max_row, 6).number_format = "#,##0"
    for col, width in zip("ABCDEFG", (40, 18, 10, 14, 14, 16, 16)):
        ws.column_dimensions[col].width = width
    _fund_request_sheet(wb, rows, letter, lang)
    if allocation.notes:
        ns = wb.create_sheet("Notes")
        for n in allocation.notes:
            ns.append([n])
    save_workbook(wb, path, campaign.calendar.start)  # same bytes on every run


def _fund_request_sheet(wb: Any, rows: list[dict[str, Any]], letter: list[tuple[str, str, str]], lang: Lang) -> None:
    """The request letter's figures; money figures are formulas on the Budget sheet's totals."""
    from openpyxl.styles import Font

    ls = wb.create_sheet("Fund request")
    ls.append([say("letter", lang), "USD", "KHR"])
    for cell in ls[1]:
        cell.font = Font(bold=True)
    for i, r in enumerate(rows):
        n = _HEAD_ROW + 1 + i
        if r["kind"] == "total":
            ls.append([say("total", lang), f"=Budget!E{n}", f"=Budget!F{n}"])
        elif r["kind"] == "subtotal":
            en, km = CHANNELS.get(r["channel"], (r["channel"], ""))
            ls.append([f"  {pick(km, en, lang)}", f"=Budget!E{n}", f"=Budget!F{n}"])
    for kind, k, v in letter:
        if kind == "figure":  # the money rows above are formulas on the Budget sheet
            ls.append([k, v])
    for row in ls.iter_rows(min_row=2, min_col=2, max_col=3):
        row[0].number_format, row[1].number_format = "#,##0.00", "#,##0"
    ls.column_dimensions["A"].width = 48
    ls.column_dimensions["B"].width = 16
    ls.column_dimensions["C"].width = 18


#: Figures of the fund-request letter beside the money: (Khmer, English) by marginal key.
_FIGURES: dict[str, tuple[str, str]] = {
    "households_reached": ("ចំនួនគ្រួសារដែលរំពឹងថានឹងទៅដល់", "Expected households reached"),
    "households_aware": ("ចំនួនគ្រួសារដែលរំពឹងថាដឹងនៅចុងបញ្ចប់", "Expected households aware at the end"),
    "new_aware": ("ចំនួនគ្រួសារដែលរំពឹងថាដឹងថ្មី", "Expected households newly aware"),
    "marginal_reach_per_100_usd": ("គ្រួសារដឹងបន្ថែម ក្នុង ១០០ ដុល្លារបន្ថែម", "Extra aware households per extra US$ 100"),
    "marginal_reach_per_volunteer": ("គ្រួសារដឹងបន្ថែម ក្នុងអ្នកស្ម័គ្រចិត្តម្នាក់បន្ថែម",
                                     "Extra aware households per extra volunteer"),
}


def _letter(campaign: Campaign, allocation: Allocation, marginal: Mapping[str, Any] | None,
            lang: Lang) -> list[tuple[str, str, str]]:
    """Rows ``(kind, label, value)`` of the fund-request block: ``money`` (totals) or ``figure`` (expected reach)."""
    rate = campaign.usd_to_khr
    total = say("total", lang)
    out = [("money", f"{total} (USD)", f"{allocation.planned_usd:,.2f}"),
           ("money", f"{total} (KHR)", f"{_khr(allocation.planned_usd, rate):,}")]
    for ch, usd in allocation.by_channel().items():
        en, km = CHANNELS.get(ch, (ch, ""))
        out.append(("money", f"  {pick(km, en, lang)} (USD / KHR)", f"{usd:,.2f} / {_khr(usd, rate):,}"))
    m = dict(marginal or {})
    for key, (km, en) in _FIGURES.items():
        if m.get(key) is not None:
            out.append(("figure", pick(km, en, lang), f"{float(m[key]):,.1f}"))
    return out


def _write_html(campaign: Campaign, allocation: Allocation, rows: list[dict[str, Any]], path: Path,
                letter: list[tuple[str, str, str]], lang: Lang) -> None:
    e = html.escape

    def num(x: Any, fmt: str) -> str:
        return "" if x is None else format(x, fmt)

    body = []
    for r in rows:
        cls = r["kind"]
        item = e(r["item"])
        body.append(
            f"<tr class={cls}><td>{item}</td><td>{e(r['unit'])}</td><td class=n>{num(r['quantity'], ',.10g')}</td>"
            f"<td class=n>{num(r['unit_usd'], ',.2f')}</td><td class=n>{r['total_usd']:,.2f}</td>"
            f"<td class=n>{r['total_khr']:,}</td></tr>")
    letter_rows = "".join(f"<tr><td>{e(k)}</td><td class=n>{e(v)}</td></tr>" for _, k, v in letter)
    notes = "".join(f"<li>{e(n)}</li>" for n in allocation.notes)
    head = "".join(f"<th>{e(say(k, lang))}</th>" for k in ("item", "unit", "quantity", "unit_usd", "total_usd",
                                                           "total_khr"))
    page = f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'km'}"><head><meta charset="utf-8">
<title>{e(say('title', lang))}: {e(campaign.name)}</title>
<style>
{khmer_font_face()}
@page {{ size: A4; margin: 15mm; }}
body {{ font-family: "OWSO Khmer", "Noto Sans Khmer", "Noto Sans", Arial, sans-serif; font-size: 10pt; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 8mm; }}
th, td {{ border: 1px solid #999; padding: 2px 5px; }}
th {{ background: #ddd; }}
td.n {{ text-align: right; white-space: nowrap; }}
tr.subtotal td {{ background: #f0f0f0; font-weight: bold; }}
tr.total td {{ background: #ddd; font-weight: bold; }}
.kh {{ font-weight: normal; color: #333; }}
</style></head><body>
<h1>{e(say('title', lang))}</h1>
<p>{e(campaign.name)}. {e(say('limit', lang))}: US$ {campaign.budget_usd:,.2f};
1 US$ = {campaign.usd_to_khr:,.0f} KHR ({e(say('rate', lang))}).</p>
<table><thead><tr>{head}</tr></thead>
<tbody>{''.join(body)}</tbody></table>
<h2>{e(say('letter', lang))}</h2>
<table><tbody>{letter_rows}</tbody></table>
{f'<h2>{e(say("notes", lang))}</h2><ul>{notes}</ul>' if notes else ''}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_budget_sheet(campaign: Campaign, allocation: Allocation, out_dir: Path | str, *,
                       marginal: Mapping[str, Any] | None = None, lang: Lang = "both") -> list[Path]:
    """Write ``budget.xlsx`` and ``budget.html`` (A4) for an allocation.

    Parameters
    ----------
    campaign : Campaign
        Name, budget limit and the KHR rate.
    allocation : Allocation
        Its budget lines are the sheet; totals equal ``planned_usd`` and ``by_channel()``.
    out_dir : Path or str
        Folder, created when missing.
    marginal : mapping, optional
        Figures for the fund-request block: ``households_reached``,
        ``households_aware``, ``new_aware``, ``marginal_reach_per_100_usd``,
        ``marginal_reach_per_volunteer`` (any subset).
    lang : {"km", "en", "both"}
        Language of the headings and item names (``both``: Khmer / English).

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = budget_rows(campaign, allocation, lang)
    letter = _letter(campaign, allocation, marginal, lang)
    xlsx, page = out / "budget.xlsx", out / "budget.html"
    _write_xlsx(campaign, allocation, rows, xlsx, letter, lang)
    _write_html(campaign, allocation, rows, page, letter, lang)
    return [xlsx, page]
