"""The conventions module, checked by fitting the libraries it converts to.

Every mapping is proven by fitting: the library's estimator with the converted
strength must reproduce the minimiser of our objective, found independently by
:func:`tests.reference.minimise_objective` (scipy), or another library's fit.
"""

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.preprocessing import StandardScaler

from sklearn_l2x._sklearn_compat import LOGISTIC_NEEDS_PENALTY
from sklearn_l2x.conventions import (
    C_to_lambda,
    convert,
    describe_conventions,
    lambda_to_C,
    list_conventions,
)

from .reference import minimise_objective


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    weights = np.random.default_rng(0).uniform(0.2, 3.0, size=len(y))
    return X, y, weights


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(
        n_samples=80, n_features=6, noise=5.0, random_state=0, bias=3.0
    )
    weights = np.random.default_rng(1).uniform(0.2, 3.0, size=len(y))
    return X, y / y.std(), weights


def _weights(data, weighted):
    return data[2] if weighted else None


# -- LogisticRegression ------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_lambda_to_C_reproduces_l2_logistic_minimiser(classification, weighted):
    X, y, _ = classification
    sw = _weights(classification, weighted)
    lam = 0.03
    coef, intercept = minimise_objective(X, y, l2=lam, loss="log", sample_weight=sw)
    C = lambda_to_C(lam, n_samples=len(y), sample_weight=sw)
    model = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(
        X, y, sample_weight=sw
    )
    assert_allclose(model.coef_, coef, atol=2e-6)
    assert_allclose(model.intercept_, intercept, atol=2e-6)
    # The naive "lambda = 1/C" gives a visibly different model.
    naive = LogisticRegression(C=1 / lam, tol=1e-12, max_iter=10000).fit(
        X, y, sample_weight=sw
    )
    assert np.max(np.abs(naive.coef_ - coef)) > 1e-2


def test_lambda_to_C_multinomial(classification):
    X, _, _ = classification
    y = np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])
    lam = 0.02
    coef, intercept = minimise_objective(X, y, l2=lam, loss="multinomial")
    model = LogisticRegression(C=lambda_to_C(lam, len(y)), tol=1e-12, max_iter=10000)
    model.fit(X, y)
    assert_allclose(model.coef_, coef, atol=2e-6)
    # Intercepts of the symmetric parametrisation are defined up to a constant.
    assert_allclose(
        model.intercept_ - model.intercept_.mean(),
        intercept - intercept.mean(),
        atol=2e-6,
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_elastic_net_mix_converts_with_strength(classification, weighted):
    X, y, _ = classification
    sw = _weights(classification, weighted)
    lam, mix = 0.05, 0.5
    coef, intercept = minimise_objective(
        X, y, l1=lam * mix, l2=lam * (1 - mix), loss="log", sample_weight=sw
    )
    C, l1_ratio = convert(
        lam,
        source="l2x",
        target="LogisticRegression",
        l1_ratio=mix,
        n_samples=len(y),
        sample_weight=sw,
    )
    assert l1_ratio == pytest.approx(mix / (2 - mix))
    # Before scikit-learn 1.8 l1_ratio is only read with penalty="elasticnet";
    # from 1.8 on, penalty is deprecated and l1_ratio alone selects the mix.
    penalty = {"penalty": "elasticnet"} if LOGISTIC_NEEDS_PENALTY else {}
    model = LogisticRegression(
        C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-10, max_iter=100000, **penalty
    ).fit(X, y, sample_weight=sw)
    assert_allclose(model.coef_, coef, atol=1e-5)
    assert np.sum(coef == 0) >= 1  # the L1 part is really active here


def test_textbook_lambda_is_half_over_C(classification):
    """'lambda = 1/C' holds for sum-loss + (lambda/2)‖w‖² only."""
    X, y, _ = classification
    C = 0.05
    lam_textbook = convert(C, source="LogisticRegression", target="textbook")
    lam_half = convert(C, source="LogisticRegression", target="textbook.half")
    assert lam_half == pytest.approx(1 / C)
    model = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(X, y)
    coef, _ = minimise_objective(X, y, l2=lam_textbook, loss="log", normalise="sum")
    assert_allclose(model.coef_, coef, atol=2e-6)


# -- squared loss: Ridge, ElasticNet, Lasso ----------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_alpha(regression, weighted):
    X, y, _ = regression
    sw = _weights(regression, weighted)
    lam = 0.2
    coef, intercept = minimise_objective(X, y, l2=lam, sample_weight=sw)
    alpha = convert(
        lam, source="l2x", target="Ridge", n_samples=len(y), sample_weight=sw
    )
    model = Ridge(alpha=alpha).fit(X, y, sample_weight=sw)
    assert_allclose(model.coef_, coef[0], rtol=1e-6, atol=1e-7)
    assert_allclose(model.intercept_, intercept[0], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("mix", [0.0, 0.3, 1.0])
def test_elastic_net_alpha_and_l1_ratio(regression, weighted, mix):
    X, y, _ = regression
    sw = _weights(regression, weighted)
    lam = 0.1
    coef, intercept = minimise_objective(
        X, y, l1=lam * mix, l2=lam * (1 - mix), sample_weight=sw
    )
    alpha, l1_ratio = convert(lam, source="l2x", target="ElasticNet", l1_ratio=mix)
    estimator = (
        Lasso(alpha=alpha) if mix == 1 else ElasticNet(alpha=alpha, l1_ratio=l1_ratio)
    )
    estimator.set_params(tol=1e-14, max_iter=100000)
    estimator.fit(X, y, sample_weight=sw)
    assert_allclose(estimator.coef_, coef[0], atol=1e-6)
    # The naive mapping (same numbers in both conventions) is visibly off.
    if 0 < mix < 1:
        naive = ElasticNet(alpha=lam, l1_ratio=mix, tol=1e-14, max_iter=100000)
        naive.fit(X, y, sample_weight=sw)
        assert np.max(np.abs(naive.coef_ - coef[0])) > 1e-3


@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_alpha_to_elastic_net_alpha(regression, weighted):
    """A conversion between two scikit-learn conventions, checked fit to fit."""
    X, y, _ = regression
    sw = _weights(regression, weighted)
    alpha_ridge = 7.0
    alpha_enet, l1_ratio = convert(
        alpha_ridge,
        source="Ridge",
        target="ElasticNet",
        l1_ratio=0.0,
        n_samples=len(y),
        sample_weight=sw,
    )
    assert l1_ratio == 0.0
    ridge = Ridge(alpha=alpha_ridge).fit(X, y, sample_weight=sw)
    enet = ElasticNet(alpha=alpha_enet, l1_ratio=0.0, tol=1e-14, max_iter=100000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # l1_ratio=0 advice
        enet.fit(X, y, sample_weight=sw)
    assert_allclose(enet.coef_, ridge.coef_, rtol=1e-6)


# -- SGD: the optimum is reached only approximately ---------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_sgd_regressor_alpha(regression, weighted):
    X, y, _ = regression
    sw = _weights(regression, weighted)
    lam = 0.3
    coef, _ = minimise_objective(X, y, l2=lam, sample_weight=sw)
    alpha = convert(lam, source="l2x", target="SGDRegressor", sample_weight=sw)
    model = SGDRegressor(
        alpha=alpha,
        learning_rate="constant",
        eta0=1e-3,
        max_iter=3000,
        tol=None,
        average=True,
        random_state=0,
    ).fit(X, y, sample_weight=sw)
    assert_allclose(model.coef_, coef[0], rtol=0.02, atol=0.01)
    if weighted:
        # Dividing by S instead of n (the usual slip) is detectably wrong here.
        wrong = convert(lam, source="l2x", target="ElasticNet")
        assert abs(wrong - alpha) / alpha > 0.2


@pytest.mark.parametrize("weighted", [False, True])
def test_sgd_classifier_alpha(classification, weighted):
    X, y, _ = classification
    sw = _weights(classification, weighted)
    lam = 0.05
    coef, _ = minimise_objective(X, y, l2=lam, loss="log", sample_weight=sw)
    alpha = convert(
        lambda_to_C(lam, len(y), sw),
        source="LogisticRegression",
        target="SGDClassifier",
        sample_weight=sw,
        n_samples=len(y),
    )
    model = SGDClassifier(
        loss="log_loss",
        alpha=alpha,
        learning_rate="constant",
        eta0=1e-3,
        max_iter=3000,
        tol=None,
        average=True,
        random_state=0,
    ).fit(X, y, sample_weight=sw)
    assert_allclose(model.coef_, coef, rtol=0.02, atol=0.01)


# -- statsmodels ---------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_statsmodels_ols_and_wls(regression, weighted):
    sm = pytest.importorskip("statsmodels.api")
    X, y, _ = regression
    sw = _weights(regression, weighted)
    lam, mix = 0.1, 0.4
    coef, intercept = minimise_objective(
        X, y, l1=lam * mix, l2=lam * (1 - mix), sample_weight=sw
    )
    alpha, l1_wt = convert(
        lam, source="l2x", target="statsmodels.OLS", l1_ratio=mix, sample_weight=sw
    )
    exog = sm.add_constant(X)
    model = sm.WLS(y, exog, weights=sw) if weighted else sm.OLS(y, exog)
    alphas = np.r_[0.0, np.full(X.shape[1], alpha)]  # do not penalise the constant
    fit = model.fit_regularized(
        alpha=alphas, L1_wt=l1_wt, maxiter=10000, cnvrg_tol=1e-14, zero_tol=1e-10
    )
    assert_allclose(fit.params[1:], coef[0], atol=1e-5)


def test_statsmodels_glm_binomial(classification):
    sm = pytest.importorskip("statsmodels.api")
    X, y, _ = classification
    lam, mix = 0.05, 0.5
    coef, _ = minimise_objective(X, y, l1=lam * mix, l2=lam * (1 - mix), loss="log")
    alpha, l1_wt = convert(
        lam, source="l2x", target="statsmodels.GLM", l1_ratio=mix, n_samples=len(y)
    )
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial())
    alphas = np.r_[0.0, np.full(X.shape[1], alpha)]
    fit = glm.fit_regularized(
        alpha=alphas, L1_wt=l1_wt, maxiter=1000, cnvrg_tol=1e-12, zero_tol=1e-10
    )
    assert_allclose(fit.params[1:], coef[0], atol=1e-5)


# -- algebra: round trips and vectorisation -------------------------------------------


def _pairs():
    names = [c.name for c in list_conventions() if not c.name.startswith("torch.AdamW")]
    losses = {c.name: c.loss for c in list_conventions()}
    for source, target in itertools.product(names, names):
        if losses[source] and losses[target] and losses[source] != losses[target]:
            continue
        yield source, target


@pytest.mark.parametrize(("source", "target"), list(_pairs()))
def test_round_trip_is_identity(source, target):
    rng = np.random.default_rng(0)
    values = rng.uniform(0.01, 10, size=7)
    sw = rng.uniform(0.1, 2.0, size=40)
    kwargs = {"sample_weight": sw, "y_std": 1.7}
    there = convert(values, source=source, target=target, **kwargs)
    back = convert(there, source=target, target=source, **kwargs)
    assert there.shape == values.shape
    assert_allclose(back, values, rtol=1e-12)

    mixes = {c.name: c.mix_parameter for c in list_conventions()}
    if mixes[source] and mixes[target]:
        mix = rng.uniform(0, 1, size=7)
        there, there_mix = convert(
            values, source=source, target=target, l1_ratio=mix, **kwargs
        )
        back, back_mix = convert(
            there, source=target, target=source, l1_ratio=there_mix, **kwargs
        )
        assert_allclose(back, values, rtol=1e-12)
        assert_allclose(back_mix, mix, rtol=1e-12, atol=1e-15)


def test_grid_converts_in_one_call():
    lams = np.logspace(-4, 1, 11)
    Cs = lambda_to_C(lams, n_samples=250)
    assert Cs.shape == lams.shape
    assert_allclose(C_to_lambda(Cs, n_samples=250), lams, rtol=1e-14)
    for lam, C in zip(lams, Cs, strict=True):
        assert lambda_to_C(float(lam), n_samples=250) == pytest.approx(C, rel=1e-15)


def test_zero_strength_and_infinite_C():
    assert lambda_to_C(0.0, n_samples=10) == np.inf
    assert C_to_lambda(np.inf, n_samples=10) == 0.0


def test_sample_count_cancels_when_both_sides_scale_alike():
    # textbook (sum) <-> LogisticRegression (sum) needs no n; SGD <-> l2x without
    # weights neither (n = S).
    assert convert(2.0, source="textbook", target="LogisticRegression") == 0.25
    assert convert(0.4, source="l2x", target="SGDRegressor") == pytest.approx(0.4)


def test_glmnet_gaussian_uses_y_std():
    # With sd_y = 1 and a pure lasso glmnet's lambda is scikit-learn's alpha.
    alpha, mix = convert(
        0.3, source="glmnet.gaussian", target="ElasticNet", l1_ratio=1.0, y_std=2.5
    )
    assert (alpha, mix) == pytest.approx((0.3, 1.0))
    alpha = convert(0.3, source="glmnet.gaussian", target="ElasticNet", y_std=2.0)
    assert alpha == pytest.approx(0.15)


def test_listing_shows_every_objective():
    text = describe_conventions()
    for convention in list_conventions():
        assert convention.name in text
        assert convention.objective in text


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"source": "l2x", "target": "nope"}, "Unknown target.*'sklearn.Ridge.alpha'"),
        ({"source": "bogus", "target": "l2x"}, "Unknown source.*known conventions"),
        ({"source": "l2x", "target": "Ridge"}, "n_samples .* is required"),
        ({"source": "l2x", "target": "torch.AdamW"}, "no fixed L2-penalty equivalent"),
        ({"source": "Ridge", "target": "LogisticRegression"}, "different losses"),
        ({"source": "glmnet.gaussian", "target": "l2x"}, "needs y_std"),
        (
            {"source": "l2x", "target": "Ridge", "l1_ratio": 0.5, "n_samples": 3},
            "has no L1 term",
        ),
        (
            {"source": "Ridge", "target": "l2x", "l1_ratio": 0.5, "n_samples": 3},
            "source='sklearn.Ridge.alpha' has no L1 term",
        ),
        (
            {
                "source": "l2x",
                "target": "Ridge",
                "sample_weight": [1, 2],
                "n_samples": 3,
            },
            "sample_weight has length 2 but n_samples=3",
        ),
        ({"source": "l2x", "target": "Ridge", "sample_weight": [0, 0]}, "sums to zero"),
        (
            {"source": "l2x", "target": "Ridge", "sample_weight": [1, -1]},
            "non-negative",
        ),
        ({"source": "l2x", "target": "Ridge", "n_samples": 0}, "n_samples must be"),
        (
            {"source": "l2x", "target": "ElasticNet", "l1_ratio": 1.5},
            r"l1_ratio .*\[0, 1\]",
        ),
    ],
)
def test_bad_input_raises_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        convert(1.0, **kwargs)


@pytest.mark.parametrize("value", [-1.0, np.nan, np.inf, [1.0, -2.0]])
def test_bad_strengths(value):
    with pytest.raises(ValueError, match="value"):
        convert(value, source="l2x", target="ElasticNet")


def test_C_zero_is_rejected():
    with pytest.raises(ValueError, match="C=0 .* infinite penalty"):
        C_to_lambda(0.0, n_samples=10)


def test_type_errors():
    with pytest.raises(TypeError, match="source must be a convention name"):
        convert(1.0, source=3, target="l2x")
    with pytest.raises(TypeError, match="value must be a number"):
        convert("big", source="l2x", target="ElasticNet")


def test_inputs_are_not_modified():
    lams = np.array([0.1, 1.0])
    sw = np.array([1.0, 2.0, 3.0])
    lams_copy, sw_copy = lams.copy(), sw.copy()
    lambda_to_C(lams, sample_weight=sw)
    assert_allclose(lams, lams_copy)
    assert_allclose(sw, sw_copy)


def test_no_convergence_warning_in_references(classification):
    """The references themselves converge (guards the other tests' meaning)."""
    X, y, _ = classification
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(X, y)
