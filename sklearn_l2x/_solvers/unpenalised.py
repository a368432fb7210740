"""Unpenalised columns in ridge: projected out, as the intercept is.

Ridge with some columns Z left unpenalised (penalty factor 0) and an
intercept is, by the Frisch–Waugh–Lovell argument, ridge without them on the
design and targets with ``Q = [1, Z]`` partialled out (weighted least
squares), followed by the least-squares coefficients of Q on what the ridge
fit leaves. The hat matrix is the projection onto Q plus the ridge hat matrix
of the partialled-out design, which is what GCV, leave-one-out and the
evidence need (:class:`~sklearn_l2x._solvers.spectral.FreeColumns`).
"""

import numpy as np

from .spectral import FreeColumns


def _dense(X):
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


class Unpenalised:
    """The weighted projection onto ``Q = [1, X_free]`` fitted on (X, y).

    Parameters
    ----------
    X : ndarray of shape (n, p)
        The design, penalised columns already scaled.
    y : ndarray of shape (n, k)
    sample_weight : ndarray of shape (n,)
    free : ndarray of bool, shape (p,)
        The unpenalised columns.
    fit_intercept : bool
    """

    def __init__(self, X, y, sample_weight, free, fit_intercept):
        self.free, self.fit_intercept = free, fit_intercept
        Q = self.columns(X)
        root = np.sqrt(sample_weight)
        U, d, Vt = np.linalg.svd(root[:, None] * Q, full_matrices=False)
        keep = d > d.max(initial=0.0) * max(Q.shape) * np.finfo(float).eps
        # (QᵀSQ)⁺ = F Fᵀ with F = V_keep / d_keep.
        self._factor = Vt[keep].T / d[keep]
        self.record = FreeColumns(
            count=int(keep.sum()),
            leverage=np.sum(U[:, keep] ** 2, axis=1),
            log_det=float(2.0 * np.sum(np.log(d[keep]))),
        )
        weighted_Q = Q * sample_weight[:, None]
        self.B = self._solve(weighted_Q, _dense(X[:, ~free]))
        self.gamma = self._solve(weighted_Q, y)

    def _solve(self, weighted_Q, M):
        """``(QᵀSQ)⁺ QᵀS M``."""
        F = self._factor
        return F @ (F.T @ (weighted_Q.T @ M))

    def columns(self, X):
        """Q of the rows X: ones (with an intercept), then the free columns."""
        Z = _dense(X[:, self.free])
        if self.fit_intercept:
            return np.column_stack([np.ones(X.shape[0]), Z])
        return Z

    def residualise(self, X, y=None):
        """Penalised columns and targets minus their fit on Q (the training fit)."""
        Q = self.columns(X)
        X_tilde = _dense(X[:, ~self.free]) - Q @ self.B
        if y is None:
            return X_tilde
        return X_tilde, y - Q @ self.gamma

    def coefficients(self, V):
        """(intercepts (k,), free coefficients (n_free, k)) given the ridge part.

        ``V`` (p', k): the coefficients of the partialled-out columns.
        """
        gamma = self.gamma - self.B @ V
        if self.fit_intercept:
            return gamma[0], gamma[1:]
        return np.zeros(gamma.shape[1]), gamma

    def variance(self, X):
        """``q_iᵀ(QᵀSQ)⁺q_i`` for the rows of X: Q's part of a prediction's variance."""
        projected = self.columns(X) @ self._factor
        return np.sum(projected**2, axis=1)
