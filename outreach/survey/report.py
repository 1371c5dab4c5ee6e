"""Survey report: a short offline HTML page with inline SVG charts, ``priorities.csv`` and the import report.

CSV files are written as UTF-8 with a byte-order mark so that Excel shows Khmer names.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..fonts import khmer_font_face
from ..model import Estimate, Geography, Priorities
from .estimate import SurveyResult
from .importer import ImportReport, SurveyData
from .questionnaire import DEFAULT_QUESTIONNAIRE

CSV_ENCODING = "utf-8-sig"
_CHANNEL_LABEL = {c.name: c.label_en for c in DEFAULT_QUESTIONNAIRE.choices["channel"]}
GROUP_LABELS = {"sex=F": "Women", "sex=M": "Men", "type=household": "Households", "type=business": "Businesses"}

REPORT_CSS = """
body { font-family: "OWSO Khmer", "Noto Sans Khmer", "Noto Sans", "Segoe UI", sans-serif; font-size: 14px; color: #222;
       max-width: 980px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child, td.l { text-align: left; }
.note { color: #555; font-size: 12px; } .flag { color: #a35c00; }
svg text { font-family: "OWSO Khmer", "Noto Sans Khmer", "Noto Sans", sans-serif; font-size: 12px; }
@media print { body { margin: 0; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
"""


def pct(x: float | None, digits: int = 0) -> str:
    """A proportion as ``"69 %"``; a dash when unknown."""
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f} %"


def svg_bars(
    rows: Sequence[tuple[str, Estimate]], *, title: str = "", width: int = 620, target: float | None = None
) -> str:
    """Horizontal bar chart of proportions with 90 % interval whiskers, as inline SVG.

    Parameters
    ----------
    rows : sequence of (label, Estimate)
        One bar per row; NaN estimates are drawn empty.
    title : str, optional
        Accessible title of the chart.
    width : int, optional
        Pixel width.
    target : float, optional
        Draws a dashed vertical line at this proportion.

    Returns
    -------
    str
        An ``<svg>`` element (no scripts, no external resources).
    """
    e = html.escape
    left, right, bar_h, gap, top = 190, 70, 16, 7, 8
    plot_w = width - left - right
    height = top + len(rows) * (bar_h + gap) + 22
    x = lambda p: left + plot_w * max(0.0, min(1.0, p))  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img"><title>{e(title)}</title>']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 4}" y2="{height - 18}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 4}" text-anchor="middle" fill="#666">'
                     f"{int(tick * 100)}%</text>")
    for i, (label, est) in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(f'<text x="{left - 6}" y="{y + bar_h - 4}" text-anchor="end">{e(label)}</text>')
        if est.mean is None or math.isnan(est.mean):
            parts.append(f'<text x="{left + 4}" y="{y + bar_h - 4}" fill="#999">no data</text>')
            continue
        parts.append(f'<rect x="{left}" y="{y}" width="{x(est.mean) - left:.1f}" height="{bar_h}" fill="#3b7dbf"/>')
        if not math.isnan(est.lo):
            yc = y + bar_h / 2
            parts.append(f'<line x1="{x(est.lo):.1f}" x2="{x(est.hi):.1f}" y1="{yc}" y2="{yc}" stroke="#111" '
                         'stroke-width="1.5"/>')
            for p in (est.lo, est.hi):
                parts.append(f'<line x1="{x(p):.1f}" x2="{x(p):.1f}" y1="{y + 3}" y2="{y + bar_h - 3}" '
                             'stroke="#111" stroke-width="1.5"/>')
        parts.append(f'<text x="{width - right + 6}" y="{y + bar_h - 4}">{pct(est.mean)}</text>')
    if target is not None:
        parts.append(f'<line x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{top - 4}" y2="{height - 18}" '
                     'stroke="#c0392b" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return "".join(parts)


def priorities_frame(priorities: Priorities, geography: Geography) -> pd.DataFrame:
    """One row per village, highest score first (the content of ``priorities.csv``)."""
    rows = []
    for v in geography.villages:
        p = priorities.by_village.get(v.code)
        if p is None:
            continue
        a, o, u = p.awareness_owso, p.awareness_ombudsman, p.unaware_households
        rows.append({
            "village_code": v.code, "sangkat_code": v.sangkat_code, "name_en": v.name_en, "name_kh": v.name_kh,
            "households": v.households, "respondents": a.n,
            "awareness_owso_mean": a.mean, "awareness_owso_lo": a.lo, "awareness_owso_hi": a.hi,
            "awareness_ombudsman_mean": o.mean, "awareness_ombudsman_lo": o.lo, "awareness_ombudsman_hi": o.hi,
            "unaware_households_mean": u.mean, "unaware_households_lo": u.lo, "unaware_households_hi": u.hi,
            "score": p.score, "source": p.source,
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values(["score", "village_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df.round({c: 4 for c in df.columns if "awareness" in c}).round(
        {c: 1 for c in df.columns if c.startswith("unaware") or c == "score"})


def write_import_report(report: ImportReport, out_dir: str | Path) -> dict[str, Path]:
    """Write ``import_report.csv`` (dropped rows) and ``import_report.txt`` (summary)."""
    out = Path(out_dir)
    csv = out / "import_report.csv"
    report.to_frame().to_csv(csv, index=False, encoding=CSV_ENCODING)
    txt = out / "import_report.txt"
    txt.write_text(report.to_text(), encoding="utf-8")
    return {"import_report_csv": csv, "import_report_txt": txt}


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain HTML table; ``header`` is escaped here, cells must be HTML already."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ci(est: Estimate) -> str:
    return f"{pct(est.mean)} ({pct(est.lo)}–{pct(est.hi)})"


def _headline(result: SurveyResult | None, priorities: Priorities) -> list[str]:
    """Respondents, overall awareness and dropped rows (or the no-survey assumption)."""
    e = html.escape
    if result is None:
        return [f"<p>No survey: priorities rest on an assumption. {e(priorities.method)}.</p>"]
    ov = result.overall
    omb = ov.get("ombudsman")
    out = [
        f"<p>{result.respondents:,} respondents. Aware of the OWSO: <b>{_ci(ov['owso'])}</b>"
        + (f"; of the Ombudsman: <b>{_ci(omb)}</b>" if omb is not None else "")
        + ". Figures are household-weighted; brackets give 90 % intervals.</p>"
    ]
    if result.import_report is not None and result.import_report.rows_dropped:
        r = result.import_report
        out.append(f'<p class="flag">{r.rows_dropped} of {r.rows_read} rows were dropped '
                   "(see import_report.csv): " + e("; ".join(f"{k} ({v})" for k, v in r.reason_counts().items()))
                   + "</p>")
    return out


def _sangkat_section(result: SurveyResult | None, priorities: Priorities, geography: Geography) -> list[str]:
    """Awareness by sangkat: chart and table with targets."""
    e = html.escape
    sk = geography.sangkat_by_code
    out = ["<h2>Awareness of the OWSO by sangkat</h2>"]
    rows = [(f"{sk[c].name_en}" if c in sk else c, est) for c, est in priorities.by_sangkat.items()]
    out.append(svg_bars(rows, title="Awareness of the OWSO by sangkat"))
    trs = []
    for c, est in priorities.by_sangkat.items():
        t = priorities.targets.get(c)
        s = sk.get(c)
        omb_s = result.sangkat.get("ombudsman", {}).get(c) if result is not None else None
        trs.append([
            e(c), f'<span class="l">{e(s.name_en) if s else ""} {e(s.name_kh) if s else ""}</span>',
            str(est.n), _ci(est), _ci(omb_s) if omb_s else "–",
            pct(t.target_awareness) if t else "–", str(t.loudspeaker_passes) if t else "–",
        ])
    out.append(html_table(["Sangkat", "Name", "Respondents", "Knows OWSO", "Knows Ombudsman", "Target",
                       "Loudspeaker passes"], trs))
    return out


def _group_section(result: SurveyResult) -> list[str]:
    """Awareness by sex and respondent type, and where the aware heard of the offices."""
    e = html.escape
    groups = result.groups.get("owso", {})
    out = ["<h2>By sex and respondent type</h2>"]
    out.append(svg_bars([(GROUP_LABELS.get(k, k), g) for k, g in groups.items()], title="Awareness by group"))
    omb_g = result.groups.get("ombudsman", {})
    out.append(html_table(["Group", "Respondents", "Knows OWSO", "Knows Ombudsman"], [
        [e(GROUP_LABELS.get(k, k)), str(g.n), _ci(g), _ci(omb_g[k]) if k in omb_g else "–"]
        for k, g in groups.items()
    ]))
    base = max((c.n for c in result.channels.values()), default=0)
    out.append(f"<h2>Where the aware heard of it</h2><p class=\"note\">Share of {base:,} respondents aware "
               "of either office who answered; several answers allowed.</p>")
    ch = sorted(result.channels.items(), key=lambda kv: -(kv[1].mean if not math.isnan(kv[1].mean) else -1))
    out.append(svg_bars([(_CHANNEL_LABEL.get(c, c), est) for c, est in ch], title="Channels"))
    return out


def _village_section(priorities: Priorities, geography: Geography, top: int) -> list[str]:
    """The ``top`` villages to visit first, and how many villages had no answers."""
    e = html.escape
    out = [f"<h2>Villages to visit first (top {top})</h2>"]
    df = priorities_frame(priorities, geography).head(top)
    trs = []
    for r in df.itertuples():
        flag = "" if r.source == "village" else f' <span class="flag">({e(r.source)} estimate)</span>'
        trs.append([str(r.rank),
                    f"{e(r.name_en)} {e(r.name_kh)} <span class=\"note\">{e(r.village_code)}</span>{flag}",
                    f"{r.households:,}", str(r.respondents),
                    f"{pct(r.awareness_owso_mean)} ({pct(r.awareness_owso_lo)}–{pct(r.awareness_owso_hi)})",
                    f"{r.unaware_households_mean:,.0f} ({r.unaware_households_lo:,.0f}–{r.unaware_households_hi:,.0f})",
                    f"{r.score:,.0f}"])
    out.append(html_table(["#", "Village", "Households", "Respondents", "Knows OWSO", "Unaware households",
                           "Score"], trs))
    n_flag = sum(1 for p in priorities.by_village.values() if p.source in ("sangkat", "district"))
    if n_flag:
        out.append(f'<p class="flag">{n_flag} villages had no answers; they carry their sangkat '
                   "(or district) estimate.</p>")
    return out


def survey_report_html(
    result: SurveyResult | None, priorities: Priorities, geography: Geography, *, top: int = 15
) -> str:
    """The survey report as a self-contained HTML string (see :func:`write_survey_report`)."""
    out = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>Awareness survey</title><style>{khmer_font_face()}{REPORT_CSS}</style></head><body>",
           "<h1>Awareness of the OWSO and the District Ombudsman</h1>"]
    out += _headline(result, priorities)
    out += _sangkat_section(result, priorities, geography)
    if result is not None:
        out += _group_section(result)
    out += _village_section(priorities, geography, top)
    out.append(f'<p class="note">Method: {html.escape(priorities.method)}.</p></body></html>')
    return "".join(out)


def write_survey_report(
    result: SurveyResult | None,
    priorities: Priorities,
    out_dir: str | Path,
    *,
    geography: Geography | None = None,
    import_report: ImportReport | SurveyData | None = None,
) -> dict[str, Path]:
    """Write ``report.html``, ``priorities.csv`` and the import report into a folder.

    Parameters
    ----------
    result : SurveyResult or None
        Survey estimates; None when ``priorities`` come from :func:`default_priorities`.
    priorities : Priorities
        Output of :func:`build_priorities` or :func:`default_priorities`.
    out_dir : path
        Folder to write into (created if needed; wrap in ``atomic_dir`` for atomic output).
    geography : Geography, optional
        Needed when ``result`` is None; otherwise ``result.geography`` is used.
    import_report : ImportReport or SurveyData, optional
        Import report to write; defaults to ``result.import_report``.

    Returns
    -------
    dict of str to Path
        The written files by role.
    """
    geo = geography if geography is not None else (result.geography if result is not None else None)
    if geo is None:
        raise ValueError("write_survey_report needs a geography when there is no survey result")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    html_path = out / "report.html"
    html_path.write_text(survey_report_html(result, priorities, geo), encoding="utf-8")
    files["report"] = html_path
    csv = out / "priorities.csv"
    priorities_frame(priorities, geo).to_csv(csv, index=False, encoding=CSV_ENCODING)
    files["priorities"] = csv
    rep = import_report.report if isinstance(import_report, SurveyData) else import_report
    if rep is None and result is not None:
        rep = result.import_report
    if rep is not None:
        files.update(write_import_report(rep, out))
    return files


__all__ = ["priorities_frame", "survey_report_html", "svg_bars", "write_import_report", "write_survey_report"]
