"""``outreach``: the command line.

Only this package talks to the terminal. Library errors
(:class:`~outreach.errors.InputError`) become a one-line message and exit
code 2, with no traceback and no output folder written.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, cast

import typer
from rich.markup import escape

from ._common import console, guarded

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

    from scenarios.outputs import Lang
    from scenarios.pipeline import Strategy

app = typer.Typer(
    name="outreach",
    help="Plan and simulate OWSO / Ombudsman awareness campaigns: budget, volunteers, loudspeaker routes, reach.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

STAGES = 7


def demo_scenario_path() -> Path:
    """The built-in default scenario shipped in the ``scenarios`` package."""
    return Path(str(resources.files("scenarios") / "demo.toml"))


def _progress() -> Progress:
    # rich's progress and table modules are imported on use: `outreach --help` answers without them
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=console, transient=False, disable=not console.is_terminal)


def _summary_table(summary: dict[str, Any]) -> Table:
    from rich.table import Table

    t = Table(title=summary["scenario"], show_header=True, header_style="bold")
    t.add_column("What")
    t.add_column("Value", justify="right")
    g, b, p, r = summary["geography"], summary["budget"], summary["plan"], summary["reach"]
    t.add_row("Districts / sangkats / villages", f"{g['districts']} / {g['sangkats']} / {g['villages']}")
    t.add_row("Households", f"{g['households']:,}")
    t.add_row("Budget planned / limit (USD)", f"{b['planned_usd']:,.0f} / {b['limit_usd']:,.0f}")
    for ch, usd in b["by_channel"].items():
        t.add_row(f"  {ch.replace('_', ' ')}", f"{usd:,.0f}")
    t.add_row("Door-to-door outings", f"{p['door_to_door_outings']:,}")
    t.add_row("Loudspeaker days / km", f"{p['loudspeaker_days']} / {p['loudspeaker_km']:,.0f}")
    t.add_row("Forums", str(p["forums"]))
    if "marginal_reach_per_100_usd" in b:
        t.add_row("Aware households per extra US$ 100", f"{b['marginal_reach_per_100_usd']:,.1f}")
    hr, ha = r["households_reached"], r["households_aware"]
    t.add_row("Households reached (5–95 %)", f"{hr['mean']:,.0f} ({hr['p05']:,.0f}–{hr['p95']:,.0f})")
    t.add_row("Households aware at the end, incl. already aware (5–95 %)",
              f"{ha['mean']:,.0f} ({ha['p05']:,.0f}–{ha['p95']:,.0f})")
    t.add_row("Women / men reached", f"{r['women_reached']['mean']:,.0f} / {r['men_reached']['mean']:,.0f}")
    if "households_met_at_door" in r:
        t.add_row("Households met at the door", f"{r['households_met_at_door']['mean']:,.0f}")
    if "people_met" in r:
        pm = r["people_met"]
        t.add_row("Women / men met (door, forums)", f"{pm['women']['mean']:,.0f} / {pm['men']['mean']:,.0f}")
        if "by_channel" in pm:
            ls = pm["by_channel"]["loudspeaker"]
            t.add_row("Women / men hearing the loudspeaker", f"{ls['women']['mean']:,.0f} / {ls['men']['mean']:,.0f}")
    if "people_informed" in r:
        pi = r["people_informed"]
        t.add_row("Women / men informed (one per household made aware)",
                  f"{pi['women']['mean']:,.0f} / {pi['men']['mean']:,.0f}")
    if "survey" in summary:
        s = summary["survey"]
        a = s["awareness_owso"]
        t.add_row("Survey: respondents, OWSO awareness",
                  f"{s['respondents']:,}, {a['mean']:.0%} ({a['lo']:.0%}–{a['hi']:.0%})")
    return t


def _settings(replications: Optional[int], time_limit: float, strategy: Strategy, workers: int,
              point_estimate: bool = False, robustness: bool = False) -> dict[str, Any]:
    """The planning options of a command line (:class:`scenarios.PlanOptions` fields)."""
    return {"replications": replications, "time_limit_s": time_limit, "strategy": strategy, "workers": workers,
            "point_estimate": point_estimate, "robustness": robustness}


def _run(scenario: Path, out: Path, settings: dict[str, Any], lang: Lang, pdf: bool, basemap: str = "none") -> None:
    """Plan ``scenario`` with the options ``settings`` (:func:`_settings`) and write its outputs."""
    from ..scenariofile import read_scenario

    read_scenario(scenario)  # a slip in scenario.toml is reported before the planners are even imported
    from scenarios import PlanOptions, output_files, plan_campaign, write_outputs

    from ..scenario import load_campaign

    with _progress() as progress:
        task = progress.add_task("Loading the scenario", total=STAGES)

        def step(label: str) -> None:
            progress.update(task, description=label, advance=1)

        campaign = load_campaign(scenario)
        # the PDFs start rendering once the roster is known, while the plan is simulated
        options = PlanOptions(**settings, pdf_lang=lang if pdf else None)
        result = plan_campaign(campaign, options, progress=step)
        step("Writing outputs")
        write_outputs(result, out, lang=lang, pdf=pdf, basemap=basemap)
        progress.update(task, description="Done", completed=STAGES)
    console.print(_summary_table(result.summary))
    from scenarios.uncertainty import robustness_line

    line = robustness_line(result.summary.get("allocation_under_uncertainty") or {})
    if line:
        console.print(escape(line), highlight=False)
    for note in result.summary["notes"]:
        console.print(f"[yellow]Note:[/] {escape(note)}", highlight=False)
    console.print(f"Outputs in [bold]{escape(str(out))}[/]: " + escape(", ".join(output_files(result))))


#: Processes for the re-solves and the simulation; the same bytes come out for any count.
WORKERS_OPTION = typer.Option(min=1, max=64, help="Processes to use (results do not depend on it).")
#: The allocation at the posterior means instead of the mean over the posterior's draws.
POINT_OPTION = typer.Option("--point-estimate", help="Allocate at the posterior means (default: the plan with the "
                                                      "best mean over the shipped posterior's draws).")
#: Each draw's own optimum and the chosen plan's regret.
ROBUSTNESS_OPTION = typer.Option("--robustness", help="Re-solve the allocation under each posterior draw: regret "
                                                      "of the chosen plan and channel shares that move (slower).")


#: An online background under the campaign map; off by default, so the map needs no network.
BASEMAP_OPTION = typer.Option(help="Background of map.html: none (default; works offline) or osm (OpenStreetMap "
                                   "tiles, loaded online; the map is complete without them).")


#: The map's backgrounds (``maps.campaign_map.BASEMAPS``), named here so that checking the option does not
#: import folium and pandas before a slip in the scenario is reported (a test keeps the two equal).
BASEMAPS = ("none", "osm")


def _basemap(basemap: str) -> str:
    from ..errors import InputError

    if basemap not in BASEMAPS:
        raise InputError(f"--basemap must be one of {', '.join(BASEMAPS)}, not '{basemap}'", field="--basemap")
    return basemap


def _lang(lang: str) -> Lang:
    from scenarios.outputs import LANGS

    from ..errors import InputError

    if lang not in LANGS:
        raise InputError(f"--lang must be km, en or both, not '{lang}'", field="--lang")
    return cast("Lang", lang)


def _strategy(strategy: str) -> Strategy:
    from scenarios.pipeline import STRATEGIES

    from ..errors import InputError

    if strategy not in STRATEGIES:
        raise InputError(f"--strategy must be one of {', '.join(STRATEGIES)}, not '{strategy}'", field="--strategy")
    return cast("Strategy", strategy)


@app.command()
@guarded
def plan(  # noqa: PLR0913 - typer makes every command-line option a parameter
    scenario: Annotated[Path, typer.Argument(help="The scenario.toml file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced).")] = Path("out/plan"),
    replications: Annotated[Optional[int], typer.Option(help="Monte Carlo replications.")] = None,
    time_limit: Annotated[float, typer.Option(help="Solver time cap in seconds (routing, roster).")] = 10.0,
    lang: Annotated[str, typer.Option(help="Schedule language: km, en or both.")] = "both",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write printable PDF schedules.")] = True,
    strategy: Annotated[str, typer.Option(help="Budget allocation: the exact model solved by scip (default) or "
                                               "cp-sat; or greedy (baseline).")] = "scip",
    workers: Annotated[int, WORKERS_OPTION] = 2,
    point_estimate: Annotated[bool, POINT_OPTION] = False,
    robustness: Annotated[bool, ROBUSTNESS_OPTION] = False,
    basemap: Annotated[str, BASEMAP_OPTION] = "none",
) -> None:
    """Plan a campaign from a scenario file and write maps, schedules, route sheets and the summary."""
    _run(scenario, out, _settings(replications, time_limit, _strategy(strategy), workers, point_estimate, robustness),
         _lang(lang), pdf, _basemap(basemap))


@app.command()
@guarded
def demo(  # noqa: PLR0913 - typer makes every command-line option a parameter
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced).")] = Path("out/demo"),
    replications: Annotated[Optional[int], typer.Option(help="Monte Carlo replications.")] = None,
    time_limit: Annotated[float, typer.Option(help="Solver time cap in seconds (routing, roster).")] = 10.0,
    lang: Annotated[str, typer.Option(help="Schedule language: km, en or both.")] = "both",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write printable PDF schedules.")] = True,
    strategy: Annotated[str, typer.Option(help="Budget allocation: the exact model solved by scip (default) or "
                                               "cp-sat; or greedy (baseline).")] = "scip",
    workers: Annotated[int, WORKERS_OPTION] = 2,
    point_estimate: Annotated[bool, POINT_OPTION] = False,
    robustness: Annotated[bool, ROBUSTNESS_OPTION] = False,
    basemap: Annotated[str, BASEMAP_OPTION] = "none",
) -> None:
    """Run the built-in demo: Pursat, Kampong Chhnang and Chbar Mon (synthetic village positions)."""
    settings = _settings(replications, time_limit, _strategy(strategy), workers, point_estimate, robustness)
    _run(demo_scenario_path(), out, settings, _lang(lang), pdf, _basemap(basemap))


def _interactive() -> bool:
    """True when a person sits at the terminal (questions may be asked); never in CI or a pipe."""
    import sys

    return sys.stdin.isatty()


@app.command()
@guarded
def init(
    districts: Annotated[list[str], typer.Argument(help="District code(s), e.g. 0203, then the folder.")],
    owso: Annotated[Optional[list[str]], typer.Option(
        help="Where the OWSO is, DISTRICT=LAT,LON (repeat per district); asked for when omitted at a terminal.")
    ] = None,
) -> None:
    """Write a ready-to-fill scenario folder: outreach init DISTRICT_CODE [DISTRICT_CODE ...] DIR."""
    from .. import gazetteer
    from ..errors import InputError
    from ..init import parse_depot, parse_owso_options, write_scenario_folder

    if len(districts) < 2:
        raise InputError("give at least one district code and the folder, e.g. 'outreach init 0203 battambang'")
    *codes, folder = districts
    depots = parse_owso_options(owso or [])
    if _interactive():
        for code in codes:
            d = gazetteer.district_listing(code).district
            if d.code in depots:
                continue
            answer = typer.prompt(f"Where is the OWSO of {d.name_en} ({d.code})? lat, lon "
                                  "(Enter: fill it in scenario.toml later)", default="", show_default=False)
            if answer.strip():
                depots[d.code] = parse_depot(answer)
    files = write_scenario_folder(codes, Path(folder), depots=depots)
    console.print(f"Wrote {len(files)} files to [bold]{escape(str(folder))}[/]: "
                  + escape(", ".join(f.name for f in files)))
    missing = [c for c in codes if gazetteer.normalize_district_code(c) not in depots]
    if missing:
        console.print("The OWSO position of " + ", ".join(missing) + " is not set: the loudspeaker's day starts at "
                      "the district's centre until you add lat/lon under [resources] vehicles.", markup=False,
                      highlight=False)


@app.command()
@guarded
def simulate(
    plan_dir: Annotated[Path, typer.Argument(help="A folder written by 'outreach plan'.")],
    seed: Annotated[Optional[int], typer.Option(help="Random seed (default: the scenario's).")] = None,
    replications: Annotated[Optional[int], typer.Option(help="Monte Carlo replications.")] = None,
    scenario: Annotated[Optional[Path], typer.Option(help="Scenario file, if it moved since planning.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write reach.json here (default: print only).")] = None,
    workers: Annotated[int, WORKERS_OPTION] = 2,
) -> None:
    """Re-simulate a saved plan with another seed or more replications."""
    from ..atomic import atomic_write_text
    from ..planfile import load_plan_dir, scenario_of_plan
    from ..scenario import load_campaign
    from ..simulate import simulate as run_sim
    from ..summary import build_summary

    data, saved = load_plan_dir(plan_dir)
    campaign = load_campaign(scenario_of_plan(plan_dir, data, scenario))
    with console.status("Simulating household reach"):
        reach = run_sim(campaign, saved, replications=replications, seed=seed, workers=workers)
    s = build_summary(campaign, saved, reach)
    s["seed"] = reach.seed
    console.print(_summary_table(s))
    if out is not None:
        atomic_write_text(out, json.dumps({"seed": reach.seed, "replications": reach.replications,
                                           "reach": s["reach"], "budget": s["budget"]}, indent=2))
        console.print(f"Wrote {out}", markup=False)


# Sub-commands that live in their own modules.
from .calibrate import calibrate_command  # noqa: E402
from .compare import compare_command, sweep_command  # noqa: E402
from .replan import replan_command  # noqa: E402
from .sensitivity import sensitivity_command  # noqa: E402
from .survey import evaluate_command, survey_app  # noqa: E402

app.add_typer(survey_app, name="survey", help="Questionnaire, survey import and priorities.")
app.command(name="evaluate")(evaluate_command)
app.command(name="replan")(replan_command)
app.command(name="calibrate")(calibrate_command)
app.command(name="compare")(compare_command)
app.command(name="sweep")(sweep_command)
app.command(name="sensitivity")(sensitivity_command)


def main() -> None:  # pragma: no cover - console entry point
    app()
