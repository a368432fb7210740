"""ElasticNetCV: the elastic net with λ (and α) chosen by k-fold CV."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import check_cv

from ._elastic_net import (
    ElasticNet,
    _path,
    _Problem,
    _validate_regression,
)
from ._selection import lam_grid
from ._sklearn_compat import Interval, fit_context, safe_indexing

__all__ = ["ElasticNetCV"]


def _fold_mse(X, y, sample_weight, train, test, grid, l1_ratio, settings):
    """Weighted held-out MSE of every λ of the path fitted on ``train``."""
    X_train, X_test = safe_indexing(X, train), safe_indexing(X, test)
    problem = _Problem(
        X_train,
        y[train],
        sample_weight[train],
        settings["fit_intercept"],
        many_fits=True,
    )
    coefs, _, _ = _path(
        problem,
        grid,
        l1_ratio,
        tol=settings["tol"],
        max_iter=settings["max_iter"],
        positive=settings["positive"],
    )
    Y_test = y[test][:, None] if y.ndim == 1 else y[test]
    weights = sample_weight[test]
    errors = []
    for W in coefs:
        residual = Y_test - (np.asarray(X_test @ W) + problem.intercepts(W))
        errors.append(float(weights @ (residual**2).mean(axis=1)) / weights.sum())
    return np.array(errors)


class ElasticNetCV(ElasticNet):
    """ElasticNet with λ, and optionally the mix α, chosen by k-fold CV.

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
    l1_ratio : float or array-like of floats in (0, 1], default=0.5
        The mix α, or the values to choose it from.
    lams : array-like, default=None
        λ values to try (for every α). None means ``n_lams`` values
        log-spaced from ``lam_max`` to ``eps·lam_max``.
    n_lams : int, default=100
        Size of the automatic grid.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold ``KFold``).
    n_jobs : int, default=None
        (α, fold) pairs fitted in parallel (joblib; any backend, e.g. dask).
    fit_intercept, tol, max_iter, positive
        As in :class:`ElasticNet`.

    Attributes
    ----------
    lam_ : float
        The chosen λ.
    l1_ratio_ : float
        The chosen α.
    lams_ : ndarray of shape (n_lams,) or (n_l1_ratios, n_lams)
        The grid(s), descending.
    mse_path_ : ndarray of shape (n_lams, n_folds) or \
(n_l1_ratios, n_lams, n_folds)
        Held-out weighted mean squared errors.
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
    >>> model = ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], n_lams=30, cv=5).fit(X, y)
    >>> model.mse_path_.shape
    (3, 30, 5)
    >>> model.l1_ratio_
    1.0
    >>> round(model.score(X, y), 3)
    0.517
    """

    _parameter_constraints: dict = {
        **ElasticNet._parameter_constraints,
        "l1_ratio": [Interval(Real, 0, 1, closed="right"), "array-like"],
        "lams": ["array-like", None],
        "n_lams": [Interval(Integral, 1, None, closed="left")],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }
    _parameter_constraints.pop("lam")
    _parameter_constraints.pop("warm_start")

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        lams=None,
        n_lams=100,
        eps=1e-3,
        cv=None,
        n_jobs=None,
        fit_intercept=True,
        tol=1e-6,
        max_iter=10000,
        positive=False,
    ):
        super().__init__(
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=max_iter,
            positive=positive,
        )
        self.lams = lams
        self.n_lams = n_lams
        self.eps = eps
        self.cv = cv
        self.n_jobs = n_jobs

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Choose λ (and α) by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : ElasticNetCV
            The fitted estimator.
        """
        X, y, sample_weight = _validate_regression(self, X, y, sample_weight, True)
        if X.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to cross-validate, "
                f"got n_samples = {X.shape[0]}."
            )
        several = not np.isscalar(self.l1_ratio)
        mixes = [float(m) for m in np.atleast_1d(self.l1_ratio)]
        if not mixes:
            raise ValueError("l1_ratio must not be empty.")
        problem = _Problem(X, y, sample_weight, self.fit_intercept)
        grids = [
            lam_grid(
                problem.lam_max(mix, self.positive),
                self.lams,
                self.n_lams,
                self.eps,
                "l1_ratio",
            )
            for mix in mixes
        ]
        folds = list(check_cv(self.cv).split(X, y))
        settings = {
            "fit_intercept": self.fit_intercept,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "positive": self.positive,
        }
        errors = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_mse)(X, y, sample_weight, train, test, grid, mix, settings)
            for mix, grid in zip(mixes, grids, strict=True)
            for train, test in folds
        )
        # (n_mix, n_folds, n_lams) → scikit-learn's (n_mix, n_lams, n_folds)
        mse = np.array(errors).reshape(len(mixes), len(folds), -1).transpose(0, 2, 1)
        mean = mse.mean(axis=2)
        ties = mean <= mean.min() + 1e-12 * abs(mean.min())
        best_mix, best_lam = np.argwhere(ties)[0]
        self.lam_ = float(grids[best_mix][best_lam])
        self.l1_ratio_ = mixes[best_mix]
        self.lams_ = np.array(grids) if several else grids[0]
        self.mse_path_ = mse if several else mse[0]
        start = np.zeros((X.shape[1], problem.n_targets))
        return self._solve(problem, self.lam_, self.l1_ratio_, start, X.dtype)
