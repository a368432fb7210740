"""The package's warnings name the line of user code that called it.

A ConvergenceWarning (or the ridge search's boundary warning) that pointed at
``sklearn/base.py`` or inside this package would tell the user nothing; each
must point at the call in this file, whatever the depth it arose at.
"""

import warnings

import pytest
from sklearn.datasets import make_classification, make_regression

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
    "ElasticNetCV": lambda: ElasticNetCV(n_lams=3, max_iter=1, tol=1e-12, cv=2).fit(
        XR, YR
    ),
    "elastic_net_path": lambda: elastic_net_path(
        XR, YR, n_lams=3, max_iter=1, tol=1e-12
    ),
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
