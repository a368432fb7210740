"""A matrix of bad input over every public estimator and function.

Each case must end in a ValueError or TypeError whose message says what was
wrong with which argument (scikit-learn's own messages where it validates).
"""

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.datasets import make_classification

from sklearn_l2x import (
    C_to_lambda,
    convert,
    elastic_net_path,
    group_l2_logistic_path,
    lam_max,
    lambda_to_C,
)

from .test_common import _instances

X, Y = make_classification(40, 4, random_state=0)
with_nan, with_inf = X.copy(), X.copy()
with_nan[0, 0], with_inf[0, 0] = np.nan, np.inf
ONES = np.ones(40)

# (name, X, y, sample_weight, message): for every estimator.
CASES = [
    ("X NaN", with_nan, Y, None, "X contains NaN"),
    ("X inf", with_inf, Y, None, "X contains infinity"),
    ("X 1-D", X[:, 0], Y, None, "Expected 2D array"),
    ("lengths", X, Y[:-1], None, "inconsistent numbers of samples"),
    ("X complex", X + 1j, Y, None, "Complex data not supported"),
    ("X strings", np.full((40, 4), "a"), Y, None, "could not convert string"),
    ("no rows", X[:0], Y[:0], None, "0 sample"),
    ("weights negative", X, Y, -ONES, "(?i)sample.?weight"),
    ("weights NaN", X, Y, np.full(40, np.nan), "(?i)sample.?weight"),
    ("weights length", X, Y, ONES[:-1], "(?i)sample.?weight"),
    ("weights zero", X, Y, 0 * ONES, "(?i)sample.?weight"),
]
CLASSIFIER_CASES = [
    ("one class", X, np.zeros(40), None, "(?i)class"),
    ("continuous y", X, np.linspace(0, 1, 40), None, "Unknown label type"),
]
REGRESSOR_CASES = [("y NaN", X, np.where(Y == 0, np.nan, 1.0), None, "y contains NaN")]


def _matrix():
    for estimator in _instances():
        extra = CLASSIFIER_CASES if is_classifier(estimator) else REGRESSOR_CASES
        for case in CASES + extra:
            yield pytest.param(
                estimator, *case[1:], id=f"{type(estimator).__name__}-{case[0]}"
            )


@pytest.mark.parametrize("estimator, X_bad, y_bad, weights, message", list(_matrix()))
def test_every_estimator_explains_bad_input(estimator, X_bad, y_bad, weights, message):
    with pytest.raises((ValueError, TypeError), match=message):
        estimator.fit(X_bad, y_bad, sample_weight=weights)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: lam_max(with_nan, Y), "X contains NaN"),
        (lambda: lam_max(X, Y, sample_weight=-ONES), "(?i)sample.?weight"),
        (lambda: lam_max(X, Y, groups=[0, 1]), "groups"),
        (lambda: group_l2_logistic_path(with_inf, Y), "X contains infinity"),
        (lambda: group_l2_logistic_path(X, Y[:-1]), "inconsistent numbers"),
        (lambda: group_l2_logistic_path(X, np.zeros(40)), "(?i)class"),
        (lambda: elastic_net_path(with_nan, Y), "X contains NaN"),
        (lambda: elastic_net_path(X, Y, sample_weight=ONES[:-1]), "(?i)sample.?weight"),
        (lambda: elastic_net_path(X, Y, lams=[1.0, -1.0]), "lams"),
        (lambda: convert(np.nan, source="l2x", target="Ridge", n_samples=5), "value"),
        (lambda: convert(0.1, source="nope", target="Ridge"), "source"),
        (lambda: convert("a", source="l2x", target="Ridge", n_samples=5), "value"),
        (lambda: lambda_to_C(0.1), "n_samples"),
        (lambda: C_to_lambda(0.0, n_samples=10), "C"),
    ],
)
def test_every_public_function_explains_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
