"""Exact intercepts and one duality gap for every loss × penalty pair.

For ``P(W, b) = F(XW + b) + Ω(W)``, F a :class:`~sklearn_l2x._losses.Loss` and
Ω a :class:`~sklearn_l2x._penalties.Penalty`, Fenchel duality gives
``D(U) = −F*(U) − Ω*(−XᵀU)`` on ``{U : 1ᵀU = 0}`` (the intercept is free), and
``P(W, b) − D(U) >= P − P*`` for every feasible U:

1. make the intercept exactly optimal for the current W (Newton on b), so that
   ``1ᵀR = 0`` up to rounding, then remove the rounding remainder
   (``loss.dual_residual``);
2. take ``U = tR`` with ``t`` the largest value in (0, 1] that keeps Ω*
   finite (``penalty.dual_scaling``; ``t = 1`` whenever there is a ridge part);
   on rows the penalty leaves free (λ = 0, unpenalised units), Ω* is finite
   only where ``X_uᵀU = 0``, so R is first projected onto that subspace
   (least squares over the rows of positive weight) and brought back into
   the domain of F* (``loss.into_dual_domain``);
3. ``gap = P − D(U)`` with ``D(U) = loss.dual_value(U) + penalty.dual_term(tXᵀR)``.
"""

import numpy as np

from .threads import transposed_product


def optimal_intercept(loss, eta_without_intercept, intercept, fit_intercept):
    """The intercept minimising ``loss(η₀ + b)``: in closed form where the
    loss has one (``exact_intercept``), else by Newton with backtracking."""
    if not fit_intercept:
        return np.zeros(loss.n_outputs)
    exact = getattr(loss, "exact_intercept", None)
    if exact is not None:
        return exact(eta_without_intercept)
    b = np.array(intercept, dtype=np.float64)
    value = loss.value(eta_without_intercept + b)
    for _ in range(100):
        gradient, hessian = loss.intercept_terms(eta_without_intercept + b)
        if np.max(np.abs(gradient)) <= 1e-15:
            break
        if not (np.all(np.isfinite(hessian)) and np.all(np.isfinite(gradient))):
            break
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        if gradient @ step <= 1e-15 * abs(value):
            # The Newton decrement is below what the objective can resolve:
            # function values cannot judge the step any more, but it is tiny
            # and exact to second order, so take it whole (it leaves the
            # intercept gradient 1ᵀR at rounding level rather than at up to
            # √(1e-15·value·curvature)) and stop.
            if np.max(np.abs(step)) <= 1e-6 * (1.0 + np.max(np.abs(b))):
                b = b - step
            break
        t = 1.0
        while True:
            candidate = b - t * step
            new_value = loss.value(eta_without_intercept + candidate)
            if new_value <= value or t < 1e-10:
                break
            t *= 0.5
        if t < 1e-10:
            break
        converged = np.max(np.abs(candidate - b)) <= 1e-14 * (1 + np.max(np.abs(b)))
        b, value = candidate, new_value
        if converged:
            break
    return b


def duality_gap(X, loss, penalty, W, eta, fit_intercept, bounds=None):
    """Primal value, dual value and their gap at (W, b) with η = XW + b.

    The intercept in ``eta`` must already be optimal (``optimal_intercept``).
    With ``bounds`` (a :class:`~sklearn_l2x._solvers.pass_bounds.PassBounds`
    of X) ``XᵀR`` is formed only on the units a bound cannot clear (not when
    the penalty leaves rows free: their dual projection needs all of it).

    Returns
    -------
    primal, dual, gap : float
    gradient : ndarray of shape (p, K)
        ``XᵀR``, the loss gradient in W at the point (reused by the solver);
        with ``bounds``, rows of cleared units are earlier ones.
    """
    residual = loss.dual_residual(eta, fit_intercept)
    free = penalty.unpenalised_rows()
    if bounds is None or free.any():
        gradient = transposed_product(X, residual)
    else:
        gradient = bounds.product(residual, penalty, W)
    U, G = residual, gradient
    if free.any():
        U, G = _dual_on_free_rows(
            X, loss, penalty, W, free, (residual, gradient), fit_intercept
        )
    t = penalty.dual_scaling(G)
    primal = loss.value(eta) + penalty.value(W)
    dual = loss.dual_value(t * U) + penalty.dual_term(t * G)
    return primal, dual, primal - dual, gradient


def _dual_on_free_rows(X, loss, penalty, W, free, start, fit_intercept):
    """A dual point U with ``Ω*(−XᵀU)`` finite on the rows the penalty leaves free.

    Unconstrained free rows need ``X_uᵀU = 0``: U is projected so. With a
    sign constraint, a free row held at zero only needs ``X_uᵀU >= 0``, so
    it is left out of the projection while that holds (rows that turn
    negative after a projection join it, a few rounds at most).
    """
    residual, gradient = start
    projected = free.copy()
    if getattr(penalty, "positive", False):
        at_zero = np.all(W == 0, axis=1) & np.all(gradient >= 0, axis=1)
        projected &= ~at_zero
    weighted = loss.sw > 0
    while True:
        if projected.any():
            U = _project_out(X, projected, residual, weighted, fit_intercept)
            U = loss.into_dual_domain(U)
            G = np.asarray(X.T @ U)
            G[projected] = 0.0  # zero up to rounding, by construction
        else:
            U, G = residual, gradient
        wrong = free & ~projected & np.any(G < 0, axis=1)
        if not wrong.any():
            return U, G
        projected |= wrong


def _project_out(X, free, R, weighted, fit_intercept):
    """R minus its least-squares fit on [X_free, 1], on the rows of positive weight.

    The result U has ``X_freeᵀU = 0`` (and ``1ᵀU = 0`` with an intercept) to
    rounding, and is zero on rows of zero weight, where the loss's conjugate
    allows nothing else.
    """
    columns = X[:, np.flatnonzero(free)][weighted]
    columns = columns.toarray() if hasattr(columns, "toarray") else columns
    if fit_intercept:
        columns = np.column_stack([columns, np.ones(columns.shape[0])])
    U = np.zeros_like(R)
    fit = np.linalg.lstsq(columns, R[weighted], rcond=None)[0]
    U[weighted] = R[weighted] - columns @ fit
    return U
