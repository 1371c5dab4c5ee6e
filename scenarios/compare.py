"""Compare scenarios side by side, with the difference of each from the first on common random numbers.

Every scenario is simulated with one seed (``--seed``, else the first
scenario's). The simulator draws every village's numbers from a stream keyed
by the seed and the village (:mod:`outreach.simulate.streams`), so two plans
of the same area meet the same households, the same weather of chance, in
replication ``r``. The difference of replication ``r``'s totals is then the
effect of the plan alone, and its 5-95 % band (over replications) is much
narrower than what the two scenarios' own bands would suggest if they were
independent (:func:`independent_band`, shown next to it for the reader).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from outreach.errors import InputError
from outreach.model import Band, Campaign, Plan
from outreach.simulate import SimulationResult

from .pipeline import PlanOptions, read_survey

Progress = Callable[[str], None]

#: The per-replication totals compared, with their labels, in report order.
MEASURES: dict[str, str] = {
    "households_reached": "Households reached",
    "households_aware": "Households aware at the end (incl. already aware)",
    "newly_aware": "Households newly aware",
    "women_reached": "Women reached (living in reached households)",
    "men_reached": "Men reached (living in reached households)",
    "women_met": "Women met (door visits, forums)",
    "men_met": "Men met (door visits, forums)",
}


@dataclass(frozen=True)
class Compared:
    """One scenario of a comparison: its plan, simulated with the comparison's seed.

    ``outputs`` is the folder of its full outputs (summary, map, schedules),
    None when there is none.
    """

    name: str
    source: str
    campaign: Campaign
    plan: Plan
    sim: SimulationResult
    outputs: Path | None


@dataclass(frozen=True)
class Comparison:
    """Scenarios simulated on common random numbers; the first is the reference."""

    entries: tuple[Compared, ...]
    seed: int
    replications: int

    def same_area(self, i: int) -> bool:
        """True when scenario ``i`` has the first's villages and households (its difference is on CRN)."""
        a, b = self.entries[0].campaign.geography, self.entries[i].campaign.geography
        return [(v.code, v.households) for v in a.villages] == [(v.code, v.households) for v in b.villages]


def _quantiles(x: NDArray[np.float64]) -> Band:
    return Band(float(x.mean()), float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95)))


def band_of(values: NDArray[np.float64]) -> Band:
    """Mean and 5-95 % band over replications, as the simulator reports them."""
    return _quantiles(np.asarray(values, dtype=float))


def difference_band(first: NDArray[np.float64], other: NDArray[np.float64]) -> Band:
    """Band of ``other - first`` from the per-replication differences (common random numbers)."""
    return _quantiles(np.asarray(other, dtype=float) - np.asarray(first, dtype=float))


def independent_band(first: NDArray[np.float64], other: NDArray[np.float64]) -> Band:
    """The band of ``other - first`` one would state from the two bands alone, as if independent.

    Each side's distance from mean to band edge is combined in quadrature:
    the difference's lower edge takes ``other``'s lower and ``first``'s upper
    half-width. Shown only to say how much the common random numbers gain.
    """
    a, b = band_of(first), band_of(other)
    d = b.mean - a.mean
    lo = float(np.hypot(b.mean - b.p05, a.p95 - a.mean))
    hi = float(np.hypot(b.p95 - b.mean, a.mean - a.p05))
    return Band(d, d - lo, d + hi)


def _parts(path: Path) -> list[str]:
    """The path's folders from the innermost out, naming what it is (a ``scenario.toml`` by its folder)."""
    p = path.resolve()
    if p.suffix == ".toml":
        p = p.parent if p.stem == "scenario" else p.with_suffix("")
    return [part for part in reversed(p.parts) if part not in ("/", "")]


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text) or "scenario"


def scenario_names(paths: Sequence[Path]) -> list[str]:
    """Short names that tell the scenarios apart, also as folder names.

    Each is the file's or folder's own name (a ``scenario.toml`` by its folder); where two different paths
    share it, their parent folders are added (``battambang-plan``, ``battambang-8000-plan``) until they
    differ. The same path given twice is numbered (``plan``, ``plan-2``).
    """
    parts = [_parts(p) for p in paths]
    depth = [1] * len(paths)
    while True:
        names = ["-".join(reversed(pp[:d])) for pp, d in zip(parts, depth)]
        grown = False
        for i, name in enumerate(names):
            clash = [j for j, n in enumerate(names) if n == name and parts[j] != parts[i]]
            if clash and depth[i] < len(parts[i]):
                depth[i] += 1
                grown = True
        if not grown:
            break
    out: list[str] = []
    for name in map(_safe, names):
        unique, k = name, 2
        while unique in out:
            unique, k = f"{name}-{k}", k + 1
        out.append(unique)
    return out


def _check_inputs(paths: Sequence[Path]) -> None:
    if not paths:
        raise InputError("give at least one scenario file or plan folder to compare")
    for p in paths:
        if not p.exists():
            raise InputError("no such scenario file or plan folder", file=str(p))
        if p.is_dir() and not (p / "plan.json").is_file():
            raise InputError("this folder has no plan.json: give a scenario file or a folder written by "
                             "'outreach plan'", file=str(p))


def _simulate(campaign: Campaign, plan: Plan, seed: int, options: PlanOptions) -> SimulationResult:
    from outreach.simulate import SimulationOptions, simulate_detailed

    survey = read_survey(campaign)
    priorities = survey.priorities if survey is not None else None
    return simulate_detailed(campaign, plan, SimulationOptions(replications=options.replications, seed=seed,
                                                               priorities=priorities, workers=options.workers))


def _from_plan_dir(path: Path) -> tuple[Campaign, Plan]:
    from outreach.planfile import load_plan_dir, scenario_of_plan
    from outreach.scenario import load_campaign

    data, plan = load_plan_dir(path)
    return load_campaign(scenario_of_plan(path, data)), plan


def run_comparison(paths: Sequence[str | Path], out: str | Path, options: PlanOptions, *, seed: int | None = None,
                   pdf: bool = False, progress: Progress | None = None) -> Comparison:
    """Plan (scenario files) or read (plan folders) every scenario, then simulate all with one seed.

    Parameters
    ----------
    paths : sequence of path
        Scenario files (``.toml``: planned, full outputs written to
        ``out/<name>/``) or folders written by ``outreach plan`` (their saved
        plan is re-simulated, never re-planned); the first is the reference.
    out : path
        The comparison's folder (the per-scenario outputs go under it).
    options : PlanOptions
        Planning effort, replications and simulation workers.
    seed : int, optional
        The common seed; default the first scenario's.
    pdf : bool
        Also write PDF schedules in each planned scenario's outputs.
    progress : callable, optional
        Called with a short label before each step.

    Returns
    -------
    Comparison
    """
    from outreach.scenario import load_campaign

    from .outputs import write_outputs
    from .pipeline import plan_campaign

    say = progress or (lambda _s: None)
    files = [Path(p) for p in paths]
    _check_inputs(files)
    loaded: list[tuple[str, Path, Campaign, Plan, Path | None]] = []
    for p, name in zip(files, scenario_names(files)):
        if p.is_dir():
            say(f"Reading the saved plan {p}")
            campaign, plan = _from_plan_dir(p)
            loaded.append((name, p, campaign, plan, p))
            continue
        say(f"Planning {p}")
        campaign = load_campaign(p)
        result = plan_campaign(campaign, options)
        target = Path(out) / name
        write_outputs(result, target, pdf=pdf)
        loaded.append((name, p, campaign, result.plan, target))
    common = seed if seed is not None else loaded[0][2].seed
    entries = []
    for name, p, campaign, plan, outputs in loaded:
        say(f"Simulating {name} (seed {common})")
        sim = _simulate(campaign, plan, common, options)
        entries.append(Compared(name, str(p), campaign, plan, sim, outputs))
    return Comparison(tuple(entries), common, entries[0].sim.reach.replications)


__all__ = ["MEASURES", "Compared", "Comparison", "band_of", "difference_band", "independent_band",
           "run_comparison"]
