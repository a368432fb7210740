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

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax, xlogy


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
        losses = -np.sum(self.Y * log_softmax(eta, axis=1), axis=1)
        return float(self.scaled_sw[:, 0] @ losses)

    def probabilities(self, eta):
        return softmax(eta, axis=1)

    def gradient(self, eta):
        return self.scaled_sw * (softmax(eta, axis=1) - self.Y)

    def hessian_weights(self, eta):
        """D of shape (n, K, K): s_i (diag(p_i) − p_i p_iᵀ)/S."""
        p = softmax(eta, axis=1)
        D = -p[:, :, None] * p[:, None, :]
        index = np.arange(p.shape[1])
        D[:, index, index] += p
        return self.scaled_sw[:, :, None] * D

    def intercept_terms(self, eta):
        """Gradient and Hessian in the intercepts (sums over rows, no n×K×K)."""
        p = softmax(eta, axis=1)
        weighted = self.scaled_sw * p
        gradient = weighted.sum(axis=0) - self.scaled_sw[:, 0] @ self.Y
        return gradient, np.diag(weighted.sum(axis=0)) - weighted.T @ p

    def entropy(self, A):
        """(1/S) Σ s_i H(A_i), H the Shannon entropy; rows of A on the simplex."""
        h = -np.sum(xlogy(A, A), axis=1)
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
