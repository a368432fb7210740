"""The loss gradient ``XᵀR`` of a certificate without a whole pass over X.

A duality gap needs ``G = XᵀR`` on every unit u of rows (a group, or one
feature) only to keep the dual point feasible there, and the working set needs
it to find the units that violate optimality. Between two certificates (the
points of a path, the outer iterations of a fit) the residual moves, and a
unit's rows of G by at most ``‖X_u‖₂·‖R − R₀‖_F`` (``X_u`` its columns, R₀ the
residual at which its rows were last formed). A zero unit whose last rows lie
deeper inside the penalty's dual set than that
(:meth:`~sklearn_l2x._penalties.Penalty.dual_room`) is still inside it: the
dual point stays feasible there whatever t <= 1 scales it, Ω*'s term there is
zero and the unit does not violate optimality. Its rows are kept as they were
(they are not ``XᵀR`` any more, but every use of them gives what ``XᵀR`` would),
and only the other units' columns are multiplied.

Along a path, where the residual changes little from one λ to the next, that
is a fraction of X's columns: the certificate's cost is no longer a pass over
all of X.
"""

import numpy as np
import scipy.sparse as sp

from .threads import cheaper_than_pass, transposed_product

# Passes over fewer entries are cheap: bounds are not kept for them.
_SMALL_X = 2**20
# Residuals kept as bases (a unit whose rows are older is formed again).
_KEPT_RESIDUALS = 8
# Units up to this many columns bound ‖X_u‖₂ by their Gram block's largest
# eigenvalue (n·|u|² operations); larger ones by ‖X_u‖_F.
_SPECTRAL_SIZE = 32
# Relative safety of the bounds against the rounding of their ingredients.
_SAFETY = 1e-8


class PassBounds:
    """``XᵀR`` for one dense X, its rows reused while a bound clears them.

    Make with :meth:`of`, then call :meth:`product` instead of
    ``transposed_product(X, R)`` in every certificate on this X (any λ, any
    W, the same penalty's units).
    """

    def __init__(self, X, membership):
        self.X = X
        self.membership = membership
        self.n_units = int(membership.max(initial=-1)) + 1
        self._norms = None
        self.gradient = None
        self.residuals = []  # kept bases, oldest first
        self.base = None  # per unit: its base's index in ``residuals``

    @classmethod
    def of(cls, X, penalty):
        """PassBounds for a dense Fortran-ordered X that is not small, else None.

        (Columns of other layouts are not contiguous: a partial product would
        cost as much as the pass.)
        """
        if (
            sp.issparse(X)
            or not X.flags.f_contiguous
            or X.shape[0] * X.shape[1] < _SMALL_X
            or penalty.n_groups < 2
        ):
            return None
        return cls(X, penalty.membership)

    def product(self, R, penalty, W):
        """``XᵀR`` on every unit that a bound cannot clear, kept rows elsewhere.

        Units where W is non-zero are always formed. Where their columns
        would cost more than a pass (``threads.cheaper_than_pass``), a whole
        pass is made.
        """
        if self.gradient is None or self.gradient.shape[1] != R.shape[1]:
            return self._pass(R)
        formed = self._needed(R, penalty, W)
        rows = np.flatnonzero(formed[self.membership])
        if not cheaper_than_pass(self.X, rows):
            return self._pass(R)
        self.gradient[rows] = transposed_product(self.X, R, rows)
        self._rebase(R, formed)
        return self.gradient.copy()

    def _needed(self, R, penalty, W):
        """Mask of the units whose rows must be formed at R: those in W's
        support and those whose room does not exceed ``‖X_u‖₂·‖R − R_u‖``."""
        distance = np.array(
            [np.linalg.norm(R - kept) for kept in self.residuals] + [np.inf]
        )[self.base]
        slack = self.norms * distance * (1.0 + _SAFETY)
        room = penalty.dual_room(self.gradient)
        cleared = room > slack + _SAFETY * np.abs(room)
        return ~cleared | (penalty.group_norms(W) > 0)

    @property
    def norms(self):
        """Upper bounds on ``‖X_u‖₂`` per unit, formed on first use.

        Single columns: their norm. Units up to ``_SPECTRAL_SIZE`` columns:
        the square root of their Gram block's largest eigenvalue (n·|u|²
        operations: forming a group of ten's rows ten times); larger ones:
        their Frobenius norm (a group of |u| columns can be √|u| times its
        spectral norm: units of ten measured along a path needed twice as many
        columns formed with it). Inflated by ``_SAFETY`` against rounding.
        """
        if self._norms is None:
            squares = np.einsum("ij,ij->j", self.X, self.X)
            bound = np.bincount(self.membership, squares, minlength=self.n_units)
            sizes = np.bincount(self.membership, minlength=self.n_units)
            spectral = (sizes > 1) & (sizes <= _SPECTRAL_SIZE)
            if spectral.any():
                bound[spectral] = _gram_eigenvalues(self.X, self.membership, spectral)
            self._norms = np.sqrt(np.maximum(bound, 0.0)) * (1.0 + _SAFETY)
        return self._norms

    def _pass(self, R):
        self.gradient = np.asarray(transposed_product(self.X, R), dtype=np.float64)
        self.residuals = [R.copy()]
        self.base = np.zeros(self.n_units, dtype=np.intp)
        return self.gradient.copy()

    def _rebase(self, R, formed):
        """R becomes the base of the formed units; bases nobody uses are dropped,
        and units whose base is too old are marked to be formed next time."""
        # Every unit whose base was dropped had an infinite slack: it is formed.
        self.residuals.append(R.copy())
        self.base[formed] = len(self.residuals) - 1
        used = np.unique(self.base)
        if used.size < len(self.residuals):
            self.residuals = [self.residuals[k] for k in used]
            self.base = np.searchsorted(used, self.base)
        if len(self.residuals) > _KEPT_RESIDUALS:
            # The oldest base is dropped: its units point past the end (an
            # infinite distance), so they are formed at the next certificate.
            self.residuals.pop(0)
            self.base -= 1
            self.base[self.base < 0] = len(self.residuals)


def _gram_eigenvalues(X, membership, units):
    """The largest eigenvalue of ``X_uᵀX_u`` for the units in the mask
    ``units`` (blocks of one size batched)."""
    rows = np.flatnonzero(units[membership])
    owner = membership[rows]
    order = np.argsort(owner, kind="stable")
    rows, owner = rows[order], owner[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    sizes = np.diff(np.r_[starts, rows.size])
    out = np.empty(starts.size)
    for size in np.unique(sizes):
        which = np.flatnonzero(sizes == size)
        grams = np.empty((which.size, size, size))
        for k, start in enumerate(starts[which]):
            columns = rows[start : start + size]
            if columns[-1] - columns[0] == size - 1:
                block = X[:, columns[0] : columns[-1] + 1]
            else:
                block = X[:, columns]
            np.matmul(block.T, block, out=grams[k])
        out[which] = np.linalg.eigvalsh(grams)[:, -1]
    return out
