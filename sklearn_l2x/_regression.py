"""What every linear regressor shares: validation of (X, y) and prediction.

The elastic net and the group-L2 regression derive from :class:`_LinearRegressor`
(prediction, tags); their solvers and problems are those of
:mod:`sklearn_l2x._problem`.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, check_X_y, validate_data

from ._validation import check_sample_weight

_REGRESSION_DATA = {
    "accept_sparse": ("csr", "csc"),
    "dtype": [np.float64, np.float32],
    "multi_output": True,
    "y_numeric": True,
}


def validate_regression(estimator, X, y, sample_weight, reset=True):
    """X, y (float64) and the weights of a regression fit.

    ``estimator`` is None for the public functions (nothing is recorded).
    """
    if estimator is None:
        X, y = check_X_y(X, y, **_REGRESSION_DATA)
    else:
        X, y = validate_data(estimator, X, y, reset=reset, **_REGRESSION_DATA)
    sample_weight = check_sample_weight(sample_weight, X)
    return X, np.asarray(y, dtype=np.float64), sample_weight


def validate_cv_regression(estimator, X, y, sample_weight):
    """:func:`validate_regression`, and at least two rows to split into folds."""
    X, y, sample_weight = validate_regression(estimator, X, y, sample_weight)
    if X.shape[0] < 2:
        raise ValueError(
            f"{type(estimator).__name__} needs at least 2 samples to cross-validate, "
            f"got n_samples = {X.shape[0]}."
        )
    return X, y, sample_weight


class _LinearRegressor(RegressorMixin, BaseEstimator):
    """``X coef_ᵀ + intercept_`` for one target (1-D coef_) or several."""

    def predict(self, X):
        """Predict with the fitted model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions ``X coef_ᵀ + intercept_``.
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
