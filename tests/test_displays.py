"""Displays: the drawn lines carry the estimator's numbers (matplotlib's Agg)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes, make_classification
from sklearn.model_selection import KFold

from sklearn_l2x import (
    AdaptiveLogisticRegression,
    AdaptiveRidge,
    CriterionDisplay,
    CVCurveDisplay,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegressionCV,
    GroupL2RegressionCV,
    PathDisplay,
    elastic_net_path,
    group_l2_regression_path,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

X, Y = load_diabetes(return_X_y=True)
GROUPS = [0, 1, 2, 3, 4, 4, 4, 4, 4, 4]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_path_of_singleton_groups_draws_the_coefficients():
    lams, coefs, _, _ = elastic_net_path(X, Y, lams=15)
    names = [f"f{j}" for j in range(10)]
    display = PathDisplay.from_path(lams, coefs, feature_names=names)
    assert len(display.lines_) == 10
    for j, line in enumerate(display.lines_):
        assert_allclose(line.get_xdata(), lams)
        assert_allclose(line.get_ydata(), coefs[:, j])
        assert line.get_label() == names[j]
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_ylabel() == "coefficient"
    assert display.figure_ is display.ax_.figure


def test_path_of_groups_draws_each_groups_norm():
    lams, coefs, _, _ = group_l2_regression_path(X, Y, groups=GROUPS, lams=15)
    display = PathDisplay.from_path(lams, coefs, groups=GROUPS)
    assert [line.get_label() for line in display.lines_] == ["0", "1", "2", "3", "4"]
    assert_allclose(display.lines_[4].get_ydata(), np.linalg.norm(coefs[:, 4:], axis=1))
    assert display.ax_.get_legend() is not None


@pytest.mark.parametrize(
    "model, data",
    [
        # Tight: path points and the refit both certified, to agree to 1e-4.
        (ElasticNetCV(lams=12, cv=KFold(3), selection="1se", tol=1e-10), (X, Y)),
        (GroupL2RegressionCV(GROUPS, lams=12, cv=KFold(3)), (X, Y)),
        (
            GroupL2LogisticRegressionCV(lams=8, cv=3),
            make_classification(90, 6, random_state=0),
        ),
        (
            ElasticNetClassifierCV(l1_ratio=[0.5, 1.0], lams=8, cv=3),
            make_classification(90, 6, random_state=0),
        ),
    ],
)
def test_displays_from_a_cv_estimator_mark_its_lams(model, data):
    model.fit(*data)
    path = PathDisplay.from_estimator(model, *data)
    grid = np.atleast_2d(model.lams_)[-1 if model.lams_.ndim > 1 else 0]
    assert_allclose(path.lines_[0].get_xdata(), grid)
    assert path.lam_min_line_.get_xdata()[0] == model.lam_min_
    assert path.lam_1se_line_.get_xdata()[0] == model.lam_1se_
    chosen = [
        line.get_label()
        for line in (path.lam_min_line_, path.lam_1se_line_)
        if "chosen" in line.get_label()
    ]
    assert chosen and all(f"{model.lam_:.3g}" in label for label in chosen)
    # The path at the chosen λ is the refitted model.
    at = int(np.argmin(np.abs(grid - model.lam_)))
    coef = np.atleast_2d(model.coef_)
    if not hasattr(model, "groups_") or all(len(g) == 1 for g in model.groups_):
        drawn = np.array([line.get_ydata()[at] for line in path.lines_])
        assert_allclose(drawn, coef[0], rtol=1e-4, atol=1e-6)
    curve = CVCurveDisplay.from_estimator(model)
    means = np.atleast_2d(model.scores_mean_)
    assert len(curve.lines_) == means.shape[0] == len(curve.fill_between_)
    for line, mean in zip(curve.lines_, means, strict=True):
        assert_allclose(line.get_ydata(), mean)
    assert curve.ax_.get_ylabel().startswith("held-out score")


def test_criterion_display_of_adaptive_estimators():
    ridge = AdaptiveRidge(criterion="loo").fit(X, np.c_[Y, Y[::-1]])
    display = CriterionDisplay.from_estimator(ridge)
    assert len(display.lines_) == 2 and len(display.lam_lines_) == 2
    order = np.argsort(ridge.lam_path_)
    assert_allclose(display.lines_[1].get_ydata(), ridge.criterion_path_[order, 1])
    assert_allclose([line.get_xdata()[0] for line in display.lam_lines_], ridge.lam_)
    assert display.ax_.get_ylabel() == "leave-one-out mean squared error"
    Xc, yc = make_classification(80, 5, random_state=0)
    logistic = AdaptiveLogisticRegression().fit(Xc, yc)
    display = CriterionDisplay.from_estimator(logistic)
    assert display.ax_.get_ylabel() == "approximate leave-one-out mean log-loss"
    assert display.lam_lines_[0].get_xdata()[0] == logistic.lam_


def test_displays_draw_on_given_axes_and_refuse_what_they_cannot_draw():
    _, ax = plt.subplots()
    model = ElasticNetCV(lams=6, cv=3).fit(X, Y)
    assert CVCurveDisplay.from_estimator(model, ax=ax).ax_ is ax
    with pytest.raises(TypeError, match="cross-validated estimator"):
        PathDisplay.from_estimator(AdaptiveRidge().fit(X, Y), X, Y)
    with pytest.raises(ValueError, match="fixed lam"):
        CriterionDisplay.from_estimator(AdaptiveRidge(lam=0.1).fit(X, Y))
    with pytest.raises(ValueError, match="coefs must be of shape"):
        PathDisplay.from_path(np.ones(3), np.ones((4, 2)))
