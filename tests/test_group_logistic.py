"""GroupL2LogisticRegression against scikit-learn, an independent solver and KKT."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.special import expit, log_softmax, softmax
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import (
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    convert,
    group_l2_logistic_path,
    groups_from_feature_names,
    lam_max,
)
from sklearn_l2x._sklearn_compat import LOGISTIC_NEEDS_PENALTY

GROUPS = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 4]


def _data(n_classes=2, n=150, seed=0, weighted=False):
    X, y = make_classification(
        n_samples=n,
        n_features=12,
        n_informative=5,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=seed,
    )
    X = StandardScaler().fit_transform(X)
    sw = np.random.default_rng(seed).uniform(0.3, 3, size=n) if weighted else None
    return X, y, sw


def _objective(X, y, coef, intercept, lam, groups, ratio, sw=None):
    """Our objective written out directly (independent of the package)."""
    sw = np.ones(len(y)) if sw is None else sw
    eta = X @ coef.T + intercept
    if coef.shape[0] == 1:
        p = expit(eta[:, 0])
        losses = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    else:
        losses = -log_softmax(eta, axis=1)[np.arange(len(y)), y]
    labels = np.asarray(groups)
    group_term = sum(
        np.sqrt(np.sum(labels == g)) * np.linalg.norm(coef[:, labels == g])
        for g in np.unique(labels)
    )
    penalty = ratio * group_term + (1 - ratio) * np.sum(coef**2)
    return sw @ losses / sw.sum() + lam * penalty


def _proximal_gradient_reference(X, y, lam, groups, ratio, n_classes, iters=30000):
    """Plain accelerated proximal gradient, written independently for the tests."""
    n, p = X.shape
    K = 1 if n_classes == 2 else n_classes
    Y = y[:, None].astype(float) if K == 1 else np.eye(K)[y]
    labels = np.asarray(groups)
    weights = np.array([np.sqrt(np.sum(labels == g)) for g in labels])
    Xa = np.column_stack([X, np.ones(n)])
    L = (0.25 if K == 1 else 0.5) * np.linalg.norm(Xa, 2) ** 2 / n + 2 * lam
    step = 1 / L
    theta = np.zeros((p + 1, K))
    z, t = theta.copy(), 1.0
    for _ in range(iters):
        eta = Xa @ z
        P = expit(eta) if K == 1 else softmax(eta, axis=1)
        grad = Xa.T @ (P - Y) / n
        grad[:p] += 2 * lam * (1 - ratio) * z[:p]
        v = z - step * grad
        new = v.copy()
        for g in np.unique(labels):
            rows = labels == g
            norm = np.linalg.norm(v[:p][rows])
            thresh = step * lam * ratio * weights[rows][0]
            new[:p][rows] = 0 if norm <= thresh else v[:p][rows] * (1 - thresh / norm)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = new + (t - 1) / t_next * (new - theta)
        theta, t = new, t_next
    return theta[:p].T, theta[p]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("ratio", [1.0, 0.6])
def test_matches_independent_proximal_gradient(n_classes, ratio):
    X, y, _ = _data(n_classes)
    lam = 0.05
    model = GroupL2LogisticRegression(GROUPS, lam=lam, group_ratio=ratio, tol=1e-10)
    model.fit(X, y)
    coef_ref, intercept_ref = _proximal_gradient_reference(
        X, y, lam, GROUPS, ratio, n_classes
    )
    ours = _objective(X, y, model.coef_, model.intercept_, lam, GROUPS, ratio)
    ref = _objective(X, y, coef_ref, intercept_ref, lam, GROUPS, ratio)
    assert ours <= ref + 1e-10
    assert abs(ours - ref) <= 1e-6 * abs(ref)
    assert_allclose(model.coef_, coef_ref, atol=1e-4)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_kkt_conditions_hold_at_the_solution(n_classes):
    X, y, sw = _data(n_classes, weighted=True)
    lam, ratio = 0.03, 0.8
    model = GroupL2LogisticRegression(GROUPS, lam=lam, group_ratio=ratio, tol=1e-12)
    model.fit(X, y, sample_weight=sw)
    K = model.coef_.shape[0]
    Y = y[:, None].astype(float) if K == 1 else np.eye(K)[y]
    eta = X @ model.coef_.T + model.intercept_
    P = expit(eta) if K == 1 else softmax(eta, axis=1)
    R = sw[:, None] * (P - Y) / sw.sum()
    assert_allclose(R.sum(axis=0), 0, atol=1e-12)
    labels = np.asarray(GROUPS)
    for g in np.unique(labels):
        rows = labels == g
        grad = (X[:, rows].T @ R).T  # K × |g|
        W_g = model.coef_[:, rows]
        omega = np.sqrt(rows.sum())
        norm = np.linalg.norm(W_g)
        if norm == 0:
            assert np.linalg.norm(grad) <= lam * ratio * omega * (1 + 1e-8)
        else:
            stationarity = grad + 2 * lam * (1 - ratio) * W_g
            stationarity += lam * ratio * omega * W_g / norm
            assert np.linalg.norm(stationarity) <= 1e-8


def test_reported_gap_bounds_the_true_suboptimality():
    X, y, _ = _data(3)
    lam = 0.02
    precise = GroupL2LogisticRegression(GROUPS, lam=lam, tol=1e-13).fit(X, y)
    best = _objective(X, y, precise.coef_, precise.intercept_, lam, GROUPS, 1.0)
    null = GroupL2LogisticRegression(GROUPS, lam=10.0).fit(X, y)
    null_value = _objective(X, y, null.coef_, null.intercept_, lam, GROUPS, 1.0)
    for tol in [1e-2, 1e-3, 1e-4]:
        loose = GroupL2LogisticRegression(GROUPS, lam=lam, tol=tol).fit(X, y)
        value = _objective(X, y, loose.coef_, loose.intercept_, lam, GROUPS, 1.0)
        assert loose.dual_gap_ <= tol
        assert value - best <= loose.dual_gap_ * null_value + 1e-14


@pytest.mark.parametrize("weighted", [False, True])
def test_singleton_groups_are_l1_logistic_regression(weighted):
    X, y, sw = _data(2, weighted=weighted)
    lam = 0.02
    ours = GroupL2LogisticRegression(lam=lam, group_weights=np.ones(12), tol=1e-12)
    ours.fit(X, y, sample_weight=sw)
    C, l1_ratio = convert(
        lam,
        source="l2x",
        target="LogisticRegression",
        l1_ratio=1.0,
        n_samples=len(y),
        sample_weight=sw,
    )
    penalty = {"penalty": "l1"} if LOGISTIC_NEEDS_PENALTY else {"l1_ratio": 1.0}
    ref = LogisticRegression(C=C, solver="saga", tol=1e-12, max_iter=200000, **penalty)
    ref.fit(X, y, sample_weight=sw)
    assert_allclose(ours.coef_, ref.coef_, atol=2e-6)
    assert np.sum(ours.coef_ == 0) == np.sum(np.abs(ref.coef_) < 1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_pure_ridge_is_l2_logistic_regression(n_classes, weighted):
    X, y, sw = _data(n_classes, weighted=weighted)
    lam = 0.01
    ours = GroupL2LogisticRegression(GROUPS, lam=lam, group_ratio=0.0, tol=1e-12)
    ours.fit(X, y, sample_weight=sw)
    C = convert(
        lam,
        source="l2x",
        target="LogisticRegression",
        n_samples=len(y),
        sample_weight=sw,
    )
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(X, y, sw)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_lam_max_is_where_the_first_group_enters(n_classes):
    X, y, sw = _data(n_classes, weighted=True)
    top = lam_max(X, y, groups=GROUPS, sample_weight=sw)
    above = GroupL2LogisticRegression(GROUPS, lam=1.001 * top).fit(X, y, sw)
    assert np.all(above.coef_ == 0)
    below = GroupL2LogisticRegression(GROUPS, lam=0.99 * top, tol=1e-10).fit(X, y, sw)
    assert len(below.active_groups_) == 1
    assert lam_max(X, y, groups=GROUPS, group_ratio=0.0) == np.inf


def test_weighted_rows_equal_repeated_rows_and_class_weight_equals_weights():
    X, y, _ = _data(3)
    counts = np.random.default_rng(2).integers(1, 4, size=len(y))
    repeat = np.repeat(np.arange(len(y)), counts)
    weighted = GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-12)
    weighted.fit(X, y, sample_weight=counts.astype(float))
    repeated = GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-12)
    repeated.fit(X[repeat], y[repeat])
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)

    class_weight = {0: 2.0, 1: 0.5, 2: 1.5}
    by_class = GroupL2LogisticRegression(
        GROUPS, lam=0.02, class_weight=class_weight, tol=1e-12
    ).fit(X, y)
    by_sample = GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-12).fit(
        X, y, sample_weight=np.vectorize(class_weight.get)(y)
    )
    assert_allclose(by_class.coef_, by_sample.coef_, atol=1e-10)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_equals_dense(fmt):
    X, y, _ = _data(3)
    X[np.abs(X) < 0.8] = 0.0
    dense = GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-12).fit(X, y)
    sparse = GroupL2LogisticRegression(GROUPS, lam=0.02, tol=1e-12).fit(
        sp.csr_matrix(X).asformat(fmt), y
    )
    assert_allclose(sparse.coef_, dense.coef_, atol=1e-9)


def test_one_hot_categoricals_in_a_pipeline_select_whole_variables():
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "signal_cat": rng.choice(list("abcd"), size=n),
            "noise_cat": rng.choice(list("uvwxyz"), size=n),
            "signal_num": rng.normal(size=n),
        }
    )
    logit = (
        frame["signal_cat"].map({"a": -2, "b": 0, "c": 1, "d": 2}) + frame["signal_num"]
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    pre = make_column_transformer(
        (OneHotEncoder(), ["signal_cat", "noise_cat"]),
        (StandardScaler(), ["signal_num"]),
    ).fit(frame)
    groups = groups_from_feature_names(pre.get_feature_names_out(), frame.columns)
    model = make_pipeline(pre, GroupL2LogisticRegression(groups, lam=0.03)).fit(
        frame, y
    )
    assert model[-1].active_groups_ == ["signal_cat", "signal_num"]
    assert model.score(frame, y) > 0.7


def test_dict_groups_with_dataframe_column_names():
    pd = pytest.importorskip("pandas")
    X, y, _ = _data(2)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(12)])
    groups = {"first": ["x0", "x1", "x2"], "rest": [f"x{j}" for j in range(3, 12)]}
    model = GroupL2LogisticRegression(groups, lam=0.01).fit(frame, y)
    assert model.group_names_ == ["first", "rest"]
    assert list(model.feature_names_in_) == list(frame.columns)


def test_path_and_cv():
    X, y, _ = _data(2)
    lams, coefs, intercepts, gaps = group_l2_logistic_path(X, y, groups=GROUPS, lams=8)
    assert np.all(np.diff(lams) < 0)
    assert np.all(coefs[0] == 0)
    assert np.all(gaps <= 1e-6)
    # What a point promises: its objective is within its certified gap (relative
    # to the objective at W = 0, the first point) of the optimum.
    null = _objective(X, y, coefs[0], intercepts[0], lams[0], GROUPS, 1.0)
    tight = group_l2_logistic_path(X, y, groups=GROUPS, lams=8, tol=1e-11)
    for i in range(1, 8):
        single = GroupL2LogisticRegression(GROUPS, lam=lams[i], tol=1e-12).fit(X, y)
        best = _objective(X, y, single.coef_, single.intercept_, lams[i], GROUPS, 1.0)
        ours = _objective(X, y, coefs[i], intercepts[i], lams[i], GROUPS, 1.0)
        assert ours - best <= gaps[i] * null + 1e-14
        assert_allclose(tight[1][i], single.coef_, atol=1e-5)

    cv = GroupL2LogisticRegressionCV(GROUPS, lams=8, cv=3).fit(X, y)
    assert cv.scores_.shape == (3, 8)
    assert cv.lam_ in cv.lams_
    parallel = GroupL2LogisticRegressionCV(GROUPS, lams=8, cv=3, n_jobs=2).fit(X, y)
    assert_allclose(parallel.scores_, cv.scores_)
    assert_allclose(parallel.coef_, cv.coef_)
    no_refit = GroupL2LogisticRegressionCV(GROUPS, lams=8, cv=3, refit=False)
    no_refit.fit(X, y)
    assert no_refit.coef_.shape == cv.coef_.shape


def _path_with_and_without(monkeypatch, n_classes, counted, switch_off):
    """A tight path as the package solves it and with one solver option off.

    ``switch_off`` turns the option off in the keyword arguments the path
    passes to the solver; ``counted`` names the solver function whose calls
    are counted. Checks that both paths reach the same points (objectives to
    1e-9) and returns the two counts (as solved, with the option off).
    """
    from sklearn_l2x import _problem
    from sklearn_l2x._solvers import prox_newton

    X, y, _ = _data(n_classes, n=300)
    calls = []
    original = getattr(prox_newton, counted)

    def counted_call(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(prox_newton, counted, counted_call)
    runs = []
    for option_off in (False, True):
        calls.clear()

        def solve(*args, off=option_off, **kwargs):
            return prox_newton.solve(*args, **(switch_off(kwargs) if off else kwargs))

        monkeypatch.setattr(_problem, "solve", solve)
        path = group_l2_logistic_path(X, y, groups=GROUPS, lams=30, tol=1e-10)
        runs.append((path, len(calls)))
    (lams, coefs, intercepts, gaps), count = runs[0]
    (_, coefs_off, intercepts_off, _), count_off = runs[1]
    assert np.all(gaps <= 1e-10)
    for i, lam in enumerate(lams):
        ours = _objective(X, y, coefs[i], intercepts[i], lam, GROUPS, 1.0)
        off = _objective(X, y, coefs_off[i], intercepts_off[i], lam, GROUPS, 1.0)
        assert abs(ours - off) <= 1e-9 * off
    return count, count_off


@pytest.mark.parametrize("n_classes", [2, 3])
def test_path_chord_steps_reach_the_exact_newton_solutions(monkeypatch, n_classes):
    # The path reuses a full Newton step's Hessian near the optimum (chord
    # steps). Its points must be the ones exact Newton steps reach, with fewer
    # Hessians formed.
    chord_hessians, exact_hessians = _path_with_and_without(
        monkeypatch, n_classes, "_hessian", lambda kw: {**kw, "chord": False}
    )
    assert chord_hessians < 0.8 * exact_hessians


@pytest.mark.parametrize("n_classes", [2, 3])
def test_path_gradient_hints_skip_gaps_not_precision(monkeypatch, n_classes):
    # Each path point picks its first working set from the last point's
    # gradient instead of a duality gap at its start. The points must be the
    # ones reached without the hint, certified as tightly, with fewer gaps.
    hinted_gaps, plain_gaps = _path_with_and_without(
        monkeypatch, n_classes, "duality_gap", lambda kw: {**kw, "gradient_hint": None}
    )
    assert hinted_gaps < plain_gaps


def test_grid_search_over_lam_and_warm_start():
    X, y, _ = _data(3)
    search = GridSearchCV(
        GroupL2LogisticRegression(GROUPS), {"lam": [0.001, 0.01, 0.1]}, cv=3
    ).fit(X, y)
    assert search.best_params_["lam"] in (0.001, 0.01, 0.1)
    model = GroupL2LogisticRegression(GROUPS, lam=0.01, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ <= first


def test_convergence_warning_when_stopped_early():
    X, y, _ = _data(3)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        GroupL2LogisticRegression(GROUPS, lam=0.001, tol=1e-14, max_iter=1).fit(X, y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"lam": -1.0}, "'lam' parameter"),
        ({"group_ratio": 1.5}, "'group_ratio' parameter"),
        ({"groups": GROUPS, "group_weights": [1.0, 2.0]}, "one entry per group"),
        ({"groups": GROUPS, "group_weights": [1, 1, 1, 1, -1]}, "non-negative"),
        ({"groups": [[0, 1], [1, 2]]}, "overlap"),
    ],
)
def test_bad_parameters(params, match):
    X, y, _ = _data(2)
    with pytest.raises(ValueError, match=match):
        GroupL2LogisticRegression(**params).fit(X, y)


def test_one_class_is_refused():
    X, _, _ = _data(2)
    with pytest.raises(ValueError, match="at least 2 classes"):
        GroupL2LogisticRegression().fit(X, np.zeros(len(X)))


def test_labels_of_any_type_and_inputs_not_modified():
    X, y, sw = _data(3, weighted=True)
    labels = np.array(["cat", "dog", "emu"])[y]
    copies = X.copy(), labels.copy(), sw.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = GroupL2LogisticRegression(GROUPS).fit(X, labels, sample_weight=sw)
    assert set(model.predict(X)) <= {"cat", "dog", "emu"}
    assert_allclose(model.predict_proba(X).sum(axis=1), 1)
    assert_allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X))
    assert_allclose(X, copies[0])
    assert (labels == copies[1]).all()
    assert_allclose(sw, copies[2])


def test_integer_groups_are_checked_at_once_and_still_named_when_wrong():
    # Integer index arrays take a vectorised path; errors still name the group.
    X, y, _ = _data(2)
    p = X.shape[1]
    model = GroupL2LogisticRegression([np.arange(0, p // 2), range(p // 2, p)])
    assert model.fit(X, y).groups_[1].tolist() == list(range(p // 2, p))
    bad = GroupL2LogisticRegression([np.arange(0, p // 2), np.arange(p // 2, p + 1)])
    with pytest.raises(ValueError, match="group 1 has column index"):
        bad.fit(X, y)
