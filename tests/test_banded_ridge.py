"""Banded ridge (AdaptiveRidge with groups) against direct computations."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize

from sklearn_l2x import AdaptiveRidge
from sklearn_l2x._groups import resolve_groups
from sklearn_l2x._solvers.banded import BandedRidge
from sklearn_l2x._solvers.spectral import SufficientStats


def _banded_data(n=60, seed=0):
    """Three groups: strong signal, weak signal, pure noise features."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 9))
    coef = np.r_[rng.normal(scale=3, size=3), rng.normal(scale=0.3, size=3), 0, 0, 0]
    y = X @ coef + 1.0 + rng.normal(size=n)
    return X, y, [0, 0, 0, 1, 1, 1, 2, 2, 2]


def _direct_coef(X, y, alphas_per_feature, sw=None):
    sw = np.ones(len(y)) if sw is None else sw
    xm = np.average(X, axis=0, weights=sw)
    ym = np.average(y, weights=sw)
    Xc, yc = X - xm, y - ym
    A = Xc.T @ (sw[:, None] * Xc) + np.diag(alphas_per_feature)
    w = np.linalg.solve(A, Xc.T @ (sw * yc))
    return w, ym - xm @ w


def _direct_log_evidence(X, y, alphas_per_feature):
    """Profiled log evidence from the n×n covariance (flat prior on b)."""
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    C = np.eye(n) + Xc @ np.diag(1 / alphas_per_feature) @ Xc.T
    # Restrict to the orthogonal complement of 1 (the intercept is integrated).
    basis = np.linalg.svd(np.eye(n) - 1 / n, full_matrices=False)[0][:, : n - 1]
    Cr = basis.T @ C @ basis
    yr = basis.T @ yc
    quad = yr @ np.linalg.solve(Cr, yr)
    nu = n - 1
    _, logdet = np.linalg.slogdet(Cr)
    return (
        -0.5 * nu * (np.log(2 * np.pi * quad / nu) + 1) - 0.5 * logdet - 0.5 * np.log(n)
    )


@pytest.mark.parametrize("criterion", ["gcv", "evidence"])
@pytest.mark.parametrize("wide", [False, True])
def test_gradient_matches_finite_differences(criterion, wide):
    X, y, labels = _banded_data()
    if wide:
        X, y = X[:7], y[:7]
    groups, _ = resolve_groups(labels, X.shape[1])
    sw = np.ones(len(y))
    if wide:
        problem = BandedRidge(groups, X=X, y=y[:, None], sample_weight=sw)
    else:
        stats = SufficientStats.from_chunk(X, y[:, None], sw)
        problem = BandedRidge(groups, stats=stats)
    point = np.log([20.0, 5.0, 300.0])
    _, gradient = problem.value_and_gradient(point, criterion, [0])
    step = 1e-6
    numeric = [
        (
            problem.value_and_gradient(point + step * np.eye(3)[g], criterion, [0])[0]
            - problem.value_and_gradient(point - step * np.eye(3)[g], criterion, [0])[0]
        )
        / (2 * step)
        for g in range(3)
    ]
    assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-9)


def test_banded_evidence_is_the_direct_maximiser():
    X, y, labels = _banded_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = AdaptiveRidge(criterion="evidence", groups=labels).fit(X, y)
    membership = np.asarray(labels)
    ours = _direct_log_evidence(X, y, model.alpha_[membership])
    assert_allclose(model.criterion_value_, ours, rtol=1e-10)

    # An independent optimiser on the direct formula (noise group capped, as
    # ours is, by the upper end of the search range).
    upper = np.log(model.alpha_.max())

    def negative(log_alpha):
        return -_direct_log_evidence(
            X, y, np.exp(np.minimum(log_alpha, upper))[membership]
        )

    start = np.log(model.alpha_) + 0.3
    result = minimize(
        negative,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 20000},
    )
    assert -result.fun <= ours + 1e-7
    informative = model.alpha_[:2]
    assert_allclose(informative, np.exp(result.x[:2]), rtol=1e-3)


@pytest.mark.parametrize("criterion", ["gcv", "evidence"])
def test_coefficients_equal_direct_solve_and_noise_group_is_switched_off(criterion):
    X, y, labels = _banded_data()
    sw = np.random.default_rng(1).uniform(0.5, 2, size=len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = AdaptiveRidge(criterion=criterion, groups=labels).fit(X, y, sw)
    w, b = _direct_coef(X, y, model.alpha_[np.asarray(labels)], sw)
    assert_allclose(model.coef_, w, rtol=1e-7, atol=1e-9)
    assert_allclose(model.intercept_, b, rtol=1e-7)
    assert model.alpha_[0] < model.alpha_[1] < model.alpha_[2]
    plain = AdaptiveRidge(criterion=criterion).fit(X, y, sw)
    better = (
        model.criterion_value_ >= plain.criterion_value_
        if criterion == ("evidence")
        else model.criterion_value_ <= plain.criterion_value_
    )
    assert better


def test_one_group_is_plain_ridge():
    X, y, _ = _banded_data()
    banded = AdaptiveRidge(criterion="evidence", groups=[0] * 9).fit(X, y)
    plain = AdaptiveRidge(criterion="evidence").fit(X, y)
    assert_allclose(banded.lam_[0], plain.lam_, rtol=1e-5)
    assert_allclose(banded.coef_, plain.coef_, rtol=1e-5)


def test_wide_data_and_dataframe_group_names():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(20, 30)), columns=[f"f{j}" for j in range(30)])
    y = X.iloc[:, :5].sum(axis=1) + 0.5 * rng.normal(size=20)
    groups = {
        "signal": [f"f{j}" for j in range(5)],
        "rest": [f"f{j}" for j in range(5, 30)],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = AdaptiveRidge(criterion="gcv", groups=groups).fit(X, y)
    assert model.group_names_ == ["signal", "rest"]
    assert model.alpha_[0] < model.alpha_[1]
    w, _ = _direct_coef(
        X.to_numpy(),
        y.to_numpy(),
        np.r_[np.full(5, model.alpha_[0]), np.full(25, model.alpha_[1])],
    )
    assert_allclose(model.coef_, w, rtol=1e-6, atol=1e-9)


def test_partial_fit_with_groups_equals_fit():
    X, y, labels = _banded_data(n=90)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        full = AdaptiveRidge(criterion="evidence", groups=labels).fit(X, y)
        chunked = AdaptiveRidge(criterion="evidence", groups=labels)
        for rows in np.array_split(np.arange(len(y)), 4):
            chunked.partial_fit(X[rows], y[rows])
    assert_allclose(chunked.alpha_, full.alpha_, rtol=1e-5)
    assert_allclose(chunked.coef_, full.coef_, rtol=1e-5)


def test_return_std_with_groups_equals_direct_posterior():
    X, y, labels = _banded_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = AdaptiveRidge(criterion="evidence", groups=labels).fit(X, y)
    Xc = X - X.mean(axis=0)
    precision = Xc.T @ Xc + np.diag(model.alpha_[np.asarray(labels)])
    X_new = np.random.default_rng(3).normal(size=(5, 9))
    Xn = X_new - X.mean(axis=0)
    quad = np.einsum("ij,ij->i", Xn, np.linalg.solve(precision, Xn.T).T)
    expected = np.sqrt(model.noise_variance_ * (1 + 1 / len(y) + quad))
    _, std = model.predict(X_new, return_std=True)
    assert_allclose(std, expected, rtol=1e-8)


def test_groups_need_gcv_or_evidence():
    X, y, labels = _banded_data()
    with pytest.raises(ValueError, match="groups need criterion='gcv' or 'evidence'"):
        AdaptiveRidge(criterion="loo", groups=labels).fit(X, y)


# -- group specifications ----------------------------------------------------------


def test_group_specifications_resolve_to_the_same_partition():
    names = np.array(["a", "b", "c", "d"], dtype=object)
    by_labels = resolve_groups(["x", "y", "x", "y"], 4)
    by_lists = resolve_groups([[0, 2], [1, 3]], 4)
    by_dict = resolve_groups({"x": ["a", "c"], "y": [1, 3]}, 4, names)
    for indices, _ in (by_labels, by_lists, by_dict):
        assert [g.tolist() for g in indices] == [[0, 2], [1, 3]]
    assert by_labels[1] == ["x", "y"]
    assert resolve_groups(None, 3)[1] == [0, 1, 2]


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        ([[0, 1], [1, 2, 3]], "overlap"),
        ([[0, 1], [2]], r"leave column\(s\) \[3\] in no group"),
        ([[0, 1, 2, 3], []], "is empty"),
        ([[0, 7], [1, 2, 3]], "out of range"),
        ({"a": ["zz"], "b": [0, 1, 2, 3]}, "not a column of X"),
        ([0, 1, 2], "one label per feature"),
    ],
)
def test_bad_group_specifications(groups, match):
    names = np.array(["a", "b", "c", "d"], dtype=object)
    with pytest.raises(ValueError, match=match):
        resolve_groups(groups, 4, names)


def test_column_names_need_a_dataframe():
    with pytest.raises(ValueError, match="X has no column names"):
        resolve_groups({"g": ["a"]}, 1)
