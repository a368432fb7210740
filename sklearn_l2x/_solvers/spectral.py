"""Ridge regression for every λ at once, from one decomposition.

The objective (in ``alpha`` = λ_sum = S·λ, i.e. scikit-learn's ``Ridge.alpha``) is
``Σ s_i (y_i − b − x_iᵀw)² + alpha·‖w‖²``. After weighted centring
``X̃ = diag(√s)(X − 1x̄ᵀ)`` and ``ỹ = diag(√s)(y − ȳ)``, everything that depends on
alpha is a cheap function of the spectrum of ``X̃``: its squared singular values
``d²``, the projections ``t = d∘z = Vᵀ X̃ᵀ ỹ`` and the residual ``‖ỹ⊥‖²`` of ``ỹ``
outside the column space of ``X̃``. See ``conventions.md`` §3 for the formulas.

Three ways to get the spectrum, whichever is cheapest and keeps no large matrix:

* ``p <= n`` (tall): eigendecomposition of the p×p Gram matrix ``X̃ᵀX̃``;
* ``p > n`` (wide): eigendecomposition of the n×n kernel ``X̃X̃ᵀ``, which gives
  ``U`` and ``z = Uᵀỹ`` directly and the residual exactly;
* sufficient statistics (``partial_fit``, dask): the centred Gram matrix merged
  over chunks (Chan's pairwise update).

Sparse X is centred implicitly, never densified.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import linalg

# Eigenvalues below this fraction of the largest (times the dimension) are
# numerically zero: they come from rank deficiency (duplicated or constant
# columns, p > n, the centring) and are dropped from the spectrum.
_RANK_RTOL = np.finfo(np.float64).eps


@dataclass
class Spectrum:
    """The spectrum of the weighted, centred design and what ridge needs of it.

    Attributes
    ----------
    d2 : ndarray of shape (r,)
        Non-zero squared singular values of ``X̃``.
    t : ndarray of shape (r, k)
        ``Vᵀ X̃ᵀ ỹ`` for each of the k targets (``= d·z``).
    resid_ss : ndarray of shape (k,)
        ``‖ỹ⊥‖²``, the part of ``‖ỹ‖²`` no ridge fit can explain.
    V : ndarray of shape (p, r) or None
        Right singular vectors, when formed (tall data, sufficient statistics).
    U : ndarray of shape (n, r) or None
        Left singular vectors, when formed (wide data, or needed for LOO).
    sqrt_sw : ndarray of shape (n,) or None
        ``√s``, kept with ``U`` for the LOO hat diagonal.
    y_tilde : ndarray of shape (n, k) or None
        ``ỹ``, kept with ``U`` (LOO residuals need it).
    design : ndarray or sparse matrix or None
        For wide data (``V`` not formed): ``X̃`` (dense) or ``X`` (sparse,
        centred implicitly), to map the dual solution to coefficients.
    x_mean, y_mean : ndarray
        Weighted means used for centring (zeros without an intercept).
    sw_sum : float
        ``S = Σ s_i``.
    n_samples : int
        Number of rows.
    """

    d2: np.ndarray
    t: np.ndarray
    resid_ss: np.ndarray
    x_mean: np.ndarray
    y_mean: np.ndarray
    sw_sum: float
    n_samples: int
    V: np.ndarray | None = None
    U: np.ndarray | None = None
    sqrt_sw: np.ndarray | None = None
    y_tilde: np.ndarray | None = None
    design: object = None

    @property
    def z(self):
        return self.t / np.sqrt(self.d2)[:, None]


def _keep_rank(eigenvalues, dimension):
    top = eigenvalues.max(initial=0.0)
    return eigenvalues > top * dimension * _RANK_RTOL


def _centre(X, y, sample_weight, fit_intercept):
    """Weighted means, and X̃, ỹ for dense X (a new array; X is never modified)."""
    sw_sum = sample_weight.sum()
    if fit_intercept:
        y_mean = sample_weight @ y / sw_sum
        if sp.issparse(X):
            x_mean = np.asarray(X.T @ sample_weight).ravel() / sw_sum
        else:
            x_mean = sample_weight @ X / sw_sum
    else:
        x_mean = np.zeros(X.shape[1])
        y_mean = np.zeros(y.shape[1])
    sqrt_sw = np.sqrt(sample_weight)
    y_tilde = sqrt_sw[:, None] * (y - y_mean)
    if sp.issparse(X):
        return x_mean, y_mean, sqrt_sw, None, y_tilde
    X_tilde = np.subtract(X, x_mean, dtype=np.float64)
    X_tilde *= sqrt_sw[:, None]
    return x_mean, y_mean, sqrt_sw, X_tilde, y_tilde


def _sparse_gram(X, sample_weight, x_mean):
    """X̃ᵀX̃ = XᵀWX − S·x̄x̄ᵀ without densifying X."""
    weighted = sp.diags(sample_weight) @ X
    gram = np.asarray((X.T @ weighted).todense())
    gram -= sample_weight.sum() * np.outer(x_mean, x_mean)
    return gram


def _sparse_kernel(X, sqrt_sw, x_mean):
    """X̃X̃ᵀ = diag(√s)(X − 1x̄ᵀ)(X − 1x̄ᵀ)ᵀdiag(√s) without densifying X."""
    X_xbar = np.asarray(X @ x_mean).ravel()
    kernel = np.asarray((X @ X.T).todense())
    kernel -= X_xbar[:, None]
    kernel -= X_xbar[None, :]
    kernel += x_mean @ x_mean
    kernel *= sqrt_sw[:, None]
    kernel *= sqrt_sw[None, :]
    return kernel


def _apply_tilde(X, sqrt_sw, x_mean, M):
    """X̃ @ M for dense M, with X dense-centred already or sparse."""
    return sqrt_sw[:, None] * (np.asarray(X @ M) - (x_mean @ M)[None, :])


def _apply_tilde_T(X, sqrt_sw, x_mean, M):
    """X̃ᵀ @ M for dense M, with X sparse (implicitly centred)."""
    scaled = sqrt_sw[:, None] * M
    return np.asarray(X.T @ scaled) - np.outer(x_mean, scaled.sum(axis=0))


def decompose(X, y, sample_weight, *, fit_intercept=True, need_U=False):
    """Spectrum of the weighted centred design, from the cheaper decomposition.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, p)
    y : ndarray of shape (n, k)
    sample_weight : ndarray of shape (n,)
    fit_intercept : bool
    need_U : bool
        Also form the left singular vectors (leave-one-out needs them).

    Returns
    -------
    spectrum : Spectrum
    """
    n_samples, n_features = X.shape
    x_mean, y_mean, sqrt_sw, X_tilde, y_tilde = _centre(
        X, y, sample_weight, fit_intercept
    )
    sparse = X_tilde is None
    common = {
        "x_mean": x_mean,
        "y_mean": y_mean,
        "sw_sum": float(sample_weight.sum()),
        "n_samples": n_samples,
        "sqrt_sw": sqrt_sw,
    }
    if n_features <= n_samples:
        if sparse:
            gram = _sparse_gram(X, sample_weight, x_mean)
            Xty = _apply_tilde_T(X, sqrt_sw, x_mean, y_tilde)
        else:
            gram = X_tilde.T @ X_tilde
            Xty = X_tilde.T @ y_tilde
        d2, V = linalg.eigh(gram, overwrite_a=True, check_finite=False)
        keep = _keep_rank(d2, n_features)
        d2, V = d2[keep], V[:, keep]
        t = V.T @ Xty
        U = None
        if need_U:
            product = _apply_tilde(X, sqrt_sw, x_mean, V) if sparse else X_tilde @ V
            U = product / np.sqrt(d2)
            resid_ss = np.sum((y_tilde - U @ (t / np.sqrt(d2)[:, None])) ** 2, axis=0)
        else:
            y_ss = np.sum(y_tilde**2, axis=0)
            resid_ss = y_ss - np.sum(t**2 / d2[:, None], axis=0)
            # ‖ỹ‖² − ‖z‖² cancels when the least-squares fit is nearly exact;
            # then compute ‖ỹ − X̃ w_ols‖² directly (one pass over X).
            inexact = resid_ss <= 1e-6 * y_ss
            if np.any(inexact):
                w_ols = V @ (t[:, inexact] / d2[:, None])
                fitted = (
                    _apply_tilde(X, sqrt_sw, x_mean, w_ols)
                    if sparse
                    else X_tilde @ w_ols
                )
                resid_ss[inexact] = np.sum((y_tilde[:, inexact] - fitted) ** 2, axis=0)
            resid_ss = np.maximum(resid_ss, 0.0)
        return Spectrum(
            d2=d2,
            t=t,
            resid_ss=resid_ss,
            V=V,
            U=U,
            y_tilde=y_tilde if need_U else None,
            **common,
        )

    kernel = _sparse_kernel(X, sqrt_sw, x_mean) if sparse else X_tilde @ X_tilde.T
    d2, U = linalg.eigh(kernel, overwrite_a=True, check_finite=False)
    keep = _keep_rank(d2, n_samples)
    d2, U = d2[keep], U[:, keep]
    z = U.T @ y_tilde
    resid_ss = np.sum((y_tilde - U @ z) ** 2, axis=0)
    return Spectrum(
        d2=d2,
        t=z * np.sqrt(d2)[:, None],
        resid_ss=resid_ss,
        U=U,
        y_tilde=y_tilde,
        design=X if sparse else X_tilde,
        **common,
    )


def coefficients(spectrum, alpha):
    """Ridge coefficients (p, k) and intercepts (k,) at alpha (scalar or (k,))."""
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), spectrum.t.shape[1:])
    scaled = spectrum.t / (spectrum.d2[:, None] + alpha[None, :])
    if spectrum.V is not None:
        coef = spectrum.V @ scaled
    else:
        # Wide data: w = X̃ᵀ U diag(1/(d² + alpha)) z, without forming V.
        dual = spectrum.U @ (spectrum.z / (spectrum.d2[:, None] + alpha[None, :]))
        X = spectrum.design
        if sp.issparse(X):
            coef = _apply_tilde_T(X, spectrum.sqrt_sw, spectrum.x_mean, dual)
        else:
            coef = X.T @ dual
    intercept = spectrum.y_mean - spectrum.x_mean @ coef
    return coef, intercept


def right_vectors(spectrum):
    """V (p, r), forming it from U for wide data (costs one pass over X)."""
    if spectrum.V is not None:
        return spectrum.V
    X = spectrum.design
    scaled = spectrum.U / np.sqrt(spectrum.d2)
    if sp.issparse(X):
        return _apply_tilde_T(X, spectrum.sqrt_sw, spectrum.x_mean, scaled)
    return X.T @ scaled


# -- sufficient statistics ---------------------------------------------------------


@dataclass
class SufficientStats:
    """Centred second moments of (X, y), mergeable across chunks.

    ``gram = X̃ᵀX̃``, ``cross = X̃ᵀỹ`` and ``y_ss = ‖ỹ‖²`` are centred at the
    weighted means, so merging uses Chan's pairwise update instead of raw moments.
    """

    sw_sum: float
    n_samples: int
    x_mean: np.ndarray
    y_mean: np.ndarray
    gram: np.ndarray
    cross: np.ndarray
    y_ss: np.ndarray

    @classmethod
    def from_chunk(cls, X, y, sample_weight, fit_intercept=True):
        x_mean, y_mean, sqrt_sw, X_tilde, y_tilde = _centre(
            X, y, sample_weight, fit_intercept
        )
        if X_tilde is None:
            gram = _sparse_gram(X, sample_weight, x_mean)
            cross = _apply_tilde_T(X, sqrt_sw, x_mean, y_tilde)
        else:
            gram = X_tilde.T @ X_tilde
            cross = X_tilde.T @ y_tilde
        return cls(
            sw_sum=float(sample_weight.sum()),
            n_samples=X.shape[0],
            x_mean=x_mean,
            y_mean=y_mean,
            gram=gram,
            cross=cross,
            y_ss=np.sum(y_tilde**2, axis=0),
        )

    def merge(self, other, fit_intercept=True):
        """Statistics of the union of both chunks (a new object)."""
        total = self.sw_sum + other.sw_sum
        if not fit_intercept:
            return SufficientStats(
                total,
                self.n_samples + other.n_samples,
                self.x_mean,
                self.y_mean,
                self.gram + other.gram,
                self.cross + other.cross,
                self.y_ss + other.y_ss,
            )
        factor = self.sw_sum * other.sw_sum / total
        dx = other.x_mean - self.x_mean
        dy = other.y_mean - self.y_mean
        return SufficientStats(
            sw_sum=total,
            n_samples=self.n_samples + other.n_samples,
            x_mean=self.x_mean + dx * (other.sw_sum / total),
            y_mean=self.y_mean + dy * (other.sw_sum / total),
            gram=self.gram + other.gram + factor * np.outer(dx, dx),
            cross=self.cross + other.cross + factor * np.outer(dx, dy),
            y_ss=self.y_ss + other.y_ss + factor * dy**2,
        )

    def spectrum(self):
        d2, V = linalg.eigh(self.gram, check_finite=False)
        keep = _keep_rank(d2, self.gram.shape[0])
        d2, V = d2[keep], V[:, keep]
        t = V.T @ self.cross
        resid_ss = np.maximum(self.y_ss - np.sum(t**2 / d2[:, None], axis=0), 0.0)
        return Spectrum(
            d2=d2,
            t=t,
            resid_ss=resid_ss,
            V=V,
            x_mean=self.x_mean,
            y_mean=self.y_mean,
            sw_sum=self.sw_sum,
            n_samples=self.n_samples,
        )
