"""The sweep's offline HTML report (inline SVG) and its CSV."""

from __future__ import annotations

from pathlib import Path

from . import svgcharts
from .report import Cell, Table, csv_text, html_table, page
from .sweep import Sweep, knee, knee_rule, segments


def sweep_knee(sweep: Sweep) -> float | None:
    """The knee of the sweep's mean newly-aware curve (:func:`scenarios.sweep.knee`)."""
    return knee([p.value for p in sweep.points], [p.newly_aware.mean for p in sweep.points])


def points_table(sweep: Sweep) -> Table:
    """One row per point, with the marginal value from it to the next point and its CRN band."""
    segs = segments(sweep)
    unit = sweep.axis.unit_label
    head = [sweep.axis.label, "planned US$", "households reached", "aware at the end", "newly aware",
            "newly aware p05", "newly aware p95", "US$ per newly aware household",
            f"newly aware per {unit} more (to the next point)", "p05 (CRN)", "p95 (CRN)", "knee"]
    k = sweep_knee(sweep)
    rows: list[list[Cell]] = []
    for i, p in enumerate(sweep.points):
        s = segs[i] if i < len(segs) else None
        per = p.planned_usd / p.newly_aware.mean if p.newly_aware.mean > 0 and p.planned_usd > 0 else None
        rows.append([p.value, p.planned_usd, p.reached.mean, p.aware.mean, p.newly_aware.mean, p.newly_aware.p05,
                     p.newly_aware.p95, per, s.per_unit.mean if s else None, s.per_unit.p05 if s else None,
                     s.per_unit.p95 if s else None, "knee" if k is not None and p.value == k else ""])
    return head, rows


def sweep_html(sweep: Sweep) -> str:
    """The report page: the curve with its band and knee, the marginal value along it, the table."""
    xs = [p.value for p in sweep.points]
    k = sweep_knee(sweep)
    curve = svgcharts.curve_chart(f"Households newly aware by {sweep.axis.label.split(' (')[0].lower()} "
                                  "(5–95 % band)", xs,
                                  [(p.newly_aware.mean, p.newly_aware.p05, p.newly_aware.p95) for p in sweep.points],
                                  x_label=sweep.axis.label, y_label="households newly aware", knee=k)
    segs = segments(sweep)
    charts = [curve]
    if segs:
        charts.append(svgcharts.curve_chart(
            f"Marginal value: newly aware households per {sweep.axis.unit_label} more (CRN band)",
            [s.start for s in segs], [(s.per_unit.mean, s.per_unit.p05, s.per_unit.p95) for s in segs],
            x_label=sweep.axis.label + " (start of the step)", y_label=f"per {sweep.axis.unit_label}", knee=k))
    knee_text = (f"<p><b>Knee: {k:,.0f}.</b> {knee_rule(sweep.axis)}</p>" if k is not None else
                 f"<p><b>No knee on this sweep.</b> {knee_rule(sweep.axis)}</p>")
    intro = (f'<p class="note">{sweep.name}: {len(xs)} points, each planned ({sweep.strategy}; no marginal '
             f"re-solves) and simulated with seed {sweep.seed} and {sweep.replications} replications. Every point "
             "shares the seed (common random numbers), so the band of a step's marginal value comes from the "
             "replication-by-replication differences between neighbouring points. Newly aware = aware at the end "
             "minus the expected baseline-aware households.</p>")
    return page(f"Sweep over {sweep.axis.label.split(' (')[0].lower()}: {sweep.name}",
                [intro, knee_text, '<div class="charts">' + "".join(charts) + "</div>",
                 "<h2>Points</h2>", html_table(points_table(sweep))])


def write_sweep(sweep: Sweep, out: str | Path) -> list[Path]:
    """Write ``sweep.html`` and ``sweep.csv`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.html").write_text(sweep_html(sweep), encoding="utf-8")
    (out / "sweep.csv").write_text(csv_text(points_table(sweep)), encoding="utf-8")
    return [out / "sweep.html", out / "sweep.csv"]


__all__ = ["points_table", "sweep_html", "sweep_knee", "write_sweep"]
