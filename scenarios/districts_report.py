"""The many-districts outputs: the national table (CSV, XLSX), a page with it, and the cost map."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from . import svgcharts
from .districts import DistrictResult, Rule
from .report import Cell, Table, csv_text, html_table, page, write_xlsx

HULL_NOTE = ("District shapes on the map are the convex hull of each district's located village points, not its "
             "official boundary.")


def national_table(results: Sequence[DistrictResult]) -> Table:
    """One row per planned district (code order)."""
    head = ["district", "name", "villages listed", "villages located", "households", "volunteers", "budget limit US$",
            "planned US$", "households reached", "aware at the end", "aware p05", "aware p95", "newly aware",
            "US$ per aware household", "US$ per newly aware household", "seconds", "error"]
    rows: list[list[Cell]] = []
    for r in sorted(results, key=lambda x: x.job.code):
        j = r.job
        rows.append([j.code, j.name, j.listed, j.located, j.households, j.volunteers, j.budget_usd, r.planned_usd,
                     r.reached.mean, r.aware.mean, r.aware.p05, r.aware.p95, r.newly_aware.mean,
                     r.usd_per_aware, r.usd_per_newly_aware, r.seconds, r.error or ""])
    return head, rows


def _rule_text(rule: Rule) -> str:
    return (f"Resources by rule: {rule.volunteers_per_1000_households:g} volunteers per 1,000 households "
            f"({rule.women_share:.0%} women, at least 2), budget US$ {rule.budget_usd_per_household:g} per household "
            f"(at least US$ {rule.budget_min_usd:,.0f}), {rule.weeks} weeks from {rule.start.isoformat()}, seed "
            f"{rule.seed}. A district is planned when at least {rule.min_villages} of its villages, and "
            f"{rule.min_located_share:.0%} of those listed, are located.")


def _map(results: Sequence[DistrictResult], path: Path) -> None:
    from maps.district_map import DistrictShape, write_district_map

    def tip(r: DistrictResult) -> str:
        head = f"{r.job.name} ({r.job.code}): "
        if r.usd_per_aware is None:
            return head + (r.error or "no figure")
        return head + (f"US$ {r.usd_per_aware:,.2f} per aware household, {r.aware.mean:,.0f} aware of "
                       f"{r.job.households:,} households")

    shapes = [DistrictShape(r.job.code, r.hull, r.usd_per_aware, tip(r)) for r in results if r.hull]
    write_district_map(shapes, "Cost per aware household (US$) by district. " + HULL_NOTE, path)


def write_districts(results: Sequence[DistrictResult], skipped: Sequence[str], rule: Rule,
                    out: str | Path) -> list[Path]:
    """Write ``districts.html``, ``districts.csv``, ``districts.xlsx`` and ``map.html`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = national_table(results)
    failed = [f"{r.job.code} {r.job.name}: {r.error}" for r in results if r.error]
    trimmed = [r.job.note for r in results if r.job.note]
    notes = list(skipped) + failed + trimmed
    ok = sorted((r for r in results if r.usd_per_aware is not None), key=lambda r: r.job.code)
    chart = svgcharts.bar_chart("US$ per aware household", [f"{r.job.code} {r.job.name}" for r in ok],
                                {"cost per aware household": [float(r.usd_per_aware or 0.0) for r in ok]}) \
        if 0 < len(ok) <= 60 else ""
    sections = [f'<p class="note">{escape(_rule_text(rule))} Each district is planned on its own. '
                f'{escape(HULL_NOTE)} <a href="map.html">Map</a>.</p>',
                "<h2>Districts</h2>", html_table(table), chart,
                "<h2>Skipped, failed or trimmed</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"]
    (out / "districts.html").write_text(page(f"{len(results)} districts planned", sections), encoding="utf-8")
    (out / "districts.csv").write_text(csv_text(table), encoding="utf-8")
    write_xlsx(out / "districts.xlsx", {"districts": table, "skipped": (["note"], [[n] for n in notes])})
    _map(results, out / "map.html")
    return [out / n for n in ("districts.html", "districts.csv", "districts.xlsx", "map.html")]


__all__ = ["HULL_NOTE", "national_table", "write_districts"]
