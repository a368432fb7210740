"""Dask arrays in: sufficient statistics per block on the workers, merged.

Dask is optional (``pip install "sklearn_l2x[distributed]"``); nothing here
imports it until a dask collection is actually passed in.
"""

import numpy as np

from ._solvers.spectral import SufficientStats

_INSTALL = (
    'Fitting dask arrays needs dask: pip install "sklearn_l2x[distributed]" '
    '(or pip install "dask[distributed]").'
)


def is_dask_collection(obj):
    """Whether ``obj`` is a dask collection, without importing dask."""
    return hasattr(obj, "__dask_graph__") and hasattr(obj, "__dask_keys__")


def _import_dask():
    try:
        import dask
        import dask.array
    except ImportError as error:
        raise ImportError(_INSTALL) from error
    return dask


def _block_stats(X, y, sample_weight, fit_intercept):
    """Statistics of one block of rows (None when its weights sum to zero)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    sample_weight = np.asarray(sample_weight, dtype=np.float64).ravel()
    for name, values in (("X", X), ("y", y), ("sample_weight", sample_weight)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} contains NaN or infinity.")
    if np.any(sample_weight < 0):
        raise ValueError("sample_weight must be non-negative.")
    if sample_weight.sum() <= 0:
        return None
    return SufficientStats.from_chunk(X, y, sample_weight, fit_intercept=fit_intercept)


def _merge(left, right, fit_intercept):
    if left is None:
        return right
    if right is None:
        return left
    return left.merge(right, fit_intercept=fit_intercept)


def _blocks(array, row_chunks, dask):
    """The row blocks of a dask array, a numpy array or None, as a list."""
    if array is None:
        return [None] * len(row_chunks)
    if is_dask_collection(array):
        array = array.rechunk({0: row_chunks} | dict.fromkeys(range(1, array.ndim), -1))
        return list(array.to_delayed().ravel())
    array = np.asarray(array)
    edges = np.cumsum((0, *row_chunks))
    return [array[edges[i] : edges[i + 1]] for i in range(len(row_chunks))]


def dask_sufficient_stats(X, y, sample_weight, fit_intercept):
    """Merged :class:`SufficientStats` of a dask array X (and y, weights).

    Each row block's centred moments are computed where the block lives (on
    the workers, with a ``dask.distributed`` client) and merged pairwise in a
    tree with Chan's update, the same merge as ``partial_fit``; only p×p and
    p×k matrices travel. X is rechunked to whole rows first if needed.

    Returns
    -------
    stats : SufficientStats
    n_features : int
    """
    dask = _import_dask()
    if X.ndim != 2:
        raise ValueError(f"X must be 2-dimensional, got a dask array of {X.ndim}.")
    if any(np.isnan(size) for size in X.shape) or any(
        np.isnan(size) for size in X.chunks[0]
    ):
        raise ValueError(
            "X has unknown chunk sizes; call X.compute_chunk_sizes() first."
        )
    X = X.rechunk({1: -1})
    row_chunks = X.chunks[0]
    n_samples = int(sum(row_chunks))
    for name, values in (("y", y), ("sample_weight", sample_weight)):
        if values is not None and values.shape[0] != n_samples:
            raise ValueError(f"{name} has {values.shape[0]} rows, X has {n_samples}.")
    delayed = dask.delayed
    parts = [
        delayed(_block_stats)(xb, yb, wb, fit_intercept)
        for xb, yb, wb in zip(
            X.to_delayed().ravel(),
            _blocks(y, row_chunks, dask),
            _blocks(sample_weight, row_chunks, dask),
            strict=True,
        )
    ]
    while len(parts) > 1:  # a balanced tree of merges
        parts = [
            delayed(_merge)(parts[i], parts[i + 1], fit_intercept)
            if i + 1 < len(parts)
            else parts[i]
            for i in range(0, len(parts), 2)
        ]
    (stats,) = dask.compute(parts[0])
    if stats is None:
        raise ValueError(
            "sample_weight sums to zero: at least one sample must have a positive "
            "weight."
        )
    return stats, X.shape[1]
