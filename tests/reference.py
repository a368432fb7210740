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
):
    """Minimise ``(1/N) Σ s_i ℓ_i + l1·‖W‖₁ + l2·‖W‖²`` with L-BFGS-B.

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
        value = sw @ values / norm + l1 * (U.sum() + V.sum()) + l2 * np.sum(W**2)
        grads = [(grad_W + l1).ravel(), (-grad_W + l1).ravel()]
        if fit_intercept:
            grads.append(weighted.sum(axis=0))
        return value, np.concatenate(grads)

    n_theta = 2 * n_coef + (K if fit_intercept else 0)
    bounds = [(0, None)] * (2 * n_coef) + [(None, None)] * (n_theta - 2 * n_coef)
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
