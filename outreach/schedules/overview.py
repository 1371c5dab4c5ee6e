"""The coordinator's weekly overview: every pair's week on one A4 landscape page.

Rows are the pairs, columns the seven days of the campaign week; a cell lists
the pair's outings that day (slot, villages, doors planned). The page is
sized to fit one printed sheet: the font shrinks with the number of text lines
the busiest week needs (:func:`font_pt`), so a large roster still prints on one
page rather than spilling onto a second the coordinator might not pin up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..model import Campaign, Outing, Roster, Volunteer
from .common import SLOT_KH, SLOT_START, Lang, css, date_label, template_env

#: Printable height of an A4 landscape page with the overview's 10 mm margins, in millimetres.
PRINT_HEIGHT_MM = 210.0 - 20.0
#: Text lines the title, header, footer and legend take besides the pairs' rows.
_FRAME_LINES = 12
#: Line height of the overview's text, as a multiple of the font size (Khmer marks need room above and below).
LINE_HEIGHT = 1.3
_PT_MM = 25.4 / 72.0
#: Largest and smallest font of the grid, in points: below 4.5 pt a printed name can no longer be read.
MAX_PT, MIN_PT = 8.5, 4.5


def _village_name(v: Any, lang: Lang) -> str:
    return {"km": v.name_kh, "en": v.name_en, "both": f"{v.name_kh} {v.name_en}"}[lang]


def _slot_short(slot: str, lang: Lang) -> str:
    t = f"{SLOT_START[slot]:%H:%M}"
    return {"km": f"{SLOT_KH[slot]} {t}", "en": f"{slot} {t}", "both": f"{SLOT_KH[slot]} {slot} {t}"}[lang]


def _cell(campaign: Campaign, outs: Sequence[Outing], lang: Lang) -> list[dict[str, Any]]:
    vb = campaign.geography.village_by_code
    return [{"slot": _slot_short(o.slot, lang), "callback": o.kind == "callback",
             "visits": [{"name": _village_name(vb[c], lang), "code": c, "doors": n} for c, n in o.visits]}
            for o in outs]


def _cell_lines(cell: Sequence[Mapping[str, Any]], lang: Lang) -> int:
    """Text lines a cell needs: a slot line per outing, then a line per village (two when names are in both)."""
    per_village = 2 if lang == "both" else 1
    return sum(1 + per_village * len(o["visits"]) for o in cell)


def week_overview(campaign: Campaign, roster: Roster, members: Mapping[str, Sequence[Volunteer]],
                  by_pair_week: Mapping[tuple[str, int], Sequence[Outing]], week: int, lang: Lang) -> dict[str, Any]:
    """Everything one overview page shows for 0-based ``week``: days, a row per pair, totals."""
    start = campaign.calendar.start + dt.timedelta(days=7 * week)
    days = [start + dt.timedelta(days=i) for i in range(7)]
    rows = []
    for p in roster.pairs:
        outs = by_pair_week.get((p.id, week), [])
        cells = [_cell(campaign, [o for o in outs if o.date == d], lang) for d in days]
        rows.append({"id": p.id, "members": " + ".join(m.name for m in members.get(p.id, [])), "cells": cells,
                     "doors": sum(o.households for o in outs), "outings": len(outs),
                     "villages": len({c for o in outs for c, _ in o.visits}),
                     "lines": max([2, *(_cell_lines(c, lang) for c in cells)])})
    all_outs = [o for p in roster.pairs for o in by_pair_week.get((p.id, week), [])]
    columns = [{"label": date_label(d, lang), "holiday": campaign.calendar.holidays.get(d, ""),
                "doors": sum(o.households for o in all_outs if o.date == d),
                "outings": sum(1 for o in all_outs if o.date == d)} for d in days]
    return {"no": week + 1, "start": start.isoformat(), "end": days[-1].isoformat(), "rows": rows,
            "columns": columns, "doors": sum(o.households for o in all_outs), "outings": len(all_outs),
            "villages": len({c for o in all_outs for c, _ in o.visits}),
            "callbacks": sum(1 for o in all_outs if o.kind == "callback")}


def font_pt(weeks: Sequence[Mapping[str, Any]]) -> float:
    """One font size for every page: the largest (up to :data:`MAX_PT`) at which the busiest week fits A4.

    ``sum(row lines) + frame lines`` lines of ``LINE_HEIGHT × size`` must fit
    :data:`PRINT_HEIGHT_MM`; the size is rounded down to a tenth of a point.
    """
    lines = max((sum(r["lines"] for r in wk["rows"]) for wk in weeks), default=0) + _FRAME_LINES
    fit = PRINT_HEIGHT_MM / (lines * LINE_HEIGHT * _PT_MM)
    return max(MIN_PT, min(MAX_PT, int(fit * 10) / 10))


def _overview(campaign: Campaign, roster: Roster, members: Mapping[str, Sequence[Volunteer]],
              by_pair_week: Mapping[tuple[str, int], Sequence[Outing]], *, L: Mapping[str, str], lang: Lang,
              coordinator: str) -> tuple[Template, list[dict[str, Any]], dict[str, Any]]:
    """The overview's template, its weeks and what every page shares (the base stylesheet left out)."""
    weeks = [week_overview(campaign, roster, members, by_pair_week, w, lang) for w in range(campaign.calendar.weeks)]
    common = dict(campaign_name=campaign.name, L=L, lang=lang, coordinator=coordinator, pt=font_pt(weeks),
                  line_height=LINE_HEIGHT, pairs=len(roster.pairs))
    return template_env().get_template("week_overview.html.j2"), weeks, common


def overview_pdf_html(campaign: Campaign, roster: Roster, members: Mapping[str, Sequence[Volunteer]],
                      by_pair_week: Mapping[tuple[str, int], Sequence[Outing]], *, L: Mapping[str, str], lang: Lang,
                      coordinator: str) -> str:
    """The html of ``overview.pdf``: a page per week, without the base stylesheet (the PDF renderer adds it:
    :func:`outreach.schedules.pdf.render_pdf`)."""
    template, weeks, common = _overview(campaign, roster, members, by_pair_week, L=L, lang=lang,
                                        coordinator=coordinator)
    return template.render(weeks=weeks, css=css(embed_font=False), **common)


def write_overviews(campaign: Campaign, roster: Roster, members: Mapping[str, Sequence[Volunteer]],
                    by_pair_week: Mapping[tuple[str, int], Sequence[Outing]], out_dir: Path, *,
                    L: Mapping[str, str], lang: Lang, coordinator: str) -> list[Path]:
    """Write ``overview-week-NN.html`` per campaign week (the Khmer font embedded); return them.

    The PDF of all weeks is :func:`overview_pdf_html`, rendered with the other PDFs.
    """
    template, weeks, common = _overview(campaign, roster, members, by_pair_week, L=L, lang=lang,
                                        coordinator=coordinator)
    style = css()
    written = []
    for wk in weeks:
        path = out_dir / f"overview-week-{wk['no']:02d}.html"
        path.write_text(template.render(weeks=[wk], css=style, **common), encoding="utf-8")
        written.append(path)
    return written
