"""Schedules for people: printable A4 sheets (HTML + PDF), overview, XLSX, CSV, ICS, Telegram text.

Layout of ``out_dir``::

    index.html            coordinator overview, weeks × pairs
    overview-week-01.html ... one A4 landscape page per week: every pair × day, villages, doors planned
    overview.pdf          the same, a page per week
    schedule.xlsx         one sheet per week (and a "Pairs" sheet)
    schedule.csv          one row per village visit (UTF-8 with BOM for Excel)
    P01/week-01.html ...  one A4 sheet per week (Khmer font embedded: it travels alone)
    P01/P01.pdf           every week of the pair, a page per week (Khmer font embedded)
    P01/P01.ics           one VEVENT per outing (RFC 5545)
    P01/telegram-week-01.txt ... and telegram.txt (all weeks)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence, TypedDict

from jinja2 import Template
from markupsafe import Markup

from ..model import SLOTS, Campaign, Outing, Pair, Roster, Volunteer
from ..turfmap import turf_key, turf_svg
from ..xlsxfile import save_workbook
from .common import SLOT_START, UTC_OFFSET_H, Lang, css, date_label, labels, slot_label, template_env
from .overview import overview_pdf_html, write_overviews
from .pdf import PdfDoc, PendingPdfs, write_pdfs


def _leaflets(campaign: Campaign, households: int) -> int:
    # one per listed household (the pair cannot know who is home) plus the spare share; the rest comes back
    return int(math.ceil(households * (1 + campaign.params["leaflet.spare_share"])))


def leaflets_for(campaign: Campaign, outing: Outing) -> int:
    """Leaflets to carry: one per listed household plus ``leaflet.spare_share``."""
    return _leaflets(campaign, outing.households)


def _members(campaign: Campaign, roster: Roster) -> dict[str, list[Volunteer]]:
    """Each pair's volunteers (members missing from the campaign left out)."""
    vols = {v.id: v for v in campaign.volunteers}
    return {p.id: [vols[m] for m in p.members if m in vols] for p in roster.pairs}


def _by_pair_week(campaign: Campaign, roster: Roster) -> dict[tuple[str, int], list[Outing]]:
    out: dict[tuple[str, int], list[Outing]] = defaultdict(list)
    for o in roster.outings:
        out[(o.pair_id, campaign.calendar.week_of(o.date))].append(o)
    for v in out.values():
        v.sort(key=lambda o: (o.date, SLOTS.index(o.slot)))
    return out


def _week_data(campaign: Campaign, outs: Sequence[Outing], w: int, lang: Lang) -> dict[str, Any]:
    geo = campaign.geography
    start = campaign.calendar.start + dt.timedelta(days=7 * w)
    end = start + dt.timedelta(days=6)
    rows = []
    hh = leaf = 0
    villages: set[str] = set()
    for o in outs:
        visits = []
        for code, n in o.visits:
            v = geo.village_by_code[code]
            s = geo.sangkat_by_code.get(v.sangkat_code)
            lf = _leaflets(campaign, n)
            visits.append({"code": code, "name_kh": v.name_kh, "name_en": v.name_en,
                           "sangkat_kh": s.name_kh if s else "", "sangkat_en": s.name_en if s else "",
                           "households": n, "leaflets": lf})
            hh += n
            leaf += lf
            if o.kind == "round":
                villages.add(code)
        rows.append({"date_label": date_label(o.date, lang), "slot_label": slot_label(o.slot, lang),
                     "kind": o.kind, "visits": visits})
    hol = [(d.isoformat(), n) for d, n in sorted(campaign.calendar.holidays.items()) if start <= d <= end]
    return {"no": w + 1, "start": start.isoformat(), "end": end.isoformat(), "holidays": hol, "outings": rows,
            "households": hh, "leaflets": leaf, "booklets": len(villages),
            "callbacks": sum(1 for o in outs if o.kind == "callback")}


def _add_turf_maps(campaign: Campaign, pair: Pair, weeks: Sequence[dict[str, Any]], lang: Lang) -> None:
    """Give each week a map of the pair's villages (:func:`outreach.turfmap.turf_svg`), this week's filled."""
    codes = {*pair.villages, *(v["code"] for wk in weeks for o in wk["outings"] for v in o["visits"])}
    key = turf_key(campaign.geography, codes, lang)
    for wk in weeks:
        here = {v["code"] for o in wk["outings"] for v in o["visits"]}
        wk["turf"] = Markup(turf_svg(campaign.geography, codes, here, lang=lang))
        wk["turf_key"] = key


#: Printed on every sheet when the scenario names no coordinator.
DEFAULT_COORDINATOR = "District working group volunteer coordinator"


@dataclass(frozen=True)
class _Sheets:
    """What every pair's weekly sheets share: the template, the values it is rendered with, who is in each pair
    and each pair's outings by week."""

    template: Template
    common: dict[str, Any]
    members: dict[str, list[Volunteer]]
    by_pair_week: dict[tuple[str, int], list[Outing]]


def _sheets(campaign: Campaign, roster: Roster, lang: Lang, coordinator: str) -> _Sheets:
    common = dict(campaign_name=campaign.name, coordinator=coordinator or DEFAULT_COORDINATOR, lang=lang,
                  L=labels(lang), show_km=lang in ("km", "both"), show_en=lang in ("en", "both"),
                  scenario_file=Path(campaign.source_file).name, synthetic=campaign.geography.synthetic_positions)
    return _Sheets(template_env().get_template("weekly_schedule.html.j2"), common, _members(campaign, roster),
                   _by_pair_week(campaign, roster))


def _pair_weeks(campaign: Campaign, sheets: _Sheets, pair: Pair) -> list[dict[str, Any]]:
    """Every campaign week of ``pair``, with its turf map."""
    lang = sheets.common["lang"]
    weeks = [_week_data(campaign, sheets.by_pair_week.get((pair.id, w), []), w, lang)
             for w in range(campaign.calendar.weeks)]
    _add_turf_maps(campaign, pair, weeks, lang)
    return weeks


def _pair_pdf(sheets: _Sheets, pair: Pair, weeks: Sequence[dict[str, Any]]) -> PdfDoc:
    """The pair's PDF document: every week, a page each; the base stylesheet is added when rendered."""
    html = sheets.template.render(css=css(embed_font=False), pair=pair, members=sheets.members[pair.id], weeks=weeks,
                                  title=pair.id, **sheets.common)
    return f"{pair.id}/{pair.id}.pdf", html


def schedule_pdfs(campaign: Campaign, roster: Roster, *, lang: Lang = "both", coordinator: str = "") -> list[PdfDoc]:
    """The PDFs :func:`write_schedules` writes, as ``(name, html)``: one per pair, then the overview.

    For rendering them before the outputs are written (:func:`outreach.schedules.pdf.render_ahead`); the
    html is what :func:`write_schedules` renders for the same arguments, so the bytes are taken from there.
    """
    sheets = _sheets(campaign, roster, lang, coordinator)  # an unknown lang raises here (labels)
    docs = [_pair_pdf(sheets, p, _pair_weeks(campaign, sheets, p)) for p in roster.pairs]
    return docs + [_overview_pdf(campaign, roster, sheets)]


def _overview_pdf(campaign: Campaign, roster: Roster, sheets: _Sheets) -> PdfDoc:
    c = sheets.common
    return "overview.pdf", overview_pdf_html(campaign, roster, sheets.members, sheets.by_pair_week, L=c["L"],
                                             lang=c["lang"], coordinator=c["coordinator"])


def write_schedules(campaign: Campaign, roster: Roster, out_dir: Path, *, lang: Lang = "both",
                    coordinator: str = "", pdf: bool = True, ahead: PendingPdfs | None = None) -> list[Path]:
    """Write every schedule output for the volunteer pairs into ``out_dir``.

    Parameters
    ----------
    campaign : Campaign
        Names, dates, holidays and parameters.
    roster : Roster
        Pairs and outings (from :func:`optimizer.roster.plan_roster` or :func:`replan`).
    out_dir : Path
        Created if missing (callers pass a folder inside an atomic output dir).
    lang : {"km", "en", "both"}
        Label language of sheets, overview and Telegram messages.
    coordinator : str
        Name and phone printed on every sheet.
    pdf : bool
        Also write one multi-page PDF per pair and the overview's (WeasyPrint).
    ahead : PendingPdfs, optional
        PDFs already being rendered (:func:`schedule_pdfs` → :func:`outreach.schedules.pdf.render_ahead`):
        a document's bytes are taken when its html is the one written here. Closed either way.

    Returns
    -------
    list of Path
        Every file written.

    Raises
    ------
    InputError
        When ``lang`` is not one of km, en, both.
    """
    try:
        sheets = _sheets(campaign, roster, lang, coordinator)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written, docs = _write_pair_files(campaign, roster, sheets, out_dir, pdf=pdf)
        c = sheets.common
        written += write_overviews(campaign, roster, sheets.members, sheets.by_pair_week, out_dir, L=c["L"],
                                   lang=lang, coordinator=c["coordinator"])
        if pdf:
            written += write_pdfs(docs + [_overview_pdf(campaign, roster, sheets)], out_dir, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()
    written.append(_write_csv(campaign, roster, sheets.members, out_dir / "schedule.csv"))
    written.append(write_xlsx(campaign, roster, out_dir / "schedule.xlsx", lang=lang))
    written.append(_write_index(campaign, roster, sheets.members, sheets.by_pair_week, out_dir, c["L"], lang))
    return written


def _write_pair_files(campaign: Campaign, roster: Roster, sheets: _Sheets, out_dir: Path, *, pdf: bool
                      ) -> tuple[list[Path], list[PdfDoc]]:
    """Each pair's weekly sheets, calendar and Telegram messages; with ``pdf``, its PDF document (not yet
    rendered)."""
    style = css()
    c = sheets.common
    written: list[Path] = []
    docs: list[PdfDoc] = []
    for p in roster.pairs:
        pdir = out_dir / p.id
        pdir.mkdir(exist_ok=True)
        weeks = _pair_weeks(campaign, sheets, p)
        for wk in weeks:
            html = sheets.template.render(css=style, pair=p, members=sheets.members[p.id], weeks=[wk],
                                          title=f"{c['L']['week']} {wk['no']}", **c)
            path = pdir / f"week-{wk['no']:02d}.html"
            path.write_text(html, encoding="utf-8")
            written.append(path)
        if pdf:
            docs.append(_pair_pdf(sheets, p, weeks))
        written.append(write_ics(campaign, roster, p.id, pdir / f"{p.id}.ics"))
        written += _write_telegram(campaign, p.id, sheets.members[p.id], sheets.by_pair_week, pdir, c["lang"],
                                   c["coordinator"])
    return written, docs


# --------------------------------------------------------------------------- ICS
def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    cur = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(cur)
            cur, size, limit = " ", 1, 75  # continuation lines start with one space
        cur += ch
        size += n
    out.append(cur)
    return "\r\n".join(out)


def _utc(day: dt.date, t: dt.time) -> str:
    local = dt.datetime.combine(day, t)
    return (local - dt.timedelta(hours=UTC_OFFSET_H)).strftime("%Y%m%dT%H%M%SZ")


def ics_text(campaign: Campaign, roster: Roster, pair_id: str) -> str:
    """An RFC 5545 calendar with one VEVENT per outing of ``pair_id`` (times in UTC)."""
    geo = campaign.geography
    hours = float(campaign.params.get("canvass.shift_hours", 3.5))
    stamp = dt.datetime.combine(campaign.calendar.start, dt.time()).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//owso-outreach//volunteer roster//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_escape(pair_id + ' ' + campaign.name)}"]
    for o in sorted((o for o in roster.outings if o.pair_id == pair_id), key=lambda o: (o.date, SLOTS.index(o.slot))):
        start = SLOT_START[o.slot]
        end = (dt.datetime.combine(o.date, start) + dt.timedelta(hours=hours)).time()
        names = ", ".join(f"{geo.village_by_code[c].name_en} ({n})" for c, n in o.visits)
        kind = "Callback" if o.kind == "callback" else "Door-to-door"
        desc = "\n".join(f"{geo.village_by_code[c].name_kh} {geo.village_by_code[c].name_en} {c}: {n} households"
                         for c, n in o.visits) + f"\nLeaflets: {leaflets_for(campaign, o)}"
        lines += ["BEGIN:VEVENT", f"UID:{pair_id}-{o.date:%Y%m%d}-{o.slot}-{o.kind}@owso-outreach",
                  f"DTSTAMP:{stamp}", f"DTSTART:{_utc(o.date, start)}", f"DTEND:{_utc(o.date, end)}",
                  f"SUMMARY:{_ics_escape(f'{kind} {pair_id}: {names}')}",
                  f"DESCRIPTION:{_ics_escape(desc)}",
                  f"LOCATION:{_ics_escape(', '.join(geo.village_by_code[c].name_en for c, _ in o.visits))}",
                  f"CATEGORIES:{o.kind.upper()}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(x) + "\r\n" for x in lines)


def write_ics(campaign: Campaign, roster: Roster, pair_id: str, path: Path) -> Path:
    """Write :func:`ics_text` to ``path`` (CRLF line ends kept)."""
    path.write_bytes(ics_text(campaign, roster, pair_id).encode("utf-8"))
    return path


# --------------------------------------------------------------------------- Telegram
def telegram_message(campaign: Campaign, pair_id: str, members: Sequence[Any], outs: Sequence[Outing], week: int,
                     *, lang: Lang = "both", coordinator: str = "") -> str:
    """A short plain-text message for the working group's Telegram chat: one pair, one week."""
    L = labels(lang)
    geo = campaign.geography
    start = campaign.calendar.start + dt.timedelta(days=7 * week)
    end = start + dt.timedelta(days=6)
    head = f"{pair_id} · {L['week']} {week + 1} ({start:%d %b} – {end:%d %b})"
    lines = [head, " + ".join(m.name for m in members)]
    if not outs:
        lines.append(L["none"])
    for o in outs:
        def name(c: str) -> str:
            v = geo.village_by_code[c]
            return {"km": v.name_kh, "en": v.name_en, "both": f"{v.name_kh} {v.name_en}"}[lang]

        places = ", ".join(f"{name(c)} {n}" for c, n in o.visits)
        tag = f" [{L['callback']}]" if o.kind == "callback" else ""
        lines.append(f"- {date_label(o.date, lang)}, {slot_label(o.slot, lang)}{tag}: {places}")
    if outs:
        lines.append(f"{L['leaflets']}: {sum(leaflets_for(campaign, o) for o in outs)}")
    if coordinator:
        lines.append(f"{L['coordinator']}: {coordinator}")
    return "\n".join(lines) + "\n"


def _write_telegram(campaign: Campaign, pair_id: str, members: Sequence[Any],
                    bpw: dict[tuple[str, int], list[Outing]], pdir: Path, lang: Lang, coordinator: str) -> list[Path]:
    msgs = []
    paths = []
    for w in range(campaign.calendar.weeks):
        msg = telegram_message(campaign, pair_id, members, bpw.get((pair_id, w), []), w, lang=lang,
                               coordinator=coordinator)
        p = pdir / f"telegram-week-{w + 1:02d}.txt"
        p.write_text(msg, encoding="utf-8")
        paths.append(p)
        msgs.append(msg)
    allp = pdir / "telegram.txt"
    allp.write_text("\n".join(msgs), encoding="utf-8")
    return paths + [allp]


# --------------------------------------------------------------------------- tables
_COLUMNS = ["pair", "members", "week", "date", "slot", "kind", "village_code", "village_en", "village_kh",
            "sangkat_en", "households", "leaflets"]


def _rows(campaign: Campaign, roster: Roster, members: dict[str, list[Any]]) -> list[list[Any]]:
    geo = campaign.geography
    rows = []
    for o in sorted(roster.outings, key=lambda o: (o.date, o.pair_id, SLOTS.index(o.slot))):
        for code, n in o.visits:
            v = geo.village_by_code[code]
            s = geo.sangkat_by_code.get(v.sangkat_code)
            rows.append([o.pair_id, " + ".join(m.name for m in members.get(o.pair_id, [])),
                         campaign.calendar.week_of(o.date) + 1, o.date.isoformat(), o.slot, o.kind, code,
                         v.name_en, v.name_kh, s.name_en if s else "", n, _leaflets(campaign, n)])
    return rows


def _write_csv(campaign: Campaign, roster: Roster, members: dict[str, list[Any]], path: Path) -> Path:
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(_COLUMNS)
    wr.writerows(_rows(campaign, roster, members))
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")  # BOM: Excel shows Khmer
    return path


def write_xlsx(campaign: Campaign, roster: Roster, path: Path, *, lang: Lang = "both") -> Path:
    """One workbook: a "Pairs" sheet, then a sheet per campaign week (one row per village visit)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    members = _members(campaign, roster)
    wb = Workbook()
    ws = wb.active
    ws.title = "Pairs"
    ws.append(["pair", "members", "phones", "villages", "outings", "callbacks", "households"])
    for p in roster.pairs:
        outs = [o for o in roster.outings if o.pair_id == p.id]
        ws.append([p.id, " + ".join(m.name for m in members[p.id]),
                   " / ".join(m.phone for m in members[p.id] if m.phone), " ".join(p.villages), len(outs),
                   sum(o.kind == "callback" for o in outs), sum(o.households for o in outs)])
    rows = _rows(campaign, roster, members)
    for w in range(campaign.calendar.weeks):
        sh = wb.create_sheet(f"Week {w + 1:02d}")
        sh.append(_COLUMNS)
        for r in rows:
            if r[2] == w + 1:
                sh.append(r)
    for sh in wb.worksheets:
        for c in sh[1]:
            c.font = Font(bold=True)
        sh.freeze_panes = "A2"
        for col, width in zip("ABCDEFGHIJKL", (6, 28, 6, 11, 10, 9, 11, 18, 18, 16, 10, 9)):
            sh.column_dimensions[col].width = width
    save_workbook(wb, path, campaign.calendar.start)  # same bytes on every run
    return path


class _Cell(TypedDict):
    """One pair-week of the overview."""

    outings: int
    households: int
    href: str


def _write_index(campaign: Campaign, roster: Roster, members: dict[str, list[Any]],
                 bpw: dict[tuple[str, int], list[Outing]], out_dir: Path, L: dict[str, str],
                 lang: Lang) -> Path:
    geo = campaign.geography
    pairs = []
    for p in roster.pairs:
        cells: list[_Cell] = []
        for w in range(campaign.calendar.weeks):
            outs = bpw.get((p.id, w), [])
            cells.append({"outings": len(outs), "households": sum(o.households for o in outs),
                          "href": f"{p.id}/week-{w + 1:02d}.html"})
        sangkats = sorted({geo.village_by_code[c].sangkat_code for c in p.villages})
        turf = ", ".join(geo.sangkat_by_code[s].name_en for s in sangkats if s in geo.sangkat_by_code)
        # a pair without outings shows why (the roster's note about it)
        why = next((n for n in roster.notes if n.startswith(f"{p.id} has no outing")), "")
        pairs.append({"id": p.id, "members": " + ".join(m.name for m in members[p.id]), "cells": cells,
                      "turf": f"{len(p.villages)} villages: {turf}" if p.villages else "", "why": why,
                      "outings": sum(c["outings"] for c in cells), "households": sum(c["households"] for c in cells)})
    html = template_env().get_template("schedule_index.html.j2").render(
        css=css(), campaign_name=campaign.name, start=campaign.calendar.start.isoformat(),
        end=campaign.calendar.end.isoformat(), pairs=pairs, weeks=range(1, campaign.calendar.weeks + 1),
        outings=len(roster.outings), callbacks=sum(o.kind == "callback" for o in roster.outings),
        status=roster.status, unmet=roster.unmet_households, notes=roster.notes, L=L, lang=lang)
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
