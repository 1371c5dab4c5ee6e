"""Bands with parameter uncertainty: the plan simulated under draws of the shipped posterior.

The Monte Carlo bands of :func:`~outreach.simulate.simulate` hold the
parameters at one value (the posterior means), so they show chance alone.
Here the same plan runs under each of a few posterior draws with the same
seed (common random numbers: a difference between draws is the parameters,
not the dice), the replications shared out so the total effort is the same,
and the pooled per-replication totals give bands that also carry what the
calibration leaves uncertain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Band, Campaign, Plan, Priorities
from ..parameters import DEFAULTS
from .engine import SimulationOptions, simulate_detailed


@dataclass(frozen=True)
class PosteriorBands:
    """Pooled bands over posterior draws: ``bands`` by the keys of ``SimulationResult.per_replication``."""

    draws: int
    replications_per_draw: int
    bands: Mapping[str, Band]


def draw_params(campaign: Campaign, draw: Mapping[str, float]) -> dict[str, float]:
    """The campaign's parameters under a posterior draw; a value the scenario set itself is kept."""
    params = dict(campaign.params)
    for key, value in draw.items():
        if key in params and params[key] == DEFAULTS[key].value:
            params[key] = float(value)
    return params


def posterior_bands(campaign: Campaign, plan: Plan, draws: Sequence[Mapping[str, float]], *, replications: int,
                    seed: int | None = None, priorities: Priorities | None = None,
                    workers: int = 1) -> PosteriorBands | None:
    """Simulate ``plan`` under each draw (same seed) and pool the replications; None without draws.

    Parameters
    ----------
    campaign, plan
        As for :func:`~outreach.simulate.simulate`.
    draws : sequence of mappings
        Posterior draws (:data:`outreach.parameters.POSTERIOR_DRAWS`).
    replications : int
        Total replications, shared out over the draws (at least one each).
    seed, priorities, workers
        As for :func:`~outreach.simulate.simulate`; the seed is the same for every draw.
    """
    if not draws:
        return None
    per = max(1, replications // len(draws))
    pooled: dict[str, list[np.ndarray]] = {}
    for draw in draws:
        c = dataclasses.replace(campaign, params=draw_params(campaign, draw))
        res = simulate_detailed(c, plan, SimulationOptions(replications=per, seed=seed, priorities=priorities,
                                                           workers=workers))
        for key, values in res.per_replication.items():
            pooled.setdefault(key, []).append(np.asarray(values, dtype=float))
    bands = {}
    for key, parts in pooled.items():
        x = np.concatenate(parts)
        bands[key] = Band(float(x.mean()), float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95)))
    return PosteriorBands(len(draws), per, bands)
