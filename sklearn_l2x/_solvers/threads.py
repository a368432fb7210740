"""How the solvers use BLAS threads.

Small dense kernels inside iterative solvers (an m×m Hessian, its Cholesky
factor, products with n×m columns) run on one thread: with a second CPU-bound
process on the machine, OpenBLAS's threads there wait on each other and a
step became 4–6 times slower, while on an idle machine one thread costs them
little. A pass over all of X (a duality gap's Xᵀ R) is different: it is
memory-bound and on an idle 2-core machine two threads make it twice as fast,
but next to a busy process OpenBLAS's two threads made it 1.35 times slower
than one. :func:`transposed_product` therefore splits the pass into a fixed
number of column blocks, each a one-thread product, and runs them on a small
thread pool or one after the other, whichever its timings say is faster. The
blocks never change, so neither do the numbers (BLAS rounds differently with
other thread counts; these products do not depend on the choice or the load).
"""

import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

# threadpoolctl's controller, made on first use (it inspects the libraries).
_CONTROLLER = []


def single_blas_thread():
    """A context with BLAS limited to one thread (about 20 µs to enter)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


# Passes over fewer entries are one product (blocks are not worth it).
_SMALL_PASS = 2**18
# Column blocks of a pass (fixed: the numbers do not depend on the machine's
# load or on how many threads a worker process was given).
_PASS_BLOCKS = 2
# Each way of running the blocks keeps its last few times; every _REPROBE-th
# pass of a shape tries the other way, so a change of load is noticed.
_KEPT_TIMES = 3
_REPROBE = 16
_CHOICES = {}  # shape of X -> _ThreadChoice (at most _MAX_SHAPES shapes)
_MAX_SHAPES = 64
_POOL = []


def _pool():
    """The thread pool for the blocks (None on a single core)."""
    if not _POOL:
        cores = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )
        workers = min(_PASS_BLOCKS, cores)
        _POOL.append(ThreadPoolExecutor(workers) if workers > 1 else None)
    return _POOL[0]


class _ThreadChoice:
    """Times of one shape's passes on the pool (True) and one after another (False)."""

    def __init__(self):
        self.times = {
            True: deque(maxlen=_KEPT_TIMES),
            False: deque(maxlen=_KEPT_TIMES),
        }
        self.calls = 0

    def next_parallel(self):
        """Whether the next pass runs its blocks on the pool."""
        self.calls += 1
        for parallel in (True, False):
            if len(self.times[parallel]) < 2:
                return parallel
        best = min(self.times, key=lambda parallel: min(self.times[parallel]))
        return best != (self.calls % _REPROBE == 0)

    def record(self, parallel, seconds):
        self.times[parallel].append(seconds)


def transposed_product(X, R, rows=None):
    """``Xᵀ R``, a pass over all of X, by fixed column blocks on one BLAS thread each.

    The first passes of each shape of X alternate between running the blocks
    on the pool and one after another; then the faster (by the best of its
    last times) is used, the other tried again every ``_REPROBE`` passes.
    Sparse and small X: one product.

    With ``rows`` (sorted column indices), ``X[:, rows]ᵀ R``; on a dense
    Fortran-ordered X the rows' runs of consecutive columns are multiplied
    as slices of X (no copy), one after another (on the pool, two threads
    calling small products contend for the interpreter: 1.3 times slower);
    short runs (fewer than ``_SHORT_RUN`` columns on average) and other
    layouts are gathered into one product instead.
    """
    if R.ndim == 2 and R.shape[1] == 1:
        # One column: a matrix-vector product (BLAS's gemm is slower here).
        return transposed_product(X, R[:, 0], rows)[:, None]
    if rows is not None:
        return _columns_product(X, R, rows)
    if sp.issparse(X) or X.shape[0] * X.shape[1] < _SMALL_PASS:
        return np.asarray(X.T @ R)
    return _blocked_product(X, R)


# Runs of consecutive columns shorter than this on average are gathered.
_SHORT_RUN = 4


def cheaper_than_pass(X, rows):
    """Whether ``X[:, rows]ᵀ R`` costs less than a whole pass over X.

    Measured on 1000×5000 (cold columns, one thread; the pass on two): runs
    of ten consecutive columns, sliced, cost about their share of a
    one-thread pass (40 %: 2.1 against 3.0 ms), which the two-thread pass
    halves; gathered single columns cost about three times their share
    (10 %: 1.5 ms).
    """
    if rows.size == 0:
        return True
    sliced = _sliceable_runs(X, rows) is not None
    share = rows.size / X.shape[1]
    return share <= (_SLICED_SHARE if sliced else _GATHERED_SHARE)


# Shares of X's columns up to which a product over them beats a pass.
_SLICED_SHARE = 0.5
_GATHERED_SHARE = 0.1


def _sliceable_runs(X, rows):
    """(first column, end column, first output row) of each run of consecutive
    columns in ``rows`` (sorted), where slicing them beats gathering: a dense
    Fortran-ordered X and runs of ``_SHORT_RUN`` columns or more on average;
    else None."""
    if sp.issparse(X) or not X.flags.f_contiguous or rows.size == 0:
        return None
    starts = run_starts(rows, 1)
    if starts.size * _SHORT_RUN > rows.size:
        return None
    ends = np.append(starts[1:], rows.size)
    return rows[starts], rows[ends - 1] + 1, starts


def run_starts(values, step=0):
    """Positions where a run of ``values`` starts: where an entry is not its
    predecessor plus ``step`` (1: runs of consecutive integers; 0: of equal
    values). (``np.r_`` cost 50 µs a call here, this 7.)"""
    new = np.empty(values.size, dtype=bool)
    new[:1] = True
    np.not_equal(values[1:], values[:-1] + step, out=new[1:])
    return np.flatnonzero(new)


def _columns_product(X, R, rows):
    """``X[:, rows]ᵀ R`` (see :func:`transposed_product`)."""
    if rows.size == 0:
        return np.empty((0,) + R.shape[1:], dtype=np.result_type(X, R))
    runs = _sliceable_runs(X, rows)
    if runs is None:
        return np.asarray(X[:, rows].T @ R)
    out = np.empty((rows.size,) + R.shape[1:], dtype=np.result_type(X, R))
    _multiply_runs(X, R, zip(*runs, strict=True), out)
    return out


def sliced_product(X, W, rows):
    """``X[:, rows] @ W[rows]`` (rows sorted) by slices of consecutive columns of
    a dense Fortran-ordered X, no copy of them; None for other layouts or
    short runs (there gathering the columns is cheaper)."""
    runs = _sliceable_runs(X, rows)
    if runs is None:
        return None
    if W.ndim == 2 and W.shape[1] == 1:
        # One column: matrix-vector products (cold columns: 0.29 against 0.35 ms).
        return sliced_product(X, W[:, 0], rows)[:, None]
    first, end, _ = runs
    out = X[:, first[0] : end[0]].dot(W[first[0] : end[0]])
    for start, stop in zip(first[1:], end[1:], strict=True):
        out += X[:, start:stop].dot(W[start:stop])
    return out


def _multiply_runs(X, R, runs, out):
    """``out[offset:] = X[:, first:end]ᵀ R`` for every run."""
    for first, end, offset in runs:
        np.matmul(X[:, first:end].T, R, out=out[offset : offset + end - first])


def _blocked_product(X, R):
    """``Xᵀ R`` by ``_PASS_BLOCKS`` fixed column blocks: each a task of the
    pool, or one after the other (whichever this shape's timings favour)."""
    choice = _CHOICES.get(X.shape)
    if choice is None:
        if len(_CHOICES) >= _MAX_SHAPES:
            _CHOICES.clear()
        choice = _CHOICES[X.shape] = _ThreadChoice()
    bounds = np.linspace(0, X.shape[1], _PASS_BLOCKS + 1).astype(int)
    out = np.empty((X.shape[1],) + R.shape[1:], dtype=np.result_type(X, R))

    def block(k):
        columns = slice(bounds[k], bounds[k + 1])
        np.matmul(X[:, columns].T, R, out=out[columns])

    pool = _pool()
    parallel = pool is not None and choice.next_parallel()
    start = time.perf_counter()
    with single_blas_thread():
        if parallel:
            list(pool.map(block, range(_PASS_BLOCKS)))
        else:
            for k in range(_PASS_BLOCKS):
                block(k)
    if pool is not None:
        choice.record(parallel, time.perf_counter() - start)
    return out
