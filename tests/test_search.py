"""The continuous λ search of AdaptiveRidge against SciPy's scalar minimiser."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize_scalar

from sklearn_l2x import _selection


def _functions(x, centre, curvature):
    # Unimodal near the centre, with a wiggle that makes the parabolic steps fail
    # now and then; +inf right of 3 (a criterion that is undefined there).
    with np.errstate(invalid="ignore"):
        value = np.log1p(curvature * (x - centre) ** 2) + 0.1 * np.sin(3 * x)
    return np.where(x > 3.0, np.inf, value)


@pytest.mark.parametrize("columns", [9, 1])
def test_vectorised_brent_equals_scipy_per_column(columns):
    rng = np.random.default_rng(0)
    centre = rng.uniform(-3, 2.5, size=columns)
    curvature = rng.uniform(0.2, 5, size=columns)
    lower = rng.uniform(-5, -3.5, size=columns)
    upper = rng.uniform(3.5, 5, size=columns)
    calls = []

    def evaluate(x):
        calls.append(x.copy())
        return _functions(x, centre, curvature)

    ours = _selection._brent(evaluate, lower, upper)
    assert ours.shape == (columns,)
    evaluations = []
    for j in range(columns):
        ref = minimize_scalar(
            lambda t, j=j: float(_functions(np.array(t), centre[j], curvature[j])),
            bounds=(lower[j], upper[j]),
            method="bounded",
            options={"xatol": _selection._LOG_TOL},
        )
        assert_allclose(ours[j], ref.x, atol=1e-8)
        evaluations.append(ref.nfev)
    # One evaluation per iteration for all columns: as many as the slowest
    # column needs alone.
    assert len(calls) <= max(evaluations) + 1


def test_search_finds_each_targets_minimum_to_tolerance():
    rng = np.random.default_rng(1)
    optimum = np.exp(rng.uniform(-3, 5, size=6))

    def objective(alpha):
        return np.log(alpha / optimum) ** 2 + 1.0

    alpha, best, grid, values, on_boundary = _selection.search(
        objective, 6, (1e-4, 1e6)
    )
    assert_allclose(alpha, optimum, rtol=1e-6)
    assert_allclose(best, 1.0, rtol=1e-12)
    assert values.shape == (grid.size, 6)
    assert not on_boundary.any()
    shared, *_ = _selection.search(objective, 6, (1e-4, 1e6), per_target=False)
    grid_check = np.geomspace(optimum.min(), optimum.max(), 2001)
    totals = objective(grid_check[:, None] * np.ones((1, 6))).sum(axis=1)
    assert objective(shared[None, :]).sum() <= totals.min() + 1e-9
