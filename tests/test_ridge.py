"""AdaptiveRidge against brute force, direct formulas and scikit-learn."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.optimize import minimize_scalar
from sklearn.base import clone
from sklearn.datasets import load_diabetes, make_regression
from sklearn.linear_model import BayesianRidge, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import AdaptiveRidge, _selection


def _data(n=40, p=6, k=1, seed=0, weighted=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, size=p) + rng.normal(size=p)
    coef = rng.normal(size=(p, k))
    y = X @ coef + 2.0 + rng.normal(scale=2.0, size=(n, k))
    sw = rng.integers(1, 4, size=n).astype(float) if weighted else None
    return X, (y[:, 0] if k == 1 else y), sw


# -- brute-force references ------------------------------------------------------


def _hat_matrix(X, sw, alpha, fit_intercept=True):
    """Explicit weighted hat matrix of ridge with an unpenalised intercept."""
    n = X.shape[0]
    design = np.column_stack([np.ones(n), X]) if fit_intercept else X
    penalty = alpha * np.eye(design.shape[1])
    if fit_intercept:
        penalty[0, 0] = 0.0
    root = np.sqrt(sw)[:, None]
    A = root * design
    return A @ np.linalg.solve(A.T @ A + penalty, A.T)


def _gcv_brute(X, y, sw, alpha):
    H = _hat_matrix(X, sw, alpha)
    ytilde = np.sqrt(sw) * y
    rss = np.sum((ytilde - H @ ytilde) ** 2)
    S = sw.sum()
    return (rss / S) / (1 - np.trace(H) / S) ** 2


def _loo_brute(X, y, sw, alpha):
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        model = Ridge(alpha=alpha).fit(X[keep], y[keep], sample_weight=sw[keep])
        errors.append(y[i] - model.predict(X[i : i + 1])[0])
    return np.asarray(errors)


def _log_evidence_brute(X, y, alpha):
    """Exact Gaussian integral over w and (flat) b, σ² maximised numerically."""
    n = len(y)
    ones = np.ones(n)

    def negative(log_sigma2):
        C = np.exp(log_sigma2) * (np.eye(n) + X @ X.T / alpha)
        Cinv = np.linalg.inv(C)
        _, logdet = np.linalg.slogdet(C)
        a = ones @ Cinv @ ones
        quad = y @ Cinv @ y - (ones @ Cinv @ y) ** 2 / a
        log_p = -(n - 1) / 2 * np.log(2 * np.pi) - 0.5 * logdet - 0.5 * np.log(a)
        return -(log_p - 0.5 * quad)

    result = minimize_scalar(
        negative, bounds=(-10, 10), method="bounded", options={"xatol": 1e-10}
    )
    return -result.fun


# -- fixed lambda equals Ridge(alpha = S·lambda) -------------------------------------


@pytest.mark.parametrize("shape", [(60, 8), (15, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fixed_lambda_equals_ridge(shape, weighted, sparse, k, fit_intercept):
    X, y, sw = _data(*shape, k=k, weighted=weighted)
    S = len(y) if sw is None else sw.sum()
    lam = 0.3
    Xfit = sp.csr_matrix(X) if sparse else X
    ours = AdaptiveRidge(lam=lam, fit_intercept=fit_intercept).fit(Xfit, y, sw)
    ref = Ridge(alpha=S * lam, fit_intercept=fit_intercept, solver="svd").fit(
        X, y, sample_weight=sw
    )
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-10)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9, atol=1e-10)
    assert_allclose(ours.alpha_, S * lam)
    assert_allclose(ours.predict(Xfit), ref.predict(X), rtol=1e-9, atol=1e-9)


# -- criteria against direct formulas and brute force --------------------------------


@pytest.mark.parametrize("shape", [(30, 5), (12, 20)], ids=["tall", "wide"])
def test_gcv_curve_equals_explicit_hat_matrix(shape):
    # Weights as frequencies make a wide problem interpolate (GCV → 0 as λ → 0,
    # the classic failure of GCV on repeated rows), so weight the tall one only.
    X, y, sw = _data(*shape, weighted=shape[0] > shape[1])
    sw = np.ones(len(y)) if sw is None else sw
    model = AdaptiveRidge(criterion="gcv").fit(X, y, sw)
    S = sw.sum()
    # Where the hat matrix is nearly singular (tiny λ) the explicit solve is
    # the inaccurate side, so compare from 1e-4·mean(d²) upwards.
    Xc = X - np.average(X, axis=0, weights=sw)
    floor = 1e-4 * np.trace(Xc.T @ (sw[:, None] * Xc)) / min(shape)
    for lam, value in list(zip(model.lam_path_, model.criterion_path_, strict=False))[
        ::7
    ]:
        if S * lam >= floor:
            assert_allclose(value, _gcv_brute(X, y, sw, S * lam), rtol=1e-8)
    if model.alpha_ >= floor:
        assert_allclose(
            model.criterion_value_, _gcv_brute(X, y, sw, model.alpha_), rtol=1e-8
        )


@pytest.mark.parametrize("shape", [(25, 4), (10, 15)], ids=["tall", "wide"])
def test_loo_equals_brute_force_refits(shape):
    X, y, sw = _data(*shape, weighted=True)
    model = AdaptiveRidge(criterion="loo").fit(X, y, sw)
    errors = _loo_brute(X, y, sw, model.alpha_)
    assert_allclose(
        model.criterion_value_, np.sum(sw * errors**2) / sw.sum(), rtol=1e-8
    )


@pytest.mark.parametrize("per_target", [True, False])
def test_loo_curve_of_several_targets_equals_brute_force(monkeypatch, per_target):
    # Blocks of 3 alpha values, so that the blocked evaluation is exercised.
    X, y, sw = _data(25, 4, k=3, weighted=True)
    monkeypatch.setattr(_selection, "_LOO_BLOCK_ENTRIES", 3 * 25 * 3)
    model = AdaptiveRidge(criterion="loo", lam_per_target=per_target).fit(X, y, sw)
    S = sw.sum()
    path = list(zip(model.lam_path_, model.criterion_path_, strict=True))
    for lam, values in path[10:60:7]:
        errors = _loo_brute(X, y, sw, S * lam)
        assert_allclose(values, sw @ errors**2 / S, rtol=1e-8)
    errors = _loo_brute(X, y, sw, model.alpha_)
    assert_allclose(model.criterion_value_, sw @ errors**2 / S, rtol=1e-8)


@pytest.mark.parametrize("shape", [(25, 4), (10, 15)], ids=["tall", "wide"])
def test_evidence_equals_gaussian_integral(shape):
    X, y, _ = _data(*shape)
    model = AdaptiveRidge(criterion="evidence").fit(X, y)
    for lam, value in list(zip(model.lam_path_, model.criterion_path_, strict=False))[
        20:50:9
    ]:
        assert_allclose(value, _log_evidence_brute(X, y, len(y) * lam), rtol=1e-8)


@pytest.mark.parametrize("criterion", ["gcv", "loo", "evidence"])
def test_chosen_lambda_is_the_minimiser_on_a_dense_grid(criterion):
    X, y, sw = _data(30, 6, weighted=criterion != "evidence", seed=3)
    sw = np.ones(len(y)) if sw is None else sw
    model = AdaptiveRidge(criterion=criterion).fit(X, y, sw)
    S = sw.sum()
    grid = model.alpha_ * np.geomspace(1e-2, 1e2, 401)
    if criterion == "gcv":
        values = np.array([_gcv_brute(X, y, sw, a) for a in grid])
        ours = _gcv_brute(X, y, sw, model.alpha_)
    elif criterion == "loo":
        values = np.array(
            [np.sum(sw * _loo_brute(X, y, sw, a) ** 2) / S for a in grid[::20]]
        )
        ours = np.sum(sw * _loo_brute(X, y, sw, model.alpha_) ** 2) / S
    else:
        values = -np.array([_log_evidence_brute(X, y, a) for a in grid[::10]])
        ours = -_log_evidence_brute(X, y, model.alpha_)
    assert ours <= values.min() + 1e-9 * abs(ours)


def test_evidence_agrees_with_bayesian_ridge():
    X, y = load_diabetes(return_X_y=True)
    flat = {"alpha_1": 0, "alpha_2": 0, "lambda_1": 0, "lambda_2": 0}
    # Without an intercept both maximise the same evidence (flat hyperpriors);
    # BayesianRidge's lambda_/alpha_ is the Ridge alpha of its posterior mean.
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ours = AdaptiveRidge(criterion="evidence", fit_intercept=False).fit(Xc, yc)
    bayes = BayesianRidge(tol=1e-14, max_iter=100000, fit_intercept=False, **flat)
    bayes.fit(Xc, yc)
    assert_allclose(ours.alpha_, bayes.lambda_ / bayes.alpha_, rtol=1e-6)
    assert_allclose(ours.coef_, bayes.coef_, rtol=1e-6, atol=1e-6 * 500)
    assert_allclose(ours.noise_variance_, 1 / bayes.alpha_, rtol=1e-6)
    _, std = ours.predict(Xc[:5], return_std=True)
    _, bayes_std = bayes.predict(Xc[:5], return_std=True)
    assert_allclose(std, bayes_std, rtol=1e-6)
    # With an intercept BayesianRidge still counts n degrees of freedom for the
    # noise instead of n − 1, which moves its alpha by about (n−γ)/(n−1−γ).
    ours = AdaptiveRidge(criterion="evidence").fit(X, y)
    bayes = BayesianRidge(tol=1e-14, max_iter=100000, **flat).fit(X, y)
    gamma = ours.effective_dof_
    n = len(y)
    assert_allclose(
        ours.alpha_ / (bayes.lambda_ / bayes.alpha_),
        (n - gamma) / (n - 1 - gamma),
        rtol=1e-3,
    )


@pytest.mark.parametrize("n, p", [(30, 5), (12, 40)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_return_std_equals_direct_posterior(n, p, weighted, sparse):
    # (12, 40) is wide: the projections come from the training rows, V unformed.
    # Repeated rows fit exactly when p > n, so weighted wide data drive the
    # evidence to lam -> 0; the bounds keep the direct inverse well conditioned.
    X, y, sw = _data(n, p, weighted=weighted)
    X_fit = sp.csr_matrix(X) if sparse else X.copy()
    model = AdaptiveRidge(criterion="evidence", lam_bounds=(0.1, 1e3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # lam at a bound
        model.fit(X_fit, y, sw)
    sw = np.ones(n) if sw is None else sw
    if not sparse:
        X_fit[:] = 0.0  # the model keeps its own copy of what it needs
    x_mean = np.average(X, axis=0, weights=sw)
    Xc = X - x_mean
    posterior = np.linalg.inv(Xc.T @ (sw[:, None] * Xc) + model.alpha_ * np.eye(p))
    X_new = np.random.default_rng(1).normal(size=(4, p))
    Xn = X_new - x_mean
    variance = model.noise_variance_ * (
        1 + 1 / sw.sum() + np.einsum("ij,jk,ik->i", Xn, posterior, Xn)
    )
    for rows in (X_new, sp.csr_matrix(X_new)):
        _, std = model.predict(rows, return_std=True)
        assert_allclose(std, np.sqrt(variance), rtol=1e-9)


def test_kfold_criterion_equals_refits_per_fold():
    X, y, sw = _data(40, 5, weighted=True)
    cv = KFold(4, shuffle=True, random_state=0)
    model = AdaptiveRidge(cv=cv).fit(X, y, sw)
    assert model.criterion_ == "kfold"

    def brute(alpha):
        total = 0.0
        for train, test in cv.split(X):
            ridge = Ridge(alpha=alpha).fit(X[train], y[train], sample_weight=sw[train])
            total += np.sum(sw[test] * (y[test] - ridge.predict(X[test])) ** 2)
        return total / sw.sum()

    assert_allclose(model.criterion_value_, brute(model.alpha_), rtol=1e-9)
    grid = model.alpha_ * np.geomspace(0.1, 10, 41)
    assert model.criterion_value_ <= min(brute(a) for a in grid) + 1e-12


# -- weights, chunks, targets ----------------------------------------------------------


@pytest.mark.parametrize("criterion", ["gcv", "evidence"])
def test_weighted_rows_equal_repeated_rows(criterion):
    X, y, sw = _data(25, 5, weighted=True)
    repeat = np.repeat(np.arange(len(y)), sw.astype(int))
    weighted = AdaptiveRidge(criterion=criterion).fit(X, y, sw)
    repeated = AdaptiveRidge(criterion=criterion).fit(X[repeat], y[repeat])
    assert_allclose(weighted.lam_, repeated.lam_, rtol=1e-6)
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-6)


@pytest.mark.parametrize("criterion", ["gcv", "evidence"])
@pytest.mark.parametrize("k", [1, 2])
def test_partial_fit_in_chunks_equals_fit(criterion, k):
    X, y, sw = _data(90, 6, k=k, weighted=True)
    X = X + 100.0  # large means: the merge must not lose digits
    full = AdaptiveRidge(criterion=criterion).fit(X, y, sw)
    chunked = AdaptiveRidge(criterion=criterion)
    for rows in np.array_split(np.arange(len(sw)), 7):
        chunked.partial_fit(X[rows], y[rows], sw[rows])
    assert_allclose(chunked.lam_, full.lam_, rtol=1e-6)
    assert_allclose(chunked.coef_, full.coef_, rtol=1e-6)
    assert_allclose(chunked.intercept_, full.intercept_, rtol=1e-6)


def test_partial_fit_with_loo_is_refused():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="criterion='loo' needs the rows"):
        AdaptiveRidge(criterion="loo").partial_fit(X, y)


def test_per_target_lambda_equals_separate_fits_and_shared_minimises_sum():
    X, y, _ = _data(50, 6, k=3)
    y[:, 2] *= 0.05  # a very different signal-to-noise ratio
    joint = AdaptiveRidge().fit(X, y)
    for j in range(3):
        single = AdaptiveRidge().fit(X, y[:, j])
        assert_allclose(joint.lam_[j], single.lam_, rtol=1e-6)
        assert_allclose(joint.coef_[j], single.coef_, rtol=1e-6)
    shared = AdaptiveRidge(lam_per_target=False).fit(X, y)
    assert np.ptp(shared.lam_) == 0
    assert joint.criterion_value_.sum() <= shared.criterion_value_.sum()
    for factor in (0.9, 1.1):
        other = AdaptiveRidge(lam=shared.lam_[0] * factor).fit(X, y)
        S = len(y)
        total = sum(
            _gcv_brute(X, y[:, j], np.ones(S), other.alpha_[j]) for j in range(3)
        )
        assert shared.criterion_value_.sum() <= total


# -- hard data -------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["wide", "duplicated", "constant", "collinear"])
def test_rank_deficient_designs_give_finite_correct_answers(case):
    X, y, _ = _data(30, 6)
    if case == "wide":
        X = np.random.default_rng(0).normal(size=(20, 200))
        y = X[:, :3].sum(axis=1)
    elif case == "duplicated":
        X = np.column_stack([X, X[:, :3]])
    elif case == "constant":
        X = np.column_stack([X, np.full(len(y), 7.0), np.zeros(len(y))])
    else:
        X = np.column_stack([X, X[:, 0] + 1e-9 * X[:, 1]])
    for criterion in ["gcv", "loo", "evidence"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model = AdaptiveRidge(criterion=criterion).fit(X, y)
        assert np.all(np.isfinite(model.coef_))
        assert np.isfinite(model.lam_)
        ref = Ridge(alpha=model.alpha_, solver="svd").fit(X, y)
        assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_float32_input_keeps_float32():
    X, y, _ = _data()
    model = AdaptiveRidge().fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    ref = AdaptiveRidge().fit(X, y)
    assert_allclose(model.coef_, ref.coef_, rtol=1e-4)


def test_boundary_is_reported():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)  # pure noise: λ → ∞
    with pytest.warns(UserWarning, match="end of the search range"):
        model = AdaptiveRidge(lam_bounds=(1e-3, 1e-1)).fit(X, y)
    assert model.lam_on_boundary_
    assert model.lam_ == pytest.approx(1e-1, rel=1e-3)


# -- scikit-learn integration ---------------------------------------------------


def test_pipeline_grid_search_clone_pickle_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), AdaptiveRidge()),
        {"adaptiveridge__lam": [1e-3, 1e-2, 1e-1]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["adaptiveridge__lam"] in (1e-3, 1e-2, 1e-1)
    model = AdaptiveRidge().fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)
    restored = pickle.loads(pickle.dumps(model))
    assert_allclose(restored.predict(X), model.predict(X))
    assert clone(model).get_params() == model.get_params()


def test_inputs_are_not_modified():
    X, y, sw = _data(weighted=True)
    copies = X.copy(), y.copy(), sw.copy()
    for criterion in ["gcv", "loo", "evidence", "kfold"]:
        AdaptiveRidge(criterion=criterion).fit(X, y, sw)
        AdaptiveRidge(criterion=criterion).fit(sp.csc_matrix(X), y, sw)
    for original, copy in zip((X, y, sw), copies, strict=True):
        assert_allclose(original, copy)


@pytest.mark.parametrize(
    ("params", "fit_kwargs", "error", "match"),
    [
        ({"lam": 0.0}, {}, ValueError, "'lam' parameter"),
        ({"lam": -1.0}, {}, ValueError, "'lam' parameter"),
        ({"criterion": "aic"}, {}, ValueError, "'criterion' parameter"),
        ({"lam_bounds": (1.0, 0.1)}, {}, ValueError, "lam_bounds must satisfy"),
        ({"lam_bounds": (0.0, 1.0)}, {}, ValueError, "lam_bounds must satisfy"),
        ({"lam_bounds": (1.0,)}, {}, ValueError, "lam_bounds must be a pair"),
        ({"criterion": "loo", "cv": 3}, {}, ValueError, "conflicts with"),
        ({}, {"sample_weight": -np.ones(40)}, ValueError, "Negative values"),
        ({}, {"sample_weight": np.zeros(40)}, ValueError, "(?i)sample.weight"),
        ({}, {"sample_weight": np.ones(3)}, ValueError, "sample_weight"),
    ],
)
def test_bad_input(params, fit_kwargs, error, match):
    X, y, _ = _data()
    with pytest.raises(error, match=match):
        AdaptiveRidge(**params).fit(X, y, **fit_kwargs)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data_is_rejected(bad):
    X, y, _ = _data()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        AdaptiveRidge().fit(X, y)
    with pytest.raises(ValueError, match="Input X contains"):
        AdaptiveRidge().fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="Input X contains"):
        AdaptiveRidge().partial_fit(X, y)
    X, y, _ = _data()
    y[0] = bad
    with pytest.raises(ValueError, match="Input y contains"):
        AdaptiveRidge().fit(X, y)


def test_return_std_needs_evidence():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="return_std=True needs"):
        AdaptiveRidge().fit(X, y).predict(X, return_std=True)


def test_wrong_number_of_features_at_predict():
    X, y, _ = _data()
    model = AdaptiveRidge().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


def test_make_regression_many_targets_runs():
    X, y = make_regression(n_samples=80, n_features=10, n_targets=50, random_state=0)
    model = AdaptiveRidge().fit(X, y)
    assert model.lam_.shape == (50,)
    assert model.coef_.shape == (50, 10)


@pytest.mark.parametrize("y_offset", [0.0, 1e7])
@pytest.mark.parametrize("offset", [0.0, 1e4])
@pytest.mark.parametrize("shape", [(60, 8), (15, 40)], ids=["tall", "wide"])
def test_large_feature_means_are_centred_without_losing_digits(offset, y_offset, shape):
    """Implicit centring (no copy) is used only where it keeps the digits, for
    X and for Xᵀy (tall X: formed with the means, then centred)."""
    X, y, _ = _data(*shape)
    X, y = X + offset, y + y_offset
    ours = AdaptiveRidge(lam=0.05).fit(X, y)
    ref = Ridge(alpha=len(y) * 0.05, solver="svd")
    ref.fit(X - X.mean(axis=0), y - y.mean())
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)


def test_flat_evidence_towards_zero_picks_the_plateau_end_not_a_degenerate_lam():
    # p >> n with a dense signal: every criterion only flattens out as λ → 0.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 400))
    y = X @ rng.normal(size=400) + 0.1 * rng.normal(size=40)
    with pytest.warns(UserWarning, match="flat"):
        model = AdaptiveRidge(criterion="evidence").fit(X, y)
    low = model.lam_path_[0]
    assert model.lam_ > 100 * low
    best = model.criterion_path_.max()
    assert model.criterion_value_ >= best - 1e-9 * abs(best) * 2


@pytest.mark.parametrize(
    "first, second",
    [
        ({"criterion": "evidence"}, {"criterion": "gcv"}),
        ({"criterion": "evidence"}, {"lam": 0.1}),
        ({"criterion": "evidence", "groups": [0, 0, 1, 1, 2] * 2}, {"cv": 3}),
    ],
)
def test_refit_leaves_exactly_the_attributes_of_its_configuration(first, second):
    X, y = make_regression(n_samples=60, n_features=10, noise=5.0, random_state=0)
    fresh = AdaptiveRidge(**second).fit(X, y)
    model = AdaptiveRidge(**first).fit(X, y)
    model.set_params(**{**AdaptiveRidge().get_params(), **second}).fit(X, y)
    assert set(vars(model)) == set(vars(fresh))
    assert not hasattr(model, "noise_variance_")
    with pytest.raises(ValueError, match="return_std=True needs"):
        model.predict(X, return_std=True)


# -- the one-standard-error rule ------------------------------------------------


def _fold_errors_by_refits(X, y, folds, lam):
    """Each fold's held-out MSE of scikit-learn's Ridge at alpha = n·λ.

    (k-fold λ is the whole data's: every fold is fitted at the same alpha.)
    """
    errors = []
    for train, test in folds:
        fit = Ridge(alpha=len(y) * lam).fit(X[train], y[train])
        errors.append(np.mean((y[test] - fit.predict(X[test])) ** 2))
    return np.array(errors)


def test_one_standard_error_rule_against_ridge_refits():
    X, y = load_diabetes(return_X_y=True)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    model = AdaptiveRidge(cv=folds, selection="1se").fit(X, y)
    assert model.lam_ == model.lam_1se_ > model.lam_min_
    at_min = _fold_errors_by_refits(X, y, folds, model.lam_min_)
    se = at_min.std(ddof=1) / np.sqrt(len(folds))
    # The pooled held-out error (folds weighted by their rows) plus one SE.
    sizes = np.array([len(test) for _, test in folds])
    threshold = at_min @ sizes / sizes.sum() + se

    def pooled(lam):
        return _fold_errors_by_refits(X, y, folds, lam) @ sizes / sizes.sum()

    assert pooled(model.lam_1se_) == pytest.approx(threshold, rel=1e-6)
    assert pooled(model.lam_1se_ * 1.01) > threshold
    index = np.argmin(np.abs(model.lam_path_ - model.lam_min_))
    assert model.criterion_se_path_[index] == pytest.approx(
        _fold_errors_by_refits(X, y, folds, model.lam_path_[index]).std(ddof=1)
        / np.sqrt(len(folds)),
        rel=1e-6,
    )
    plain = AdaptiveRidge(cv=folds).fit(X, y)
    assert plain.lam_ == plain.lam_min_ == model.lam_min_
    assert plain.lam_1se_ == model.lam_1se_


def test_one_standard_error_rule_needs_folds():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="selection='1se' needs k-fold"):
        AdaptiveRidge(selection="1se").fit(X, y)
    assert not hasattr(AdaptiveRidge().fit(X, y), "lam_1se_")


# -- penalty factors ----------------------------------------------------------------


RIDGE_FACTORS = np.array([1.0, 0.2, 3.0, 1.0, 0.5, 8.0])


def test_penalty_factor_is_the_written_objective():
    from .reference import minimise_objective

    X, y, sw = _data(weighted=True)
    model = AdaptiveRidge(lam=0.05, penalty_factor=RIDGE_FACTORS).fit(X, y, sw)
    coef, intercept = minimise_objective(
        X, y, l2=0.05 * RIDGE_FACTORS, sample_weight=sw
    )
    assert_allclose(model.coef_, coef[0], rtol=1e-6, atol=1e-8)
    assert_allclose(model.intercept_, intercept[0], rtol=1e-6)
    sparse = AdaptiveRidge(lam=0.05, penalty_factor=RIDGE_FACTORS).fit(
        sp.csr_matrix(X), y, sw
    )
    assert_allclose(sparse.coef_, model.coef_, rtol=1e-10)


def test_penalty_factor_gcv_and_posterior_against_explicit_matrices():
    X, y, _ = _data(n=50)
    model = AdaptiveRidge(criterion="evidence", penalty_factor=RIDGE_FACTORS).fit(X, y)
    n = len(y)
    Xc = X - X.mean(axis=0)
    alpha = n * model.lam_
    Sigma = np.linalg.inv(Xc.T @ Xc + alpha * np.diag(RIDGE_FACTORS))
    assert_allclose(model.coef_, Sigma @ Xc.T @ (y - y.mean()), rtol=1e-8)
    rows = X[:5]
    _, std = model.predict(rows, return_std=True)
    quad = np.einsum("ij,jk,ik->i", rows - X.mean(0), Sigma, rows - X.mean(0))
    expected = np.sqrt(model.noise_variance_ * (1 + 1 / n + quad))
    assert_allclose(std, expected, rtol=1e-8)

    def gcv(lam):
        hat = Xc @ np.linalg.solve(Xc.T @ Xc + n * lam * np.diag(RIDGE_FACTORS), Xc.T)
        residual = (y - y.mean()) - hat @ (y - y.mean())
        return np.mean(residual**2) / (1 - (np.trace(hat) + 1) / n) ** 2

    chosen = AdaptiveRidge(penalty_factor=RIDGE_FACTORS).fit(X, y)
    best = minimize_scalar(
        lambda t: gcv(np.exp(t)),
        bounds=(-12, 6),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert chosen.lam_ == pytest.approx(np.exp(best.x), rel=1e-4)


def test_penalty_factor_partial_fit_equals_fit():
    X, y, _ = _data(n=60)
    whole = AdaptiveRidge(penalty_factor=RIDGE_FACTORS).fit(X, y)
    chunks = AdaptiveRidge(penalty_factor=RIDGE_FACTORS)
    for rows in np.array_split(np.arange(60), 3):
        chunks.partial_fit(X[rows], y[rows])
    assert_allclose(chunks.coef_, whole.coef_, rtol=1e-6)  # λ searched to 1e-7


ZERO_FACTORS = np.array([1.0, 0.0, 3.0, 1.0, 0.0, 0.5])


def _augmented(X, factors):
    """A = [1, X] and D = diag(0, f): ridge with the intercept (and f = 0) free."""
    return np.column_stack([np.ones(len(X)), X]), np.diag(np.r_[0.0, factors])


def test_zero_penalty_factor_is_the_written_objective():
    from .reference import minimise_objective

    X, y, sw = _data(weighted=True, k=2)
    model = AdaptiveRidge(lam=0.3, penalty_factor=ZERO_FACTORS).fit(X, y, sw)
    for target in range(2):
        coef, intercept = minimise_objective(
            X, y[:, target], l2=0.3 * ZERO_FACTORS, sample_weight=sw
        )
        assert_allclose(model.coef_[target], coef[0], rtol=1e-6, atol=1e-8)
        assert_allclose(model.intercept_[target], intercept[0], rtol=1e-6)


@pytest.mark.parametrize("criterion", ["gcv", "loo"])
def test_zero_penalty_factor_criteria_against_the_hat_matrix(criterion):
    X, y, _ = _data(n=40)
    model = AdaptiveRidge(criterion=criterion, penalty_factor=ZERO_FACTORS).fit(X, y)
    A, D = _augmented(X, ZERO_FACTORS)
    n = len(y)

    def value(lam):
        hat = A @ np.linalg.solve(A.T @ A + n * lam * D, A.T)
        residual = y - hat @ y
        if criterion == "gcv":
            return np.mean(residual**2) / (1 - np.trace(hat) / n) ** 2
        return np.mean((residual / (1 - np.diag(hat))) ** 2)

    assert model.criterion_value_ == pytest.approx(value(model.lam_), rel=1e-9)
    best = minimize_scalar(
        lambda t: value(np.exp(t)),
        bounds=(np.log(model.lam_) - 3, np.log(model.lam_) + 3),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert model.lam_ == pytest.approx(np.exp(best.x), rel=1e-4)


def test_zero_penalty_factor_evidence_and_spread_against_direct_formulas():
    X, y, _ = _data(n=40)
    model = AdaptiveRidge(criterion="evidence", penalty_factor=ZERO_FACTORS).fit(X, y)
    n, alpha = len(y), len(y) * model.lam_
    Q = np.column_stack([np.ones(n), X[:, ZERO_FACTORS == 0]])
    P = X[:, ZERO_FACTORS > 0]
    f = ZERO_FACTORS[ZERO_FACTORS > 0]
    # y ~ N(Qγ, σ²C), C = I + P diag(1/f) Pᵀ/α, γ flat, σ² profiled out.
    C = np.eye(n) + P @ np.diag(1 / f) @ P.T / alpha
    Ci = np.linalg.inv(C)
    QCQ = Q.T @ Ci @ Q
    R = y @ (Ci - Ci @ Q @ np.linalg.solve(QCQ, Q.T @ Ci)) @ y
    nu = n - Q.shape[1]
    direct = (
        -0.5 * nu * (np.log(2 * np.pi * R / nu) + 1)
        - 0.5 * np.linalg.slogdet(C)[1]
        - 0.5 * np.linalg.slogdet(QCQ)[1]
    )
    assert model.criterion_value_ == pytest.approx(direct, rel=1e-9)
    assert model.noise_variance_ == pytest.approx(R / nu, rel=1e-9)
    A, D = _augmented(X, ZERO_FACTORS)
    rows = np.column_stack([np.ones(4), X[:4] + 0.3])
    covariance = np.linalg.inv(A.T @ A + alpha * D)
    expected = np.sqrt(
        model.noise_variance_ * (1 + np.einsum("ij,jk,ik->i", rows, covariance, rows))
    )
    assert_allclose(model.predict(X[:4] + 0.3, return_std=True)[1], expected, rtol=1e-8)


def test_zero_penalty_factor_kfold_against_refits():
    from sklearn_l2x import ElasticNet

    X, y, sw = _data(n=60, weighted=True)
    folds = list(KFold(4, shuffle=True, random_state=1).split(X))
    model = AdaptiveRidge(cv=folds, penalty_factor=ZERO_FACTORS).fit(X, y, sw)
    total = 0.0
    for train, test in folds:
        fit = ElasticNet(
            lam=model.alpha_ / sw[train].sum(),
            l1_ratio=0.0,
            penalty_factor=ZERO_FACTORS,
            tol=1e-14,
        ).fit(X[train], y[train], sw[train])
        total += np.sum(sw[test] * (y[test] - fit.predict(X[test])) ** 2)
    assert model.criterion_value_ == pytest.approx(total / sw.sum(), rel=1e-7)


def test_zero_penalty_factor_is_refused_where_rows_are_not_kept():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="penalty_factor values of 0.*partial_fit"):
        AdaptiveRidge(penalty_factor=ZERO_FACTORS).partial_fit(X, y)
    with pytest.raises(ValueError, match="groups"):
        AdaptiveRidge(penalty_factor=ZERO_FACTORS, groups=[0, 0, 0, 1, 1, 1]).fit(X, y)
