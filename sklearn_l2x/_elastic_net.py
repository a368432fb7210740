"""ElasticNet: the squared-loss elastic net, and its λ path.

:class:`_ElasticNetBase` is what ElasticNet and ElasticNetCV share (they do
not derive from each other): prediction, tags, and how a solution of the
:class:`~sklearn_l2x._problem.ElasticNetProblem` becomes fitted attributes.
"""

from numbers import Integral, Real

import numpy as np

from ._docstrings import share_parameters
from ._problem import ElasticNetProblem
from ._progress import path_progress
from ._regression import _LinearRegressor, validate_regression
from ._selection import count_or_values_grid
from ._sklearn_compat import Interval, fit_context, validate_params
from ._validation import check_factors, warn_not_converged

__all__ = ["ElasticNet", "elastic_net_path"]


def warn_if_not_converged(name, infos, tol, max_iter, problem):
    """The shared ConvergenceWarning, naming what ``max_iter`` counted."""
    warn_not_converged(name, infos, tol, max_iter, problem.steps)


#: Parameters shared by ElasticNet and ElasticNetCV.
ELASTIC_NET_CONSTRAINTS = {
    "penalty_factor": ["array-like", None],
    "fit_intercept": ["boolean"],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "positive": ["boolean"],
}


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "sample_weight": ["array-like", None],
        "verbose": ["verbose"],
        **ELASTIC_NET_CONSTRAINTS,
    },
    prefer_skip_nested_validation=True,
)
def elastic_net_path(
    X,
    y,
    *,
    l1_ratio=0.5,
    lams=100,
    eps=1e-3,
    sample_weight=None,
    penalty_factor=None,
    fit_intercept=True,
    tol=1e-8,
    max_iter=10000,
    positive=False,
    verbose=0,
):
    """Elastic net along a λ grid; α = l1_ratio (scikit-learn's l1_ratio: α/(2 − α)).

    Each fit is warm-started from the previous one.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values.
    l1_ratio : float in [0, 1], default=0.5
        The mix α.
    lams : int or array-like, default=100
        Number of λ values, log-spaced from ``lam_max`` (the smallest λ with
        all coefficients zero) down to ``eps·lam_max``, or the λ values
        themselves (sorted descending).
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; None gives every sample weight 1.
    penalty_factor, fit_intercept, tol, max_iter, positive
        As in :class:`ElasticNet`.
    verbose : int, default=0
        With 1, one line per segment of ten λ (the λ reached, the largest
        relative duality gap, seconds); with 2 or more, one line per λ. A
        path solved on the Gram matrix (n >= p) prints one line per target.

    Returns
    -------
    lams : ndarray of shape (n_lams,)
        The grid, descending.
    coefs : ndarray of shape (n_lams, n_features) or \
(n_lams, n_targets, n_features)
        Coefficients at each λ.
    intercepts : ndarray of shape (n_lams,) or (n_lams, n_targets)
        Intercepts at each λ.
    dual_gaps : ndarray of shape (n_lams,)
        Relative duality gap of each solution (the largest over targets).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import elastic_net_path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> lams, coefs, intercepts, gaps = elastic_net_path(X, y, lams=5)
    >>> [int((c != 0).sum()) for c in coefs]
    [0, 9, 10, 10, 10]
    >>> bool(gaps.max() <= 1e-8)
    True
    """
    X, y, sample_weight = validate_regression(None, X, y, sample_weight)
    factors = check_factors(penalty_factor, X.shape[1], "penalty_factor", "feature")
    problem = ElasticNetProblem(
        X, y, sample_weight, fit_intercept, many_fits=True, factors=factors
    )
    grid = count_or_values_grid(
        problem.lam_max(l1_ratio, positive), lams, eps, "l1_ratio"
    )
    path = problem.path(
        grid,
        l1_ratio,
        tol=tol,
        max_iter=max_iter,
        positive=positive,
        progress=path_progress("elastic_net_path", len(grid), verbose),
    )
    warn_if_not_converged("elastic_net_path", path.infos, tol, max_iter, problem)
    coefs, intercepts = path.coefs.astype(X.dtype), path.intercepts.astype(X.dtype)
    if problem.single:
        coefs, intercepts = coefs[:, 0, :], intercepts[:, 0]
    return grid, coefs, intercepts, path.gaps


class _ElasticNetBase(_LinearRegressor):
    """What ElasticNet and ElasticNetCV share: solving, the fitted state, prediction."""

    def _problem(self, X, y, sample_weight, many_fits=False, gram=None):
        """The problem on validated arrays, with the checked penalty factors.

        ``gram``: the design's ``X̃ᵀX̃/S`` when the caller has it.
        """
        factors = check_factors(
            self.penalty_factor, X.shape[1], "penalty_factor", "feature"
        )
        return ElasticNetProblem(
            X, y, sample_weight, self.fit_intercept, many_fits, factors, gram
        )

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
        warn_if_not_converged(
            type(self).__name__, infos, self.tol, self.max_iter, problem
        )
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


class ElasticNet(_ElasticNetBase):
    """Elastic net λ[α‖w‖₁ + (1 − α)‖w‖²], α = l1_ratio (scikit-learn's: α/(2 − α)).

    Linear regression with the elastic-net penalty.

    Minimises

    ``(1/S) Σ_i s_i (y_i − b − x_iᵀw)² + λ·Σ_j f_j [α|w_j| + (1 − α)w_j²]``

    (``S = Σ s_i``, λ = ``lam``, α = ``l1_ratio``, f = ``penalty_factor``,
    ones by default), with the intercept
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
        The mix α: share of the ℓ1 term. Not scikit-learn's ``l1_ratio``
        for 0 < α < 1: the same penalty there has ``l1_ratio = α/(2 − α)``
        (its L2 term carries a ½), and a different strength;
        :func:`~sklearn_l2x.conventions.convert` gives both.
    penalty_factor : array-like of shape (n_features,), default=None
        f_j >= 0 multiplying both terms of feature j's penalty; 0 leaves a
        feature unpenalised (glmnet's ``penalty.factor``, which glmnet
        rescales to sum to n_features; these are used as given). None means
        ones. With factors the fit runs on the proximal Newton solver of
        :class:`GroupL2Regression` (``max_iter`` then counts its steps).
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
        **ELASTIC_NET_CONSTRAINTS,
        "lam": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        lam=0.01,
        *,
        l1_ratio=0.5,
        penalty_factor=None,
        fit_intercept=True,
        tol=1e-6,
        max_iter=10000,
        warm_start=False,
        positive=False,
    ):
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
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
        X, y, sample_weight = validate_regression(self, X, y, sample_weight)
        problem = self._problem(X, y, sample_weight)
        W0 = np.zeros((X.shape[1], problem.n_targets))
        if previous is not None and np.size(previous) == W0.size:
            W0 = np.reshape(previous, (problem.n_targets, -1)).T.astype(np.float64)
        return self._solve(problem, self.lam, self.l1_ratio, W0, X.dtype)


share_parameters(elastic_net_path, ElasticNet)
