"""ElasticNet: the squared-loss elastic net, and its λ path."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ._selection import lam_grid
from ._sklearn_compat import Interval, fit_context
from ._solvers.enet_cd import GramCache, solve_path_on_gram, solve_target
from ._solvers.spectral import CentredDesign
from ._validation import check_sample_weight

__all__ = ["ElasticNet", "elastic_net_path"]


# A λ path or CV works on the full Gram matrix when n >= p and p is at most
# this (the p×p matrix then costs at most 128 MB).
_FULL_GRAM_MAX_FEATURES = 4096


class _Problem:
    """Validated data of one fit: the centred design and the centred targets.

    ``many_fits`` says several λ will be solved on these data (a path): then
    the full Gram matrix is formed once when n >= p, and every fit works in
    p-space (no pass over X per iteration).
    """

    def __init__(self, X, y, sample_weight, fit_intercept, many_fits=False):
        Y = y[:, None] if y.ndim == 1 else y
        self.single = y.ndim == 1
        self.design = CentredDesign(X, sample_weight, fit_intercept)
        S = self.design.sw_sum
        self.y_mean = sample_weight @ Y / S if fit_intercept else np.zeros(Y.shape[1])
        self.Y_tilde = self.design.sqrt_sw[:, None] * (Y - self.y_mean)
        n_samples, n_features = X.shape
        full = many_fits and n_features <= min(n_samples, _FULL_GRAM_MAX_FEATURES)
        self.gram_cache = GramCache(self.design, full=full)
        self._column_norms = None
        self._correlation = None

    def correlation(self):
        """``X̃ᵀỸ/S`` (p, k), computed once."""
        if self._correlation is None:
            self._correlation = (
                self.design.rmatmul(self.Y_tilde, centred=True) / self.design.sw_sum
            )
        return self._correlation

    @property
    def n_targets(self):
        return self.Y_tilde.shape[1]

    def column_norms(self):
        if self._column_norms is None:
            self._column_norms = self.design.column_squared_norms()
        return self._column_norms

    def lam_max(self, l1_ratio, positive):
        """Smallest λ with w = 0 optimal for every target: ``2‖X̃ᵀỹ‖∞/(S·α)``."""
        if l1_ratio == 0:
            return np.inf
        correlation = self.correlation() * self.design.sw_sum
        if positive:
            correlation = np.maximum(correlation, 0.0)
        top = float(np.abs(correlation).max(initial=0.0))
        return 2.0 * top / (self.design.sw_sum * l1_ratio)

    def solve(self, lam, l1_ratio, W, *, tol, max_iter, positive):
        """Coefficients (p, k) at λ from the start W, and per-target info."""
        W = np.array(W, dtype=np.float64)
        infos = []
        for k in range(self.n_targets):
            W[:, k], info = solve_target(
                self.design,
                self.Y_tilde[:, k],
                lam,
                l1_ratio,
                W[:, k],
                tol=tol,
                max_iter=max_iter,
                positive=positive,
                gram_cache=self.gram_cache,
                column_norms=self.column_norms() if lam * l1_ratio > 0 else None,
                q=self.correlation()[:, k],
            )
            infos.append(info)
        return W, infos

    def intercepts(self, W):
        return self.y_mean - self.design.x_mean @ W


def _validate_regression(estimator, X, y, sample_weight, reset):
    X, y = validate_data(
        estimator,
        X,
        y,
        reset=reset,
        accept_sparse=("csr", "csc"),
        dtype=[np.float64, np.float32],
        multi_output=True,
        y_numeric=True,
    )
    sample_weight = check_sample_weight(sample_weight, X)
    return X, np.asarray(y, dtype=np.float64), sample_weight


def _warn_if_not_converged(name, infos, tol, max_iter):
    worst = max(info["relative_gap"] for info in infos)
    if not all(info["converged"] for info in infos):
        warnings.warn(
            f"{name} did not converge in max_iter={max_iter} coordinate-descent "
            f"epochs: the relative duality gap is {worst:.2e} > tol={tol:g}. "
            "Increase max_iter, or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )


def _path(problem, grid, l1_ratio, *, tol, max_iter, positive):
    """Solutions along the descending grid, warm-started; coefs (n_lams, p, k)."""
    if problem.gram_cache.full is not None and l1_ratio > 0:
        return _path_on_gram(problem, grid, l1_ratio, tol, max_iter, positive)
    W = np.zeros((problem.design.X.shape[1], problem.n_targets))
    coefs, gaps, all_infos = [], [], []
    for lam in grid:
        W, infos = problem.solve(
            lam, l1_ratio, W, tol=tol, max_iter=max_iter, positive=positive
        )
        coefs.append(W.copy())
        gaps.append(max(info["relative_gap"] for info in infos))
        all_infos.extend(infos)
    return np.array(coefs), np.array(gaps), all_infos


def _path_on_gram(problem, grid, l1_ratio, tol, max_iter, positive):
    per_target = [
        solve_path_on_gram(
            problem.design,
            problem.gram_cache,
            problem.Y_tilde[:, k],
            problem.correlation()[:, k],
            grid,
            l1_ratio,
            tol=tol,
            max_iter=max_iter,
            positive=positive,
            column_norms=problem.column_norms(),
        )
        for k in range(problem.n_targets)
    ]
    coefs = np.stack([coef for coef, _ in per_target], axis=2)  # (n_lams, p, k)
    gaps = np.array(
        [
            max(infos[i]["relative_gap"] for _, infos in per_target)
            for i in range(len(grid))
        ]
    )
    infos = [info for _, infos in per_target for info in infos]
    return coefs, gaps, infos


def elastic_net_path(
    X,
    y,
    *,
    l1_ratio=0.5,
    lams=None,
    n_lams=100,
    eps=1e-3,
    sample_weight=None,
    fit_intercept=True,
    tol=1e-8,
    max_iter=10000,
    positive=False,
):
    """The elastic net along a descending λ grid, each fit warm-started.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    l1_ratio : float in [0, 1], default=0.5
        The mix α.
    lams : array-like, default=None
        The λ values (sorted descending). None means ``n_lams`` values
        log-spaced from ``lam_max`` (the smallest λ with all coefficients zero)
        down to ``eps·lam_max``.
    n_lams : int, default=100
        Size of the automatic grid.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    sample_weight : array-like of shape (n_samples,), default=None
    fit_intercept, tol, max_iter, positive
        As in :class:`ElasticNet`.

    Returns
    -------
    lams : ndarray of shape (n_lams,)
        The grid, descending.
    coefs : ndarray of shape (n_lams, n_features) or \
(n_lams, n_targets, n_features)
        Coefficients at each λ.
    intercepts : ndarray of shape (n_lams,) or (n_lams, n_targets)
    dual_gaps : ndarray of shape (n_lams,)
        Relative duality gap of each solution (the largest over targets).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import elastic_net_path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> lams, coefs, intercepts, gaps = elastic_net_path(X, y, n_lams=5)
    >>> [int((c != 0).sum()) for c in coefs]
    [0, 9, 10, 10, 10]
    >>> bool(gaps.max() <= 1e-8)
    True
    """
    estimator = ElasticNet(
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        positive=positive,
    )
    estimator._validate_params()
    X, y, sample_weight = _validate_regression(estimator, X, y, sample_weight, True)
    problem = _Problem(X, y, sample_weight, fit_intercept, many_fits=True)
    grid = lam_grid(problem.lam_max(l1_ratio, positive), lams, n_lams, eps, "l1_ratio")
    coefs, gaps, infos = _path(
        problem, grid, l1_ratio, tol=tol, max_iter=max_iter, positive=positive
    )
    _warn_if_not_converged("elastic_net_path", infos, tol, max_iter)
    intercepts = np.array([problem.intercepts(W) for W in coefs])
    coefs = np.transpose(coefs, (0, 2, 1))
    if problem.single:
        coefs, intercepts = coefs[:, 0, :], intercepts[:, 0]
    return grid, coefs, intercepts, gaps


class ElasticNet(RegressorMixin, BaseEstimator):
    """Linear regression with the elastic-net penalty of the reference text.

    Minimises

    ``(1/S) Σ_i s_i (y_i − b − x_iᵀw)² + λ·[α‖w‖₁ + (1 − α)‖w‖²]``

    (``S = Σ s_i``, λ = ``lam``, α = ``l1_ratio``), with the intercept
    unpenalised and no ½ on the squared terms; for several targets, one
    independent problem per target.
    ``l1_ratio=1`` is the lasso, ``l1_ratio=0`` ridge. The same model in
    scikit-learn's parametrisation is ``ElasticNet(alpha=lam·(1 − l1_ratio/2),
    l1_ratio=l1_ratio/(2 − l1_ratio))`` (see :func:`sklearn_l2x.convert`).

    Solver: working sets of features with gap-safe screening, stopped on the
    duality gap relative to the objective at ``w = 0``; the subproblems are
    solved by scikit-learn's compiled coordinate descent on the working set
    (on its Gram matrix when it has fewer columns than X has rows).

    Read more in the :ref:`User Guide <elastic_net>`.

    Parameters
    ----------
    lam : float, default=0.01
        Penalty strength λ >= 0.
    l1_ratio : float in [0, 1], default=0.5
        The mix α: share of the ℓ1 term.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept.
    tol : float, default=1e-6
        Stop when the duality gap is at most ``tol`` times the objective at
        ``w = 0`` (the weighted variance of y).
    max_iter : int, default=10000
        Budget of coordinate-descent epochs (over working sets) per target.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, of the dtype of X.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercepts.
    n_iter_ : int or list of int
        Coordinate-descent epochs used (per target for several targets).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Relative duality gap at the solution; it bounds the relative
        suboptimality.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    elastic_net_path : Solutions along a λ grid.
    ElasticNetCV : λ (and α) chosen by cross-validation.
    ElasticNetClassifier : The same penalty on the log-loss.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import ElasticNet
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNet(lam=0.1, l1_ratio=1.0).fit(X, y)  # the lasso
    >>> int((model.coef_ != 0).sum())
    7
    >>> round(model.score(X, y), 3)
    0.513
    """

    _parameter_constraints: dict = {
        "lam": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
    }

    def __init__(
        self,
        lam=0.01,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        tol=1e-6,
        max_iter=10000,
        warm_start=False,
        positive=False,
    ):
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.positive = positive

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to a relative duality gap of ``tol``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (CSR/CSC sparse matrices are not densified).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : ElasticNet
            The fitted estimator.
        """
        previous = getattr(self, "coef_", None) if self.warm_start else None
        X, y, sample_weight = _validate_regression(self, X, y, sample_weight, True)
        problem = _Problem(X, y, sample_weight, self.fit_intercept)
        W0 = np.zeros((X.shape[1], problem.n_targets))
        if previous is not None and np.size(previous) == W0.size:
            W0 = np.reshape(previous, (problem.n_targets, -1)).T.astype(np.float64)
        return self._solve(problem, self.lam, self.l1_ratio, W0, X.dtype)

    def _solve(self, problem, lam, l1_ratio, W0, dtype):
        """Solve at (λ, α) from W0, set the fitted attributes, warn if stopped."""
        W, infos = problem.solve(
            lam,
            l1_ratio,
            W0,
            tol=self.tol,
            max_iter=self.max_iter,
            positive=self.positive,
        )
        self._set_solution(problem, W, infos, dtype)
        _warn_if_not_converged(type(self).__name__, infos, self.tol, self.max_iter)
        return self

    def _set_solution(self, problem, W, infos, dtype):
        intercept = problem.intercepts(W)
        gaps = np.array([info["relative_gap"] for info in infos])
        n_iter = [info["n_iter"] for info in infos]
        if problem.single:
            self.coef_ = W[:, 0].astype(dtype)
            self.intercept_ = float(intercept[0])
            self.dual_gap_, self.n_iter_ = float(gaps[0]), n_iter[0]
        else:
            self.coef_ = W.T.astype(dtype)
            self.intercept_ = intercept.astype(dtype)
            self.dual_gap_, self.n_iter_ = gaps, n_iter

    def predict(self, X):
        """Predict with the fitted model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
