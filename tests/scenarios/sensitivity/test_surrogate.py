"""The emulator: exact on the functions it can represent, and its leave-one-out error against refitting."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.calibration.emulator import latin_hypercube
from scenarios.sensitivity.surrogate import fit_surrogate, product_inputs, terms


def _design(n: int, d: int, seed: int = 0) -> np.ndarray:
    return latin_hypercube(n, d, np.random.default_rng(seed))


def test_recovers_a_quadratic_with_a_product_of_the_main_inputs() -> None:
    u = _design(60, 5)
    z = u - 0.5
    y = 1.0 + 4 * z[:, 0] + 3 * z[:, 1] ** 2 + 5 * z[:, 0] * z[:, 1] + 0.01 * z[:, 4]
    s = fit_surrogate(u, y)
    assert (0, 1) in s.pairs
    assert s.q2 == pytest.approx(1.0, abs=1e-9)
    fresh = _design(50, 5, seed=9)
    zf = fresh - 0.5
    truth = 1.0 + 4 * zf[:, 0] + 3 * zf[:, 1] ** 2 + 5 * zf[:, 0] * zf[:, 1] + 0.01 * zf[:, 4]
    assert s.predict(fresh) == pytest.approx(truth, abs=1e-6)


def test_leave_one_out_matches_refitting_without_each_point() -> None:
    # An independent slow reference for the PRESS shortcut: n least-squares fits, each without one point.
    u = _design(40, 3, seed=2)
    y = np.sin(3 * u[:, 0]) + np.exp(u[:, 1]) * u[:, 2]
    s = fit_surrogate(u, y)
    x = terms(u, s.pairs)
    loo = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        coef = np.linalg.lstsq(x[keep], y[keep], rcond=None)[0]
        loo[i] = x[i] @ coef
    press = float(np.sum((y - loo) ** 2))
    assert s.loo_rmse == pytest.approx(np.sqrt(press / len(y)), rel=1e-5)
    assert s.q2 == pytest.approx(1 - press / np.sum((y - y.mean()) ** 2), rel=1e-5)
    assert 0.5 < s.q2 < 1.0  # not a quadratic: a real, measured error


def test_products_fit_the_design_budget() -> None:
    # 2 points per term: 1 + 2d terms first, then k(k - 1)/2 products.
    assert product_inputs(160, 26) == 7  # 53 + 21 = 74 <= 80 < 53 + 28
    assert product_inputs(200, 3) == 3
    assert product_inputs(14, 3) == 1  # one input: no product
    with pytest.raises(ValueError):
        fit_surrogate(_design(10, 3), np.zeros(10))


def test_products_go_to_the_inputs_with_the_largest_main_effects() -> None:
    # 8 inputs, 40 points: room for the products of 3 inputs; inputs 2 and 5 dominate and interact.
    u = _design(40, 8, seed=4)
    z = u - 0.5
    y = 6 * z[:, 2] + 5 * z[:, 5] + 8 * z[:, 2] * z[:, 5] + 0.1 * z.sum(axis=1)
    s = fit_surrogate(u, y)
    assert len(s.pairs) == 3 and (2, 5) in s.pairs
    assert s.q2 == pytest.approx(1.0, abs=1e-9)
