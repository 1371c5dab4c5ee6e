"""Saltelli/Jansen estimators against functions whose Sobol indices are known analytically."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.sensitivity.sobol import saltelli_sample, sobol_indices, sobol_of


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami function of unit-cube rows, inputs mapped to [-pi, pi]."""
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Sobol and Levitan (1999): partial variances V1, V2, V13 of the Ishigami function."""
    pi4 = np.pi ** 4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi4 ** 2 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_reference_values() -> None:
    # The published figures (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, table 4.1).
    s, t = ishigami_indices()
    assert s == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert t == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_ishigami_indices_and_intervals() -> None:
    ind = sobol_of(ishigami, 3, 2 ** 13, seed=1, resamples=200)
    s, t = ishigami_indices()
    assert ind.first == pytest.approx(s, abs=0.02)
    assert ind.total == pytest.approx(t, abs=0.02)
    # the intervals hold the analytic values and are narrow at this size
    assert np.all(ind.first_lo <= s + 0.005) and np.all(s - 0.005 <= ind.first_hi)
    assert np.all(ind.total_lo <= t + 0.005) and np.all(t - 0.005 <= ind.total_hi)
    assert np.all(ind.total_hi - ind.total_lo < 0.08)


def test_linear_model_shares() -> None:
    # Y = sum c_i U_i with independent uniforms: S_i = ST_i = c_i^2 / sum c^2 (no interactions).
    c = np.array([4.0, 2.0, 1.0, 0.0])
    ind = sobol_of(lambda u: u @ c, 4, 2 ** 12, seed=3, resamples=100)
    share = c ** 2 / (c ** 2).sum()
    assert ind.first == pytest.approx(share, abs=0.01)
    assert ind.total == pytest.approx(share, abs=0.01)
    assert ind.variance == pytest.approx((c ** 2).sum() / 12, rel=0.02)


def test_product_interaction_only_in_total() -> None:
    # Y = U_0 U_1 on [0, 1]^2: V = 7/144, V_0 = V_1 = 1/48, V_01 = 1/144.
    ind = sobol_of(lambda u: u[:, 0] * u[:, 1], 2, 2 ** 13, seed=5, resamples=50)
    assert ind.first == pytest.approx([3 / 7, 3 / 7], abs=0.01)
    assert ind.total == pytest.approx([4 / 7, 4 / 7], abs=0.01)


def test_sample_is_deterministic_and_mixed_correctly() -> None:
    s1, s2 = saltelli_sample(8, 3, 42), saltelli_sample(8, 3, 42)
    assert np.array_equal(s1.a, s2.a) and np.array_equal(s1.b, s2.b)
    rows = s1.stacked()
    assert rows.shape == (8 * 5, 3)
    ab1 = rows[8 * 3:8 * 4]
    assert np.array_equal(ab1[:, 1], s1.b[:, 1]) and np.array_equal(ab1[:, [0, 2]], s1.a[:, [0, 2]])


def test_constant_output_and_bad_sizes() -> None:
    ind = sobol_indices(np.ones(4 * 5), 3, resamples=10)
    assert ind.variance == 0.0 and not ind.first.any() and not ind.total.any()
    with pytest.raises(ValueError):
        saltelli_sample(6, 2, 0)
    with pytest.raises(ValueError):
        sobol_indices(np.ones(7), 3)


def test_a_large_mean_does_not_widen_the_first_order_intervals() -> None:
    # An awareness share is about 0.5 with a spread of a few points: the same shares as without the offset,
    # and intervals as narrow (the uncentred estimator's would be many times wider).
    c = np.array([0.02, 0.01, 0.005])
    ind = sobol_of(lambda u: 0.5 + u @ c, 3, 2 ** 10, seed=7, resamples=200)
    share = c ** 2 / (c ** 2).sum()
    assert ind.first == pytest.approx(share, abs=0.02)
    assert np.all(ind.first_hi - ind.first_lo < 0.2)
