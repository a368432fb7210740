"""AdaptiveRidge on arrays of other namespaces (PyTorch, CuPy, ...), on their device.

With ``sklearn.set_config(array_api_dispatch=True)`` and a non-NumPy array,
the fit validates the data as scikit-learn's array-API estimators do,
decomposes it on its device (:func:`~sklearn_l2x._solvers.spectral.decompose_on_device`)
and runs the λ search as a host loop over reductions of the spectrum computed
there. What needs rows or sparse structure, or that the one decomposition
does not give (banded groups, penalty factors, k-fold, ``partial_fit``,
dask), is refused with a ValueError naming it.
"""

import numpy as np
from sklearn.utils.validation import validate_data

from ._sklearn_compat import array_namespace, max_float_dtype, to_numpy

__all__ = [
    "check_same_namespace",
    "dispatched_namespace",
    "fitted_on_device",
    "refuse_under_dispatch",
]


def dispatched_namespace(X):
    """(xp, device) of X when dispatch is on and X is not NumPy, else None."""
    if X is None or isinstance(X, list | tuple):
        return None
    return array_namespace(X)


def following(array, xp, device):
    """``array`` (y, sample_weight: any namespace, or array-like) on X's (xp, device).

    Everything follows X: other inputs are moved to its namespace and device.
    """
    if array is None:
        return None
    own = dispatched_namespace(array)
    if own is None:
        return xp.asarray(np.asarray(array), device=device)
    if own[0].__name__ == xp.__name__ and own[1] == device:
        return array
    return xp.asarray(to_numpy(array, own[0]), device=device)


def check_same_namespace(X, estimator, attribute, method):
    """A ValueError when X's namespace or device is not that of the fit.

    Returns the (xp, device) of X (None for NumPy).
    """
    fitted = dispatched_namespace(getattr(estimator, attribute))
    given = dispatched_namespace(X)
    same = (fitted is None and given is None) or (
        fitted is not None
        and given is not None
        and fitted[0].__name__ == given[0].__name__
        and fitted[1] == given[1]
    )
    if not same:
        where = "NumPy" if fitted is None else f"{fitted[0].__name__} on {fitted[1]}"
        raise ValueError(
            f"Inputs passed to {type(estimator).__name__}.{method}() must use the "
            f"same namespace and the same device as those passed to fit() "
            f"({where})."
        )
    return given


def refuse_under_dispatch(estimator, what):
    """The ValueError for an option the array-API path does not have."""
    raise ValueError(
        f"{type(estimator).__name__} with array_api_dispatch=True and non-NumPy "
        f"arrays does not support {what}; use NumPy arrays for it (or "
        "array_api_dispatch=False)."
    )


def check_supported(estimator):
    """Refuse the options that need rows, sparse structure or host statistics."""
    if estimator.groups is not None:
        refuse_under_dispatch(estimator, "groups (banded ridge)")
    if estimator.penalty_factor is not None:
        refuse_under_dispatch(estimator, "penalty_factor")
    if estimator.criterion_ == "kfold" and estimator.lam is None:
        refuse_under_dispatch(estimator, "criterion='kfold' (cv=...)")


def validated(estimator, X, y, sample_weight, xp, device):
    """(X, y, sample_weight) validated on X's device; weights as X's dtype."""
    y, sample_weight = following(y, xp, device), following(sample_weight, xp, device)
    X, y = validate_data(
        estimator,
        X,
        y,
        reset=True,
        dtype=[xp.float64, xp.float32],
        multi_output=True,
        y_numeric=True,
    )
    y = xp.asarray(y, device=device)
    if sample_weight is None:
        sample_weight = xp.ones(X.shape[0], dtype=X.dtype, device=device)
    else:
        sample_weight = xp.asarray(sample_weight, dtype=X.dtype, device=device)
        if sample_weight.ndim != 1 or sample_weight.shape[0] != X.shape[0]:
            raise ValueError(
                f"sample_weight must have shape ({X.shape[0]},), got "
                f"{tuple(sample_weight.shape)}."
            )
        total = float(xp.sum(sample_weight))
        if not np.isfinite(total) or bool(xp.any(sample_weight < 0)):
            raise ValueError("sample_weight must be finite and non-negative.")
        if total <= 0:
            raise ValueError(
                "sample_weight sums to zero: at least one sample must have a "
                "positive weight."
            )
    return X, y, sample_weight


def compute_dtype(xp, device):
    """The dtype the decomposition runs in: the widest float of the device."""
    return max_float_dtype(xp, device)


def fitted_on_device(estimator, xp, device):
    """Every NumPy array attribute of a fitted estimator moved to (xp, device)."""
    for name, value in list(vars(estimator).items()):
        if name.endswith("_") and isinstance(value, np.ndarray):
            setattr(estimator, name, xp.asarray(value, device=device))
