"""``calibrate``: fit the response model's uncertain parameters to observed figures, with a leave-one-out check.

Steps: plan the campaign once per length of the grid; evaluate the closed
form on a Latin hypercube design and fit the emulator; ABC-SMC over the
fitted parameters with the ``fit`` figures; the posterior predictive of
every modelled figure; for each fitted figure, the same fit without it and
its prediction (leave-one-out); finally a handful of posterior draws
evaluated by the closed form (emulator check) and the Monte Carlo simulator
(surrogate check).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from outreach.parameters import DEFAULT_SEED

from . import forward
from .abc import Population, abc_smc, resample, weighted_quantiles
from .emulator import fit_emulator, latin_hypercube
from .model import FigureModel, build_priors, identification, prior_moments
from .observed import Observation, read_observed
from .registry import FIGURES, FITTED

Arr = NDArray[np.float64]
Progress = Callable[[str], None]
LEVEL = 0.90


@dataclass(frozen=True)
class Settings:
    """How hard to calibrate; every run with the same settings and seed gives the same bytes."""

    seed: int = DEFAULT_SEED
    #: Latin hypercube points: 2.2 x the quadratic's 55 terms over the 9 emulated parameters
    design: int = 120
    particles: int = 1000
    generations: int = 10
    weeks_grid: tuple[int, ...] = (8, 16, 24)
    draws: int = 1000
    check_draws: int = 4
    mc_replications: int = 20
    workers: int = 2
    time_limit_s: float = 10.0
    leave_one_out: bool = True
    #: How the fixed plan is made (:data:`.forward.PLAN_STRATEGIES`): ``greedy``, the campaign as described
    plan_strategy: str = "greedy"


@dataclass(frozen=True)
class Calibration:
    """Everything ``calibrate`` found (see :mod:`.report` for the files)."""

    observations: tuple[Observation, ...]
    model: FigureModel
    population: Population
    draws: Arr
    figures: list[dict[str, Any]]
    parameters: list[dict[str, Any]]
    emulator: dict[str, Any]
    checks: dict[str, Any]
    settings: Settings
    timings: dict[str, float] = field(default_factory=dict)


def _design(grid: Sequence[forward.FixedPlan], model_priors: Sequence[Any], settings: Settings,
            progress: Progress) -> tuple[Arr, list[dict[str, float]]]:
    """Latin hypercube over the emulated priors' ranges (lengths snapped to the grid) and its closed form."""
    emulated = [p for p, f in zip(model_priors, FITTED) if f.emulated]
    rng = np.random.default_rng([settings.seed, 1])
    u = latin_hypercube(settings.design, len(emulated), rng)
    values = np.column_stack([p.value(u[:, j]) for j, p in enumerate(emulated)])
    keys = [p.key for p in emulated]
    if "calibration.campaign_weeks" in keys:
        j = keys.index("calibration.campaign_weeks")
        values[:, j] = [forward.nearest(grid, w).weeks for w in values[:, j]]
    thetas = [dict(zip(keys, map(float, row))) for row in values]
    progress(f"Closed-form reach at {len(thetas)} design points")
    return values, forward.evaluate_design(grid, thetas, workers=settings.workers)


def _emulator_error(model: FigureModel, values: Arr, truth: Sequence[Mapping[str, float]],
                    loo: Mapping[str, Arr], seed: int) -> dict[str, float]:
    """Root mean square difference, per figure, of closed-form and leave-one-out emulated figures on the design."""
    rng = np.random.default_rng([seed, 2])
    u = np.column_stack([p.sample_unit(rng, len(values)) for p in model.priors])
    params = model.params(u)
    for j, k in enumerate(model.emulator.keys):
        params[k] = values[:, j]
    true_q = {k: np.array([t[k] for t in truth]) for k in truth[0]}
    return {k: float(np.sqrt(np.mean((spec.compute(params, true_q) - spec.compute(params, loo)) ** 2)))
            for k, spec in FIGURES.items()}


def _fit(model: FigureModel, obs: Sequence[Observation], settings: Settings) -> Population:
    return abc_smc(model.simulator(obs), np.array([o.value for o in obs]), model.noise_sd(obs), model.priors,
                   particles=settings.particles, generations=settings.generations, seed=settings.seed)


def _predictive(model: FigureModel, pop: Population, o: Observation, seed: int) -> tuple[float, float, float]:
    """Posterior-predictive mean and 90 % interval of one observed figure (its noise included)."""
    rng = np.random.default_rng([seed, 3])
    y = model.simulator([o])(pop.u, rng)[:, 0]
    lo, hi = weighted_quantiles(y, pop.weights, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return float(np.average(y, weights=pop.weights)), float(lo), float(hi)


def _figure_rows(model: FigureModel, obs: Sequence[Observation], pop: Population, settings: Settings,
                 progress: Progress) -> list[dict[str, Any]]:
    fit = [o for o in obs if o.role == "fit"]
    rows = []
    for o in obs:
        row: dict[str, Any] = {"key": o.key, "role": o.role, "observed": o.value, "sd": o.sd, "n": o.n,
                               "counts": o.counts, "measured": o.measured, "source": o.source}
        if o.role != "unmodelled":
            m, lo, hi = _predictive(model, pop, o, settings.seed)
            row["predictive"] = {"mean": m, "lo": lo, "hi": hi, "inside": lo <= o.value <= hi}
            loo_pop = pop
            if o.role == "fit" and len(fit) > 1 and settings.leave_one_out:
                progress(f"Leave-one-out: fitting without {o.key}")
                loo_pop = _fit(model, [f for f in fit if f is not o], settings)
            m, lo, hi = _predictive(model, loo_pop, o, settings.seed)
            row["leave_one_out"] = {"mean": m, "lo": lo, "hi": hi, "inside": lo <= o.value <= hi}
        rows.append(row)
    return rows


def _parameter_rows(model: FigureModel, pop: Population) -> list[dict[str, Any]]:
    values = pop.values(model.priors)
    rows = []
    for j, p in enumerate(model.priors):
        x = values[:, j]
        mean = float(np.average(x, weights=pop.weights))
        sd = float(np.sqrt(np.average((x - mean) ** 2, weights=pop.weights)))
        lo, hi = weighted_quantiles(x, pop.weights, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
        p_mean, p_sd = prior_moments(p)
        rows.append({"key": p.key, "prior": {"low": p.low, "high": p.high, "mean": p_mean, "sd": p_sd,
                                            "shape": "uniform" if p.beta is None else f"beta{p.beta}"},
                     "mean": mean, "sd": sd, "lo": float(lo), "hi": float(hi),
                     **identification(mean, sd, p_mean, p_sd)})
    return rows


def _checks(grid: Sequence[forward.FixedPlan], model: FigureModel, draws: Arr, settings: Settings,
            progress: Progress) -> dict[str, Any]:
    """Emulator against closed form, and closed form against Monte Carlo, at a few posterior draws."""
    keys = [p.key for p in model.priors]
    pick = np.unique(np.linspace(0, len(draws) - 1, settings.check_draws).astype(int))
    thetas = [dict(zip(keys, map(float, draws[i]))) for i in pick]
    progress(f"Checking {len(thetas)} posterior draws: closed form and Monte Carlo ({settings.mc_replications} runs)")
    closed = forward.evaluate_design(grid, thetas, workers=settings.workers)
    mc = [forward.monte_carlo(grid, t, replications=settings.mc_replications, seed=settings.seed) for t in thetas]
    emulated = model.quantities({k: np.array([t[k] for t in thetas]) for k in keys} | {
        k: np.full(len(thetas), v) for k, v in model.fixed.items() if k not in keys})
    out: dict[str, Any] = {"draws": [int(i) for i in pick], "quantities": {}}
    for q in closed[0]:
        c = np.array([x[q] for x in closed])
        out["quantities"][q] = {
            "closed_form": [round(float(v), 2) for v in c],
            "emulator": [round(float(v), 2) for v in emulated[q]],
            "monte_carlo": [round(float(x[q]), 2) for x in mc],
            "max_rel_diff_emulator": float(np.max(np.abs(emulated[q] - c) / np.maximum(c, 1.0))),
            "max_rel_diff_monte_carlo": float(np.max(np.abs(np.array([x[q] for x in mc]) - c) / np.maximum(c, 1.0))),
        }
    return out


def build_model(grid: Sequence[forward.FixedPlan], settings: Settings = Settings(), *,
                progress: Progress = lambda _s: None) -> FigureModel:
    """The figures as functions of the fitted parameters: closed form on a design, emulator and its error."""
    priors = build_priors()
    values, truth = _design(grid, priors, settings, progress)
    emulated = [p for p, f in zip(priors, FITTED) if f.emulated]
    emu, loo_q = fit_emulator([p.key for p in emulated], np.array([p.low for p in emulated]),
                              np.array([p.high for p in emulated]), values, truth)
    fixed = {k: float(v) for k, v in grid[0].campaign.params.items()}
    model = FigureModel(priors, fixed, emu, {})
    return FigureModel(priors, fixed, emu, _emulator_error(model, values, truth, loo_q, settings.seed))


def calibrate_plans(obs: Sequence[Observation], grid: Sequence[forward.FixedPlan], settings: Settings = Settings(),
                    *, progress: Progress = lambda _s: None, check: bool = True,
                    model: FigureModel | None = None) -> Calibration:
    """Calibrate against fixed plans already made (one per campaign length); see :func:`calibrate`.

    ``model`` (from :func:`build_model` on the same grid and settings) skips the design.
    """
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    if model is None:
        model = build_model(grid, settings, progress=progress)
    priors = model.priors
    emu = model.emulator
    t["design_s"] = time.perf_counter() - t0
    progress("ABC-SMC on the fitted figures")
    t1 = time.perf_counter()
    pop = _fit(model, [o for o in obs if o.role == "fit"], settings)
    draws = pop.values(priors)[resample(pop, settings.draws, settings.seed)]
    figures = _figure_rows(model, obs, pop, settings, progress)
    t["abc_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    checks = _checks(grid, model, draws, settings, progress) if check else {}
    t["check_s"] = time.perf_counter() - t2
    emulator = {"design_points": settings.design, "inputs": list(emu.keys), "figure_rmse": dict(model.emulator_sd),
                "quadratic_terms": int(emu.coef.shape[0]), "weeks_grid": [g.weeks for g in grid],
                "plans": [forward.plan_counts(g) for g in grid]}
    return Calibration(tuple(obs), model, pop, draws, figures, _parameter_rows(model, pop), emulator, checks,
                       settings, {k: round(v, 2) for k, v in t.items()})


def calibrate(observed: str | Path, scenario: str | Path, settings: Settings = Settings(), *,
              progress: Progress = lambda _s: None) -> Calibration:
    """Fit the registry's parameters (:data:`.registry.FITTED`) to the observed figures of a campaign.

    Parameters
    ----------
    observed : path
        ``OBSERVED.csv`` or an ``evaluation.csv`` of ``outreach evaluate``.
    scenario : path
        The campaign as it was run (``scenario.toml``).
    settings : Settings
        Seed, design size, particles, plans and checks.
    progress : callable, optional
        Called with a short label before each step.

    Returns
    -------
    Calibration
    """
    from outreach.scenario import load_campaign

    t0 = time.perf_counter()
    obs = read_observed(observed)
    campaign = load_campaign(scenario)
    progress(f"Planning the campaign once per length: {', '.join(map(str, settings.weeks_grid))} weeks")
    grid = forward.plan_grid(campaign, settings.weeks_grid, time_limit_s=settings.time_limit_s,
                             workers=settings.workers, strategy=settings.plan_strategy)
    plan_s = time.perf_counter() - t0
    cal = calibrate_plans(obs, grid, settings, progress=progress)
    timings = {"plan_s": round(plan_s, 2), **cal.timings, "total_s": round(time.perf_counter() - t0, 2)}
    return dataclasses.replace(cal, timings=timings)
