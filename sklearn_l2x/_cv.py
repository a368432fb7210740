"""One cross-validation engine for every penalised estimator.

For every setting (a value of the mix, with its λ grid) and every fold, the
whole λ path is fitted on the training rows (warm-started, by the problem's
own ``path``) and scored on the held-out rows; all (setting, fold) pairs run in
one joblib ``Parallel`` (any backend: processes, dask). What to fit and how to
score is the caller's ``fold_scores(setting, train, test, score_params)``, a
picklable callable receiving each part as ``(X, y, sample_weight)`` (and the
routed scorer metadata of the held-out rows) and returning the
scores and the fitted :class:`~sklearn_l2x._problem.Path`; the engine knows
nothing of estimators, and hands back the paths' convergence records so that
the caller can warn in its own process (warnings raised in joblib's worker
processes are lost).

Scores are "greater is better" and laid out (n_settings, n_folds, n_lams).
:func:`select` applies the one tie rule: the best mean over folds wins; means
within ``_TIE_RTOL`` (relative) of it count as ties, and the first of those in
(setting, λ) order wins: the first setting, and the largest λ (grids descend).
"""

import time
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

from ._progress import FoldProgress
from ._routing import rows_of
from ._sklearn_compat import safe_indexing
from ._validation import warn_not_converged

# Mean scores this close to the best (relative) are ties: differences at
# rounding level must not pick a smaller λ than an equally good larger one.
_TIE_RTOL = 1e-12

# Held-out predictions formed at once by weighted_mse (8 MB of float64).
_PREDICTION_BLOCK = 2**20


def _rows(X, y, sample_weight, rows):
    """The rows ``rows`` of X, y and the weights (None stays None)."""
    weights = None if sample_weight is None else sample_weight[rows]
    return safe_indexing(X, rows), safe_indexing(y, rows), weights


def _one_fold(fold_scores, setting, data, fold, score_params, progress, extra):
    X, y, sample_weight = data
    train, test = fold
    start = time.perf_counter()
    scores, path = fold_scores(
        setting,
        _rows(X, y, sample_weight, train),
        _rows(X, y, sample_weight, test),
        rows_of(score_params, test),
        **extra,
    )
    records = [
        {"converged": info["converged"], "relative_gap": info["relative_gap"]}
        for info in path.infos
    ]
    if progress is not None:
        progress.fold(path, time.perf_counter() - start)
    return np.asarray(scores, dtype=np.float64), records


def path_scores(
    fold_scores,
    settings,
    X,
    y,
    sample_weight,
    folds,
    n_jobs=None,
    score_params=None,
    verbose=None,
    fold_context=None,
):
    """Held-out scores of every (setting, fold, λ) and the paths' records.

    Parameters
    ----------
    fold_scores : callable
        ``fold_scores(setting, train, test, score_params) -> (scores (n_lams,),
        path)``, train and test each ``(X, y, sample_weight)``.
    settings : list
        One entry per setting, passed through to ``fold_scores``.
    X, y : validated arrays
    sample_weight : ndarray or None
    folds : list of (train, test) index arrays
    n_jobs : int or None
    score_params : dict or None
        Per-sample metadata for the scorer, restricted to each fold's held-out
        rows.
    verbose : (name, mix_name) or None
        Print one line per fold path, labelled with the estimator's and the
        mix's names.
    fold_context : callable or None
        ``fold_context(k)`` is passed to ``fold_scores`` as ``context=`` for
        the k-th fold (0-based); called as the tasks are dispatched, so that
        what it makes (a fold's Gram matrix) exists only while needed.

    Returns
    -------
    scores : ndarray of shape (n_settings, n_folds, n_lams)
    records : list of dict
        ``converged`` and ``relative_gap`` of every path point of every fold.
    """

    def progress(setting, number):
        if verbose is None:
            return None
        return FoldProgress(*verbose, setting, number, len(folds))

    results = Parallel(n_jobs=n_jobs)(
        delayed(_one_fold)(
            fold_scores,
            setting,
            (X, y, sample_weight),
            fold,
            score_params or {},
            progress(setting, number),
            {} if fold_context is None else {"context": fold_context(number - 1)},
        )
        for setting in settings
        for number, fold in enumerate(folds, start=1)
    )
    scores = np.array([scores for scores, _ in results])
    records = [record for _, fold_records in results for record in fold_records]
    return scores.reshape(len(settings), len(folds), -1), records


@dataclass
class Selection:
    """The chosen (setting, λ) and the fold statistics it was chosen from.

    ``lam_index`` is the best mean's λ; ``lam_index_1se`` the largest λ of the
    same setting whose mean is within one standard error of the best
    (glmnet's ``lambda.1se``; grids descend, so the first such index).
    """

    setting: int
    lam_index: int
    lam_index_1se: int
    mean: np.ndarray  # (n_settings, n_lams)
    standard_error: np.ndarray  # (n_settings, n_lams)

    def index(self, rule):
        """The λ index the rule ``"min"`` or ``"1se"`` picks."""
        return self.lam_index if rule == "min" else self.lam_index_1se


def select(scores):
    """The best mean score of ``scores`` (n_settings, n_folds, n_lams), one tie rule.

    The standard error of a mean is the fold scores' standard deviation
    (``ddof=1``) over √n_folds, 0 with one fold.
    """
    mean = scores.mean(axis=1)
    n_folds = scores.shape[1]
    spread = scores.std(axis=1, ddof=1) if n_folds > 1 else np.zeros_like(mean)
    standard_error = spread / np.sqrt(n_folds)
    best = mean.max()
    ties = mean >= best - _TIE_RTOL * abs(best)
    setting, lam_index = np.argwhere(ties)[0]
    threshold = mean[setting, lam_index] - standard_error[setting, lam_index]
    within = mean[setting] >= threshold - _TIE_RTOL * abs(threshold)
    return Selection(
        int(setting),
        int(lam_index),
        int(np.flatnonzero(within)[0]),
        mean,
        standard_error,
    )


@dataclass
class CVSummary:
    """What a CV estimator reports about its choice (its fitted attributes).

    For one setting the leading (setting) axis is dropped from every array.
    """

    mix: float
    lam: float
    lam_min: float
    lam_1se: float
    lams: np.ndarray  # (n_lams,) or (n_settings, n_lams)
    scores: np.ndarray  # (n_folds, n_lams) or (n_settings, n_folds, n_lams)
    scores_mean: np.ndarray  # (n_lams,) or (n_settings, n_lams)
    scores_se: np.ndarray  # like scores_mean

    def attributes(self, mix_name):
        """``{name: value}`` of the fitted attributes, the mix under ``mix_name``."""
        return {
            f"{mix_name}_": self.mix,
            "lam_": self.lam,
            "lam_min_": self.lam_min,
            "lam_1se_": self.lam_1se,
            "lams_": self.lams,
            "scores_": self.scores,
            "scores_mean_": self.scores_mean,
            "scores_se_": self.scores_se,
        }


def summarise(settings, scores, choice, rule, several):
    """The :class:`CVSummary` of a selection.

    ``settings`` are ``(mix, grid, ...)`` tuples; ``several`` says whether the
    user gave several mix values (then the setting axis stays).
    """
    mix, grid = settings[choice.setting][:2]
    grids = np.array([setting[1] for setting in settings])

    def shaped(array):
        return array if several else array[0]

    return CVSummary(
        mix=mix,
        lam=float(grid[choice.index(rule)]),
        lam_min=float(grid[choice.lam_index]),
        lam_1se=float(grid[choice.lam_index_1se]),
        lams=shaped(grids),
        scores=shaped(scores),
        scores_mean=shaped(choice.mean),
        scores_se=shaped(choice.standard_error),
    )


def weighted_mse(path, X, y, sample_weight):
    """Weighted held-out mean squared error of every point of ``path``, (n_lams,).

    Averaged over the targets for several targets; ``sample_weight`` None
    means equal weights.
    """
    Y = y[:, None] if y.ndim == 1 else y
    weights = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    n_lams, n_targets, n_features = path.coefs.shape
    # Several λ per product (one pass over X each block), blocks of at most
    # _PREDICTION_BLOCK predictions.
    step = max(1, _PREDICTION_BLOCK // max(Y.shape[0] * n_targets, 1))
    errors = []
    for start in range(0, n_lams, step):
        coefs = path.coefs[start : start + step].reshape(-1, n_features)
        predictions = np.asarray(X @ coefs.T).reshape(Y.shape[0], -1, n_targets)
        predictions += path.intercepts[start : start + step]
        squared = (Y[:, None, :] - predictions) ** 2
        errors.append(weights @ squared.mean(axis=2) / weights.sum())
    return np.concatenate(errors)


def cross_validate(
    fold_scores,
    settings,
    X,
    y,
    sample_weight,
    folds,
    *,
    n_jobs,
    convergence,
    score_params=None,
    verbose=None,
    fold_context=None,
):
    """:func:`path_scores`, one warning for the fold paths, and :func:`select`.

    ``convergence`` is ``(name, tol, max_iter, steps)`` for the warning, which
    is raised here, in the caller's process, for every fold path point that
    stopped above ``tol``; ``score_params``, ``verbose`` and
    ``fold_context`` are :func:`path_scores`'.

    Returns
    -------
    scores : ndarray of shape (n_settings, n_folds, n_lams)
    choice : Selection
    """
    scores, records = path_scores(
        fold_scores,
        settings,
        X,
        y,
        sample_weight,
        folds,
        n_jobs,
        score_params,
        verbose,
        fold_context,
    )
    name, tol, max_iter, steps = convergence
    warn_not_converged(
        f"{name}'s cross-validation paths", records, tol, max_iter, steps
    )
    return scores, select(scores)
