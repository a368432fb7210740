"""Paths over λ and cross-validated λ for the penalised logistic estimators."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.validation import validate_data

from ._elastic_net_classifier import ElasticNetClassifier
from ._group_logistic import GroupL2LogisticRegression
from ._logistic import lam_max_of
from ._selection import lam_grid
from ._sklearn_compat import Interval, fit_context, safe_indexing
from ._solvers.prox_newton import solve

__all__ = [
    "ElasticNetClassifierCV",
    "GroupL2LogisticRegressionCV",
    "group_l2_logistic_path",
]


def _lam_grid(lam_top, lams, eps, mix_name):
    """``lams`` is a count (automatic grid) or the values themselves."""
    if np.isscalar(lams):
        return lam_grid(lam_top, None, lams, eps, mix_name)
    return lam_grid(lam_top, lams, None, eps, mix_name)


def _path(estimator, X, y, sample_weight, lams, eps):
    """Solutions along a descending λ grid, each warm-started from the last."""
    X, loss, penalty = estimator._prepare(X, y, sample_weight, reset=True)
    grid = _lam_grid(
        lam_max_of(X, loss, penalty, estimator.fit_intercept),
        lams,
        eps,
        estimator._mix_name,
    )
    W = np.zeros((X.shape[1], loss.n_outputs))
    b = loss.null_intercept(estimator.fit_intercept)
    coefs, intercepts, infos = [], [], []
    gradient = None
    for k, lam in enumerate(grid):
        penalty.lam = float(lam)
        start = W
        if k >= 2 and grid[k - 1] != grid[k - 2]:
            # Predictor: the solution moves smoothly in log λ between changes
            # of the support, so extrapolating the last two solutions (on the
            # groups active now) starts the next solve closer than the last
            # solution does; the solver certifies whatever it is given.
            step = np.log(lam / grid[k - 1]) / np.log(grid[k - 1] / grid[k - 2])
            active = (penalty.group_norms(W) > 0)[penalty.membership]
            start = np.where(active[:, None], W + step * (W - coefs[-2].T), 0.0)
        W, b, info = solve(
            X,
            loss,
            penalty,
            start,
            b,
            fit_intercept=estimator.fit_intercept,
            tol=estimator.tol,
            max_iter=estimator.max_iter,
            chord=True,
            polish=False,
            gradient_hint=gradient,
        )
        gradient = info.pop("gradient", None)
        coefs.append(W.T.copy())
        intercepts.append(b.copy())
        infos.append(info)
    return grid, np.array(coefs), np.array(intercepts), infos


def group_l2_logistic_path(
    X,
    y,
    *,
    lams=50,
    eps=1e-3,
    groups=None,
    group_ratio=1.0,
    group_weights=None,
    sample_weight=None,
    class_weight=None,
    fit_intercept=True,
    tol=1e-6,
    max_iter=500,
):
    """Group-L2 logistic regression along a descending λ grid, warm-started.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    lams : int or array-like, default=50
        Number of λ values, log-spaced from ``lam_max`` down to
        ``eps·lam_max``, or the λ values themselves (sorted descending).
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of an automatic grid.
    groups, group_ratio, group_weights, class_weight, fit_intercept, tol, \
max_iter
        As in :class:`GroupL2LogisticRegression`.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    lams : ndarray of shape (n_lams,)
        The grid, descending.
    coefs : ndarray of shape (n_lams, n_outputs, n_features)
        Coefficients (``n_outputs`` = 1 for two classes).
    intercepts : ndarray of shape (n_lams, n_outputs)
    dual_gaps : ndarray of shape (n_lams,)
        Relative duality gap of each solution.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import group_l2_logistic_path
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> lams, coefs, intercepts, gaps = group_l2_logistic_path(X, y, lams=5)
    >>> [int((c != 0).sum()) for c in coefs]
    [0, 4, 9, 17, 22]
    """
    estimator = GroupL2LogisticRegression(
        groups=groups,
        group_ratio=group_ratio,
        group_weights=group_weights,
        class_weight=class_weight,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
    )
    grid, coefs, intercepts, infos = _path(estimator, X, y, sample_weight, lams, eps)
    gaps = np.array([info["relative_gap"] for info in infos])
    return grid, coefs, intercepts, gaps


def _fold_scores(template, X, y, sample_weight, train, test, lams, scorer):
    """Scores of every λ of the path fitted on ``train``, on ``test``."""
    X_train, y_train = safe_indexing(X, train), safe_indexing(y, train)
    X_test, y_test = safe_indexing(X, test), safe_indexing(y, test)
    sw_train = None if sample_weight is None else sample_weight[train]
    estimator = clone(template)
    _, coefs, intercepts, _ = _path(estimator, X_train, y_train, sw_train, lams, None)
    scores = []
    for coef, intercept in zip(coefs, intercepts, strict=True):
        estimator.coef_, estimator.intercept_ = coef, intercept
        scores.append(scorer(estimator, X_test, y_test))
    return np.array(scores)


class _LogisticCVMixin:
    """λ (and the mix, when several are given) chosen by cross-validated paths.

    For every mix value and fold, the whole λ path (descending from the whole
    data's ``lam_max``, warm-started) is fitted on the training part and
    scored on the held-out part; all (mix, fold) pairs run in one joblib
    ``Parallel``. The best mean score wins (the largest λ among ties).
    """

    _single = None  # the single-λ estimator class (which names its mix)

    def _template(self, lam, mix):
        """The single-λ estimator with this one's shared parameters."""
        shared = self._single().get_params()
        params = {
            name: value
            for name, value in self.get_params().items()
            if name in shared and name != "verbose"
        }
        params[self._mix_name] = mix
        template = self._single(**{**params, "lam": lam})
        if hasattr(self, "feature_names_in_"):
            template.feature_names_in_ = self.feature_names_in_
        return template

    def _cv_fit(self, X, y, sample_weight):
        X, y = validate_data(
            self, X, y, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
        )
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
        mix_param = getattr(self, self._mix_name)
        several = not np.isscalar(mix_param)
        mixes = [float(m) for m in np.atleast_1d(mix_param)]
        if not mixes:
            raise ValueError(f"{self._mix_name} must not be empty.")
        grids = []
        for mix in mixes:
            template = self._template(1.0, mix)
            X_checked, loss, penalty = template._prepare(X, y, sample_weight, True)
            top = lam_max_of(X_checked, loss, penalty, self.fit_intercept)
            grids.append(_lam_grid(top, self.lams, self.eps, self._mix_name))
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        scorer = check_scoring(self._template(1.0, mixes[0]), scoring=self.scoring)
        scores = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_scores)(
                self._template(1.0, mix), X, y, sample_weight, train, test, grid, scorer
            )
            for mix, grid in zip(mixes, grids, strict=True)
            for train, test in folds
        )
        scores = np.array(scores).reshape(len(mixes), len(folds), -1)
        mean = scores.mean(axis=1)
        best_mix, best_lam = np.argwhere(mean >= mean.max() - 1e-12)[0]
        self.lam_ = float(grids[best_mix][best_lam])
        mix = mixes[best_mix]
        setattr(self, self._mix_name + "_", mix)
        self.scores_ = scores if several else scores[0]
        self.lams_ = np.array(grids) if several else grids[0]
        final = self._template(self.lam_, mix)
        if self.refit:
            final.fit(X, y, sample_weight)
        else:
            fold_fits = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_fold)(final, X, y, sample_weight, train)
                for train, _ in folds
            )
            final = fold_fits[0]
            final.coef_ = np.mean([f.coef_ for f in fold_fits], axis=0)
            final.intercept_ = np.mean([f.intercept_ for f in fold_fits], axis=0)
            final.n_iter_ = max(f.n_iter_ for f in fold_fits)
            final.dual_gap_ = max(f.dual_gap_ for f in fold_fits)
            penalty = final._make_penalty(X.shape[1], self.lam_)
            final._describe_solution(final.coef_.T, penalty)
        for name, value in vars(final).items():
            if (
                name.endswith("_")
                and not name.startswith("_")
                and name
                not in (
                    "n_features_in_",
                    "feature_names_in_",
                )
            ):
                setattr(self, name, value)
        return self


class GroupL2LogisticRegressionCV(_LogisticCVMixin, GroupL2LogisticRegression):
    """GroupL2LogisticRegression with λ chosen by cross-validation.

    For every fold, the whole λ path (descending from ``lam_max``, each fit
    warm-started from the previous one) is fitted on the training part and
    scored on the held-out part; the folds run in parallel with joblib. The λ
    with the best mean score (the largest one among ties) is refitted on all
    the data.

    Read more in the :ref:`User Guide <group_logistic>`.

    Parameters
    ----------
    groups, group_ratio, group_weights, fit_intercept, class_weight, tol, \
max_iter, verbose
        As in :class:`GroupL2LogisticRegression`.
    lams : int or array-like, default=30
        Number of λ values (log-spaced from ``lam_max`` of the whole data to
        ``eps·lam_max``) or the values themselves.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold stratified).
    scoring : str or callable, default=None
        Scorer (None means accuracy, the estimator's ``score``).
    n_jobs : int, default=None
        Folds fitted in parallel (joblib; any backend, e.g. dask).
    refit : bool, default=True
        Refit on all data at the best λ. If False, the coefficients are the
        average over folds of the solutions at the best λ.

    Attributes
    ----------
    lam_ : float
        The chosen λ.
    lams_ : ndarray of shape (n_lams,)
        The grid, descending.
    scores_ : ndarray of shape (n_folds, n_lams)
        Held-out scores.
    classes_, coef_, intercept_, n_iter_, dual_gap_, groups_, group_names_, \
active_groups_, n_features_in_, feature_names_in_
        As in :class:`GroupL2LogisticRegression` (from the refit).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import GroupL2LogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(
    ...     StandardScaler(), GroupL2LogisticRegressionCV(lams=10, cv=3)
    ... ).fit(X, y)
    >>> model[-1].scores_.shape
    (3, 10)
    """

    _parameter_constraints: dict = {
        **GroupL2LogisticRegression._parameter_constraints,
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "n_jobs": [Integral, None],
        "refit": ["boolean"],
    }
    _parameter_constraints.pop("lam")
    _parameter_constraints.pop("warm_start")

    def __init__(
        self,
        groups=None,
        *,
        lams=30,
        eps=1e-3,
        group_ratio=1.0,
        group_weights=None,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
    ):
        super().__init__(
            groups=groups,
            group_ratio=group_ratio,
            group_weights=group_weights,
            fit_intercept=fit_intercept,
            class_weight=class_weight,
            tol=tol,
            max_iter=max_iter,
            verbose=verbose,
        )
        self.lams = lams
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit

    _single = GroupL2LogisticRegression

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Choose λ by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GroupL2LogisticRegressionCV
            The fitted estimator.
        """
        return self._cv_fit(X, y, sample_weight)


def _fit_fold(estimator, X, y, sample_weight, train):
    sw = None if sample_weight is None else sample_weight[train]
    return clone(estimator).fit(safe_indexing(X, train), safe_indexing(y, train), sw)


class ElasticNetClassifierCV(_LogisticCVMixin, ElasticNetClassifier):
    """ElasticNetClassifier with λ, and optionally the mix α, chosen by CV.

    For every value of ``l1_ratio`` and every fold, the whole λ path
    (descending from ``lam_max`` of the whole data for that α, warm-started) is
    fitted on the training part and scored on the held-out part; all (α, fold)
    pairs run in parallel with joblib. The best mean score wins (the largest
    λ among ties) and is refitted on all the data.

    Read more in the :ref:`User Guide <elastic_net>`.

    Parameters
    ----------
    l1_ratio : float or array-like of floats in (0, 1], default=0.5
        The mix α, or the values to choose it from.
    lams : int or array-like, default=30
        Number of λ values (log-spaced from ``lam_max`` to ``eps·lam_max``) or
        the values themselves.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    fit_intercept, class_weight, tol, max_iter, verbose
        As in :class:`ElasticNetClassifier`.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold stratified).
    scoring : str or callable, default=None
        Scorer (None means accuracy).
    n_jobs : int, default=None
        (α, fold) pairs fitted in parallel (joblib; any backend, e.g. dask).
    refit : bool, default=True
        Refit on all data at the best (λ, α). If False, the coefficients are
        the average over folds of the solutions there.

    Attributes
    ----------
    lam_ : float
        The chosen λ.
    l1_ratio_ : float
        The chosen α.
    lams_ : ndarray of shape (n_lams,) or (n_l1_ratios, n_lams)
        The grid(s), descending.
    scores_ : ndarray of shape (n_folds, n_lams) or \
(n_l1_ratios, n_folds, n_lams)
        Held-out scores.
    classes_, coef_, intercept_, n_iter_, dual_gap_, n_features_in_, \
feature_names_in_
        As in :class:`ElasticNetClassifier` (from the refit).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import ElasticNetClassifierCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(
    ...     StandardScaler(),
    ...     ElasticNetClassifierCV(l1_ratio=[0.2, 0.8], lams=8, cv=3),
    ... ).fit(X, y)
    >>> model[-1].scores_.shape
    (2, 3, 8)
    >>> model[-1].l1_ratio_ in (0.2, 0.8)
    True
    """

    _single = ElasticNetClassifier

    _parameter_constraints: dict = {
        **ElasticNetClassifier._parameter_constraints,
        "l1_ratio": [Interval(Real, 0, 1, closed="right"), "array-like"],
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "n_jobs": [Integral, None],
        "refit": ["boolean"],
    }
    _parameter_constraints.pop("lam")
    _parameter_constraints.pop("warm_start")

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        lams=30,
        eps=1e-3,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
    ):
        super().__init__(
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            class_weight=class_weight,
            tol=tol,
            max_iter=max_iter,
            verbose=verbose,
        )
        self.lams = lams
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Choose λ (and α) by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : ElasticNetClassifierCV
            The fitted estimator.
        """
        return self._cv_fit(X, y, sample_weight)
