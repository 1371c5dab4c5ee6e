"""``outreach compare`` and ``outreach sweep``: parse, call :mod:`scenarios`, print where the report is.

The work is in ``scenarios.compare``, ``scenarios.sweep`` and
``scenarios.districts``, imported inside the commands so ``outreach --help``
stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape

from ._common import console, guarded

if TYPE_CHECKING:
    from scenarios.pipeline import PlanOptions

_STRATEGY_HELP = "Budget allocation: scip, cp-sat or greedy (the fast baseline)."


def _say(label: str) -> None:
    console.print(f"[dim]{escape(label)}[/]", highlight=False)


@guarded
def compare_command(
    inputs: Annotated[list[Path], typer.Argument(help="Scenario files (planned) or plan folders (re-simulated, "
                                                      "never re-planned); the first is the reference.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report and each scenario's outputs.")] =
    Path("out/compare"),
    seed: Annotated[Optional[int], typer.Option(help="The common seed (default: the first scenario's).")] = None,
    replications: Annotated[Optional[int], typer.Option(help="Monte Carlo replications.")] = None,
    time_limit: Annotated[float, typer.Option(help="Solver time cap in seconds (routing, roster).")] = 10.0,
    strategy: Annotated[str, typer.Option(help=_STRATEGY_HELP)] = "scip",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="PDF schedules in each planned scenario's outputs.")]
    = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes for the simulation.")] = 2,
) -> None:
    """Compare scenarios side by side, with the difference from the first on common random numbers."""
    import time

    from scenarios import PlanOptions
    from scenarios.compare import run_comparison
    from scenarios.compare_report import write_comparison

    from . import _strategy

    t0 = time.perf_counter()
    options = PlanOptions(replications=replications, time_limit_s=time_limit, strategy=_strategy(strategy),
                          workers=workers, margins=False)
    cmp = run_comparison(inputs, out, options, seed=seed, pdf=pdf, progress=_say)
    files = write_comparison(cmp, out)
    console.print(f"Compared {len(cmp.entries)} scenarios (seed {cmp.seed}, {cmp.replications} replications) in "
                  f"{time.perf_counter() - t0:.0f} s. Report: [bold]{escape(str(files[0]))}[/]", highlight=False)


@guarded
def sweep_command(  # noqa: PLR0913 - typer makes every command-line option a parameter
    scenario: Annotated[Optional[Path], typer.Argument(help="The scenario.toml to sweep.")] = None,
    budget: Annotated[Optional[str], typer.Option(help="Budget limits START:STOP:STEP in US$, "
                                                       "e.g. 3000:20000:1000.")] = None,
    volunteers: Annotated[Optional[str], typer.Option(help="Volunteer counts START:STOP:STEP.")] = None,
    weeks: Annotated[Optional[str], typer.Option(help="Campaign weeks START:STOP:STEP.")] = None,
    villages: Annotated[Optional[Path], typer.Option(help="Many districts: a village file covering them "
                                                          "(e.g. a national census points file).")] = None,
    districts: Annotated[Optional[str], typer.Option(help="With --villages: a province (2 digits), districts "
                                                          "(4 digits, comma-separated) or 'all'.")] = None,
    rules: Annotated[Optional[Path], typer.Option(help="With --villages: the sweep file (TOML) with the "
                                                       "resource rule.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out/sweep"),
    replications: Annotated[Optional[int], typer.Option(help="Monte Carlo replications (default 50).")] = 50,
    time_limit: Annotated[float, typer.Option(help="Solver time cap in seconds (routing, roster).")] = 5.0,
    strategy: Annotated[str, typer.Option(help=_STRATEGY_HELP + " Default greedy: a sweep plans many "
                                                               "times.")] = "greedy",
    workers: Annotated[Optional[int], typer.Option(min=1, max=64, help="Processes (points at a time); with "
                                                                       "--villages: a Dask LocalCluster of N "
                                                                       "workers.")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="With --villages: a Dask scheduler, "
                                                          "tcp://HOST:PORT.")] = None,
) -> None:
    """Sweep a budget, volunteer count or weeks (the awareness curve and its knee), or plan many districts."""
    import time

    from scenarios.sweep import sweep_options

    from ..errors import InputError
    from . import _strategy

    t0 = time.perf_counter()
    options = sweep_options(replications, time_limit, _strategy(strategy), workers or 2)
    if villages is not None or districts is not None:
        _districts(villages, districts, rules, out, options, workers, scheduler)
    else:
        if scenario is None:
            raise InputError("give the scenario file to sweep (or --villages FILE --districts CODE)")
        _one_scenario(scenario, budget, volunteers, weeks, out, options)
    console.print(f"Done in {time.perf_counter() - t0:.0f} s.", highlight=False)


def _one_scenario(scenario: Path, budget: str | None, volunteers: str | None, weeks: str | None, out: Path,
                  options: PlanOptions) -> None:
    from scenarios.sweep import parse_range, run_sweep
    from scenarios.sweep_report import sweep_knee, write_sweep

    from ..errors import InputError
    from ..scenario import load_campaign

    given = {k: v for k, v in (("budget", budget), ("volunteers", volunteers), ("weeks", weeks)) if v is not None}
    if len(given) != 1:
        raise InputError("give exactly one of --budget, --volunteers or --weeks as START:STOP:STEP")
    (axis, text), = given.items()
    low = {"budget": 1.0, "volunteers": 2.0, "weeks": 1.0}[axis]
    values = parse_range(text, f"--{axis}", integer=axis != "budget", low=low)
    if axis == "weeks" and values[-1] > 52:
        raise InputError(f"'{text}' goes beyond 52 weeks", field="--weeks")
    campaign = load_campaign(scenario)
    sweep = run_sweep(campaign, axis, values, options, progress=_say)
    files = write_sweep(sweep, out)
    k = sweep_knee(sweep)
    console.print(f"Knee: {k:,.0f}" if k is not None else "No knee on this sweep", highlight=False)
    console.print(f"Report: [bold]{escape(str(files[0]))}[/]", highlight=False)


def _districts(villages: Path | None, districts: str | None, rules: Path | None, out: Path, options: PlanOptions,
               workers: int | None, scheduler: str | None) -> None:
    from scenarios.districts import load_rules, run_districts, select_districts
    from scenarios.districts_report import write_districts

    from ..errors import InputError

    if villages is None or districts is None:
        raise InputError("many districts need both --villages FILE and --districts (a province, districts or all)")
    rule = load_rules(rules)
    jobs, skipped = select_districts(villages, districts, rule, out)
    _say(f"{len(jobs)} districts to plan, {len(skipped)} skipped")
    results = run_districts(jobs, options, workers=workers, scheduler=scheduler, progress=_say)
    files = write_districts(results, skipped, rule, out)
    console.print(f"Report: [bold]{escape(str(files[0]))}[/]", highlight=False)


__all__ = ["compare_command", "sweep_command"]
