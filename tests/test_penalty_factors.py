"""Penalty factors (0 = unpenalised) and sign constraints on every penalised estimator.

Each fit is checked against scipy's L-BFGS-B on the objective written out
with the factors folded into per-feature strengths (``tests/reference.py``);
λ_max with unpenalised features is checked by fitting just above and below it.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    ElasticNet,
    ElasticNetClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2Regression,
    elastic_net_path,
    lam_max,
)

from .reference import fista_sparse_group, minimise_objective

FACTORS = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.0])


def _data(n=100, seed=0, classify=False):
    rng = np.random.default_rng(seed)
    X = StandardScaler().fit_transform(rng.normal(size=(n, FACTORS.size)))
    w = np.array([1.5, -0.4, 0.8, 0.0, -1.0, 0.3, 0.0, 0.2])
    eta = X @ w + 0.3 * rng.normal(size=n)
    y = (eta > 0).astype(int) if classify else eta + 2.0
    return X, y


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_elastic_net_with_factors_is_the_written_objective(l1_ratio, positive):
    X, y = _data()
    lam = 0.05
    model = ElasticNet(
        lam=lam,
        l1_ratio=l1_ratio,
        penalty_factor=FACTORS,
        positive=positive,
        tol=1e-12,
    ).fit(X, y)
    coef, intercept = minimise_objective(
        X,
        y,
        l1=lam * l1_ratio * FACTORS,
        l2=lam * (1 - l1_ratio) * FACTORS,
        positive=positive,
    )
    assert_allclose(model.coef_, coef[0], atol=1e-6)
    assert_allclose(model.intercept_, intercept[0], atol=1e-6)
    if positive:
        assert model.coef_.min() >= 0
    else:
        assert model.coef_[1] != 0  # unpenalised: free even where others vanish


@pytest.mark.parametrize("positive", [False, True])
def test_elastic_net_classifier_with_factors_is_the_written_objective(positive):
    X, y = _data(classify=True, seed=1)
    lam, l1_ratio = 0.03, 0.6
    model = ElasticNetClassifier(
        lam=lam,
        l1_ratio=l1_ratio,
        penalty_factor=FACTORS,
        positive=positive,
        tol=1e-12,
    ).fit(X, y)
    coef, intercept = minimise_objective(
        X,
        y,
        l1=lam * l1_ratio * FACTORS,
        l2=lam * (1 - l1_ratio) * FACTORS,
        loss="log",
        positive=positive,
    )
    assert_allclose(model.coef_, coef, atol=1e-6)
    assert_allclose(model.intercept_, intercept, atol=1e-6)


def test_group_weight_zero_is_an_unpenalised_group():
    # Singleton groups of weight 0 or 1 with a ridge part are the elastic net
    # with penalty factors 0 or 1 (two penalty classes, one objective).
    X, y = _data(seed=2)
    weights = (FACTORS > 0).astype(float)
    group = GroupL2Regression(
        lam=0.1, group_ratio=0.6, group_weights=weights, tol=1e-12
    ).fit(X, y)
    elastic = ElasticNet(lam=0.1, l1_ratio=0.6, penalty_factor=weights, tol=1e-12).fit(
        X, y
    )
    assert_allclose(group.coef_, elastic.coef_, atol=1e-7)
    coef, _ = minimise_objective(X, y, l1=0.1 * 0.6 * weights, l2=0.1 * 0.4 * weights)
    assert_allclose(group.coef_, coef[0], atol=1e-6)


def test_group_weight_zero_in_groups_against_proximal_gradient():
    X, y = _data(seed=3)
    groups = [[0, 1], [2, 3, 4], [5, 6, 7]]
    weights = [0.0, np.sqrt(3), np.sqrt(3)]
    lam = 0.5 * lam_max(X, y, loss="squared", groups=groups, group_weights=weights)
    model = GroupL2Regression(groups, lam, group_weights=weights, tol=1e-12).fit(X, y)
    W, b = fista_sparse_group(X, y, [np.array(g) for g in groups], weights, lam, 1.0)
    assert_allclose(model.coef_, W[:, 0], atol=1e-6)
    assert np.all(model.coef_[[0, 1]] != 0)


def _above_and_below(make, top, X, y, free, positive=False):
    above = make(top * (1 + 1e-6)).fit(X, y)
    coef = np.atleast_2d(above.coef_)
    assert np.all(coef[:, ~free] == 0)
    if positive:  # the free coefficient wants to be negative: held at 0
        assert np.all(coef[:, free] >= 0)
    else:
        assert np.all(coef[:, free] != 0)
    below = make(top * (1 - 1e-3)).fit(X, y)
    assert np.any(np.atleast_2d(below.coef_)[:, ~free] != 0)


@pytest.mark.parametrize("positive", [False, True])
def test_lam_max_with_unpenalised_features(positive):
    X, y = _data(seed=4)
    free = FACTORS == 0
    lams, *_ = elastic_net_path(
        X, y, l1_ratio=0.7, penalty_factor=FACTORS, positive=positive, lams=2
    )

    def make(lam):
        return ElasticNet(
            lam=lam,
            l1_ratio=0.7,
            penalty_factor=FACTORS,
            positive=positive,
            tol=1e-12,
        )

    _above_and_below(make, lams[0], X, y, free, positive)
    Xc, yc = _data(seed=4, classify=True)
    cv = ElasticNetClassifierCV(
        l1_ratio=0.7, lams=2, penalty_factor=FACTORS, positive=positive, cv=2
    ).fit(Xc, yc)

    def make_classifier(lam):
        return ElasticNetClassifier(
            lam=lam,
            l1_ratio=0.7,
            penalty_factor=FACTORS,
            positive=positive,
            tol=1e-12,
        )

    _above_and_below(make_classifier, cv.lams_[0], Xc, yc, free, positive)


def test_group_lam_max_with_an_unpenalised_group():
    X, y = _data(seed=5, classify=True)
    groups = [[0, 1], [2, 3, 4], [5, 6, 7]]
    weights = [1.0, 0.0, 2.0]
    top = lam_max(X, y, groups=groups, group_weights=weights)
    free = np.zeros(X.shape[1], dtype=bool)
    free[[2, 3, 4]] = True

    def make(lam):
        return GroupL2LogisticRegression(groups, lam, group_weights=weights, tol=1e-12)

    _above_and_below(make, top, X, y, free)


def test_cv_estimators_pass_the_factors_to_every_fold():
    X, y = _data(seed=6)
    cv = ElasticNetCV(l1_ratio=0.5, lams=6, cv=3, penalty_factor=FACTORS).fit(X, y)
    refit = ElasticNet(
        lam=cv.lam_, l1_ratio=0.5, penalty_factor=FACTORS, tol=cv.tol
    ).fit(X, y)
    assert_allclose(cv.coef_, refit.coef_, atol=1e-6)
    plain = ElasticNetCV(l1_ratio=0.5, lams=6, cv=3).fit(X, y)
    assert not np.allclose(cv.mse_path_, plain.mse_path_)


@pytest.mark.parametrize(
    "estimator",
    [ElasticNet(), ElasticNetCV(), ElasticNetClassifier(), ElasticNetClassifierCV()],
    ids=lambda e: type(e).__name__,
)
@pytest.mark.parametrize(
    "factors, match",
    [([1.0, 2.0], "one entry per feature"), ([1.0] * 7 + [-1.0], "non-negative")],
)
def test_bad_penalty_factor_is_named(estimator, factors, match):
    X, y = _data(classify="Classifier" in type(estimator).__name__)
    with pytest.raises(ValueError, match=f"penalty_factor.*{match}|{match}"):
        estimator.set_params(penalty_factor=factors).fit(X, y)


def test_inputs_are_not_modified():
    X, y = _data()
    factors = FACTORS.copy()
    ElasticNet(lam=0.1, penalty_factor=factors).fit(X, y)
    assert_allclose(factors, FACTORS)
