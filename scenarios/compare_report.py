"""The comparison's tables, its offline HTML report (inline SVG charts), CSV and XLSX."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from outreach.model import Band, Campaign, Plan
from outreach.simulate import SimulationResult

from . import svgcharts
from .compare import MEASURES, Compared, Comparison, band_of, difference_band, independent_band
from .report import Cell, Table, csv_text, fmt, html_table, page, write_xlsx

COST_NOTE = ("Cost per aware household divides the planned budget by households aware at the end (including those "
             "aware before the campaign, as summary.json does); cost per newly aware household divides it by "
             "households aware at the end minus the expected baseline-aware households: what the money bought.")


def _sangkat_awareness(campaign: Campaign, sim: SimulationResult) -> dict[str, float]:
    aware, hh = sim.reach.aware_by_village, dict[str, int]()
    out: dict[str, float] = {}
    for v in campaign.geography.villages:
        out[v.sangkat_code] = out.get(v.sangkat_code, 0.0) + aware.get(v.code, 0.0)
        hh[v.sangkat_code] = hh.get(v.sangkat_code, 0) + v.households
    return {k: out[k] / hh[k] if hh[k] else 0.0 for k in out}


def _short(label: str, short: list[str]) -> tuple[str, str]:
    return (label, "met") if not short else (label, f"short in {len(short)}: " + ", ".join(short[:6])
                                                    + (" …" if len(short) > 6 else ""))


def targets_status(campaign: Campaign, plan: Plan, sim: SimulationResult) -> list[tuple[str, str]]:
    """Each target of the scenario and whether the plan meets it ("met" or "short in n: codes")."""
    t, geo = campaign.targets, campaign.geography
    passes = plan.tours.passes_by_sangkat(geo)
    codes = [s.code for s in geo.sangkats]
    out = [_short(f"Loudspeaker passes per sangkat ≥ {t.loudspeaker_passes_per_sangkat}",
                  [c for c in codes if passes.get(c, 0) < t.loudspeaker_passes_per_sangkat])]
    forums = plan.allocation.forums_by_sangkat
    out.append(_short(f"Forums per sangkat ≥ {t.forums_per_sangkat}",
                      [c for c in codes if forums.get(c, 0) < t.forums_per_sangkat]))
    if t.min_awareness > 0 or t.min_awareness_by_sangkat:
        share = _sangkat_awareness(campaign, sim)
        need = {c: max(t.min_awareness, t.min_awareness_by_sangkat.get(c, 0.0)) for c in codes}
        out.append(_short("Awareness target in every sangkat (mean)",
                          [c for c in codes if share.get(c, 0.0) < need[c] - 1e-9]))
    if t.min_women_reached_share > 0:
        w, m = sim.reach.women_reached.mean, sim.reach.men_reached.mean
        ok = w + m > 0 and w / (w + m) >= t.min_women_reached_share
        out.append((f"Women ≥ {t.min_women_reached_share:.0%} of people reached", "met" if ok else "short"))
    planned = plan.allocation.planned_usd
    out.append(("Budget within the limit", "met" if planned <= campaign.budget_usd + 0.005 else
                f"short: US$ {planned - campaign.budget_usd:,.0f} over"))
    return out


def _band_text(b: Band) -> str:
    return f"{fmt(b.mean)} ({fmt(b.p05)}–{fmt(b.p95)})"


def _channels(cmp: Comparison) -> list[str]:
    seen: dict[str, None] = {}
    for e in cmp.entries:
        seen.update(dict.fromkeys(e.plan.allocation.by_channel()))
    return list(seen)


def _costs(e: Compared) -> tuple[float | None, float | None]:
    planned, aware = e.plan.allocation.planned_usd, e.sim.reach.households_aware.mean
    return (planned / aware if planned > 0 and aware > 0 else None), e.sim.usd_per_aware


def side_by_side(cmp: Comparison) -> Table:
    """One row per figure, one column per scenario; bands as "mean (p05–p95)"."""
    head = ["Figure", *(e.name for e in cmp.entries)]
    rows: list[list[Cell]] = [["Budget limit (US$)", *(e.campaign.budget_usd for e in cmp.entries)],
                              ["Budget planned (US$)", *(e.plan.allocation.planned_usd for e in cmp.entries)]]
    for ch in _channels(cmp):
        rows.append([f"  {ch.replace('_', ' ')} (US$)",
                     *(e.plan.allocation.by_channel().get(ch, 0.0) for e in cmp.entries)])
    for key, label in MEASURES.items():
        rows.append([label, *(_band_text(band_of(e.sim.per_replication[key])) for e in cmp.entries)])
    rows.append(["Cost per aware household (US$)", *(_costs(e)[0] for e in cmp.entries)])
    rows.append(["Cost per newly aware household (US$)", *(_costs(e)[1] for e in cmp.entries)])
    per = [targets_status(e.campaign, e.plan, e.sim) for e in cmp.entries]
    labels = list(dict.fromkeys(lab for st in per for lab, _ in st))
    for lab in labels:
        rows.append([f"Target: {lab}", *(dict(st).get(lab, "–") for st in per)])
    return head, rows


def long_table(cmp: Comparison) -> Table:
    """Every figure of every scenario, one row each (the CSV and the 'figures' sheet)."""
    rows: list[list[Cell]] = []
    for e in cmp.entries:
        rows.append([e.name, "budget_planned_usd", e.plan.allocation.planned_usd, None, None])
        for ch, usd in e.plan.allocation.by_channel().items():
            rows.append([e.name, f"budget_{ch}_usd", usd, None, None])
        for key in MEASURES:
            b = band_of(e.sim.per_replication[key])
            rows.append([e.name, key, b.mean, b.p05, b.p95])
        per_aware, per_new = _costs(e)
        rows += [[e.name, "usd_per_aware_household", per_aware, None, None],
                 [e.name, "usd_per_newly_aware_household", per_new, None, None]]
        rows += [[e.name, f"target: {lab}", status, None, None] for lab, status in
                 targets_status(e.campaign, e.plan, e.sim)]
    return ["scenario", "figure", "mean", "p05", "p95"], rows


def differences(cmp: Comparison) -> Table:
    """Each scenario minus the first: mean, CRN band, and the band as if independent."""
    first = cmp.entries[0]
    rows: list[list[Cell]] = []
    for i, e in enumerate(cmp.entries[1:], start=1):
        for key, label in MEASURES.items():
            a, b = first.sim.per_replication[key], e.sim.per_replication[key]
            d, ind = difference_band(a, b), independent_band(a, b)
            rows.append([e.name, label, d.mean, d.p05, d.p95, ind.p05, ind.p95,
                         "yes" if cmp.same_area(i) else "no (another area)"])
    return (["scenario", "figure", "difference from the first", "p05 (common random numbers)", "p95 (CRN)",
             "p05 if independent", "p95 if independent", "same area (CRN)"], rows)


def by_sangkat(cmp: Comparison) -> Table:
    """Mean households reached and the aware share by sangkat, for every scenario."""
    names = {s.code: s.name_en for e in cmp.entries for s in e.campaign.geography.sangkats}
    shares = [_sangkat_awareness(e.campaign, e.sim) for e in cmp.entries]
    head = ["sangkat", "name"] + [f"{e.name}: reached" for e in cmp.entries] \
        + [f"{e.name}: aware share" for e in cmp.entries]
    rows: list[list[Cell]] = []
    for code in sorted(names):
        rows.append([code, names[code], *(e.sim.reach.reached_by_sangkat.get(code) for e in cmp.entries),
                     *(round(s[code], 3) if code in s else None for s in shares)])
    return head, rows


def _charts(cmp: Comparison) -> list[str]:
    names = [e.name for e in cmp.entries]
    chans = _channels(cmp)
    out = [svgcharts.bar_chart("Budget by channel (US$)", [c.replace("_", " ") for c in chans],
                               {e.name: [e.plan.allocation.by_channel().get(c, 0.0) for c in chans]
                                for e in cmp.entries})]
    for key in ("households_reached", "households_aware", "newly_aware"):
        own = [band_of(e.sim.per_replication[key]) for e in cmp.entries]
        out.append(svgcharts.band_chart(f"{MEASURES[key]} (5–95 % band)", names,
                                        [(b.mean, b.p05, b.p95) for b in own]))
    out.append(svgcharts.bar_chart("People reached and met, by sex",
                                   ["women reached", "men reached", "women met", "men met"],
                                   {e.name: [band_of(e.sim.per_replication[k]).mean for k in
                                             ("women_reached", "men_reached", "women_met", "men_met")]
                                    for e in cmp.entries}))
    first = cmp.entries[0]
    for key in ("newly_aware", "households_reached"):
        labels: list[str] = []
        bands: list[tuple[float, float, float]] = []
        for e in cmp.entries[1:]:
            d = difference_band(first.sim.per_replication[key], e.sim.per_replication[key])
            labels.append(f"{e.name} − {first.name}")
            bands.append((d.mean, d.p05, d.p95))
        if bands:
            out.append(svgcharts.band_chart(f"Difference in {MEASURES[key].lower()} (CRN band)", labels, bands,
                                            zero_line=True))
    return out


def _sangkat_chart(cmp: Comparison) -> str:
    head, rows = by_sangkat(cmp)
    n = len(cmp.entries)
    return svgcharts.bar_chart("Households reached by sangkat", [f"{r[1]}" for r in rows],
                               {e.name: [float(r[2 + i] or 0.0) for r in rows] for i, e in enumerate(cmp.entries)}) \
        if len(rows) * n <= 120 else ""


def _links(cmp: Comparison, out: Path) -> str:
    items = []
    for e in cmp.entries:
        if e.outputs is None:
            continue
        rel = Path(os.path.relpath(Path(e.outputs).resolve(), out.resolve())).as_posix()
        items.append(f'<li>{e.name}: <a href="{rel}/summary.json">summary</a> · <a href="{rel}/map.html">map</a> · '
                     f'<a href="{rel}/schedules/index.html">schedules</a> · <a href="{rel}/routes/index.html">'
                     f'route sheets</a> · <a href="{rel}/budget/budget.html">budget</a> (from {e.source})</li>')
    return "<h2>Each scenario's full outputs</h2><ul>" + "".join(items) + "</ul>"


def _areas(cmp: Comparison) -> str:
    """Each scenario's districts by their Khmer and English names."""
    items = "".join(f"<li>{escape(e.name)}: " + escape(" · ".join(f"{d.name_kh} / {d.name_en}" for d in
                                                                  e.campaign.geography.districts)) + "</li>"
                    for e in cmp.entries)
    return f'<p class="note">Districts:</p><ul class="note">{items}</ul>'


def report_html(cmp: Comparison, out: Path) -> str:
    """The offline report page."""
    first = cmp.entries[0].name
    intro = (f'<p class="note">{len(cmp.entries)} scenarios, each simulated with seed {cmp.seed} and '
             f"{cmp.replications} replications: common random numbers, so a difference between two plans of the "
             f"same area is the plans' doing, not chance. Bands are 5–95 % over replications; a difference's band "
             f"comes from the replication-by-replication differences from {first}. {COST_NOTE}</p>")
    sections = [intro, _areas(cmp), "<h2>Side by side</h2>",
                html_table(side_by_side(cmp), classes={"short": "short", "met": "met"}),
                '<h2>Charts</h2><div class="charts">' + "".join(_charts(cmp)) + "</div>",
                f"<h2>Difference from {first}</h2><p class=\"note\">The CRN band is the 5–95 % band of the "
                "per-replication differences; the band 'if independent' combines the two scenarios' own bands "
                "and is shown only to say how much noise the common random numbers remove.</p>",
                html_table(differences(cmp)), "<h2>Reach by sangkat</h2>", _sangkat_chart(cmp),
                html_table(by_sangkat(cmp)), _links(cmp, out)]
    return page("Scenario comparison", sections)


def write_comparison(cmp: Comparison, out: str | Path) -> list[Path]:
    """Write ``report.html``, ``comparison.csv``, ``differences.csv`` and ``comparison.xlsx`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.html": report_html(cmp, out), "comparison.csv": csv_text(long_table(cmp)),
             "differences.csv": csv_text(differences(cmp)), "by_sangkat.csv": csv_text(by_sangkat(cmp))}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    write_xlsx(out / "comparison.xlsx", {"side by side": side_by_side(cmp), "figures": long_table(cmp),
                                         "differences": differences(cmp), "by sangkat": by_sangkat(cmp)})
    return [out / n for n in (*files, "comparison.xlsx")]


__all__ = ["by_sangkat", "differences", "long_table", "report_html", "side_by_side", "targets_status",
           "write_comparison"]
