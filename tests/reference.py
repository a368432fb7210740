"""Slow, independent reference solutions used by the tests.

Every function here minimises an objective written out directly in numpy and
solved with :func:`scipy.optimize.minimize`, without any code of sklearn_l2x, so
that the package's estimators and conventions are checked against something
that does not share their formulas.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp, softmax


def _loss_and_grad(eta, y, loss):
    """Per-row loss and its derivative in eta (shape (n, K))."""
    if loss == "squared":
        residual = eta[:, 0] - y
        return residual**2, 2 * residual[:, None]
    if loss == "log":
        # log(1 + e^eta) - y·eta, written stably
        values = -log_expit(eta[:, 0]) + (1 - y) * eta[:, 0]
        return values, (expit(eta[:, 0]) - y)[:, None]
    if loss == "multinomial":
        classes = np.unique(y)
        onehot = (y[:, None] == classes[None, :]).astype(float)
        values = logsumexp(eta, axis=1) - np.sum(onehot * eta, axis=1)
        return values, softmax(eta, axis=1) - onehot
    raise ValueError(loss)


def minimise_objective(
    X,
    y,
    *,
    l1=0.0,
    l2=0.0,
    loss="squared",
    sample_weight=None,
    fit_intercept=True,
    normalise="S",
    positive=False,
):
    """Minimise ``(1/N) Σ s_i ℓ_i + l1·‖W‖₁ + l2·‖W‖²`` with L-BFGS-B.

    ``l1`` and ``l2`` are scalars or one value per feature (penalty factors
    folded in); ``positive`` bounds W below by 0.

    ``N`` is Σ s_i (``normalise="S"``), the number of rows (``"n"``) or 1
    (``"sum"``). ℓ is ``r²``, the log-loss (y in {0, 1}) or the multinomial
    cross-entropy over all classes (symmetric parametrisation). The L1 part is
    made smooth by splitting ``W = U − V`` with ``U, V ≥ 0``.

    Returns ``(coef, intercept)`` with coef of shape (K, p) (K = 1 unless
    multinomial) and intercept of shape (K,).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    norm = {"S": sw.sum(), "n": n, "sum": 1.0}[normalise]
    K = len(np.unique(y)) if loss == "multinomial" else 1
    n_coef = p * K
    l1 = (
        np.broadcast_to(np.asarray(l1, float).reshape(-1, 1), (p, K))
        if np.ndim(l1)
        else l1
    )
    l2 = (
        np.broadcast_to(np.asarray(l2, float).reshape(-1, 1), (p, K))
        if np.ndim(l2)
        else l2
    )

    def unpack(theta):
        U = theta[:n_coef].reshape(p, K)
        V = theta[n_coef : 2 * n_coef].reshape(p, K)
        b = theta[2 * n_coef :] if fit_intercept else np.zeros(K)
        return U, V, b

    def fun(theta):
        U, V, b = unpack(theta)
        W = U - V
        eta = X @ W + b
        values, deta = _loss_and_grad(eta, y, loss)
        weighted = sw[:, None] * deta / norm
        grad_W = X.T @ weighted + 2 * l2 * W
        value = sw @ values / norm + np.sum(l1 * (U + V)) + np.sum(l2 * W**2)
        grads = [(grad_W + l1).ravel(), (-grad_W + l1).ravel()]
        if fit_intercept:
            grads.append(weighted.sum(axis=0))
        return value, np.concatenate(grads)

    n_theta = 2 * n_coef + (K if fit_intercept else 0)
    negative_part = [(0, 0)] * n_coef if positive else [(0, None)] * n_coef
    bounds = (
        [(0, None)] * n_coef + negative_part + [(None, None)] * (n_theta - 2 * n_coef)
    )
    result = None
    theta = np.zeros(n_theta)
    # Restarting L-BFGS-B from its own answer polishes the last digits.
    for _ in range(3):
        result = minimize(
            fun,
            theta,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15, "gtol": 1e-11},
        )
        theta = result.x
    U, V, b = unpack(result.x)
    return (U - V).T, b


# Curvature bounds of the per-row losses: ℓ'' <= c (squared: 2; logistic:
# 1/4; the multinomial cross-entropy's Hessian diag(p) − ppᵀ <= ½ I).
_CURVATURE = {"squared": 2.0, "log": 0.25, "multinomial": 0.5}


def _sparse_group_prox(v, groups, group_threshold, l1_threshold, positive):
    """The sparse-group prox written out: sign/orthant, soft-threshold, shrink."""
    out = np.zeros_like(v)
    for g, radius in zip(groups, group_threshold, strict=True):
        block = np.maximum(v[g], 0.0) if positive else v[g]
        block = np.sign(block) * np.maximum(np.abs(block) - l1_threshold, 0.0)
        norm = np.linalg.norm(block)
        if norm > radius:
            out[g] = block * (1 - radius / norm)
    return out


def fista_sparse_group(
    X,
    y,
    groups,
    weights,
    lam,
    ratio,
    *,
    l1_ratio=0.0,
    positive=False,
    loss="squared",
    sample_weight=None,
    iters=20000,
):
    """Accelerated proximal gradient (with restarts) on

    ``(1/S) Σ s_i ℓ_i + λ[ratio Σ_g ((1 − τ) ω_g ‖W_g‖ + τ ‖W_g‖₁)
    + (1 − ratio) ‖W‖²]`` with a free intercept, W of shape (p, K): K targets
    for the squared loss (y 2-D), 1 for ``"log"``, the number of classes for
    ``"multinomial"``. Returns ``(W, b)``.
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    c = sw / sw.sum()
    if loss == "squared":
        Y = y.reshape(n, -1).astype(float)
        K = Y.shape[1]
    else:
        K = len(np.unique(y)) if loss == "multinomial" else 1
    Xa = np.column_stack([X, np.ones(n)])
    ridge = 2 * lam * (1 - ratio)
    L = _CURVATURE[loss] * np.linalg.norm(Xa * np.sqrt(c)[:, None], 2) ** 2 + ridge
    group_threshold = lam * ratio * (1 - l1_ratio) * np.asarray(weights) / L
    l1_threshold = lam * ratio * l1_ratio / L

    def gradient(theta):
        eta = Xa @ theta
        if loss == "squared":
            deta = 2 * (eta - Y)
        else:
            deta = _loss_and_grad(eta, y, loss)[1]
        grad = Xa.T @ (c[:, None] * deta)
        grad[:p] += ridge * theta[:p]
        return grad

    def step(z):
        v = z - gradient(z) / L
        new = v.copy()
        new[:p] = _sparse_group_prox(
            v[:p], groups, group_threshold, l1_threshold, positive
        )
        return new

    theta = np.zeros((p + 1, K))
    z, t = theta.copy(), 1.0
    for _ in range(iters):
        new = step(z)
        if np.sum((z - new) * (new - theta)) > 0:  # restart the momentum
            z, t = theta.copy(), 1.0
            new = step(z)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = new + (t - 1) / t_next * (new - theta)
        theta, t = new, t_next
    return theta[:p], theta[p]


def _logistic_rows(X, y, W, b):
    """Per row: X̃_i = I_K ⊗ [x_i, 1], the gradient g_i and Hessian A_i in η_i."""
    n, p = X.shape
    K = W.shape[1]
    Xt = np.hstack([X, np.ones((n, 1))])
    eta = X @ W + b
    if K == 1:
        prob = expit(eta)
        g = prob - y[:, None]
        A = (prob * (1 - prob))[:, :, None]
    else:
        prob = softmax(eta, axis=1)
        g = prob - np.eye(K)[y]
        A = np.stack([np.diag(row) - np.outer(row, row) for row in prob])
    blocks = np.stack([np.kron(np.eye(K), row[None, :]) for row in Xt])
    return blocks, eta, g, A


def logistic_alo_brute(X, y, sample_weight, W, b, lam):
    """Approximate leave-one-out mean log-loss by an explicit Newton step per row.

    The fit minimises Σ s_i ℓ_i + Sλ‖W‖² (the mean objective times S); row i
    loses u_i = min(s_i, 1) of its weight; the step solves with the full
    Hessian minus that row's part (pseudo-inverse: the softmax's intercept
    shift is flat), and the held-out loss is weighted by s_i.
    """
    n, p = X.shape
    K = W.shape[1]
    blocks, eta, g, A = _logistic_rows(X, y, W, b)
    S = sample_weight.sum()
    H = sum(sample_weight[i] * blocks[i].T @ A[i] @ blocks[i] for i in range(n))
    penalised = np.tile(np.r_[np.ones(p), 0.0], K)
    H = H + 2 * S * lam * np.diag(penalised)
    losses = np.zeros(n)
    for i in range(n):
        u = min(sample_weight[i], 1.0)
        H_i = H - u * blocks[i].T @ A[i] @ blocks[i]
        step = np.linalg.pinv(H_i) @ (u * blocks[i].T @ g[i])
        eta_i = eta[i] + blocks[i] @ step
        if K == 1:
            losses[i] = -log_expit(eta_i[0] if y[i] == 1 else -eta_i[0])
        else:
            losses[i] = logsumexp(eta_i) - eta_i[y[i]]
    return float(sample_weight @ losses / S)


def logistic_laplace_evidence_brute(X, y, sample_weight, W, b, lam):
    """log Z ≈ −E + (m/2) log(α/2π) + (d/2) log 2π − ½ log pdet H_E, binary only.

    E = Σ s_i ℓ_i + (α/2)‖w‖², α = 2Sλ, flat prior on the intercept.
    """
    n, p = X.shape
    blocks, eta, g, A = _logistic_rows(X, y, W, b)
    S = sample_weight.sum()
    alpha = 2 * S * lam
    losses = -log_expit(np.where(y == 1, eta[:, 0], -eta[:, 0]))
    energy = sample_weight @ losses + 0.5 * alpha * np.sum(W**2)
    H = sum(sample_weight[i] * blocks[i].T @ A[i] @ blocks[i] for i in range(n))
    H = H + alpha * np.diag(np.r_[np.ones(p), 0.0])
    sign, log_det = np.linalg.slogdet(H)
    assert sign > 0
    d = p + 1
    return float(
        -energy
        + 0.5 * p * np.log(alpha / (2 * np.pi))
        + 0.5 * d * np.log(2 * np.pi)
        - 0.5 * log_det
    )
