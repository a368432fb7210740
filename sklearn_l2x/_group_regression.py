"""GroupL2Regression(CV): the squared loss with the group-L2 penalty, and its path.

The same penalty, groups and solver as the group-L2 logistic regression, on
``(1/S) Σ_i s_i ‖y_i − b − Wᵀx_i‖²``; with several targets a group spans the
group's coefficients of every target (the multi-task group lasso).
"""

from numbers import Integral, Real

import numpy as np

from ._cv import weighted_mse
from ._cv_estimator import _CrossValidatedLambda
from ._docstrings import share_parameters
from ._group_logistic import (
    GROUP_LOGISTIC_CONSTRAINTS,
    GroupStructure,
    _GroupL2Penalised,
)
from ._logistic import PROX_NEWTON_STEPS
from ._problem import certified_path, regression_problem
from ._regression import (
    _LinearRegressor,
    validate_cv_regression,
    validate_regression,
)
from ._selection import count_or_values_grid, mix_values
from ._sklearn_compat import (
    Interval,
    StrOptions,
    feature_names_of,
    fit_context,
    validate_params,
)
from ._validation import warn_not_converged

__all__ = ["GroupL2Regression", "GroupL2RegressionCV", "group_l2_regression_path"]

#: Parameters shared by GroupL2Regression and its CV estimator.
GROUP_REGRESSION_CONSTRAINTS = {
    name: constraint
    for name, constraint in GROUP_LOGISTIC_CONSTRAINTS.items()
    if name != "class_weight"
}


class _GroupL2RegressionModel(_GroupL2Penalised, _LinearRegressor):
    """The group-L2 squared-loss problem, and how a solution is recorded."""

    def _problem(self, X, y, sample_weight, lam, mix, structure):
        penalty = self._make_penalty(X.shape[1], lam, mix, structure)
        return regression_problem(X, y, sample_weight, penalty, self.fit_intercept)

    def _solver_options(self):
        return {"tol": self.tol, "max_iter": self.max_iter, "verbose": self.verbose}

    def _set_solution(self, W, b, info, structure, single, dtype):
        """coef_ (p,) for one target given as 1-D y, (K, p) otherwise."""
        self.coef_ = (W[:, 0] if single else W.T).astype(dtype)
        self.intercept_ = float(b[0]) if single else np.asarray(b).astype(dtype)
        self.n_iter_ = info["n_iter"]
        self.dual_gap_ = info["relative_gap"]
        self._describe_solution(W, structure)
        warn_not_converged(
            type(self).__name__, [info], self.tol, self.max_iter, PROX_NEWTON_STEPS
        )


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "sample_weight": ["array-like", None],
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        **{
            name: GROUP_REGRESSION_CONSTRAINTS[name]
            for name in (
                "groups",
                "group_ratio",
                "group_weights",
                "l1_ratio",
                "positive",
                "fit_intercept",
                "tol",
                "max_iter",
            )
        },
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def group_l2_regression_path(
    X,
    y,
    *,
    lams=100,
    eps=1e-3,
    groups=None,
    group_ratio=1.0,
    group_weights=None,
    l1_ratio=0.0,
    positive=False,
    sample_weight=None,
    fit_intercept=True,
    tol=1e-6,
    max_iter=500,
    verbose=0,
):
    """Group-L2 regression along a descending λ grid, each fit warm-started.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values.
    lams : int or array-like, default=100
        Number of λ values, log-spaced from ``lam_max`` down to
        ``eps·lam_max``, or the λ values themselves (sorted descending).
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of an automatic grid.
    groups, group_ratio, group_weights, l1_ratio, positive, fit_intercept, \
tol, max_iter
        As in :class:`GroupL2Regression`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; None gives every sample weight 1.
    verbose : int, default=0
        With 1, one line per segment of ten λ (the λ reached, the largest
        relative duality gap, seconds); with 2 or more, one line per λ.

    Returns
    -------
    lams : ndarray of shape (n_lams,)
        The grid, descending.
    coefs : ndarray of shape (n_lams, n_features) or \
(n_lams, n_targets, n_features)
        Coefficients (the second form for 2-D y).
    intercepts : ndarray of shape (n_lams,) or (n_lams, n_targets)
        Intercepts at each λ.
    dual_gaps : ndarray of shape (n_lams,)
        Relative duality gap of each solution. A ``ConvergenceWarning`` says
        when some point stopped above ``tol``.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import group_l2_regression_path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> groups = [0, 1, 2, 3, 4, 4, 4, 4, 4, 4]  # the six blood serum values in one
    >>> lams, coefs, intercepts, gaps = group_l2_regression_path(
    ...     X, y, groups=groups, lams=6
    ... )
    >>> [int((c != 0).sum()) for c in coefs]
    [0, 8, 9, 9, 10, 10]
    """
    names = feature_names_of(X)
    X, y, sample_weight = validate_regression(None, X, y, sample_weight)
    structure = GroupStructure(
        groups, X.shape[1], names, group_weights, l1_ratio, positive
    )
    penalty = structure.penalty(1.0, group_ratio)
    problem = regression_problem(X, y, sample_weight, penalty, fit_intercept)
    grid = count_or_values_grid(problem.lam_max(), lams, eps, "group_ratio")
    path = certified_path(
        problem,
        grid,
        tol,
        max_iter,
        "group_l2_regression_path",
        PROX_NEWTON_STEPS,
        verbose,
    )
    coefs, intercepts = path.coefs.astype(X.dtype), path.intercepts.astype(X.dtype)
    if y.ndim == 1:
        coefs, intercepts = coefs[:, 0, :], intercepts[:, 0]
    return path.lams, coefs, intercepts, path.gaps


class GroupL2Regression(_GroupL2RegressionModel):
    """Linear regression with a group-L2 (group lasso) penalty, one or many targets.

    Minimises

    ``(1/S) Σ_i s_i ‖y_i − b − Wᵀx_i‖² + lam · [group_ratio · Σ_g ((1 − τ)
    ω_g ‖W_g‖₂ + τ ‖W_g‖₁) + (1 − group_ratio) · ‖W‖₂²]``

    (``S = Σ s_i``, τ = ``l1_ratio``, 0 by default; no ½ on the squared
    terms), where ``W_g`` holds the
    coefficients of group g *for all targets at once*: with 2-D y a group
    enters or leaves the model for every target together (the multi-task
    group lasso). The intercepts are not penalised.

    With singleton groups (``groups=None``) and several targets this is
    scikit-learn's ``MultiTaskElasticNet`` with ``alpha = lam·(1 −
    group_ratio/2)`` and ``l1_ratio = group_ratio/(2 − group_ratio)``
    (``MultiTaskLasso(alpha=lam/2)`` for ``group_ratio=1``); with one target
    and singleton groups it is :class:`ElasticNet` with ``l1_ratio =
    group_ratio``.

    The solver is the proximal Newton method of
    :class:`GroupL2LogisticRegression` (on the squared loss each Newton model
    is exact), stopped when the duality gap, relative to the objective at
    ``W = 0``, is below ``tol``.

    Read more in the :ref:`User Guide <group_regression>`.

    Parameters
    ----------
    groups : None, array-like of shape (n_features,), list of lists, dict or \
            SourceGroups, default=None
        Feature groups, as in :class:`GroupL2LogisticRegression`; None makes
        every feature its own group.
    lam : float, default=0.01
        Penalty strength λ >= 0.
    group_ratio : float in [0, 1], default=1.0
        Share of the group term; 0 is pure ridge, 1 pure group lasso.
    group_weights : array-like of shape (n_groups,), default=None
        ω_g >= 0; None means √|g|. A weight of 0 leaves the group
        unpenalised altogether (none of the penalty's terms applies to it, as
        glmnet's ``penalty.factor = 0``); ``lam_max`` is then the smallest λ
        zeroing every other group, with the free groups fitted.
    l1_ratio : float in [0, 1], default=0.0
        τ, the ℓ1 share inside the sparse part (the sparse-group lasso): the
        group term becomes ``Σ_g ((1 − τ) ω_g ‖W_g‖₂ + τ ‖W_g‖₁)``, so a group
        enters and only some of its entries are non-zero. 0 is the group
        lasso, 1 the lasso on every entry.
    positive : bool, default=False
        Constrain every coefficient to be non-negative.
    fit_intercept : bool, default=True
        Whether to fit (unpenalised) intercepts.
    tol : float, default=1e-6
        Stop when the duality gap is at most ``tol`` times the objective at
        ``W = 0`` (the weighted variance of y, summed over targets).
    max_iter : int, default=500
        Maximum number of proximal Newton steps.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    verbose : int, default=0
        Print the objective and the gap at each outer iteration.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients (the second form for 2-D y), of the dtype of X.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercepts.
    n_iter_ : int
        Proximal Newton steps taken.
    dual_gap_ : float
        Duality gap at the solution, relative to the objective at ``W = 0``;
        it bounds the relative suboptimality.
    groups_ : list of ndarray
        Column indices of each group.
    group_names_ : list
        Name of each group.
    active_groups_ : list
        Names of the groups with non-zero coefficients.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    group_l2_regression_path : Solutions along a λ grid.
    GroupL2RegressionCV : λ chosen by cross-validation.
    GroupL2LogisticRegression : The same penalty on the log-loss.

    Notes
    -----
    At a solution, with ``R = 2 diag(s)(XW + 1bᵀ − Y)/S``: ``1ᵀR = 0``; for a
    zero group ``‖X_gᵀR‖ <= λ·ratio·ω_g``; for a non-zero group
    ``X_gᵀR + 2λ(1 − ratio)W_g + λ·ratio·ω_g W_g/‖W_g‖ = 0``.

    Examples
    --------
    >>> from sklearn.datasets import load_linnerud
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import GroupL2Regression
    >>> X, Y = load_linnerud(return_X_y=True)  # 3 exercises -> 3 body measures
    >>> model = make_pipeline(
    ...     StandardScaler(), GroupL2Regression(lam=10.0)
    ... ).fit(X, Y)
    >>> model[-1].coef_.shape
    (3, 3)
    >>> model[-1].active_groups_  # one exercise kept for all three targets
    [1]
    """

    _parameter_constraints: dict = {
        **GROUP_REGRESSION_CONSTRAINTS,
        "lam": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        groups=None,
        lam=0.01,
        *,
        group_ratio=1.0,
        group_weights=None,
        l1_ratio=0.0,
        positive=False,
        fit_intercept=True,
        tol=1e-6,
        max_iter=500,
        warm_start=False,
        verbose=0,
    ):
        self.groups = groups
        self.lam = lam
        self.group_ratio = group_ratio
        self.group_weights = group_weights
        self.l1_ratio = l1_ratio
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose

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
        self : GroupL2Regression
            The fitted estimator.
        """
        previous = getattr(self, "coef_", None) if self.warm_start else None
        X, y, sample_weight = validate_regression(self, X, y, sample_weight)
        structure = self._penalty_structure(X.shape[1])
        problem = self._problem(
            X, y, sample_weight, self.lam, self.group_ratio, structure
        )
        W0, b0 = problem.start()
        if previous is not None and np.size(previous) == W0.size:
            W0 = np.reshape(previous, W0.T.shape).T.astype(np.float64)
            b0 = np.reshape(self.intercept_, b0.shape).astype(np.float64)
        W, b, info = problem.solve(
            self.lam, W0, b0, chord=True, **self._solver_options()
        )
        self._set_solution(W, b, info, structure, y.ndim == 1, X.dtype)
        return self


class GroupL2RegressionCV(_CrossValidatedLambda, _GroupL2RegressionModel):
    """GroupL2Regression with λ (and optionally group_ratio) chosen by k-fold CV.

    For every value of ``group_ratio`` and every fold, the whole λ path
    (descending from ``lam_max`` of the whole data, each fit warm-started) is
    fitted on the training part and its weighted mean squared error on the
    held-out part recorded (averaged over targets); all (ratio, fold) pairs
    run in one joblib ``Parallel``. The λ with the lowest mean error (the
    largest one among ties), or the one-standard-error λ, is refitted on all
    the data.

    Read more in the :ref:`User Guide <group_regression>`.

    Parameters
    ----------
    groups, group_weights, l1_ratio, positive, fit_intercept, tol, max_iter
        As in :class:`GroupL2Regression`.
    verbose : int, default=0
        With 1 or more, one line per fold path (its λ range, largest
        relative duality gap and seconds) and one for the choice; with 2 or
        more, also the refit's solver steps.
    lams : int or array-like, default=100
        Number of λ values (log-spaced from ``lam_max`` of the whole data to
        ``eps·lam_max``) or the values themselves.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    group_ratio : float or array-like of floats in [0, 1], default=1.0
        Share of the group term, or the values to choose it from (0, pure
        ridge, has no λ_max: it needs ``lams`` given as values).
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold ``KFold``).
    n_jobs : int, default=None
        (ratio, fold) pairs fitted in parallel (joblib; any backend).
    selection : {"min", "1se"}, default="min"
        Which λ is refitted: ``"min"`` the one with the lowest mean error,
        ``"1se"`` the largest λ whose mean error is within one standard error
        of the lowest (the one-standard-error rule, glmnet's
        ``lambda.1se``), on the chosen ratio's grid.

    Attributes
    ----------
    lam_ : float
        The chosen λ (``lam_min_`` or ``lam_1se_``, as ``selection`` says).
    lam_min_ : float
        The λ with the lowest mean held-out error.
    lam_1se_ : float
        The largest λ whose mean error is within one standard error of the
        lowest.
    group_ratio_ : float
        The chosen ratio.
    lams_ : ndarray of shape (n_lams,) or (n_ratios, n_lams)
        The grid(s), descending.
    scores_ : ndarray of shape (n_folds, n_lams) or (n_ratios, n_folds, n_lams)
        Held-out scores: minus the weighted mean squared errors.
    scores_mean_ : ndarray of shape (n_lams,) or (n_ratios, n_lams)
        Mean of ``scores_`` over the folds.
    scores_se_ : ndarray of shape (n_lams,) or (n_ratios, n_lams)
        Standard error of that mean: the fold scores' standard deviation
        (``ddof=1``) over √n_folds.
    mse_path_ : ndarray of shape (n_lams, n_folds) or (n_ratios, n_lams, n_folds)
        The held-out errors in scikit-learn's ``ElasticNetCV`` layout.
    coef_, intercept_, n_iter_, dual_gap_, groups_, group_names_, \
active_groups_, n_features_in_, feature_names_in_
        As in :class:`GroupL2Regression` (from the refit).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import GroupL2RegressionCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> groups = [0, 1, 2, 3, 4, 4, 4, 4, 4, 4]
    >>> model = GroupL2RegressionCV(groups, lams=20, cv=5).fit(X, y)
    >>> model.scores_.shape
    (5, 20)
    >>> bool(model.lam_1se_ >= model.lam_min_)
    True
    """

    _parameter_constraints: dict = {
        **GROUP_REGRESSION_CONSTRAINTS,
        "group_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "selection": [StrOptions({"min", "1se"})],
    }

    def __init__(
        self,
        groups=None,
        *,
        lams=100,
        eps=1e-3,
        group_ratio=1.0,
        group_weights=None,
        l1_ratio=0.0,
        positive=False,
        fit_intercept=True,
        tol=1e-6,
        max_iter=500,
        cv=None,
        n_jobs=None,
        selection="min",
        verbose=0,
    ):
        self.groups = groups
        self.lams = lams
        self.eps = eps
        self.group_ratio = group_ratio
        self.group_weights = group_weights
        self.l1_ratio = l1_ratio
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.cv = cv
        self.n_jobs = n_jobs
        self.selection = selection
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Choose λ (and the ratio) by cross-validation, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; the held-out errors are weighted by them
            too.
        **params : dict
            Metadata for the splitter (``cv``), e.g. ``groups`` for
            ``GroupKFold``: routed to it with
            ``sklearn.set_config(enable_metadata_routing=True)``; without
            routing, ``groups`` alone is accepted and passed to it.

        Returns
        -------
        self : GroupL2RegressionCV
            The fitted estimator.
        """
        split_params, _ = self._routed(params)
        X, y, sample_weight = validate_cv_regression(self, X, y, sample_weight)
        structure = self._penalty_structure(X.shape[1])
        settings = [
            (mix, self._grid(X, y, sample_weight, mix, structure), structure)
            for mix in mix_values(self.group_ratio, "group_ratio")
        ]
        folds = self._folds(X, y, split_params)
        summary = self._choose(
            settings,
            (X, y, sample_weight),
            folds,
            steps=PROX_NEWTON_STEPS,
            mix_name="group_ratio",
        )
        self.mse_path_ = -np.swapaxes(self.scores_, -1, -2)
        problem = self._problem(X, y, sample_weight, self.lam_, summary.mix, structure)
        W, b, info = problem.solve(self.lam_, chord=True, **self._solver_options())
        self._set_solution(W, b, info, structure, y.ndim == 1, X.dtype)
        return self

    def _grid(self, X, y, sample_weight, mix, structure):
        problem = self._problem(X, y, sample_weight, 1.0, mix, structure)
        return count_or_values_grid(
            problem.lam_max(), self.lams, self.eps, "group_ratio"
        )

    def _fold_scores(self, setting, train, test, score_params):
        """Minus the weighted held-out MSE of the path fitted on ``train``."""
        mix, grid, structure = setting
        problem = self._problem(*train, 1.0, mix, structure)
        path = problem.path(grid, tol=self.tol, max_iter=self.max_iter)
        return -weighted_mse(path, *test), path

    def _setting_path(self, X, y, sample_weight, mix, grid):
        X, y, sample_weight = validate_cv_regression(self, X, y, sample_weight)
        structure = self._penalty_structure(X.shape[1])
        problem = self._problem(X, y, sample_weight, 1.0, mix, structure)
        return problem.path(grid, tol=self.tol, max_iter=self.max_iter)


share_parameters(GroupL2RegressionCV, GroupL2Regression)
share_parameters(group_l2_regression_path, GroupL2Regression)
