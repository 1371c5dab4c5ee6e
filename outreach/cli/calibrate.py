"""``outreach calibrate OBSERVED.csv --scenario S.toml --out DIR``: fit the response model to observed figures."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import console, guarded


@guarded
def calibrate_command(
    observed: Annotated[Path, typer.Argument(help="OBSERVED.csv (key, value, sd or n, counts, measured, source, "
                                                  "role) or an evaluation.csv from 'outreach evaluate'.")],
    scenario: Annotated[Path, typer.Option(help="The campaign as it was run (scenario.toml).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the posterior and the fit report.")],
    seed: Annotated[Optional[int], typer.Option(help="Seed (default: the documented one).")] = None,
    design: Annotated[int, typer.Option(help="Closed-form evaluations for the emulator.")] = 120,
    particles: Annotated[int, typer.Option(help="ABC-SMC particles.")] = 1000,
    weeks: Annotated[str, typer.Option(help="Campaign lengths planned (weeks, comma-separated).")] = "8,16,24",
    defaults: Annotated[Optional[Path], typer.Option(help="Also write the posterior means here as the engine's "
                                                          "defaults (outreach/data/calibrated.json).")] = None,
) -> None:
    """Fit the uncertain response parameters to observed figures (ABC-SMC), with a leave-one-out check."""
    from outreach.errors import InputError
    from outreach.parameters import DEFAULT_SEED
    from scenarios.calibration import Settings, calibrate, write_calibration

    try:
        grid = tuple(int(w) for w in weeks.split(",") if w.strip())
    except ValueError:
        raise InputError(f"'{weeks}' is not a comma-separated list of weeks", field="--weeks") from None
    settings = Settings(seed=DEFAULT_SEED if seed is None else seed, design=design, particles=particles,
                        weeks_grid=grid)
    with console.status("Calibrating") as status:
        cal = calibrate(observed, scenario, settings, progress=lambda s: status.update(s))
    # The command as the files should quote it: from the options, not from how the program was launched.
    words = [str(observed), "--scenario", str(scenario), "--out", str(out)]
    for name, value, default in (("--seed", seed, None), ("--design", design, 120), ("--particles", particles, 1000),
                                 ("--weeks", weeks, "8,16,24"), ("--defaults", defaults, None)):
        if value != default:
            words += [name, str(value)]
    command = "outreach calibrate " + " ".join(shlex.quote(w) for w in words)
    files = write_calibration(cal, out, observed, scenario, command=command, defaults=defaults)
    for f in cal.figures:
        pp, loo = f.get("predictive"), f.get("leave_one_out")
        if pp is None or loo is None:
            console.print(f"{f['key']}: {f['observed']:g} (not modelled)", markup=False, highlight=False)
            continue
        console.print(f"{f['key']}: {f['observed']:g}; predictive {pp['lo']:.4g}-{pp['hi']:.4g}"
                      f"{'' if pp['inside'] else ' OUTSIDE'}; leave-one-out {loo['lo']:.4g}-{loo['hi']:.4g}"
                      f"{'' if loo['inside'] else ' OUTSIDE'}", markup=False, highlight=False)
    console.print(f"Wrote {', '.join(str(p) for p in files.values())} in {cal.timings['total_s']:.0f} s",
                  markup=False, highlight=False)
