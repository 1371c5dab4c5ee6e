"""The sensitivity files: ``sensitivity.json``, ``sensitivity.csv`` and ``report.html`` (one offline page)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from outreach.atomic import atomic_write_text
from outreach.fonts import KHMER_FAMILY, khmer_font_face

from .. import svgcharts
from ..report import Cell, Table, csv_text, html_table, page
from .run import OUTPUTS, Sensitivity
from .space import MEASURE
from .surrogate import MIN_Q2

#: Confidence level of the intervals (bootstrap percentiles).
LEVEL = 0.95

METHOD = ("Global (Sobol) sensitivity: the plan is made once; its outcome is evaluated in closed form on a Latin "
          "hypercube over the response parameters' ranges (each uniform, independent); an emulator (quadratic: "
          "every parameter's linear and squared term, pairwise products of the most influential) is fitted to "
          "each output and checked by leave-one-out; first-order (Saltelli 2010) and total-order (Jansen 1999) "
          "indices of the emulator on a Saltelli sample, with bootstrap confidence intervals. First order: the "
          "share of the output's variance a parameter explains alone; total order: with its interactions. A "
          "total order near 0 means the parameter can be fixed anywhere in its range.")


def _r(x: float) -> float:
    """Six significant digits: the files stay readable and the same on every run."""
    return float(f"{float(x):.6g}")


def ranking(sens: Sensitivity, output: str) -> list[int]:
    """Input positions by decreasing total-order index of ``output`` (ties: the order of the inputs)."""
    total = sens.outputs[output].indices.total
    return sorted(range(len(sens.inputs)), key=lambda i: (-round(float(total[i]), 9), i))


def _index_doc(sens: Sensitivity, output: str, i: int, rank: int) -> dict[str, Any]:
    ind = sens.outputs[output].indices
    return {"first": _r(ind.first[i]), "first_ci": [_r(ind.first_lo[i]), _r(ind.first_hi[i])],
            "total": _r(ind.total[i]), "total_ci": [_r(ind.total_lo[i]), _r(ind.total_hi[i])], "rank": rank}


def _output_doc(sens: Sensitivity, output: str) -> dict[str, Any]:
    o = sens.outputs[output]
    s = o.surrogate
    return {"counts": OUTPUTS[output], "at_planned_values": _r(o.planned), "mean": _r(o.indices.mean),
            "sd": _r(np.sqrt(o.indices.variance)),
            "emulator": {"design_points": sens.settings.design, "terms": len(s.coef), "products": len(s.pairs),
                         "loo_rmse": _r(s.loo_rmse), "loo_q2": _r(s.q2), "design_sd": _r(s.design_sd),
                         "reliable": s.reliable, "min_q2": MIN_Q2}}


def sensitivity_doc(sens: Sensitivity, *, command: str = "") -> dict[str, Any]:
    """The ``sensitivity.json`` document: settings, outputs with emulator error, ranked parameters."""
    ranks = {out: {i: r + 1 for r, i in enumerate(ranking(sens, out))} for out in OUTPUTS}
    params = [{"key": inp.key, "label": MEASURE[inp.key][0], "low": _r(inp.low), "high": _r(inp.high),
               "range_source": inp.source, "measure": MEASURE[inp.key][1],
               **{out: _index_doc(sens, out, i, ranks[out][i]) for out in OUTPUTS}}
              for i, inp in ((i, sens.inputs[i]) for i in ranking(sens, "end_awareness"))]
    st = sens.settings
    return {"scenario": sens.scenario, "command": command, "method": METHOD,
            "settings": {"seed": st.seed, "design_points": st.design, "saltelli_base_samples": st.samples,
                         "evaluations_of_each_emulator": st.samples * (len(sens.inputs) + 2),
                         "bootstrap_resamples": st.resamples, "confidence_level": LEVEL, "ranges": st.ranges,
                         "strategy": st.strategy, "time_limit_s": st.time_limit_s},
            "channels": list(sens.channels), "outputs": {out: _output_doc(sens, out) for out in OUTPUTS},
            "parameters": params}


def table(sens: Sensitivity) -> Table:
    """One row per parameter (by end-awareness rank): range, both outputs' indices with intervals, measure."""
    head = ["parameter", "low", "high", "range from"]
    for out in OUTPUTS:
        head += [f"{out} rank", f"{out} first", "first lo", "first hi", f"{out} total", "total lo", "total hi"]
    head.append("what a district could measure")
    doc = sensitivity_doc(sens)
    rows: list[list[Cell]] = []
    for p in doc["parameters"]:
        row: list[Cell] = [p["key"], p["low"], p["high"], p["range_source"]]
        for out in OUTPUTS:
            x = p[out]
            row += [x["rank"], x["first"], *x["first_ci"], x["total"], *x["total_ci"]]
        rows.append([*row, p["measure"]])
    return head, rows


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _ci(x: dict[str, Any], which: str) -> str:
    lo, hi = (round(v, 2) + 0.0 for v in x[f"{which}_ci"])  # + 0.0: no "-0.00"
    return f"{round(x[which], 2) + 0.0:.2f} ({lo:.2f} to {hi:.2f})"


def page_table(doc: dict[str, Any]) -> Table:
    """The report's table: fewer, wider columns than the CSV (an index and its interval in one cell)."""
    head = ["parameter", "range", "range from"]
    for out in OUTPUTS:
        head += [f"{out.replace('_', ' ')}: rank", "first order", "total order"]
    head.append("what a district could measure")
    rows: list[list[Cell]] = []
    for p in doc["parameters"]:
        row: list[Cell] = [p["key"], f"{_num(p['low'])} to {_num(p['high'])}", p["range_source"]]
        for out in OUTPUTS:
            row += [p[out]["rank"], _ci(p[out], "first"), _ci(p[out], "total")]
        rows.append([*row, p["measure"]])
    return head, rows


def _chart(sens: Sensitivity, output: str, top: int) -> str:
    order = ranking(sens, output)[:top]
    ind = sens.outputs[output].indices
    return svgcharts.bar_chart(f"{output.replace('_', ' ')}: share of its variance (top {len(order)})",
                               [MEASURE[sens.inputs[i].key][0] for i in order],
                               {"first order": [max(float(ind.first[i]), 0.0) for i in order],
                                "total order": [max(float(ind.total[i]), 0.0) for i in order]})


def _emulator_note(doc: dict[str, Any]) -> str:
    parts = []
    for out, o in doc["outputs"].items():
        e = o["emulator"]
        warn = "" if e["reliable"] else (f' <b class="short">Too inaccurate (Q2 below {e["min_q2"]}): read the '
                                         "ranking as rough and raise --design.</b>")
        parts.append(f"<li><b>{escape(out)}</b> ({escape(o['counts'])}): {o['at_planned_values']:.4g} at the "
                     f"parameters as planned; {o['mean']:.4g} ± {o['sd']:.3g} (mean ± sd) over the ranges. "
                     f"Emulator: {e['terms']} terms on {e['design_points']} closed-form evaluations; leave-one-out "
                     f"error {e['loo_rmse']:.3g} (Q2 {e['loo_q2']:.3f}).{warn}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def _top_list(doc: dict[str, Any], n: int = 5) -> str:
    items = "".join(f"<li><b>{escape(p['label'])}</b> (<code>{escape(p['key'])}</code>, total order "
                    f"{p['end_awareness']['total']:.2f}): {escape(p['measure'])}</li>" for p in doc["parameters"][:n])
    return f"<h2>The top {min(n, len(doc['parameters']))} for end awareness, and what to measure</h2><ol>{items}</ol>"


def report_html(sens: Sensitivity, *, command: str = "", top: int = 12) -> str:
    """The report page: what was done, the emulators' error, a chart per output, the top five, the table."""
    doc = sensitivity_doc(sens, command=command)
    st = doc["settings"]
    intro = (f'<p class="note">{escape(METHOD)} Ranges: {escape(st["ranges"])} (each parameter\'s source is in the '
             f"table). Seed {st['seed']}; {st['design_points']} design points; Saltelli base sample "
             f"{st['saltelli_base_samples']:,}; {int(LEVEL * 100)} % intervals from {st['bootstrap_resamples']} "
             f"bootstrap resamples. Channels the plan uses: {escape(', '.join(doc['channels']))}.</p>")
    if command:
        intro += f'<p class="note">Command: <code>{escape(command)}</code></p>'
    charts = '<div class="charts">' + "".join(_chart(sens, out, top) for out in OUTPUTS) + "</div>"
    html = page(f"Sensitivity: {sens.scenario}", [intro, "<h2>Outputs and emulators</h2>", _emulator_note(doc),
                                                  charts, _top_list(doc), "<h2>All parameters</h2>",
                                                  html_table(page_table(doc))])
    # Khmer scenario and place names read offline: the embedded font, after the page's own sans-serif.
    css = f"{khmer_font_face()}body{{font-family:sans-serif,'{KHMER_FAMILY}'}}td.t{{max-width:30em}}"
    return html.replace("<style>", f"<style>{css}", 1)


def write_sensitivity(sens: Sensitivity, out: str | Path, *, command: str = "") -> dict[str, Path]:
    """Write ``sensitivity.json``, ``sensitivity.csv`` and ``report.html`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {"json": out / "sensitivity.json", "csv": out / "sensitivity.csv", "html": out / "report.html"}
    atomic_write_text(files["json"], json.dumps(sensitivity_doc(sens, command=command), indent=2,
                                                ensure_ascii=False) + "\n")
    atomic_write_text(files["csv"], csv_text(table(sens)))
    atomic_write_text(files["html"], report_html(sens, command=command))
    return files


def top(doc: dict[str, Any], output: str, n: int = 5) -> Sequence[dict[str, Any]]:
    """The ``n`` highest-ranked parameters of ``output`` in a :func:`sensitivity_doc`."""
    return sorted(doc["parameters"], key=lambda p: p[output]["rank"])[:n]
