"""Proximal Newton on working sets, stopped by the duality gap.

Minimises ``loss(XW + b) + penalty(W)`` for a smooth loss with a Hessian
(:mod:`sklearn_l2x._losses`) and a block-separable penalty with a closed-form
prox (:mod:`sklearn_l2x._penalties`):

- outer loop: exact intercept, duality gap on the full problem (stop when
  ``gap <= tol · P(0, b₀)``), then a working set of groups: the active ones and
  the worst violators of the optimality conditions (along a path, the first
  working set of a point comes from the last point's gradient instead);
- inner loop: proximal Newton steps on the working set only. The quadratic model
  uses the exact Hessian on the working set's columns (plus the intercept),
  ``H = X_wsᵀ D X_ws``, a small dense matrix, and is minimised by Newton steps
  on the face of the support, groups leaving and entering it as the steps
  demand (:func:`_active_set_newton`), or when that does not settle by
  accelerated proximal gradient with adaptive restart; the step
  is then damped by an Armijo line search on the true objective. With
  ``chord=True`` (fits and paths), a full step near the optimum hands its
  Hessian to the next step on the same working set (a chord step);
- at the stopping point (``polish=True``), one more chord step (:func:`_polish`)
  takes the solution from "within the gap" to near rounding level, so the
  answer no longer depends on the path that reached it.

Everything is numpy/scipy: the costly parts are ``X @ W``, ``Xᵀ R`` and
``X_wsᵀ D X_ws``.
"""

from functools import cached_property, partial

import numpy as np
import scipy.sparse as sp
from scipy.linalg import cho_factor, cho_solve
from scipy.sparse.linalg import eigsh

from .gap import duality_gap, optimal_intercept
from .threads import single_blas_thread, sliced_product

_DENSE_BLOCK = 2**22  # entries (32 MB of float64)

# Below this relative gap, a full Newton step's Hessian is reused for the next
# step on the same working set (a chord step).
_CHORD_GAP = 1e-2


def _hessian(X_aug, D, weighted_gram=None):
    """(m·K × m·K) Hessian Σ_i x_i x_iᵀ ⊗ D_i, rows ordered (feature, output).

    ``weighted_gram(d)``, when given, returns ``X_augᵀ diag(d) X_aug`` (from
    a :class:`~sklearn_l2x._solvers.gram.RowPairs`); X_aug is then unused.
    """
    K = D.shape[1]
    H = None
    for k in range(K):
        for l in range(k, K):
            block = _weighted_block(X_aug, D[:, k, l], k == l, weighted_gram)
            if H is None:
                m = block.shape[0]
                H = np.empty((m, K, m, K))
            H[:, k, :, l] = block
            if k != l:
                H[:, l, :, k] = block
    return H.reshape(m * K, m * K)


def _weighted_block(X_aug, weights, diagonal, weighted_gram):
    """``X_augᵀ diag(weights) X_aug`` for one pair of outputs."""
    if weighted_gram is not None:
        return weighted_gram(weights)
    sign = 1.0 if diagonal else -1.0
    if not sp.issparse(X_aug) and np.all(sign * weights >= 0):
        # Diagonal blocks have weights p_k(1 − p_k) >= 0, off-diagonal ones
        # −p_k p_l <= 0: numpy computes ±RᵀR of R = √|D|·X as a symmetric
        # rank-n update (half the flops of a product).
        root = X_aug * np.sqrt(sign * weights)[:, None]
        return sign * (root.T @ root)
    weighted = (
        X_aug.multiply(weights[:, None]).tocsc()
        if sp.issparse(X_aug)
        else X_aug * weights[:, None]
    )
    block = X_aug.T @ weighted
    return block.toarray() if sp.issparse(block) else block


_DENSE_EIGEN = 200  # below this size a full eigvalsh is as cheap as Lanczos


def _largest_eigenvalue(M):
    """The largest eigenvalue of a symmetric PSD matrix, from above.

    Lanczos (ARPACK) for large matrices: a few matrix-vector products instead
    of a full O(m³) eigendecomposition, which dominated the solver's time on
    large working sets. Its estimate converges from below, within the
    residual norm; the margin ``1e-3`` (ten times the requested tolerance)
    keeps the step a valid majorisation.
    """
    if M.shape[0] <= _DENSE_EIGEN:
        return float(np.linalg.eigvalsh(M)[-1])
    value = eigsh(M, k=1, which="LA", tol=1e-4, return_eigenvectors=False)[0]
    return float(value) * (1.0 + 1e-3)


def _pinv(M):
    """Pseudo-inverse of the small symmetric PSD intercept block (K × K)."""
    if M.shape == (1, 1):
        # One output: a scalar (numpy's SVD-based pinv is costly here).
        value = M[0, 0]
        return np.array([[1.0 / value if value > 0 else 0.0]])
    return np.linalg.pinv(M, hermitian=True)


_CHOLESKY_SIZE = 128  # from this size on, Cholesky beats numpy's LU solve


def _factor_and_solve(system, rhs):
    """``(system⁻¹ rhs, Cholesky factor)`` for a symmetric positive definite ``system``.

    Called on one BLAS thread (inside :meth:`ProxNewton.run`). Large systems
    are factored by SciPy's Cholesky (LAPACK ``potrf``; on one thread it took
    half the time of ``np.linalg.cholesky`` at m = 466, and half the flops of
    LU). Small ones, where call overhead dominates, use ``np.linalg.solve``
    and have no factor to keep (None).
    Raises ``LinAlgError`` when the system is not positive definite.
    """
    if system.shape[0] < _CHOLESKY_SIZE:
        return np.linalg.solve(system, rhs), None
    factor = cho_factor(system, lower=True, check_finite=False)
    return cho_solve(factor, rhs, check_finite=False), factor


class _ReducedModel:
    """A working-set Hessian with the intercepts eliminated, formed once.

    ``H`` covers the working-set rows of W and, if fitted, the intercepts
    (its last K coordinates). The intercepts are unpenalised, so they are
    eliminated exactly (``Δ_b = −H_bb⁺(g_b + H_bW Δ_W)``): the model in W
    alone has the Schur complement ``H_WW − H_Wb H_bb⁺ H_bW`` as its Hessian,
    which removes the coupling between the intercept and features with large
    means. Forming it is a pass over an (mK)² matrix, so it is done once per
    Hessian and reused by chord steps and the final polish.
    """

    def __init__(self, H, n_outputs, fit_intercept):
        self.n_outputs = n_outputs
        self.fit_intercept = fit_intercept
        # (face, Cholesky factor) of the last face system factored on H.
        self.face_factor = None
        if not fit_intercept:
            self.H = H
            return
        n_w = H.shape[0] - n_outputs
        self.H_bb_pinv = _pinv(H[n_w:, n_w:])
        self.coupling = H[:n_w, n_w:] @ self.H_bb_pinv
        self.H_b_rows = H[n_w:, :n_w]
        self.H = H[:n_w, :n_w] - self.coupling @ self.H_b_rows

    def restricted(self, rows):
        """The model of the working set whose rows of W are ``rows`` of this one's.

        The block of a Schur complement over a subset of W's rows is the
        Schur complement of that subset's Hessian (the intercept block is
        shared), so restricting is exact and needs no new Hessian.
        """
        K = self.n_outputs
        index = (rows[:, None] * K + np.arange(K)).ravel()
        model = object.__new__(_ReducedModel)
        model.n_outputs, model.fit_intercept = K, self.fit_intercept
        model.face_factor = None
        model.H = self.H[np.ix_(index, index)]
        if self.fit_intercept:
            model.H_bb_pinv = self.H_bb_pinv
            model.coupling = self.coupling[index]
            model.H_b_rows = self.H_b_rows[:, index]
        return model

    def reduced_gradient(self, gradient):
        """The gradient in W of the model with the intercepts eliminated."""
        g = gradient.ravel()
        if not self.fit_intercept:
            return g
        n_w = g.size - self.n_outputs
        return g[:n_w] - self.coupling @ g[n_w:]

    def intercept_step(self, gradient, delta_W):
        """The optimal intercept step for the step ``delta_W``."""
        if not self.fit_intercept:
            return np.zeros(self.n_outputs)
        g_b = gradient.ravel()[-self.n_outputs :]
        return -self.H_bb_pinv @ (g_b + self.H_b_rows @ delta_W.ravel())


def _quadratic_prox(gradient, model, penalty, W, max_inner, tol, mapping_tol=0.0):
    """argmin_Δ ⟨g, Δ⟩ + ½ΔᵀHΔ + penalty(W + Δ_W), the intercepts eliminated.

    ``gradient`` covers the working-set rows of W and, if fitted, the
    intercepts; ``model`` is the :class:`_ReducedModel` of their Hessian.
    Newton on a face, corrected by an active-set method, is tried first
    (:func:`_active_set_newton`). When its face wanders (a poor start: many
    groups enter and leave), preconditioned FISTA (:func:`_fista`) finds the
    support to the coarse accuracy ``_COARSE`` and Newton on the face
    finishes from there; FISTA alone only if that fails too. Each stops when
    the prox-gradient mapping has shrunk by the factor ``tol`` (Newton also
    once it is at most ``mapping_tol``).

    Returns
    -------
    delta_W : ndarray of shape (m, K)
    delta_b : ndarray of shape (K,)
    """
    m, K = W.shape
    g = model.reduced_gradient(gradient).reshape(m, K)
    if m == 0:
        delta_W = np.zeros((0, K))
    else:
        delta_W = _active_set_newton(
            g, model.H, penalty, W, tol, mapping_tol=mapping_tol, factors=model
        )
        if delta_W is None:
            delta_W = _fista_then_newton(
                g, model.H, penalty, W, max_inner, tol, mapping_tol
            )
    return delta_W, model.intercept_step(gradient, delta_W)


def _fista_then_newton(g, H, penalty, W, max_inner, tol, mapping_tol):
    """FISTA to the coarse accuracy ``_COARSE`` (it finds the support), then
    Newton on the face from there; FISTA to ``tol`` if Newton fails again."""
    delta_W = _fista(g, H, penalty, W, max_inner, max(tol, _COARSE))
    if tol >= _COARSE:
        return delta_W
    start = W + delta_W
    finished = _active_set_newton(
        g, H, penalty, W, tol / _COARSE, start=start, mapping_tol=mapping_tol
    )
    if finished is None:
        return _fista(g, H, penalty, W, max_inner, tol, start=start)
    return finished


# The accuracy (relative prox-gradient mapping) to which FISTA finds the
# support before Newton on the face takes over.
_COARSE = 1e-2


def _active_set_newton(
    g,
    H,
    penalty,
    W,
    tol=0.0,
    max_steps=20,
    max_changes=8,
    start=None,
    mapping_tol=0.0,
    factors=None,
):
    """The model's minimiser by Newton steps on a face, the face corrected as it goes.

    On the set of the non-zero groups (entries, for the elastic net) the
    penalty is smooth, so ``⟨g, Δ⟩ + ½ΔᵀHΔ + penalty(W + Δ)`` is minimised on
    that face by a few Newton steps (each one small linear solve) instead of
    tens of proximal-gradient iterations. The face is corrected between
    steps (an active-set method): groups a step zeroes or turns around leave
    it (they are set to zero), and zero groups whose model gradient exceeds
    the penalty's radius enter it at their block proximal-gradient point (a
    step ``1/trace(H_gg)``, which decreases the model). The answer is
    returned once the block proximal-gradient mapping has shrunk by the
    factor ``tol`` (FISTA's criterion) or is at most ``mapping_tol``, or a
    step is negligible and every zero group is optimal at zero; after
    ``max_changes`` corrections or ``max_steps`` steps the method gives up
    (None) and FISTA takes over.
    Near the end of a fit and along a λ path the support changes by a group
    or two, or not at all. It starts from W, or from ``start`` (the model
    stays the one at W); it returns the step from W. ``factors`` (the
    :class:`_ReducedModel` of H) keeps the last face factor; the first Newton
    step reuses it on the same face (see :func:`_face_newton_step`), and the
    next ones while each shrinks the mapping by ``_FACE_CHORD_RATE``.
    """
    shape = W.shape
    flat_g = g.ravel()
    radius = penalty.group_strength * penalty.weights + np.finfo(float).eps
    row_step, group_step = _entry_steps(H, penalty, shape)
    V = (W if start is None else start).copy()
    changes = 0
    step_size = np.inf
    first_mapping = None
    faces = _FaceSteps(H, penalty, factors)
    for _ in range(max_steps):
        model_gradient = (flat_g + H @ (V - W).ravel()).reshape(shape)
        stepped, moved, excess, mapping = _block_prox_point(
            V, model_gradient, penalty, row_step, group_step
        )
        # Solved to the relative accuracy ``tol`` of the block
        # proximal-gradient mapping is enough for an inexact Newton step.
        if mapping <= mapping_tol:
            return V - W
        if first_mapping is None:
            first_mapping = mapping
        elif mapping <= tol * first_mapping:
            return V - W
        converged = step_size <= 1e-12 * np.max(np.abs(V), initial=0.0)
        changed = _face_change(
            V,
            stepped,
            moved & (excess > 1e-9 * radius)[penalty.membership][:, None],
            excess / radius,
            converged,
        )
        if changed.any():
            if changes == max_changes:
                return None
            changes += 1
            V[changed] = stepped[changed]
            step_size = np.inf
            continue
        if converged:
            return V - W
        try:
            candidate, step_size = faces.step(V, model_gradient, mapping)
        except np.linalg.LinAlgError:
            return None
        if candidate is None:
            # Nothing is free and no group enters: zero is the minimiser.
            return V - W
        dropped = penalty.reversed(V, candidate)
        if dropped.any():
            if changes == max_changes:
                return None
            changes += 1
            candidate[dropped] = 0.0
        V = candidate
    return None


# A chord step on the face (a kept factor) is followed by another while it
# shrank the prox-gradient mapping at least by this factor.
_FACE_CHORD_RATE = 0.1


class _FaceSteps:
    """The face Newton steps of one model solve (:func:`_face_newton_step`).

    The first reuses the face factor kept on ``factors`` (the model of H),
    the next ones too while each such chord step shrank the prox-gradient
    mapping by ``_FACE_CHORD_RATE``; after that every step factors afresh.
    """

    def __init__(self, H, penalty, factors):
        self.H, self.penalty, self.factors = H, penalty, factors
        self.reuse, self.reused_at = factors is not None, None

    def step(self, V, model_gradient, mapping):
        """(candidate, largest step) from V, whose mapping is ``mapping``."""
        if self.reused_at is not None:
            self.reuse = mapping <= _FACE_CHORD_RATE * self.reused_at
            self.reused_at = None
        kept = self.factors.face_factor if self.reuse else None
        candidate, size = _face_newton_step(
            V, model_gradient, self.H, self.penalty, self.factors, self.reuse
        )
        if kept is not None and self.factors.face_factor is kept:
            self.reused_at = mapping
        self.reuse = False
        return candidate, size


def _face_change(V, stepped, entering, excess, converged):
    """Mask of the coordinates that join or leave the face at V.

    Coordinates the block proximal-gradient step zeroes (``stepped``) leave
    at once: on the face, Newton would take them through zero and drag the
    rest with them. The zero coordinates ``entering`` (of groups whose
    gradient exceeds the radius; ``excess`` per group, relative to the
    radius) join at their proximal-gradient point once the face is solved
    (``converged``), or at once when they are far outside (the face is
    clearly wrong).
    """
    leaving = (V != 0) & (stepped == 0)
    if entering.any() and (converged or not V.any() or np.any(excess > 1e-3)):
        return leaving | entering
    return leaving


def _entry_steps(H, penalty, shape):
    """Per-row and per-group steps ``1/trace(H_gg)`` for groups entering the face.

    A step ``1/trace(H_gg) >= 1/λ_max(H_gg)`` decreases the model along each
    group (the diagonal of H is the intercept-free part).
    """
    trace = np.bincount(
        penalty.membership,
        weights=np.diag(H).reshape(shape).sum(axis=1),
        minlength=penalty.n_groups,
    )
    group_step = 1.0 / np.maximum(trace, np.finfo(float).tiny)
    return group_step[penalty.membership][:, None], group_step


def _block_prox_point(V, model_gradient, penalty, row_step, group_step):
    """The block proximal-gradient point of the model at V, and what it says.

    Returns the point, the mask of zero coordinates it moves (they are not
    optimal at zero), per group how far their gradient exceeds the penalty's
    radius (the step's size in gradient units), and the size of the
    proximal-gradient mapping (how far the model is from its minimum, as in
    FISTA).
    """
    stepped = penalty.prox(V - row_step * model_gradient, group_step)
    moved = (V == 0) & (stepped != 0)
    excess = penalty.group_norms(np.where(moved, stepped, 0.0)) / group_step
    mapping = float(np.max(np.abs((stepped - V) / row_step), initial=0.0))
    return stepped, moved, excess, mapping


def _face_newton_step(V, model_gradient, H, penalty, factors=None, reuse=False):
    """One Newton step on the face of V's support: (candidate, largest step).

    (None, 0) when no coordinate is free; raises ``LinAlgError`` when the
    face's system is not positive definite. With ``factors`` (the model of
    H) the Cholesky factor is kept on it; with ``reuse``, a factor kept for
    the same face serves instead of a new one. That is a chord step on the
    face: H is the same, only the penalty's curvature has moved (with the
    elastic net it does not depend on W, and the step is exact). Reused on
    the first step of a kept model (a chord step of the outer loop, the
    polish, a path's next point on the same working set), where W has moved
    little; the steps after it factor afresh.
    """
    kept = factors.face_factor if reuse and factors is not None else None
    free, pen_gradient, system = penalty.newton_terms(V, base=H, system=kept is None)
    index = np.flatnonzero(free.ravel())
    if index.size == 0:
        return None, 0.0
    residual = model_gradient.ravel()[index] + pen_gradient
    if kept is not None and np.array_equal(kept[0], index):
        step = cho_solve(kept[1], -residual, check_finite=False)
    else:
        if system is None:
            system = penalty.newton_terms(V, base=H)[2]
        step, factor = _factor_and_solve(system, -residual)
        if factors is not None:
            factors.face_factor = None if factor is None else (index, factor)
    candidate = V.copy()
    candidate.ravel()[index] += step
    return candidate, float(np.max(np.abs(step)))


def _face_tangent(model, penalty, W):
    """``dW/d log λ`` of the model's minimiser at W, on W's face (zero elsewhere).

    On the face the minimiser solves ``∇f(W) + ∇Ω_λ(W) = 0`` and ``∇Ω_λ`` is
    proportional to λ, so ``(∇²f + ∇²Ω_λ) dW/d log λ = −∇Ω_λ(W)``: one solve
    with the face's Newton system, whose factor the last face step usually
    kept (then a pair of triangular solves). None when the system is not
    positive definite.
    """
    free, pen_gradient, _ = penalty.newton_terms(W, base=model.H, system=False)
    index = np.flatnonzero(free.ravel())
    tangent = np.zeros_like(W)
    if index.size == 0:
        return tangent
    kept = model.face_factor
    if kept is not None and np.array_equal(kept[0], index):
        step = cho_solve(kept[1], -pen_gradient, check_finite=False)
    else:
        try:
            step = _factor_and_solve(
                penalty.newton_terms(W, base=model.H)[2], -pen_gradient
            )[0]
        except np.linalg.LinAlgError:
            return None
    tangent.ravel()[index] = step
    return tangent


def _fista(g, H, penalty, W, max_inner, tol, start=None):
    """Preconditioned FISTA with restarts for the quadratic model in W only.

    It starts from W, or from ``start`` (the model stays the one at W), and
    returns the step from W.

    The metric is ``M = L·D⁻²`` with ``D`` constant within each group
    (``1/√max H_jj`` of the group) and ``L = λ_max(DHD)``, so ``M ⪰ H`` (a
    valid majorisation), the prox in this metric is still the closed-form
    group prox, and badly scaled features do not slow it down.
    """
    m, K = W.shape
    diagonal = np.diag(H).reshape(m, K).max(axis=1)
    block_diag = np.zeros(penalty.n_groups)
    np.maximum.at(block_diag, penalty.membership, diagonal)
    block_diag = np.where(block_diag > 0, block_diag, 1.0)
    d = np.repeat(1.0 / np.sqrt(block_diag[penalty.membership]), K)
    lipschitz = _largest_eigenvalue(H * d[:, None] * d[None, :])
    if lipschitz <= 0:
        return np.zeros_like(W) if start is None else start - W
    # Per-row step 1/M_jj = d_j²/L, constant within a group.
    row_step = (1.0 / (block_diag[penalty.membership] * lipschitz))[:, None]
    group_step = 1.0 / (block_diag * lipschitz)
    flat_g = g.ravel()

    def smooth_gradient(Z):
        return (flat_g + H @ (Z - W).ravel()).reshape(Z.shape)

    Z = (W if start is None else start).copy()
    Y = Z.copy()
    momentum = 1.0
    first_mapping = None
    for _ in range(max_inner):
        Z_new = penalty.prox(Y - row_step * smooth_gradient(Y), group_step)
        change = Z_new - Z
        # The prox-gradient mapping (change / step, in gradient units) measures
        # how far the model is from its minimum, whatever the feature scales.
        mapping = float(np.max(np.abs(change / row_step)))
        if first_mapping is None:
            first_mapping = mapping
        # Restart when the momentum fights the (preconditioned) gradient step.
        if np.sum((Y - Z_new) * change / row_step) > 0:
            momentum = 1.0
            Y = Z_new
        else:
            next_momentum = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * momentum**2))
            Y = Z_new + ((momentum - 1.0) / next_momentum) * change
            momentum = next_momentum
        Z = Z_new
        if mapping <= tol * first_mapping:
            break
    return Z - W


def _gather_share(X):
    """The share of W's rows below which ``X @ W`` is formed from its support.

    Gathering columns is cheap only where they are contiguous. Measured on
    one thread against the full product (1000×1000, 1000×5000 and 2000×500
    dense; 2000×5000 sparse at 2 %): F-ordered dense columns are gathered
    and multiplied faster up to a quarter of them (0.6–0.7× at 25 %, 1.4–1.7×
    at 50 %); C-ordered ones touch almost every cache line of every row, and
    only a few per cent are cheaper (0.6–1.1× at 6 %, 1.1–1.9× at 12 %); CSC
    columns win up to about 15 % (0.56× at 12 %, 0.93× at 25 %); CSR never
    (3.3× already at 1 %).
    """
    if sp.issparse(X):
        return 0.15 if X.format == "csc" else 0.0
    return 0.25 if X.flags.f_contiguous else 0.04


def _linear_predictor(X, W):
    """``X @ W``, from the support of W when it is small (W is sparse by rows).

    Support in runs of consecutive columns of a Fortran-ordered X: slices of
    them, whatever its share (190 columns in 19 runs of 1000×5000: 0.1 ms
    against 0.3 ms gathered).
    """
    rows = np.flatnonzero(np.any(W != 0, axis=1))
    if rows.size == 0:
        return np.zeros((X.shape[0], W.shape[1]))
    if rows.size < W.shape[0]:
        sliced = sliced_product(X, W, rows)
        if sliced is not None:
            return sliced
    if rows.size > _gather_share(X) * W.shape[0]:
        return np.asarray(X @ W)
    return np.asarray(X[:, rows] @ W[rows])


def _working_design(X, columns, fit_intercept, densify=True):
    """The working set's columns X_ws and X_aug = [X_ws, 1], sharing memory.

    X_aug is one Fortran-ordered array whose first columns are X_ws, filled
    in place (no stacked copy). Sparse columns are densified when small (at
    most ``_DENSE_BLOCK`` entries) and ``densify``: dense BLAS beats sparse
    products for ``X_wsᵀ D X_ws``; X itself never is.
    """
    n_samples = X.shape[0]
    m = columns.size
    X_sub = X[:, columns]
    small = densify and 0 < n_samples * m <= _DENSE_BLOCK
    if sp.issparse(X_sub) and not small:
        X_ws = X_sub.tocsc()
        if not fit_intercept:
            return X_ws, X_ws
        ones = sp.csc_matrix(np.ones((n_samples, 1)))
        return X_ws, sp.hstack([X_ws, ones]).tocsc()
    X_aug = np.empty((n_samples, m + int(fit_intercept)), order="F")
    X_ws = X_aug[:, :m]
    if sp.issparse(X_sub):
        X_sub.toarray(out=X_ws)
    else:
        X_ws[...] = X_sub
    if fit_intercept:
        X_aug[:, m] = 1.0
    return X_ws, X_aug


def _model_decrease(grad_aug, delta_W, delta_b, restricted, W_ws):
    """``⟨∇, Δ⟩ + R(W + Δ_W) − R(W)``: the step's first-order change (< 0 descends).

    ``grad_aug`` covers the working-set rows and, when it has one more row,
    the intercepts (``delta_b``).
    """
    delta = (
        np.vstack([delta_W, delta_b[None, :]])
        if grad_aug.shape[0] > delta_W.shape[0]
        else delta_W
    )
    return (
        float(np.sum(grad_aug * delta))
        + restricted.value(W_ws + delta_W)
        - restricted.value(W_ws)
    )


def _resolvable(decrease, value):
    """Whether function values can judge a step predicted to change ``value``
    by ``decrease`` (in floating point they cannot below ~1e-13 relative)."""
    return -decrease > 1e-13 * abs(value)


def _polish(loss, W, b, eta, primal, last_model):
    """One chord Newton step at the converged point, kept if it decreases P.

    At the stopping point the error is about the size the gap allows; a
    Newton step with the last working set's Hessian (computed one step
    earlier, so accurate to that step's size) shrinks it by that factor for
    the price of one gradient on the working set. Solutions then agree far
    below ``tol`` whichever way they were reached (weighted or repeated rows,
    other warm starts), and the certified gap only shrinks.
    """
    columns, X_ws, X_aug, model, restricted = last_model
    W_ws = W[columns]
    grad_aug = np.asarray(X_aug.T @ loss.gradient(eta))
    # The model is solved to 1e-6 of its first prox-gradient mapping: about
    # one Newton step on the face, all a chord step is worth.
    delta_W, delta_b = _quadratic_prox(
        grad_aug, model, restricted, W_ws, max_inner=500, tol=1e-6
    )
    polished = W_ws + delta_W
    value = loss.value(eta + np.asarray(X_ws @ delta_W) + delta_b) + restricted.value(
        polished
    )
    # As in the solver's line search: below what the objective resolves,
    # function values cannot judge the step and the model is trusted.
    decrease = _model_decrease(grad_aug, delta_W, delta_b, restricted, W_ws)
    if _resolvable(decrease, primal) and not value <= primal:
        return W, b, primal
    W = W.copy()
    W[columns] = polished
    return W, b + delta_b, value


# Tuning constants of the outer and inner loops (see ProxNewton).
_FIRST_WORKING_SET = 10  # groups in the first working set (doubled each round)
_INNER_BUDGET = 10  # Newton steps on one working set before a new certificate
_STALL_FACTOR = 0.999  # a gap not below this share of the best one has stalled
_STALL_ROUNDS = 5  # certificates without progress before the solver gives up
# The inner loop hands over to the outer loop when the model's decrease is
# below this share of the target gap: the duality gap that follows is several
# times the model decrease (the dual point's own error).
_HANDOVER = 0.05
# ... or below this share of the current gap, unless a kept Hessian makes one
# more (chord) step cheaper than the outer loop's full gradient.
_CHORD_HANDOVER = 0.1
_ARMIJO = 1e-4  # sufficient-decrease constant of the line search
_MIN_STEP = 1e-10  # line-search steps below this: no descent left
# Floor on the Hessian's diagonal, relative to the curvature bound: saturated
# probabilities (separable data, tiny λ) make H nearly zero.
_DAMPING = 1e-10
_MAX_INNER = 500  # iterations of the model's inner solver (FISTA fallback)
# The model is solved to a relative accuracy that tightens with the gap (a
# forcing sequence), within these bounds.
_FORCING = (1e-10, 1e-1)
# A working set's exact quadratic (constant Hessian) is solved until its
# prox-gradient mapping, relative to the smallest radius, is below this share
# of the relative gap aimed at.
_MAPPING_SHARE = 1e-1


class _WorkingSet:
    """The working set's groups, restricted penalty and curvature floor.

    Its design columns ``X_ws`` and ``X_aug = [X_ws, 1]`` are gathered on
    first use: a solver on a :class:`~sklearn_l2x._solvers.gram.GramCache`
    never needs them. ``row_pairs`` is kept (as :attr:`row_pairs`) when its
    Hessians are cheaper than dense products over these columns, which then
    stay sparse.
    """

    def __init__(
        self,
        X,
        loss,
        penalty,
        group_ids,
        fit_intercept,
        gram_cache=None,
        row_pairs=None,
        previous=None,
    ):
        self.X, self.loss, self.fit_intercept = X, loss, fit_intercept
        self.columns, self.penalty = penalty.restrict(group_ids)
        if row_pairs is not None and not row_pairs.cheaper(self.columns.size):
            row_pairs = None
        self.row_pairs = row_pairs
        self.previous = previous
        if gram_cache is not None:
            # The Gram diagonal is lipschitz_factor·Σ_i s_i x_ij².
            column_sq = gram_cache.diagonal(self.columns) / loss.lipschitz_factor
        elif row_pairs is not None:
            column_sq = row_pairs.diagonal(loss.scaled_sw[:, 0], self.columns)
        else:
            column_sq = self._column_sq()
        self.damping = (
            _DAMPING * loss.lipschitz_factor * max(column_sq.max(initial=0.0), 1.0)
        )

    def _column_sq(self):
        """Σ_i s_i x_ij² per column of X_aug (einsum: no squared copy)."""
        X_aug, weights = self.X_aug, self.loss.scaled_sw[:, 0]
        if sp.issparse(X_aug):
            return np.asarray(X_aug.multiply(X_aug).T @ weights).ravel()
        return np.einsum("ij,ij,i->j", X_aug, X_aug, weights)

    @property
    def X_ws(self):
        return self._design[0]

    @property
    def X_aug(self):
        return self._design[1]

    @cached_property
    def _design(self):
        """(X_ws, X_aug), taken from the previous working set's when it holds
        every column (its columns are contiguous: gathering is cheap)."""
        densify = self.row_pairs is None
        previous, self.previous = self.previous, None
        if (
            previous is not None
            and "_design" in previous.__dict__
            and (previous.row_pairs is None) == densify
        ):
            rows = _subset_rows(previous.columns, self.columns)
            if rows is not None and _in_order(rows, previous.columns):
                return previous._design
            if rows is not None:
                return _working_design(previous.X_ws, rows, self.fit_intercept, densify)
        return _working_design(self.X, self.columns, self.fit_intercept, densify)


class ProxNewton:
    """Proximal Newton on working sets for ``loss(XW + b) + penalty(W)``.

    :meth:`run` orchestrates the named steps: :meth:`_certify` (exact
    intercept and duality gap, or a gradient hint), :meth:`_stopped`,
    :meth:`_working_set`, :meth:`_inner_steps` (each: :meth:`_model`,
    the model's minimiser, :meth:`_line_search`) and, at the end,
    :func:`_polish`. Parameters as in :func:`solve`.
    """

    def __init__(
        self,
        X,
        loss,
        penalty,
        *,
        fit_intercept,
        tol,
        max_iter,
        verbose,
        chord,
        polish,
        gram_cache=None,
        row_pairs=None,
        pass_bounds=None,
        tangent=False,
    ):
        self.X, self.loss, self.penalty = X, loss, penalty
        self.gram_cache, self.row_pairs = gram_cache, row_pairs
        self.pass_bounds, self.tangent = pass_bounds, tangent
        self.fit_intercept = fit_intercept
        self.max_iter, self.verbose = max_iter, verbose
        self.chord, self.polish = chord, polish
        n_outputs = loss.n_outputs
        b_null = loss.null_intercept(fit_intercept)
        self.null_value = loss.value(np.zeros((X.shape[0], n_outputs)) + b_null)
        self.target = tol * max(self.null_value, np.finfo(float).tiny)
        self.n_iter = 0
        self.ws_size = _FIRST_WORKING_SET
        self.best_gap, self.stalled = np.inf, 0
        self.info = {"converged": False}
        # The last Hessian, kept while the steps it gave were full Newton
        # steps near the optimum: (working-set columns, its _ReducedModel).
        self.kept_hessian = None
        # The last working set and reduced model, for the final polish.
        self.last_model = None
        # The last working set: the next one takes its columns from it.
        self.previous_ws = None
        # X @ W left by the inner steps for the next certificate.
        self.eta_w = None
        # The share of the gap the quadratic steps' mapping aims at (smaller
        # after each certificate that did not improve the gap).
        self.mapping_share = _MAPPING_SHARE

    def run(self, W, b, gradient_hint=None):
        """(W, b, info) from the start (W, b); see :func:`solve`.

        On one BLAS thread; the passes over all of X run their column blocks
        in parallel when that is faster
        (:func:`~sklearn_l2x._solvers.threads.transposed_product`).
        """
        with single_blas_thread():
            return self._run(W, b, gradient_hint)

    def _run(self, W, b, gradient_hint):
        W = np.array(W, dtype=np.float64)
        b = np.array(b, dtype=np.float64)
        if self.null_value == 0.0:
            # The loss vanishes at W = 0 (a constant target fitted exactly by
            # the intercept): that is the minimum of a non-negative objective.
            self.info.update(converged=True, relative_gap=0.0, gap=0.0, n_iter=0)
            return (
                np.zeros_like(W),
                self.loss.null_intercept(self.fit_intercept),
                self.info,
            )
        hint = gradient_hint
        while True:
            if hint is not None:
                # Along a path, the last solution's gradient ranks the
                # violators well enough for the first working set: the first
                # gap (a pass over X and an intercept fit) is skipped; the gap
                # is taken to be at the chord threshold until certified.
                # (Steps on a Gram cache never need η.)
                gradient, hint = hint, None
                quadratic = self.gram_cache is not None
                eta = None if quadratic else _linear_predictor(self.X, W) + b
                gap = _CHORD_GAP * self.null_value
                self.info.update(relative_gap=_CHORD_GAP)
                certified = 0.0
            else:
                b, eta, gap, dual, gradient = self._certify(W, b, self._predictor(W))
                certified = gap
                if gap <= self.target:
                    W, b = self._finish(W, b, eta, dual)
                    break
                if self._stopped(gap):
                    break
            working_set = self._working_set(W, gradient)
            if self.gram_cache is not None:
                W, b = self._quadratic_steps(working_set, W, b, certified)
            else:
                W, b = self._inner_steps(working_set, W, b, eta, gap)
            self.ws_size = min(self.penalty.n_groups, 2 * self.ws_size)
        self.info["n_iter"] = self.n_iter
        if self.fit_intercept:
            # Equal models print equal numbers (softmax intercepts: mean zero).
            b = self.loss.canonical_intercept(b)
        return W, b, self.info

    def _predictor(self, W):
        """``X @ W``: from the working set's columns where the inner steps left
        it (W is zero outside them; a product over m columns, not p), else
        from X."""
        eta_w, self.eta_w = self.eta_w, None
        return _linear_predictor(self.X, W) if eta_w is None else eta_w

    def _certify(self, W, b, eta_w):
        """Exact intercept, then the duality gap at (W, b)."""
        b = optimal_intercept(self.loss, eta_w, b, self.fit_intercept)
        eta = eta_w + b
        primal, dual, gap, gradient = duality_gap(
            self.X,
            self.loss,
            self.penalty,
            W,
            eta,
            self.fit_intercept,
            self.pass_bounds,
        )
        if self.verbose:
            print(
                f"[prox-newton] step {self.n_iter}: "
                f"objective {primal:.12g}, gap {gap:.3e}"
            )
        self.info.update(
            gap=gap,
            primal=primal,
            relative_gap=gap / self.null_value,
            gradient=gradient,
        )
        return b, eta, gap, dual, gradient

    def _finish(self, W, b, eta, dual):
        """Converged: the final polish (the dual point stays, the gap shrinks),
        and the solution's tangent when asked for."""
        self.info["converged"] = True
        if self.last_model is not None and self.polish:
            if self.gram_cache is not None:
                W, b, primal = self._quadratic_polish(W, b)
            else:
                W, b, primal = _polish(
                    self.loss, W, b, eta, self.info["primal"], self.last_model
                )
            gap = primal - dual
            self.info.update(gap=gap, primal=primal, relative_gap=gap / self.null_value)
        if self.tangent and self.gram_cache is not None and self.last_model:
            self.info["tangent"] = self._tangent(W)
        return W, b

    def _tangent(self, W):
        """``dW/d log λ`` at W on its face (:func:`_face_tangent`), from the
        last working set's exact quadratic; None where that cannot be solved."""
        working_set, terms = self.last_model
        columns = working_set.columns
        tangent_ws = _face_tangent(terms.model, working_set.penalty, W[columns])
        if tangent_ws is None:
            return None
        tangent = np.zeros_like(W)
        tangent[columns] = tangent_ws
        return tangent

    def _stopped(self, gap):
        """Out of steps, or the gap has not improved for _STALL_ROUNDS certificates."""
        if gap < _STALL_FACTOR * self.best_gap:
            self.best_gap, self.stalled = gap, 0
        else:
            self.stalled += 1
        return self.n_iter >= self.max_iter or self.stalled >= _STALL_ROUNDS

    def _working_set(self, W, gradient):
        """Every active group and the worst violators of optimality."""
        penalty = self.penalty
        violation = penalty.kkt_violation(W, gradient)
        active = penalty.group_norms(W) > 0
        self.ws_size = min(penalty.n_groups, max(self.ws_size, 2 * int(active.sum())))
        ranking = np.argsort(-np.where(active, np.inf, violation), kind="stable")
        candidates = ranking[: self.ws_size]
        group_ids = np.sort(
            candidates[(violation[candidates] > 0) | active[candidates]]
        )
        if group_ids.size == 0:
            group_ids = np.sort(ranking[:1])
        if self.previous_ws is not None:
            self.previous_ws.previous = None  # one link back at most
        self.previous_ws = _WorkingSet(
            self.X,
            self.loss,
            penalty,
            group_ids,
            self.fit_intercept,
            self.gram_cache,
            self.row_pairs,
            self.previous_ws,
        )
        return self.previous_ws

    def _model(self, working_set, eta):
        """The working set's reduced Newton model at η (a kept one near the optimum).

        Close to the optimum on an unchanged working set, or on one that only
        lost groups, the Hessian of the previous (full) Newton step is still
        accurate to the size of that step: a chord step with it (restricted
        to the working set) shrinks the error by that factor, for the price
        of a gradient (forming H costs n·(mK)²).
        """
        kept, self.kept_hessian = self.kept_hessian, None
        if kept is not None:
            rows = _subset_rows(kept[0], working_set.columns)
            if rows is not None and _in_order(rows, kept[0]):
                return kept[1]
            if rows is not None:
                return kept[1].restricted(rows)
        D = self.loss.hessian_weights(eta)
        pairs = working_set.row_pairs
        if pairs is not None:
            H = _hessian(None, D, partial(pairs.gram, columns=working_set.columns))
        else:
            H = _hessian(working_set.X_aug, D)
        H[np.diag_indices_from(H)] += working_set.damping
        return _ReducedModel(H, self.loss.n_outputs, self.fit_intercept)

    def _quadratic_terms(self, working_set):
        """The working set's exact quadratic objective in W, the intercepts
        eliminated (:class:`~sklearn_l2x._solvers.gram.GramCache`): its Newton
        model (the Hessian damped), the damping and the linear term.

        The terms of the last working set are kept on the cache: along a path
        consecutive points often share their working set.
        """
        cache, columns = self.gram_cache, working_set.columns
        if cache.model is not None and np.array_equal(cache.model[0], columns):
            return cache.model[1]
        block, linear = cache.block(columns), cache.linear(columns)
        n_outputs = self.loss.n_outputs
        H = block if n_outputs == 1 else np.kron(block, np.eye(n_outputs))
        H[np.diag_indices_from(H)] += working_set.damping
        model = _ReducedModel(H, n_outputs, fit_intercept=False)
        terms = _QuadraticTerms(model, working_set.damping, linear, cache, columns)
        cache.model = (columns, terms)
        return terms

    def _quadratic_steps(self, working_set, W, b, gap):
        """The working set's exact quadratic objective minimised from (W, b).

        With a constant Hessian the Newton model is the objective on the
        working set (the damping only makes it an upper bound), so it is
        minimised once, without a line search and without a pass over the
        working set's columns (the gradient comes from the cached Gram
        block); the outer loop certifies. The duality gap is first order in
        the optimality residual (the dual point is scaled by about
        ``1 − max_g residual_g/r_g``), so the solve ends once the
        prox-gradient mapping is below ``_MAPPING_SHARE`` of the relative gap
        aimed at times the smallest radius: the target's, or while the
        working set may still grow, the certified ``gap``'s (0 with a path's
        hint, whose working set is usually the last one). That relation is a
        model: after a certificate that did not improve the gap, the mapping
        aimed at is a hundred times tighter.
        """
        self.n_iter += 1
        if self.stalled:
            self.mapping_share *= 1e-2
        terms = self._quadratic_terms(working_set)
        restricted = working_set.penalty
        radius = restricted.group_strength * restricted.weights
        smallest = radius[radius > 0].min(initial=np.inf)
        smallest = 0.0 if np.isinf(smallest) else smallest
        relative = max(self.target, gap) / max(self.null_value, np.finfo(float).tiny)
        W_ws, b, _ = _quadratic_move(
            terms,
            restricted,
            W[working_set.columns],
            b,
            tol=_FORCING[0],
            mapping_tol=self.mapping_share * relative * smallest,
        )
        self.last_model = (working_set, terms)
        W = np.zeros_like(W)
        W[working_set.columns] = W_ws
        return W, b

    def _quadratic_polish(self, W, b):
        """As :func:`_polish`, on the exact quadratic: (W, b, primal)."""
        working_set, terms = self.last_model
        columns = working_set.columns
        W_ws, b, change = _quadratic_move(
            terms, working_set.penalty, W[columns], b, tol=1e-6
        )
        W = W.copy()
        W[columns] = W_ws
        return W, b, self.info["primal"] + change

    def _inner_steps(self, working_set, W, b, eta, gap):
        """Proximal Newton steps on the working set; returns the new (W, b)."""
        loss, ws = self.loss, working_set
        X_ws, restricted = ws.X_ws, ws.penalty
        # Features outside the working set are zero: η depends on X_ws only.
        W_ws = W[ws.columns]
        eta_out = eta - np.asarray(X_ws @ W_ws) - b
        for _ in range(_INNER_BUDGET):
            self.n_iter += 1
            eta = eta_out + np.asarray(X_ws @ W_ws) + b
            grad_aug = np.asarray(ws.X_aug.T @ loss.gradient(eta))
            model = self._model(ws, eta)
            forcing = float(np.clip(self.info["relative_gap"], *_FORCING))
            delta_W, delta_b = _quadratic_prox(
                grad_aug, model, restricted, W_ws, max_inner=_MAX_INNER, tol=forcing
            )
            decrease = _model_decrease(grad_aug, delta_W, delta_b, restricted, W_ws)
            step = (np.asarray(X_ws @ delta_W) + delta_b, delta_W)
            t, resolvable = self._line_search(ws, eta, W_ws, step, decrease)
            if t < _MIN_STEP:  # no descent left at this precision
                break
            W_ws = W_ws + t * delta_W
            b = b + t * delta_b
            self.last_model = (ws.columns, X_ws, ws.X_aug, model, restricted)
            if self.chord and t == 1.0 and self.info["relative_gap"] <= _CHORD_GAP:
                self.kept_hessian = (ws.columns, model)
            if not resolvable or self._hand_over(decrease, gap):
                break
        self.eta_w = np.asarray(X_ws @ W_ws)
        W = np.zeros_like(W)
        W[ws.columns] = W_ws
        return W, b

    def _line_search(self, working_set, eta, W_ws, step, decrease):
        """Armijo backtracking on the true objective: (step size t, resolvable).

        When the predicted decrease is below what the objective can resolve
        in floating point, function values cannot judge the step: the model
        is trusted and the step taken whole.
        """
        loss, restricted = self.loss, working_set.penalty
        direction_eta, delta_W = step
        current = loss.value(eta) + restricted.value(W_ws)
        resolvable = _resolvable(decrease, current)
        t = 1.0
        while resolvable:
            candidate = loss.value(eta + t * direction_eta) + restricted.value(
                W_ws + t * delta_W
            )
            if candidate <= current + _ARMIJO * t * decrease or t < _MIN_STEP:
                break
            t *= 0.5
        return t, resolvable

    def _hand_over(self, decrease, gap):
        """Whether the outer loop should certify now (see _HANDOVER)."""
        if -decrease <= _HANDOVER * self.target or self.n_iter >= self.max_iter:
            return True
        return -decrease <= _CHORD_HANDOVER * gap and self.kept_hessian is None


def _subset_rows(columns, subset):
    """Positions of ``subset``'s entries in ``columns``, or None when it is
    not a subset (both hold distinct column indices)."""
    order = np.argsort(columns, kind="stable")
    found = np.searchsorted(columns[order], subset)
    if np.any(found >= columns.size) or not np.array_equal(
        columns[order[np.minimum(found, columns.size - 1)]], subset
    ):
        return None
    return order[found]


def _in_order(rows, columns):
    """Whether positions ``rows`` (from :func:`_subset_rows`) are all of
    ``columns``, in their order."""
    return np.array_equal(rows, np.arange(columns.size))


class _QuadraticTerms:
    """A working set's exact quadratic objective in W, the intercepts eliminated.

    The smooth part at W, with the intercepts at their optimum ``b*(W)``, is
    ``½⟨W, AW⟩ − ⟨L, W⟩ + const`` (A the centred Gram block expanded over
    outputs, L the linear term; see
    :class:`~sklearn_l2x._solvers.gram.GramCache`). ``model`` is its Newton
    model, whose Hessian is A plus ``damping`` on the diagonal.
    """

    def __init__(self, model, damping, linear, cache, columns):
        self.model, self.damping, self.linear = model, damping, linear
        self.cache, self.columns = cache, columns

    def product(self, W):
        """``A W`` for W of shape (m, K)."""
        return (self.model.H @ W.ravel()).reshape(W.shape) - self.damping * W

    def intercept(self, W):
        """The optimal intercepts ``b*(W)``."""
        return self.cache.intercept(self.columns, W)

    def intercept_excess(self, W, b):
        """How far the smooth part at (W, b) lies above its value at (W, b*(W))."""
        return self.cache.intercept_excess(self.columns, W, b)


def _quadratic_move(terms, restricted, W_ws, b, tol, mapping_tol=0.0):
    """Minimise the working set's exact quadratic objective from (W_ws, b).

    ``terms`` are :class:`_QuadraticTerms`: the intercepts are optimal for
    every W, so the smooth part changes by ``⟨∇, Δ⟩ + ½⟨Δ, AΔ⟩`` with
    ``∇ = AW − L``, plus the drop of b to ``b*(W)``; the objective's change is
    computed exactly, without a pass over X. A step that increases it (an
    inexact model solve) is not taken.

    Returns
    -------
    W_ws, b : ndarray
        b is ``b*(W_ws)``.
    change : float
        The objective's exact change (<= 0 up to rounding).
    """
    gradient = terms.product(W_ws) - terms.linear
    delta_W, _ = _quadratic_prox(
        gradient,
        terms.model,
        restricted,
        W_ws,
        max_inner=_MAX_INNER,
        tol=tol,
        mapping_tol=mapping_tol,
    )
    drop = -terms.intercept_excess(W_ws, b)
    change = (
        float(np.sum(delta_W * (gradient + 0.5 * terms.product(delta_W))))
        + restricted.value(W_ws + delta_W)
        - restricted.value(W_ws)
    )
    # Below what the penalty's value resolves, rounding decides the sign of
    # the change: the model (exact here) is trusted, as in the line search.
    if change > 1e-13 * abs(restricted.value(W_ws)):
        return W_ws, terms.intercept(W_ws), drop
    W_ws = W_ws + delta_W
    return W_ws, terms.intercept(W_ws), drop + change


def solve(
    X,
    loss,
    penalty,
    W,
    b,
    *,
    fit_intercept=True,
    tol=1e-6,
    max_iter=500,
    verbose=0,
    chord=False,
    polish=True,
    gradient_hint=None,
    gram_cache=None,
    row_pairs=None,
    pass_bounds=None,
    tangent=False,
):
    """Minimise ``loss(XW + b) + penalty(W)`` to a relative duality gap ``tol``.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, p)
    loss : Loss
    penalty : Penalty
    W : ndarray of shape (p, K)
        Starting point (not modified).
    b : ndarray of shape (K,)
    fit_intercept : bool
    tol : float
        Stop when the duality gap is at most ``tol`` times the objective at
        ``W = 0`` (with the optimal intercept).
    max_iter : int
        Maximum number of proximal Newton steps in all.
    verbose : int
    chord : bool
        Near the optimum (relative gap below ``_CHORD_GAP``), reuse the last
        full Newton step's Hessian on an unchanged working set (chord steps).
        Warm-started path points need about one Hessian instead of two.
    polish : bool
        End with one more chord step at the stopping point (:func:`_polish`),
        so that the solution does not depend on how it was reached (weighted
        and repeated rows give the same model to many more digits than
        ``tol`` promises). Path points, which only need ``tol``, skip it.
    gradient_hint : ndarray of shape (p, K), optional
        The loss gradient ``XᵀR`` at a nearby point (along a path, the last
        solution's ``info["gradient"]``): the first working set is chosen
        from it instead of from a duality gap at the start.
    gram_cache : GramCache, optional
        For a loss with a constant Hessian (:func:`gram_cache_for`): the
        working sets' Hessians come from it (shared along a path).
    row_pairs : RowPairs, optional
        For sparse X with few non-zeros per row
        (:class:`~sklearn_l2x._solvers.gram.RowPairs`, made for this X and
        ``fit_intercept``): a working set's Hessian comes from it when that
        is cheaper than a product over the working set's columns.
    pass_bounds : PassBounds, optional
        Made for this X and the penalty's units
        (:class:`~sklearn_l2x._solvers.pass_bounds.PassBounds`): the
        certificates form ``XᵀR`` only where its bounds do not clear a unit
        (shared along a path). The returned gradient then holds earlier rows
        on the cleared units.
    tangent : bool
        Also return, once converged, the solution's derivative in log λ on
        its face (:func:`_face_tangent`), for a path's next start. Only on a
        ``gram_cache`` (an exact quadratic model); along logistic paths the
        tangent did not save Newton steps (binary 1000×1000, 20 points: 66
        against 67).

    Returns
    -------
    W, b : ndarray
    info : dict
        ``n_iter`` (Newton steps, the final polish not counted), ``gap``
        (absolute), ``relative_gap``, ``primal``, ``converged``,
        ``gradient`` (``XᵀR`` at the last certified point, a hint for the next
        point of a path), and with ``tangent``, ``tangent`` (None when not
        converged or not solvable).
    """
    solver = ProxNewton(
        X,
        loss,
        penalty,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        verbose=verbose,
        chord=chord,
        polish=polish,
        gram_cache=gram_cache,
        row_pairs=row_pairs,
        pass_bounds=pass_bounds,
        tangent=tangent,
    )
    return solver.run(W, b, gradient_hint)
