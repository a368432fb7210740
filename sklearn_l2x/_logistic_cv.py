"""Paths over λ and cross-validated λ for the penalised logistic estimators.

The CV estimators share :class:`_LogisticCV`: the folds, paths, weighted
held-out scores and the tie rule are those of :mod:`sklearn_l2x._cv`, the
problems those of :mod:`sklearn_l2x._problem`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.metrics import check_scoring, log_loss

from ._cv import _rows
from ._cv_estimator import _CrossValidatedLambda
from ._docstrings import share_parameters
from ._elastic_net_classifier import (
    ELASTIC_LOGISTIC_CONSTRAINTS,
    ElasticNetClassifier,
    _L1L2Penalised,
)
from ._group_logistic import (
    GROUP_FUNCTION_CONSTRAINTS,
    GROUP_LOGISTIC_CONSTRAINTS,
    GroupL2LogisticRegression,
    GroupStructure,
    _GroupL2Penalised,
    group_problem,
    validated_classification_data,
)
from ._logistic import PROX_NEWTON_STEPS, _LogisticLinearModel
from ._problem import certified_path
from ._selection import count_or_values_grid, mix_values
from ._sklearn_compat import Interval, StrOptions, fit_context, validate_params
from ._validation import check_sample_weight

__all__ = [
    "ElasticNetClassifierCV",
    "GroupL2LogisticRegressionCV",
    "group_l2_logistic_path",
]


@validate_params(
    {
        **GROUP_FUNCTION_CONSTRAINTS,
        "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "tol": GROUP_LOGISTIC_CONSTRAINTS["tol"],
        "max_iter": GROUP_LOGISTIC_CONSTRAINTS["max_iter"],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def group_l2_logistic_path(
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
    class_weight=None,
    fit_intercept=True,
    tol=1e-6,
    max_iter=500,
    verbose=0,
):
    """Group-L2 logistic regression along a descending λ grid, warm-started.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Target values (class labels for the classifiers).
    lams : int or array-like, default=100
        Number of λ values, log-spaced from ``lam_max`` down to
        ``eps·lam_max``, or the λ values themselves (sorted descending).
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of an automatic grid.
    groups, group_ratio, group_weights, l1_ratio, positive, class_weight, \
fit_intercept, tol, max_iter
        As in :class:`GroupL2LogisticRegression`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; None gives every sample weight 1.
    verbose : int, default=0
        With 1, one line per segment of ten λ (the λ reached, the largest
        relative duality gap, seconds); with 2 or more, one line per λ.

    Returns
    -------
    lams : ndarray of shape (n_lams,)
        The grid, descending.
    coefs : ndarray of shape (n_lams, n_outputs, n_features)
        Coefficients (``n_outputs`` = 1 for two classes).
    intercepts : ndarray of shape (n_lams, n_outputs)
        Intercepts at each λ.
    dual_gaps : ndarray of shape (n_lams,)
        Relative duality gap of each solution. A ``ConvergenceWarning`` says
        when some point stopped above ``tol``.

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
    X, y, names = validated_classification_data(X, y)
    structure = GroupStructure(
        groups, X.shape[1], names, group_weights, l1_ratio, positive
    )
    _, problem = group_problem(
        X, y, sample_weight, class_weight, structure, group_ratio, fit_intercept
    )
    grid = count_or_values_grid(problem.lam_max(), lams, eps, "group_ratio")
    path = certified_path(
        problem,
        grid,
        tol,
        max_iter,
        "group_l2_logistic_path",
        PROX_NEWTON_STEPS,
        verbose,
    )
    return (
        path.lams,
        path.coefs.astype(X.dtype),
        path.intercepts.astype(X.dtype),
        path.gaps,
    )


def _neg_log_loss(estimator, X, y, sample_weight=None):
    """Minus the (weighted) mean log-loss, over every class of the estimator.

    scikit-learn's ``"neg_log_loss"`` infers the labels from the held-out
    fold, and fails on a fold that holds one class only.
    """
    return -log_loss(
        y,
        estimator.predict_proba(X),
        labels=estimator.classes_,
        sample_weight=sample_weight,
    )


#: Parameters every logistic CV estimator adds to its penalty's.
CV_CONSTRAINTS = {
    "lams": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "eps": [Interval(Real, 0, 1, closed="neither")],
    "cv": ["cv_object"],
    "scoring": [str, callable, None],
    "n_jobs": [Integral, None],
    "refit": ["boolean"],
    "selection": [StrOptions({"min", "1se"})],
}


class _LogisticCV(_CrossValidatedLambda, _LogisticLinearModel):
    """λ (and the mix, when several are given) chosen by cross-validated paths.

    For every mix value and fold, the whole λ path (descending from the whole
    data's ``lam_max``, warm-started) is fitted on the training part and
    scored on the held-out part, weighted by the held-out sample weights; all
    (mix, fold) pairs run in one joblib ``Parallel`` (:mod:`sklearn_l2x._cv`).
    The best mean score wins (the largest λ among ties).
    """

    _stratified_folds = True

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Choose λ (and the mix) by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Target values (class labels for the classifiers).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, multiplied by ``class_weight``; the
            held-out scores are weighted by them too.
        **params : dict
            Metadata for the splitter (``cv``), e.g. ``groups`` for
            ``GroupKFold``, and for the ``scoring`` scorer (given the
            held-out rows): routed with
            ``sklearn.set_config(enable_metadata_routing=True)``, where a
            given ``scoring`` receives ``sample_weight`` only when it
            requests it (``set_score_request``); without routing, ``groups``
            alone is accepted and passed to the splitter.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = self._validate(X, y)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        split_params, score_params = self._routed(params, sample_weight=sample_weight)
        mix_param = getattr(self, self._mix_name)
        mixes = mix_values(mix_param, self._mix_name)
        structure = self._penalty_structure(X.shape[1])
        settings = []
        for mix in mixes:
            _, problem = self._problem(X, y, sample_weight, 1.0, mix, structure)
            grid = count_or_values_grid(
                problem.lam_max(), self.lams, self.eps, self._mix_name
            )
            settings.append((mix, grid, structure))
        folds = self._folds(X, y, split_params)
        summary = self._choose(
            settings,
            (X, y, sample_weight),
            folds,
            steps=PROX_NEWTON_STEPS,
            mix_name=self._mix_name,
            score_params=score_params,
        )
        mix = summary.mix
        if self.refit:
            fits = [(X, y, sample_weight)]
        else:
            fits = [_rows(X, y, sample_weight, train) for train, _ in folds]
        solution = self._final_fit(fits, mix, structure)
        self._set_solution(*solution, structure, X.dtype)
        return self

    def _fold_scores(self, setting, train, test, score_params):
        """Held-out scores of the path at ``setting`` fitted on ``train``."""
        mix, grid, structure = setting
        classes, problem = self._problem(*train, 1.0, mix, structure)
        path = problem.path(grid, tol=self.tol, max_iter=self.max_iter)
        scorer = (
            _neg_log_loss
            if self.scoring is None
            else check_scoring(self, scoring=self.scoring)
        )
        X_test, y_test, _ = test
        scores = [
            scorer(
                self._with_solution(classes, coef, intercept),
                X_test,
                y_test,
                **score_params,
            )
            for coef, intercept in zip(path.coefs, path.intercepts, strict=True)
        ]
        return scores, path

    def _setting_path(self, X, y, sample_weight, mix, grid):
        X, y = self._validate(X, y)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        structure = self._penalty_structure(X.shape[1])
        _, problem = self._problem(X, y, sample_weight, 1.0, mix, structure)
        return problem.path(grid, tol=self.tol, max_iter=self.max_iter)

    def _final_fit(self, fits, mix, structure):
        """(classes, W, b, info) at ``lam_``: one fit, or the mean of the folds'."""
        solutions = []
        for data in fits:
            classes, problem = self._problem(*data, self.lam_, mix, structure)
            solutions.append(
                (
                    classes,
                    *problem.solve(self.lam_, chord=True, **self._solver_options()),
                )
            )
        if len(solutions) == 1:
            return solutions[0]
        infos = [info for *_, info in solutions]
        info = {
            "n_iter": max(i["n_iter"] for i in infos),
            "relative_gap": max(i["relative_gap"] for i in infos),
            "converged": all(i["converged"] for i in infos),
        }
        W = np.mean([W for _, W, _, _ in solutions], axis=0)
        b = np.mean([b for _, _, b, _ in solutions], axis=0)
        return solutions[0][0], W, b, info


class GroupL2LogisticRegressionCV(_GroupL2Penalised, _LogisticCV):
    """GroupL2LogisticRegression with λ chosen by cross-validation.

    For every fold, the whole λ path (descending from ``lam_max``, each fit
    warm-started from the previous one) is fitted on the training part and
    scored on the held-out part; the folds run in parallel with joblib. The λ
    with the best mean score (the largest one among ties) is refitted on all
    the data.

    Read more in the :ref:`User Guide <group_logistic>`.

    Parameters
    ----------
    groups, group_weights, l1_ratio, positive, fit_intercept, \
class_weight, tol, max_iter
        As in :class:`GroupL2LogisticRegression`.
    verbose : int, default=0
        With 1 or more, one line per fold path (its λ range, largest
        relative duality gap and seconds) and one for the choice; with 2 or
        more, also the refit's solver steps.
    group_ratio : float or array-like of floats in [0, 1], default=1.0
        Share of the group term, or the values to choose it from (0, pure
        ridge, has no λ_max: it needs ``lams`` given as values).
    lams : int or array-like, default=100
        Number of λ values (log-spaced from ``lam_max`` of the whole data to
        ``eps·lam_max``) or the values themselves.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold stratified).
    scoring : str or callable, default=None
        Scorer of the held-out folds. None means the mean log-loss
        (``"neg_log_loss"``, weighted by the held-out sample weights): it
        judges the probabilities the model is fitted for, and does not tie
        over wide ranges of λ as accuracy does (scikit-learn's
        ``LogisticRegressionCV`` moves to the same default). ``"accuracy"``
        gives the previous behaviour.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib; any backend, e.g. dask).
    refit : bool, default=True
        Refit on all data at the best λ. If False, the coefficients are the
        average over folds of the solutions at the best λ.
    selection : {"min", "1se"}, default="min"
        Which λ is refitted: ``"min"`` the one with the best mean score,
        ``"1se"`` the largest λ whose mean score is within one standard error
        of the best (the one-standard-error rule, glmnet's ``lambda.1se``),
        on the chosen mix's grid. Both are reported (``lam_min_``,
        ``lam_1se_``).

    Attributes
    ----------
    lam_ : float
        The chosen λ (``lam_min_`` or ``lam_1se_``, as ``selection`` says).
    lam_min_ : float
        The λ with the best mean held-out score.
    lam_1se_ : float
        The largest λ whose mean score is within one standard error of the
        best.
    scores_mean_ : ndarray of shape (n_lams,) or (n_mix, n_lams)
        Mean held-out score of each λ over the folds.
    scores_se_ : ndarray of shape (n_lams,) or (n_mix, n_lams)
        Standard error of that mean: the fold scores' standard deviation
        (``ddof=1``) over √n_folds.
    group_ratio_ : float
        The chosen share of the group term.
    lams_ : ndarray of shape (n_lams,) or (n_mix, n_lams)
        The grid(s), descending.
    scores_ : ndarray of shape (n_folds, n_lams) or (n_mix, n_folds, n_lams)
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
        **GROUP_LOGISTIC_CONSTRAINTS,
        "group_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        **CV_CONSTRAINTS,
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
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        selection="min",
        verbose=0,
    ):
        self.groups = groups
        self.group_ratio = group_ratio
        self.group_weights = group_weights
        self.l1_ratio = l1_ratio
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.verbose = verbose
        self.lams = lams
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.selection = selection


class ElasticNetClassifierCV(_L1L2Penalised, _LogisticCV):
    """ElasticNetClassifier, λ and α = l1_ratio (sklearn's: α/(2 − α)) chosen by CV.

    The mix α is chosen too when several are given.

    For every value of ``l1_ratio`` and every fold, the whole λ path
    (descending from ``lam_max`` of the whole data for that α, warm-started) is
    fitted on the training part and scored on the held-out part; all (α, fold)
    pairs run in parallel with joblib. The best mean score wins (the largest
    λ among ties) and is refitted on all the data.

    Read more in the :ref:`User Guide <elastic_net>`.

    Parameters
    ----------
    l1_ratio : float or array-like of floats in [0, 1], default=0.5
        The mix α, or the values to choose it from (0, pure ridge, has no
        λ_max: it needs ``lams`` given as values).
    lams : int or array-like, default=100
        Number of λ values (log-spaced from ``lam_max`` to ``eps·lam_max``) or
        the values themselves.
    eps : float, default=1e-3
        Ratio of the smallest to the largest λ of the automatic grid.
    penalty_factor, positive, fit_intercept, class_weight, tol, max_iter
        As in :class:`ElasticNetClassifier`.
    verbose : int, default=0
        With 1 or more, one line per fold path (its λ range, largest
        relative duality gap and seconds) and one for the choice; with 2 or
        more, also the refit's solver steps.
    cv : int, cross-validation generator or iterable, default=None
        Folds (None means 5-fold stratified).
    scoring : str or callable, default=None
        Scorer of the held-out folds. None means the mean log-loss
        (``"neg_log_loss"``, weighted by the held-out sample weights): it
        judges the probabilities the model is fitted for, and does not tie
        over wide ranges of λ as accuracy does (scikit-learn's
        ``LogisticRegressionCV`` moves to the same default). ``"accuracy"``
        gives the previous behaviour.
    n_jobs : int, default=None
        (α, fold) pairs fitted in parallel (joblib; any backend, e.g. dask).
    refit : bool, default=True
        Refit on all data at the best (λ, α). If False, the coefficients are
        the average over folds of the solutions there.
    selection : {"min", "1se"}, default="min"
        Which λ is refitted: ``"min"`` the one with the best mean score,
        ``"1se"`` the largest λ whose mean score is within one standard error
        of the best (the one-standard-error rule, glmnet's ``lambda.1se``),
        on the chosen mix's grid. Both are reported (``lam_min_``,
        ``lam_1se_``).

    Attributes
    ----------
    lam_ : float
        The chosen λ (``lam_min_`` or ``lam_1se_``, as ``selection`` says).
    lam_min_ : float
        The λ with the best mean held-out score.
    lam_1se_ : float
        The largest λ whose mean score is within one standard error of the
        best.
    scores_mean_ : ndarray of shape (n_lams,) or (n_mix, n_lams)
        Mean held-out score of each λ over the folds.
    scores_se_ : ndarray of shape (n_lams,) or (n_mix, n_lams)
        Standard error of that mean: the fold scores' standard deviation
        (``ddof=1``) over √n_folds.
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

    _parameter_constraints: dict = {
        **ELASTIC_LOGISTIC_CONSTRAINTS,
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        **CV_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        lams=100,
        eps=1e-3,
        penalty_factor=None,
        positive=False,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        selection="min",
        verbose=0,
    ):
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.verbose = verbose
        self.lams = lams
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.selection = selection


share_parameters(GroupL2LogisticRegressionCV, GroupL2LogisticRegression)
share_parameters(ElasticNetClassifierCV, ElasticNetClassifier)
share_parameters(group_l2_logistic_path, GroupL2LogisticRegression)
