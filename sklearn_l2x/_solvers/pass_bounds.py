"""The loss gradient ``XᵀR`` of a certificate without a whole pass over X.

A duality gap needs ``G = XᵀR`` on every unit u of rows (a group, or one
feature) only to keep the dual point feasible there, and the working set needs
it to find the units that violate optimality. Between two certificates (the
points of a path, the outer iterations of a fit) the residual moves, and a
unit's rows of G can be estimated from the rows formed earlier to within
``‖X_u‖₂·‖e‖`` (``X_u`` its columns, e the part of the move the estimate does
not account for; see :class:`PassBounds`). A zero unit whose estimate lies
deeper inside the penalty's dual set than that
(:meth:`~sklearn_l2x._penalties.Penalty.dual_room`) is inside it: the dual
point stays feasible there whatever t <= 1 scales it, Ω*'s term there is zero
and the unit does not violate optimality. The estimate serves for its rows
(it is not ``XᵀR``, but every use of it gives what ``XᵀR`` would), and only
the other units' columns are multiplied.

Along a path, where the residual changes little from one λ to the next, that
is a fraction of X's columns: the certificate's cost is no longer a pass over
all of X.
"""

import numpy as np
import scipy.sparse as sp

from .threads import cheaper_than_pass, run_starts, transposed_product

# Passes over fewer entries are cheap: bounds are not kept for them.
_SMALL_X = 2**20
# Residuals kept as bases (a unit whose rows are older is formed again): as
# many as fit in _KEPT_BYTES, within these bounds. Along the 50-point path of
# 1000×5000 (groups of ten), 8 kept residuals formed 6 590 units (4 whole
# passes), 64 formed 5 129 (1 pass).
_KEPT_RESIDUALS = (8, 64)
_KEPT_BYTES = 2**26
# Units up to this many columns bound ‖X_u‖₂ by their Gram block's largest
# eigenvalue (n·|u|² operations); larger ones by ‖X_u‖_F.
_SPECTRAL_SIZE = 32
# Relative safety of the bounds against the rounding of their ingredients.
_SAFETY = 1e-8
# Rounding of an extrapolated estimate, relative to the rows it comes from.
_ROUNDING = 1e-12
# Columns gathered at most at once for the units' Gram blocks (bytes).
_CHUNK_BYTES = 2**24
# Largest |α| an estimate extrapolates with (else the last rows serve).
_MAX_EXTRAPOLATION = 4.0
_TINY = np.finfo(float).tiny


class PassBounds:
    """``XᵀR`` for one dense X, its rows reused while a bound clears them.

    Make with :meth:`of`, then call :meth:`product` instead of
    ``transposed_product(X, R)`` in every certificate on this X (any λ, any
    W, the same penalty's units).

    Each unit keeps its rows at the last two residuals it was formed at
    (``last`` at ``residuals[base]``, ``prev`` at ``residuals[prev_base]``;
    -1: none). ``XᵀR`` is linear in R, so writing ``R = R_b + α(R_b − R_a) + e``
    (α the least-squares coefficient) gives ``X_uᵀR = last_u + α(last_u −
    prev_u) + X_uᵀe`` with ``‖X_uᵀe‖ <= ‖X_u‖₂‖e‖``: along a path the residual
    moves smoothly and ``‖e‖`` is much smaller than ``‖R − R_b‖`` (over a
    50-point path of 1000×5000, groups of ten, bounding by ``‖R − R_b‖``
    alone formed 1.8 times as many columns; units formed now: see
    ``_KEPT_RESIDUALS``).
    """

    def __init__(self, X, membership):
        self.X = X
        self.membership = membership
        self.n_units = int(membership.max(initial=-1)) + 1
        self._norms = None
        self.residuals = None  # (capacity, n, K): kept residuals, oldest first
        self.n_kept = 0
        self.last = self.prev = None  # (p, K) rows, exact at their residuals
        self.base = self.prev_base = None  # per unit: index in residuals, or -1
        self.formed = None  # the units the last product formed

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
        """``XᵀR`` on every unit that a bound cannot clear, estimates within
        the bound elsewhere.

        Units where W is non-zero are always formed. Where their columns
        would cost more than a pass (``threads.cheaper_than_pass``), a whole
        pass is made.
        """
        if self.last is None or self.last.shape[1] != R.shape[1]:
            self._reset(R.shape[1])
            return self._record(R, np.ones(self.n_units, dtype=bool), None)
        formed, estimate = self._needed(R, penalty, W)
        rows = np.flatnonzero(formed[self.membership])
        if not cheaper_than_pass(self.X, rows):
            return self._record(R, np.ones(self.n_units, dtype=bool), None)
        estimate[rows] = self._record(R, formed, rows)
        return estimate

    def _needed(self, R, penalty, W):
        """(mask of the units to form at R, estimate of XᵀR).

        Formed: the units in W's support and those whose room at the
        estimate does not exceed ``‖X_u‖₂·‖e_u‖``.
        """
        alpha, error = self._extrapolation(R)
        step = alpha[self.membership][:, None] * (self.last - self.prev)
        estimate = self.last + step
        scale = penalty.group_norms(np.abs(self.last) + np.abs(step))
        slack = self.norms * error * (1.0 + _SAFETY) + _ROUNDING * scale
        room = penalty.dual_room(estimate)
        cleared = room > slack + _SAFETY * np.abs(room)
        return ~cleared | (penalty.group_norms(W) > 0), estimate

    def _extrapolation(self, R):
        """Per unit, α and a bound on ``‖e‖`` (α = 0: ``‖R − R_b‖``; no base:
        infinite), from the Gram matrix of the differences ``R − R_j``.

        With ``d_j = R − R_j`` and ``s = R_b − R_a = d_a − d_b``:
        ``α = ⟨d_b, s⟩/‖s‖²`` and ``‖e‖² = ‖d_b‖² − α⟨d_b, s⟩``; the
        expansion loses up to ``ε‖d_b‖²`` to cancellation, which the bound
        adds back (10⁻¹⁴‖d_b‖²).
        """
        differences = R[None] - self.residuals[: self.n_kept]
        differences = differences.reshape(self.n_kept, -1)
        M = differences @ differences.T
        a, b = self.prev_base, self.base
        d_bb = M[b, b]
        alpha = np.zeros(self.n_units)
        error = np.sqrt(d_bb) * (1.0 + _SAFETY)
        pair = (a >= 0) & (b >= 0) & (a != b)
        if pair.any():
            a_, b_ = a[pair], b[pair]
            inner = M[b_, a_] - M[b_, b_]
            length = np.maximum(M[a_, a_] - 2.0 * M[a_, b_] + M[b_, b_], _TINY)
            candidate = inner / length
            residue = np.sqrt(
                np.maximum(M[b_, b_] - candidate * inner, 0.0) + 1e-14 * M[b_, b_]
            )
            better = (np.abs(candidate) <= _MAX_EXTRAPOLATION) & (residue < error[pair])
            index = np.flatnonzero(pair)[better]
            alpha[index] = candidate[better]
            error[index] = residue[better]
        error[b < 0] = np.inf
        return alpha, error

    def _reset(self, n_outputs):
        n_samples, p = self.X.shape
        shape = (p, n_outputs)
        self.last, self.prev = np.zeros(shape), np.zeros(shape)
        self.base = np.full(self.n_units, -1, dtype=np.intp)
        self.prev_base = self.base.copy()
        low, high = _KEPT_RESIDUALS
        fits = _KEPT_BYTES // (8 * n_samples * n_outputs)
        # One more than kept: a new residual joins before the oldest leaves.
        capacity = int(np.clip(fits, low, high)) + 1
        self.residuals = np.empty((capacity, n_samples, n_outputs))
        self.n_kept = 0

    def _record(self, R, formed, rows):
        """Form the rows of ``formed`` (all: a pass) at R and keep them as
        those units' last rows; returns the formed rows."""
        exact = np.asarray(transposed_product(self.X, R, rows), dtype=np.float64)
        if rows is None:
            rows = slice(None)
        self.formed = formed
        self.residuals[self.n_kept] = R
        self.n_kept += 1
        self.prev[rows] = self.last[rows]
        self.prev_base[formed] = self.base[formed]
        self.last[rows] = exact
        self.base[formed] = self.n_kept - 1
        self._drop_unused()
        return exact

    def _drop_unused(self):
        """Residuals no unit refers to are dropped; past the store's capacity
        the oldest too (its units then have no base: they are formed next)."""
        count = self.n_kept
        used = np.bincount(self.base[self.base >= 0], minlength=count) > 0
        used |= np.bincount(self.prev_base[self.prev_base >= 0], minlength=count) > 0
        if count == self.residuals.shape[0]:
            used[0] = False
        if used.all():
            return
        kept = np.flatnonzero(used)
        position = np.full(count, -1, dtype=np.intp)
        position[kept] = np.arange(kept.size)
        self.residuals[: kept.size] = self.residuals[kept]
        self.n_kept = kept.size
        self.base = np.where(self.base >= 0, position[self.base], -1)
        self.prev_base = np.where(self.prev_base >= 0, position[self.prev_base], -1)

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
            membership = self.membership
            sizes = np.bincount(membership, minlength=self.n_units)
            spectral = (sizes > 1) & (sizes <= _SPECTRAL_SIZE)
            bound = np.zeros(self.n_units)
            if not spectral.all():
                # Column norms only where they serve (a pass, or a gather).
                columns = np.flatnonzero(~spectral[membership])
                X = self.X if columns.size == membership.size else self.X[:, columns]
                squares = np.einsum("ij,ij->j", X, X)
                bound += np.bincount(
                    membership[columns], squares, minlength=self.n_units
                )
            if spectral.any():
                bound[spectral] = _gram_eigenvalues(self.X, membership, spectral)
            self._norms = np.sqrt(np.maximum(bound, 0.0)) * (1.0 + _SAFETY)
        return self._norms


def _gram_eigenvalues(X, membership, units):
    """The largest eigenvalue of ``X_uᵀX_u`` for the units in the mask
    ``units``: units of one size in chunks, each chunk's Gram blocks one
    batched product (consecutive columns are a view of X, others a gathered
    copy of at most ``_CHUNK_BYTES``). Batched, 500 groups of ten columns of
    1000×5000 took 12–13 ms against 19 ms one product per unit (the chunks on
    a two-thread pool were no faster within a path: 12 ms median both ways).
    """
    rows = np.flatnonzero(units[membership])
    owner = membership[rows]
    order = np.argsort(owner, kind="stable")
    rows, owner = rows[order], owner[order]
    starts = run_starts(owner)
    sizes = np.diff(np.append(starts, rows.size))
    out = np.empty(starts.size)
    columns = X.T  # (p, n), C-ordered for a Fortran-ordered X
    for size in np.unique(sizes):
        which = np.flatnonzero(sizes == size)
        members = rows[starts[which][:, None] + np.arange(size)]
        step = max(1, _CHUNK_BYTES // (8 * size * X.shape[0]))
        for k in range(0, which.size, step):
            out[which[k : k + step]] = _largest_eigenvalues(
                columns, members[k : k + step]
            )
    return out


def _largest_eigenvalues(columns, members):
    """Per row of ``members`` (units of one size), the largest eigenvalue of
    its columns' Gram block; ``columns`` is Xᵀ."""
    flat = members.ravel()
    if flat[-1] - flat[0] == flat.size - 1 and np.all(np.diff(flat) == 1):
        stacked = columns[flat[0] : flat[-1] + 1]  # a view
    else:
        stacked = columns[flat]
    stacked = stacked.reshape(members.shape + (columns.shape[1],))
    return np.linalg.eigvalsh(stacked @ stacked.transpose(0, 2, 1))[:, -1]
