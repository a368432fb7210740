"""The one cross-validation engine, through every CV estimator.

Held-out scores are weighted by the held-out sample weights, so weighted
rows equal repeated rows and zero-weight rows equal absent rows, for the whole
CV (scores, chosen λ, refit); one tie rule; CV estimators do not derive from
the single-λ ones.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    ElasticNet,
    ElasticNetClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    GroupL2Regression,
    GroupL2RegressionCV,
)
from sklearn_l2x._cv import select


def _classification(n=90, seed=0, n_classes=2):
    X, y = make_classification(
        n_samples=n,
        n_features=8,
        n_informative=4,
        n_classes=n_classes,
        n_clusters_per_class=1,
        flip_y=0.15,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def _regression(n=90, seed=0):
    X, y = make_regression(n_samples=n, n_features=8, noise=20.0, random_state=seed)
    return X, y


def _estimators():
    groups = [0, 0, 1, 1, 2, 2, 3, 3]
    return [
        pytest.param(
            ElasticNetCV(l1_ratio=[0.5, 1.0], lams=8, tol=1e-10),
            _regression,
            "mse_path_",
            id="ElasticNetCV",
        ),
        pytest.param(
            ElasticNetClassifierCV(
                l1_ratio=[0.5, 1.0], lams=8, tol=1e-10, scoring="neg_log_loss"
            ),
            _classification,
            "scores_",
            id="ElasticNetClassifierCV",
        ),
        pytest.param(
            GroupL2LogisticRegressionCV(groups, lams=8, tol=1e-10),
            lambda: _classification(n_classes=3),
            "scores_",
            id="GroupL2LogisticRegressionCV",
        ),
    ]


def _folds(n, n_folds=3):
    return list(KFold(n_folds, shuffle=True, random_state=0).split(np.zeros(n)))


@pytest.mark.parametrize("estimator, data, scores", _estimators())
def test_zero_weight_rows_equal_absent_rows(estimator, data, scores):
    X, y = data()
    n = X.shape[0]
    rng = np.random.default_rng(1)
    junk = rng.normal(scale=5.0, size=(40, X.shape[1]))
    X_more = np.vstack([X, junk])
    y_more = np.concatenate([y, rng.permutation(y)[:40]])
    weights = np.concatenate([np.ones(n), np.zeros(40)])
    folds = _folds(n)
    extra = np.arange(n, n + 40)
    # The junk rows sit in every training and every held-out part.
    folds_more = [
        (np.concatenate([tr, extra]), np.concatenate([te, extra])) for tr, te in folds
    ]
    plain = estimator.set_params(cv=folds).fit(X, y)
    reference = (getattr(plain, scores).copy(), plain.lam_, plain.coef_.copy())
    padded = estimator.set_params(cv=folds_more).fit(X_more, y_more, weights)
    assert_allclose(getattr(padded, scores), reference[0], rtol=1e-6, atol=1e-9)
    assert padded.lam_ == pytest.approx(reference[1])
    assert_allclose(padded.coef_, reference[2], atol=1e-6)


@pytest.mark.parametrize("estimator, data, scores", _estimators())
def test_weighted_rows_equal_repeated_rows(estimator, data, scores):
    X, y = data()
    n = X.shape[0]
    weights = np.random.default_rng(2).integers(1, 3, size=n).astype(float)
    repeat = np.repeat(np.arange(n), weights.astype(int))
    position = np.concatenate([[0], np.cumsum(weights.astype(int))])
    folds = _folds(n)

    def copies(rows):
        return np.concatenate([np.arange(position[i], position[i + 1]) for i in rows])

    folds_repeated = [(copies(tr), copies(te)) for tr, te in folds]
    weighted = estimator.set_params(cv=folds).fit(X, y, weights)
    reference = (getattr(weighted, scores).copy(), weighted.lam_, weighted.coef_.copy())
    repeated = estimator.set_params(cv=folds_repeated).fit(X[repeat], y[repeat])
    assert_allclose(getattr(repeated, scores), reference[0], rtol=1e-6, atol=1e-9)
    assert repeated.lam_ == pytest.approx(reference[1])
    assert_allclose(repeated.coef_, reference[2], atol=1e-6)


def test_weighted_held_out_scores_change_the_choice_as_they_should():
    # Before held-out scores were weighted, 40 zero-weight rows moved the
    # chosen λ; the test above pins that they no longer do. Here: without
    # weights the junk rows do count (they are real rows then).
    X, y = _classification()
    rng = np.random.default_rng(1)
    X_more = np.vstack([X, rng.normal(scale=5.0, size=(40, X.shape[1]))])
    y_more = np.concatenate([y, rng.integers(0, 2, size=40)])
    folds = _folds(X_more.shape[0])
    cv = ElasticNetClassifierCV(lams=8, cv=folds, scoring="neg_log_loss")
    unweighted = cv.fit(X_more, y_more).scores_.copy()
    weights = np.concatenate([np.ones(X.shape[0]), np.zeros(40)])
    weighted = cv.fit(X_more, y_more, weights).scores_
    assert not np.allclose(unweighted, weighted)


def test_tie_rule_takes_the_first_setting_and_the_largest_lam():
    scores = np.array(
        [
            [[0.1, 0.5, 0.5, 0.2], [0.3, 0.5, 0.5, 0.4]],  # setting 0
            [[0.1, 0.5, 0.5, 0.2], [0.3, 0.5, 0.5, 0.4]],  # setting 1: same
        ]
    )
    choice = select(scores)
    assert (choice.setting, choice.lam_index) == (0, 1)
    # Differences at rounding level are ties too.
    nudged = scores.copy()
    nudged[1, :, 2] += 1e-15
    choice = select(nudged)
    assert (choice.setting, choice.lam_index) == (0, 1)
    # A real difference wins.
    better = scores.copy()
    better[1, :, 3] = 0.9
    assert (select(better).setting, select(better).lam_index) == (1, 3)
    assert_allclose(
        choice.standard_error[0, 0], np.std([0.1, 0.3], ddof=1) / np.sqrt(2)
    )


@pytest.mark.parametrize(
    "cv_class, single",
    [
        (ElasticNetCV, ElasticNet),
        (ElasticNetClassifierCV, ElasticNetClassifier),
        (GroupL2LogisticRegressionCV, GroupL2LogisticRegression),
    ],
)
def test_cv_estimators_share_a_base_not_the_single_estimator(cv_class, single):
    assert not issubclass(cv_class, single)
    params = cv_class().get_params()
    assert "lam" not in params and "warm_start" not in params
    assert not hasattr(cv_class(), "lam")
    shared = set(single().get_params()) - {"lam", "warm_start"}
    assert shared <= set(params)


def test_cv_refit_equals_the_single_estimator_at_the_chosen_point():
    X, y = _classification(n_classes=3)
    groups = [0, 0, 1, 1, 2, 2, 3, 3]
    cv = GroupL2LogisticRegressionCV(groups, lams=6, cv=3).fit(X, y)
    single = GroupL2LogisticRegression(groups, lam=cv.lam_).fit(X, y)
    assert_allclose(cv.coef_, single.coef_)
    assert_array_equal(cv.classes_, single.classes_)
    assert cv.active_groups_ == single.active_groups_


@pytest.mark.parametrize("estimator, data, scores", _estimators())
def test_every_cv_estimator_has_scores_in_one_layout(estimator, data, scores):
    X, y = data()
    # (n_mix, n_folds, n_lams) with several mix values, (n_folds, n_lams)
    # with one.
    model = estimator.set_params(cv=3).fit(X, y)
    lams = np.atleast_2d(model.lams_)
    scores = model.scores_.reshape(len(lams), 3, -1)
    assert model.scores_.ndim == model.lams_.ndim + 1
    assert scores.shape == (len(lams), 3, lams.shape[1])
    mean = scores.mean(axis=1)
    # The best mean, up to rounding-level ties (which go to the larger λ).
    first = np.argwhere(mean >= mean.max() - 1e-12 * abs(mean.max()))[0]
    assert model.lam_ == lams[tuple(first)]
    if hasattr(model, "mse_path_"):
        assert_allclose(model.scores_, -model.mse_path_.transpose(0, 2, 1))


@pytest.mark.parametrize(
    "make, mix_name, single, data",
    [
        (ElasticNetCV, "l1_ratio", ElasticNet, _regression),
        (ElasticNetClassifierCV, "l1_ratio", ElasticNetClassifier, _classification),
        (
            GroupL2LogisticRegressionCV,
            "group_ratio",
            GroupL2LogisticRegression,
            _classification,
        ),
        (GroupL2RegressionCV, "group_ratio", GroupL2Regression, _regression),
    ],
)
def test_a_mix_of_zero_is_ridge_and_needs_given_lams(make, mix_name, single, data):
    """One rule for mix = 0 in every CV estimator: accepted, with λ values given."""
    X, y = data()
    folds = KFold(3)
    with pytest.raises(ValueError, match=f"{mix_name} > 0.*pass lams"):
        make(**{mix_name: 0.0}, lams=5, cv=folds).fit(X, y)
    model = make(**{mix_name: [0.0, 1.0]}, lams=[1.0, 0.1, 0.01], cv=folds)
    model.fit(X, y)
    assert model.scores_.shape == (2, 3, 3)
    ridge = make(**{mix_name: 0.0}, lams=[1.0, 0.1, 0.01], cv=folds, tol=1e-10)
    ridge.fit(X, y)
    refit = single(**{mix_name: 0.0}, lam=ridge.lam_, tol=1e-10).fit(X, y)
    assert_allclose(ridge.coef_, refit.coef_, rtol=1e-6, atol=1e-8)


def test_one_default_grid_size():
    """Every CV estimator and path function: ``lams`` an int or values, default 100."""
    import inspect

    import sklearn_l2x

    owners = [
        getattr(sklearn_l2x, name)
        for name in sklearn_l2x.__all__
        if name.endswith("CV") or name.endswith("_path")
    ]
    defaults = {
        owner.__name__: inspect.signature(owner).parameters["lams"].default
        for owner in owners
    }
    assert len(defaults) == 7 and set(defaults.values()) == {100}, defaults
    for owner in owners:
        assert "n_lams" not in inspect.signature(owner).parameters
