"""GroupL2Regression(CV), the sparse-group lasso, signs and the 1-SE rule.

Numbers are checked against an independent accelerated proximal-gradient
solver (``tests/reference.py``), scikit-learn's ``MultiTaskElasticNet`` under
the exact mapping, brute-force cross-validation loops, and λ_max by fitting
just above and below it.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.datasets import load_linnerud
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import MultiTaskElasticNet
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    ElasticNet,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    GroupL2Regression,
    GroupL2RegressionCV,
    group_l2_regression_path,
    lam_max,
)

from .reference import fista_sparse_group

GROUPS = [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9, 10, 11]]


def _data(n=80, p=12, n_targets=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.uniform(-2, 2, size=p)
    W = np.zeros((p, n_targets))
    W[:3] = rng.normal(size=(3, n_targets)) * 2
    W[6:8] = np.abs(rng.normal(size=(2, n_targets)))
    W[4] = -1.0
    Y = X @ W + 1.5 + 0.5 * rng.normal(size=(n, n_targets))
    return X, (Y[:, 0] if n_targets == 1 else Y)


def _weights(groups):
    return np.sqrt([len(g) for g in groups])


@pytest.mark.parametrize(
    "group_ratio, l1_ratio, positive",
    [(1.0, 0.0, False), (0.7, 0.0, False), (1.0, 0.5, False), (0.8, 0.3, True)],
)
@pytest.mark.parametrize("n_targets", [1, 3])
def test_fit_matches_an_independent_proximal_gradient_solver(
    group_ratio, l1_ratio, positive, n_targets
):
    X, y = _data(n_targets=n_targets)
    sw = np.random.default_rng(1).uniform(0.3, 2.0, X.shape[0])
    options = {"l1_ratio": l1_ratio, "positive": positive, "group_ratio": group_ratio}
    top = lam_max(X, y, loss="squared", groups=GROUPS, sample_weight=sw, **options)
    lam = 0.3 * top
    model = GroupL2Regression(
        GROUPS,
        lam,
        group_ratio=group_ratio,
        l1_ratio=l1_ratio,
        positive=positive,
        tol=1e-12,
    ).fit(X, y, sample_weight=sw)
    W_ref, b_ref = fista_sparse_group(
        X,
        y,
        [np.array(g) for g in GROUPS],
        _weights(GROUPS),
        lam,
        group_ratio,
        l1_ratio=l1_ratio,
        positive=positive,
        sample_weight=sw,
    )
    coef = model.coef_.reshape(n_targets, -1)
    assert_allclose(coef, W_ref.T, atol=1e-6)
    assert_allclose(np.ravel(model.intercept_), b_ref, atol=1e-6)
    # The penalty does something: some groups out, some in.
    assert 0 < len(model.active_groups_) < len(GROUPS)
    if positive:
        assert coef.min() >= 0
    if l1_ratio > 0:
        # Inside the groups that entered, the ℓ1 part zeroes single entries.
        inside = np.concatenate([GROUPS[g] for g in model.active_groups_])
        assert np.any(coef[:, inside] == 0)
    sparse = GroupL2Regression(
        GROUPS,
        lam,
        group_ratio=group_ratio,
        l1_ratio=l1_ratio,
        positive=positive,
        tol=1e-12,
    ).fit(sp.csr_matrix(X), y, sample_weight=sw)
    assert_allclose(sparse.coef_, model.coef_, atol=1e-8)


@pytest.mark.parametrize("group_ratio", [1.0, 0.6])
def test_multi_task_singletons_are_multitask_elastic_net(group_ratio):
    X, Y = _data(n=100, p=10, n_targets=3, seed=4)
    lam = 0.3
    ours = GroupL2Regression(lam=lam, group_ratio=group_ratio, tol=1e-14).fit(X, Y)
    theirs = MultiTaskElasticNet(
        alpha=lam * (1 - group_ratio / 2),
        l1_ratio=group_ratio / (2 - group_ratio),
        tol=1e-14,
        max_iter=200_000,
    ).fit(X, Y)
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)
    assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-7)
    assert 0 < np.sum(np.any(ours.coef_ != 0, axis=0)) < X.shape[1]


def test_one_target_singletons_are_the_elastic_net():
    X, y = _data(seed=2)
    ours = GroupL2Regression(lam=0.2, group_ratio=0.5, tol=1e-13).fit(X, y)
    elastic = ElasticNet(lam=0.2, l1_ratio=0.5, tol=1e-13).fit(X, y)
    assert_allclose(ours.coef_, elastic.coef_, atol=1e-7)
    assert ours.coef_.shape == (X.shape[1],)
    assert isinstance(ours.intercept_, float)


def _sparse_group_cases():
    return [
        {},
        {"l1_ratio": 0.4},
        {"positive": True},
        {"l1_ratio": 0.6, "positive": True, "group_ratio": 0.7},
    ]


@pytest.mark.parametrize("options", _sparse_group_cases())
@pytest.mark.parametrize("loss", ["squared", "log"])
def test_lam_max_is_where_every_coefficient_vanishes(options, loss):
    X, y = _data(n_targets=2 if loss == "squared" else 1, seed=5)
    if loss == "log":
        y = (y > np.median(y)).astype(int)
        estimator = GroupL2LogisticRegression(GROUPS, tol=1e-10, **options)
    else:
        estimator = GroupL2Regression(GROUPS, tol=1e-10, **options)
    top = lam_max(X, y, loss=loss, groups=GROUPS, **options)
    above = estimator.set_params(lam=top * (1 + 1e-6)).fit(X, y)
    assert np.all(above.coef_ == 0)
    below = estimator.set_params(lam=top * (1 - 1e-3)).fit(X, y)
    assert np.any(below.coef_ != 0)


def test_lam_max_rejects_class_weight_for_the_squared_loss():
    X, y = _data()
    with pytest.raises(ValueError, match="class_weight"):
        lam_max(X, y, loss="squared", class_weight="balanced")


def test_sparse_group_logistic_matches_the_independent_solver():
    X, y = _data(n=120, seed=6)
    y = (y > np.median(y)).astype(int)
    X = StandardScaler().fit_transform(X)
    lam = 0.02
    options = {"group_ratio": 0.9, "l1_ratio": 0.5, "positive": True}
    model = GroupL2LogisticRegression(GROUPS, lam, tol=1e-12, **options).fit(X, y)
    W_ref, b_ref = fista_sparse_group(
        X,
        y,
        [np.array(g) for g in GROUPS],
        _weights(GROUPS),
        lam,
        options["group_ratio"],
        l1_ratio=options["l1_ratio"],
        positive=True,
        loss="log",
        iters=40000,
    )
    assert_allclose(model.coef_, W_ref.T, atol=1e-6)
    assert_allclose(model.intercept_, b_ref, atol=1e-6)
    assert np.any(model.coef_ == 0) and np.any(model.coef_ > 0)


def test_path_points_are_single_fits():
    X, Y = _data(n_targets=2, seed=7)
    lams, coefs, intercepts, gaps = group_l2_regression_path(
        X, Y, groups=GROUPS, lams=6, l1_ratio=0.3, tol=1e-10
    )
    assert coefs.shape == (6, 2, X.shape[1]) and intercepts.shape == (6, 2)
    assert lams[0] == pytest.approx(
        lam_max(X, Y, loss="squared", groups=GROUPS, l1_ratio=0.3)
    )
    assert np.all(coefs[0] == 0)
    for k in (2, 5):
        single = GroupL2Regression(GROUPS, lams[k], l1_ratio=0.3, tol=1e-10).fit(X, Y)
        assert_allclose(coefs[k], single.coef_, atol=1e-6)
    assert gaps.max() <= 1e-10


def test_cv_scores_are_a_brute_force_fold_loop():
    X, y = _data(n=90, seed=8)
    folds = KFold(4, shuffle=True, random_state=0)
    model = GroupL2RegressionCV(GROUPS, lams=8, cv=folds, tol=1e-10).fit(X, y)
    assert model.scores_.shape == (4, 8) and model.mse_path_.shape == (8, 4)
    for f, (train, test) in enumerate(folds.split(X)):
        for k in (0, 3, 7):
            fit = GroupL2Regression(GROUPS, model.lams_[k], tol=1e-10)
            fit.fit(X[train], y[train])
            error = mean_squared_error(y[test], fit.predict(X[test]))
            assert model.scores_[f, k] == pytest.approx(-error, rel=1e-6)
    assert model.lam_ == model.lams_[np.argmax(model.scores_.mean(axis=0))]
    refit = GroupL2Regression(GROUPS, model.lam_, tol=1e-10).fit(X, y)
    assert_allclose(model.coef_, refit.coef_, atol=1e-7)


def _one_se_by_hand(scores, lams):
    mean = scores.mean(axis=0)
    se = scores.std(axis=0, ddof=1) / np.sqrt(scores.shape[0])
    best = np.argmax(mean)
    return lams[np.flatnonzero(mean >= mean[best] - se[best])[0]], mean, se


def _cv_cases():
    X, y = _data(n=120, seed=9)
    labels = (y > np.median(y)).astype(int)
    return [
        (GroupL2RegressionCV(GROUPS, lams=12, cv=5), X, y),
        (ElasticNetCV(lams=12, cv=5), X, y),
        (GroupL2LogisticRegressionCV(GROUPS, lams=12, cv=5), X, labels),
        (ElasticNetClassifierCV(lams=12, cv=5), X, labels),
    ]


@pytest.mark.parametrize("estimator, X, y", _cv_cases(), ids=lambda v: type(v).__name__)
def test_one_standard_error_rule(estimator, X, y):
    X = StandardScaler().fit_transform(X)
    chosen = estimator.set_params(selection="1se").fit(X, y)
    expected, mean, se = _one_se_by_hand(chosen.scores_, chosen.lams_)
    assert chosen.lam_1se_ == expected
    assert chosen.lam_ == chosen.lam_1se_
    assert chosen.lam_1se_ >= chosen.lam_min_
    assert chosen.lam_min_ == chosen.lams_[np.argmax(mean)]
    assert_allclose(chosen.scores_mean_, mean, rtol=1e-12)
    assert_allclose(chosen.scores_se_, se, rtol=1e-12)
    # The refit is at lam_1se_: the same model as selection="min" with that grid
    # point as its only candidate.
    coef = chosen.coef_.copy()
    single = estimator.set_params(selection="min", lams=[chosen.lam_1se_]).fit(X, y)
    assert_allclose(single.coef_, coef, atol=1e-8)


def test_1se_on_a_grid_of_mixes_stays_on_the_chosen_mix():
    X, y = _data(n=120, seed=10)
    model = GroupL2RegressionCV(
        GROUPS, lams=10, group_ratio=[0.5, 1.0], cv=4, selection="1se"
    ).fit(X, y)
    setting = [0.5, 1.0].index(model.group_ratio_)
    expected, _, _ = _one_se_by_hand(model.scores_[setting], model.lams_[setting])
    assert model.lam_ == expected
    assert model.scores_mean_.shape == (2, 10)


def test_multitask_pipeline_grid_search_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, Y = load_linnerud(return_X_y=True, as_frame=True)
    pipe = make_pipeline(StandardScaler(), GroupL2Regression(lam=1.0))
    search = GridSearchCV(pipe, {"groupl2regression__lam": [1.0, 10.0]}, cv=3)
    search.fit(X, Y)
    assert search.best_estimator_[-1].coef_.shape == (3, 3)
    model = GroupL2Regression({"strength": ["Chins", "Situps"], "jumps": ["Jumps"]})
    model.fit(X, Y)
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.group_names_ == ["strength", "jumps"]
    assert isinstance(model.predict(X), np.ndarray) and isinstance(X, pd.DataFrame)


@pytest.mark.parametrize("share", [1e-1, 1e3])
def test_quadratic_steps_tighten_a_too_loose_mapping_target(monkeypatch, share):
    # The squared loss's working sets stop at a prox-gradient mapping tied to
    # the target gap by a model; with that model 10⁴ times too optimistic the
    # solver still certifies the gap (it tightens after a stalled certificate).
    from sklearn_l2x._solvers import prox_newton

    monkeypatch.setattr(prox_newton, "_MAPPING_SHARE", share)
    X, Y = _data(n=120, p=12, n_targets=2, seed=3)
    lam = 0.05 * lam_max(X, Y, loss="squared", groups=GROUPS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = GroupL2Regression(GROUPS, lam, tol=1e-10).fit(X, Y)
    assert model.dual_gap_ <= 1e-10
