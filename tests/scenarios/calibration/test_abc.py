"""ABC-SMC against posteriors known in closed form."""

import numpy as np
from scipy import stats

from scenarios.calibration.abc import Prior, abc_smc, resample, weighted_quantiles


def _binomial(n):
    def sim(u, rng):
        return (rng.binomial(n, u[:, 0]) / n)[:, None]
    return sim


def test_binomial_share_with_uniform_prior_gives_the_beta_posterior():
    n, x = 40, 13
    pop = abc_smc(_binomial(n), np.array([x / n]), np.array([1 / n]), [Prior("p", 0.0, 1.0)],
                  particles=2000, generations=12, seed=3)  # the median stalls at 1 count for 3 generations
    assert pop.epsilons[-1] == 0.0  # exact matches only: ABC is then exact
    post = stats.beta(x + 1, n - x + 1)
    q = weighted_quantiles(pop.u[:, 0], pop.weights, [0.05, 0.5, 0.95])
    assert np.allclose(q, post.ppf([0.05, 0.5, 0.95]), atol=0.015)
    assert abs(np.average(pop.u[:, 0], weights=pop.weights) - post.mean()) < 0.006


def test_scaled_beta_prior_gives_the_beta_posterior_on_the_range():
    # Prior Beta(3, 2) on [0.2, 0.6]; data: 9 of 20 on the parameter itself (Binomial(n, theta)).
    n, x, lo, hi = 20, 9, 0.2, 0.6

    def sim(u, rng):
        return (rng.binomial(n, lo + (hi - lo) * u[:, 0]) / n)[:, None]

    pop = abc_smc(sim, np.array([x / n]), np.array([1 / n]), [Prior("p", lo, hi, beta=(3.0, 2.0))],
                  particles=2000, generations=8, seed=5)
    grid = np.linspace(0, 1, 4001)[1:-1]
    theta = lo + (hi - lo) * grid
    dens = stats.beta.pdf(grid, 3, 2) * theta**x * (1 - theta) ** (n - x)
    exact_mean = float((theta * dens).sum() / dens.sum())
    got = float(np.average(pop.values([Prior("p", lo, hi)])[:, 0], weights=pop.weights))
    assert abs(got - exact_mean) < 0.005


def test_same_seed_same_bytes_and_another_seed_differs():
    args = (_binomial(30), np.array([0.4]), np.array([1 / 30]), [Prior("p", 0.0, 1.0)])
    a = abc_smc(*args, particles=300, generations=4, seed=1)
    b = abc_smc(*args, particles=300, generations=4, seed=1)
    c = abc_smc(*args, particles=300, generations=4, seed=2)
    assert a.u.tobytes() == b.u.tobytes() and a.weights.tobytes() == b.weights.tobytes()
    assert a.u.tobytes() != c.u.tobytes()


def test_resample_follows_the_weights():
    from scenarios.calibration.abc import Population

    pop = Population(np.array([[0.1], [0.9]]), np.array([0.25, 0.75]), np.zeros(2), (0.0,), 2)
    idx = resample(pop, 1000, seed=0)
    assert abs((idx == 1).mean() - 0.75) < 0.002


def test_a_proposal_twice_the_population_keeps_more_effective_particles(monkeypatch):
    """Twenty parameters, seven noisy figures each speaking to a few of them (as in the API fit): a proposal as
    narrow as the last population leaves far fewer effective particles than one twice as wide."""
    import scenarios.calibration.abc as abc

    d, n_fig = 20, 7
    rng = np.random.default_rng(5)
    a = rng.normal(size=(n_fig, d)) * (rng.uniform(size=(n_fig, d)) < 0.3)
    truth = rng.uniform(size=d)
    observed = np.tanh(truth @ a.T)
    scale = np.full(n_fig, 0.05)

    def sim(u, g):
        return np.tanh(u @ a.T) + g.normal(scale=0.05, size=(len(u), n_fig))

    priors = [Prior(f"p{i}", 0.0, 1.0) for i in range(d)]
    ess = {}
    for k in (1.0, 2.0):
        monkeypatch.setattr(abc, "PROPOSAL_SCALE", k)
        ess[k] = abc_smc(sim, observed, scale, priors, particles=500, generations=6, seed=1).ess
    assert ess[2.0] > 1.5 * ess[1.0], ess
