"""Data-fitting terms: the mean (weighted) loss as a function of η = XW + b.

Each loss is a small object with the pieces the solvers need, all computed from
the linear predictor ``eta`` of shape (n, K) (K = 1 for the binary logistic loss):

- ``value(eta)``: ``(1/S) Σ_i s_i ℓ(y_i, η_i)``;
- ``gradient(eta)``: ``R = ∂value/∂η`` (so ``∇_W = XᵀR``);
- ``hessian_weights(eta)``: ``D`` with ``∂²value/∂η_i∂η_i = D_i`` (K×K);
- ``intercept_terms(eta)``: gradient and Hessian in the intercepts (their sums
  over rows, without forming D);
- ``lipschitz_factor``: c with ``∇²_η ℓ ⪯ c·I`` (¼ binary, ½ multinomial);
- ``conjugate`` pieces for the duality gap (``entropy``).

The objects hold the targets and the weights; they know nothing of penalties.
Formulas: ``conventions.md`` §4.
"""

from functools import reduce

import numpy as np
from scipy.special import expit, log_expit, xlogy


def _row_max(A):
    """Row maxima of an (n, K) array, K small.

    A maximum over the K columns, pairwise: numpy's reductions along a short
    contiguous axis cost ~40 µs on (1000, 3), this ~5 µs.
    """
    return reduce(np.maximum, A.T)


def _row_sum(A):
    """Row sums of an (n, K) array, K small (a matrix-vector product)."""
    return A @ np.ones(A.shape[1])


def _shifted(eta):
    """``η − max_k η_k`` row by row: exponentials of it cannot overflow."""
    return eta - _row_max(eta)[:, None]


def _softmax(eta):
    """Row-wise softmax of an (n, K) array (as scipy's, 3× faster for small K)."""
    p = _shifted(eta)
    np.exp(p, out=p)
    p /= _row_sum(p)[:, None]
    return p


class BinaryLogistic:
    """Mean log-loss ``(1/S) Σ s_i [log(1 + e^η_i) − y_i η_i]``, y in {0, 1}.

    Parameters
    ----------
    Y : ndarray of shape (n, 1)
        Targets in {0, 1}.
    sample_weight : ndarray of shape (n,)
    """

    lipschitz_factor = 0.25
    n_outputs = 1

    def __init__(self, Y, sample_weight):
        self.Y = Y
        self.sw = sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.scaled_sw = (sample_weight / self.sw_sum)[:, None]

    def value(self, eta):
        # −log σ(±η): no cancellation between log(1 + e^η) and yη when the
        # loss is tiny (well-fitted rows), which a relative gap needs.
        losses = -log_expit(np.where(self.Y > 0.5, eta, -eta))
        return float(np.sum(self.scaled_sw * losses))

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


class Multinomial:
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

    def __init__(self, Y, sample_weight):
        self.Y = Y
        self.n_outputs = Y.shape[1]
        self.sw = sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.scaled_sw = (sample_weight / self.sw_sum)[:, None]

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
