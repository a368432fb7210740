"""Invariances every estimator keeps: weights as repeated rows, zero weights as
absent rows, the order of the rows, and the names (order) of the labels.

CV estimators get explicit folds that map to each other under the
transformation (folds themselves depend on row order and counts).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    AdaptiveRidge,
    ElasticNet,
    ElasticNetClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
)

N = 90


def _regression():
    return make_regression(N, 8, noise=10.0, random_state=0)


def _classification():
    X, y = make_classification(
        N, 8, n_informative=4, n_classes=3, n_clusters_per_class=1, random_state=0
    )
    return StandardScaler().fit_transform(X), y


GROUPS = [0, 0, 1, 1, 2, 2, 3, 3]
FOLDS = list(KFold(3, shuffle=True, random_state=0).split(np.zeros(N)))

SINGLE = [
    (lambda: ElasticNet(lam=0.5, l1_ratio=0.7, tol=1e-12), _regression),
    (lambda: AdaptiveRidge(criterion="gcv"), _regression),
    (lambda: AdaptiveRidge(criterion="evidence"), _regression),
    (lambda: AdaptiveRidge(lam=0.1), _regression),
    (lambda: ElasticNetClassifier(lam=0.01, l1_ratio=0.7, tol=1e-10), _classification),
    (lambda: GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-10), _classification),
]
CV = [
    (
        lambda folds: ElasticNetCV(l1_ratio=[0.5, 1.0], lams=6, cv=folds, tol=1e-10),
        _regression,
    ),
    (
        lambda folds: ElasticNetClassifierCV(lams=6, cv=folds, tol=1e-10),
        _classification,
    ),
    (
        lambda folds: GroupL2LogisticRegressionCV(GROUPS, lams=6, cv=folds, tol=1e-10),
        _classification,
    ),
]
IDS = ["ElasticNet", "Ridge-gcv", "Ridge-evidence", "Ridge-fixed", "ENClf", "Group"]
CV_IDS = ["ElasticNetCV", "ElasticNetClassifierCV", "GroupL2LogisticRegressionCV"]


@pytest.mark.parametrize("make, data", SINGLE, ids=IDS)
def test_weighted_rows_equal_repeated_rows(make, data):
    X, y = data()
    weights = np.random.default_rng(0).integers(1, 4, size=N)
    weighted = make().fit(X, y, weights.astype(float))
    repeated = make().fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)
    assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-6)


@pytest.mark.parametrize("make, data", SINGLE, ids=IDS)
def test_zero_weight_rows_equal_absent_rows(make, data):
    X, y = data()
    rng = np.random.default_rng(1)
    extra = rng.normal(scale=4.0, size=(20, X.shape[1]))
    X_more = np.vstack([X, extra])
    y_more = np.concatenate([y, rng.permutation(y)[:20]])
    weights = np.concatenate([np.ones(N), np.zeros(20)])
    padded = make().fit(X_more, y_more, weights)
    plain = make().fit(X, y)
    assert_allclose(padded.coef_, plain.coef_, atol=1e-6)
    assert_allclose(padded.intercept_, plain.intercept_, atol=1e-6)


@pytest.mark.parametrize("make, data", SINGLE, ids=IDS)
def test_row_order_does_not_matter(make, data):
    X, y = data()
    order = np.random.default_rng(2).permutation(N)
    assert_allclose(
        make().fit(X[order], y[order]).coef_, make().fit(X, y).coef_, atol=1e-7
    )


def _relabelled(y):
    """Labels renamed so that their sorted order is a permutation of the old."""
    names = np.array(["zebra", "ant", "moth"])
    return names[y]


@pytest.mark.parametrize("make, data", SINGLE[4:], ids=IDS[4:])
def test_label_names_and_order_do_not_matter(make, data):
    X, y = data()
    plain = make().fit(X, y)
    renamed = make().fit(X, _relabelled(y))
    assert_array_equal(renamed.predict(X), _relabelled(plain.predict(X)))
    # Columns follow classes_: sorted names are ant (1), moth (2), zebra (0).
    assert_allclose(
        renamed.predict_proba(X), plain.predict_proba(X)[:, [1, 2, 0]], atol=1e-7
    )


@pytest.mark.parametrize("make, data", CV, ids=CV_IDS)
def test_cv_row_order_does_not_matter(make, data):
    X, y = data()
    order = np.random.default_rng(3).permutation(N)
    where = np.argsort(order)  # old row i sits at where[i]
    folds = [(where[train], where[test]) for train, test in FOLDS]
    plain = make(FOLDS).fit(X, y)
    permuted = make(folds).fit(X[order], y[order])
    assert permuted.lam_ == pytest.approx(plain.lam_)
    assert_allclose(permuted.scores_, plain.scores_, atol=1e-9)
    assert_allclose(permuted.coef_, plain.coef_, atol=1e-6)


@pytest.mark.parametrize("make, data", CV[1:], ids=CV_IDS[1:])
def test_cv_label_names_do_not_matter(make, data):
    X, y = data()
    plain = make(FOLDS).fit(X, y)
    renamed = make(FOLDS).fit(X, _relabelled(y))
    assert renamed.lam_ == pytest.approx(plain.lam_)
    assert_allclose(renamed.scores_, plain.scores_, atol=1e-9)
    assert_allclose(
        renamed.predict_proba(X), plain.predict_proba(X)[:, [1, 2, 0]], atol=1e-6
    )
