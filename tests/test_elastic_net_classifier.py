"""ElasticNetClassifier(+CV): checked against scikit-learn's saga and scipy."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import ElasticNetClassifier, ElasticNetClassifierCV, convert
from sklearn_l2x._penalties import L1L2, GroupL2
from sklearn_l2x._sklearn_compat import LOGISTIC_NEEDS_PENALTY

from .reference import minimise_objective


def _data(n_classes=2, n=200, p=15, seed=0, weighted=False):
    X, y = make_classification(
        n_samples=n,
        n_features=p,
        n_informative=5,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=seed,
    )
    X = StandardScaler().fit_transform(X)
    sw = np.random.default_rng(seed).uniform(0.3, 3, size=n) if weighted else None
    return X, y, sw


def _saga(lam, mix, y, sw):
    C, ratio = convert(
        lam,
        source="l2x",
        target="LogisticRegression",
        l1_ratio=mix,
        n_samples=len(y),
        sample_weight=sw,
    )
    penalty = {"penalty": "elasticnet"} if LOGISTIC_NEEDS_PENALTY else {}
    return LogisticRegression(
        C=float(C),
        l1_ratio=float(np.atleast_1d(ratio)[0]),
        solver="saga",
        tol=1e-12,
        max_iter=200_000,
        **penalty,
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_saga_logistic_regression(n_classes, weighted):
    X, y, sw = _data(n_classes, weighted=weighted)
    lam, mix = 0.03, 0.6
    ours = ElasticNetClassifier(lam=lam, l1_ratio=mix, tol=1e-13).fit(X, y, sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = _saga(lam, mix, y, sw).fit(X, y, sw)
    assert 0 < np.count_nonzero(ours.coef_) < ours.coef_.size
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    intercept = theirs.intercept_
    if n_classes > 2:  # the softmax intercepts are defined up to a shift
        intercept = intercept - intercept.mean()
    assert_allclose(ours.intercept_, intercept, atol=1e-6)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)


def test_equals_scipy_reference_minimiser():
    X, y, sw = _data(2, n=120, p=8, seed=4, weighted=True)
    lam, mix = 0.02, 0.5
    ours = ElasticNetClassifier(lam=lam, l1_ratio=mix, tol=1e-13).fit(X, y, sw)
    coef, intercept = minimise_objective(
        X, y, l1=lam * mix, l2=lam * (1 - mix), loss="log", sample_weight=sw
    )
    assert_allclose(ours.coef_, coef, atol=2e-5)
    assert_allclose(ours.intercept_, intercept, atol=2e-5)


def test_binary_penalty_is_group_l2_with_singletons():
    """With one output the two penalty classes must agree on everything."""
    rng = np.random.default_rng(0)
    W, G = rng.standard_normal((6, 1)), rng.standard_normal((6, 1))
    W[[1, 4]] = 0.0
    elastic = L1L2(6, 0.7, 0.4)
    group = GroupL2([np.array([j]) for j in range(6)], np.ones(6), 0.7, 0.4)
    assert elastic.value(W) == pytest.approx(group.value(W))
    assert_allclose(elastic.prox(W, 0.3), group.prox(W, 0.3))
    assert_allclose(elastic.kkt_violation(W, G), group.kkt_violation(W, G))
    assert elastic.dual_term(G) == pytest.approx(group.dual_term(G))


def test_multinomial_l1_is_elementwise():
    """Unlike the group penalty, one class's coefficient can be zero alone."""
    X, y, _ = _data(3, seed=2)
    model = ElasticNetClassifier(lam=0.02, l1_ratio=1.0, tol=1e-10).fit(X, y)
    rows_partly_zero = np.any(model.coef_ == 0, axis=0) & np.any(
        model.coef_ != 0, axis=0
    )
    assert rows_partly_zero.any()


def test_sparse_equals_dense_and_pure_ridge():
    X, y, _ = _data(2, seed=3)
    dense = ElasticNetClassifier(lam=0.01, l1_ratio=0.0, tol=1e-12).fit(X, y)
    sparse = ElasticNetClassifier(lam=0.01, l1_ratio=0.0, tol=1e-12).fit(
        sp.csr_matrix(X), y
    )
    assert_allclose(dense.coef_, sparse.coef_, atol=1e-9)
    C = convert(0.01, source="l2x", target="LogisticRegression", n_samples=len(y))
    ridge = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    assert_allclose(dense.coef_, ridge.coef_, atol=1e-6)


def test_gap_bounds_suboptimality_and_warns_when_stopped():
    X, y, _ = _data(2, n=300, p=40, seed=5)
    best = ElasticNetClassifier(lam=0.005, l1_ratio=0.7, tol=1e-14).fit(X, y)
    rough = ElasticNetClassifier(lam=0.005, l1_ratio=0.7, tol=1e-3).fit(X, y)

    def objective(model):
        proba = model.predict_proba(X)[np.arange(len(y)), y]
        w = model.coef_
        return -np.mean(np.log(proba)) + 0.005 * (
            0.7 * np.abs(w).sum() + 0.3 * (w * w).sum()
        )

    null = -np.mean(np.log(np.where(y == 1, y.mean(), 1 - y.mean())))
    assert 0 <= objective(rough) - objective(best) <= rough.dual_gap_ * null + 1e-12
    with pytest.warns(ConvergenceWarning, match="ElasticNetClassifier did not"):
        ElasticNetClassifier(lam=1e-4, max_iter=1, tol=1e-12).fit(X, y)


def test_cv_chooses_from_the_grid_and_is_the_same_in_parallel():
    X, y, _ = _data(2, seed=6)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    one = ElasticNetClassifierCV(l1_ratio=[0.3, 0.9], lams=6, cv=cv).fit(X, y)
    two = ElasticNetClassifierCV(l1_ratio=[0.3, 0.9], lams=6, cv=cv, n_jobs=2)
    two.fit(X, y)
    assert_array_equal(one.scores_, two.scores_)
    assert one.scores_.shape == (2, 3, 6)
    best = np.unravel_index(np.argmax(one.scores_.mean(axis=1)), (2, 6))
    assert one.l1_ratio_ == [0.3, 0.9][best[0]]
    assert one.lam_ == one.lams_[best]
    refit = ElasticNetClassifier(lam=one.lam_, l1_ratio=one.l1_ratio_).fit(X, y)
    assert_allclose(one.coef_, refit.coef_)
    # The same λ grid and folds with a manual GridSearchCV pick the same point.
    search = GridSearchCV(
        ElasticNetClassifier(),
        [
            {"l1_ratio": [m], "lam": list(one.lams_[i])}
            for i, m in enumerate([0.3, 0.9])
        ],
        cv=cv,
        scoring="neg_log_loss",
    ).fit(X, y)
    assert search.best_params_["lam"] == pytest.approx(one.lam_)


def test_bad_input_is_explained():
    X, y, _ = _data(2, n=30, p=8)
    with pytest.raises(ValueError, match="'l1_ratio' parameter"):
        ElasticNetClassifier(l1_ratio=2).fit(X, y)
    with pytest.raises(ValueError, match="one class has positive sample_weight"):
        ElasticNetClassifier().fit(X, y, sample_weight=(y == 1).astype(float))
    labels = np.where(y == 1, "yes", "no")
    copy = X.copy()
    model = ElasticNetClassifier().fit(X, labels)
    assert set(model.predict(X)) <= {"yes", "no"}
    assert_array_equal(X, copy)


def test_default_cv_score_is_the_weighted_log_loss_even_on_one_class_folds():
    from sklearn.metrics import accuracy_score, log_loss

    X, y, _ = _data(2, seed=3)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    sw = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    n = len(y)
    one_class = [np.arange(20), np.arange(n - 20, n)]  # each holds one class
    folds = [(np.setdiff1d(np.arange(n), test), test) for test in one_class]
    model = ElasticNetClassifierCV(lams=[0.05], cv=folds, tol=1e-12)
    model.fit(X, y, sample_weight=sw)
    accuracy = ElasticNetClassifierCV(lams=[0.05], cv=folds, scoring="accuracy")
    accuracy.fit(X, y, sample_weight=sw)
    for f, (train, test) in enumerate(folds):
        fit = ElasticNetClassifier(lam=0.05, tol=1e-12)
        fit.fit(X[train], y[train], sw[train])
        expected = -log_loss(
            y[test],
            fit.predict_proba(X[test]),
            labels=fit.classes_,
            sample_weight=sw[test],
        )
        assert model.scores_[f, 0] == pytest.approx(expected, rel=1e-6)
        assert accuracy.scores_[f, 0] == pytest.approx(
            accuracy_score(y[test], fit.predict(X[test]), sample_weight=sw[test])
        )
