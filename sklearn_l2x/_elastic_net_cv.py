"""ElasticNetCV: the elastic net with λ (and α) chosen by k-fold CV."""

from numbers import Integral, Real

import numpy as np

from ._cv import weighted_mse
from ._cv_estimator import _CrossValidatedLambda
from ._docstrings import share_parameters
from ._elastic_net import ELASTIC_NET_CONSTRAINTS, ElasticNet, _ElasticNetBase
from ._regression import validate_cv_regression
from ._selection import count_or_values_grid, mix_values
from ._sklearn_compat import Interval, StrOptions, fit_context
from ._solvers.fold_gram import fold_grams

__all__ = ["ElasticNetCV"]


class ElasticNetCV(_CrossValidatedLambda, _ElasticNetBase):
    """ElasticNet, λ and α = l1_ratio (scikit-learn's: α/(2 − α)) chosen by k-fold CV.

    The mix α is chosen too when several are given.

    For every α in ``l1_ratio`` the λ grid descends from that α's ``lam_max``
    on the whole data; on every fold the whole path is fitted (warm-started,
    the working-set Gram matrix shared along it) and the weighted mean squared
    error on the held-out part recorded. All (α, fold) pairs run in one joblib
    ``Parallel``. The (λ, α) with the lowest mean error is refitted on all the
    data. Same design as scikit-learn's ``ElasticNetCV``, in the exact λ, α of
    :class:`ElasticNet`.

    Read more in the :ref:`User Guide <elastic_net>`.

    Parameters
    ----------
    l1_ratio : float or array-like of floats in [0, 1], default=0.5
        The mix α, or the values to choose it from (0, pure ridge, has no
        λ_max: it needs ``lams`` given as values).
    lams : int or array-like, default=100
        Number of λ values (log-spaced from each α's ``lam_max`` to
        ``eps·lam_max``), or the values themselves (for every α).
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold ``KFold``).
    n_jobs : int, default=None
        (α, fold) pairs fitted in parallel (joblib; any backend, e.g. dask).
    penalty_factor, fit_intercept, tol, max_iter, positive
        As in :class:`ElasticNet`.
    selection : {"min", "1se"}, default="min"
        Which λ is refitted: ``"min"`` the one with the best mean score,
        ``"1se"`` the largest λ whose mean score is within one standard error
        of the best (the one-standard-error rule, glmnet's ``lambda.1se``),
        on the chosen mix's grid. Both are reported (``lam_min_``,
        ``lam_1se_``).
    verbose : int, default=0
        With 1 or more, one line per fold path (its λ range, largest
        relative duality gap and seconds) and one for the choice.

    Attributes
    ----------
    lam_ : float
        The chosen λ (``lam_min_`` or ``lam_1se_``, as ``selection`` says).
    lam_min_ : float
        The λ with the lowest mean held-out error.
    lam_1se_ : float
        The largest λ whose mean error is within one standard error of the
        lowest.
    scores_mean_ : ndarray of shape (n_lams,) or (n_l1_ratios, n_lams)
        Mean of ``scores_`` over the folds.
    scores_se_ : ndarray of shape (n_lams,) or (n_l1_ratios, n_lams)
        Standard error of that mean: the fold scores' standard deviation
        (``ddof=1``) over √n_folds.
    l1_ratio_ : float
        The chosen α.
    lams_ : ndarray of shape (n_lams,) or (n_l1_ratios, n_lams)
        The grid(s), descending.
    mse_path_ : ndarray of shape (n_lams, n_folds) or \
(n_l1_ratios, n_lams, n_folds)
        Held-out weighted mean squared errors (scikit-learn's layout).
    scores_ : ndarray of shape (n_folds, n_lams) or \
(n_l1_ratios, n_folds, n_lams)
        The same errors negated, in the layout of every CV estimator's
        ``scores_`` (greater is better).
    coef_, intercept_, n_iter_, dual_gap_, n_features_in_, feature_names_in_
        As in :class:`ElasticNet` (from the refit).

    See Also
    --------
    ElasticNet : One fit at a given λ, α.
    elastic_net_path : Solutions along a λ grid.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import ElasticNetCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], lams=30, cv=5).fit(X, y)
    >>> model.mse_path_.shape
    (3, 30, 5)
    >>> model.l1_ratio_
    1.0
    >>> round(model.score(X, y), 3)
    0.517
    """

    _parameter_constraints: dict = {
        **ELASTIC_NET_CONSTRAINTS,
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "selection": [StrOptions({"min", "1se"})],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        lams=100,
        eps=1e-3,
        cv=None,
        n_jobs=None,
        penalty_factor=None,
        fit_intercept=True,
        tol=1e-6,
        max_iter=10000,
        positive=False,
        selection="min",
        verbose=0,
    ):
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.positive = positive
        self.lams = lams
        self.eps = eps
        self.cv = cv
        self.n_jobs = n_jobs
        self.selection = selection
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Choose λ (and α) by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fits and of the held-out errors.
        **params : dict
            Metadata for the splitter (``cv``), e.g. ``groups`` for
            ``GroupKFold``: routed to it with
            ``sklearn.set_config(enable_metadata_routing=True)``; without
            routing, ``groups`` alone is accepted and passed to it.

        Returns
        -------
        self : ElasticNetCV
            The fitted estimator.
        """
        split_params, _ = self._routed(params)
        X, y, sample_weight = validate_cv_regression(self, X, y, sample_weight)
        mixes = mix_values(self.l1_ratio, "l1_ratio")
        folds = self._folds(X, y, split_params)
        # Without penalty factors every fold's path runs on its Gram matrix:
        # all of them (and the refit's) from one pass over X.
        grams = None
        if self.penalty_factor is None:
            grams = fold_grams(X, sample_weight, folds, self.fit_intercept)
        whole = None if grams is None else grams.whole()
        problem = self._problem(X, y, sample_weight, gram=whole)
        settings = [
            (
                mix,
                count_or_values_grid(
                    problem.lam_max(mix, self.positive),
                    self.lams,
                    self.eps,
                    "l1_ratio",
                ),
            )
            for mix in mixes
        ]
        self._choose(
            settings,
            (X, y, sample_weight),
            folds,
            steps=problem.steps,
            mix_name="l1_ratio",
            fold_context=None if grams is None else grams.train,
        )
        # Held-out errors in scikit-learn's layout: (n_mix, n_lams, n_folds).
        self.mse_path_ = -np.swapaxes(self.scores_, -1, -2)
        start = np.zeros((X.shape[1], problem.n_targets))
        return self._solve(problem, self.lam_, self.l1_ratio_, start, X.dtype)

    _mix_name = "l1_ratio"

    def _fold_scores(self, setting, train, test, score_params, context=None):
        """Minus the weighted held-out MSE of the path fitted on ``train``.

        ``context``: the training rows' Gram matrix, when known.
        """
        path = self._path(train, *setting, gram=context)
        return -weighted_mse(path, *test), path

    def _path(self, data, l1_ratio, grid, gram=None):
        problem = self._problem(*data, many_fits=True, gram=gram)
        return problem.path(
            grid,
            l1_ratio,
            tol=self.tol,
            max_iter=self.max_iter,
            positive=self.positive,
        )

    def _setting_path(self, X, y, sample_weight, mix, grid):
        return self._path(validate_cv_regression(self, X, y, sample_weight), mix, grid)


share_parameters(ElasticNetCV, ElasticNet)
