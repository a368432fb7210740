"""Bad input gets a clear error naming the parameter; odd input works.

The public functions are validated like the estimators (scikit-learn's
``validate_params``); class weights, mix lists, conversions and group helpers
check what they are given; multi-target paths and CV work.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import log_loss

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
        (lambda: elastic_net_path(XR, YR, lams=0), "lams"),
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
        (GroupL2LogisticRegressionCV(group_ratio=[0.5, -0.1]), (X, Y)),
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
    lams, coefs, intercepts, _ = elastic_net_path(XR, YR, lams=6, tol=1e-10)
    assert coefs.shape == (6, 3, XR.shape[1])
    for k in range(3):
        _, single, single_b, _ = elastic_net_path(XR, YR[:, k], lams=lams, tol=1e-10)
        assert_allclose(coefs[:, k], single, atol=1e-6)
        assert_allclose(intercepts[:, k], single_b, atol=1e-6)
    cv = ElasticNetCV(lams=6, cv=3, tol=1e-10).fit(XR, YR)
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


def _identifiable_classification(n_classes=2, seed=0):
    X, y = make_classification(
        200,
        6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        flip_y=0.3,
        random_state=seed,
    )
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shape", [(60, 10), (20, 50)], ids=["tall", "wide"])
def test_lam_zero_elastic_net_is_least_squares(shape, sparse):
    import scipy.sparse as sp
    from sklearn.linear_model import LinearRegression

    from sklearn_l2x import ElasticNet

    X, y = make_regression(*shape, noise=3.0, random_state=0)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, shape[0])
    data = sp.csr_matrix(X) if sparse else X
    ours = ElasticNet(lam=0.0).fit(data, y, sw)
    theirs = LinearRegression().fit(X, y, sw)  # minimum norm when wide
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-8)
    assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-8)
    assert ours.dual_gap_ <= 1e-8


@pytest.mark.parametrize(
    "estimator",
    [GroupL2LogisticRegression, ElasticNetClassifier],
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_lam_zero_logistic_is_unpenalised(estimator, n_classes):
    from sklearn.linear_model import LogisticRegression

    X, y = _identifiable_classification(n_classes)
    ours = estimator(lam=0.0, tol=1e-10).fit(X, y)
    theirs = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    assert ours.n_iter_ > 0
    assert ours.dual_gap_ <= 1e-10
    # Multinomial coefficients are defined up to a shift shared by the
    # classes: compare the model, i.e. its probabilities.
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    if n_classes == 2:
        assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_lam_zero_duality_gap_bounds_the_suboptimality(n_classes):
    # With λ = 0 the dual point must satisfy Xᵀ U = 0 (and lie in the
    # conjugate's domain): a gap computed without it read 0 at W = 0.
    from sklearn_l2x._losses import make_logistic_loss
    from sklearn_l2x._penalties import GroupL2
    from sklearn_l2x._solvers.gap import duality_gap, optimal_intercept

    X, y = _identifiable_classification(n_classes)
    K = 1 if n_classes == 2 else n_classes
    Y = y[:, None].astype(float) if K == 1 else np.eye(K)[y]
    loss = make_logistic_loss(Y, np.random.default_rng(1).uniform(0, 2, len(y)))
    best = GroupL2LogisticRegression(lam=0.0, tol=1e-12).fit(X, y, loss.sw)
    penalty = GroupL2([np.array([j]) for j in range(6)], np.ones(6), 0.0, 1.0)
    optimum = loss.value(X @ best.coef_.T + best.intercept_)
    rng = np.random.default_rng(0)
    for scale in [0.0, 1e-3, 1e-1, 1.0]:
        W = best.coef_.T * (scale > 0) + scale * rng.normal(size=(6, K))
        b = optimal_intercept(loss, X @ W, np.zeros(K), True)
        primal, _, gap, _ = duality_gap(X, loss, penalty, W, X @ W + b, True)
        assert primal - optimum <= gap + 1e-12
        assert gap >= 0


def test_lam_zero_in_paths_and_cv_grids():
    from sklearn.linear_model import LogisticRegression

    X, y = _identifiable_classification()
    lams, coefs, _, gaps = group_l2_logistic_path(X, y, lams=[0.1, 0.01, 1e-3, 0.0])
    assert np.all(np.isfinite(coefs)) and np.all(gaps <= 1e-6)
    unpenalised = GroupL2LogisticRegression(lam=0.0).fit(X, y)
    assert_allclose(coefs[-1], unpenalised.coef_, atol=1e-4)
    lams, coefs, _, gaps = elastic_net_path(XR, YR, lams=[1.0, 0.1, 0.0])
    assert np.all(np.isfinite(coefs)) and np.all(gaps <= 1e-8)
    # A CV score at λ = 0 is the unpenalised fit's held-out score.
    folds = list(
        __import__("sklearn.model_selection").model_selection.KFold(3).split(X)
    )
    cv = ElasticNetClassifierCV(lams=[0.1, 0.0], cv=folds, tol=1e-10).fit(X, y)
    for (train, test), score in zip(folds, cv.scores_[:, 1], strict=True):
        fold = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
        fold.fit(X[train], y[train])
        held_out = -log_loss(y[test], fold.predict_proba(X[test]))
        assert score == pytest.approx(held_out, rel=1e-5)


def test_lam_zero_with_positive_is_refused_clearly():
    from sklearn_l2x import ElasticNet

    X, y = make_regression(40, 5, random_state=0)
    for call in (
        lambda: ElasticNet(lam=0.0, positive=True).fit(X, y),
        lambda: elastic_net_path(X, y, lams=[1.0, 0.0], positive=True),
        lambda: ElasticNetCV(lams=[1.0, 0.0], positive=True, cv=3).fit(X, y),
    ):
        with pytest.raises(ValueError, match="positive=True needs lam > 0"):
            call()


@pytest.mark.parametrize(
    "scale, weight, problem",
    [(1e150, 1.0, "too large"), (1.0, 1e300, "too large"), (1e-160, 1.0, "too small")],
)
def test_adaptive_ridge_explains_scales_float64_cannot_square(scale, weight, problem):
    from sklearn_l2x import AdaptiveRidge

    X, y = make_regression(60, 5, noise=3.0, random_state=0)
    sw = np.full(60, weight)
    for fit in (AdaptiveRidge().fit, AdaptiveRidge().partial_fit):
        with pytest.raises(ValueError, match=f"{problem} for its squares"):
            fit(X * scale, y, sw)


def test_adaptive_ridge_is_equivariant_to_the_scale_of_x():
    # Ridge on c·X is ridge on X with λ·c² and w/c, for any c float64 squares.
    from sklearn_l2x import AdaptiveRidge

    X, y = make_regression(60, 5, noise=3.0, random_state=0)
    reference = AdaptiveRidge().fit(X, y)
    for scale in (1e-140, 1e140):
        scaled = AdaptiveRidge().fit(X * scale, y)
        assert_allclose(scaled.coef_ * scale, reference.coef_, rtol=1e-6)
        assert_allclose(scaled.lam_ / scale**2, reference.lam_, rtol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ElasticNetClassifier(lam=0.01),
        lambda: GroupL2LogisticRegression(lam=0.01),
        lambda: ElasticNetClassifierCV(lams=4, cv=3),
        lambda: GroupL2LogisticRegressionCV(lams=4, cv=3),
    ],
)
def test_float32_is_kept_by_the_classifiers(make):
    X32 = X.astype(np.float32)
    ours = make().fit(X32, Y)
    reference = make().fit(X, Y)
    assert ours.coef_.dtype == ours.intercept_.dtype == np.float32
    assert ours.predict_proba(X32).dtype == np.float32
    assert_allclose(ours.coef_, reference.coef_, rtol=1e-4, atol=1e-5)


def test_float32_is_kept_by_the_path_functions():
    lams, coefs, intercepts, _ = group_l2_logistic_path(X.astype(np.float32), Y, lams=4)
    assert coefs.dtype == intercepts.dtype == np.float32
    reference = group_l2_logistic_path(X, Y, lams=lams)[1]
    assert_allclose(coefs, reference, rtol=1e-4, atol=1e-5)
    lams, coefs, intercepts, _ = elastic_net_path(XR.astype(np.float32), YR, lams=4)
    assert coefs.dtype == intercepts.dtype == np.float32


@pytest.mark.parametrize("layout", ["C", "F", "strided", "sparse"])
def test_extremes_by_blocks_are_the_max_and_min(layout):
    # Past one block (2^15 entries) the max and min are taken block by block;
    # every block counts, the last (partial) one too, and NaN propagates.
    import scipy.sparse as sp

    from sklearn_l2x._validation import _extremes

    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(301, 257))
    X[-1, -1], X[0, 0] = 7.0, -9.0  # in the last and first blocks
    if layout == "F":
        X = np.asfortranarray(X)
    values = {
        "C": X,
        "F": X,
        "strided": X[:, ::2],
        "sparse": sp.random(500, 400, density=0.3, random_state=0, format="csr").data,
    }[layout]
    assert _extremes(values) == (max(values.max(), 0.0), min(values.min(), 0.0))
    values = values.copy()
    values.flat[-1] = np.nan
    assert all(np.isnan(_extremes(values)))


def test_scale_check_on_the_gram_raises_for_the_same_x_as_the_direct_check():
    # A tall unweighted dense fit checks X's finiteness and scale on the
    # diagonal of the XᵀX it forms: it must raise exactly where the direct
    # check on X does, with the same message, on both sides of both limits.
    import warnings

    from sklearn_l2x import AdaptiveRidge
    from sklearn_l2x._validation import check_square_scale

    X, y = make_regression(60, 5, noise=3.0, random_state=0)
    raised = []
    for exponent in np.r_[np.arange(-150, -139, 0.5), np.arange(144, 153, 0.5)]:
        X_scaled = X * 10.0**exponent
        messages = []
        for check in (
            lambda X_scaled=X_scaled: check_square_scale(X_scaled, np.ones(60)),
            lambda X_scaled=X_scaled: AdaptiveRidge(lam=1.0).fit(X_scaled, y),
        ):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    check()
                messages.append(None)
            except ValueError as error:
                messages.append(str(error))
        assert messages[0] == messages[1], exponent
        raised.append(messages[0] is not None)
    assert any(raised) and not all(raised)  # both sides of the limits were seen
