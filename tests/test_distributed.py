"""Scale-out: joblib (processes and dask backends) and dask arrays.

A ``distributed.LocalCluster`` (2 worker processes) is started here, inside
the tests; nothing external is assumed.
"""

import sys

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import KFold, StratifiedKFold

from sklearn_l2x import (
    AdaptiveRidge,
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegressionCV,
)

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _classification():
    X, y = make_classification(
        n_samples=150, n_features=12, n_informative=5, n_classes=3, random_state=0
    )
    return X, y


def _cv_estimators():
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    X, y = _classification()
    Xr, yr = make_regression(n_samples=120, n_features=15, noise=3, random_state=1)
    return [
        (
            ElasticNetCV(l1_ratio=[0.5, 1.0], lams=10, cv=KFold(3)),
            Xr,
            yr,
            "mse_path_",
        ),
        (
            ElasticNetClassifierCV(l1_ratio=[0.5, 1.0], lams=6, cv=folds),
            X,
            y,
            "scores_",
        ),
        (
            GroupL2LogisticRegressionCV([j // 3 for j in range(12)], lams=6, cv=folds),
            X,
            y,
            "scores_",
        ),
        (AdaptiveRidge(cv=KFold(4)), Xr, yr, "criterion_path_"),
    ]


@pytest.mark.parametrize(
    "index", range(4), ids=["ElasticNetCV", "ClassifierCV", "GroupCV", "kfold"]
)
def test_cv_is_bit_identical_sequential_processes_and_dask(index, client):
    estimator, X, y, path = _cv_estimators()[index]
    sequential = estimator.set_params(n_jobs=None).fit(X, y)
    reference = (getattr(sequential, path).copy(), sequential.coef_.copy())
    processes = estimator.set_params(n_jobs=2).fit(X, y)
    assert_array_equal(getattr(processes, path), reference[0])
    assert_array_equal(processes.coef_, reference[1])
    with parallel_config(backend="dask"):
        on_dask = estimator.set_params(n_jobs=-1).fit(X, y)
    assert_array_equal(getattr(on_dask, path), reference[0])
    assert_array_equal(on_dask.coef_, reference[1])


def _regression(n=2000, p=30, targets=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 5.0
    Y = X @ rng.normal(size=(p, targets)) + rng.normal(size=(n, targets))
    return X, Y, rng.uniform(0.2, 3.0, n)


@pytest.mark.parametrize("criterion", ["gcv", "evidence"])
@pytest.mark.parametrize("weighted", [False, True])
def test_dask_array_fit_equals_in_memory_fit(criterion, weighted, client):
    X, Y, sw = _regression()
    sw = sw if weighted else None
    local = AdaptiveRidge(criterion=criterion).fit(X, Y, sw)
    dX = da.from_array(X, chunks=(300, 11))  # blocks of rows and of columns
    dY = da.from_array(Y, chunks=(450, 2))
    dsw = None if sw is None else da.from_array(sw, chunks=500)
    remote = AdaptiveRidge(criterion=criterion).fit(dX, dY, dsw)
    scale = np.abs(local.coef_).max()
    assert_allclose(remote.coef_, local.coef_, rtol=0, atol=1e-8 * scale)
    # λ is searched to a relative tolerance of 1e-7 on either side, so the
    # intercept (b = ȳ − x̄ᵀw, with means of 5) is compared on the scale of y.
    y_scale = np.abs(Y).max()
    assert_allclose(remote.intercept_, local.intercept_, rtol=0, atol=1e-8 * y_scale)
    # The criterion is flat at its minimum: λ agrees to ~1e-6, the model to 1e-8.
    assert_allclose(remote.lam_, local.lam_, rtol=1e-5)
    assert remote.n_features_in_ == X.shape[1]
    assert_allclose(
        remote.predict(X[:5]), local.predict(X[:5]), rtol=0, atol=1e-8 * y_scale
    )


def test_dask_array_with_groups_and_fixed_lam(client):
    X, Y, _ = _regression(targets=1)
    y = Y[:, 0]
    groups = [j // 10 for j in range(X.shape[1])]
    for params in ({"lam": 0.1}, {"criterion": "evidence", "groups": groups}):
        local = AdaptiveRidge(**params).fit(X, y)
        remote = AdaptiveRidge(**params).fit(da.from_array(X, chunks=400), y)
        assert_allclose(remote.coef_, local.coef_, rtol=1e-7, atol=1e-10)


def test_dask_array_refuses_row_criteria_and_bad_shapes():
    X, Y, _ = _regression(n=200)
    dX = da.from_array(X, chunks=50)
    with pytest.raises(ValueError, match="needs the rows themselves"):
        AdaptiveRidge(criterion="loo").fit(dX, Y)
    with pytest.raises(ValueError, match="y has 150 rows, X has 200"):
        AdaptiveRidge().fit(dX, Y[:150])
    bad = X.copy()
    bad[7, 3] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        AdaptiveRidge().fit(da.from_array(bad, chunks=50), Y)


def test_error_names_the_extra_to_install(monkeypatch):
    """Without dask, a dask collection is refused with the install command."""
    from sklearn_l2x import _dask

    monkeypatch.setitem(sys.modules, "dask", None)
    X, Y, _ = _regression(n=100)
    with pytest.raises(ImportError, match=r"sklearn_l2x\[distributed\]"):
        _dask.dask_sufficient_stats(da.from_array(X, chunks=50), Y, None, True)
