"""The one door to scikit-learn's private API and its version differences.

Everything the package takes from scikit-learn that is private (a leading
underscore, or a module scikit-learn does not document), and every switch on
scikit-learn's version, lives here: a scikit-learn release that moves one of
them breaks this file only. Supported: scikit-learn >= 1.6.
"""

import numpy as np
import sklearn
from sklearn.base import _fit_context
from sklearn.linear_model import enet_path
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils import _safe_indexing
from sklearn.utils._array_api import (
    _convert_to_numpy,
    _is_numpy_namespace,
    _max_precision_float_dtype,
    get_namespace_and_device,
)
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.fixes import parse_version
from sklearn.utils.metadata_routing import _routing_enabled
from sklearn.utils.validation import _check_sample_weight, _get_feature_names

__all__ = [
    "INTERCEPT_COLUMN",
    "array_namespace",
    "max_float_dtype",
    "to_numpy",
    "Interval",
    "LinearClassifierMixin",
    "StrOptions",
    "check_sample_weight_array",
    "enet_path_centred",
    "feature_names_of",
    "fit_context",
    "routing_enabled",
    "safe_indexing",
    "sklearn_at_least",
    "validate_params",
]


def sklearn_at_least(version):
    """Whether the installed scikit-learn is at least ``version`` ("1.8")."""
    return parse_version(sklearn.__version__) >= parse_version(version)


# scikit-learn's estimator decorator: parameter validation once per fit (and
# skipped in nested estimators' fits).
fit_context = _fit_context

# The column names of a DataFrame (None for arrays and unnamed columns),
# checked as scikit-learn checks them for ``feature_names_in_``.
feature_names_of = _get_feature_names


def array_namespace(*arrays):
    """(xp, device) of arrays under ``array_api_dispatch``; None for NumPy.

    scikit-learn's namespace helper: without dispatch, or for NumPy (and
    sparse) inputs, the NumPy path is used and this returns None.
    """
    xp, is_array_api, device = get_namespace_and_device(*arrays)
    if not is_array_api or _is_numpy_namespace(xp):
        return None
    return xp, device


def max_float_dtype(xp, device):
    """The widest floating dtype the namespace supports on the device."""
    return _max_precision_float_dtype(xp, device)


def to_numpy(array, xp):
    """A NumPy copy of an array of namespace ``xp`` (from any device)."""
    return _convert_to_numpy(array, xp=xp)


# Whether sklearn.set_config(enable_metadata_routing=True) is in effect.
routing_enabled = _routing_enabled

# Row selection that works for arrays, sparse matrices and DataFrames.
safe_indexing = _safe_indexing


def check_sample_weight_array(sample_weight, X):
    """scikit-learn's sample-weight check: float64, shape (n,), non-negative, a copy."""
    return _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True, copy=True
    )


# The sparse coordinate-descent inner solver may carry the intercept as one
# more (almost unpenalised) column only where that was verified: scikit-learn
# 1.9's sparse solver. With 1.6 (which adds a column back into the residual
# before each update) its coordinate descent stalls short of the optimum on
# some problems; there, and on the untested versions between, the solver
# centres through ``enet_path(X_offset=..., X_scale=...)`` instead.
INTERCEPT_COLUMN = sklearn_at_least("1.9")

#: ``LogisticRegression`` takes ``penalty="elasticnet"`` before 1.8 and the
#: mix alone (``l1_ratio``) from 1.8 on.
LOGISTIC_NEEDS_PENALTY = not sklearn_at_least("1.8")

#: ``ElasticNetCV``'s grid size is ``n_alphas`` before 1.7, ``alphas=int`` after.
ENET_CV_GRID_PARAM = "alphas" if sklearn_at_least("1.7") else "n_alphas"


def enet_path_centred(X, y, x_offset, **params):
    """scikit-learn's ``enet_path`` on a sparse X centred implicitly by ``x_offset``.

    ``X_offset``/``X_scale`` are undocumented keyword arguments of
    ``enet_path`` (what scikit-learn's own sparse ``ElasticNet`` passes): the
    sparse solver then works on ``X − 1·x_offsetᵀ`` without forming it.
    """
    return enet_path(
        X, y, X_offset=x_offset, X_scale=np.ones(x_offset.shape[0]), **params
    )
