"""Baseline versus follow-up survey: change in awareness, beside the simulated forecast.

Method. Each proportion (overall, per sangkat, by sex, by respondent type) is
summarised by a Beta distribution: from raw answers, a Jeffreys posterior whose
counts are divided by the Kish design effect of the village clustering
(``1 + (m - 1) / (k_v + 1)``, ``k_v`` fitted as in :mod:`.estimate`); from a
:class:`~.estimate.SurveyResult`, a Beta matched to its mean and interval
width. The change is the difference of independent draws from the two Betas
(Monte Carlo, fixed seed), reported with its 90 % interval and the probability
that awareness rose. Surveys of the same area at two times are treated as
independent samples (true for fresh respondents).

Forecast. A plan folder's ``summary.json`` gives ``reach.households_aware``
(households aware at the campaign end, *those aware before it included*),
``geography.households`` and, from the Monte Carlo, the aware households
whose awareness predates the campaign (``reach.aware_by_first_channel.baseline``).
The campaign converts a share ``c = (aware - before) / (households - before)``
of the households unaware at its start; with the survey's baseline awareness
``b`` the forecast change is ``c (1 - b)`` (only the unaware can become newly
aware, and the baseline is not counted twice). Without the ``baseline`` key
the simulation's baseline is taken to be the survey's: ``aware / households - b``.
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..fonts import khmer_font_face
from ..model import Estimate, Geography
from .estimate import SurveyResult, estimate, fit_concentration, jeffreys
from .importer import SurveyData, import_survey
from .report import CSV_ENCODING, GROUP_LABELS, REPORT_CSS, html_table, pct

_IND = {"owso": "knows_owso", "ombudsman": "knows_ombudsman"}
_SEED = 90210


@dataclass(frozen=True)
class Change:
    """Baseline, follow-up and change of one proportion."""

    indicator: str
    level: str  # "overall", "sangkat", "sex" or "type"
    key: str
    baseline: Estimate
    followup: Estimate
    change: Estimate
    p_increase: float


@dataclass(frozen=True)
class Forecast:
    """What the plan's simulation expected, in awareness points."""

    households: float
    households_aware: Estimate
    share_made_aware: Estimate
    expected_change: Estimate
    source: str


@dataclass(frozen=True)
class Evaluation:
    """All changes, the optional forecast, and the sample sizes."""

    changes: tuple[Change, ...]
    forecast: Forecast | None
    baseline_respondents: int
    followup_respondents: int
    method: str

    def get(self, indicator: str, level: str, key: str) -> Change:
        """The change of one proportion, e.g. ``get("owso", "sex", "F")``."""
        for c in self.changes:
            if (c.indicator, c.level, c.key) == (indicator, level, key):
                return c
        raise KeyError((indicator, level, key))

    def to_frame(self) -> pd.DataFrame:
        """One row per change (and a ``forecast`` row when known)."""
        rows = []
        for c in self.changes:
            rows.append({
                "indicator": c.indicator, "level": c.level, "key": c.key,
                "baseline_mean": c.baseline.mean, "baseline_lo": c.baseline.lo, "baseline_hi": c.baseline.hi,
                "baseline_n": c.baseline.n,
                "followup_mean": c.followup.mean, "followup_lo": c.followup.lo, "followup_hi": c.followup.hi,
                "followup_n": c.followup.n,
                "change_mean": c.change.mean, "change_lo": c.change.lo, "change_hi": c.change.hi,
                "p_increase": c.p_increase,
            })
        if self.forecast is not None:
            f = self.forecast.expected_change
            rows.append({"indicator": "owso", "level": "forecast", "key": "all",
                         "change_mean": f.mean, "change_lo": f.lo, "change_hi": f.hi})
        return pd.DataFrame(rows).round(4)


# --------------------------------------------------------------------------- estimates
def _beta_params(est: Estimate, level: float) -> tuple[float, float]:
    """Beta(a, b) with the estimate's mean and a standard deviation from its interval width."""
    from scipy import stats

    m = min(max(est.mean, 1e-4), 1 - 1e-4)
    z = stats.norm.ppf(0.5 + level / 2)
    sd = max((est.hi - est.lo) / (2 * z), 1e-4)
    k = max(m * (1 - m) / sd**2 - 1, 0.5)
    return m * k, (1 - m) * k


def _raw_estimates(frame: pd.DataFrame, level: float) -> dict[tuple[str, str, str], Estimate]:
    out: dict[tuple[str, str, str], Estimate] = {}
    for ind, col in _IND.items():
        sub = frame.loc[frame[col].notna()]
        if sub.empty:
            continue
        v = sub.groupby("village_code")[col].agg(["sum", "count"])
        sk_mean = sub.groupby("sangkat_code")[col].mean()
        m = np.array([sk_mean[c[:6]] if c[:6] in sk_mean.index else sub[col].mean() for c in v.index])
        n = v["count"].to_numpy(float)
        k_v = fit_concentration(v["sum"].to_numpy(float), n, m)
        deff = max(1.0, 1.0 + ((n**2).sum() / n.sum() - 1.0) / (k_v + 1.0))
        out[(ind, "overall", "all")] = jeffreys(float(sub[col].sum()), float(len(sub)), level, deff)
        for key, src in (("sangkat", "sangkat_code"), ("sex", "sex"), ("type", "respondent_type")):
            for val, g in sub.groupby(src)[col]:
                out[(ind, key, str(val))] = jeffreys(float(g.sum()), float(len(g)), level, deff)
    return out


def _result_estimates(result: SurveyResult) -> dict[tuple[str, str, str], Estimate]:
    out: dict[tuple[str, str, str], Estimate] = {}
    for ind, est in result.overall.items():
        out[(ind, "overall", "all")] = est
        for c, e in result.sangkat.get(ind, {}).items():
            if e.n > 0:
                out[(ind, "sangkat", c)] = e
        for k, e in result.groups.get(ind, {}).items():
            lvl, val = k.split("=", 1)
            if e.n > 0:
                out[(ind, lvl, val)] = e
    return out


def _as_estimates(
    obj: SurveyResult | SurveyData | pd.DataFrame | str | os.PathLike[str],
    geography: Geography | None,
    columns: Mapping[str, str] | None,
    level: float,
) -> tuple[dict[tuple[str, str, str], Estimate], int]:
    if isinstance(obj, SurveyResult):
        return _result_estimates(obj), obj.respondents
    data = obj if isinstance(obj, SurveyData) else import_survey(obj, geography, columns=columns)
    if geography is not None:
        res = estimate(data, geography, level=level)
        return _result_estimates(res), res.respondents
    return _raw_estimates(data.frame, level), data.respondents


# --------------------------------------------------------------------------- forecast
def _aware_before(summary: dict[str, object]) -> float | None:
    """Households the simulation counted aware before the campaign, when ``summary.json`` says."""
    try:
        return float(summary["reach"]["aware_by_first_channel"]["baseline"]["mean"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def read_forecast(plan_dir: str | os.PathLike[str], baseline: Estimate, level: float = 0.90) -> Forecast:
    """Read a plan's simulated reach and turn it into an expected change of OWSO awareness.

    Parameters
    ----------
    plan_dir : path
        Plan output folder holding ``summary.json``.
    baseline : Estimate
        Baseline awareness of the OWSO (area).
    level : float, optional
        Interval level (the plan's p05 / p95 are used when present).

    Raises
    ------
    InputError
        When ``summary.json`` is missing or lacks the needed keys.
    """
    path = Path(plan_dir) / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the plan folder has no summary.json", file=str(path)) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"summary.json cannot be read ({exc})", file=str(path)) from None
    try:
        aware = summary["reach"]["households_aware"]
        mean = float(aware["mean"])
        hh = float(summary["geography"]["households"])
    except (KeyError, TypeError, ValueError):
        raise InputError("summary.json lacks reach.households_aware.mean or geography.households",
                         file=str(path), field="reach.households_aware.mean") from None
    if hh <= 0:
        raise InputError("geography.households must be positive", file=str(path), field="geography.households")
    lo = float(aware.get("p05", mean)) if isinstance(aware, dict) else mean
    hi = float(aware.get("p95", mean)) if isinstance(aware, dict) else mean
    share = Estimate(mean / hh, lo / hh, hi / hh, 0)
    before = _aware_before(summary)
    if before is not None and before < hh:
        # The simulation's own baseline removed, its conversion of the unaware applied to the survey's unaware.
        conv = [(x - before) / (hh - before) * (1.0 - baseline.mean) for x in (mean, lo, hi)]
    else:
        conv = [x / hh - baseline.mean for x in (mean, lo, hi)]
    expected = Estimate(max(0.0, conv[0]), max(0.0, conv[1]), max(0.0, conv[2]), 0)
    return Forecast(hh, Estimate(mean, lo, hi, 0), share, expected, str(path))


# --------------------------------------------------------------------------- public
def evaluate(
    baseline: SurveyResult | SurveyData | pd.DataFrame | str | os.PathLike[str],
    followup: SurveyResult | SurveyData | pd.DataFrame | str | os.PathLike[str],
    *,
    geography: Geography | None = None,
    plan: str | os.PathLike[str] | None = None,
    columns: Mapping[str, str] | None = None,
    level: float = 0.90,
    draws: int = 20000,
    seed: int = _SEED,
) -> Evaluation:
    """Change in awareness between two surveys, overall, per sangkat, by sex and by respondent type.

    Parameters
    ----------
    baseline, followup : SurveyResult, SurveyData, DataFrame or path
        The two surveys, as estimates, imported data, an export table or a file.
    geography : Geography, optional
        When given, raw data are estimated with shrinkage first; otherwise
        proportions of respondents (design-effect corrected) are compared.
    plan : path, optional
        A plan folder with ``summary.json``; adds the simulated forecast.
    columns : mapping, optional
        Column mapping for the importer.
    level : float, optional
        Interval level (default 0.90).
    draws : int, optional
        Monte Carlo draws for the differences.
    seed : int, optional
        Seed of the draws (fixed: results are reproducible).

    Returns
    -------
    Evaluation
    """
    b_est, nb = _as_estimates(baseline, geography, columns, level)
    f_est, nf = _as_estimates(followup, geography, columns, level)
    rng = np.random.default_rng(seed)
    tail = (1 - level) / 2
    changes = []
    order = {"overall": 0, "sangkat": 1, "sex": 2, "type": 3}
    for key in sorted(set(b_est) & set(f_est), key=lambda k: (k[0] != "owso", order[k[1]], k[2])):
        b, f = b_est[key], f_est[key]
        if math.isnan(b.mean) or math.isnan(f.mean):
            continue
        d = rng.beta(*_beta_params(f, level), size=draws) - rng.beta(*_beta_params(b, level), size=draws)
        q = np.quantile(d, [tail, 1 - tail])
        changes.append(Change(key[0], key[1], key[2], b, f,
                              Estimate(f.mean - b.mean, float(q[0]), float(q[1]), min(b.n, f.n)),
                              float((d > 0).mean())))
    forecast = None
    if plan is not None:
        forecast = read_forecast(plan, b_est.get(("owso", "overall", "all"), Estimate(0.0, 0.0, 0.0)), level)
    return Evaluation(
        tuple(changes), forecast, nb, nf,
        method=(f"difference of Beta distributions by Monte Carlo ({draws} draws, seed {seed}); "
                f"{int(level * 100)} % intervals; design effect for village clustering"),
    )


def _svg_change(rows: list[tuple[str, Estimate]], width: int = 620, span: float = 0.5) -> str:
    e = html.escape
    left, right, bar_h, gap, top = 190, 70, 16, 7, 8
    plot_w = width - left - right
    height = top + len(rows) * (bar_h + gap) + 22
    x = lambda p: left + plot_w * (0.5 + max(-span, min(span, p)) / (2 * span))  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
             "<title>Change in awareness</title>"]
    for tick in (-span, -span / 2, 0, span / 2, span):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 4}" y2="{height - 18}" '
                     f'stroke="{"#888" if tick == 0 else "#ddd"}"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 4}" text-anchor="middle" fill="#666">'
                     f"{tick * 100:+.0f}</text>")
    for i, (label, c) in enumerate(rows):
        y = top + i * (bar_h + gap)
        x0, x1 = sorted((x(0), x(c.mean)))
        color = "#2e8b57" if c.mean >= 0 else "#c0392b"
        parts.append(f'<text x="{left - 6}" y="{y + bar_h - 4}" text-anchor="end">{e(label)}</text>')
        parts.append(f'<rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar_h}" fill="{color}"/>')
        yc = y + bar_h / 2
        parts.append(f'<line x1="{x(c.lo):.1f}" x2="{x(c.hi):.1f}" y1="{yc}" y2="{yc}" stroke="#111"/>')
        parts.append(f'<text x="{width - right + 6}" y="{y + bar_h - 4}">{c.mean * 100:+.1f} pts</text>')
    parts.append("</svg>")
    return "".join(parts)


def evaluation_html(ev: Evaluation, geography: Geography | None = None) -> str:
    """The evaluation as a self-contained HTML page."""
    e = html.escape
    names = geography.sangkat_by_code if geography is not None else {}

    def label(c: Change) -> str:
        if c.level == "overall":
            return "All respondents"
        if c.level == "sangkat":
            s = names.get(c.key)
            return f"{s.name_en} ({c.key})" if s else f"Sangkat {c.key}"
        return GROUP_LABELS.get(f"{c.level}={c.key}", f"{c.level}={c.key}")

    out = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>Campaign evaluation</title><style>{khmer_font_face()}{REPORT_CSS}</style></head><body>",
           "<h1>Did awareness change? Baseline and follow-up surveys</h1>",
           f"<p>{ev.baseline_respondents:,} baseline and {ev.followup_respondents:,} follow-up respondents. "
           "Changes in percentage points with 90 % intervals.</p>"]
    if ev.forecast is not None:
        f = ev.forecast
        try:
            obs = ev.get("owso", "overall", "all").change
            obs_txt = f"{obs.mean * 100:+.1f} pts ({obs.lo * 100:+.1f} to {obs.hi * 100:+.1f})"
        except KeyError:
            obs_txt = "–"
        out.append("<h2>Observed change and the plan's forecast (OWSO)</h2>")
        out.append(html_table(["", "Change in awareness"], [
            ["Observed", obs_txt],
            ["Forecast by the simulation",
             f"{f.expected_change.mean * 100:+.1f} pts ({f.expected_change.lo * 100:+.1f} to "
             f"{f.expected_change.hi * 100:+.1f})"],
        ]))
        out.append(f'<p class="note">Forecast: {f.households_aware.mean:,.0f} of {f.households:,.0f} households '
                   "made aware, applied to the baseline's unaware share.</p>")
    for ind, title in (("owso", "OWSO"), ("ombudsman", "District Ombudsman")):
        rows = [c for c in ev.changes if c.indicator == ind]
        if not rows:
            continue
        out.append(f"<h2>Knows the {title}</h2>")
        out.append(_svg_change([(label(c), c.change) for c in rows]))
        out.append(html_table(["", "Baseline", "Follow-up", "Change (pts)", "P(increase)"], [
            [e(label(c)), f"{pct(c.baseline.mean)} (n={c.baseline.n})", f"{pct(c.followup.mean)} (n={c.followup.n})",
             f"{c.change.mean * 100:+.1f} ({c.change.lo * 100:+.1f} to {c.change.hi * 100:+.1f})",
             f"{c.p_increase:.2f}"]
            for c in rows
        ]))
    out.append(f'<p class="note">Method: {e(ev.method)}.</p></body></html>')
    return "".join(out)


def write_evaluation(
    ev: Evaluation, out_dir: str | os.PathLike[str], geography: Geography | None = None
) -> dict[str, Path]:
    """Write ``evaluation.html`` and ``evaluation.csv`` into a folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    h = out / "evaluation.html"
    h.write_text(evaluation_html(ev, geography), encoding="utf-8")
    c = out / "evaluation.csv"
    ev.to_frame().to_csv(c, index=False, encoding=CSV_ENCODING)
    return {"report": h, "csv": c}
