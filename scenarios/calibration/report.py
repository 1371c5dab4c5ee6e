"""Write a calibration: posterior draws, provenance, the fit report (JSON and Markdown) and optional defaults.

Deterministic files (same inputs, settings, seed and code → same bytes):
``posterior.csv``, ``provenance.json``, ``fit.json``, ``fit.md`` and the
defaults file. ``run.json`` holds what is not: the date and the timings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from outreach.atomic import atomic_write_text

from .model import MIN_CONTRACTION, MIN_SHIFT
from .run import Calibration

#: The rule that decides which posterior means become the engine's defaults, as the reports state it.
IDENTIFICATION_RULE = (f"Contraction is 1 - posterior sd / prior sd; shift is (posterior mean - prior mean) / prior "
                       f"sd. A parameter is informed by the figures when its contraction is at least "
                       f"{MIN_CONTRACTION:g} or its shift at least {MIN_SHIFT:g} in size: only then does its "
                       f"posterior mean become the engine's default; the others keep their documented values "
                       f"(their draws still carry the full posterior into the bands).")

ROOT = Path(__file__).resolve().parents[2]


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_version() -> str:
    """``git describe --always --dirty`` of the project when it is a checkout, else the package version."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("owso-outreach")
        except PackageNotFoundError:
            return "unknown"


def _rel(path: str | Path) -> str:
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else p.name


def provenance(cal: Calibration, observed: str | Path, scenario: str | Path) -> dict[str, Any]:
    """Where a posterior comes from: inputs by hash, settings, seed and code version (no date)."""
    return {"observed": _rel(observed), "observed_sha256": _sha256(observed), "scenario": _rel(scenario),
            "scenario_sha256": _sha256(scenario), "seed": cal.settings.seed, "code_version": code_version(),
            "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cal.settings).items()},
            "method": "ABC-SMC (scenarios/calibration/abc.py) on a quadratic emulator of the closed-form reach; "
                      "checked by the closed form and the Monte Carlo simulator at posterior draws"}


def _pct(x: float, kind: str) -> str:
    return f"{x * 100:.1f} %" if kind == "share" else f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"


def _interval(d: dict[str, Any] | None, kind: str) -> str:
    return "–" if d is None else f"{_pct(d['lo'], kind)} – {_pct(d['hi'], kind)}"


def _inside(d: dict[str, Any] | None) -> str:
    return "–" if d is None else "yes" if d["inside"] else "**no**"


def fit_markdown(cal: Calibration, command: str) -> str:
    """The fit report as a Markdown table (figure | counts | observed | predictive | leave-one-out | inside)."""
    from .registry import FIGURES

    lines = [f"Produced by `{command}`.", "",
             "| observed figure | what it counts | observed | posterior-predictive 90 % | leave-one-out 90 % "
             "| inside? |", "|---|---|---|---|---|---|"]
    for f in cal.figures:
        kind = FIGURES[f["key"]].kind if f["key"] in FIGURES else "share"
        pp, lo = f.get("predictive"), f.get("leave_one_out")
        inside = "not modelled" if pp is None else f"{_inside(pp)} / {_inside(lo)}"
        role = {"check": " (checked, not fitted)", "unmodelled": " (not modelled)"}.get(f["role"], "")
        lines.append(f"| `{f['key']}`{role} | {f['counts']} | {_pct(f['observed'], kind)} | {_interval(pp, kind)} "
                     f"| {_interval(lo, kind)} | {inside} |")
    lines += ["", "| parameter | prior | posterior mean | 90 % interval | contraction | shift (prior sd) "
              "| engine default |", "|---|---|---|---|---|---|---|"]
    for p in cal.parameters:
        default = "posterior mean" if p["informed"] else "documented (not informed)"
        lines.append(f"| `{p['key']}` | {p['prior']['shape']} on [{p['prior']['low']:g}, {p['prior']['high']:g}] "
                     f"| {p['mean']:.4g} | {p['lo']:.4g} – {p['hi']:.4g} | {p['contraction']:.2f} "
                     f"| {p['shift']:+.2f} | {default} |")
    lines += ["", IDENTIFICATION_RULE + f" Effective sample size of the final ABC population: "
              f"{cal.population.ess:.0f} of {len(cal.population.weights):,} particles; a flat posterior's shift then "
              f"has a standard error of about {1 / cal.population.ess ** 0.5:.2f} prior sd."]
    lines += _plan_lines(cal)
    outside = [f["key"] for f in cal.figures
               if any(f.get(k) is not None and not f[k]["inside"] for k in ("predictive", "leave_one_out"))]
    lines += ["", "Outside an interval: " + (", ".join(f"`{k}`" for k in outside) or "none") + "."]
    return "\n".join(lines) + "\n"


def _plan_lines(cal: Calibration) -> list[str]:
    """What the fixed plan of each campaign length buys (the campaign the figures are compared with)."""
    plans = cal.emulator.get("plans", [])
    if not plans:
        return []
    keys = list(plans[0])[1:]
    out = ["", "The fixed plan, per campaign length (weeks):", "",
           "| bought | " + " | ".join(str(p["weeks"]) for p in plans) + " |", "|---" * (len(plans) + 1) + "|"]
    out += [f"| {k} | " + " | ".join(f"{p.get(k, 0):g}" for p in plans) + " |" for k in keys]
    return out


def _posterior_csv(cal: Calibration) -> str:
    keys = [p.key for p in cal.model.priors]
    rows = ["draw," + ",".join(keys)]
    rows += [f"{i}," + ",".join(f"{v:.6g}" for v in row) for i, row in enumerate(cal.draws)]
    return "\n".join(rows) + "\n"


#: Posterior draws shipped with the defaults, for the bands with parameter uncertainty (evenly spaced in the
#: draw order, which the resampling has already shuffled).
BAND_DRAWS = 8


def _band_draws(cal: Calibration) -> list[dict[str, float]]:
    """A few posterior draws of the response parameters (not the scenario facts of the calibration campaign)."""
    keys = [p.key for p in cal.model.priors]
    n = len(cal.draws)
    rows = [cal.draws[int(i * n / BAND_DRAWS)] for i in range(min(BAND_DRAWS, n))]
    return [{k: round(float(v), 6) for k, v in zip(keys, row) if not k.startswith("calibration.")} for row in rows]


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def write_calibration(cal: Calibration, out: str | Path, observed: str | Path, scenario: str | Path, *,
                      command: str, defaults: str | Path | None = None) -> dict[str, Path]:
    """Write the calibration's files into ``out`` (and the posterior means into ``defaults`` when given)."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    prov = provenance(cal, observed, scenario)
    fit = {"provenance": prov, "figures": cal.figures, "parameters": cal.parameters, "emulator": cal.emulator,
           "checks": cal.checks, "abc": {"epsilons": list(cal.population.epsilons),
                                         "simulations": cal.population.simulations,
                                         "effective_sample_size": cal.population.ess}}
    files = {"posterior": d / "posterior.csv", "provenance": d / "provenance.json", "fit": d / "fit.json",
             "report": d / "fit.md", "run": d / "run.json"}
    atomic_write_text(files["posterior"], _posterior_csv(cal))
    atomic_write_text(files["provenance"], json.dumps(prov, indent=2) + "\n")
    atomic_write_text(files["fit"], json.dumps(_round(fit), indent=2) + "\n")
    atomic_write_text(files["report"], fit_markdown(cal, command))
    atomic_write_text(files["run"], json.dumps({"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                                                "timings_s": cal.timings}, indent=2) + "\n")
    if defaults is not None:
        atomic_write_text(defaults, json.dumps(defaults_document(cal, {**prov, "posterior": _rel(files["posterior"])}),
                                               indent=2) + "\n")
        files["defaults"] = Path(defaults)
    return files


def defaults_document(cal: Calibration, provenance: dict[str, Any]) -> dict[str, Any]:
    """The engine's defaults file: the informed parameters' posterior means (``means``), which parameters kept
    their documented values and why (``provenance``), and full posterior draws for the bands."""
    informed = [p for p in cal.parameters if p["informed"]]
    kept = [p for p in cal.parameters if not p["informed"]]
    return {"provenance": {**provenance, "informed": [p["key"] for p in informed],
                           "kept_documented": [p["key"] for p in kept], "identification": IDENTIFICATION_RULE},
            "means": {p["key"]: round(p["mean"], 6) for p in informed},
            "identification": {p["key"]: {"contraction": round(p["contraction"], 4), "shift": round(p["shift"], 4),
                                          "posterior_mean": round(p["mean"], 6)} for p in cal.parameters},
            "draws": _band_draws(cal)}
