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

Sparse X is centred implicitly, never densified. Dense arrays of another
array-API namespace (PyTorch, CuPy, ...) are decomposed on their own device by
:func:`decompose_on_device`; the spectrum then holds that namespace's arrays
(``Spectrum.xp``) and every criterion computes with them there.
"""

import contextlib
import copy
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

# Eigenvalues below this fraction of the largest (times the dimension) are
# numerically zero: they come from rank deficiency (duplicated or constant
# columns, p > n, the centring) and are dropped from the spectrum.
_RANK_RTOL = np.finfo(np.float64).eps


@dataclass
class FreeColumns:
    """Unpenalised columns Q (the intercept and features of penalty factor 0)
    projected out of the design before it was decomposed.

    Attributes
    ----------
    count : int
        rank of Q (its degrees of freedom, 1 for the intercept alone).
    leverage : ndarray of shape (n,)
        ``s_i q_iᵀ(QᵀSQ)⁺q_i``, the hat-matrix diagonal of the projection.
    log_det : float
        ``log pdet(QᵀSQ)``, the evidence's term for Q's flat prior.
    """

    count: int
    leverage: np.ndarray
    log_det: float


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
    design : CentredDesign or None
        For wide data (``V`` not formed): the design operator, to map the
        dual solution to coefficients.
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
    free: "FreeColumns | None" = None
    xp: object = None  # the arrays' namespace when not NumPy

    @property
    def namespace(self):
        """The namespace of the spectrum's arrays (NumPy unless ``xp``)."""
        return np if self.xp is None else self.xp

    @cached_property
    def z(self):
        """``Uᵀỹ`` (r, k), from ``t = d∘z``."""
        return self.t / (self.d2**0.5)[:, None]

    @cached_property
    def z_squared(self):
        """``z∘z``, the weights of every criterion (computed once)."""
        return self.z**2

    @cached_property
    def U_squared(self):
        """U∘U, for the hat-matrix diagonal (computed once per spectrum)."""
        return self.U**2


def _keep_rank(eigenvalues, dimension):
    top = eigenvalues.max(initial=0.0)
    return eigenvalues > top * dimension * _RANK_RTOL


def _eigh(matrix):
    """Eigendecomposition of a symmetric PSD matrix, non-zero part only.

    NumPy's ``eigh`` (LAPACK syevd), not SciPy's: the Gram matrix was just
    formed by NumPy's BLAS, and SciPy ships its own OpenBLAS whose call right
    after a NumPy product competes with NumPy's still-spinning threads.
    """
    values, vectors = np.linalg.eigh(matrix)
    keep = _keep_rank(values, matrix.shape[0])
    return values[keep], vectors[:, keep]


# Centring implicitly (Gram − S·x̄x̄ᵀ) loses about log10 of this ratio of the
# uncentred to the centred trace in digits; beyond it, X is centred explicitly.
_IMPLICIT_CENTRING_MAX_RATIO = 16.0

# Up to this many targets, decompose forms Xᵀdiag(s)y in the pass of the means.
_FUSED_TARGETS = 8


class CentredDesign:
    """The weighted, centred design ``X̃ = diag(√s)(X − 1x̄ᵀ)`` as an operator.

    X is never modified. Sparse X, and dense X without weights, are centred
    implicitly (no copy); dense weighted X, or data whose means are so large
    that implicit centring would cancel digits, get one centred copy.
    """

    def __init__(self, X, sample_weight, fit_intercept, targets=None, gram_check=None):
        self.gram_check = gram_check
        self.sw_sum = float(sample_weight.sum())
        self.fit_intercept = fit_intercept
        self.sqrt_sw = np.sqrt(sample_weight)
        self.unweighted = bool(np.all(sample_weight == 1.0))
        if gram_check is not None and (sp.issparse(X) or not self.unweighted):
            gram_check(None)  # no uncentred XᵀX of X itself will be formed
            self.gram_check = None
        self._raw_cross = None
        if not sp.issparse(X) and not self.unweighted:
            targets = None  # centred explicitly below: target_cross recomputes
        if fit_intercept:
            self.x_mean = self._weighted_sums(X, sample_weight, targets) / self.sw_sum
        else:
            self.x_mean = np.zeros(X.shape[1])
        self.X = X
        self.explicit = False
        self._uncentred_trace = None
        if not sp.issparse(X) and not self.unweighted:
            self._centre_explicitly()

    def _weighted_sums(self, X, sample_weight, targets):
        """``Xᵀs``; with ``targets`` (n, k) also ``Xᵀdiag(s)y``, kept for
        :meth:`target_cross`, from the same pass over X."""
        weights = sample_weight[:, None]
        if targets is not None:
            weights = weights * np.column_stack([np.ones(len(targets)), targets])
        # (weights.T @ X) is one pass over a C-ordered X; X.T @ weights of
        # two or more columns is a slower GEMM in OpenBLAS.
        with self._unchecked():
            sums = (X.T @ weights).T if sp.issparse(X) else weights.T @ X
        sums = np.asarray(sums)
        if targets is not None:
            self._raw_cross = sums[1:].T
        return sums[0]

    def _unchecked(self):
        """No floating-point warnings while X may still hold a NaN or inf
        (before ``gram_check``, which raises a clear error for them)."""
        if self.gram_check is None:
            return contextlib.nullcontext()
        return np.errstate(all="ignore")

    def _centre_explicitly(self):
        X_tilde = np.subtract(self.X, self.x_mean, dtype=np.float64)
        if not self.unweighted:
            X_tilde *= self.sqrt_sw[:, None]
        self.X, self.explicit = X_tilde, True

    def _mean_correction_ok(self, uncentred_trace):
        centred_trace = uncentred_trace - self.sw_sum * (self.x_mean @ self.x_mean)
        return centred_trace * _IMPLICIT_CENTRING_MAX_RATIO >= uncentred_trace

    def gram(self):
        """X̃ᵀX̃ (p×p)."""
        X = self.X
        if self.explicit:
            return X.T @ X
        if sp.issparse(X):
            gram = np.asarray((X.T @ (sp.diags(self.sqrt_sw**2) @ X)).todense())
        else:
            with self._unchecked():
                gram = X.T @ X
            if self.gram_check is not None:
                self.gram_check(np.diagonal(gram))
                self.gram_check = None
        self._uncentred_trace = np.trace(gram)
        if not sp.issparse(X) and not self._mean_correction_ok(self._uncentred_trace):
            self._centre_explicitly()
            return self.gram()
        gram -= self.sw_sum * np.outer(self.x_mean, self.x_mean)
        return gram

    def target_cross(self, y_tilde, y_mean):
        """``X̃ᵀỹ`` for the targets given at construction, centred as ``y_tilde``.

        From the product kept with the means, ``Xᵀdiag(s)y − S·x̄ȳᵀ``, when the
        subtraction keeps the digits of centring first: X's uncentred trace
        (from :meth:`gram`, called before) and each target's ``Σ s y²`` within
        ``_IMPLICIT_CENTRING_MAX_RATIO`` of their centred values. Otherwise
        (or after explicit centring) one more pass over X.
        """
        raw, trace = self._raw_cross, self._uncentred_trace
        if raw is not None and trace is not None and not self.explicit:
            y_ss = np.einsum("ij,ij->j", y_tilde, y_tilde)
            raw_y_ss = y_ss + self.sw_sum * y_mean**2
            if np.all(y_ss * _IMPLICIT_CENTRING_MAX_RATIO >= raw_y_ss):
                return raw - self.sw_sum * np.outer(self.x_mean, y_mean)
        return self.rmatmul(y_tilde, centred=True)

    def kernel(self):
        """X̃X̃ᵀ (n×n)."""
        X = self.X
        if self.explicit:
            return X @ X.T
        kernel = np.asarray((X @ X.T).todense()) if sp.issparse(X) else X @ X.T
        if not sp.issparse(X) and not self._mean_correction_ok(np.trace(kernel)):
            self._centre_explicitly()
            return self.kernel()
        X_xbar = np.asarray(X @ self.x_mean).ravel()
        kernel -= X_xbar[:, None]
        kernel -= X_xbar[None, :]
        kernel += self.x_mean @ self.x_mean
        if not self.unweighted:
            kernel *= self.sqrt_sw[:, None]
            kernel *= self.sqrt_sw[None, :]
        return kernel

    def matmul(self, M):
        """X̃ @ M for a dense (p, m) M."""
        if self.explicit:
            return self.X @ M
        product = np.asarray(self.X @ M) - (self.x_mean @ M)[None, :]
        return product if self.unweighted else self.sqrt_sw[:, None] * product

    def matmul_columns(self, index, coef):
        """``X̃[:, index] @ coef`` for a vector coef, touching those columns only."""
        block = self.X[:, index]
        if self.explicit:
            return np.asarray(block @ coef).ravel()
        product = np.asarray(block @ coef).ravel() - self.x_mean[index] @ coef
        return product if self.unweighted else self.sqrt_sw * product

    def rmatmul(self, M, centred=False):
        """X̃ᵀ @ M for a dense (n, m) M.

        ``centred=True`` promises ``Σ_i √s_i M_i = 0`` (true of ỹ), which makes
        the mean correction vanish.
        """
        if self.explicit:
            return self.X.T @ M
        scaled = M if self.unweighted else self.sqrt_sw[:, None] * M
        product = np.asarray(self.X.T @ scaled)
        if not centred:
            product -= np.outer(self.x_mean, scaled.sum(axis=0))
        return product

    def columns(self, index):
        """Dense ``X̃[:, index]`` (n × len(index)), a new array."""
        block = self.X[:, index]
        if self.explicit:
            return np.array(block, dtype=np.float64)
        block = block.toarray() if sp.issparse(block) else block
        block = np.subtract(block, self.x_mean[index], dtype=np.float64)
        if not self.unweighted:
            block *= self.sqrt_sw[:, None]
        return block

    def rmatmul_columns(self, index, M):
        """``X̃[:, index]ᵀ @ M`` for a dense (n, m) M, X's columns not densified."""
        block = self.X[:, index]
        if self.explicit:
            return np.asarray(block.T @ M)
        scaled = M if self.unweighted else self.sqrt_sw[:, None] * M
        product = np.asarray(block.T @ scaled)
        product -= np.outer(self.x_mean[index], scaled.sum(axis=0))
        return product

    def gram_block(self, rows, cols):
        """``X̃[:, rows]ᵀ X̃[:, cols]`` (dense), sparse X kept sparse."""
        if sp.issparse(self.X) and not self.explicit:
            weighted = self.X[:, cols]
            if not self.unweighted:
                weighted = sp.diags(self.sqrt_sw**2) @ weighted
            product = (self.X[:, rows].T @ weighted).toarray()
            product -= self.sw_sum * np.outer(self.x_mean[rows], self.x_mean[cols])
            return product
        return self.rmatmul_columns(rows, self.columns(cols))

    def column_squared_norms(self):
        """‖X̃_j‖² for every column, without cancellation for dense X."""
        X = self.X
        if self.explicit:
            return np.einsum("ij,ij->j", X, X)
        if sp.issparse(X):
            raw = np.asarray(X.multiply(X).T @ self.sqrt_sw**2).ravel()
            centred = raw - self.sw_sum * self.x_mean**2
            # A bound from above is what callers need (safe screening): add
            # the rounding error the subtraction can make.
            return np.maximum(centred, 0.0) + 4 * np.finfo(float).eps * raw
        # Dense and implicit means unweighted. One pass without a copy:
        # Σx² − S·x̄²; columns where the subtraction would cancel digits are
        # recomputed centred.
        raw = np.einsum("ij,ij->j", X, X)
        norms = np.maximum(raw - self.sw_sum * self.x_mean**2, 0.0)
        unsafe = np.flatnonzero(norms * _IMPLICIT_CENTRING_MAX_RATIO < raw)
        if unsafe.size:
            block = np.subtract(X[:, unsafe], self.x_mean[unsafe])
            norms[unsafe] = np.einsum("ij,ij->j", block, block)
        return norms + 4 * np.finfo(float).eps * raw


def _centre_targets(y, sample_weight, sqrt_sw, fit_intercept):
    """Weighted means of y and ``ỹ = diag(√s)(y − ȳ)`` (a new array)."""
    if fit_intercept:
        y_mean = sample_weight @ y / sample_weight.sum()
    else:
        y_mean = np.zeros(y.shape[1])
    y_tilde = np.subtract(y, y_mean, dtype=np.float64)
    if not np.all(sqrt_sw == 1.0):
        y_tilde *= sqrt_sw[:, None]
    return y_mean, y_tilde


def _tall_spectrum(design, y_tilde, y_mean, need_U, common):
    """:func:`decompose` of tall data, from the eigendecomposition of X̃ᵀX̃."""
    d2, V = _eigh(design.gram())
    t = V.T @ design.target_cross(y_tilde, y_mean)
    U = None
    if need_U:
        U = design.matmul(V) / np.sqrt(d2)
        resid_ss = np.sum((y_tilde - U @ (t / np.sqrt(d2)[:, None])) ** 2, axis=0)
    else:
        y_ss = np.einsum("ij,ij->j", y_tilde, y_tilde)
        resid_ss = y_ss - np.sum(t**2 / d2[:, None], axis=0)
        # ‖ỹ‖² − ‖z‖² cancels when the least-squares fit is nearly exact;
        # then compute ‖ỹ − X̃ w_ols‖² directly (one pass over X).
        inexact = resid_ss <= 1e-6 * y_ss
        if np.any(inexact):
            fitted = design.matmul(V @ (t[:, inexact] / d2[:, None]))
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


def decompose(
    X, y, sample_weight, *, fit_intercept=True, need_U=False, gram_check=None
):
    """Spectrum of the weighted centred design, from the cheaper decomposition.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, p)
    y : ndarray of shape (n, k)
    sample_weight : ndarray of shape (n,)
    fit_intercept : bool
    need_U : bool
        Also form the left singular vectors (leave-one-out needs them).
    gram_check : callable, optional
        Called once, before anything depends on X's values: with the diagonal of
        ``XᵀX`` when the decomposition forms it from an unweighted dense X,
        else with None (see
        :func:`~sklearn_l2x._validation.check_square_scale_from_gram`).

    Returns
    -------
    spectrum : Spectrum
    """
    n_samples, n_features = X.shape
    tall = n_features <= n_samples
    if gram_check is not None and not tall:
        gram_check(None)
        gram_check = None
    # A few targets' Xᵀy are memory-bound passes over X, fused with the means';
    # many targets' are a compute-bound product, where fusing saves nothing.
    fused = tall and y.shape[1] <= _FUSED_TARGETS
    design = CentredDesign(
        X,
        sample_weight,
        fit_intercept,
        targets=y if fused else None,
        gram_check=gram_check,
    )
    y_mean, y_tilde = _centre_targets(y, sample_weight, design.sqrt_sw, fit_intercept)
    common = {
        "x_mean": design.x_mean,
        "y_mean": y_mean,
        "sw_sum": design.sw_sum,
        "n_samples": n_samples,
        "sqrt_sw": design.sqrt_sw,
    }
    if tall:
        return _tall_spectrum(design, y_tilde, y_mean, need_U, common)

    d2, U = _eigh(design.kernel())
    z = U.T @ y_tilde
    resid_ss = np.sum((y_tilde - U @ z) ** 2, axis=0)
    return Spectrum(
        d2=d2,
        t=z * np.sqrt(d2)[:, None],
        resid_ss=resid_ss,
        U=U,
        y_tilde=y_tilde,
        design=design,
        **common,
    )


def decompose_on_device(X, y, sample_weight, *, fit_intercept, need_U, xp, dtype):
    """:func:`decompose` for dense arrays of the namespace ``xp``, on their device.

    Computes in ``dtype`` (the widest float the device has): the weighted
    centred copy of X, the smaller of its Gram and kernel matrices and their
    eigendecomposition, all with ``xp``; V is formed in both cases (one more
    product for wide data, cheap where this runs) so that coefficients and
    predictive spreads need no pass over the training rows.
    """
    X, y, sw = (xp.astype(a, dtype) for a in (X, y, sample_weight))
    n_samples, n_features = X.shape
    sw_sum = float(xp.sum(sw))
    if fit_intercept:
        x_mean, y_mean = (sw @ X) / sw_sum, (sw @ y) / sw_sum
    else:
        x_mean = xp.zeros(n_features, dtype=dtype, device=X.device)
        y_mean = xp.zeros(y.shape[1], dtype=dtype, device=X.device)
    sqrt_sw = sw**0.5
    X_tilde = (X - x_mean) * sqrt_sw[:, None]
    y_tilde = (y - y_mean) * sqrt_sw[:, None]
    if n_features <= n_samples:
        d2, V = _eigh_on_device(X_tilde.T @ X_tilde, xp)
        t = V.T @ (X_tilde.T @ y_tilde)
        if need_U:  # the fit is then U z: no second pass over X
            U = X_tilde @ V / (d2**0.5)
            fitted = U @ (t / (d2**0.5)[:, None])
        else:
            U, fitted = None, X_tilde @ (V @ (t / d2[:, None]))
    else:
        d2, U = _eigh_on_device(X_tilde @ X_tilde.T, xp)
        z = U.T @ y_tilde
        V = X_tilde.T @ (U / (d2**0.5))
        t = z * (d2**0.5)[:, None]
        fitted = U @ z
    resid_ss = xp.sum((y_tilde - fitted) ** 2, axis=0)
    return Spectrum(
        d2=d2,
        t=t,
        resid_ss=resid_ss,
        x_mean=x_mean,
        y_mean=y_mean,
        sw_sum=sw_sum,
        n_samples=n_samples,
        V=V,
        U=U,
        sqrt_sw=sqrt_sw,
        y_tilde=y_tilde if need_U else None,
        xp=xp,
    )


def _eigh_on_device(matrix, xp):
    """:func:`_eigh` with ``xp``: eigenvalues ascend, so the kept ones are a suffix."""
    values, vectors = xp.linalg.eigh(matrix)
    top = float(xp.max(values)) if values.shape[0] else 0.0
    threshold = float(top * matrix.shape[0] * _RANK_RTOL)
    kept = values > threshold
    count = int(xp.sum(xp.astype(kept, xp.int64)))
    start = values.shape[0] - count
    return values[start:], vectors[:, start:]


def coefficients(spectrum, alpha):
    """Ridge coefficients (p, k) and intercepts (k,) at alpha (scalar or (k,))."""
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), spectrum.t.shape[1:])
    if spectrum.xp is not None:  # to the spectrum's device (V is always formed)
        t = spectrum.t
        alpha = spectrum.xp.asarray(alpha.copy(), dtype=t.dtype, device=t.device)
    if spectrum.V is not None:
        coef = spectrum.V @ (spectrum.t / (spectrum.d2[:, None] + alpha[None, :]))
    else:
        # Wide data: w = X̃ᵀ U diag(1/(d² + alpha)) z, without forming V.
        dual = spectrum.U @ (spectrum.z / (spectrum.d2[:, None] + alpha[None, :]))
        coef = spectrum.design.rmatmul(dual)
    intercept = spectrum.y_mean - spectrum.x_mean @ coef
    return coef, intercept


def right_vectors(spectrum):
    """V (p, r), forming it from U for wide data (costs one pass over X)."""
    if spectrum.V is not None:
        return spectrum.V
    return spectrum.design.rmatmul(spectrum.U / np.sqrt(spectrum.d2))


# Rows of new data are centred in blocks of at most this many entries.
_BLOCK_ENTRIES = 2**22


class RowProjector:
    """New rows ``x ↦ Vᵀ(scale ∘ (x − x̄))`` onto the right singular vectors.

    With ``V`` formed (tall data) this is one product. For wide data ``V``
    (p×r, as large as X) is never formed: ``Vᵀu = D⁻¹UᵀX̃u`` costs the same per
    new row (one pass over the n×p training design) and nothing at fit time,
    where forming ``V = X̃ᵀUD⁻¹`` would cost 2·n·p·r flops, more than the
    decomposition itself.

    Parameters
    ----------
    spectrum : Spectrum
    copy_data : bool, default=True
        For wide data, copy the training rows the projector keeps unless the
        design already owns them (a centred copy), so that later changes to
        the caller's X cannot change the projections.
    """

    def __init__(self, spectrum, copy_data=True):
        self.V = spectrum.V
        self.dual = self.design = None
        if self.V is None:
            self.dual = spectrum.U / np.sqrt(spectrum.d2)
            design = spectrum.design
            if copy_data and not design.explicit:
                design = copy.copy(design)
                design.X = design.X.copy()
            self.design = design

    def __call__(self, X, x_mean, scale=None):
        """(m, r) projections of the rows ``u = scale ∘ (x − x_mean)`` of X."""
        if self.V is not None:
            V = self.V if scale is None else scale[:, None] * self.V
            product = X @ V
            return (np.asarray(product) if sp.issparse(X) else product) - x_mean @ V
        n_rows, n_features = X.shape
        projection = np.empty((n_rows, self.dual.shape[1]))
        step = max(1, _BLOCK_ENTRIES // max(n_features, 1))
        for start in range(0, n_rows, step):
            rows = X[start : start + step]
            rows = rows.toarray() if sp.issparse(rows) else rows
            centred = np.subtract(rows, x_mean, dtype=np.float64)
            if scale is not None:
                centred *= scale
            block = self.design.matmul(centred.T).T @ self.dual
            projection[start : start + step] = block
        return projection


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
        design = CentredDesign(X, sample_weight, fit_intercept)
        y_mean, y_tilde = _centre_targets(
            y, sample_weight, design.sqrt_sw, fit_intercept
        )
        return cls(
            sw_sum=design.sw_sum,
            n_samples=X.shape[0],
            x_mean=design.x_mean,
            y_mean=y_mean,
            gram=design.gram(),
            cross=design.rmatmul(y_tilde, centred=True),
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

    def scaled(self, scale):
        """Statistics of X·diag(scale) (a new object)."""
        return SufficientStats(
            sw_sum=self.sw_sum,
            n_samples=self.n_samples,
            x_mean=self.x_mean * scale,
            y_mean=self.y_mean,
            gram=self.gram * np.outer(scale, scale),
            cross=self.cross * scale[:, None],
            y_ss=self.y_ss,
        )

    def spectrum(self):
        d2, V = _eigh(self.gram.copy())
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
