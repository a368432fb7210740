"""The engine's shared layers: every loss and penalty keeps its declared promises.

Implementations are found automatically (every concrete subclass of
:class:`Loss` and :class:`Penalty`), so a new one is checked without a new
test. The last tests show a combination no estimator offers yet, the group-L2
penalty on the squared loss, fitted by the shared solver and checked against
an independent proximal-gradient solver and scikit-learn's ``MultiTaskLasso``.
"""

import inspect

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.linear_model import MultiTaskLasso

from sklearn_l2x import _losses
from sklearn_l2x._losses import Loss, SquaredError
from sklearn_l2x._penalties import L1L2, GroupL2, Penalty
from sklearn_l2x._solvers.gap import duality_gap, optimal_intercept
from sklearn_l2x._solvers.prox_newton import solve


def _concrete_subclasses(base):
    found, stack = [], [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if not inspect.isabstract(sub):
                found.append(sub)
    return sorted(set(found), key=lambda c: c.__name__)


def _targets(cls, n, rng):
    """Targets in each loss's encoding: real (2 targets), {0, 1}, one-hot (3)."""
    if cls is SquaredError:
        return rng.normal(size=(n, 2))
    if cls is _losses.BinaryLogistic:
        return rng.integers(0, 2, size=(n, 1)).astype(float)
    return np.eye(3)[rng.integers(0, 3, size=n)]


LOSSES = _concrete_subclasses(Loss)


def test_every_loss_and_penalty_is_found():
    assert {c.__name__ for c in LOSSES} >= {
        "SquaredError",
        "BinaryLogistic",
        "Multinomial",
    }
    assert {c.__name__ for c in _concrete_subclasses(Penalty)} >= {"GroupL2", "L1L2"}


@pytest.mark.parametrize("cls", LOSSES, ids=lambda c: c.__name__)
def test_loss_derivatives_match_finite_differences(cls):
    rng = np.random.default_rng(0)
    n = 30
    Y = _targets(cls, n, rng)
    sw = rng.uniform(0.0, 2.0, n)
    sw[:3] = 0.0  # rows of zero weight
    loss = cls(Y, sw)
    eta = rng.normal(size=Y.shape)
    h = 1e-6
    numeric = np.zeros_like(eta)
    for index in np.ndindex(eta.shape):
        step = np.zeros_like(eta)
        step[index] = h
        numeric[index] = (loss.value(eta + step) - loss.value(eta - step)) / (2 * h)
    assert_allclose(loss.gradient(eta), numeric, atol=1e-8)
    # Hessian weights: the derivative of row i's gradient in η_i.
    D = loss.hessian_weights(eta)
    for k in range(Y.shape[1]):
        step = np.zeros_like(eta)
        step[:, k] = h
        column = (loss.gradient(eta + step) - loss.gradient(eta - step)) / (2 * h)
        assert_allclose(D[:, :, k], column, atol=1e-8)
    gradient, hessian = loss.intercept_terms(eta)
    assert_allclose(gradient, loss.gradient(eta).sum(axis=0), atol=1e-12)
    assert_allclose(hessian, D.sum(axis=0), atol=1e-12)
    # The structured form D_i = diag(a_i) − c_i c_iᵀ is the same matrix.
    a, c = loss.hessian_parts(eta)
    structured = a[:, :, None] * np.eye(Y.shape[1])[None]
    if c is not None:
        structured = structured - c[:, :, None] * c[:, None, :]
    assert_allclose(structured, D, atol=1e-14)


@pytest.mark.parametrize("cls", LOSSES, ids=lambda c: c.__name__)
def test_loss_conjugate_satisfies_fenchel_young(cls):
    # −F*(∇F(η)) = F(η) − ⟨∇F(η), η⟩ (equality at the gradient), and
    # −F*(U) <= F(η) − ⟨U, η⟩ for any other U (Fenchel–Young inequality).
    rng = np.random.default_rng(1)
    n = 40
    Y = _targets(cls, n, rng)
    loss = cls(Y, rng.uniform(0.2, 2.0, n))
    eta = rng.normal(size=Y.shape)
    R = loss.gradient(eta)
    assert_allclose(loss.dual_value(R), loss.value(eta) - np.sum(R * eta), rtol=1e-12)
    other = rng.normal(size=Y.shape)
    U = loss.gradient(other)
    assert loss.dual_value(U) <= loss.value(eta) - np.sum(U * eta) + 1e-12


@pytest.mark.parametrize("cls", LOSSES, ids=lambda c: c.__name__)
def test_loss_null_intercept_and_exact_dual_residual(cls):
    rng = np.random.default_rng(2)
    n = 50
    Y = _targets(cls, n, rng)
    loss = cls(Y, rng.uniform(0.2, 2.0, n))
    b0 = loss.null_intercept(True)
    eta = np.zeros(Y.shape) + b0
    assert_allclose(loss.intercept_terms(eta)[0], 0.0, atol=1e-12)
    assert_allclose(loss.null_intercept(False), 0.0)
    # After the intercept fit, 1ᵀR = 0 exactly (to rounding of a sum).
    offset = rng.normal(size=Y.shape)
    b = optimal_intercept(loss, offset, np.zeros(Y.shape[1]), True)
    R = loss.dual_residual(offset + b, True)
    assert np.max(np.abs(R.sum(axis=0))) <= 1e-15


def _penalty_id(penalty):
    extra = [f"tau{penalty.l1_ratio}" for _ in [0] if getattr(penalty, "l1_ratio", 0)]
    extra += ["positive"] if getattr(penalty, "positive", False) else []
    factors = getattr(penalty, "factors", None)
    extra += ["factors"] if factors is not None and np.any(factors != 1) else []
    return "-".join([type(penalty).__name__, str(penalty.ratio), *extra])


def _penalty_instances():
    groups = [np.array([0, 4]), np.array([1, 2, 3]), np.array([5])]
    return [
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 1.0),
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 0.6),
        # sparse-group lasso, with and without ridge; the sign constraint
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 1.0, l1_ratio=0.4),
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 0.7, l1_ratio=0.4),
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 1.0, positive=True),
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 0.8, l1_ratio=0.5, positive=True),
        # a group without a norm term (ℓ1 only there)
        GroupL2(groups, np.array([1.0, 0.0, 2.0]), 0.3, 1.0, l1_ratio=0.3),
        # penalty factors, one of them 0 (an unpenalised group / row)
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 0.6, 0.3, False, [1.0, 0.0, 2.5]),
        GroupL2(groups, np.sqrt([2, 3, 1]), 0.3, 1.0, 0.0, True, [0.5, 2.0, 0.0]),
        L1L2(6, 0.3, 0.5, factors=[1.0, 0.0, 2.0, 0.5, 1.0, 3.0]),
        L1L2(6, 0.3, 1.0, factors=[1.0, 0.0, 2.0, 0.5, 1.0, 3.0], positive=True),
        L1L2(6, 0.3, 0.6, positive=True),
        L1L2(6, 0.3, 1.0),
        L1L2(6, 0.3, 0.5),
    ]


@pytest.mark.parametrize("penalty", _penalty_instances(), ids=_penalty_id)
def test_penalty_prox_is_the_minimiser_and_lam_max_is_exact(penalty):
    rng = np.random.default_rng(3)
    V = rng.normal(size=(6, 2))
    step = 0.7
    P = penalty.prox(V, step)

    def objective(W):
        return 0.5 * np.sum((W - V) ** 2) + step * penalty.value(W)

    best = objective(P)
    for _ in range(200):  # no nearby point does better
        assert objective(P + 1e-3 * rng.normal(size=P.shape)) >= best - 1e-12
    # The optimality condition: zero violation at the prox point of V with
    # the "gradient" (P − V)/step.
    assert_allclose(penalty.kkt_violation(P, (P - V) / step), 0.0, atol=1e-10)
    # λ_max: W = 0 optimal for the gradient G exactly from λ_max on.
    G = rng.normal(size=(6, 2))
    G[penalty.free_rows()] = 0.0  # at a null model fitted on the free rows
    top = penalty.lam_max(G)
    for lam, optimal in [(top * (1 + 1e-9), True), (top * (1 - 1e-6), False)]:
        at = type(penalty).__new__(type(penalty))
        at.__dict__.update(penalty.__dict__, lam=lam)
        assert bool(np.all(at.kkt_violation(np.zeros((6, 2)), G) == 0)) is optimal


@pytest.mark.parametrize("penalty", _penalty_instances(), ids=_penalty_id)
def test_penalty_dual_term_is_minus_the_conjugate(penalty):
    # −Ω*(G) = min_W Ω(W) − ⟨G, W⟩: check against the prox, which gives the
    # minimiser of Ω(W) − ⟨G, W⟩ + ½‖W‖²/s as s → ∞ only for ρ > 0; instead
    # use Fenchel–Young at W = prox point with subgradient G.
    rng = np.random.default_rng(4)
    V = rng.normal(size=(6, 2))
    W = penalty.prox(V, 1.0)
    G = W - V  # a loss gradient with −G ∈ ∂Ω(W)
    t = penalty.dual_scaling(G)
    assert t == pytest.approx(1.0)
    assert_allclose(
        penalty.dual_term(G), penalty.value(W) + np.sum(G * W), rtol=1e-10, atol=1e-12
    )
    # Without a ridge part, t·G is dual-feasible exactly up to t.
    if penalty.ridge == 0:
        G = 3 * rng.normal(size=V.shape)
        G[penalty.free_rows()] = 0.0  # the gap projects them so
        t = penalty.dual_scaling(G)
        assert 0 < t < 1
        zero = np.zeros_like(G)
        assert np.all(penalty.kkt_violation(zero, t * G) <= 1e-14)
        assert np.any(penalty.kkt_violation(zero, t * (1 + 1e-9) * G) > 1e-12)


def _group_regression_data(n=80, p=12, n_targets=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.uniform(-2, 2, size=p)  # non-centred columns
    W = np.zeros((p, n_targets))
    W[:3] = rng.normal(size=(3, n_targets)) * 2
    W[6:8] = rng.normal(size=(2, n_targets))
    Y = X @ W + 1.5 + 0.5 * rng.normal(size=(n, n_targets))
    return X, Y


def _fista_group_squared(X, Y, groups, weights, lam, ratio, sw, iters=20000):
    """Accelerated proximal gradient on the squared loss, written independently."""
    n, p = X.shape
    c = sw / sw.sum()
    Xa = np.column_stack([X, np.ones(n)])
    L = 2 * np.linalg.norm(Xa * np.sqrt(c)[:, None], 2) ** 2 + 2 * lam * (1 - ratio)
    theta = np.zeros((p + 1, Y.shape[1]))
    z, t = theta.copy(), 1.0
    for _ in range(iters):
        grad = Xa.T @ (2 * c[:, None] * (Xa @ z - Y))
        grad[:p] += 2 * lam * (1 - ratio) * z[:p]
        v = z - grad / L
        new = v.copy()
        for g, w in zip(groups, weights, strict=True):
            norm = np.linalg.norm(v[g])
            thresh = lam * ratio * w / L
            new[g] = 0 if norm <= thresh else v[g] * (1 - thresh / norm)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = new + (t - 1) / t_next * (new - theta)
        theta, t = new, t_next
    return theta[:p], theta[p]


def _engine_fit(X, Y, groups, weights, lam, ratio, sw, tol=1e-12):
    loss = SquaredError(Y, sw)
    penalty = GroupL2(groups, weights, lam, ratio)
    W0 = np.zeros((X.shape[1], Y.shape[1]))
    return solve(X, loss, penalty, W0, loss.null_intercept(True), tol=tol)


@pytest.mark.parametrize("ratio", [1.0, 0.7])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_group_l2_on_the_squared_loss_through_the_engine(ratio, n_targets):
    X, Y = _group_regression_data(n_targets=n_targets)
    groups = [np.arange(0, 3), np.arange(3, 6), np.arange(6, 8), np.arange(8, 12)]
    weights = np.sqrt([len(g) for g in groups])
    sw = np.random.default_rng(1).uniform(0.3, 2.0, X.shape[0])
    lam = 0.1 if n_targets == 1 else 0.8
    W, b, info = _engine_fit(X, Y, groups, weights, lam, ratio, sw)
    assert info["converged"]
    W_ref, b_ref = _fista_group_squared(X, Y, groups, weights, lam, ratio, sw)
    assert_allclose(W, W_ref, atol=1e-6)
    assert_allclose(b, b_ref, atol=1e-6)
    # Some groups are zero, some not: the penalty is doing its job.
    norms = [np.linalg.norm(W[g]) for g in groups]
    assert 0 < sum(v > 0 for v in norms) < len(groups)
    # Sparse X gives the same answer.
    W_sparse, b_sparse, _ = _engine_fit(
        sp.csr_matrix(X), Y, groups, weights, lam, ratio, sw
    )
    assert_allclose(W_sparse, W, atol=1e-8)


def test_multi_task_singletons_are_sklearn_multitask_lasso():
    # (1/n)‖Y − XW − b‖² + λ Σ_j ‖W_j‖ is 2 × MultiTaskLasso's
    # (1/2n)‖Y − XW − b‖² + α Σ_j ‖W_j‖ with α = λ/2.
    X, Y = _group_regression_data(n=100, p=15, n_targets=3, seed=4)
    lam = 0.2
    groups = [np.array([j]) for j in range(X.shape[1])]
    W, b, info = _engine_fit(X, Y, groups, np.ones(len(groups)), lam, 1.0, np.ones(100))
    theirs = MultiTaskLasso(alpha=lam / 2, tol=1e-14, max_iter=100_000).fit(X, Y)
    assert_allclose(W, theirs.coef_.T, atol=1e-7)
    assert_allclose(b, theirs.intercept_, atol=1e-7)


def test_squared_loss_gap_bounds_the_suboptimality():
    X, Y = _group_regression_data(n_targets=2, seed=3)
    groups = [np.arange(0, 4), np.arange(4, 8), np.arange(8, 12)]
    weights = np.full(3, 2.0)
    sw = np.ones(X.shape[0])
    loss = SquaredError(Y, sw)
    penalty = GroupL2(groups, weights, 0.05, 0.8)
    W_best, b_best, _ = _engine_fit(X, Y, groups, weights, 0.05, 0.8, sw, tol=1e-14)
    best = loss.value(X @ W_best + b_best) + penalty.value(W_best)
    rng = np.random.default_rng(0)
    for scale in [1e-3, 1e-1, 1.0]:
        W = W_best + scale * rng.normal(size=W_best.shape)
        eta_w = X @ W
        b = optimal_intercept(loss, eta_w, np.zeros(2), True)
        primal, _, gap, _ = duality_gap(X, loss, penalty, W, eta_w + b, True)
        assert primal - best <= gap * (1 + 1e-9) + 1e-14
        assert gap > 0


def _enet_data(sparse=False, n=80, p=30, seed=0, density=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.uniform(-1, 1, size=p)
    if sparse:
        X = sp.random(n, p, density=density, format="csc", random_state=seed)
        X.data = rng.uniform(0.5, 3.0, X.data.size)
    w = np.zeros(p)
    w[:5] = rng.normal(size=5) * 3
    y = np.asarray(X @ w).ravel() + 2.0 + rng.normal(size=n)
    return X, y, rng.uniform(0.3, 2.0, n)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_coordinate_descent_gap_is_the_shared_dual(l1_ratio):
    # The elastic-net solver's certificate (half units, sufficient statistics,
    # best scaling t) is the shared Fenchel dual of gap.py at the same dual
    # point U = tR: D_shared(tR) = 2·D_Q(t), and its gap never exceeds the
    # shared gap at t = 1's feasible scaling.
    from sklearn_l2x._solvers.enet_cd import GramCache, _correlations, _gap
    from sklearn_l2x._solvers.spectral import CentredDesign

    X, y, sw = _enet_data()
    lam = 0.3
    design = CentredDesign(X, sw, True)
    S = sw.sum()
    y_tilde = np.sqrt(sw) * (y - sw @ y / S)
    q = design.rmatmul(y_tilde[:, None], centred=True)[:, 0] / S
    rng = np.random.default_rng(3)
    loss = SquaredError(y[:, None], sw)
    penalty = L1L2(X.shape[1], lam, l1_ratio)
    for _ in range(5):
        w = np.where(rng.random(X.shape[1]) < 0.3, rng.normal(size=X.shape[1]), 0)
        v, A, B = _correlations(design, GramCache(design), y_tilde, q, w)
        gap_half, t = _gap(v, A, B, w, L1L2(X.shape[1], lam / 2, l1_ratio), False)
        W = w[:, None]
        b = optimal_intercept(loss, X @ W, np.zeros(1), True)
        eta = X @ W + b
        primal, _, gap, gradient = duality_gap(X, loss, penalty, W, eta, True)
        R = loss.dual_residual(eta, True)
        dual_at_t = loss.dual_value(t * R) + penalty.dual_term(t * gradient)
        primal_half = primal / 2
        assert_allclose(2 * (primal_half - gap_half), dual_at_t, rtol=1e-10)
        if penalty.ridge > 0:  # t = 1 is feasible: the best t does no worse
            assert 2 * gap_half <= gap * (1 + 1e-10)


def _inner_modes():
    return [
        pytest.param(False, 80, 30, 0.3, id="gram"),
        pytest.param(False, 40, 200, 0.3, id="dense-columns"),
        pytest.param(True, 200, 400, 0.02, id="sparse-intercept-column"),
        pytest.param(True, 200, 60, 0.9, id="sparse-centred"),
    ]


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("sparse, n, p, density", _inner_modes())
def test_compiled_cd_adapter_reaches_the_gap_asked_for(sparse, n, p, density, positive):
    # The contract of the adapter around scikit-learn's coordinate descent, on
    # every supported scikit-learn version: the working set's problem is
    # solved to the relative gap we ask for, measured by our own gap.
    from sklearn_l2x._solvers.enet_cd import GramCache, _correlations, _gap, _inner
    from sklearn_l2x._solvers.spectral import CentredDesign

    X, y, sw = _enet_data(sparse, n, p, density=density)
    design = CentredDesign(X, sw, True)
    S = sw.sum()
    y_tilde = np.sqrt(sw) * (y - sw @ y / S)
    q = design.rmatmul(y_tilde[:, None], centred=True)[:, 0] / S
    null_value = float(y_tilde @ y_tilde) / S
    columns = np.arange(0, p, 2) if p > n else np.arange(p)
    lam, l1_ratio, tol = 0.05, 0.7, 1e-4
    half = L1L2(columns.size, lam / 2, l1_ratio)
    coef, _ = _inner(
        design,
        GramCache(design),
        y_tilde,
        q,
        columns,
        np.zeros(columns.size),
        half.group_strength,
        half.ridge,
        positive,
        tol=tol,
        budget=100_000,
    )
    if positive:
        assert np.all(coef >= 0)
    restricted = CentredDesign(X[:, columns], sw, True)
    q_r = restricted.rmatmul(y_tilde[:, None], centred=True)[:, 0] / S
    v, A, B = _correlations(restricted, GramCache(restricted), y_tilde, q_r, coef)
    gap_half, _ = _gap(v, A, B, coef, half, positive)
    assert 0 < np.count_nonzero(coef) < columns.size
    assert 2 * gap_half / null_value <= 2 * tol
