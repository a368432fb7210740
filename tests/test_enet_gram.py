"""The elastic net on Gram matrices: fold Grams, the growing cache, the path."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GroupKFold, KFold, ShuffleSplit

from sklearn_l2x import ElasticNetCV
from sklearn_l2x._solvers import fold_gram
from sklearn_l2x._solvers.enet_cd import GramCache, solve_path_on_gram, solve_target
from sklearn_l2x._solvers.fold_gram import FoldGrams, fold_grams, partitions
from sklearn_l2x._solvers.spectral import CentredDesign


def _data(n=120, p=15, offset=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + offset
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=n)
    return X, y, rng.uniform(0.2, 3.0, size=n)


def _direct(X, sample_weight, fit_intercept):
    design = CentredDesign(X, sample_weight, fit_intercept)
    return design.gram() / design.sw_sum


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_fold_grams_equal_the_training_rows_grams(fit_intercept, weighted):
    # Means of 1e3 against unit spread: centring by subtraction of the whole
    # data's raw Gram would lose about six digits here.
    X, _, weights = _data(offset=1e3)
    if not weighted:
        weights = np.ones(X.shape[0])
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    grams = FoldGrams(X, weights, folds, fit_intercept)
    for k, (train, _) in enumerate(folds):
        expected = _direct(X[train], weights[train], fit_intercept)
        np.testing.assert_allclose(grams.train(k), expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        grams.whole(), _direct(X, weights, fit_intercept), rtol=1e-9, atol=1e-9
    )


def test_fold_grams_leave_a_cancelling_fold_to_be_formed_directly(monkeypatch):
    X, _, weights = _data()
    folds = list(KFold(3).split(X))
    grams = FoldGrams(X, weights, folds, True)
    assert grams.train(0) is not None
    monkeypatch.setattr(fold_gram, "_MAX_CORRECTION", 0.0)
    assert grams.train(0) is None


def test_partitions_only_when_held_out_parts_cover_every_row_once():
    X, _, _ = _data()
    n = X.shape[0]
    groups = np.arange(n) % 7
    assert partitions(list(KFold(5).split(X)), n)
    assert partitions(list(GroupKFold(3).split(X, groups=groups)), n)
    assert not partitions(list(ShuffleSplit(3, random_state=0).split(X)), n)
    train, test = next(KFold(5).split(X))
    assert not partitions([(train[1:], test)], n)  # a row in neither part
    assert not partitions([(train, test)], n)  # one fold: the rest never held out


def test_fold_grams_only_where_every_fold_works_on_its_gram():
    X, _, weights = _data(n=40, p=15)
    folds = list(KFold(4).split(X))
    assert fold_grams(X, weights, folds, True) is not None
    assert fold_grams(sp.csr_matrix(X), weights, folds, True) is None
    wide = list(KFold(2).split(X[:28]))  # 14 training rows < 15 features
    assert fold_grams(X[:28], weights[:28], wide, True) is None


def test_cv_with_fold_grams_scores_like_cv_without(monkeypatch):
    X, y, weights = _data(n=200, p=20, offset=5.0)
    model = ElasticNetCV(l1_ratio=[0.3, 1.0], lams=12, cv=5, tol=1e-10)
    shared = model.fit(X, y, sample_weight=weights)
    shared_mse, shared_coef = shared.mse_path_.copy(), shared.coef_.copy()
    monkeypatch.setattr(
        "sklearn_l2x._elastic_net_cv.fold_grams", lambda *args, **kwargs: None
    )
    direct = model.fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(shared_mse, direct.mse_path_, rtol=1e-8)
    np.testing.assert_allclose(shared_coef, direct.coef_, rtol=1e-6, atol=1e-8)


def test_gram_cache_forms_the_whole_gram_past_a_quarter_of_the_columns():
    X, _, weights = _data(n=60, p=16)
    design = CentredDesign(X, weights, True)
    cache = GramCache(design)
    expected = design.gram() / design.sw_sum
    few = np.array([1, 5, 9])
    np.testing.assert_allclose(cache(few), expected[np.ix_(few, few)])
    assert cache.full is None
    more = np.array([0, 1, 2, 5, 9])  # 5 > 16 / 4
    np.testing.assert_allclose(cache(more), expected[np.ix_(more, more)])
    assert cache.full is not None
    np.testing.assert_allclose(cache.full, expected)


def _path_problem(n=300, p=60, seed=1):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = latent @ rng.normal(size=(3, p)) + 0.5 * rng.normal(size=(n, p))
    y = X[:, :8] @ rng.normal(size=8) + rng.normal(size=n)
    design = CentredDesign(X, np.ones(n), True)
    y_tilde = y - y.mean()
    q = design.rmatmul(y_tilde[:, None], centred=True)[:, 0] / n
    return design, GramCache(design, full=True), y_tilde, q


@pytest.mark.parametrize("positive", [False, True])
def test_gram_path_is_certified_and_equals_single_fits(positive):
    design, cache, y_tilde, q = _path_problem()
    top = np.max(np.maximum(q, 0) if positive else np.abs(q))
    lams = 2 * top / 0.5 * np.logspace(0, -3, 25)
    coefs, infos = solve_path_on_gram(
        design, cache, y_tilde, q, lams, 0.5, tol=1e-7, positive=positive
    )
    assert all(info["converged"] and info["relative_gap"] <= 1e-7 for info in infos)
    for i in (5, 15, 24):
        single, info = solve_target(
            design,
            y_tilde,
            lams[i],
            0.5,
            np.zeros(q.size),
            tol=1e-13,
            max_iter=10**6,
            positive=positive,
            gram_cache=cache,
            q=q,
        )
        assert info["converged"]
        np.testing.assert_allclose(coefs[i], single, atol=3e-4 * np.abs(single).max())


def test_face_solution_is_exact_on_the_right_support():
    from sklearn_l2x._solvers.enet_cd import _GramPath

    design, cache, y_tilde, q = _path_problem()
    lam = 0.05 * 2 * np.abs(q).max() / 0.5
    exact, _ = solve_target(
        design, y_tilde, lam, 0.5, np.zeros(q.size), tol=1e-14, gram_cache=cache, q=q
    )
    yy = float(y_tilde @ y_tilde) / design.sw_sum
    on_gram = _GramPath(cache.full, q, yy, 0.5, 1000, False)
    # A rough point with the optimum's support and signs lands on the optimum.
    rough = exact * (1 + 0.2 * np.sin(np.arange(q.size)))
    face = on_gram.face_solution(rough, lam)
    assert on_gram.relative_gaps(face[None], np.array([lam]))[0] < 1e-12
    np.testing.assert_allclose(face, exact, atol=1e-6 * np.abs(exact).max())
