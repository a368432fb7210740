"""What every CV estimator does between its λ grids and its refit.

:class:`_CrossValidatedLambda` runs the CV engine of :mod:`sklearn_l2x._cv`
on the estimator's ``_fold_scores``, applies ``selection`` and records the
choice as the fitted attributes every CV estimator has (``lam_``,
``lam_min_``, ``lam_1se_``, the mix, ``lams_``, ``scores_``,
``scores_mean_``, ``scores_se_``).
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ._cv import cross_validate, summarise
from ._routing import RoutedFolds
from ._selection import mix_values


class _CrossValidatedLambda(RoutedFolds):
    """For estimators with cv, n_jobs, tol, max_iter, selection and verbose."""

    def _solver_options(self):
        """The refit's solver options: its own lines only from ``verbose=2``."""
        options = super()._solver_options()
        options["verbose"] = max(int(self.verbose) - 1, 0)
        return options

    def _choose(
        self,
        settings,
        data,
        folds,
        *,
        steps,
        mix_name,
        score_params=None,
        fold_context=None,
    ):
        """Cross-validate ``settings`` on ``data`` = (X, y, sample_weight).

        ``steps`` names what ``max_iter`` counts (for the fold paths'
        ConvergenceWarning); ``score_params`` is the scorer's routed
        metadata; ``fold_context(k)``, when given, goes to ``_fold_scores``
        of fold k as ``context=``. With ``verbose``, one line per fold path
        and one for the choice. Returns the :class:`~sklearn_l2x._cv.CVSummary`.
        """
        name = type(self).__name__
        scores, choice = cross_validate(
            self._fold_scores,
            settings,
            *data,
            folds,
            n_jobs=self.n_jobs,
            convergence=(name, self.tol, self.max_iter, steps),
            score_params=score_params,
            verbose=(name, mix_name) if self.verbose else None,
            fold_context=fold_context,
        )
        several = not np.isscalar(getattr(self, mix_name))
        summary = summarise(settings, scores, choice, self.selection, several)
        for attribute, value in summary.attributes(mix_name).items():
            setattr(self, attribute, value)
        if self.verbose:
            print(
                f"[{name}] chose λ={summary.lam:.4g} ({self.selection}), "
                f"{mix_name}={summary.mix:g}; refitting on all the data",
                flush=True,
            )
        return summary

    def _chosen_path(self, X, y, sample_weight=None):
        """The whole-data path at the chosen mix on its CV grid (for displays).

        A clone validates (X, y) as ``fit`` does, so the fitted state is not
        touched; each CV estimator's ``_setting_path`` solves the path.
        """
        check_is_fitted(self)
        mix_name = self._mix_name
        mixes = mix_values(getattr(self, mix_name), mix_name)
        mix = getattr(self, f"{mix_name}_")
        grid = np.atleast_2d(self.lams_)[mixes.index(mix)]
        return clone(self)._setting_path(X, y, sample_weight, mix, grid)
