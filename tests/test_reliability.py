"""Bad input gets a clear error naming the parameter; odd input works.

The public functions are validated like the estimators (scikit-learn's
``validate_params``); class weights, mix lists, conversions and group helpers
check what they are given; multi-target paths and CV work.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression

from sklearn_l2x import (
    C_to_lambda,
    ElasticNetClassifier,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    convert,
    elastic_net_path,
    group_l2_logistic_path,
    groups_from_feature_names,
    lam_max,
    lambda_to_C,
)

X, Y = make_classification(80, 6, random_state=0)
XR, YR = make_regression(60, 8, n_targets=3, noise=5.0, random_state=0)
NAN = float("nan")


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: group_l2_logistic_path(X, Y, group_ratio=-0.5), "group_ratio"),
        (lambda: group_l2_logistic_path(X, Y, group_ratio=1.5), "group_ratio"),
        (lambda: group_l2_logistic_path(X, Y, tol=NAN), "tol"),
        (lambda: group_l2_logistic_path(X, Y, tol=0.0), "tol"),
        (lambda: group_l2_logistic_path(X, Y, max_iter=0), "max_iter"),
        (lambda: group_l2_logistic_path(X, Y, max_iter=2.5), "max_iter"),
        (lambda: group_l2_logistic_path(X, Y, lams=0), "lams"),
        (lambda: group_l2_logistic_path(X, Y, eps=1.5), "eps"),
        (lambda: group_l2_logistic_path(X, Y, eps=-1), "eps"),
        (lambda: group_l2_logistic_path(X, Y, fit_intercept="yes"), "fit_intercept"),
        (lambda: lam_max(X, Y, group_ratio=-0.5), "group_ratio"),
        (lambda: lam_max(X, Y, fit_intercept="yes"), "fit_intercept"),
        (lambda: lam_max(X, Y, class_weight="equal"), "class_weight"),
        (lambda: elastic_net_path(XR, YR, n_lams=0), "n_lams"),
        (lambda: elastic_net_path(XR, YR, eps=0), "eps"),
        (lambda: elastic_net_path(XR, YR, l1_ratio=1.5), "l1_ratio"),
        (lambda: elastic_net_path(XR, YR, max_iter=-5), "max_iter"),
    ],
)
def test_public_functions_validate_their_parameters(call, parameter):
    with pytest.raises(ValueError, match=f"'{parameter}' parameter"):
        call()


@pytest.mark.parametrize(
    "estimator",
    [ElasticNetClassifier, GroupL2LogisticRegression, ElasticNetClassifierCV],
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize(
    "class_weight, message",
    [
        ({0: -1.0, 1: 1.0}, "class_weight values must be finite and non-negative"),
        ({0: NAN, 1: 1.0}, "class_weight values must be finite and non-negative"),
        ({0: 1.0, 7: 1.0}, r"class_weight names classes \[7\]"),
    ],
)
def test_class_weight_is_checked(estimator, class_weight, message):
    model = estimator(class_weight=class_weight)
    with pytest.raises(ValueError, match=message):
        model.fit(X, Y)


@pytest.mark.parametrize(
    "model, data",
    [
        (ElasticNetClassifierCV(l1_ratio=[0.5, 1.5]), (X, Y)),
        (ElasticNetClassifierCV(l1_ratio=[0.0, 0.5]), (X, Y)),
        (ElasticNetCV(l1_ratio=[0.5, NAN]), (XR, YR[:, 0])),
    ],
)
def test_every_value_of_a_mix_list_is_range_checked(model, data):
    with pytest.raises(ValueError, match="Every value of"):
        model.fit(*data)


def test_scalar_sample_weight_in_the_logistic_cvs():
    for model in (
        ElasticNetClassifierCV(lams=4, cv=3),
        GroupL2LogisticRegressionCV(lams=4, cv=3),
    ):
        scalar = model.fit(X, Y, sample_weight=2.0).coef_.copy()
        assert_allclose(model.fit(X, Y).coef_, scalar, atol=1e-7)


def test_groups_by_column_name_survive_the_cv_estimator():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcdef"))
    groups = {"first": ["a", "b"], "rest": ["c", "d", "e", "f"]}
    cv = GroupL2LogisticRegressionCV(groups, lams=4, cv=3).fit(frame, Y)
    single = GroupL2LogisticRegression(groups, lam=cv.lam_).fit(frame, Y)
    assert cv.group_names_ == ["first", "rest"]
    assert_allclose(cv.coef_, single.coef_)


def test_multi_target_path_and_cv_are_one_problem_per_target():
    lams, coefs, intercepts, _ = elastic_net_path(XR, YR, n_lams=6, tol=1e-10)
    assert coefs.shape == (6, 3, XR.shape[1])
    for k in range(3):
        _, single, single_b, _ = elastic_net_path(XR, YR[:, k], lams=lams, tol=1e-10)
        assert_allclose(coefs[:, k], single, atol=1e-6)
        assert_allclose(intercepts[:, k], single_b, atol=1e-6)
    cv = ElasticNetCV(n_lams=6, cv=3, tol=1e-10).fit(XR, YR)
    assert cv.coef_.shape == (3, XR.shape[1])
    errors = [
        ElasticNetCV(lams=cv.lams_, cv=3, tol=1e-10).fit(XR, YR[:, k]).mse_path_
        for k in range(3)
    ]
    # The multi-target error is the mean over targets, fold by fold.
    assert_allclose(cv.mse_path_, np.mean(errors, axis=0), rtol=1e-6)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: lambda_to_C(-1, n_samples=100), r"^lam \(l2x\) must be"),
        (lambda: C_to_lambda(-1.0, n_samples=100), r"^C \(sklearn"),
        (
            lambda: convert(
                [0.1, 0.2, 0.3], source="l2x", target="ElasticNet", l1_ratio=[0.5, 0.2]
            ),
            "value and l1_ratio must have the same length",
        ),
    ],
)
def test_conversions_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_conversion_pairs_broadcast_a_scalar_mix():
    strength, mix = convert([0.1, 0.2], source="l2x", target="ElasticNet", l1_ratio=0.5)
    assert_allclose(strength, [0.075, 0.15])
    assert_allclose(mix, [1 / 3, 1 / 3])


def test_groups_from_feature_names_strips_the_transformer_prefix_first():
    labels = groups_from_feature_names(
        ["num__age", "num__num", "cat__color_red"], ["age", "num", "color"]
    )
    assert labels == ["age", "num", "color"]


@pytest.mark.parametrize("argument", [None, "abc", 3])
@pytest.mark.parametrize("position", ["feature_names", "input_features"])
def test_groups_from_feature_names_refuses_non_lists(argument, position):
    args = {"feature_names": ["a_x"], "input_features": ["a"]}
    args[position] = argument
    with pytest.raises(TypeError, match=f"^{position} must be an array-like of str"):
        groups_from_feature_names(**args)
