"""The package's warnings name the line of user code that called it.

A ConvergenceWarning (or the ridge search's boundary warning) that pointed at
``sklearn/base.py`` or inside this package would tell the user nothing; each
must point at the call in this file, whatever the depth it arose at.
"""

import warnings

import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from sklearn_l2x import (
    AdaptiveRidge,
    ElasticNet,
    ElasticNetClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    elastic_net_path,
    group_l2_logistic_path,
)

X, Y = make_classification(100, 20, random_state=0)
XR, YR = make_regression(100, 200, random_state=0)
XM, YM = make_regression(n_samples=80, n_features=10, n_targets=50, random_state=0)

CALLS = {
    "GroupL2LogisticRegression": lambda: GroupL2LogisticRegression(
        lam=1e-4, max_iter=1
    ).fit(X, Y),
    "GroupL2LogisticRegressionCV": lambda: GroupL2LogisticRegressionCV(
        lams=3, max_iter=1, cv=2
    ).fit(X, Y),
    "ElasticNetClassifier": lambda: ElasticNetClassifier(lam=1e-4, max_iter=1).fit(
        X, Y
    ),
    "ElasticNetClassifierCV": lambda: ElasticNetClassifierCV(
        lams=3, max_iter=1, cv=2
    ).fit(X, Y),
    "group_l2_logistic_path": lambda: group_l2_logistic_path(X, Y, lams=3, max_iter=1),
    "ElasticNet": lambda: ElasticNet(lam=1e-3, max_iter=1, tol=1e-12).fit(XR, YR),
    "ElasticNetCV": lambda: ElasticNetCV(lams=3, max_iter=1, tol=1e-12, cv=2).fit(
        XR, YR
    ),
    "elastic_net_path": lambda: elastic_net_path(XR, YR, lams=3, max_iter=1, tol=1e-12),
    "AdaptiveRidge": lambda: AdaptiveRidge().fit(XM, YM),
    "AdaptiveRidge.partial_fit": lambda: AdaptiveRidge().partial_fit(XM, YM),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_warnings_point_at_the_callers_line(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CALLS[name]()
    ours = [
        w
        for w in caught
        if "did not converge" in str(w.message) or "search range" in str(w.message)
    ]
    assert ours, f"{name} gave no warning to check"
    for w in ours:
        assert w.filename == __file__, (name, w.filename, w.lineno)


@pytest.mark.parametrize("n_jobs", [None, 2])
@pytest.mark.parametrize(
    "make, data",
    [
        (lambda n: GroupL2LogisticRegressionCV(lams=3, cv=2, n_jobs=n), (X, Y)),
        (lambda n: ElasticNetClassifierCV(lams=3, cv=2, n_jobs=n), (X, Y)),
        (lambda n: ElasticNetCV(lams=3, cv=2, n_jobs=n, tol=1e-12), (XR, YR)),
    ],
)
def test_cv_warns_when_its_fold_paths_stop_early(make, data, n_jobs):
    # Fold paths run in joblib workers, whose warnings are lost: the CV
    # estimator warns for them in its own process.
    model = make(n_jobs).set_params(max_iter=1)
    with pytest.warns(ConvergenceWarning, match="cross-validation paths") as caught:
        model.fit(*data)
    assert all(w.filename == __file__ for w in caught)


def test_tiny_scales_are_not_silently_zero():
    # On X scaled by 1e-150 the solver cannot make progress below λ_max: the
    # path and the CV estimator say so instead of returning zeros in silence.
    with pytest.warns(ConvergenceWarning):
        group_l2_logistic_path(X * 1e-150, Y, lams=3)
    with pytest.warns(ConvergenceWarning, match="cross-validation paths"):
        GroupL2LogisticRegressionCV(lams=3, cv=2).fit(X * 1e-150, Y)
