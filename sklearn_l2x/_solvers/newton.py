"""Newton's method for a smooth loss plus a ridge penalty, and its curvature.

Minimises ``F(Θ) = L(Z̃Θ) + λ‖Θ_w‖²`` over the coefficients ``Θ`` of shape
(q + 1, K) (the last row the unpenalised intercepts, when fitted), where L is a
:class:`~sklearn_l2x._losses.Loss` and ``Z̃ = [Z, 1]``. ``Z`` is the design X,
or, when X has more columns than rows, its coordinates ``Z = XV`` in its row
space (``X = Z Vᵀ``, V with orthonormal columns): an L2 penalty never moves
coefficients out of the row space, so the problem in Z is the same problem
with ``W = VΘ_w``, exactly, at a cost in ``min(n, p)``.

The Hessian of F in ``vec(Θ)`` (class-major: the q + 1 coefficients of class
0, then of class 1, ...) has blocks ``H_kl = Z̃ᵀ diag(D_kl) Z̃ + 2λP δ_kl``
(P the identity on the penalised rows). It is what the steps solve with and
what the selection criteria read (leverages, log-determinant), evaluated at
the returned solution. All dense linear algebra here is NumPy's: SciPy links
another OpenBLAS, whose calls right after NumPy's products wait for NumPy's
idle threads (a 201×201 Cholesky after a 20000×201 product: 0.3 ms alone,
60 ms there).
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

# Eigenvalues of XXᵀ below this fraction of the largest (times n) are its null
# space (rounding of a rank-deficient kernel).
_RANK_RTOL = np.finfo(np.float64).eps
# Row blocks of the batched products hold at most this many entries.
_BLOCK_ENTRIES = 2**22
# Chord steps (a fixed Hessian from a nearby λ) continue while each divides
# Newton's decrement by at least 1/_CHORD_RATE (a linear rate at which a few
# gradient-priced steps beat one more exact Hessian), at most this many.
_CHORD_RATE = 0.3
_MAX_CHORD_STEPS = 30
# Chord steps from a reference λ within this relative distance reuse its
# inverse with a first-order correction for the penalty's change, instead of
# inverting again (‖H⁻¹Δ‖ <= 2|Δλ|/(2λ_ref) stays below 1/2 there).
_NEUMANN_RANGE = 0.5
# A decrement below this fraction of F is rounding: Θ is the optimum (its
# error, about √(2·decrement/curvature), is far below any criterion's).
_NEGLIGIBLE = 1e-15
# Armijo's sufficient-decrease fraction (the usual 1e-4: any step Newton's
# quadratic model trusts passes).
_ARMIJO = 1e-4
# Step halvings before a line search gives up (2^-50 is below rounding).
_MAX_HALVINGS = 50
# Softmax probabilities are invariant to one shift of all K intercepts, so the
# Hessian is singular along it; this curvature along that direction makes it
# definite without changing any step (every gradient is orthogonal to it) or
# any probability (see :meth:`Curvature.leverages`).
_SHIFT_CURVATURE = 1.0


class RowSpaceDesign:
    """The design of a ridge-penalised GLM: X, or its row-space coordinates.

    Parameters
    ----------
    Z : ndarray or sparse matrix of shape (n, q)
    basis : ndarray of shape (p, q) or None
        V with ``X = Z Vᵀ`` (None when Z is X itself).
    fit_intercept : bool
    """

    def __init__(self, Z, basis, fit_intercept):
        self.Z = Z
        self.basis = basis
        self.fit_intercept = fit_intercept
        self.n_samples, self.q = Z.shape
        self.n_params = self.q + int(fit_intercept)

    @classmethod
    def from_data(cls, X, fit_intercept):
        """X itself when n >= p, else its coordinates in an orthonormal row basis.

        The basis comes from the eigendecomposition of the n×n kernel XXᵀ
        (``X = U d Vᵀ``, ``Z = U d``, ``V = XᵀU/d``); sparse X is not densified.
        """
        n_samples, n_features = X.shape
        if n_features <= n_samples:
            return cls(X, None, fit_intercept)
        kernel = X @ X.T
        kernel = kernel.toarray() if sp.issparse(kernel) else np.asarray(kernel)
        eigenvalues, U = np.linalg.eigh(kernel)
        keep = eigenvalues > _RANK_RTOL * n_samples * max(eigenvalues.max(), 0.0)
        d = np.sqrt(eigenvalues[keep])
        U = U[:, keep]
        basis = np.asarray(X.T @ (U / d))
        return cls(U * d, basis, fit_intercept)

    def rows(self, index):
        """The design of a subset of the rows (same basis: still exact)."""
        return RowSpaceDesign(self.Z[index], self.basis, self.fit_intercept)

    def linear(self, Theta):
        """``η = Z̃Θ``, shape (n, K)."""
        eta = np.asarray(self.Z @ Theta[: self.q])
        if self.fit_intercept:
            eta = eta + Theta[self.q]
        return eta

    def adjoint(self, R):
        """``Z̃ᵀR``, shape (q + 1, K) (q without intercept)."""
        G = np.asarray(self.Z.T @ R)
        if self.fit_intercept:
            G = np.vstack([G, R.sum(axis=0)])
        return G

    def weighted_grams(self, weights):
        """``Z̃ᵀ diag(w_c) Z̃`` for each column c of ``weights`` (n, C) ≥ 0: (C, m, m)."""
        m, q = self.n_params, self.q
        grams = np.empty((weights.shape[1], m, m))
        for c, w in enumerate(weights.T):
            root = np.sqrt(w)
            if sp.issparse(self.Z):
                scaled = sp.csr_matrix(self.Z.multiply(root[:, None]))
                gram = (scaled.T @ scaled).toarray()
            else:
                scaled = self.Z * root[:, None]
                gram = scaled.T @ scaled
            grams[c, :q, :q] = gram
            if self.fit_intercept:
                grams[c, :q, q] = grams[c, q, :q] = np.asarray(scaled.T @ root).ravel()
                grams[c, q, q] = w.sum()
        return grams

    def _stacked_rows(self, rows, c):
        """Rows ``c_ik z̃_i`` for k = 1..K side by side: (len(rows), K·m), dense."""
        Z = self.Z[rows]
        Z = Z.toarray() if sp.issparse(Z) else Z
        K, q = c.shape[1], self.q
        out = np.empty((Z.shape[0], K, self.n_params))
        out[:, :, :q] = c[rows, :, None] * Z[:, None, :]
        if self.fit_intercept:
            out[:, :, q] = c[rows]
        return out.reshape(Z.shape[0], K * self.n_params)

    def outer_gram(self, c):
        """``Σ_i (c_i ⊗ z̃_i)(c_i ⊗ z̃_i)ᵀ`` for c of shape (n, K): (Km, Km).

        Rows in blocks of bounded memory (sparse rows densified per block).
        """
        width = c.shape[1] * self.n_params
        out = np.zeros((width, width))
        block = max(1, _BLOCK_ENTRIES // width)
        for start in range(0, self.n_samples, block):
            stacked = self._stacked_rows(slice(start, start + block), c)
            out += stacked.T @ stacked
        return out

    def row_quadratics(self, matrices):
        """``z̃_iᵀ M_c z̃_i`` for every row and each M_c of (C, m, m): (n, C)."""
        n_columns, m, q = matrices.shape[0], self.n_params, self.q
        stacked = matrices.transpose(1, 0, 2).reshape(m, n_columns * m)
        values = np.empty((self.n_samples, n_columns))
        block = max(1, _BLOCK_ENTRIES // (n_columns * m))
        for start in range(0, self.n_samples, block):
            Z = self.Z[start : start + block]
            T = np.asarray(Z @ stacked[:q])
            if self.fit_intercept:
                T = T + stacked[q]
            T = T.reshape(Z.shape[0], n_columns, m)
            if sp.issparse(Z):
                part = np.column_stack(
                    [
                        np.asarray(Z.multiply(T[:, c, :q]).sum(axis=1)).ravel()
                        for c in range(n_columns)
                    ]
                )
            else:
                part = np.einsum("icj,ij->ic", T[:, :, :q], Z)
            if self.fit_intercept:
                part = part + T[:, :, q]
            values[start : start + block] = part
        return values

    def coefficients(self, Theta):
        """(W (p, K), b (K,)) of the original features."""
        W = Theta[: self.q]
        if self.basis is not None:
            W = self.basis @ W
        b = Theta[self.q] if self.fit_intercept else np.zeros(Theta.shape[1])
        return W, b

    def coordinates(self, X):
        """New rows in the design's coordinates: (Z_new, ‖x⊥‖² outside the basis)."""
        if self.basis is None:
            return X, np.zeros(X.shape[0])
        Z = np.asarray(X @ self.basis)
        if sp.issparse(X):
            norms = np.asarray(X.multiply(X).sum(axis=1)).ravel()
        else:
            norms = np.einsum("ij,ij->i", X, X)
        return Z, np.maximum(norms - np.einsum("ij,ij->i", Z, Z), 0.0)


class Curvature:
    """The Hessian of F at a point, and what is read from it.

    Parameters
    ----------
    design : RowSpaceDesign
    parts : (ndarray (n, K), ndarray (n, K) or None)
        The loss's Hessian weights at the point, ``D_i = diag(a_i) − c_i c_iᵀ``
        (see ``Loss.hessian_parts``).
    lam : float
    """

    def __init__(self, design, parts, lam):
        self.design = design
        a, c = parts
        n_classes = a.shape[1]
        m = design.n_params
        self.n_classes = n_classes
        H = np.zeros((n_classes * m, n_classes * m))
        for k, block in enumerate(design.weighted_grams(a)):
            H[k * m : (k + 1) * m, k * m : (k + 1) * m] = block
        if c is not None:
            H -= design.outer_gram(c)
        penalised = np.arange(n_classes * m) % m < design.q
        H[penalised, penalised] += 2.0 * lam
        self.lam, self._penalised = lam, penalised
        self.shift_fixed = n_classes > 1 and design.fit_intercept
        if self.shift_fixed:
            intercepts = np.arange(n_classes) * m + design.q
            H[np.ix_(intercepts, intercepts)] += _SHIFT_CURVATURE
        self.hessian = H

    def moved_to(self, lam):
        """This Hessian with its penalty's 2λ on the diagonal moved to ``lam``."""
        H = self.hessian.copy()
        H[self._penalised, self._penalised] += 2.0 * (lam - self.lam)
        return H

    def solve(self, G):
        """``H⁻¹G`` for G of shape (q + 1, K) (a product once ``inverse`` exists)."""
        if "inverse" in self.__dict__:
            flat = self.inverse @ G.T.ravel()
        else:
            flat = np.linalg.solve(self.hessian, G.T.ravel())
        return flat.reshape(self.n_classes, self.design.n_params).T

    @cached_property
    def inverse(self):
        """``H⁻¹``, dense."""
        return np.linalg.inv(self.hessian)

    def log_det(self):
        """``log pdet H``: without the softmax shift's added curvature."""
        sign, value = np.linalg.slogdet(self.hessian)
        if sign <= 0:
            raise np.linalg.LinAlgError("The Hessian is not positive definite.")
        if self.shift_fixed:
            value -= np.log(_SHIFT_CURVATURE * self.n_classes)
        return float(value)

    def leverages(self):
        """``Q_i = Z̃_i H⁻¹ Z̃_iᵀ`` (K×K per row), shape (n, K, K).

        ``Z̃_i = I_K ⊗ z̃_iᵀ``: entry (k, l) is ``z̃_iᵀ (H⁻¹)_kl z̃_i``. With the
        softmax shift fixed, Q differs from the pseudo-inverse's by a multiple
        of ``11ᵀ``, which shifts all K logits equally (no probability moves).
        """
        design = self.design
        m, K = design.n_params, self.n_classes
        inverse = self.inverse
        pairs = [(k, j) for k in range(K) for j in range(k + 1)]
        blocks = np.stack(
            [inverse[k * m : (k + 1) * m, j * m : (j + 1) * m] for k, j in pairs]
        )
        values = design.row_quadratics(0.5 * (blocks + blocks.transpose(0, 2, 1)))
        Q = np.empty((design.n_samples, K, K))
        for c, (k, j) in enumerate(pairs):
            Q[:, k, j] = Q[:, j, k] = values[:, c]
        return Q


def _moved_inverse(reference, lam):
    """``v ↦ (H + Δ)⁻¹v`` for the reference Hessian H with its penalty moved
    to ``lam`` (Δ = 2(λ − λ_ref)P, diagonal).

    Near the reference λ (``_NEUMANN_RANGE``) and with H⁻¹ already formed,
    the first two terms of the Neumann series ``H⁻¹ − H⁻¹ΔH⁻¹`` (two
    products; the error is second order in Δ, which chord steps absorb);
    otherwise a fresh inverse.
    """
    if "inverse" in reference.__dict__ and abs(lam - reference.lam) <= (
        _NEUMANN_RANGE * reference.lam
    ):
        inverse = reference.inverse
        shift = np.zeros(inverse.shape[0])
        shift[reference._penalised] = 2.0 * (lam - reference.lam)

        def apply(v):
            first = inverse @ v
            return first - inverse @ (shift * first)

        return apply
    inverse = np.linalg.inv(reference.moved_to(lam))
    return lambda v: inverse @ v


@dataclass
class NewtonFit:
    """A solution and the solver's record.

    ``decrement`` is Newton's ½gᵀH⁻¹g (≈ F − F*) at the last iterate and
    ``curvature`` the Hessian there: at Θ itself when the solve stopped at
    ``max_iter``, one final (full, quadratically convergent) step before Θ
    when it converged.
    """

    Theta: np.ndarray
    eta: np.ndarray
    value: float
    n_iter: int
    converged: bool
    decrement: float
    curvature: Curvature


class RidgeNewton:
    """Damped Newton steps on ``F(Θ) = L(Z̃Θ) + λ‖Θ_w‖²``.

    Parameters
    ----------
    design : RowSpaceDesign
    loss : Loss
    tol : float
        Stop when Newton's decrement ½gᵀH⁻¹g (the quadratic model's estimate of
        ``F(Θ) − F*``) is at most ``tol·F(Θ)``.
    max_iter : int
        Most Newton steps.
    """

    def __init__(self, design, loss, tol, max_iter):
        self.design = design
        self.loss = loss
        self.tol = tol
        self.max_iter = max_iter

    def null_start(self):
        """Θ of the null model: W = 0, the intercepts optimal for it."""
        Theta = np.zeros((self.design.n_params, self.loss.n_outputs))
        if self.design.fit_intercept:
            Theta[self.design.q] = self.loss.null_intercept(True)
        return Theta

    def objective(self, eta, Theta, lam):
        penalised = Theta[: self.design.q]
        return self.loss.value(eta) + lam * float(np.sum(penalised * penalised))

    def gradient(self, eta, Theta, lam):
        G = self.design.adjoint(self.loss.gradient(eta))
        G[: self.design.q] += 2.0 * lam * Theta[: self.design.q]
        return G

    def solve(self, lam, Theta=None, reference=None, exact_curvature=False):
        """Minimise F at ``lam`` from Θ (the null model if None).

        ``reference`` is the curvature of a nearby solve (another λ): chord
        steps with its Hessian, its penalty moved to ``lam``, come first and
        cost no Hessian; Newton's exact steps then finish. With
        ``exact_curvature`` the returned curvature is the Hessian at the
        returned Θ to rounding (what criteria read), at the price of one more
        Hessian when the last step was not already negligible.
        """
        Theta = self.null_start() if Theta is None else np.array(Theta, dtype=float)
        eta = self.design.linear(Theta)
        value = self.objective(eta, Theta, lam)
        n_iter = 0
        if reference is not None:
            Theta, eta, value, n_iter = self._chord(lam, Theta, eta, value, reference)
        converged = False
        while True:
            G = self.gradient(eta, Theta, lam)
            curvature = Curvature(self.design, self.loss.hessian_parts(eta), lam)
            step = -curvature.solve(G)
            decrement = 0.5 * float(-np.sum(G * step))
            scale = max(value, np.finfo(float).tiny)
            if converged or decrement <= _NEGLIGIBLE * scale:
                # Θ is the optimum to rounding and the curvature is at Θ.
                converged = True
                break
            if decrement <= self.tol * scale:
                # The step is inside Newton's quadratic region: taken whole,
                # it leaves an error of the order of decrement², so the
                # coefficients are exact well past tol.
                Theta = Theta + step
                eta = self.design.linear(Theta)
                value = self.objective(eta, Theta, lam)
                n_iter += 1
                converged = True
                if exact_curvature:
                    continue  # one more Hessian, at the final Θ
                break
            if n_iter >= self.max_iter:
                break
            moved = self._line_search(eta, Theta, step, value, decrement, lam)
            if moved is None:
                # No decrease below rounding: Θ is as good as F can tell.
                converged = decrement <= np.sqrt(np.finfo(float).eps) * abs(value)
                break
            Theta, eta, value = moved
            n_iter += 1
        return NewtonFit(Theta, eta, value, n_iter, converged, decrement, curvature)

    def _chord(self, lam, Theta, eta, value, reference):
        """Chord steps with a fixed Hessian until they stop paying: (Θ, η, F, steps).

        The reference Hessian with its penalty moved to ``lam`` is inverted
        once; each step costs a gradient. They stop when the decrement is
        negligible (below ``_NEGLIGIBLE·F``), or shrinks by less than
        ``_CHORD_RATE`` per step (Newton's exact steps are then cheaper), after
        ``_MAX_CHORD_STEPS``. Inside the quadratic region (decrement below
        ``tol·F``) steps are taken whole: F cannot judge them any more.
        """
        apply = _moved_inverse(reference, lam)
        n_classes, m = self.loss.n_outputs, self.design.n_params
        previous, n_steps = np.inf, 0
        for _ in range(min(_MAX_CHORD_STEPS, self.max_iter)):
            G = self.gradient(eta, Theta, lam)
            step = -apply(G.T.ravel()).reshape(n_classes, m).T
            decrement = 0.5 * float(-np.sum(G * step))
            scale = max(value, np.finfo(float).tiny)
            if decrement <= _NEGLIGIBLE * scale:
                break
            if not 0 < decrement <= _CHORD_RATE * previous:
                break
            if decrement <= self.tol * scale:
                Theta = Theta + step
                eta = self.design.linear(Theta)
                value = self.objective(eta, Theta, lam)
            else:
                moved = self._line_search(eta, Theta, step, value, decrement, lam)
                if moved is None:
                    break
                Theta, eta, value = moved
            previous, n_steps = decrement, n_steps + 1
        return Theta, eta, value, n_steps

    def _line_search(self, eta, Theta, step, value, decrement, lam):
        """Backtracking (Armijo) along the Newton step: (Θ, η, F) or None."""
        direction = self.design.linear(step)  # η(Θ + tΔ) = η + t·Z̃Δ
        t = 1.0
        for _ in range(_MAX_HALVINGS):
            candidate = Theta + t * step
            candidate_eta = eta + t * direction
            candidate_value = self.objective(candidate_eta, candidate, lam)
            if candidate_value <= value - _ARMIJO * t * 2.0 * decrement:
                return candidate, candidate_eta, candidate_value
            t *= 0.5
        return None
