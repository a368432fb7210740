"""The prox-Newton solver's pieces: penalty derivatives and the active-set Newton."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from sklearn_l2x._losses import make_logistic_loss
from sklearn_l2x._penalties import L1L2, GroupL2
from sklearn_l2x._solvers.gram import RowPairs
from sklearn_l2x._solvers.prox_newton import (
    _CHOLESKY_SIZE,
    _active_set_newton,
    _factor_and_solve,
    _fista,
    _hessian,
    _linear_predictor,
    _quadratic_prox,
    _ReducedModel,
    _subset_rows,
    _working_design,
    _WorkingSet,
)


def _penalties():
    uneven = [np.array([0, 1, 2]), np.array([3]), np.array([4, 5]), np.array([6, 7])]
    weights = np.sqrt([len(g) for g in uneven])
    return {
        "group-uneven": GroupL2(uneven, weights, 0.3, 0.7),
        "group-equal": GroupL2(
            [np.arange(2 * i, 2 * i + 2) for i in range(4)],
            np.full(4, np.sqrt(2)),
            0.3,
            1.0,
        ),
        # Groups whose rows are not consecutive.
        "group-interleaved": GroupL2(
            [np.array([0, 4]), np.array([1, 5, 6]), np.array([2, 3]), np.array([7])],
            np.sqrt([2, 3, 2, 1]),
            0.3,
            0.8,
        ),
        "elastic-net": L1L2(8, 0.3, 0.6),
    }


@pytest.mark.parametrize("name", list(_penalties()))
@pytest.mark.parametrize("K", [1, 3])
def test_newton_terms_are_the_penalty_derivatives(name, K):
    penalty = _penalties()[name]
    rng = np.random.default_rng(0)
    W = rng.normal(size=(8, K))
    # The group of row 3 is zero.
    W[[2, 3] if name in ("group-equal", "group-interleaved") else 3] = 0.0
    free, gradient, hessian = penalty.newton_terms(W)
    assert not free[3].any() and free[[0, 1, 4]].all()
    # Without the system: the same face and gradient.
    free_only, gradient_only, none = penalty.newton_terms(W, system=False)
    assert none is None and np.array_equal(free_only, free)
    assert_allclose(gradient_only, gradient, rtol=1e-15)
    index = np.flatnonzero(free.ravel())

    def value(x):
        V = W.ravel().copy()
        V[index] = x
        return penalty.value(V.reshape(W.shape))

    x0, h = W.ravel()[index], 1e-6
    numeric = np.array(
        [(value(x0 + h * e) - value(x0 - h * e)) / (2 * h) for e in np.eye(x0.size)]
    )
    assert_allclose(gradient, numeric, atol=1e-7)
    numeric_hessian = np.array(
        [
            (
                penalty.newton_terms(_with(W, index, x0 + h * e))[1]
                - penalty.newton_terms(_with(W, index, x0 - h * e))[1]
            )
            / (2 * h)
            for e in np.eye(x0.size)
        ]
    )
    assert_allclose(hessian, numeric_hessian, atol=1e-6)


def _with(W, index, x):
    V = W.ravel().copy()
    V[index] = x
    return V.reshape(W.shape)


def _model(name, K):
    """A quadratic model ⟨g₀, V⟩ + ½VᵀHV + penalty(V) and its minimiser V*.

    V* comes from FISTA run to the end; some groups are in, some out.
    """
    penalty = _penalties()[name]
    rng = np.random.default_rng(1)
    A = rng.normal(size=(80 * K, 8 * K))
    H = A.T @ A / A.shape[0]
    g0 = rng.normal(size=(8, K)) * 0.5
    g0[[2, 3]] *= 0.01  # rows 2 and 3 (a group of group-equal) stay out
    zero = np.zeros((8, K))
    V = zero + _fista(g0, H, penalty, zero, 100_000, 1e-15)
    support = penalty.group_norms(V) > 0
    assert 0 < support.sum() < penalty.n_groups
    return penalty, H, g0, V


def _rows_of(penalty, name, group):
    if name == "elastic-net":
        return np.arange(8) == group
    return penalty.membership == group


@pytest.mark.parametrize("name", list(_penalties()))
@pytest.mark.parametrize("K", [1, 3])
def test_active_set_newton_finds_the_model_minimiser(name, K):
    # Seen from a point W, the model in Δ = V − W has g = g₀ + H·vec(W) and
    # its minimiser is V* − W, whatever the support of W.
    penalty, H, g0, V = _model(name, K)
    support = np.flatnonzero(penalty.group_norms(V) > 0)
    W_off = 0.9 * V
    W_off[_rows_of(penalty, name, support[0])] = 0.0  # a group must enter
    W_extra = 0.9 * V
    W_extra[_rows_of(penalty, name, 3)] = 0.05  # a group must leave
    for W in [0.9 * V, W_off, W_extra, np.zeros_like(V)]:
        g = g0 + (H @ W.ravel()).reshape(W.shape)
        delta = _active_set_newton(g, H, penalty, W)
        assert delta is not None
        assert_allclose(W + delta, V, atol=1e-8)
    # A model whose minimiser is zero, seen from zero: nothing is free and
    # nothing enters.
    zero = np.zeros_like(V)
    inside = 1e-3 * penalty.group_strength * np.ones_like(V) / V.size
    assert_allclose(_active_set_newton(inside, H, penalty, zero), 0.0)
    # Without corrections of the face, a missing group makes it give up.
    g_off = g0 + (H @ W_off.ravel()).reshape(W_off.shape)
    assert _active_set_newton(g_off, H, penalty, W_off, max_changes=0) is None


@pytest.mark.parametrize("name", list(_penalties()))
@pytest.mark.parametrize("K", [1, 3])
def test_quadratic_prox_eliminates_the_intercepts_exactly(name, K):
    # The model in (Δ_W, Δ_b), the intercepts unpenalised: Δ_W minimises the
    # model with the Schur complement H_WW − H_Wb H_bb⁻¹ H_bW (formed here by
    # an explicit inverse and minimised by FISTA to the end), and Δ_b makes
    # the intercepts' gradient zero.
    penalty = _penalties()[name]
    rng = np.random.default_rng(5)
    A = rng.normal(size=(90 * K, 9 * K))
    A[:, 8 * K :] += 2.0  # intercept columns coupled to the features
    H = A.T @ A / A.shape[0]
    W = rng.normal(size=(8, K)) * 0.2
    W[3] = 0.0
    gradient = rng.normal(size=9 * K) * 0.3
    delta_W, delta_b = _quadratic_prox(
        gradient, _ReducedModel(H, K, True), penalty, W, 500, 1e-14
    )
    n_w = 8 * K
    H_bb_inverse = np.linalg.inv(H[n_w:, n_w:])
    schur = H[:n_w, :n_w] - H[:n_w, n_w:] @ H_bb_inverse @ H[n_w:, :n_w]
    g = gradient[:n_w] - H[:n_w, n_w:] @ H_bb_inverse @ gradient[n_w:]
    expected = _fista(g.reshape(8, K), schur, penalty, W, 100_000, 1e-15)
    assert_allclose(delta_W, expected, atol=1e-8)
    step = np.concatenate([delta_W.ravel(), delta_b])
    assert_allclose((gradient + H @ step)[n_w:], 0.0, atol=1e-12)


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_restricted_model_is_the_model_of_the_sub_working_set(K, fit_intercept):
    # A kept model restricted to a working set that lost columns equals the
    # model built from that working set's own Hessian (the intercept's Schur
    # complement commutes with taking a block).
    rng = np.random.default_rng(9)
    columns = np.array([7, 2, 11, 4, 9, 0])
    A = rng.normal(size=(60 * K, (columns.size + fit_intercept) * K))
    A[:, columns.size * K :] += 1.5
    H = A.T @ A / A.shape[0]
    subset = np.array([2, 9, 0])
    rows = _subset_rows(columns, subset)
    assert_allclose(columns[rows], subset)
    assert _subset_rows(columns, np.array([2, 5])) is None
    assert _subset_rows(columns, np.array([12])) is None
    keep = np.r_[rows, np.arange(columns.size, columns.size + fit_intercept)]
    index = (keep[:, None] * K + np.arange(K)).ravel()
    own = _ReducedModel(H[np.ix_(index, index)], K, fit_intercept)
    restricted = _ReducedModel(H, K, fit_intercept).restricted(rows)
    assert_allclose(restricted.H, own.H, rtol=1e-12, atol=1e-14)
    gradient = rng.normal(size=(subset.size + fit_intercept) * K)
    assert_allclose(
        restricted.reduced_gradient(gradient), own.reduced_gradient(gradient)
    )
    step = rng.normal(size=(subset.size, K))
    assert_allclose(
        restricted.intercept_step(gradient, step), own.intercept_step(gradient, step)
    )


@pytest.mark.parametrize("layout", ["C", "F", "csr", "csc"])
def test_linear_predictor_is_the_product_for_every_layout_and_support(layout):
    # X @ W comes from W's support or from the whole product, depending on
    # X's layout and the support's size: the same numbers either way.
    rng = np.random.default_rng(10)
    dense = rng.normal(size=(50, 200)) * (rng.uniform(size=(50, 200)) < 0.3)
    X = {
        "C": np.ascontiguousarray(dense),
        "F": np.asfortranarray(dense),
        "csr": sp.csr_matrix(dense),
        "csc": sp.csc_matrix(dense),
    }[layout]
    for support in [0, 1, 5, 30, 120, 200]:
        W = np.zeros((200, 2))
        W[rng.choice(200, support, replace=False)] = rng.normal(size=(support, 2))
        assert_allclose(_linear_predictor(X, W), dense @ W, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layout", ["C", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_working_set_columns_taken_from_the_previous_are_the_gathered_ones(
    layout, fit_intercept
):
    # A working set that keeps or drops groups of the previous one takes its
    # columns from the previous one's: the same arrays as gathered from X.
    rng = np.random.default_rng(11)
    dense = rng.normal(size=(40, 12)) * (rng.uniform(size=(40, 12)) < 0.5)
    X = sp.csr_matrix(dense) if layout == "csr" else dense
    groups = [np.array([0, 5]), np.array([1, 2, 3]), np.array([4]), np.arange(6, 12)]
    penalty = GroupL2(groups, np.ones(4), 0.1, 1.0)
    loss = make_logistic_loss((rng.uniform(size=(40, 1)) < 0.5) * 1.0, np.ones(40))

    def working_set(ids, previous=None):
        ids = np.array(ids)
        return _WorkingSet(X, loss, penalty, ids, fit_intercept, previous=previous)

    first = working_set([0, 1, 3])
    first.X_aug  # noqa: B018 (gathered from X)
    # The same columns in another order (groups listed differently) are
    # gathered again, not taken as they are.
    shuffled = _WorkingSet(
        X,
        loss,
        GroupL2(groups[::-1], np.ones(4), 0.1, 1.0),
        np.array([0, 2, 3]),
        fit_intercept,
        previous=first,
    )
    dense_of = (lambda A: A.toarray()) if sp.issparse(first.X_aug) else np.asarray
    assert_allclose(
        dense_of(shuffled.X_aug),
        dense_of(_working_design(X, shuffled.columns, fit_intercept)[1]),
    )
    for ids in ([0, 1, 3], [1, 3], [0], [0, 2]):
        derived = working_set(ids, previous=first)
        expected = _working_design(X, derived.columns, fit_intercept)[1]
        got = derived.X_aug
        dense_of = (lambda A: A.toarray()) if sp.issparse(got) else np.asarray
        assert_allclose(dense_of(got), dense_of(expected))


@pytest.mark.parametrize("name", ["group", "elastic-net"])
def test_kept_face_factor_gives_the_model_minimiser(monkeypatch, name):
    # A model used again (a chord step of the outer loop, the polish) starts
    # its face Newton steps from the face factor kept on it: the minimiser is
    # the one fresh factorisations give, and the first step factors nothing.
    from sklearn_l2x._solvers import prox_newton

    rng = np.random.default_rng(12)
    m = _CHOLESKY_SIZE + 22
    A = rng.normal(size=(3 * m, m + 1))
    H = A.T @ A / A.shape[0]
    groups = [np.arange(j, j + 5) for j in range(0, m, 5)]
    penalty = (
        GroupL2(groups, np.full(len(groups), np.sqrt(5)), 0.02, 0.9)
        if name == "group"
        else L1L2(m, 0.02, 0.6)
    )
    W = rng.normal(size=(m, 1))
    gradient = rng.normal(size=m + 1) * 0.05
    model = _ReducedModel(H, 1, True)
    first, first_b = _quadratic_prox(gradient, model, penalty, W, 500, 1e-12)
    assert model.face_factor is not None
    # The next solve is the model at the point reached, its gradient moved a
    # little (as a chord step's: the Hessian kept, the gradient new).
    moved = W + first
    gradient = gradient + H @ np.r_[first.ravel(), first_b]
    gradient += 1e-4 * rng.normal(size=gradient.size)
    factorisations = []
    original = prox_newton._factor_and_solve
    monkeypatch.setattr(
        prox_newton,
        "_factor_and_solve",
        lambda *a: factorisations.append(1) or original(*a),
    )
    reused, _ = _quadratic_prox(gradient, model, penalty, moved, 500, 1e-12)
    steps_with_reuse = len(factorisations)
    fresh, _ = _quadratic_prox(
        gradient, _ReducedModel(H, 1, True), penalty, moved, 500, 1e-12
    )
    assert steps_with_reuse < len(factorisations) - steps_with_reuse
    assert_allclose(moved + reused, moved + fresh, rtol=1e-9, atol=1e-11)


def test_spd_solve_matches_lu_and_refuses_indefinite_systems():
    rng = np.random.default_rng(6)
    for size in [5, _CHOLESKY_SIZE + 10]:  # LU below the threshold, Cholesky above
        A = rng.normal(size=(2 * size, size))
        system = A.T @ A
        rhs = rng.normal(size=size)
        assert_allclose(_factor_and_solve(system, rhs)[0], np.linalg.solve(system, rhs))
    # The Cholesky path refuses a system that is not positive definite (the
    # solver then falls back to FISTA).
    indefinite = system - 2 * np.linalg.eigvalsh(system)[-1] * np.eye(size)
    with pytest.raises(np.linalg.LinAlgError):
        _factor_and_solve(indefinite, rhs)


@pytest.mark.parametrize("K", [2, 3, 12])
def test_multinomial_loss_matches_scipy(K):
    # The loss computes softmax and the cross-entropy with its own row
    # reductions (faster than scipy's for small K); scipy's are the reference,
    # including rows far from zero and with ties.
    from scipy.special import log_softmax, softmax, xlogy

    rng = np.random.default_rng(7)
    n = 200
    eta = rng.normal(size=(n, K)) * 5
    eta[:20] += 800.0  # exp would overflow without the shift
    eta[20:40] -= 800.0
    eta[40:50] = 3.0  # ties
    eta[50:60] *= 100.0  # one class dominates: losses near rounding level
    Y = np.eye(K)[rng.integers(0, K, n)]
    sw = rng.uniform(0.2, 3.0, n)
    loss = make_logistic_loss(Y, sw)
    expected = -np.sum(sw[:, None] * Y * log_softmax(eta, axis=1)) / sw.sum()
    assert_allclose(loss.value(eta), expected, rtol=1e-14)
    assert_allclose(
        loss.probabilities(eta), softmax(eta, axis=1), rtol=1e-14, atol=1e-300
    )
    A = softmax(rng.normal(size=(n, K)), axis=1)
    entropy = -np.sum(sw[:, None] * xlogy(A, A)) / sw.sum()
    assert_allclose(loss.entropy(A), entropy, rtol=1e-14)


@pytest.mark.parametrize("K", [1, 3])
def test_intercept_terms_are_the_summed_row_terms(K):
    rng = np.random.default_rng(3)
    n = 50
    labels = rng.integers(0, max(K, 2), n)
    Y = (labels[:, None] == 1).astype(float) if K == 1 else np.eye(K)[labels]
    loss = make_logistic_loss(Y, rng.uniform(0.2, 3.0, n))
    eta = rng.normal(size=(n, K))
    gradient, hessian = loss.intercept_terms(eta)
    assert_allclose(gradient, loss.gradient(eta).sum(axis=0), atol=1e-15)
    assert_allclose(hessian, loss.hessian_weights(eta).sum(axis=0), atol=1e-15)


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("sparse", [False, True])
def test_hessian_is_the_weighted_gram_of_every_output_pair(K, sparse):
    # Σ_i x_i x_iᵀ ⊗ D_i by einsum; the solver forms the diagonal blocks (and
    # the off-diagonal ones, whose weights −p_k p_l are <= 0) as ±RᵀR.
    rng = np.random.default_rng(4)
    n = 60
    X = rng.normal(size=(n, 5))
    labels = rng.integers(0, max(K, 2), n)
    Y = (labels[:, None] == 1).astype(float) if K == 1 else np.eye(K)[labels]
    D = make_logistic_loss(Y, rng.uniform(0.2, 3.0, n)).hessian_weights(
        rng.normal(size=(n, K))
    )
    expected = np.einsum("ia,ikl,ib->akbl", X, D, X).reshape(5 * K, 5 * K)
    H = _hessian(sp.csc_matrix(X) if sparse else X, D)
    assert_allclose(H, expected, rtol=1e-12, atol=1e-14)


def _one_hot(n, levels, rng, values=None):
    codes = np.column_stack([rng.integers(0, k, size=n) for k in levels])
    offsets = np.r_[0, np.cumsum(levels)[:-1]]
    data = np.ones(codes.size) if values is None else values(codes.size)
    rows = np.repeat(np.arange(n), len(levels))
    return sp.csr_matrix(
        (data, (rows, (codes + offsets).ravel())), shape=(n, sum(levels))
    )


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "design", ["one-hot", "one-hot-missing", "scaled-one-hot", "irregular"]
)
@pytest.mark.parametrize("whole", [True, False])
def test_row_pairs_hessian_is_the_weighted_gram(
    monkeypatch, K, fit_intercept, design, whole
):
    # Σ_i x_i x_iᵀ ⊗ D_i by einsum on the dense augmented columns; the pairs
    # add up each row's products of non-zeros (rows of unequal length padded).
    # whole=False: X as wide as forming only the block is (no size² sum).
    from sklearn_l2x._solvers import gram

    if not whole:
        monkeypatch.setattr(gram, "_MAX_WHOLE", 0)
    rng = np.random.default_rng(5)
    n = 80
    if design == "irregular":
        dense = rng.normal(size=(n, 30)) * (rng.uniform(size=(n, 30)) < 0.15)
        dense[3] = 0.0  # an empty row
        X = sp.csr_matrix(dense)
    else:
        scaled = design == "scaled-one-hot"
        values = (lambda size: rng.normal(size=size)) if scaled else None
        X = _one_hot(n, [3, 5, 4, 7], rng, values)
        if design == "one-hot-missing":  # indicators, some rows shorter
            X.data[[0, 9, 10, 40]] = 0.0
            X.eliminate_zeros()
    labels = rng.integers(0, max(K, 2), n)
    Y = (labels[:, None] == 1).astype(float) if K == 1 else np.eye(K)[labels]
    D = make_logistic_loss(Y, rng.uniform(0.2, 3.0, n)).hessian_weights(
        rng.normal(size=(n, K))
    )
    pairs = RowPairs.of(X, fit_intercept)
    for columns in (np.arange(X.shape[1]), np.sort(rng.choice(X.shape[1], 9, False))):
        X_aug = X[:, columns].toarray()
        if fit_intercept:
            X_aug = np.c_[X_aug, np.ones(n)]
        m = X_aug.shape[1]
        expected = np.einsum("ia,ikl,ib->akbl", X_aug, D, X_aug).reshape(m * K, m * K)
        H = _hessian(None, D, lambda d, c=columns: pairs.gram(d, c))
        assert_allclose(H, expected, rtol=1e-12, atol=1e-14)
        assert_allclose(
            pairs.diagonal(D[:, 0, 0], columns), np.diag(expected)[::K], rtol=1e-12
        )
    assert RowPairs.of(X.toarray(), fit_intercept) is None  # dense X: no pairs


@pytest.mark.parametrize("n_classes", [2, 3])
def test_fit_on_row_pairs_equals_fit_on_dense_hessians(monkeypatch, n_classes):
    # A one-hot design's working-set Hessians come from its row pairs; with
    # them switched off (every Hessian a dense product) the certified
    # solution is the same.
    from sklearn_l2x import GroupL2LogisticRegression
    from sklearn_l2x._solvers import gram

    rng = np.random.default_rng(8)
    levels = [6, 9, 4, 12, 5, 8]
    X = _one_hot(400, levels, rng)
    offsets = np.r_[0, np.cumsum(levels)]
    groups = [np.arange(a, b) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    logit = X[:, : levels[0]] @ rng.normal(size=levels[0]) * 2
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-logit))).astype(int)
    if n_classes == 3:
        y = y + (rng.uniform(size=400) < 0.3)
    calls = []
    listed = gram.RowPairs.gram
    monkeypatch.setattr(
        gram.RowPairs, "gram", lambda *a, **k: calls.append(1) or listed(*a, **k)
    )
    model = GroupL2LogisticRegression(groups, lam=0.003, tol=1e-10).fit(X, y)
    assert calls  # the pairs were used
    monkeypatch.setattr(gram.RowPairs, "of", classmethod(lambda cls, X, f: None))
    dense = GroupL2LogisticRegression(groups, lam=0.003, tol=1e-10).fit(X, y)
    assert_allclose(model.coef_, dense.coef_, atol=1e-5 * np.abs(dense.coef_).max())
    assert_allclose(model.intercept_, dense.intercept_, atol=1e-5)


@pytest.mark.parametrize("estimator", ["group", "elastic-net"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_default_tolerance_solutions_agree_far_below_it(estimator, n_classes):
    # Weighted rows and repeated rows are one problem reached along different
    # rounding: at the default tol the final polish (a chord Newton step at
    # the stopping point) makes the two solutions agree to ~1e-9 (multinomial)
    # and ~1e-14 (binary), far below what the gap promises; scikit-learn's
    # check asks for rtol 1e-7, and without the polish multinomial fits differ
    # by up to 4e-8 on these problems (scikit-learn's check's shapes).
    from sklearn_l2x import ElasticNetClassifier, GroupL2LogisticRegression

    make = {"group": GroupL2LogisticRegression, "elastic-net": ElasticNetClassifier}
    worst = 0.0
    for seed in range(10):
        rng = np.random.RandomState(seed)
        X = rng.rand(15, 30)
        y = rng.randint(0, n_classes, size=15)
        counts = rng.randint(0, 5, size=15)
        if len(np.unique(y[counts > 0])) < n_classes:
            continue
        repeat = np.repeat(np.arange(15), counts)
        weighted = make[estimator]().fit(X, y, sample_weight=counts)
        repeated = make[estimator]().fit(X[repeat], y[repeat])
        scale = np.abs(repeated.coef_).max()
        worst = max(
            worst,
            np.abs(weighted.coef_ - repeated.coef_).max() / scale,
            np.abs(weighted.intercept_ - repeated.intercept_).max(),
        )
    assert worst <= 5e-9


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("store", [True, False])
@pytest.mark.parametrize("order", ["C", "F"])
def test_gram_cache_is_the_exact_quadratic_whatever_the_order_of_columns(
    order, store, fit_intercept, monkeypatch
):
    """The cache's block and linear term are those of the weighted least
    squares in W with the intercepts at their optimum (the Schur complement of
    the augmented Gram matrix), its intercept is the least-squares one, and
    ½⟨W, AW⟩ − ⟨L, W⟩ differs from the true objective by a constant."""
    from sklearn_l2x._solvers import gram

    if not store:  # the cached columns are gathered from X again
        monkeypatch.setattr(gram, "_COLUMN_STORE_BYTES", 0)
    rng = np.random.default_rng(4)
    # Large column means: centring must not lose them to cancellation.
    X = np.asarray(rng.normal(size=(60, 200)) + 30.0, order=order)
    weights = rng.uniform(0.5, 2.0, size=60)
    Y = rng.normal(size=(60, 2))
    cache = gram.GramCache(X, weights, Y, fit_intercept)
    assert (cache._column_store is not None) == store
    # Columns join in unsorted batches, runs and single columns mixed, past
    # the stores' first capacities (64, then 128 columns).
    batches = ([40, 41, 42, 3], [10, 11, 12, 13, 77, 5], [60, 61, 62, 0, 1])
    batches += (list(range(199, 139, -1)), list(range(100, 130)), [150, 2, 199])
    batches += (list(range(15, 40)),)
    for columns in batches:
        cache.block(np.array(columns))
    assert cache.columns.size > 128
    columns = np.array([77, 0, 41, 12, 3, 61, 5, 145, 101, 199])
    m = columns.size
    augmented = np.column_stack([X[:, columns], np.ones(60)])
    full = augmented.T @ (weights[:, None] * augmented)
    full_linear = augmented.T @ (weights[:, None] * Y)
    block, linear = full[:m, :m], full_linear[:m]
    if fit_intercept:
        block = block - np.outer(full[:m, m], full[m, :m]) / full[m, m]
        linear = linear - np.outer(full[:m, m], full_linear[m]) / full[m, m]
    np.testing.assert_allclose(cache.block(columns), block, rtol=1e-9)
    np.testing.assert_allclose(cache.linear(columns), linear, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(cache.diagonal(columns), np.diag(full), rtol=1e-12)

    def smooth(W, b):
        residual = Y - X[:, columns] @ W - b
        return 0.5 * float(np.sum(weights[:, None] * residual**2))

    W = rng.normal(size=(m, 2)) * 0.1
    b = cache.intercept(columns, W)
    if fit_intercept:
        root = np.sqrt(weights)[:, None]
        best = np.linalg.lstsq(root, root * (Y - X[:, columns] @ W), rcond=None)[0]
        np.testing.assert_allclose(b, best[0], rtol=1e-10)
    else:
        assert np.all(b == 0)
    other = b + np.array([0.3, -0.2])
    excess = cache.intercept_excess(columns, W, other)
    if fit_intercept:
        np.testing.assert_allclose(smooth(W, other) - smooth(W, b), excess, rtol=1e-10)
    else:  # there is no intercept to be away from its optimum
        assert excess == 0.0
    A, L = cache.block(columns), cache.linear(columns)
    V = rng.normal(size=(m, 2)) * 0.1
    quadratic = [0.5 * np.sum(Z * (A @ Z)) - np.sum(L * Z) for Z in (W, V)]
    np.testing.assert_allclose(
        quadratic[1] - quadratic[0],
        smooth(V, cache.intercept(columns, V)) - smooth(W, b),
        rtol=1e-9,
    )


def _group_regression_problem(seed=0, n_outputs=1, positive=False):
    from sklearn_l2x._groups import resolve_groups
    from sklearn_l2x._losses import SquaredError
    from sklearn_l2x._penalties import GroupL2
    from sklearn_l2x._problem import PenalisedProblem

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 60)) + rng.normal(size=(80, 1))
    W = np.zeros((60, n_outputs))
    W[:15] = rng.normal(size=(15, n_outputs))
    Y = X @ W + 0.5 * rng.normal(size=(80, n_outputs))
    groups, _ = resolve_groups(np.arange(60) // 5, 60)
    penalty = GroupL2(groups, np.sqrt(5.0) * np.ones(12), 0.0, 0.9, positive=positive)
    loss = SquaredError(Y, np.ones(80))
    return PenalisedProblem(np.asfortranarray(X), loss, penalty, True)


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_tangent_is_the_derivative_of_the_solution_in_log_lambda(n_outputs):
    """``info["tangent"]`` equals the central difference of solutions at
    λ·e^{±h} (same support), solved to rounding level."""
    problem = _group_regression_problem(n_outputs=n_outputs)
    lam = 0.3 * problem.lam_max()
    W, _, info = problem.solve(lam, tol=1e-14, tangent=True)
    assert info["converged"] and np.any(W)
    h = 1e-4
    ahead = problem.solve(lam * np.exp(h), tol=1e-14)[0]
    behind = problem.solve(lam * np.exp(-h), tol=1e-14)[0]
    support = np.any(W != 0, axis=1)
    np.testing.assert_array_equal(np.any(ahead != 0, axis=1), support)
    difference = (ahead - behind) / (2 * h)
    np.testing.assert_allclose(info["tangent"], difference, rtol=1e-5, atol=1e-7)
    assert np.all(info["tangent"][~support] == 0)


def test_path_starts_from_the_tangent_closer_than_from_the_secant(monkeypatch):
    """Along a path, the start predicted with the last solution's tangent is
    nearer the next solution than the line through the last two solutions."""
    from sklearn_l2x._problem import PenalisedProblem

    problem = _group_regression_problem(seed=1)
    lams = np.geomspace(problem.lam_max(), 0.05 * problem.lam_max(), 30)
    starts = {}
    original = PenalisedProblem._predicted_start

    def record(self, W, W_before, grid, tangent):
        start = original(self, W, W_before, grid, tangent)
        secant = original(self, W, W_before, grid, None)
        starts[grid[-1]] = (start, secant)
        return start

    monkeypatch.setattr(PenalisedProblem, "_predicted_start", record)
    path = problem.path(lams, tol=1e-12, max_iter=200)
    errors = np.array(
        [
            [np.linalg.norm(guess - coef.T) for guess in starts[lam]]
            for lam, coef in zip(lams, path.coefs, strict=True)
            if lam in starts
        ]
    )
    assert len(errors) == len(lams) - 1
    assert errors[:, 0].sum() < 0.7 * errors[:, 1].sum()


@pytest.mark.parametrize("with_tangent", [True, False])
def test_predicted_starts_are_clipped_into_the_orthant_when_positive(with_tangent):
    """A coefficient falling towards zero is predicted past it: with
    ``positive`` the start is the prediction clipped at zero (and zero
    groups stay zero)."""
    problem = _group_regression_problem(positive=True)
    W_before = np.zeros((60, 1))
    W_before[:5] = 1.0
    W = W_before.copy()
    W[0] = 0.1  # falling fast
    tangent = (W - W_before) / np.log(1.0 / 2.0) if with_tangent else None
    grid = (2.0, 1.0, 0.5)
    start = problem._predicted_start(W, W_before, grid, tangent)
    problem.penalty.positive = False
    raw = problem._predicted_start(W, W_before, grid, tangent)
    assert raw[0, 0] < 0 and np.all(raw[1:5] == 1.0)
    np.testing.assert_array_equal(start, np.maximum(raw, 0.0))
    assert np.all(start[5:] == 0)


def test_positive_path_is_certified_and_non_negative():
    """A positive group path: non-negative solutions, certified everywhere."""
    problem = _group_regression_problem(seed=2, positive=True)
    lams = np.geomspace(problem.lam_max(), 0.05 * problem.lam_max(), 20)
    path = problem.path(lams, tol=1e-10, max_iter=200)
    assert np.all(path.coefs >= 0)
    assert np.all(path.gaps <= 1e-10)
