"""``outreach survey ...`` commands and the ``outreach evaluate`` command function.

The CLI root registers ``survey_app`` under the name ``survey`` and
``evaluate_command`` as the top-level ``evaluate`` command.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..atomic import atomic_dir
from ..errors import InputError
from ._common import console, guarded

if TYPE_CHECKING:
    from ..model import Geography

# The survey and loading modules (pandas, scipy) are imported inside each command:
# `outreach --help` and the other commands must not wait seconds for them.

survey_app = typer.Typer(help="Awareness surveys: questionnaire, import and priorities.", no_args_is_help=True)


def _geography_for(scenario: Path | None, villages: Path | None) -> Geography:
    """The campaign area from a villages list (:func:`outreach.io.load_village_list`) or from a scenario."""
    from ..io import load_village_list

    if villages is not None:
        return load_village_list(villages)
    if scenario is None:
        raise InputError("give --scenario or --villages to say which villages the survey covers", field="--scenario")
    from ..scenario import load_campaign

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
    from ..survey import write_form

    geo = _geography_for(scenario, villages) if (scenario or villages) else None
    with atomic_dir(out) as tmp:
        files = write_form(tmp, geo)
    for f in files.values():
        console.print(f"wrote {Path(out) / f.name}", markup=False)


@survey_app.command("summarize")
@guarded
def summarize_command(
    survey: Annotated[Path, typer.Argument(help="Survey export (.csv or .xlsx, Kobo/ODK or own columns).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    scenario: Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario file.")] = None,
    villages: Annotated[Path | None, typer.Option("--villages", help="Villages CSV instead of a scenario.")] = None,
) -> None:
    """Estimate awareness by village and sangkat and write priorities and a report."""
    from ..survey import build_priorities, estimate, import_survey, write_survey_report

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
                  + (f" ({rep.rows_dropped} dropped: see import_report.csv)" if rep.rows_dropped else ""), markup=False)
    o = result.overall["owso"]
    console.print(f"aware of the OWSO: {o.mean:.0%} (90 % interval {o.lo:.0%}-{o.hi:.0%}); report in {out}",
                  markup=False)


@guarded
def evaluate_command(
    baseline: Annotated[Path, typer.Argument(help="Baseline survey export.")],
    followup: Annotated[Path, typer.Argument(help="Follow-up survey export.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    plan: Annotated[Path | None, typer.Option("--plan", help="Plan folder with summary.json (forecast).")] = None,
    villages: Annotated[Path | None, typer.Option("--villages", help="Villages CSV (enables shrinkage).")] = None,
) -> None:
    """Compare a baseline and a follow-up survey, beside the plan's forecast."""
    from ..io import load_village_list
    from ..survey import evaluate, write_evaluation

    geo = load_village_list(villages) if villages is not None else None
    ev = evaluate(baseline, followup, geography=geo, plan=plan)
    with atomic_dir(out) as tmp:
        write_evaluation(ev, tmp, geo)
    try:
        c = ev.get("owso", "overall", "all").change
        console.print(f"OWSO awareness change: {c.mean * 100:+.1f} points (90 % interval "
                      f"{c.lo * 100:+.1f} to {c.hi * 100:+.1f}); report in {out}", markup=False)
    except KeyError:
        console.print(f"report in {out}", markup=False)
