"""Input checks shared by the estimators."""

import numpy as np

from ._sklearn_compat import check_sample_weight_array


def check_sample_weight(sample_weight, X):
    """Float64 weights of shape (n,), non-negative, finite, not all zero.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    X : array-like or sparse matrix of shape (n_samples, n_features)

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        A new array (the caller's is never modified); ones when None.
    """
    sample_weight = check_sample_weight_array(sample_weight, X)
    if not np.all(np.isfinite(sample_weight)):
        raise ValueError("sample_weight must be finite (no NaN or inf).")
    if sample_weight.sum() <= 0:
        raise ValueError(
            "sample_weight sums to zero: at least one sample must have a positive "
            "weight."
        )
    return sample_weight
