"""ElasticNet, its path and CV, checked against scikit-learn and scipy."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    ElasticNet,
    ElasticNetCV,
    _sklearn_compat,
    convert,
    elastic_net_path,
)
from sklearn_l2x._sklearn_compat import INTERCEPT_COLUMN
from sklearn_l2x._solvers import enet_cd
from sklearn_l2x._solvers.enet_cd import solve_target
from sklearn_l2x._solvers.spectral import CentredDesign

from .reference import minimise_objective

TIGHT = {"tol": 1e-14, "max_iter": 1_000_000}


def _problem(n=60, p=25, n_targets=None, seed=0, offset=3.0):
    X, y = make_regression(
        n_samples=n,
        n_features=p,
        n_informative=6,
        n_targets=n_targets or 1,
        noise=5.0,
        random_state=seed,
    )
    X = X + offset  # non-zero means: the intercept and centring matter
    # Targets of unit scale: a gap of 1e-15 of the objective then pins the
    # coefficients to ~1e-8 (the objective is flat to second order).
    return X, (y - y.mean(axis=0)) / y.std(axis=0) + 2.0


def _lam(X, y, l1_ratio, fraction=0.2, sample_weight=None):
    """A λ that keeps some but not all features: a fraction of lam_max."""
    lams, *_ = elastic_net_path(
        X, y, l1_ratio=l1_ratio, lams=1, sample_weight=sample_weight
    )
    return fraction * lams[0]


def _sklearn_elastic_net(lam, l1_ratio, sample_weight, n_samples):
    """scikit-learn's ElasticNet at the same λ, α (exact conversion)."""
    alpha, ratio = convert(
        lam,
        source="l2x",
        target="sklearn.ElasticNet.alpha",
        n_samples=n_samples,
        sample_weight=sample_weight,
        l1_ratio=l1_ratio,
    )
    return linear_model.ElasticNet(alpha=alpha, l1_ratio=ratio, **TIGHT)


def _objective(X, y, w, b, lam, l1_ratio, sw):
    r = y - X @ w - b
    return sw @ r**2 / sw.sum() + lam * (
        l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * w @ w
    )


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.3, 1.0])
def test_equals_sklearn_elastic_net(sparse, weighted, l1_ratio):
    X, y = _problem()
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    lam = _lam(X, y, l1_ratio, sample_weight=sw)
    Xin = sp.csr_matrix(np.where(np.abs(X - 3) > 0.5, X, 0.0)) if sparse else X
    ours = ElasticNet(lam=lam, l1_ratio=l1_ratio, tol=1e-13).fit(Xin, y, sw)
    theirs = _sklearn_elastic_net(lam, l1_ratio, sw, X.shape[0]).fit(Xin, y, sw)
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
    assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-7)
    assert ours.dual_gap_ <= 1e-13


def _recording_enet_path(monkeypatch):
    """Record, for each sparse call of scikit-learn's solver, if it centres."""
    centred = []
    original = enet_cd.enet_path

    def recording(X, y, **params):
        if sp.issparse(X):
            centred.append("X_offset" in params)
        return original(X, y, **params)

    # Centred calls go through the compatibility module's adapter.
    monkeypatch.setattr(enet_cd, "enet_path", recording)
    monkeypatch.setattr(_sklearn_compat, "enet_path", recording)
    return centred


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_inner_solver_equals_sklearn(
    weighted, positive, fit_intercept, monkeypatch
):
    # Very sparse, non-negative columns (non-zero means, so the intercept is
    # coupled to them): the working sets run on sparse columns, not on a Gram
    # matrix, with the intercept as one more column.
    rng = np.random.default_rng(5)
    X = sp.random(200, 1500, density=0.01, format="csr", random_state=5)
    X.data = rng.uniform(0.5, 3.0, X.data.size)
    w = np.zeros(X.shape[1])
    w[:10] = rng.uniform(1, 3, 10)
    y = X @ w + 5.0 + 0.3 * rng.normal(size=X.shape[0])
    sw = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    lam = _lam(X, y, 0.7, fraction=0.05, sample_weight=sw)
    centred = _recording_enet_path(monkeypatch)
    ours = ElasticNet(
        lam=lam, l1_ratio=0.7, positive=positive, fit_intercept=fit_intercept
    )
    ours.set_params(tol=1e-13).fit(X, y, sw)
    assert centred  # sparse columns; with an intercept column where verified
    expected = fit_intercept and not INTERCEPT_COLUMN
    assert all(c == expected for c in centred)
    theirs = _sklearn_elastic_net(lam, 0.7, sw, X.shape[0])
    theirs.set_params(positive=positive, fit_intercept=fit_intercept).fit(X, y, sw)
    assert 5 < np.count_nonzero(ours.coef_) < X.shape[1]
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
    assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-7)
    assert ours.dual_gap_ <= 1e-13


@pytest.mark.parametrize("density", [0.02, 0.9])
@pytest.mark.parametrize("positive", [False, True])
def test_sparse_working_set_solve_is_the_centred_one(density, positive, monkeypatch):
    # Columns that are mostly mean (dense, one-signed) would make the
    # intercept column zig-zag: those are centred by scikit-learn instead.
    # Either way the working set's solution is the one on centred columns.
    rng = np.random.default_rng(2)
    X = sp.random(300, 60, density=density, format="csc", random_state=2)
    X.data = rng.uniform(0.5, 3.0, X.data.size)
    y = X @ rng.normal(size=60) + 4.0 + rng.normal(size=300)
    sw = rng.uniform(0.2, 3.0, 300)
    design = CentredDesign(X, sw, True)
    y_tilde = np.sqrt(sw) * (y - sw @ y / sw.sum())
    columns = np.arange(0, 60, 2)
    params = {
        "l1_ratio": 0.5,
        "alphas": [0.02],
        "coef_init": np.zeros(columns.size),
        "tol": 1e-14,
        "max_iter": 100_000,
        "check_input": False,
        "return_n_iter": True,
        "positive": positive,
    }
    centred = _recording_enet_path(monkeypatch)
    coef, _ = enet_cd._inner_sparse(
        design, y_tilde, columns, params["coef_init"], params
    )
    assert set(centred) == {density > 0.5 or not INTERCEPT_COLUMN}
    scale = np.sqrt(300 / sw.sum())
    expected = linear_model.enet_path(
        design.columns(columns) * scale,
        y_tilde * scale,
        **{
            k: v for k, v in params.items() if k not in ("check_input", "return_n_iter")
        },
    )[1][:, 0]
    assert_allclose(coef, expected, atol=1e-8)


def test_lasso_and_reference_minimiser():
    X, y = _problem(n=40, p=10, seed=3)
    lam = _lam(X, y, 1.0)
    ours = ElasticNet(lam=lam, l1_ratio=1.0, tol=1e-14).fit(X, y)
    lasso = linear_model.Lasso(alpha=lam / 2, **TIGHT).fit(X, y)
    assert_allclose(ours.coef_, lasso.coef_, atol=1e-7)
    coef, intercept = minimise_objective(X, y, l1=lam)
    sw = np.ones(len(y))
    assert _objective(X, y, ours.coef_, ours.intercept_, lam, 1.0, sw) <= (
        _objective(X, y, coef[0], intercept[0], lam, 1.0, sw) + 1e-9
    )


@pytest.mark.parametrize("sparse", [False, True])
def test_l1_ratio_zero_is_ridge(sparse):
    X, y = _problem()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, X.shape[0])
    lam = 0.3
    Xin = sp.csc_matrix(X) if sparse else X
    ours = ElasticNet(lam=lam, l1_ratio=0.0, tol=1e-14).fit(Xin, y, sw)
    alpha = convert(lam, source="l2x", target="sklearn.Ridge.alpha", sample_weight=sw)
    ridge = linear_model.Ridge(alpha=alpha, tol=1e-12, solver="cholesky").fit(X, y, sw)
    assert_allclose(ours.coef_, ridge.coef_, atol=1e-7)
    assert_allclose(ours.intercept_, ridge.intercept_, atol=1e-7)


def test_multi_output_is_one_problem_per_target():
    X, Y = _problem(n_targets=3)
    model = ElasticNet(lam=0.05, l1_ratio=0.7, tol=1e-13).fit(X, Y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    assert len(model.n_iter_) == 3
    for k in range(3):
        single = ElasticNet(lam=0.05, l1_ratio=0.7, tol=1e-13).fit(X, Y[:, k])
        assert_allclose(model.coef_[k], single.coef_, atol=1e-10)
        assert_allclose(model.intercept_[k], single.intercept_, atol=1e-9)


def test_positive_matches_sklearn():
    X, y = _problem(seed=5)
    lam = _lam(X, y, 0.5, fraction=0.1)
    ours = ElasticNet(lam=lam, l1_ratio=0.5, positive=True, tol=1e-13).fit(X, y)
    theirs = _sklearn_elastic_net(lam, 0.5, None, X.shape[0])
    theirs.set_params(positive=True).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)


def test_reported_gap_bounds_the_suboptimality():
    X, y = _problem(n=50, p=200, seed=7)
    sw = np.ones(len(y))
    lam, l1_ratio = _lam(X, y, 0.8, fraction=0.05), 0.8
    best = ElasticNet(lam=lam, l1_ratio=l1_ratio, tol=1e-15).fit(X, y)
    optimum = _objective(X, y, best.coef_, best.intercept_, lam, l1_ratio, sw)
    null = np.var(y)
    for tol in (1e-2, 1e-4, 1e-6):
        rough = ElasticNet(lam=lam, l1_ratio=l1_ratio, tol=tol).fit(X, y)
        excess = (
            _objective(X, y, rough.coef_, rough.intercept_, lam, l1_ratio, sw) - optimum
        )
        assert -1e-12 <= excess <= rough.dual_gap_ * null + 1e-12
        assert rough.dual_gap_ <= tol


@pytest.mark.parametrize("positive", [False, True])
def test_screening_never_removes_a_non_zero_feature(positive):
    X, y = _problem(n=40, p=300, seed=11)
    lam = _lam(X, y, 0.9, fraction=0.3)
    design = CentredDesign(X, np.ones(len(y)), True)
    y_tilde = y - y.mean()
    common = {"tol": 1e-14, "max_iter": 100_000, "positive": positive}
    w_plain, plain_info = solve_target(
        design, y_tilde, lam, 0.9, np.zeros(X.shape[1]), screening=False, **common
    )
    # Start near the optimum, every coefficient non-zero: the gap is small from
    # the first pass, so the sphere test has something to remove.
    start = w_plain + 1e-4 * np.random.default_rng(0).uniform(0.5, 1, X.shape[1])
    w_screened, info = solve_target(design, y_tilde, lam, 0.9, start, **common)
    assert info["n_screened"] > X.shape[1] // 2  # the rule does work here
    assert plain_info["n_screened"] == 0
    assert_allclose(w_screened, w_plain, atol=1e-9)  # screened ones are zero


def test_float32_kept_and_inputs_not_modified():
    X, y = _problem()
    X32 = X.astype(np.float32)
    sw = np.linspace(0.5, 2, len(y))
    copies = X32.copy(), y.copy(), sw.copy()
    model = ElasticNet(lam=1.0).fit(X32, y, sw)
    assert model.coef_.dtype == np.float32
    assert_array_equal(X32, copies[0])
    assert_array_equal(y, copies[1])
    assert_array_equal(sw, copies[2])


def test_weighted_rows_equal_repeated_rows():
    X, y = _problem(n=30, p=8)
    counts = np.random.default_rng(0).integers(0, 4, len(y))
    weighted = ElasticNet(lam=0.4, tol=1e-13).fit(X, y, counts)
    repeated = ElasticNet(lam=0.4, tol=1e-13).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-9)


def test_not_converged_warns():
    X, y = _problem(n=50, p=200, seed=2)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        ElasticNet(lam=1e-4, l1_ratio=0.5, max_iter=1, tol=1e-12).fit(X, y)


def test_warm_start_reuses_the_solution():
    X, y = _problem(n=50, p=200, seed=4)
    model = ElasticNet(lam=0.01, tol=1e-10, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ < first


def test_path_equals_sklearn_enet_path():
    X, y = _problem(seed=9)
    l1_ratio = 0.6
    lams, coefs, intercepts, gaps = elastic_net_path(
        X, y, l1_ratio=l1_ratio, lams=12, tol=1e-13
    )
    assert np.all(np.diff(lams) < 0)
    assert np.all(coefs[0] == 0)  # lam_max: everything zero ...
    just_below = ElasticNet(lam=lams[0] * 0.999, l1_ratio=l1_ratio, tol=1e-14)
    just_below.fit(X, y)
    assert np.count_nonzero(just_below.coef_) >= 1  # ... and only there
    alphas, ratio = convert(
        lams,
        source="l2x",
        target="sklearn.ElasticNet.alpha",
        n_samples=X.shape[0],
        l1_ratio=l1_ratio,
    )
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, sk_coefs, _ = linear_model.enet_path(
        Xc,
        yc,
        l1_ratio=float(np.atleast_1d(ratio)[0]),
        alphas=alphas,
        tol=1e-14,
        max_iter=1_000_000,
    )
    assert_allclose(coefs, sk_coefs.T, atol=1e-7)  # (n_lams, p)
    assert_allclose(intercepts, y.mean() - coefs @ X.mean(axis=0), atol=1e-9)
    assert np.all(gaps <= 1e-13)


@pytest.mark.parametrize("positive", [False, True])
def test_wide_path_passes_over_X_once_per_lambda(monkeypatch, positive):
    # Without the Gram matrix (p > n) every point's certificate costs one
    # pass over X; the next point starts from it (its correlations do not
    # depend on λ) rather than paying a second pass. The points stay those
    # of fits from scratch.
    X, y = _problem(n=60, p=300, seed=3)
    calls = []
    full_pass = CentredDesign.rmatmul
    monkeypatch.setattr(
        CentredDesign,
        "rmatmul",
        lambda self, *a, **k: calls.append(1) or full_pass(self, *a, **k),
    )
    lams, coefs, _, gaps = elastic_net_path(
        X, y, l1_ratio=0.7, lams=30, eps=1e-2, tol=1e-9, positive=positive
    )
    monkeypatch.undo()
    # One pass for X̃ᵀỹ, one per point (most points take a single round).
    assert len(calls) <= lams.size + 2
    for i in (5, 20, 29):
        single = ElasticNet(lam=lams[i], l1_ratio=0.7, tol=1e-12, positive=positive)
        assert_allclose(coefs[i], single.fit(X, y).coef_, atol=1e-5)


def test_cv_equals_sklearn_elastic_net_cv():
    X, y = _problem(n=80, p=30, seed=12)
    cv = KFold(4, shuffle=True, random_state=0)
    l1_ratios = [0.4, 0.9]
    ours = ElasticNetCV(l1_ratio=l1_ratios, lams=15, cv=cv, tol=1e-12).fit(X, y)
    # scikit-learn on the same grids (each converted with its own mix).
    converted = [
        convert(
            ours.lams_[i],
            source="l2x",
            target="sklearn.ElasticNet.alpha",
            n_samples=X.shape[0],
            l1_ratio=mix,
        )
        for i, mix in enumerate(l1_ratios)
    ]
    mse = []
    for alphas, ratio in converted:
        sk = linear_model.ElasticNetCV(
            l1_ratio=float(np.atleast_1d(ratio)[0]),
            alphas=alphas,
            cv=cv,
            tol=1e-13,
            max_iter=1_000_000,
        ).fit(X, y)
        mse.append(sk.mse_path_)
    assert_allclose(ours.mse_path_, np.array(mse), rtol=1e-5)
    assert ours.mse_path_.shape == (2, 15, 4)
    assert ours.l1_ratio_ in l1_ratios
    refit = ElasticNet(lam=ours.lam_, l1_ratio=ours.l1_ratio_, tol=1e-12).fit(X, y)
    assert_allclose(ours.coef_, refit.coef_, atol=1e-9)


def test_cv_is_the_same_in_parallel():
    X, y = _problem(n=60, p=20, seed=13)
    one = ElasticNetCV(l1_ratio=[0.5, 1.0], lams=8, cv=3).fit(X, y)
    two = ElasticNetCV(l1_ratio=[0.5, 1.0], lams=8, cv=3, n_jobs=2).fit(X, y)
    # Equal to rounding: joblib's workers run BLAS on one thread, whose
    # products may round differently (seen: 1.6e-14 with NumPy 1.23).
    assert_allclose(one.mse_path_, two.mse_path_, rtol=1e-12)
    assert_allclose(one.coef_, two.coef_, rtol=1e-12, atol=1e-15)


def test_pipeline_grid_search_clone_pickle():
    X, y = _problem(n=60, p=10)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), ElasticNet()),
        {"elasticnet__lam": [0.01, 0.1, 1.0], "elasticnet__l1_ratio": [0.2, 0.8]},
        cv=3,
    ).fit(X, y)
    best = search.best_estimator_
    again = pickle.loads(pickle.dumps(best))
    assert_allclose(again.predict(X), best.predict(X))
    assert clone(best[-1]).get_params() == best[-1].get_params()


def test_feature_names_kept():
    pd = pytest.importorskip("pandas")
    X, y = _problem(n=30, p=4)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = ElasticNet(lam=0.1).fit(frame, y)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lam": -1.0}, "'lam' parameter"),
        ({"l1_ratio": 1.5}, "'l1_ratio' parameter"),
        ({"tol": 0.0}, "'tol' parameter"),
    ],
)
def test_bad_parameters_are_named(params, message):
    X, y = _problem(n=20, p=3)
    with pytest.raises(ValueError, match=message):
        ElasticNet(**params).fit(X, y)


def test_bad_path_grid_is_explained():
    X, y = _problem(n=20, p=3)
    with pytest.raises(ValueError, match="lams must be non-negative"):
        elastic_net_path(X, y, lams=[1.0, -1.0])
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        elastic_net_path(X, y, l1_ratio=0.0)
    with pytest.raises(ValueError, match="n_samples = 1"):
        ElasticNetCV().fit(X[:1], y[:1])


def test_constant_target_gives_zero_coefficients():
    X, _ = _problem(n=20, p=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ElasticNetCV(lams=5, cv=3).fit(X, np.full(20, 4.0))
    assert_array_equal(model.coef_, 0.0)
    assert model.intercept_ == pytest.approx(4.0)


def test_dual_scaling_is_the_exact_maximiser():
    """The gap's rescaled dual point: checked against scipy's 1-D optimiser."""
    from scipy.optimize import minimize_scalar

    from sklearn_l2x._solvers.enet_cd import _best_scaling

    rng = np.random.default_rng(0)
    for _ in range(100):
        c = np.abs(rng.standard_normal(50)) * rng.uniform(0.1, 3)
        A = rng.uniform(0.1, 2)
        B = rng.uniform(0.5 * A, 3)
        a1, a2 = rng.uniform(0.01, 1, size=2)

        def negative_dual(t, c=c, A=A, B=B, a1=a1, a2=a2):
            excess = np.maximum(t * c - a1, 0)
            return -(t * A - 0.5 * t * t * B - excess @ excess / (2 * a2))

        t = _best_scaling(A, B, c, a1, a2)
        best = minimize_scalar(
            negative_dual, bounds=(0, A / B), method="bounded", options={"xatol": 1e-12}
        )
        assert negative_dual(t) <= negative_dual(best.x) + 1e-12


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_path_and_cv(sparse):
    X, y = _problem(n=60, p=20)
    X32 = X.astype(np.float32)
    X32 = sp.csc_matrix(X32) if sparse else X32
    lams, coefs, _, _ = elastic_net_path(X32, y, lams=5)
    reference = elastic_net_path(X, y, lams=lams)[1]
    assert_allclose(coefs, reference, atol=1e-4)
    model = ElasticNetCV(lams=5, cv=3).fit(X32, y)
    assert model.coef_.dtype == np.float32
