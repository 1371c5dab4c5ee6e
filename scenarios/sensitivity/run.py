"""``sensitivity``: which response parameters the plan's outcome depends on most (global Sobol indices).

Steps: plan the scenario once (survey, allocation and routes, roster, as
``outreach plan`` does); evaluate the plan in closed form on a Latin
hypercube over the response parameters' ranges (:mod:`.space`); fit an
emulator of each output (:mod:`.surrogate`) and measure its leave-one-out
error; Sobol indices of the emulator on a Saltelli sample (:mod:`.sobol`).

The two outputs, for the fixed plan:

* ``end_awareness``: the share of the campaign's households aware at its
  end, already aware included (``households_aware`` of
  :func:`outreach.simulate.expected_reach`, the closed form the Monte Carlo
  simulator agrees with), divided by the households;
* ``plan_value``: what the allocation maximises, for the plan chosen:
  ``sum_v w_v (A_v - b_v h_v)``, the newly aware households of each village
  under the optimiser's response model (:func:`optimizer.allocation.evaluate_allocation`:
  aware households ``A_v`` at the end minus the ``b_v h_v`` aware before),
  weighted by the survey's priority weights ``w_v`` (1 without a survey).
  The penalties for unmet targets that the solver also weighs are not in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from outreach.model import Campaign, Plan, Priorities
from outreach.parameters import DEFAULT_SEED

from ..calibration.emulator import latin_hypercube
from .sobol import Indices, saltelli_sample, sobol_indices
from .space import BY_CHANNEL, Input, bounds, channels_bought, response_inputs
from .surrogate import POINTS_PER_TERM, Surrogate, fit_surrogate

Arr = NDArray[np.float64]
Progress = Callable[[str], None]

#: The outputs, and what each counts.
OUTPUTS: Mapping[str, str] = {
    "end_awareness": "share of households aware at the campaign's end, already aware included (closed form)",
    "plan_value": "the allocation's objective for the chosen plan: priority-weighted newly aware households "
                  "(optimiser's response model, no target penalties)",
}

#: The most inputs any plan can have (every channel bought), for validating the design size before planning.
MAX_INPUTS = 6 + sum(len(v) for v in BY_CHANNEL.values())

#: The smallest design that fits the emulator of every plan.
MIN_DESIGN = int(np.ceil(POINTS_PER_TERM * (1 + 2 * MAX_INPUTS)))


@dataclass(frozen=True)
class Settings:
    """How hard to look; the same settings and seed give the same bytes."""

    seed: int = DEFAULT_SEED
    design: int = 160
    samples: int = 4096
    resamples: int = 1000
    ranges: str = "posterior"
    workers: int = 2
    time_limit_s: float = 10.0
    strategy: str = "scip"


@dataclass(frozen=True)
class FixedPlan:
    """The scenario planned once: campaign, plan and the survey's priorities (None without a survey)."""

    campaign: Campaign
    plan: Plan
    priorities: Priorities | None


@dataclass(frozen=True)
class OutputResult:
    """One output: its emulator and the Sobol indices of its inputs."""

    surrogate: Surrogate
    indices: Indices
    planned: float


@dataclass(frozen=True)
class Sensitivity:
    """Everything ``sensitivity`` found (see :mod:`.report` for the files)."""

    scenario: str
    inputs: tuple[Input, ...]
    channels: tuple[str, ...]
    outputs: Mapping[str, OutputResult]
    settings: Settings


def check_settings(settings: Settings) -> None:
    """Refuse settings the analysis cannot use, before any planning (:class:`~outreach.errors.InputError`)."""
    from outreach.errors import InputError

    from .space import RANGES

    if settings.design < MIN_DESIGN:
        raise InputError(f"--design {settings.design} is too small: the emulator needs at least {MIN_DESIGN} "
                         "closed-form evaluations", field="--design")
    n = settings.samples
    if n < 64 or n & (n - 1):
        raise InputError(f"--samples must be a power of 2, at least 64 (got {n})", field="--samples")
    if settings.ranges not in RANGES:
        raise InputError(f"--ranges must be one of {', '.join(RANGES)}, not '{settings.ranges}'", field="--ranges")
    if settings.resamples < 10:
        raise InputError(f"--resamples must be at least 10 (got {settings.resamples})", field="--resamples")


def plan_once(campaign: Campaign, settings: Settings = Settings()) -> FixedPlan:
    """Plan the scenario as ``outreach plan`` does (survey priorities, allocation and routes, roster)."""
    from scenarios.pipeline import PlanOptions, plan_only, read_survey

    survey = read_survey(campaign)
    priorities = survey.priorities if survey is not None else None
    options = PlanOptions(time_limit_s=settings.time_limit_s, strategy=settings.strategy)  # type: ignore[arg-type]
    return FixedPlan(campaign, plan_only(campaign, priorities, options), priorities)


def evaluate_point(fp: FixedPlan, theta: Mapping[str, float]) -> dict[str, float]:
    """Both outputs of the fixed plan with the parameters ``theta`` (others as the scenario sets them)."""
    from optimizer.allocation import evaluate_allocation
    from outreach.simulate import expected_reach

    c = dataclasses.replace(fp.campaign, params={**fp.campaign.params, **theta})
    reach = expected_reach(c, fp.plan, fp.priorities)
    value = evaluate_allocation(c, fp.plan.allocation, fp.priorities)
    return {"end_awareness": float(reach.households_aware.mean) / max(c.geography.households, 1),
            "plan_value": float(value.weighted_new_aware)}


def _design(fp: FixedPlan, inputs: tuple[Input, ...], settings: Settings) -> tuple[Arr, list[dict[str, float]]]:
    """A Latin hypercube over the inputs' ranges and both outputs at each of its points."""
    from outreach.parallel import fork_map

    u = latin_hypercube(settings.design, len(inputs), np.random.default_rng([settings.seed, 1]))
    lo, hi = bounds(inputs)
    thetas = [dict(zip((i.key for i in inputs), map(float, row))) for row in lo + (hi - lo) * u]
    return u, fork_map(evaluate_point, thetas, shared=fp, workers=settings.workers)


def analyse(fp: FixedPlan, settings: Settings = Settings(), *, progress: Progress = lambda _s: None) -> Sensitivity:
    """Sobol indices of both outputs of a plan already made (module docstring).

    Parameters
    ----------
    fp : FixedPlan
        The plan (:func:`plan_once`).
    settings : Settings
        Seed, design size, Saltelli base sample, ranges.
    progress : callable, optional
        Called with a short label before each step.

    Returns
    -------
    Sensitivity
    """
    inputs = response_inputs(fp.plan, settings.ranges)
    d = len(inputs)
    progress(f"Closed-form reach at {settings.design} design points over {d} parameters")
    u, rows = _design(fp, inputs, settings)
    planned = evaluate_point(fp, {})
    sample = saltelli_sample(settings.samples, d, settings.seed).stacked()
    progress(f"Emulators and Sobol indices ({len(sample):,} emulated evaluations each)")
    outputs = {}
    for key in OUTPUTS:
        sur = fit_surrogate(u, np.array([r[key] for r in rows]))
        ind = sobol_indices(sur.predict(sample), d, resamples=settings.resamples, seed=settings.seed)
        outputs[key] = OutputResult(sur, ind, planned[key])
    return Sensitivity(fp.campaign.name, inputs, channels_bought(fp.plan), outputs, settings)


def sensitivity(campaign: Campaign, settings: Settings = Settings(), *,
                progress: Progress = lambda _s: None) -> Sensitivity:
    """Plan ``campaign`` once and rank its response parameters (:func:`analyse`); settings checked first."""
    check_settings(settings)
    progress("Planning the scenario once (survey, allocation and routes, roster)")
    return analyse(plan_once(campaign, settings), settings, progress=progress)
