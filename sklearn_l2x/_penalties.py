"""Penalties on the coefficient matrix W (p features × K outputs).

Every penalty is a :class:`Penalty`: it knows its value, its proximal
operator, how far a gradient is from its optimality conditions, its part of
the dual objective and its λ_max; it knows nothing of losses, data or
estimators. The solvers see W through "units": the groups of rows that enter
and leave a working set together (a group of the group lasso, one feature with
all its outputs for the elastic net).

- :class:`GroupL2`: ``λ·[ratio·Σ_g ω_g‖W_g‖_F + (1 − ratio)·‖W‖_F²]``, rows
  grouped, all outputs of a group together;
- :class:`L1L2`: the elastic net ``λ·[α Σ|W_jk| + (1 − α) Σ W_jk²]``,
  elementwise in every output; its units are the rows of W, while the
  penalty itself acts on single entries.

Both are written ``λ_grp·(sparse part) + (ρ/2)‖W‖²`` with the sparse part's
strength ``λ_grp = λ·ratio`` and ``ρ = 2λ(1 − ratio)``.
"""

import abc

import numpy as np

from ._groups import group_membership


def _free_block(base, free, size):
    """``base`` on the free coordinates (a copy), or zeros without a base."""
    if base is None:
        return np.zeros((size, size))
    if size == base.shape[0]:
        return base.copy()
    index = np.flatnonzero(free.ravel())
    # Two takes: cheaper than base[np.ix_(index, index)].
    return base.take(index, axis=0).take(index, axis=1)


class Penalty(abc.ABC):
    """A penalty ``Ω(W) = λ_grp·Σ_u ω_u N(W_u) + (ρ/2)‖W‖²`` on units u of rows.

    ``N`` is the penalty's sparse part on a unit (the Frobenius norm of a
    group, the sum of absolute values of a row) and ``N°`` its dual measure
    (the Frobenius norm; the largest absolute entry), which ``group_norms``
    computes: W = 0 is optimal for a loss gradient G at 0 exactly when
    ``N°(G_u) <= λ_grp ω_u`` for every unit.

    Attributes every penalty has: ``lam`` (λ >= 0), ``ratio`` (the sparse
    part's share), ``n_groups`` (units), ``membership`` (the unit of each row),
    ``weights`` (ω_u, shape (n_groups,)).
    """

    @property
    def group_strength(self):
        """λ_grp = λ·ratio, the factor of the sparse part."""
        return self.lam * self.ratio

    @property
    def ridge(self):
        """ρ with the ridge part written (ρ/2)‖W‖²: ρ = 2λ(1 − ratio)."""
        return 2.0 * self.lam * (1.0 - self.ratio)

    def unpenalised_rows(self):
        """Mask (p,) of the rows on which the penalty is identically zero.

        (λ = 0, or a unit of weight 0 without a ridge part.) The dual needs
        ``X_uᵀU = 0`` on them; the duality gap projects its dual point so.
        """
        if self.ridge > 0:
            return np.zeros(self.membership.shape[0], dtype=bool)
        return (self.group_strength * self.weights == 0)[self.membership]

    def lam_max(self, gradient):
        """Smallest λ with W = 0 optimal, given the loss gradient ``G`` at W = 0.

        ``max_u N°(G_u)/(ratio·ω_u)``; inf when ``ratio == 0`` (a pure ridge
        never zeroes every coefficient).
        """
        if self.ratio == 0:
            return np.inf
        norms = self.group_norms(gradient) / self.weights
        return float(norms.max(initial=0.0) / self.ratio)

    @abc.abstractmethod
    def value(self, W):
        """Ω(W), a float."""

    @abc.abstractmethod
    def prox(self, V, step):
        """``argmin_W ½‖W − V‖² + step·Ω(W)`` (``step`` scalar or per unit)."""

    @abc.abstractmethod
    def group_norms(self, M):
        """``N°(M_u)`` for every unit u, shape (n_groups,)."""

    @abc.abstractmethod
    def restrict(self, group_ids):
        """(rows, penalty): the same penalty on the units ``group_ids`` only."""

    @abc.abstractmethod
    def kkt_violation(self, W, gradient):
        """Per unit, the distance of −∇ from the subdifferential at W."""

    @abc.abstractmethod
    def dual_scaling(self, gradient):
        """Largest t <= 1 with ``Ω*(t·G)`` finite (1 when ρ > 0)."""

    @abc.abstractmethod
    def dual_term(self, gradient):
        """``−Ω*(G)`` for a G where it is finite."""

    @abc.abstractmethod
    def newton_terms(self, W, base=None):
        """(free mask, gradient, Hessian) of Ω where it is smooth at W."""

    @abc.abstractmethod
    def reversed(self, W, V):
        """Mask of the free coordinates of W that the step to V zeroes or flips."""


class GroupL2(Penalty):
    """``lam · [ratio · Σ_g ω_g ‖W_g‖_F + (1 − ratio) · ‖W‖_F²]``.

    Parameters
    ----------
    groups : list of ndarray of int
        A partition of the p rows of W.
    weights : ndarray of shape (n_groups,)
        ω_g > 0.
    lam : float
        Overall strength λ >= 0.
    ratio : float in [0, 1]
        Share of the group term (``group_ratio``).
    """

    def __init__(self, groups, weights, lam, ratio):
        self.groups = groups
        self.weights = np.asarray(weights, dtype=np.float64)
        self.lam = float(lam)
        self.ratio = float(ratio)
        self.membership = group_membership(groups)
        n_features = self.membership.shape[0]
        self.n_groups = len(groups)
        # Singleton groups in feature order (the lasso): norms need no bincount.
        self._singletons = self.n_groups == n_features and np.array_equal(
            self.membership, np.arange(n_features)
        )
        # Consecutive groups of one size (a working set's restricted penalty
        # often is): rows reshape into one row per group, no bincount needed.
        size = n_features // max(self.n_groups, 1)
        self._block = (
            size
            if size * self.n_groups == n_features
            and np.array_equal(self.membership, np.arange(n_features) // size)
            else None
        )

    def restrict(self, group_ids):
        """The penalty on the rows of the groups ``group_ids`` only.

        Returns
        -------
        rows : ndarray of int
            The rows of W those groups cover, in the restricted order.
        penalty : GroupL2
            The same penalty on those rows, with local indices.
        """
        local, rows, start = [], [], 0
        for g in group_ids:
            members = self.groups[g]
            local.append(np.arange(start, start + len(members)))
            rows.append(members)
            start += len(members)
        rows = np.concatenate(rows) if rows else np.array([], dtype=int)
        return rows, GroupL2(local, self.weights[group_ids], self.lam, self.ratio)

    def group_norms(self, M):
        """‖M_g‖_F for every group, M of shape (p, K)."""
        if self._block is not None:
            blocks = np.ascontiguousarray(M).reshape(self.n_groups, -1)
            return np.sqrt(np.einsum("ij,ij->i", blocks, blocks))
        row_squares = np.einsum("ij,ij->i", M, M)
        if self._singletons:
            return np.sqrt(row_squares)
        return np.sqrt(
            np.bincount(self.membership, weights=row_squares, minlength=self.n_groups)
        )

    def value(self, W):
        return float(
            self.group_strength * self.weights @ self.group_norms(W)
            + 0.5 * self.ridge * np.sum(W * W)
        )

    def prox(self, V, step):
        """argmin_W ½‖W − V‖² + step·penalty(W), blockwise (closed form)."""
        norms = self.group_norms(V)
        threshold = step * self.group_strength * self.weights
        # 1 − t/‖V_g‖ clipped at 0 (a zero group stays zero whatever t is).
        shrink = 1.0 - threshold / np.maximum(norms, np.finfo(float).tiny)
        np.maximum(shrink, 0.0, out=shrink)
        shrink /= 1.0 + step * self.ridge
        if self._block is not None:
            blocks = np.ascontiguousarray(V).reshape(self.n_groups, -1)
            return (blocks * shrink[:, None]).reshape(V.shape)
        return V * shrink[self.membership][:, None]

    def newton_terms(self, W, base=None):
        """Where the penalty is smooth at W, its gradient and Hessian there.

        Returns the mask (p, K) of the free coordinates (the rows of the
        non-zero groups), the gradient on them and its Hessian, blocks
        ``λ_grp ω_g (I − uuᵀ)/‖W_g‖ + ρI`` (u = W_g/‖W_g‖), coordinates in
        row-major (feature, output) order. With ``base`` (a Hessian over all
        coordinates of W), the penalty's Hessian is added to the free
        coordinates' block of it instead: one array, no identity formed.
        """
        norms = self.group_norms(W)
        active = norms > 0
        free = np.repeat(active[self.membership][:, None], W.shape[1], axis=1)
        rows = np.flatnonzero(active[self.membership])
        values = W[rows].ravel()
        size = values.size
        gradient = self.ridge * values
        hessian = _free_block(base, free, size)
        hessian[np.diag_indices(size)] += self.ridge
        strength = self.group_strength
        if self._block is not None:
            # Equal consecutive groups: all blocks at once.
            ids = np.flatnonzero(active)
            width = self._block * W.shape[1]
            u = values.reshape(ids.size, width) / norms[ids][:, None]
            scale = strength * self.weights[ids]
            gradient += (scale[:, None] * u).ravel()
            blocks = (scale / norms[ids])[:, None, None] * (
                np.eye(width) - u[:, :, None] * u[:, None, :]
            )
            index = np.arange(size).reshape(ids.size, width)
            hessian[index[:, :, None], index[:, None, :]] += blocks
            return free, gradient, hessian
        # Any other grouping: the −c_g u_g u_gᵀ blocks scattered at once
        # (Σ width² entries, no loop over groups); pairs are formed among the
        # coordinates sorted by group, where each group's are consecutive,
        # then mapped back (a group's rows need not be consecutive).
        owner = np.repeat(self.membership[rows], W.shape[1])
        u = values / norms[owner]
        scale = strength * self.weights[owner]
        curvature = scale / norms[owner]
        gradient += scale * u
        hessian[np.diag_indices(size)] += curvature
        order = np.argsort(owner, kind="stable")
        sorted_owner = owner[order]
        starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
        widths = np.diff(np.r_[starts, size])
        width = np.repeat(widths, widths)  # of each coordinate's block
        first = np.repeat(starts, widths)  # of each coordinate's block
        i = np.repeat(np.arange(size), width)
        j = np.repeat(first, width) + (
            np.arange(i.size) - np.repeat(np.cumsum(width) - width, width)
        )
        i, j = order[i], order[j]
        hessian[i, j] -= curvature[i] * u[i] * u[j]
        return free, gradient, hessian

    def reversed(self, W, V):
        """Mask (p, K) of the rows of W's non-zero groups that V zeroes or turns around.

        A group is reversed when ``⟨W_g, V_g⟩ <= 0``: a step from W to V then
        left the face on which the penalty is smooth.
        """
        active = self.group_norms(W) > 0
        inner = np.bincount(
            self.membership,
            weights=np.einsum("ij,ij->i", W, V),
            minlength=self.n_groups,
        )
        rows = (active & (inner <= 0))[self.membership]
        return np.repeat(rows[:, None], W.shape[1], axis=1)

    def kkt_violation(self, W, gradient):
        """Per group, the distance of −∇_g from the subdifferential at W_g.

        Zero groups: ``max(‖∇_g‖ − λ_grp ω_g, 0)``; non-zero groups:
        ``‖∇_g + ρW_g + λ_grp ω_g W_g/‖W_g‖‖``.
        """
        norms = self.group_norms(W)
        active = norms > 0
        radius = self.group_strength * self.weights
        inactive_violation = np.maximum(self.group_norms(gradient) - radius, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            direction = np.where(active, radius / norms, 0.0)[self.membership]
        residual = gradient + self.ridge * W + direction[:, None] * W
        active_violation = self.group_norms(residual)
        return np.where(active, active_violation, inactive_violation)

    def dual_scaling(self, gradient):
        """Largest t <= 1 keeping t·∇ dual-feasible (needed when ρ = 0)."""
        if self.ridge > 0:
            return 1.0
        radius = self.group_strength * self.weights
        ratios = self.group_norms(gradient) / np.where(radius > 0, radius, np.inf)
        worst = ratios.max(initial=0.0)
        return 1.0 if worst <= 1.0 else 1.0 / worst

    def dual_term(self, gradient):
        """−Σ_g (‖X_gᵀU‖ − λ_grp ω_g)₊²/(2ρ) for ρ > 0 (0 when ρ = 0)."""
        if self.ridge <= 0:
            return 0.0
        excess = np.maximum(
            self.group_norms(gradient) - self.group_strength * self.weights, 0.0
        )
        return -float(np.sum(excess**2)) / (2.0 * self.ridge)


class L1L2(Penalty):
    """``lam · [ratio · Σ_jk |W_jk| + (1 − ratio) · Σ_jk W_jk²]`` (elastic net).

    With one output this is :class:`GroupL2` with singleton groups of unit
    weight; with K outputs the ℓ1 part acts on every entry, as in scikit-learn's
    multinomial ``LogisticRegression(l1_ratio=...)``, not on whole rows.

    Parameters
    ----------
    n_features : int
        Rows of W; each row is one "group" for the solver's working sets.
    lam : float
        Overall strength λ >= 0.
    ratio : float in [0, 1]
        Share of the ℓ1 term (``l1_ratio``, the reference text's α).
    """

    def __init__(self, n_features, lam, ratio):
        self.n_groups = int(n_features)
        self.membership = np.arange(self.n_groups)
        self.weights = np.ones(self.n_groups)
        self.lam = float(lam)
        self.ratio = float(ratio)

    @property
    def groups(self):
        """One group per row (built on demand: p small arrays are not free)."""
        return [np.array([j]) for j in range(self.n_groups)]

    def restrict(self, group_ids):
        """The penalty on the rows ``group_ids`` (see :meth:`GroupL2.restrict`)."""
        rows = np.asarray(group_ids, dtype=int)
        return rows, L1L2(rows.size, self.lam, self.ratio)

    def group_norms(self, M):
        """Per row, ``max_k |M_jk|`` (the entry the ℓ1 dual norm bounds)."""
        return np.abs(M).max(axis=1, initial=0.0)

    def value(self, W):
        return float(
            self.group_strength * np.abs(W).sum() + 0.5 * self.ridge * np.sum(W * W)
        )

    def prox(self, V, step):
        """Soft thresholding then ridge shrinkage; ``step`` scalar or per row."""
        step = np.asarray(step, dtype=np.float64)
        if step.ndim:
            step = step[self.membership][:, None]
        magnitude = np.maximum(np.abs(V) - step * self.group_strength, 0.0)
        return np.sign(V) * magnitude / (1.0 + step * self.ridge)

    def newton_terms(self, W, base=None):
        """The free (non-zero) entries, the penalty's gradient and Hessian there.

        ``base``: as in :meth:`GroupL2.newton_terms`.
        """
        free = W != 0
        values = W[free]
        gradient = self.group_strength * np.sign(values) + self.ridge * values
        hessian = _free_block(base, free, values.size)
        hessian[np.diag_indices(values.size)] += self.ridge
        return free, gradient, hessian

    def reversed(self, W, V):
        """Mask of the non-zero entries of W whose sign V changes or zeroes."""
        return (W != 0) & (np.sign(V) != np.sign(W))

    def kkt_violation(self, W, gradient):
        """Per row, the norm over outputs of each entry's distance to optimality."""
        radius = self.group_strength
        zero = W == 0
        violation = np.where(
            zero,
            np.maximum(np.abs(gradient) - radius, 0.0),
            np.abs(gradient + self.ridge * W + radius * np.sign(W)),
        )
        return np.sqrt(np.einsum("ij,ij->i", violation, violation))

    def dual_scaling(self, gradient):
        """Largest t <= 1 keeping t·∇ dual-feasible (needed when ρ = 0)."""
        if self.ridge > 0:
            return 1.0
        radius = self.group_strength
        worst = float(np.abs(gradient).max(initial=0.0))
        if radius <= 0:
            return 1.0 if worst == 0 else 0.0
        return 1.0 if worst <= radius else radius / worst

    def dual_term(self, gradient):
        """−Σ_jk (|∇_jk| − λα)₊²/(2ρ) for ρ > 0 (0 when ρ = 0)."""
        if self.ridge <= 0:
            return 0.0
        excess = np.maximum(np.abs(gradient) - self.group_strength, 0.0)
        return -float(np.sum(excess**2)) / (2.0 * self.ridge)
