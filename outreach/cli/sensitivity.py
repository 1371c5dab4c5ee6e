"""``outreach sensitivity SCENARIO --out DIR``: which response parameters the plan's outcome depends on most."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ._common import console, guarded


def _command(scenario: Path, out: Path, options: list[tuple[str, object, object]]) -> str:
    """The command as the files quote it: from the options given, not from how the program was launched."""
    words = [str(scenario), "--out", str(out)]
    for name, value, default in options:
        if value != default:
            words += [name, str(value)]
    return "outreach sensitivity " + " ".join(shlex.quote(w) for w in words)


@guarded
def sensitivity_command(  # noqa: PLR0913 - typer makes every command-line option a parameter
    scenario: Annotated[Path, typer.Argument(help="The scenario.toml to plan once and analyse.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for sensitivity.json, .csv and report.html.")],
    seed: Annotated[Optional[int], typer.Option(help="Seed of the design, sample and bootstrap (default: the "
                                                     "documented one).")] = None,
    design: Annotated[int, typer.Option(help="Closed-form evaluations the emulators are fitted on.")] = 160,
    samples: Annotated[int, typer.Option(help="Saltelli base sample (a power of 2), on the emulators.")] = 4096,
    ranges: Annotated[str, typer.Option(help="posterior: fitted parameters over the shipped posterior's 5-95 %, "
                                             "others over their documented range; documented: all documented.")]
    = "posterior",
    strategy: Annotated[str, typer.Option(help="Budget allocation: scip, cp-sat or greedy.")] = "scip",
    time_limit: Annotated[float, typer.Option(help="Solver time cap in seconds (routing, roster).")] = 10.0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes for the closed-form evaluations (results "
                                                             "do not depend on it).")] = 2,
) -> None:
    """Rank the response parameters by their share of the variance in end awareness and in the plan's value."""
    import time

    from outreach.parameters import DEFAULT_SEED
    from outreach.scenario import load_campaign
    from scenarios.sensitivity import OUTPUTS, Settings, check_settings, sensitivity, write_sensitivity
    from scenarios.sensitivity.report import sensitivity_doc, top

    from . import _strategy

    t0 = time.perf_counter()
    settings = Settings(seed=DEFAULT_SEED if seed is None else seed, design=design, samples=samples, ranges=ranges,
                        workers=workers, time_limit_s=time_limit, strategy=_strategy(strategy))
    check_settings(settings)
    campaign = load_campaign(scenario)
    with console.status("Sensitivity") as status:
        sens = sensitivity(campaign, settings, progress=lambda s: status.update(s))
    command = _command(scenario, out, [("--seed", seed, None), ("--design", design, 160),
                                       ("--samples", samples, 4096), ("--ranges", ranges, "posterior"),
                                       ("--strategy", strategy, "scip"), ("--time-limit", time_limit, 10.0)])
    files = write_sensitivity(sens, out, command=command)
    doc = sensitivity_doc(sens, command=command)
    for output in OUTPUTS:
        e = doc["outputs"][output]["emulator"]
        flag = "" if e["reliable"] else " TOO INACCURATE: raise --design"
        console.print(f"{output}: emulator leave-one-out Q2 {e['loo_q2']:.3f}{flag}; top five by total order: "
                      + "; ".join(f"{p['key']} {p[output]['total']:.2f}" for p in top(doc, output)),
                      markup=False, highlight=False)
    console.print(f"Wrote {', '.join(str(p) for p in files.values())} in {time.perf_counter() - t0:.0f} s. "
                  f"Report: [bold]{escape(str(files['html']))}[/]", highlight=False)
