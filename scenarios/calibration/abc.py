"""A small, deterministic ABC-SMC (Beaumont et al. 2009; Del Moral et al. 2012 tolerance schedule).

Particles live in the unit cube of the priors' ranges. Each generation
halves the tolerance to the median distance of the last one, proposes from
the weighted particles with a Gaussian kernel of twice their covariance,
keeps the first ``particles`` proposals within tolerance, and weighs them by
prior over proposal density. It stops after ``generations`` or when fewer
than ``min_acceptance`` of the proposals are kept. Everything draws from one
``numpy`` generator seeded by the caller: the same seed gives the same
particles, to the byte.

The simulator sees a batch of unit-cube points and the generator, and
returns the simulated data (batch x figures), measurement noise included;
the distance is the root mean square of the standardised differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Arr = NDArray[np.float64]
Simulator = Callable[[Arr, np.random.Generator], Arr]


@dataclass(frozen=True)
class Prior:
    """A prior on ``[low, high]``: uniform, or a Beta(a, b) scaled to the range."""

    key: str
    low: float
    high: float
    beta: tuple[float, float] | None = None

    def sample_unit(self, rng: np.random.Generator, size: int) -> Arr:
        """Draws on the unit interval."""
        if self.beta is None:
            return rng.uniform(0.0, 1.0, size)
        return rng.beta(*self.beta, size)

    def pdf_unit(self, u: Arr) -> Arr:
        """Density on the unit interval (0 outside)."""
        inside = (u >= 0) & (u <= 1)
        if self.beta is None:
            return inside.astype(float)
        return np.where(inside, stats.beta.pdf(np.clip(u, 0, 1), *self.beta), 0.0)

    def value(self, u: Arr) -> Arr:
        """Unit-cube coordinate to the parameter's value."""
        return self.low + (self.high - self.low) * u


@dataclass(frozen=True)
class Population:
    """The final ABC population: unit-cube particles, normalised weights and the tolerance history."""

    u: Arr
    weights: Arr
    distances: Arr
    epsilons: tuple[float, ...]
    simulations: int

    def values(self, priors: Sequence[Prior]) -> Arr:
        """Particles as parameter values (particles x parameters)."""
        return np.column_stack([p.value(self.u[:, j]) for j, p in enumerate(priors)])


def distance(sim: Arr, observed: Arr, scale: Arr) -> Arr:
    """Root mean square of ``(sim - observed) / scale`` over the figures (last axis)."""
    return np.sqrt(np.mean(((sim - observed) / scale) ** 2, axis=-1))


def _prior_pdf(priors: Sequence[Prior], u: Arr) -> Arr:
    out = np.ones(len(u))
    for j, p in enumerate(priors):
        out *= p.pdf_unit(u[:, j])
    return out


def _kernel_density(u: Arr, parents: Arr, weights: Arr, cov: Arr) -> Arr:
    """Mixture density ``sum_j w_j N(u; parent_j, cov)`` at each row of ``u``."""
    chol = np.linalg.cholesky(cov)
    a = np.linalg.solve(chol, u.T).T
    b = np.linalg.solve(chol, parents.T).T
    q = np.maximum((a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2.0 * a @ b.T, 0.0)
    logdet = 2.0 * np.log(np.diag(chol)).sum()
    norm = np.exp(-0.5 * (q + logdet + u.shape[1] * np.log(2 * np.pi)))
    return np.asarray(norm @ weights)


def _logit(u: Arr) -> Arr:
    u = np.clip(u, 1e-12, 1 - 1e-12)
    return np.asarray(np.log(u) - np.log1p(-u))


def _prior_pdf_z(priors: Sequence[Prior], z: Arr) -> Arr:
    """Prior density in logit coordinates: ``p(u) prod u (1 - u)``."""
    u = 1.0 / (1.0 + np.exp(-z))
    return _prior_pdf(priors, u) * np.prod(u * (1 - u), axis=1)


def _generation(sim: Simulator, observed: Arr, scale: Arr, priors: Sequence[Prior], last: Population,
                eps: float, particles: int, rng: np.random.Generator) -> tuple[Population, float]:
    """One SMC step; returns the new population and its acceptance rate.

    The kernel moves particles in logit coordinates of the unit cube, so no
    proposal falls outside the priors' ranges (a bounded kernel in many
    dimensions would waste most of its proposals).
    """
    d = last.u.shape[1]
    z_last = _logit(last.u)
    cov = 2.0 * np.atleast_2d(np.cov(z_last.T, aweights=last.weights)) + 1e-9 * np.eye(d)
    kept_z: list[Arr] = []
    kept_d: list[Arr] = []
    tried = n_kept = 0
    batch = particles
    while n_kept < particles and tried < 400 * particles:
        parents = z_last[rng.choice(len(z_last), size=batch, p=last.weights)]
        z = parents + rng.multivariate_normal(np.zeros(d), cov, size=batch)
        tried += batch
        dist = distance(sim(1.0 / (1.0 + np.exp(-z)), rng), observed, scale)
        ok = dist <= eps
        kept_z.append(z[ok])
        kept_d.append(dist[ok])
        n_kept += int(ok.sum())
        rate = max(n_kept / tried, 1.0 / (4 * particles))
        batch = int(min(50 * particles, max(particles, 1.2 * (particles - n_kept) / rate)))
    z_new = np.concatenate(kept_z)[:particles]
    d_new = np.concatenate(kept_d)[:particles]
    w = _prior_pdf_z(priors, z_new) / _kernel_density(z_new, z_last, last.weights, cov)
    pop = Population(1.0 / (1.0 + np.exp(-z_new)), w / w.sum(), d_new, last.epsilons + (eps,),
                     last.simulations + tried)
    return pop, len(z_new) / tried


def abc_smc(sim: Simulator, observed: Arr, scale: Arr, priors: Sequence[Prior], *, particles: int = 1000,
            generations: int = 10, min_acceptance: float = 0.02, seed: int = 0) -> Population:
    """Approximate posterior of the priors' parameters given the observed data.

    Parameters
    ----------
    sim : callable
        ``sim(u, rng)``: simulated data (rows of ``u`` x figures), noise included.
    observed, scale : ndarray
        Observed data and the scale of each figure in the distance.
    priors : sequence of Prior
        One per column of ``u``.
    particles, generations, min_acceptance : int, int, float
        Population size, most generations, and the acceptance rate below which it stops.
    seed : int
        Seed of the one generator every draw comes from.

    Returns
    -------
    Population
        The last generation.
    """
    rng = np.random.default_rng(seed)
    u0 = np.column_stack([p.sample_unit(rng, particles) for p in priors])
    pop = Population(u0, np.full(particles, 1.0 / particles), distance(sim(u0, rng), observed, scale), (np.inf,),
                     particles)
    for _ in range(generations):
        eps = float(np.median(pop.distances))
        new, rate = _generation(sim, observed, scale, priors, pop, eps, particles, rng)
        if len(new.u) < particles // 2:
            break
        pop = new
        if rate < min_acceptance or eps == 0.0:
            break
    return pop


def weighted_quantiles(x: Arr, weights: Arr, q: Sequence[float]) -> Arr:
    """Quantiles of weighted samples (inverse of the weighted empirical CDF, midpoint rule)."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], weights[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return np.asarray(np.interp(q, cdf, xs))


def resample(pop: Population, draws: int, seed: int) -> NDArray[np.int64]:
    """Indices of ``draws`` equally weighted particles (systematic resampling, seeded)."""
    rng = np.random.default_rng(seed)
    positions = (rng.uniform() + np.arange(draws)) / draws
    return np.minimum(np.searchsorted(np.cumsum(pop.weights), positions), len(pop.weights) - 1)
