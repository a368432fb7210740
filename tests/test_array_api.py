"""AdaptiveRidge and AdaptiveRidgeClassifier on array-API inputs (array_api_dispatch).

Every fit is compared with the NumPy fit of the same data: float64 to 1e-10
at a fixed λ, and to the λ search's own tolerance (1e-7 in log λ) when λ is
searched; float32 stays float32 and agrees to 1e-4.
"""

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression

from sklearn_l2x import AdaptiveRidge, AdaptiveRidgeClassifier
from sklearn_l2x._sklearn_compat import to_numpy

from .test_common import array_api_dispatch_available

pytestmark = pytest.mark.skipif(
    not array_api_dispatch_available(),
    reason="array API dispatch is not available (it needs SciPy >= 1.14)",
)


def _namespaces():
    found = []
    for name in ("array_api_strict", "torch"):
        try:
            found.append(pytest.importorskip(name))
        except pytest.skip.Exception:
            continue
    return found


NAMESPACES = _namespaces()
if not NAMESPACES:  # pragma: no cover - needs neither installed
    pytest.skip("no array-API library installed", allow_module_level=True)


def _on(xp, array, dtype="float64"):
    if xp.__name__ == "torch":
        return xp.asarray(np.asarray(array, dtype=dtype))
    return xp.asarray(np.asarray(array, dtype=dtype))


def _numpy(array, xp):
    return array if isinstance(array, float) else to_numpy(array, xp)


X, Y = make_regression(80, 12, n_targets=3, noise=20.0, random_state=0)
WEIGHTS = np.random.default_rng(0).uniform(0.3, 3.0, 80)


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
@pytest.mark.parametrize("criterion", ["gcv", "loo", "evidence"])
@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize("per_target", [True, False])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_fit_on_the_device_is_the_numpy_fit(
    xp, criterion, targets, per_target, fit_intercept
):
    y = Y[:, 0] if targets == 1 else Y
    options = {
        "criterion": criterion,
        "lam_per_target": per_target,
        "fit_intercept": fit_intercept,
    }
    reference = AdaptiveRidge(**options).fit(X, y, sample_weight=WEIGHTS)
    with sklearn.config_context(array_api_dispatch=True):
        model = AdaptiveRidge(**options).fit(
            _on(xp, X), _on(xp, y), sample_weight=_on(xp, WEIGHTS)
        )
        prediction = model.predict(_on(xp, X))
    for name in ("coef_", "effective_dof_", "lam_path_", "criterion_path_"):
        value = getattr(model, name)
        assert type(value).__module__.split(".")[0] == xp.__name__.split(".")[0]
        assert_allclose(
            _numpy(value, xp), getattr(reference, name), rtol=1e-7, atol=1e-9
        )
    assert_allclose(_numpy(model.lam_, xp), reference.lam_, rtol=1e-5)
    # The intercept follows λ, which both searches stop at 1e-7 in log α (a
    # torch build's rounding moved one by 1.02e-7 relative, 6e-8 absolute).
    assert_allclose(
        _numpy(model.intercept_, xp), reference.intercept_, rtol=1e-7, atol=1e-7
    )
    assert_allclose(_numpy(prediction, xp), reference.predict(X), rtol=1e-7)
    if criterion == "evidence":
        with sklearn.config_context(array_api_dispatch=True):
            _, spread = model.predict(_on(xp, X), return_std=True)
        _, expected = reference.predict(X, return_std=True)
        assert_allclose(_numpy(spread, xp), expected, rtol=1e-6)


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
def test_a_fixed_lam_agrees_to_rounding(xp):
    reference = AdaptiveRidge(lam=0.3).fit(X, Y, sample_weight=WEIGHTS)
    with sklearn.config_context(array_api_dispatch=True):
        model = AdaptiveRidge(lam=0.3).fit(
            _on(xp, X), _on(xp, Y), sample_weight=_on(xp, WEIGHTS)
        )
    assert_allclose(_numpy(model.coef_, xp), reference.coef_, rtol=1e-10)
    assert_allclose(_numpy(model.intercept_, xp), reference.intercept_, rtol=1e-10)


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
def test_float32_stays_float32(xp):
    reference = AdaptiveRidge().fit(X.astype(np.float32), Y[:, 0])
    with sklearn.config_context(array_api_dispatch=True):
        model = AdaptiveRidge().fit(_on(xp, X, "float32"), _on(xp, Y[:, 0], "float32"))
        prediction = model.predict(_on(xp, X, "float32"))
    coef = _numpy(model.coef_, xp)
    assert coef.dtype == np.float32 and _numpy(prediction, xp).dtype == np.float32
    assert_allclose(coef, reference.coef_, rtol=1e-4)


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
def test_wide_data(xp):
    Xw, yw = make_regression(30, 90, noise=60.0, random_state=1)
    reference = AdaptiveRidge(criterion="evidence").fit(Xw, yw)
    with sklearn.config_context(array_api_dispatch=True):
        model = AdaptiveRidge(criterion="evidence").fit(_on(xp, Xw), _on(xp, yw))
        _, spread = model.predict(_on(xp, Xw), return_std=True)
    scale = np.abs(reference.coef_).max()  # λ agrees to the search's 1e-7
    assert_allclose(_numpy(model.coef_, xp), reference.coef_, atol=1e-6 * scale)
    assert_allclose(
        _numpy(spread, xp), reference.predict(Xw, return_std=True)[1], rtol=1e-6
    )


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
def test_the_classifier_on_the_device(xp):
    Xc, yc = make_classification(90, 6, n_classes=3, n_informative=4, random_state=0)
    reference = AdaptiveRidgeClassifier().fit(Xc, yc)
    with sklearn.config_context(array_api_dispatch=True):
        model = AdaptiveRidgeClassifier().fit(_on(xp, Xc), _on(xp, yc, "int64"))
        labels = model.predict(_on(xp, Xc))
    assert_allclose(_numpy(model.coef_, xp), reference.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(_numpy(labels, xp), reference.predict(Xc))


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
@pytest.mark.parametrize(
    "model, what",
    [
        (AdaptiveRidge(groups=[0] * 6 + [1] * 6), "groups"),
        (AdaptiveRidge(penalty_factor=np.ones(12)), "penalty_factor"),
        (AdaptiveRidge(cv=3), "criterion='kfold'"),
        (AdaptiveRidgeClassifier(class_weight="balanced"), "class_weight"),
    ],
    ids=["groups", "penalty_factor", "kfold", "class_weight"],
)
def test_what_the_device_path_cannot_do_is_refused(xp, model, what):
    y = (Y[:, 0] > 0).astype(int)
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=f"does not support {what}"):
            model.fit(_on(xp, X), _on(xp, y, "float64"))


@pytest.mark.parametrize("xp", NAMESPACES, ids=lambda xp: xp.__name__)
def test_partial_fit_is_refused_and_predict_checks_the_namespace(xp):
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match="does not support partial_fit"):
            AdaptiveRidge().partial_fit(_on(xp, X), _on(xp, Y[:, 0]))
        model = AdaptiveRidge().fit(_on(xp, X), _on(xp, Y[:, 0]))
        with pytest.raises(ValueError, match="must use the same namespace"):
            model.predict(X)
