"""Certificates whose ``XᵀR`` is formed only where bounds do not clear a unit."""

import numpy as np
import pytest

from sklearn_l2x._groups import resolve_groups
from sklearn_l2x._losses import SquaredError, make_logistic_loss
from sklearn_l2x._penalties import L1L2, GroupL2
from sklearn_l2x._problem import PenalisedProblem
from sklearn_l2x._solvers import pass_bounds
from sklearn_l2x._solvers.gap import duality_gap
from sklearn_l2x._solvers.pass_bounds import PassBounds


def _design(n=200, p=1100, seed=0, shared=0.5):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 5))
    X = latent @ rng.normal(size=(5, p)) * shared + rng.normal(size=(n, p))
    w = np.zeros(p)
    w[:30] = rng.normal(size=30)
    return np.asfortranarray(X), X @ w + rng.normal(size=n), rng


def _penalty(kind, p):
    if kind == "elastic net":
        return L1L2(p, 0.0, 0.8)
    groups, _ = resolve_groups(np.arange(p) // 10, p)
    weights = np.sqrt([len(g) for g in groups])
    l1_ratio = 0.3 if kind == "sparse group" else 0.0
    ratio = 0.9 if kind == "group with ridge" else 1.0
    return GroupL2(groups, weights, 0.0, ratio, l1_ratio)


KINDS = ["group", "sparse group", "group with ridge", "elastic net"]


@pytest.fixture(autouse=True)
def _small_x_counts(monkeypatch):
    # The test designs are small: keep the bounds on for them.
    monkeypatch.setattr(pass_bounds, "_SMALL_X", 0)


@pytest.mark.parametrize("kept", [None, (2, 2)])
@pytest.mark.parametrize("kind", KINDS)
def test_bounded_certificates_equal_full_ones_along_a_path(kind, kept, monkeypatch):
    """At every point of a path (the bounds' own solutions and λ), the gap
    with the bounds' rows is the gap with all of XᵀR: the cleared units are
    dual-feasible and violate nothing, so they change neither. Also when only
    two residuals are kept (the oldest is dropped at every product, and
    units based on it lose their rows)."""
    if kept is not None:
        monkeypatch.setattr(pass_bounds, "_KEPT_RESIDUALS", kept)
    X, y, _ = _design()
    penalty = _penalty(kind, X.shape[1])
    problem = PenalisedProblem(
        X, SquaredError(y[:, None], np.ones(len(y))), penalty, True
    )
    lams = np.geomspace(problem.lam_max(), 0.2 * problem.lam_max(), 12)
    path = problem.path(lams, tol=1e-10, max_iter=100)
    bounds = PassBounds.of(X, penalty)
    formed = []
    for lam, coef, intercept in zip(lams, path.coefs, path.intercepts, strict=True):
        penalty.lam = lam
        W = coef.T
        eta = X @ W + intercept
        bounded = duality_gap(X, problem.loss, penalty, W, eta, True, bounds)
        full = duality_gap(X, problem.loss, penalty, W, eta, True)
        np.testing.assert_allclose(bounded[:3], full[:3], rtol=1e-9, atol=1e-12)
        exact = np.isclose(bounded[3], full[3], rtol=1e-9, atol=1e-12).all(axis=1)
        formed.append(exact.mean())
        # Rows kept from earlier residuals are only those of cleared units.
        kept = ~exact
        assert not np.any(W[kept])
        assert np.all(penalty.dual_room(full[3])[penalty.membership][kept] > 0)
        np.testing.assert_array_equal(
            penalty.kkt_violation(W, bounded[3]) > 1e-9,
            penalty.kkt_violation(W, full[3]) > 1e-9,
        )
    # The bounds did clear units (the point of them).
    assert min(formed[1:]) < 1.0


@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_bounds_never_clear_a_unit_that_became_infeasible(kind, n_outputs):
    """The residual moves along a unit's top singular direction, where its
    gradient moves by exactly ``‖X_u‖₂·‖ΔR‖`` (the bound is tight): the unit
    is formed again at the step that takes it out of the dual set, never
    kept; so is every non-zero unit."""
    X, _, rng = _design(seed=3, shared=0.0)
    penalty = _penalty(kind, X.shape[1])
    columns = np.flatnonzero(penalty.membership == 0)
    left, singular, _ = np.linalg.svd(X[:, columns], full_matrices=False)
    # With two outputs the residual moves in the second one only.
    top = np.zeros((X.shape[0], n_outputs))
    top[:, -1] = left[:, 0]
    R = 0.1 * rng.normal(size=(X.shape[0], n_outputs))
    R -= left @ (left.T @ R)  # the unit's gradient is zero...
    R += 10.0 * top  # ...but along its top right singular vector
    penalty.lam = 1.0
    radius = penalty.dual_room(np.zeros((X.shape[1], n_outputs)))
    measure = radius - penalty.dual_room(X.T @ R)
    # Unit 0 starts 5 % inside its dual set; the others stay far inside.
    penalty.lam = 1.05 * measure[0] / radius[0]
    penalty.lam = max(penalty.lam, 1.5 * np.max(measure[1:] / radius[1:]))
    bounds = PassBounds.of(X, penalty)
    W = np.zeros((X.shape[1], n_outputs))
    W[penalty.membership == 7] = 1.0  # a non-zero unit, deep inside
    states = []
    for _ in range(8):
        G = bounds.product(R, penalty, W)
        truth = X.T @ R
        kept = _kept(bounds)
        np.testing.assert_allclose(G[~kept], truth[~kept], rtol=1e-12, atol=1e-12)
        outside = penalty.dual_room(truth)[penalty.membership] <= 0
        assert not np.any(kept & outside)
        assert not np.any(kept & np.any(W != 0, axis=1))
        states.append((kept[columns[0]], outside[columns[0]]))
        R = R + 0.2 * top  # 2 % of the way each step
    if kind != "sparse group":  # there the ℓ1 threshold makes the bound loose
        assert (True, False) in states  # unit 0 was cleared while inside
        assert states[-1][1]  # and has left the dual set


def _kept(bounds):
    """Rows the last product did not form."""
    return ~bounds.formed[bounds.membership]


@pytest.mark.parametrize("kind", ["group", "elastic net"])
def test_extrapolated_bounds_never_clear_a_unit_that_left(kind):
    """The residual moves fast along a direction that unit 0 does not see and
    slowly, on a curve, along its top singular direction: extrapolating from
    its last two rows predicts it to the curve's second difference, which the
    bound covers exactly there (it is tight). The unit is cleared while
    inside, and formed again when it leaves."""
    X, _, rng = _design(seed=4, shared=0.0)
    penalty = _penalty(kind, X.shape[1])
    columns = np.flatnonzero(penalty.membership == 0)
    left, _, _ = np.linalg.svd(X[:, columns], full_matrices=False)
    top = left[:, :1]
    other = rng.normal(size=(X.shape[0], 1))
    other -= left @ (left.T @ other)
    other *= 0.5 / np.linalg.norm(other)

    def residual(t):
        return t * other + (10.0 + 0.02 * t**2) * top

    penalty.lam = 1.0
    radius = penalty.dual_room(np.zeros((X.shape[1], 1)))[0]

    def measure(t):
        return radius - penalty.dual_room(X.T @ residual(t))[0]

    # Unit 0 leaves at t = 5, where the extrapolation from t = 3, 4 still
    # has it inside: only the bound on the curve's remainder forms it.
    predicted = 2.0 * measure(4.0) - measure(3.0)
    penalty.lam = 0.5 * (predicted + measure(5.0)) / radius
    bounds = PassBounds.of(X, penalty)
    states = []
    for t in range(10):
        R = residual(float(t))
        W = np.zeros((X.shape[1], 1))
        if t in (3, 4):  # non-zero: formed, so t = 5 extrapolates from 3, 4
            W[columns] = 1.0
        bounds.product(R, penalty, W)
        kept, truth = _kept(bounds), X.T @ R
        outside = penalty.dual_room(truth)[penalty.membership] <= 0
        assert not np.any(kept & outside)
        states.append((kept[columns[0]], outside[columns[0]]))
    assert (True, False) in states  # cleared while inside
    assert states[-1] == (False, True)  # formed once outside


@pytest.mark.parametrize("chunk_units", [None, 1, 3])
@pytest.mark.parametrize("layout", ["shuffled", "consecutive"])
def test_groups_in_any_order_have_their_spectral_norms(
    layout, chunk_units, monkeypatch
):
    """Spectral norms of units of several sizes, their columns scattered or
    consecutive, in one chunk or in chunks of one or three units."""
    X, _, rng = _design(n=100, p=60)
    membership = np.arange(60) // 6
    if layout == "shuffled":
        membership = rng.permutation(membership)
    membership[:3] = 10  # one unit of three columns, one of a single column
    membership[3] = 11
    if chunk_units is not None:
        monkeypatch.setattr(pass_bounds, "_CHUNK_BYTES", 8 * 6 * 100 * chunk_units)
    bounds = PassBounds(X, membership)
    for unit in range(12):
        columns = X[:, membership == unit]
        expected = np.linalg.norm(columns, 2)
        assert expected <= bounds.norms[unit] <= expected * (1 + 1e-7)


def test_logistic_path_with_bounds_matches_one_without(monkeypatch):
    rng = np.random.default_rng(5)
    X = np.asfortranarray(rng.normal(size=(300, 400)))
    y = (X[:, :20].sum(axis=1) + rng.normal(size=300) > 0).astype(float)
    groups, _ = resolve_groups(np.arange(400) // 8, 400)
    weights = np.sqrt([len(g) for g in groups])

    def run():
        penalty = GroupL2(groups, weights, 0.0, 1.0)
        loss = make_logistic_loss(y[:, None], np.ones(300))
        problem = PenalisedProblem(X, loss, penalty, True)
        lams = np.geomspace(problem.lam_max(), 0.1 * problem.lam_max(), 10)
        return problem.path(lams, tol=1e-10, max_iter=100)

    bounded = run()
    monkeypatch.setattr(pass_bounds, "_SMALL_X", np.inf)
    full = run()
    np.testing.assert_allclose(bounded.coefs, full.coefs, rtol=1e-5, atol=1e-7)
    assert np.all(bounded.gaps <= 1e-10)


def test_multi_task_and_multinomial_paths_with_bounds_match_ones_without(monkeypatch):
    """K > 1 outputs: the bounds hold on the Frobenius norm of R − R_u."""
    rng = np.random.default_rng(6)
    X = np.asfortranarray(rng.normal(size=(300, 400)))
    Y = X[:, :24] @ rng.normal(size=(24, 3)) + rng.normal(size=(300, 3))
    classes = np.argmax(Y + rng.normal(size=Y.shape), axis=1)
    onehot = np.eye(3)[classes]
    groups, _ = resolve_groups(np.arange(400) // 8, 400)
    weights = np.sqrt([len(g) for g in groups])

    def run(loss):
        penalty = GroupL2(groups, weights, 0.0, 1.0)
        problem = PenalisedProblem(X, loss, penalty, True)
        lams = np.geomspace(problem.lam_max(), 0.1 * problem.lam_max(), 10)
        return problem.path(lams, tol=1e-10, max_iter=100)

    losses = [
        lambda: SquaredError(Y, np.ones(300)),
        lambda: make_logistic_loss(onehot, np.ones(300)),
    ]
    for loss in losses:
        monkeypatch.setattr(pass_bounds, "_SMALL_X", 0)
        bounded = run(loss())
        monkeypatch.setattr(pass_bounds, "_SMALL_X", np.inf)
        full = run(loss())
        np.testing.assert_allclose(bounded.coefs, full.coefs, rtol=1e-5, atol=1e-7)
        assert np.all(bounded.gaps <= 1e-10)


def test_a_path_on_c_ordered_x_works_on_a_fortran_copy():
    X, y, _ = _design(n=150, p=300)
    X_c = np.ascontiguousarray(X)
    before = X_c.copy()
    penalty = _penalty("group", X.shape[1])
    loss = SquaredError(y[:, None], np.ones(len(y)))
    problem = PenalisedProblem(X_c, loss, penalty, True)
    lams = np.geomspace(problem.lam_max(), 0.2 * problem.lam_max(), 8)
    path = problem.path(lams, tol=1e-10, max_iter=100)
    assert problem.X.flags.f_contiguous  # the copy the path worked on
    np.testing.assert_array_equal(X_c, before)  # the input is untouched
    fortran = PenalisedProblem(X, loss, _penalty("group", X.shape[1]), True)
    expected = fortran.path(lams, tol=1e-10, max_iter=100)
    np.testing.assert_allclose(path.coefs, expected.coefs, rtol=1e-6, atol=1e-8)


def test_units_based_on_a_dropped_residual_are_formed_again(monkeypatch):
    """With room for one residual, the one a product adds evicts the oldest:
    units whose rows came from it have no base left and are formed at the next
    product (here that is all but one: a whole pass)."""
    monkeypatch.setattr(pass_bounds, "_KEPT_RESIDUALS", (1, 1))
    X, _, rng = _design(seed=5)
    penalty = _penalty("group", X.shape[1])
    penalty.lam = 10.0  # every unit deep inside its dual set
    bounds = PassBounds.of(X, penalty)
    R = 0.01 * rng.normal(size=(X.shape[0], 1))
    W = np.zeros((X.shape[1], 1))
    bounds.product(R, penalty, W)
    assert bounds.formed.all()
    W[penalty.membership == 7] = 1.0  # formed with the second residual only
    bounds.product(R * 1.001, penalty, W)
    assert bounds.formed.sum() == 1 and bounds.formed[7]
    W[:] = 0.0
    G = bounds.product(R * 1.002, penalty, W)
    assert bounds.formed[np.arange(penalty.n_groups) != 7].all()
    np.testing.assert_allclose(G, X.T @ (R * 1.002), rtol=1e-6)
