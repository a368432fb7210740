"""AdaptiveLogisticRegression and AdaptiveRidgeClassifier against references.

References: scikit-learn's LogisticRegression / RidgeClassifier under the
exact maps C = 1/(2Sλ), alpha = Sλ; explicit Hessians and per-row Newton
steps (tests/reference.py); n refits for exact leave-one-out; scipy
quadrature for the marginal likelihood.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import integrate
from scipy.special import expit, log_expit
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    AdaptiveLogisticRegression,
    AdaptiveRidge,
    AdaptiveRidgeClassifier,
)
from sklearn_l2x._glm_selection import Problem, approximate_loo
from sklearn_l2x._losses import BinaryLogistic, Multinomial
from sklearn_l2x._solvers.newton import RidgeNewton, RowSpaceDesign

from .reference import logistic_alo_brute, logistic_laplace_evidence_brute


def _data(n=60, p=4, classes=2, seed=0):
    X, y = make_classification(
        n_samples=n,
        n_features=p,
        n_informative=min(p, 3),
        n_redundant=0,
        n_classes=classes,
        n_clusters_per_class=1,
        class_sep=0.7,
        flip_y=0.1,
        random_state=seed,
    )
    return X, y


def _sklearn_coef(X, y, lam, sample_weight=None):
    S = len(y) if sample_weight is None else sample_weight.sum()
    model = LogisticRegression(C=1 / (2 * S * lam), tol=1e-12, max_iter=10_000)
    model.fit(X, y, sample_weight=sample_weight)
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] > 1:
        coef = coef - coef.mean(axis=0)
        intercept = intercept - intercept.mean()
    return coef, intercept


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("shape", ["tall", "wide", "sparse"])
def test_fixed_lam_equals_logistic_regression_at_C(classes, shape):
    n, p = (80, 5) if shape != "wide" else (25, 60)
    X, y = _data(n, p, classes)
    sw = np.random.RandomState(1).uniform(0.5, 2.0, n)
    lam = 0.01
    data = sp.csr_matrix(X) if shape == "sparse" else X
    model = AdaptiveLogisticRegression(lam=lam, tol=1e-12).fit(
        data, y, sample_weight=sw
    )
    coef, intercept = _sklearn_coef(X, y, lam, sw)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, intercept, atol=1e-6)
    assert model.C_ == pytest.approx(1 / (2 * sw.sum() * lam))


@pytest.mark.parametrize("classes", [2, 3])
def test_alo_equals_its_formula_by_explicit_newton_steps(classes):
    X, y = _data(40, 3, classes)
    sw = np.random.RandomState(2).randint(1, 4, len(y)).astype(float)
    sw[:3] = 0.4  # rows below one unit leave entirely
    lam = 0.02
    model = AdaptiveLogisticRegression(lam=lam, criterion="alo", tol=1e-13)
    model.fit(X, y, sample_weight=sw)
    expected = logistic_alo_brute(X, y, sw, model.coef_.T, model.intercept_, lam)
    # The estimator reads the Hessian of its last Newton iterate, one step
    # (of size ~√tol) before the returned coefficients.
    assert model.criterion_value_ == pytest.approx(expected, rel=1e-6)


def test_alo_is_close_to_exact_loo_on_breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    lam = AdaptiveLogisticRegression().fit(X, y).lam_
    alo = AdaptiveLogisticRegression(lam=lam, criterion="alo").fit(X, y)
    loo = AdaptiveLogisticRegression(lam=lam, criterion="loo").fit(X, y)
    # Measured: ALO 0.07485, exact LOO 0.07489 (0.06% apart).
    assert alo.criterion_value_ == pytest.approx(loo.criterion_value_, rel=5e-3)


@pytest.mark.parametrize("classes", [2, 3])
def test_exact_loo_equals_n_independent_fits(classes):
    X, y = _data(30, 3, classes, seed=3)
    lam = 0.03
    model = AdaptiveLogisticRegression(lam=lam, criterion="loo", tol=1e-12).fit(X, y)
    # Leaving a row out keeps the penalty's weight against the summed loss:
    # LogisticRegression's C unchanged.
    C = 1 / (2 * len(y) * lam)
    losses = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        fit = LogisticRegression(C=C, tol=1e-12, max_iter=10_000)
        fit.fit(X[keep], y[keep])
        proba = fit.predict_proba(X[i : i + 1])[0]
        losses.append(-np.log(proba[list(fit.classes_).index(y[i])]))
    assert model.criterion_value_ == pytest.approx(np.mean(losses), rel=1e-6)


def test_kfold_equals_held_out_log_loss_of_refits():
    X, y = _data(90, 4, 3, seed=4)
    lam = 0.01
    folds = list(StratifiedKFold(3).split(X, y))
    model = AdaptiveLogisticRegression(lam=lam, criterion="kfold", cv=folds, tol=1e-12)
    model.fit(X, y)
    scores = []
    for train, test in folds:
        fit = LogisticRegression(
            C=1 / (2 * len(train) * lam), tol=1e-12, max_iter=10_000
        )
        fit.fit(X[train], y[train])
        scores.append(log_loss(y[test], fit.predict_proba(X[test]), labels=[0, 1, 2]))
    assert model.criterion_value_ == pytest.approx(np.mean(scores), rel=1e-6)


def test_evidence_equals_its_formula_by_explicit_hessian():
    X, y = _data(50, 3)
    sw = np.random.RandomState(5).uniform(0.5, 2.0, len(y))
    lam = 0.05
    model = AdaptiveLogisticRegression(lam=lam, criterion="evidence", tol=1e-13)
    model.fit(X, y, sample_weight=sw)
    expected = logistic_laplace_evidence_brute(
        X, y, sw, model.coef_.T, model.intercept_, lam
    )
    assert model.criterion_value_ == pytest.approx(expected, rel=1e-6)


def test_evidence_is_close_to_the_marginal_likelihood_by_quadrature():
    rng = np.random.RandomState(6)
    x = rng.normal(size=160)
    y = (rng.uniform(size=160) < expit(1.5 * x - 0.5)).astype(int)
    X = x[:, None]
    lam = 0.005
    model = AdaptiveLogisticRegression(lam=lam, criterion="evidence", tol=1e-13)
    model.fit(X, y)
    alpha = 2 * len(y) * lam
    w0, b0 = model.coef_[0, 0], model.intercept_[0]

    def log_integrand(w, b):
        eta = w * x + b
        log_lik = np.sum(log_expit(np.where(y == 1, eta, -eta)))
        return log_lik - 0.5 * alpha * w**2 + 0.5 * np.log(alpha / (2 * np.pi))

    peak = log_integrand(w0, b0)
    value, _ = integrate.dblquad(
        lambda b, w: np.exp(log_integrand(w, b) - peak),
        w0 - 3,
        w0 + 3,
        b0 - 3,
        b0 + 3,
        epsabs=1e-12,
        epsrel=1e-10,
    )
    exact = peak + np.log(value)
    # Laplace's error in log Z shrinks like 1/n: measured 0.021, 0.0076 and
    # 0.0023 for n = 40, 160, 640 on this model.
    assert model.criterion_value_ == pytest.approx(exact, abs=0.012)


@pytest.mark.parametrize("criterion", ["alo", "evidence"])
def test_chosen_lam_minimises_the_criterion_on_a_dense_grid(criterion):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = AdaptiveLogisticRegression(criterion=criterion).fit(X, y)
    sign = -1.0 if criterion == "evidence" else 1.0
    grid = model.lam_ * np.geomspace(0.2, 5.0, 41)
    values = [
        sign
        * AdaptiveLogisticRegression(lam=lam, criterion=criterion)
        .fit(X, y)
        .criterion_value_
        for lam in grid
    ]
    chosen = sign * model.criterion_value_
    # The search stops at 3% in λ, where the criterion is flat to ~1e-6.
    assert chosen <= min(values) + 1e-6 * abs(chosen)
    assert grid[0] < model.lam_ < grid[-1]
    assert not model.lam_on_boundary_


@pytest.mark.parametrize("criterion", ["alo", "evidence", "loo"])
def test_weighted_rows_equal_repeated_rows(criterion):
    X, y = _data(30, 3, 3, seed=7)
    sw = np.random.RandomState(8).randint(0, 4, len(y))
    X_repeated, y_repeated = np.repeat(X, sw, axis=0), np.repeat(y, sw)
    for lam in (1e-3, 1e-2, 1e-1):  # the same criterion, value by value
        weighted = AdaptiveLogisticRegression(lam=lam, criterion=criterion, tol=1e-12)
        repeated = AdaptiveLogisticRegression(lam=lam, criterion=criterion, tol=1e-12)
        weighted.fit(X, y, sample_weight=sw)
        repeated.fit(X_repeated, y_repeated)
        assert weighted.criterion_value_ == pytest.approx(
            repeated.criterion_value_, rel=1e-9
        )
    weighted = AdaptiveLogisticRegression(criterion=criterion).fit(
        X, y, sample_weight=sw
    )
    repeated = AdaptiveLogisticRegression(criterion=criterion).fit(
        X_repeated, y_repeated
    )
    # The same search on the same function; where it stops inside its last
    # bracket (3% in λ) rounding may decide (measured: equal λ with
    # scikit-learn 1.9's NumPy, 0.1% apart with the oldest pins).
    assert weighted.lam_ == pytest.approx(repeated.lam_, rel=0.03)
    weighted_at = AdaptiveLogisticRegression(lam=repeated.lam_, criterion=criterion)
    weighted_at.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(weighted_at.coef_, repeated.coef_, atol=1e-6)


def test_class_weight_equals_its_sample_weights():
    X, y = _data(60, 3, 3, seed=9)
    class_weight = {0: 2.0, 1: 0.5, 2: 1.0}
    by_class = AdaptiveLogisticRegression(class_weight=class_weight).fit(X, y)
    sw = np.array([class_weight[label] for label in y])
    by_rows = AdaptiveLogisticRegression().fit(X, y, sample_weight=sw)
    assert by_class.lam_ == pytest.approx(by_rows.lam_, rel=1e-10)
    np.testing.assert_allclose(by_class.coef_, by_rows.coef_, rtol=1e-10)


def test_multinomial_with_two_classes_is_the_binary_model():
    """K = 2 softmax at λ is the binary model at λ/2 (w = w₁ − w₀ = 2w₁),
    with the same decisions and the same ALO (the block form reduces to the
    scalar one)."""
    X, y = _data(50, 3, seed=10)
    design = RowSpaceDesign.from_data(X, True)
    sw = np.ones(len(y))
    lam = 0.04
    softmax_loss = Multinomial(np.eye(2)[y], sw)
    binary_loss = BinaryLogistic(y[:, None].astype(float), sw)
    two = RidgeNewton(design, softmax_loss, 1e-13, 100).solve(lam)
    one = RidgeNewton(design, binary_loss, 1e-13, 100).solve(lam / 2)
    margin = two.eta[:, 1] - two.eta[:, 0]
    np.testing.assert_allclose(margin, one.eta[:, 0], rtol=1e-8, atol=1e-10)
    assert approximate_loo(two, softmax_loss) == pytest.approx(
        approximate_loo(one, binary_loss), rel=1e-8
    )


def test_row_space_design_equals_the_full_one():
    """p > n: working in the row space of X changes no criterion."""
    X, y = _data(20, 40, seed=11)
    sw = np.ones(len(y))
    loss = BinaryLogistic(y[:, None].astype(float), sw)
    lam = 0.05
    reduced = RowSpaceDesign.from_data(X, True)
    full = RowSpaceDesign(X, None, True)
    assert reduced.basis is not None
    fits = [RidgeNewton(d, loss, 1e-13, 100).solve(lam) for d in (reduced, full)]
    np.testing.assert_allclose(fits[0].eta, fits[1].eta, rtol=1e-8, atol=1e-10)
    assert approximate_loo(fits[0], loss) == pytest.approx(
        approximate_loo(fits[1], loss), rel=1e-8
    )
    problem = Problem(reduced, y[:, None].astype(float), sw, BinaryLogistic, 1e-8, 100)
    assert problem.design is reduced


@pytest.mark.parametrize("shape", ["tall", "wide"])
def test_moderated_output_equals_the_probit_formula(shape):
    n, p = (60, 3) if shape == "tall" else (15, 30)
    X, y = _data(n, p, seed=12)
    lam = 0.05
    model = AdaptiveLogisticRegression(lam=lam, moderated_output=True, tol=1e-13)
    model.fit(X, y)
    # Posterior covariance: inverse of the summed objective's Hessian.
    Xt = np.hstack([X, np.ones((n, 1))])
    prob = expit(X @ model.coef_[0] + model.intercept_[0])
    H = Xt.T @ (Xt * (prob * (1 - prob))[:, None])
    H += 2 * n * lam * np.diag(np.r_[np.ones(p), 0.0])
    new = np.random.RandomState(13).normal(size=(5, p))
    new_t = np.hstack([new, np.ones((5, 1))])
    variance = np.einsum("ij,jk,ik->i", new_t, np.linalg.inv(H), new_t)
    mean = new @ model.coef_[0] + model.intercept_[0]
    expected = expit(mean / np.sqrt(1 + np.pi * variance / 8))
    np.testing.assert_allclose(model.predict_proba(new)[:, 1], expected, rtol=1e-7)
    plain = AdaptiveLogisticRegression(lam=lam, tol=1e-13).fit(X, y)
    np.testing.assert_array_equal(model.predict(new), plain.predict(new))


def test_digits_multinomial_fit_and_attributes():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = AdaptiveLogisticRegression().fit(X, y)
    assert model.coef_.shape == (10, 64)
    assert model.lam_path_[0] > model.lam_path_[-1]
    assert model.criterion_path_.shape == model.lam_path_.shape
    assert model.criterion_value_ <= model.criterion_path_.min() + 1e-12
    coef, _ = _sklearn_coef(X, y, model.lam_)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-5)


def test_stopping_early_warns():
    X, y = _data(60, 3)
    with pytest.warns(ConvergenceWarning, match="relative Newton decrement"):
        AdaptiveLogisticRegression(lam=1e-3, max_iter=1).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        AdaptiveLogisticRegression(lam=1e-3).fit(X, y)


def test_options_that_conflict_are_errors():
    X, y = _data(30, 2)
    with pytest.raises(ValueError, match="conflicts with criterion='evidence'"):
        AdaptiveLogisticRegression(criterion="evidence", cv=3).fit(X, y)
    with pytest.raises(ValueError, match="lam_bounds must satisfy"):
        AdaptiveLogisticRegression(lam_bounds=(1.0, 0.1)).fit(X, y)


def test_optimum_at_the_top_of_the_range_is_reported():
    rng = np.random.RandomState(14)
    X = rng.normal(size=(80, 3))
    y = rng.randint(0, 2, 80)  # no signal: the null model is best
    with pytest.warns(UserWarning, match="end of the search range"):
        model = AdaptiveLogisticRegression(criterion="evidence").fit(X, y)
    assert model.lam_on_boundary_


# -- AdaptiveRidgeClassifier ------------------------------------------------------


@pytest.mark.parametrize("loader", [load_breast_cancer, load_digits])
def test_ridge_classifier_is_ridge_on_class_codes(loader):
    X, y = loader(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = AdaptiveRidgeClassifier().fit(X, y)
    codes = np.where(y[:, None] == np.unique(y)[None, :], 1.0, -1.0)
    if codes.shape[1] == 2:
        codes = codes[:, 1:]
    ridge = AdaptiveRidge(lam_per_target=False).fit(X, codes)
    assert model.lam_ == pytest.approx(float(np.atleast_1d(ridge.lam_)[0]))
    reference = RidgeClassifier(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))


def test_ridge_classifier_class_weight_equals_sample_weights():
    X, y = load_breast_cancer(return_X_y=True)
    by_class = AdaptiveRidgeClassifier(class_weight="balanced").fit(X, y)
    counts = np.bincount(y)
    sw = (len(y) / (2 * counts))[y]
    by_rows = AdaptiveRidgeClassifier().fit(X, y, sample_weight=sw)
    assert by_class.lam_ == pytest.approx(by_rows.lam_, rel=1e-10)
    np.testing.assert_allclose(by_class.coef_, by_rows.coef_, rtol=1e-10)
