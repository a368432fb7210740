"""The Gram cache of a loss whose Hessian does not depend on η (the squared error).

For ``F(η) = Σ_i (h_i/2)‖y_i − η_i‖²`` the objective restricted to a set of
columns is an exact quadratic in ``[W; b]``; with the intercepts eliminated
(they have a closed form for every W), one in W alone, whose Hessian is the
Gram matrix of the h-weighted centred columns (times the identity over
outputs). Its terms are formed once per column and kept for every solve on the
same data (the points of a path, the outer iterations of one fit, a CV refit),
so a working set costs only the products of its columns new to the cache.
"""

from functools import cached_property

import numpy as np
import scipy.sparse as sp

# Columns a GramCache keeps at most (its matrix then holds 32 MB); beyond, it
# starts again from the working set it is asked for.
_GRAM_CACHE_COLUMNS = 2000
# A copy of the cached columns is kept when it holds at most this many bytes
# (else their products with new columns gather them from X).
_COLUMN_STORE_BYTES = 2**27


class GramCache:
    """The exact quadratic of a weighted least-squares objective on cached columns c.

    For ``F(η) = Σ_i (h_i/2)‖y_i − η_i‖²`` with ``η = X_c W + 1bᵀ``, the
    intercepts minimise F for every W at ``b*(W) = (Σ_i h_i y_i − X_cᵀh·W)/Σh``
    (:meth:`intercept`), and eliminating them leaves a quadratic in W alone
    with the Gram matrix of the h-weighted centred columns ``X̃_c = X_c −
    1x̄ᵀ`` (``x̄ = X_cᵀh/Σh``) as its Hessian, ``X̃_cᵀ diag(h) X̃_c``
    (:meth:`block`, m × m), and ``X̃_cᵀ diag(h) Y`` as its linear term
    (:meth:`linear`, m × K): the Schur complement of the intercept's row in
    ``[X_c, 1]ᵀ diag(h) [X_c, 1]``, formed once per column instead of once
    per working set. Without an intercept the columns are not centred.
    Dense X only; the caller expands the block over outputs. ``model`` holds
    one object the solver derives from a block (its Newton model), keyed by
    the columns it was made for.
    """

    def __init__(self, X, weights, Y, fit_intercept=True):
        self.X, self.weights, self.Y = X, weights, Y
        self.fit_intercept = fit_intercept
        self.position = np.full(X.shape[1], -1, dtype=np.intp)
        self.columns = np.zeros(0, dtype=np.intp)
        # The cached columns' (centred) weighted Gram matrix and, when small
        # enough, the columns themselves (a contiguous copy: a new column's
        # products with them need no gather), grown by doubling; ``gram``
        # views the part in use.
        self._gram_store = np.zeros((0, 0))
        keep = 8 * X.shape[0] * _GRAM_CACHE_COLUMNS <= _COLUMN_STORE_BYTES
        self._column_store = np.zeros((X.shape[0], 0), order="F") if keep else None
        self.gram = self._gram_store
        self.cross = np.zeros(0)  # X_cᵀ h, the intercept's column
        self.squares = np.zeros(0)  # Σ_i h_i x_ij², the Gram's uncentred diagonal
        self.total = float(weights.sum())
        self.Y_total = weights @ Y  # Σ_i h_i y_i
        self.targets = np.zeros((0, Y.shape[1]))  # X̃_cᵀ diag(h) Y
        self.model = None

    def block(self, columns):
        """The Hessian in W of ``columns`` (m × m), the intercepts eliminated."""
        index = self._index(columns)
        return self.gram.take(index, axis=0).take(index, axis=1)

    def diagonal(self, columns):
        """``Σ_i h_i x_ij²`` of ``columns`` and ``Σh`` last (m + 1,): the
        diagonal of ``[X_c, 1]ᵀ diag(h) [X_c, 1]``."""
        index = self._index(columns)
        return np.append(self.squares[index], self.total)

    def linear(self, columns):
        """The linear term in W of ``columns`` (m, K), the intercepts eliminated."""
        return self.targets[self._index(columns)]

    def intercept(self, columns, W):
        """``b*(W)`` (K,) for W (m, K) on ``columns`` (zeros without an
        intercept)."""
        if not self.fit_intercept:
            return np.zeros(self.Y.shape[1])
        return (self.Y_total - self.cross[self._index(columns)] @ W) / self.total

    def intercept_excess(self, columns, W, b):
        """``F(W, b) − F(W, b*(W)) = (Σh/2)‖b − b*(W)‖²``."""
        if not self.fit_intercept:
            return 0.0
        offset = np.asarray(b) - self.intercept(columns, W)
        return 0.5 * self.total * float(offset @ offset)

    def _index(self, columns):
        new = columns[self.position[columns] < 0]
        if new.size:
            if self.columns.size + new.size > _GRAM_CACHE_COLUMNS:
                self.__init__(self.X, self.weights, self.Y, self.fit_intercept)
                new = columns
            self._add(new)
        return self.position[columns]

    def _add(self, new):
        X_new = np.asarray(self.X[:, new])
        cross = self.weights @ X_new
        centred = X_new - cross / self.total if self.fit_intercept else X_new
        # Centred columns are h-orthogonal to 1: one centred factor suffices,
        # and nothing is lost to the cancellation of large column means.
        weighted = centred * self.weights[:, None]
        old, size = self.columns.size, self.columns.size + new.size
        self._reserve(size)
        gram, stored = self._gram_store, self._column_store
        if old:
            cached = (
                np.asarray(self.X[:, self.columns])
                if stored is None
                else stored[:, :old]
            )
            across = weighted.T @ cached
            gram[old:size, :old] = across
            gram[:old, old:size] = across.T
        gram[old:size, old:size] = weighted.T @ X_new
        if stored is not None:
            stored[:, old:size] = X_new
        self.gram = gram[:size, :size]
        self.cross = np.concatenate([self.cross, cross])
        self.squares = np.concatenate(
            [self.squares, np.einsum("ij,ij,i->j", X_new, X_new, self.weights)]
        )
        self.targets = np.vstack([self.targets, weighted.T @ self.Y])
        self.position[new] = np.arange(old, size)
        self.columns = np.concatenate([self.columns, new])

    def _reserve(self, size):
        """Room for ``size`` columns in the stores (doubled when short)."""
        capacity = self._gram_store.shape[0]
        if size <= capacity:
            return
        capacity = min(max(2 * capacity, size, 64), max(size, _GRAM_CACHE_COLUMNS))
        old = self.columns.size
        gram = np.empty((capacity, capacity))
        gram[:old, :old] = self._gram_store[:old, :old]
        self._gram_store = gram
        if self._column_store is not None:
            stored = np.empty((self.X.shape[0], capacity), order="F")
            stored[:, :old] = self._column_store[:, :old]
            self._column_store = stored


def gram_cache_for(X, loss, fit_intercept=True):
    """A :class:`GramCache` when the loss's Hessian is constant and X dense."""
    weights = getattr(loss, "constant_hessian_weights", None)
    if weights is None or sp.issparse(X):
        return None
    return GramCache(X, weights, loss.Y, fit_intercept)


# Pairs of entries a RowPairs holds at most (64 MB of indices and products).
_MAX_PAIRS = 2**22
# Cost of one pair over that of one multiply-add of a dense ``X_wsᵀ D X_ws``.
# Measured on one thread (one-hot 2000×465): the pairs' sum 4.9 ns a pair,
# the dense product 0.2 ns a multiply-add at 50 columns and 0.08 at 466; the
# measured break-even is near 160 columns, this ratio puts it at 115.
_PAIR_COST = 27.0
# Entries of the whole Gram matrix a RowPairs sums at most (32 MB); past it, a
# Hessian sums only its block.
_MAX_WHOLE = 2**22
_ENTRY_COST = 3.0


class RowPairs:
    """``[X, 1]ᵀ diag(d) [X, 1]`` of a sparse X with few non-zeros per row.

    ``Σ_i d_i x_i x_iᵀ`` adds up, for every row, the products of its pairs of
    non-zeros: a one-hot design of c categoricals has c(c + 1)/2 pairs per
    row whatever the number of levels, while a dense product over m
    working-set columns costs m²/2 per row. The pairs (their position in the
    Hessian and the product of their values; a non-zero paired with itself
    at half its square, so that adding the transpose doubles it back) are
    listed once for all of X, on first use, row by row: they are the columns
    of a sparse (entries × rows) matrix, and a Hessian is that matrix times
    d, one sparse product (a weighted ``np.bincount`` of the pairs would
    first write their weighted values out). Rows are padded to the longest
    with zero entries.
    """

    def __init__(self, X, fit_intercept):
        self.X = sp.csr_matrix(X)
        self.fit_intercept = fit_intercept
        self.size = X.shape[1] + int(fit_intercept)
        counts = np.diff(self.X.indptr)
        self.width = int(counts.max(initial=0)) + int(fit_intercept)
        self.n_pairs = self.width * (self.width - 1) // 2

    @classmethod
    def of(cls, X, fit_intercept):
        """A RowPairs of X, or None when X is dense or has too many pairs."""
        if not sp.issparse(X) or X.shape[0] == 0:
            return None
        pairs = cls(X, fit_intercept)
        if X.shape[0] * (pairs.n_pairs + pairs.width) > _MAX_PAIRS:
            return None
        return pairs

    def cheaper(self, n_columns):
        """Whether the pairs beat a dense product over ``n_columns`` columns.

        Costs in dense multiply-adds: the pairs' sum, and the Gram matrix it
        fills (the whole one when that is small, see :meth:`gram`; about 3
        per entry to clear, sum and take the block from).
        """
        m = n_columns + int(self.fit_intercept)
        n = self.X.shape[0]
        filled = self.size**2 if self.size**2 <= _MAX_WHOLE else m * m
        pairs = _PAIR_COST * (self.n_pairs + self.width) * n + _ENTRY_COST * filled
        return pairs < n * m * m / 2.0

    @cached_property
    def _listed(self):
        """(columns, values) of the padded rows, row-major (rows × width)."""
        X, n = self.X, self.X.shape[0]
        counts = np.diff(X.indptr)
        columns = np.zeros((n, self.width), dtype=np.intp)
        values = np.zeros((n, self.width))
        rows = np.repeat(np.arange(n), counts)
        position = np.arange(X.nnz) - np.repeat(X.indptr[:-1], counts)
        columns[rows, position], values[rows, position] = X.indices, X.data
        if self.fit_intercept:
            columns[:, -1], values[:, -1] = self.size - 1, 1.0
        return columns, values

    def _pairwise(self, combine, source, dtype):
        """``combine(source[:, b], source[:, a])`` for every pair a ≤ b, rows × pairs.

        The pairs a < b first, then every entry with itself (a = b).
        """
        n = source.shape[0]
        out = np.empty((n, self.n_pairs + self.width), dtype=dtype)
        start = 0
        for a in range(self.width - 1):
            stop = start + self.width - 1 - a
            combine(source[:, a + 1 :], source[:, a : a + 1], out=out[:, start:stop])
            start = stop
        combine(source, source, out=out[:, start:])
        return out

    @cached_property
    def _products(self):
        """Each pair's product of values (an entry with itself: half its square).

        Indicator rows without padding (one-hot designs: every row has the
        same number of ones) have products 1 and ½ everywhere, filled without
        multiplying (the products took 3.4 of the 8.8 ms the one-hot
        benchmark's pairs took to list).
        """
        n = self.X.shape[0]
        counts = np.diff(self.X.indptr)
        unpadded = np.all(counts == self.width - int(self.fit_intercept))
        if unpadded and np.all(self.X.data == 1.0):
            products = np.ones((n, self.n_pairs + self.width))
        else:
            products = self._pairwise(np.multiply, self._listed[1], np.float64)
        products[:, self.n_pairs :] *= 0.5
        return products

    @cached_property
    def _squares(self):
        return self._listed[1] ** 2

    @cached_property
    def _whole(self):
        """The pairs as a sparse (size² × rows) matrix: a column per row of X,
        an entry per pair at its flat position in the whole Gram matrix."""
        columns, n = self._listed[0], self.X.shape[0]
        index = self._pairwise(
            lambda second, first, out: np.add(second, self.size * first, out=out),
            columns,
            np.int32 if self.size**2 < 2**31 else np.intp,
        )
        per_row = index.shape[1]
        return sp.csc_matrix(
            (
                self._products.ravel(),
                index.ravel(),
                np.arange(0, n * per_row + 1, per_row),
            ),
            shape=(self.size**2, n),
        )

    @cached_property
    def _pair_columns(self):
        """(first, second) column of every pair, rows × pairs, flattened."""

        def first_of(second, first, out):
            out[...] = first

        def second_of(second, first, out):
            out[...] = second

        columns = self._listed[0]
        return tuple(
            self._pairwise(pick, columns, np.intp).ravel()
            for pick in (first_of, second_of)
        )

    def _augmented(self, columns):
        """``columns`` with the intercept's appended, and whether that is all."""
        if self.fit_intercept:
            columns = np.append(columns, self.size - 1)
        whole = columns.size == self.size and not np.any(np.diff(columns) != 1)
        return columns, whole

    def diagonal(self, weights, columns):
        """``Σ_i weights_i x_ij²`` of ``columns`` (the intercept's appended)."""
        diagonal = np.bincount(
            self._listed[0].ravel(),
            weights=(self._squares * weights[:, None]).ravel(),
            minlength=self.size,
        )
        columns, whole = self._augmented(columns)
        return diagonal if whole else diagonal[columns]

    def gram(self, weights, columns):
        """The block of ``columns`` (the intercept's appended) of the weighted Gram.

        The whole Gram matrix is summed when it is small (at most
        ``_MAX_WHOLE`` entries) and the block taken from it; otherwise only
        the block is formed (m² entries), the pairs with a column outside it
        dropped.
        """
        columns, whole = self._augmented(columns)
        if whole or self.size**2 <= _MAX_WHOLE:
            half = np.asarray(self._whole @ weights).reshape(self.size, self.size)
            if not whole:
                half = half[np.ix_(columns, columns)]
        else:
            m = columns.size
            local = np.full(self.size, -1, dtype=np.intp)
            local[columns] = np.arange(m)
            first, second = self._pair_columns
            local_first, local_second = local[first], local[second]
            inside = (local_first >= 0) & (local_second >= 0)
            index = local_first[inside] * m + local_second[inside]
            pair_weights = (self._products * weights[:, None]).ravel()[inside]
            half = np.bincount(index, weights=pair_weights, minlength=m * m)
            half = half.reshape(m, m)
        # A pair of columns (j, k) was added at [j, k] or [k, j], whichever
        # order the row held them in, and [j, j] at half: the sum with the
        # transpose has them all.
        return half + half.T
