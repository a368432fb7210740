"""The Gram cache of a loss whose Hessian does not depend on η (the squared error).

For ``F(η) = Σ_i (h_i/2)‖y_i − η_i‖²`` the objective restricted to a set of
columns is an exact quadratic in ``[W; b]``: Hessian ``[X, 1]ᵀ diag(h) [X, 1]``
(times the identity over outputs) and linear term ``[X, 1]ᵀ diag(h) Y``. Both
are formed once per column and kept for every solve on the same data (the
points of a path, the outer iterations of one fit, a CV refit), so a working
set costs only the products of its columns new to the cache.
"""

import numpy as np
import scipy.sparse as sp

# Columns a GramCache keeps at most (its matrix then holds 32 MB); beyond, it
# starts again from the working set it is asked for.
_GRAM_CACHE_COLUMNS = 2000


class GramCache:
    """``[X_c, 1]ᵀ diag(h) [X_c, 1]`` and ``[X_c, 1]ᵀ diag(h) Y`` for cached columns c.

    Dense X only. :meth:`block` gives the (m + 1)² Gram block of ``[X_ws, 1]``
    (the intercept last) without any output structure (the caller expands it
    over outputs); :meth:`linear` the (m + 1, K) linear term. ``model`` holds
    one object the solver derives from a block (its reduced Newton model),
    keyed by the columns it was made for.
    """

    def __init__(self, X, weights, Y):
        self.X, self.weights, self.Y = X, weights, Y
        self.position = np.full(X.shape[1], -1, dtype=np.intp)
        self.columns = np.zeros(0, dtype=np.intp)
        self.gram = np.zeros((0, 0))
        self.cross = np.zeros(0)  # X_cᵀ h, the intercept's column
        self.total = float(weights.sum())
        self.weighted_Y = weights[:, None] * Y
        self.targets = np.zeros((0, Y.shape[1]))  # X_cᵀ diag(h) Y
        self.model = None

    def block(self, columns):
        """The augmented Gram block of ``columns`` (m + 1, m + 1)."""
        index = self._index(columns)
        m = index.size
        block = np.empty((m + 1, m + 1))
        block[:m, :m] = self.gram.take(index, axis=0).take(index, axis=1)
        block[:m, m] = block[m, :m] = self.cross[index]
        block[m, m] = self.total
        return block

    def diagonal(self, columns):
        """The Gram block's diagonal (m + 1,), the intercept last."""
        index = self._index(columns)
        return np.append(self.gram.diagonal()[index], self.total)

    def linear(self, columns):
        """``[X_ws, 1]ᵀ diag(h) Y`` of ``columns`` (m + 1, K)."""
        index = self._index(columns)
        return np.vstack([self.targets[index], self.weighted_Y.sum(axis=0)])

    def _index(self, columns):
        new = columns[self.position[columns] < 0]
        if new.size:
            if self.columns.size + new.size > _GRAM_CACHE_COLUMNS:
                self.__init__(self.X, self.weights, self.Y)
                new = columns
            self._add(new)
        return self.position[columns]

    def _add(self, new):
        X_new = np.asarray(self.X[:, new])
        weighted = X_new * self.weights[:, None]
        old = self.columns
        size = old.size + new.size
        gram = np.empty((size, size))
        gram[: old.size, : old.size] = self.gram
        if old.size:
            across = weighted.T @ np.asarray(self.X[:, old])
            gram[old.size :, : old.size] = across
            gram[: old.size, old.size :] = across.T
        gram[old.size :, old.size :] = weighted.T @ X_new
        self.gram = gram
        self.cross = np.concatenate([self.cross, weighted.sum(axis=0)])
        self.targets = np.vstack([self.targets, X_new.T @ self.weighted_Y])
        self.position[new] = np.arange(old.size, size)
        self.columns = np.concatenate([old, new])


def gram_cache_for(X, loss):
    """A :class:`GramCache` when the loss's Hessian is constant and X dense."""
    weights = getattr(loss, "constant_hessian_weights", None)
    if weights is None or sp.issparse(X):
        return None
    return GramCache(X, weights, loss.Y)
