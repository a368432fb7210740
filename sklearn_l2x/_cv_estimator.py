"""What every CV estimator does between its λ grids and its refit.

:class:`_CrossValidatedLambda` runs the CV engine of :mod:`sklearn_l2x._cv`
on the estimator's ``_fold_scores``, applies ``selection`` and records the
choice as the fitted attributes every CV estimator has (``lam_``,
``lam_min_``, ``lam_1se_``, the mix, ``lams_``, ``scores_``,
``scores_mean_``, ``scores_se_``).
"""

import numpy as np

from ._cv import cross_validate, summarise


class _CrossValidatedLambda:
    """A mixin for estimators with ``n_jobs``, ``tol``, ``max_iter``, ``selection``."""

    def _choose(self, settings, data, folds, *, steps, mix_name):
        """Cross-validate ``settings`` on ``data`` = (X, y, sample_weight).

        ``steps`` names what ``max_iter`` counts (for the fold paths'
        ConvergenceWarning); returns the :class:`~sklearn_l2x._cv.CVSummary`.
        """
        scores, choice = cross_validate(
            self._fold_scores,
            settings,
            *data,
            folds,
            n_jobs=self.n_jobs,
            convergence=(type(self).__name__, self.tol, self.max_iter, steps),
        )
        several = not np.isscalar(getattr(self, mix_name))
        summary = summarise(settings, scores, choice, self.selection, several)
        for name, value in summary.attributes(mix_name).items():
            setattr(self, name, value)
        return summary
