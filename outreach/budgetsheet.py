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

from .model import Allocation, BudgetLine, Campaign

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


def _channel_order(lines: tuple[BudgetLine, ...]) -> list[str]:
    seen = {b.channel for b in lines}
    return [c for c in _ORDER if c in seen] + sorted(seen - set(_ORDER))


def _khr(usd: float, rate: float) -> int:
    return int(round(usd * rate))


def budget_rows(campaign: Campaign, allocation: Allocation) -> list[dict[str, Any]]:
    """Rows of the sheet in print order: lines, a subtotal per channel, the grand total.

    Each row has ``kind`` (``line``/``subtotal``/``total``), ``item``, ``unit``,
    ``quantity``, ``unit_usd``, ``total_usd``, ``total_khr`` and ``channel``.
    """
    rate = campaign.usd_to_khr
    by_channel = allocation.by_channel()
    rows: list[dict[str, Any]] = []
    for ch in _channel_order(allocation.budget_lines):
        for b in (b for b in allocation.budget_lines if b.channel == ch):
            rows.append(dict(kind="line", item=b.label, unit=b.unit, quantity=b.quantity, unit_usd=b.unit_usd,
                             total_usd=b.total_usd, total_khr=_khr(b.total_usd, rate), channel=ch))
        en = CHANNELS.get(ch, (ch, ""))[0]
        rows.append(dict(kind="subtotal", item=f"Subtotal: {en}", unit="", quantity=None, unit_usd=None,
                         total_usd=by_channel[ch], total_khr=_khr(by_channel[ch], rate), channel=ch))
    rows.append(dict(kind="total", item="Grand total", unit="", quantity=None, unit_usd=None,
                     total_usd=allocation.planned_usd, total_khr=_khr(allocation.planned_usd, rate), channel=""))
    return rows


def _write_xlsx(campaign: Campaign, allocation: Allocation, rows: list[dict[str, Any]], path: Path,
                letter: list[tuple[str, str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append([f"{campaign.name}: awareness campaign budget (annex 6)"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Budget limit US$ {campaign.budget_usd:,.2f}; 1 US$ = {campaign.usd_to_khr:,.0f} KHR"])
    ws.append([])
    head = ["Item", "Unit", "Quantity", "Unit cost (USD)", "Total (USD)", "Total (KHR)", "Channel"]
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for r in rows:
        ws.append([r["item"], r["unit"], r["quantity"], r["unit_usd"], r["total_usd"], r["total_khr"],
                   r["channel"]])
        if r["kind"] != "line":
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
                cell.fill = grey
        ws.cell(ws.max_row, 4).number_format = "#,##0.00"
        ws.cell(ws.max_row, 5).number_format = "#,##0.00"
        ws.cell(ws.max_row, 6).number_format = "#,##0"
    for col, width in zip("ABCDEFG", (40, 18, 10, 14, 14, 16, 16)):
        ws.column_dimensions[col].width = width
    ls = wb.create_sheet("Fund request")
    ls.append(["DM-fund request letter figures"])
    ls["A1"].font = Font(bold=True)
    for k, v in letter:
        ls.append([k, v])
    ls.column_dimensions["A"].width = 48
    ls.column_dimensions["B"].width = 30
    if allocation.notes:
        ns = wb.create_sheet("Notes")
        for n in allocation.notes:
            ns.append([n])
    wb.save(path)


def _letter(campaign: Campaign, allocation: Allocation,
            marginal: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    rate = campaign.usd_to_khr
    out = [("Total requested (USD)", f"{allocation.planned_usd:,.2f}"),
           ("Total requested (KHR)", f"{_khr(allocation.planned_usd, rate):,}")]
    for ch, usd in allocation.by_channel().items():
        out.append((f"  {CHANNELS.get(ch, (ch, ''))[0]} (USD / KHR)", f"{usd:,.2f} / {_khr(usd, rate):,}"))
    m = dict(marginal or {})
    labels = {
        "households_reached": "Expected households reached",
        "households_aware": "Expected households aware at the end",
        "new_aware": "Expected households newly aware",
        "marginal_reach_per_100_usd": "Extra aware households per extra US$ 100",
        "marginal_reach_per_volunteer": "Extra aware households per extra volunteer",
    }
    for key, label in labels.items():
        if m.get(key) is not None:
            out.append((label, f"{float(m[key]):,.1f}"))
    return out


def _write_html(campaign: Campaign, allocation: Allocation, rows: list[dict[str, Any]], path: Path,
                letter: list[tuple[str, str]]) -> None:
    e = html.escape

    def num(x: Any, fmt: str) -> str:
        return "" if x is None else format(x, fmt)

    body = []
    for r in rows:
        cls = r["kind"]
        if cls == "subtotal":
            kh = CHANNELS.get(r["channel"], ("", ""))[1]
            item = f"{e(r['item'])} <span class=kh>{e(kh)}</span>"
        elif cls == "total":
            item = "Grand total <span class=kh>សរុបរួម</span>"
        else:
            item = e(r["item"])
        body.append(
            f"<tr class={cls}><td>{item}</td><td>{e(r['unit'])}</td><td class=n>{num(r['quantity'], ',.10g')}</td>"
            f"<td class=n>{num(r['unit_usd'], ',.2f')}</td><td class=n>{r['total_usd']:,.2f}</td>"
            f"<td class=n>{r['total_khr']:,}</td></tr>")
    letter_rows = "".join(f"<tr><td>{e(k)}</td><td class=n>{e(v)}</td></tr>" for k, v in letter)
    notes = "".join(f"<li>{e(n)}</li>" for n in allocation.notes)
    page = f"""<!DOCTYPE html>
<html lang="km"><head><meta charset="utf-8"><title>Budget: {e(campaign.name)}</title>
<style>
@font-face {{ font-family: "Noto Sans Khmer"; src: url("../schedules/fonts/NotoSansKhmer.ttf"); }}
@page {{ size: A4; margin: 15mm; }}
body {{ font-family: "Noto Sans Khmer", "Noto Sans", Arial, sans-serif; font-size: 10pt; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 8mm; }}
th, td {{ border: 1px solid #999; padding: 2px 5px; }}
th {{ background: #ddd; }}
td.n {{ text-align: right; white-space: nowrap; }}
tr.subtotal td {{ background: #f0f0f0; font-weight: bold; }}
tr.total td {{ background: #ddd; font-weight: bold; }}
.kh {{ font-weight: normal; color: #333; }}
</style></head><body>
<h1>ថវិកាយុទ្ធនាការផ្សព្វផ្សាយ / Awareness campaign budget</h1>
<p>{e(campaign.name)}. Budget limit US$ {campaign.budget_usd:,.2f}; 1 US$ = {campaign.usd_to_khr:,.0f} KHR
(ប្តូរប្រាក់ / exchange rate).</p>
<table><thead><tr><th>មុខចំណាយ / Item</th><th>ឯកតា / Unit</th><th>បរិមាណ / Quantity</th>
<th>តម្លៃឯកតា / Unit cost (USD)</th><th>សរុប / Total (USD)</th><th>សរុប / Total (KHR)</th></tr></thead>
<tbody>{''.join(body)}</tbody></table>
<h2>តួលេខសម្រាប់លិខិតស្នើសុំមូលនិធិ / DM-fund request letter figures</h2>
<table><tbody>{letter_rows}</tbody></table>
{f'<h2>កំណត់សម្គាល់ / Notes</h2><ul>{notes}</ul>' if notes else ''}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_budget_sheet(campaign: Campaign, allocation: Allocation, out_dir: Path | str, *,
                       marginal: Mapping[str, Any] | None = None) -> list[Path]:
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

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = budget_rows(campaign, allocation)
    letter = _letter(campaign, allocation, marginal)
    xlsx, page = out / "budget.xlsx", out / "budget.html"
    _write_xlsx(campaign, allocation, rows, xlsx, letter)
    _write_html(campaign, allocation, rows, page, letter)
    return [xlsx, page]
