"""Data-fitting terms: the mean (weighted) loss as a function of η = XW + b.

Every loss is a :class:`Loss`: a small object holding the targets and the
weights, with the pieces the solvers and the duality gap need, all computed
from the linear predictor ``eta`` of shape (n, K):

- ``value(eta)``: ``F(η) = (1/S) Σ_i s_i ℓ(y_i, η_i)``;
- ``gradient(eta)``: ``R = ∂F/∂η`` (so ``∇_W = XᵀR``);
- ``hessian_weights(eta)``: ``D`` with ``∂²F/∂η_i∂η_i = D_i`` (K×K), and
  ``hessian_parts(eta)``: the same as ``D_i = diag(a_i) − c_i c_iᵀ``;
- ``intercept_terms(eta)``: gradient and Hessian in the intercepts (their sums
  over rows, without forming D);
- ``null_intercept(fit_intercept)``: the optimal intercepts at ``W = 0``;
- ``lipschitz_factor``: c with ``∇²_η ℓ ⪯ c·I``;
- for the duality gap, ``dual_residual(eta, fit_intercept)`` (R with
  ``1ᵀR = 0`` made exact when the intercept is fitted) and ``dual_value(U)``
  ``= −F*(U) = −Σ_i f_i*(U_i)``, the loss's part of the dual objective.

They know nothing of penalties, data matrices or estimators. Implemented: the
squared error (K targets), the binary log-loss (K = 1) and the multinomial
cross-entropy (K classes).
"""

import abc
from functools import reduce

import numpy as np
from scipy.special import expit, log_expit, xlogy


def _row_max(A):
    """Row maxima of an (n, K) array, K small.

    A maximum over the K columns, pairwise: numpy's reductions along a short
    contiguous axis have a large fixed cost per row block.
    """
    return reduce(np.maximum, A.T)


def _row_sum(A):
    """Row sums of an (n, K) array, K small (a matrix-vector product)."""
    return A @ np.ones(A.shape[1])


def _shifted(eta):
    """``η − max_k η_k`` row by row: exponentials of it cannot overflow."""
    return eta - _row_max(eta)[:, None]


def _softmax(eta):
    """Row-wise softmax of an (n, K) array (as scipy's, cheaper for small K)."""
    p = _shifted(eta)
    np.exp(p, out=p)
    p /= _row_sum(p)[:, None]
    return p


class Loss(abc.ABC):
    """A mean (weighted) loss ``F(η) = (1/S) Σ_i s_i ℓ(y_i, η_i)``.

    Parameters
    ----------
    Y : ndarray of shape (n, K)
        Targets, in the loss's own encoding.
    sample_weight : ndarray of shape (n,)
        Non-negative weights ``s_i``, not all zero.
    """

    #: c with ``∇²_η ℓ ⪯ c·I`` for every row.
    lipschitz_factor: float

    def __init__(self, Y, sample_weight):
        self.Y = Y
        self.n_outputs = Y.shape[1]
        self.sw = sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.scaled_sw = (sample_weight / self.sw_sum)[:, None]

    @abc.abstractmethod
    def value(self, eta):
        """``F(η)``, a float."""

    @abc.abstractmethod
    def gradient(self, eta):
        """``R = ∂F/∂η``, shape (n, K)."""

    @abc.abstractmethod
    def hessian_weights(self, eta):
        """``D`` of shape (n, K, K): ``∂²F/∂η_i∂η_iᵀ``."""

    def hessian_parts(self, eta):
        """(a (n, K), c (n, K) or None) with ``D_i = diag(a_i) − c_i c_iᵀ``.

        The structure lets a Hessian in the coefficients be formed from K
        weighted Gram matrices and one rank-n update instead of K² products.
        Default: D diagonal (None for c).
        """
        D = self.hessian_weights(eta)
        return np.diagonal(D, axis1=1, axis2=2).copy(), None

    @abc.abstractmethod
    def intercept_terms(self, eta):
        """Gradient (K,) and Hessian (K, K) of ``F`` in the intercepts."""

    @abc.abstractmethod
    def null_intercept(self, fit_intercept):
        """The intercepts minimising ``F`` when ``W = 0`` (zeros without)."""

    @abc.abstractmethod
    def dual_residual(self, eta, fit_intercept):
        """``R = ∂F/∂η`` with ``1ᵀR = 0`` made exact when ``fit_intercept``.

        The intercept must already be optimal, so that the correction is at
        rounding level; the dual point ``U = tR`` is then feasible for the
        intercept's constraint ``1ᵀU = 0``.
        """

    @abc.abstractmethod
    def dual_value(self, U):
        """``−F*(U) = −Σ_i f_i*(U_i)`` for ``U = tR``, ``f_i = (s_i/S)·ℓ(y_i, ·)``."""

    def into_dual_domain(self, U):
        """A point of the conjugate's domain along U (U itself by default).

        Used on dual points that were projected (see the duality gap), which
        may leave the domain of F*; the result is U times a scale in [0, 1]
        (or a combination that keeps every linear constraint U satisfies).
        """
        return U

    def canonical_intercept(self, b):
        """The representative of the intercepts ``b`` that the loss reports.

        The identity, unless the loss is invariant to a shift of b (softmax).
        """
        return b

    def _per_unit_weight(self, U):
        """``U_i/(s_i/S)`` (0 on rows of zero weight, where U_i = 0)."""
        weights = self.scaled_sw
        return np.divide(U, weights, out=np.zeros_like(U), where=weights > 0)


class SquaredError(Loss):
    """Mean squared error ``(1/S) Σ s_i ‖y_i − η_i‖²`` over K targets.

    No ½: ``ℓ = r²`` as in the package's objective. ``f_i*(u) = ⟨u, y_i⟩ +
    ‖u‖²/(4c_i)`` with ``c_i = s_i/S``.
    """

    lipschitz_factor = 2.0

    @property
    def constant_hessian_weights(self):
        """``h_i = 2 s_i/S``, the same for every η and every target."""
        return 2.0 * self.scaled_sw[:, 0]

    def value(self, eta):
        residual = eta - self.Y
        return float(self.scaled_sw[:, 0] @ np.einsum("ik,ik->i", residual, residual))

    def gradient(self, eta):
        return 2.0 * self.scaled_sw * (eta - self.Y)

    def hessian_weights(self, eta):
        """D of shape (n, K, K): 2 s_i I/S."""
        D = np.zeros((eta.shape[0], self.n_outputs, self.n_outputs))
        index = np.arange(self.n_outputs)
        D[:, index, index] = 2.0 * self.scaled_sw
        return D

    def intercept_terms(self, eta):
        gradient = 2.0 * (self.scaled_sw[:, 0] @ (eta - self.Y))
        return gradient, 2.0 * np.eye(self.n_outputs)

    def null_intercept(self, fit_intercept):
        """The weighted means of the targets."""
        if not fit_intercept:
            return np.zeros(self.n_outputs)
        return self.scaled_sw[:, 0] @ self.Y

    def exact_intercept(self, eta_without_intercept):
        """The intercept minimising the loss at ``η₀ + b``: the weighted mean
        of ``Y − η₀`` (closed form; no Newton steps needed)."""
        return self.scaled_sw[:, 0] @ (self.Y - eta_without_intercept)

    def dual_residual(self, eta, fit_intercept):
        difference = eta - self.Y
        if fit_intercept:
            difference = difference - self.scaled_sw[:, 0] @ difference
        return 2.0 * self.scaled_sw * difference

    def dual_value(self, U):
        scaled = self._per_unit_weight(U)
        return -float(np.sum(U * self.Y) + 0.25 * np.sum(U * scaled))


class _CrossEntropy(Loss):
    """What the binary and multinomial log-losses share: their dual.

    ``f_i*(u) = −c_i H(y_i + u/c_i)`` (``c_i = s_i/S``, H the entropy), so the
    dual point is a probability table ``A = Y + U/c``, clipped to [0, 1].
    """

    def dual_residual(self, eta, fit_intercept):
        probabilities = self.probabilities(eta)
        residual = self.scaled_sw * (probabilities - self.Y)
        if fit_intercept:
            # 1ᵀR = 0 holds to rounding; make it exact (Σ c_i = 1), or the
            # gap can go negative.
            probabilities = probabilities - residual.sum(axis=0)
            residual = self.scaled_sw * (probabilities - self.Y)
        return residual

    def dual_value(self, U):
        return self.entropy(np.clip(self.Y + self._per_unit_weight(U), 0.0, 1.0))

    def into_dual_domain(self, U):
        """U scaled so that ``A = Y + U/c`` is a table of probabilities.

        For K classes the rows of U are first made to sum to zero (removing
        their means keeps ``ZᵀU = 0`` for any Z with ``ZᵀU = 0``), then U is
        scaled by the largest s <= 1 with ``0 <= Y + sU/c <= 1``.
        """
        if U.shape[1] > 1:
            U = U - U.mean(axis=1, keepdims=True)
        V = self._per_unit_weight(U)
        with np.errstate(divide="ignore", invalid="ignore"):
            limits = np.where(
                V > 0, (1.0 - self.Y) / V, np.where(V < 0, -self.Y / V, np.inf)
            )
        return U * min(1.0, float(limits.min(initial=np.inf)))


class BinaryLogistic(_CrossEntropy):
    """Mean log-loss ``(1/S) Σ s_i [log(1 + e^η_i) − y_i η_i]``, y in {0, 1}.

    Parameters
    ----------
    Y : ndarray of shape (n, 1)
        Targets in {0, 1}.
    sample_weight : ndarray of shape (n,)
    """

    lipschitz_factor = 0.25

    def __init__(self, Y, sample_weight):
        super().__init__(Y, sample_weight)
        self._sign = np.where(Y > 0.5, 1.0, -1.0)  # ±1: η's sign in the loss
        self._flat_sw = self.scaled_sw[:, 0]

    def value(self, eta):
        # −log σ(±η): no cancellation between log(1 + e^η) and yη when the
        # loss is tiny (well-fitted rows), which a relative gap needs.
        return -float(self._flat_sw @ log_expit(self._sign * eta)[:, 0])

    def probabilities(self, eta):
        return expit(eta)

    def gradient(self, eta):
        return self.scaled_sw * (expit(eta) - self.Y)

    def hessian_weights(self, eta):
        """D of shape (n, 1, 1): s_i σ(η_i)(1 − σ(η_i))/S."""
        p = expit(eta)
        return (self.scaled_sw * p * (1.0 - p))[:, :, None]

    def intercept_terms(self, eta):
        """Gradient and Hessian of ``value`` in the intercept, from one σ(η)."""
        p = expit(eta)
        weights = self.scaled_sw[:, 0]
        gradient = weights @ (p - self.Y)
        return gradient, (weights @ (p * (1.0 - p)))[:, None]

    def entropy(self, A):
        """(1/S) Σ s_i H(A_i), H the binary entropy; A in [0, 1]."""
        h = -xlogy(A, A) - xlogy(1.0 - A, 1.0 - A)
        return float(np.sum(self.scaled_sw * h))

    def null_intercept(self, fit_intercept):
        """The optimal intercept when W = 0: logit of the weighted prevalence."""
        if not fit_intercept:
            return np.zeros(1)
        prevalence = float(self.scaled_sw[:, 0] @ self.Y[:, 0])
        prevalence = min(max(prevalence, 1e-12), 1 - 1e-12)
        return np.array([np.log(prevalence / (1.0 - prevalence))])


class Multinomial(_CrossEntropy):
    """Mean cross-entropy ``(1/S) Σ s_i [LSE(η_i) − η_{i, y_i}]`` over K classes.

    The parametrisation is the symmetric one (K coefficient vectors), as in
    scikit-learn's multinomial ``LogisticRegression``.

    Parameters
    ----------
    Y : ndarray of shape (n, K)
        One-hot targets.
    sample_weight : ndarray of shape (n,)
    """

    lipschitz_factor = 0.5

    def value(self, eta):
        # LSE(η_i) − ⟨y_i, η_i⟩ on shifted rows (Σ_k y_ik = 1).
        z = _shifted(eta)
        losses = np.log(_row_sum(np.exp(z))) - _row_sum(self.Y * z)
        return float(self.scaled_sw[:, 0] @ losses)

    def probabilities(self, eta):
        return _softmax(eta)

    def gradient(self, eta):
        return self.scaled_sw * (_softmax(eta) - self.Y)

    def hessian_weights(self, eta):
        """D of shape (n, K, K): s_i (diag(p_i) − p_i p_iᵀ)/S."""
        p = _softmax(eta)
        D = -p[:, :, None] * p[:, None, :]
        index = np.arange(p.shape[1])
        D[:, index, index] += p
        return self.scaled_sw[:, :, None] * D

    def hessian_parts(self, eta):
        """``a_i = (s_i/S) p_i``, ``c_i = √(s_i/S) p_i``."""
        p = _softmax(eta)
        return self.scaled_sw * p, np.sqrt(self.scaled_sw) * p

    def intercept_terms(self, eta):
        """Gradient and Hessian in the intercepts (sums over rows, no n×K×K)."""
        p = _softmax(eta)
        weighted = self.scaled_sw * p
        gradient = weighted.sum(axis=0) - self.scaled_sw[:, 0] @ self.Y
        return gradient, np.diag(weighted.sum(axis=0)) - weighted.T @ p

    def entropy(self, A):
        """(1/S) Σ s_i H(A_i), H the Shannon entropy; rows of A on the simplex."""
        h = -_row_sum(xlogy(A, A))
        return float(self.scaled_sw[:, 0] @ h)

    def canonical_intercept(self, b):
        """Softmax intercepts are defined up to a common shift: mean zero."""
        return b - b.mean()

    def null_intercept(self, fit_intercept):
        """Optimal intercepts when W = 0: log of the weighted class shares."""
        if not fit_intercept:
            return np.zeros(self.n_outputs)
        shares = self.scaled_sw[:, 0] @ self.Y
        log_shares = np.log(np.maximum(shares, 1e-300))
        return log_shares - log_shares.mean()


def make_logistic_loss(Y, sample_weight):
    """BinaryLogistic for one column, Multinomial for K >= 2 one-hot columns."""
    if Y.shape[1] == 1:
        return BinaryLogistic(Y, sample_weight)
    return Multinomial(Y, sample_weight)
