"""Metadata routing: groups to the splitter, scorer metadata, Pipeline requests."""

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    AdaptiveLogisticRegression,
    AdaptiveRidge,
    AdaptiveRidgeClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegressionCV,
    GroupL2RegressionCV,
)

N = 60
GROUPS = np.repeat(np.arange(6), N // 6)


def _regression():
    X, y = make_regression(N, 6, n_informative=2, noise=60.0, random_state=0)
    return X, y


def _classification():
    X, y = make_classification(N, 6, n_informative=3, random_state=0)
    return StandardScaler().fit_transform(X), y


CASES = [
    (lambda cv: ElasticNetCV(lams=5, cv=cv), _regression),
    (lambda cv: GroupL2RegressionCV(lams=5, cv=cv), _regression),
    (lambda cv: ElasticNetClassifierCV(lams=5, cv=cv), _classification),
    (lambda cv: GroupL2LogisticRegressionCV(lams=5, cv=cv), _classification),
    (lambda cv: AdaptiveRidge(cv=cv), _regression),
    (lambda cv: AdaptiveRidgeClassifier(cv=cv), _classification),
    (lambda cv: AdaptiveLogisticRegression(cv=cv), _classification),
]
IDS = [
    "ElasticNetCV",
    "GroupL2RegressionCV",
    "ElasticNetClassifierCV",
    "GroupL2LogisticRegressionCV",
    "AdaptiveRidge",
    "AdaptiveRidgeClassifier",
    "AdaptiveLogisticRegression",
]


class _RecordingGroupKFold(GroupKFold):
    """GroupKFold that records the groups each split received."""

    seen = []

    def split(self, X, y=None, groups=None):
        type(self).seen.append(None if groups is None else np.asarray(groups))
        return super().split(X, y, groups)


def _folds_from(make, data, **fit_params):
    """The fitted estimator, with the groups its splitter saw."""
    X, y = data()
    _RecordingGroupKFold.seen = []
    model = make(_RecordingGroupKFold(3)).fit(X, y, **fit_params)
    return model, _RecordingGroupKFold.seen


@pytest.mark.parametrize("make, data", CASES, ids=IDS)
def test_groups_reach_the_splitter_without_routing(make, data):
    model, seen = _folds_from(make, data, groups=GROUPS)
    assert seen and all(np.array_equal(g, GROUPS) for g in seen)
    # The same fit as with the folds given explicitly.
    X, y = data()
    explicit = make(list(GroupKFold(3).split(X, y, GROUPS))).fit(X, y)
    assert_allclose(model.coef_, explicit.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make, data", CASES, ids=IDS)
def test_groups_are_routed_with_metadata_routing(make, data):
    with sklearn.config_context(enable_metadata_routing=True):
        _, seen = _folds_from(make, data, groups=GROUPS)
        assert seen and all(np.array_equal(g, GROUPS) for g in seen)
        # Inside a Pipeline: the splitter's request reaches the step.
        X, y = data()
        _RecordingGroupKFold.seen = []
        make_pipeline(StandardScaler(), make(_RecordingGroupKFold(3))).fit(
            X, y, groups=GROUPS
        )
        assert all(np.array_equal(g, GROUPS) for g in _RecordingGroupKFold.seen)


@pytest.mark.parametrize("make, data", CASES, ids=IDS)
def test_unknown_metadata_is_a_clear_error(make, data):
    X, y = data()
    with pytest.raises(ValueError, match=r"unexpected parameter\(s\) \['color'\]"):
        make(3).fit(X, y, color=np.ones(N))


def test_groups_for_a_fit_that_does_not_split_are_an_error():
    X, y = _regression()
    with pytest.raises(ValueError, match="does not split"):
        AdaptiveRidge(criterion="gcv").fit(X, y, groups=GROUPS)


def test_pipeline_routes_sample_weight_and_the_scorer_gets_its_metadata():
    """set_fit_request in a Pipeline; the scorer's own metadata, held-out rows only."""
    X, y = _classification()
    weights = np.random.default_rng(0).uniform(0.5, 2.0, N)
    received = []

    def weighted_accuracy(y_true, y_pred, importance):
        received.append(len(importance))
        return accuracy_score(y_true, y_pred, sample_weight=importance)

    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_scorer(weighted_accuracy).set_score_request(
            importance=True, sample_weight=False
        )
        model = ElasticNetClassifierCV(lams=4, cv=GroupKFold(3), scoring=scorer)
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            model.set_fit_request(sample_weight=True),
        )
        pipe.fit(X, y, sample_weight=weights, groups=GROUPS, importance=weights)
        direct = ElasticNetClassifierCV(lams=4, cv=GroupKFold(3), scoring=scorer)
        direct.fit(
            StandardScaler().fit_transform(X),
            y,
            sample_weight=weights,
            groups=GROUPS,
            importance=weights,
        )
    assert sorted(set(received)) == [20]  # each held-out fold, 4 λ × 3 folds
    assert_allclose(pipe[-1].scores_, direct.scores_)
    assert_allclose(pipe[-1].coef_, direct.coef_)


def test_a_scorer_requesting_sample_weight_gets_the_held_out_weights():
    X, y = _classification()
    weights = np.random.default_rng(1).uniform(0.2, 3.0, N)
    plain = ElasticNetClassifierCV(lams=4, cv=3, scoring="accuracy")
    plain.fit(X, y, sample_weight=weights)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        routed = ElasticNetClassifierCV(lams=4, cv=3, scoring=scorer)
        routed.fit(X, y, sample_weight=weights)
        unweighted = make_scorer(accuracy_score).set_score_request(sample_weight=False)
        ignored = ElasticNetClassifierCV(lams=4, cv=3, scoring=unweighted)
        ignored.fit(X, y, sample_weight=weights)
    assert_allclose(routed.scores_, plain.scores_)
    assert not np.allclose(ignored.scores_, plain.scores_)
