"""The squared-loss elastic net: working sets, gap-safe screening, gap stopping.

Solves, for one target at a time,

``P(w) = (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ·[α‖w‖₁ + (1 − α)‖w‖²]``

(b is eliminated by weighted centring, :class:`~.spectral.CentredDesign`). In
the half-scaled units of scikit-learn's coordinate descent,
``Q = P/2 = (1/2S)‖ỹ − X̃w‖² + a₁‖w‖₁ + (a₂/2)‖w‖²`` with ``a₁ = λα/2`` and
``a₂ = λ(1 − α)``, i.e. the :class:`~sklearn_l2x._penalties.L1L2` penalty at
strength λ/2.

Outer loop (ours, in numpy):

1. residual ``r = ỹ − X̃w`` and ``v = X̃ᵀr/S`` (one pass over X);
2. the duality gap of the full problem at the dual point ``θ = t·r`` (t = 1
   when a₂ > 0, else the largest feasible scaling): stop when
   ``2·gap_Q <= tol·P(0)``;
3. gap-safe screening: the dual is 1-strongly concave, so ``‖θ − θ*‖ <=
   √(2·gap_Q·S)`` and feature j is zero at the optimum when
   ``|v_j| + ‖x̃_j‖·√(2·gap_Q/S) < a₁``; screened features leave the problem;
4. a working set: the non-zero features and the worst violators of the
   optimality conditions, doubled when the gap does not shrink enough.

Inner solver: scikit-learn's compiled coordinate descent through its public
:func:`sklearn.linear_model.enet_path`, restricted to the working set, warm
started, to a fraction of the current gap. When the working set has fewer
columns than X has rows it runs on the working set's Gram matrix (kept in a
cache that grows with the working set, and across a λ path); otherwise on the
working set's (centred, weighted) columns, or for sparse X on its uncentred
sparse columns plus an intercept column (:func:`_inner_sparse`).
"""

import warnings

import numpy as np
import scipy.sparse as sp
from scipy import linalg
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import enet_path

from .._penalties import L1L2
from .._sklearn_compat import INTERCEPT_COLUMN, enet_path_centred

# A λ path or CV works on the full Gram matrix when n >= p and p is at most
# this (the p×p matrix then costs at most 128 MB); nothing larger is formed.
_FULL_GRAM_MAX_FEATURES = 4096


def whole_gram_fits(n_samples, n_features):
    """Whether the whole p×p Gram matrix is worth forming: n >= p, p not too large."""
    return n_features <= min(n_samples, _FULL_GRAM_MAX_FEATURES)


class GramCache:
    """``X̃_Aᵀ X̃_A / S`` for a growing set A of columns, computed once each.

    With ``full=True`` the whole p×p matrix is formed at once (worth it when
    n ≫ p and many fits share it: a λ path, CV folds), or taken as ``gram``
    when given; then the gradient and the gap of the full problem cost
    O(p·nnz(w)) instead of a pass over X.
    """

    def __init__(self, design, full=False, gram=None):
        self.design = design
        self.index = np.array([], dtype=int)
        self.position = {}
        self.matrix = np.zeros((0, 0))
        self.full = gram  # X̃ᵀX̃/S when the caller has it already
        if full and gram is None:
            self._form_full()

    def _form_full(self):
        self.full = np.asarray(self.design.gram(), dtype=np.float64)
        self.full /= self.design.sw_sum

    def _full_is_cheaper(self, n_cached):
        """Past a quarter of the columns (and n >= p) the whole Gram is formed.

        Growing the cache from m to 2m columns costs about 4·n·m² flops (a
        cross and a corner block), the whole symmetric product n·p², after
        which every certificate costs O(p·nnz(w)) instead of a pass over X:
        from m = p/4 on, the next doublings cost as much as the whole.
        """
        n_samples, n_features = self.design.X.shape
        return whole_gram_fits(n_samples, n_features) and 4 * n_cached > n_features

    def __call__(self, columns):
        if self.full is None:
            new = np.array([j for j in columns if j not in self.position], dtype=int)
            if new.size and self._full_is_cheaper(self.index.size + new.size):
                self._form_full()
        if self.full is not None:
            if columns.size == self.full.shape[0]:  # sorted: all of them
                return self.full
            return self.full[np.ix_(columns, columns)]
        if new.size:
            union = np.concatenate([self.index, new])
            cross = self.design.gram_block(self.index, new)
            corner = self.design.gram_block(new, new)
            m_old = self.index.size
            matrix = np.empty((union.size, union.size))
            matrix[:m_old, :m_old] = self.matrix
            matrix[:m_old, m_old:] = cross / self.design.sw_sum
            matrix[m_old:, :m_old] = matrix[:m_old, m_old:].T
            matrix[m_old:, m_old:] = corner / self.design.sw_sum
            self.matrix = matrix
            self.index = union
            self.position.update({j: m_old + k for k, j in enumerate(new)})
        at = np.array([self.position[j] for j in columns], dtype=int)
        return self.matrix[np.ix_(at, at)]


def _best_scaling(A, B, c, a1, a2):
    """argmax over t >= 0 of ``D(t) = tA − ½t²B − Σ(t·c_j − a₁)₊²/(2a₂)``.

    D is concave in t and its derivative piecewise linear and decreasing: the
    root is found exactly, segment by segment, capped at ``A/B``. With a₂ = 0
    the last term is the constraint ``t·max c <= a₁`` instead.
    """
    if B <= 0 or A <= 0:
        return 0.0
    t_high = A / B
    if a2 <= 0:
        top = float(c.max(initial=0.0))
        return t_high if top * t_high <= a1 else a1 / top
    c = np.sort(c[c * t_high > a1])[::-1]  # the others never reach a₁
    if c.size == 0:
        return t_high
    # With the k largest c_j past a₁ (t·c_j > a₁ >= t·c_{k+1}), D' is linear:
    # D'(t) = A + a₁·C1_k/a₂ − t·(B + C2_k/a₂); its root must lie in that
    # segment, so one segment's root is valid (D' decreases).
    C1 = np.concatenate([[0.0], np.cumsum(c)])
    C2 = np.concatenate([[0.0], np.cumsum(c * c)])
    roots = (A + a1 * C1 / a2) / (B + C2 / a2)
    lower = np.concatenate([[0.0], a1 / c])  # k past a₁: t above a₁/c_k ...
    upper = np.concatenate([a1 / c, [np.inf]])  # ... and at most a₁/c_{k+1}
    valid = (roots >= lower) & (roots <= upper)
    return float(min(roots[np.argmax(valid)], t_high)) if valid.any() else t_high


def _correlations(design, gram_cache, y_tilde, q, w):
    """``v = X̃ᵀr/S``, ``A = ⟨r, ỹ⟩/S`` and ``B = ‖r‖²/S`` at ``r = ỹ − X̃w``."""
    S = design.sw_sum
    yy = float(y_tilde @ y_tilde) / S
    nonzero = np.flatnonzero(w)
    if nonzero.size == 0:  # r = ỹ
        return q.copy(), yy, yy
    if gram_cache.full is not None:
        Gw = gram_cache.full[:, nonzero] @ w[nonzero]
        qw = float(q @ w)
        return q - Gw, yy - qw, yy - 2.0 * qw + float(w[nonzero] @ Gw[nonzero])
    residual = y_tilde - design.matmul_columns(nonzero, w[nonzero])
    v = design.rmatmul(residual[:, None], centred=False)[:, 0] / S
    return v, float(residual @ y_tilde) / S, float(residual @ residual) / S


def _gap(v, A, B, w, penalty, positive):
    """``gap_Q`` at (w, t·r) with the best scaling t.

    ``D(θ) = ⟨ỹ, θ⟩/S − ‖θ‖²/(2S) − g*(X̃ᵀθ/S)`` with g the penalty (in half
    units), g*(u) = Σ(|u_j| − a₁)₊²/(2a₂) (``−penalty.dual_term``); ``θ = t·r``
    with t maximising D, so the gap is tight far from the optimum too (t = 1
    there). ``v``, ``A``, ``B`` as returned by :func:`_correlations`.
    """
    effective = np.maximum(v, 0.0) if positive else np.abs(v)
    a1, a2 = penalty.group_strength, penalty.ridge
    t = _best_scaling(A, B, effective, a1, a2)
    primal = 0.5 * B + penalty.value(w[:, None])
    # The squared loss's part of the dual in sufficient statistics, the
    # penalty's the shared −g* (Penalty.dual_term).
    dual = t * A - 0.5 * t * t * B + penalty.dual_term(t * effective[:, None])
    return primal - dual, t


# A least-squares solve (λ = 0) is exact to rounding; a larger gap means the
# design is too ill-conditioned for its normal equations.
_LEAST_SQUARES_TOL = 1e-8

_SMALL_PROBLEM = 1000  # features: no working sets on a full Gram matrix


def _spd_solve(matrix, rhs, a2):
    """Solve with a ridge-shifted Gram or kernel; minimum norm when unshifted."""
    if a2 > 0:
        return linalg.solve(matrix, rhs, assume_a="pos")
    return np.linalg.lstsq(matrix, rhs, rcond=None)[0]


def _ridge_solve(design, gram_cache, y_tilde, q, a2):
    """``(X̃ᵀX̃/S + a₂I)⁻¹ X̃ᵀỹ/S``, on the smaller of the Gram and kernel.

    With a₂ = 0 (least squares), the minimum-norm solution ``X̃⁺ỹ``.
    """
    n_samples, n_features = design.X.shape
    S = design.sw_sum
    if n_features <= n_samples:
        if gram_cache.full is not None:
            gram = gram_cache.full.copy()
        else:
            gram = np.asarray(design.gram(), dtype=np.float64) / S
        gram[np.diag_indices_from(gram)] += a2
        return _spd_solve(gram, q, a2)
    kernel = np.asarray(design.kernel(), dtype=np.float64) / S
    kernel[np.diag_indices_from(kernel)] += a2
    dual = _spd_solve(kernel, y_tilde / S, a2)
    return design.rmatmul(dual[:, None], centred=False)[:, 0]


def _use_gram(design, columns):
    """Gram-matrix coordinate descent when an epoch on it is the cheaper one.

    An epoch costs m² on the Gram matrix, n·m on dense columns and about nnz
    on sparse ones plus n for the intercept column (the Gram matrix also
    costs one product, cached across calls). Measured on sparse data: the
    sparse solver wins as soon as m² exceeds nnz.
    """
    m = columns.size
    n_samples = design.X.shape[0]
    if m > n_samples:
        return False
    if sp.issparse(design.X) and not design.explicit:
        return m * m <= design.X[:, columns].nnz
    return True


def _inner(
    design, gram_cache, y_tilde, q, columns, w_ws, a1, a2, positive, tol, budget
):
    """Solve the problem restricted to ``columns`` with scikit-learn's CD."""
    S = design.sw_sum
    n_samples = y_tilde.shape[0]
    m = columns.size
    # enet_path minimises (1/2n')‖y' − X'w‖² + α·ρ‖w‖₁ + (α/2)(1 − ρ)‖w‖²
    # with n' = X'.shape[0]; these are a₁, a₂ for α = a₁ + a₂, ρ = a₁/α.
    alpha = a1 + a2
    ratio = a1 / alpha
    common = {
        "l1_ratio": ratio,
        "alphas": [alpha],
        "coef_init": np.asfortranarray(w_ws),
        "tol": tol,
        "max_iter": budget,
        "check_input": False,
        "return_n_iter": True,
        "positive": positive,
    }
    # Our arguments are valid by construction: skip scikit-learn's parameter
    # validation (a fixed cost per call that dominates on small problems).
    with warnings.catch_warnings(), config_context(skip_parameter_validation=True):
        # The outer gap decides convergence; an inner stop is not a failure.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if _use_gram(design, columns):
            # Gram form with one pseudo-row: n' = 1, ‖y'‖² = ‖ỹ‖²/S makes the
            # solver's objective and gap exactly Q on the working set; with a
            # precomputed Gram, enet_path reads X only for its shape.
            gram = np.ascontiguousarray(gram_cache(columns))
            y_row = np.array([np.sqrt(float(y_tilde @ y_tilde) / S)])
            _, coefs, _, n_iters = enet_path(
                np.zeros((1, m), order="F"),
                y_row,
                precompute=gram,
                Xy=q[columns],
                **common,
            )
        elif sp.issparse(design.X) and not design.explicit:
            return _inner_sparse(design, y_tilde, columns, w_ws, common)
        else:
            scale = np.sqrt(n_samples / S)
            X_ws = np.asfortranarray(design.columns(columns) * scale)
            _, coefs, _, n_iters = enet_path(
                X_ws, y_tilde * scale, precompute=False, **common
            )
    return coefs[:, 0], int(n_iters[0])


# Scale of the intercept column in the sparse inner solver, relative to the
# largest column's root mean square: its coefficient's penalty then moves the
# intercept by a₁/c and the objective by O((a₁/c)²) <= 1e-16 of P(0).
_INTERCEPT_COLUMN_SCALE = 1e8


def _inner_sparse(design, y_tilde, columns, w_ws, common):
    """Scikit-learn's sparse CD on the working set's sparse columns.

    Centring inside scikit-learn's sparse solver (``X_offset``) costs O(n) per
    coordinate update. Usually the intercept is made one more, almost
    unpenalised, coordinate instead (a constant column c·1, so its
    coefficient b/c pays a₁|b|/c) on uncentred columns, and a feature's update
    costs O(nnz_j). The intercept couples to a column through its mean: when
    some column is mostly mean (dense, one-signed), coordinate descent
    zig-zags between the two, and when that would cost more epochs than
    centring costs per epoch, scikit-learn centres. Its weighted objective is
    n·Q for weights s·n/S.
    """
    S = design.sw_sum
    n_samples = y_tilde.shape[0]
    sqrt_sw = design.sqrt_sw
    y_centred = np.divide(
        y_tilde, sqrt_sw, out=np.zeros_like(y_tilde), where=sqrt_sw > 0
    )
    weights = None if design.unweighted else sqrt_sw**2 * (n_samples / S)
    block = design.X[:, columns].tocsc().astype(np.float64)
    common = dict(common, precompute=False, sample_weight=weights)
    if not design.fit_intercept:
        _, coefs, _, n_iters = enet_path(block, y_centred, **common)
        return coefs[:, 0], int(n_iters[0])
    x_mean = design.x_mean[columns]
    squares = block.multiply(block)
    raw = np.asarray(
        squares.sum(axis=0) if weights is None else squares.T @ weights
    ).ravel()
    # Share of each column's norm that is its mean (cos² with the constant).
    # Coordinate descent updates the intercept once per epoch; the more of
    # the features' norm lies along the constant (summed: one-hot columns of
    # a categorical add up to it), the more epochs it zig-zags. Centring
    # instead costs a pass over n rows per coordinate update of the working
    # set; a contiguous pass, far cheaper per row than the indexed access of
    # a sparse column's entries (the factor 8 below).
    coupling = np.divide(
        n_samples * x_mean**2, raw, out=np.zeros_like(raw), where=raw > 0
    )
    intercept_cost = (1.0 + coupling.sum()) * (block.nnz + n_samples)
    centring_cost = block.nnz + columns.size * n_samples / 8
    if not INTERCEPT_COLUMN or intercept_cost > centring_cost:
        _, coefs, _, n_iters = enet_path_centred(block, y_centred, x_mean, **common)
        return coefs[:, 0], int(n_iters[0])
    rms = np.sqrt(raw.max(initial=0.0) / n_samples)
    c = _INTERCEPT_COLUMN_SCALE * max(float(rms), np.finfo(float).tiny)
    ones = sp.csc_matrix(np.ones((n_samples, 1)))
    augmented = sp.hstack([block, ones], format="csc")
    # Start at the intercept that goes with w on centred data: b = −x̄ᵀw.
    intercept = -float(x_mean @ w_ws)
    sign = -1.0 if intercept < 0 else 1.0
    total = 0
    for _ in range(2):
        # Non-negative coefficients force b/c >= 0: the column is ±c·1 with
        # the sign of the current intercept; should b be pinned at 0 there,
        # the other sign is tried from that point (with positive=False the
        # first solve is final).
        augmented.data[-n_samples:] = sign * c
        start = np.append(w_ws, abs(intercept) / c)
        common["coef_init"] = np.asfortranarray(start)
        _, coefs, _, n_iters = enet_path(augmented, y_centred, **common)
        total += int(n_iters[0])
        if not common["positive"] or coefs[-1, 0] > 0:
            break
        w_ws, intercept, sign = coefs[:-1, 0], 0.0, -sign
    return coefs[:-1, 0], total


def solve_target(
    design,
    y_tilde,
    lam,
    l1_ratio,
    w,
    *,
    tol=1e-8,
    max_iter=1000,
    positive=False,
    screening=True,
    gram_cache=None,
    column_norms=None,
    q=None,
    correlations=None,
):
    """Minimise the elastic net for one target to a relative gap ``tol``.

    Parameters
    ----------
    design : CentredDesign
    y_tilde : ndarray of shape (n,)
        ``√s ∘ (y − ȳ)``.
    lam, l1_ratio : float
        λ and α of the objective.
    w : ndarray of shape (p,)
        Starting point (not modified).
    tol : float
        Stop when ``gap <= tol · P(0)`` (P(0) the weighted variance of y).
    max_iter : int
        Budget of coordinate-descent epochs over all inner solves.
    positive : bool
        Constrain the coefficients to be non-negative.
    screening : bool
        Apply gap-safe screening (switch off only to test it).
    gram_cache : GramCache, optional
        Shared across calls on the same design (a λ path).
    column_norms : ndarray of shape (p,), optional
        ``‖x̃_j‖²``; computed when not given.
    q : ndarray of shape (p,), optional
        ``X̃ᵀỹ/S``; computed when not given (a path passes it once for all λ).
    correlations : tuple, optional
        ``(v, A, B)`` of :func:`_correlations` at the start ``w``. They do not
        depend on λ: a path passes the previous point's, saving one pass over
        X per λ.

    Returns
    -------
    w : ndarray of shape (p,)
    info : dict
        ``n_iter`` (epochs), ``relative_gap``, ``converged``, ``n_screened``,
        and ``correlations``, the ``(v, A, B)`` at the returned ``w``.
    """
    S = design.sw_sum
    n_features = w.shape[0]
    w = np.array(w, dtype=np.float64)
    null_value = float(y_tilde @ y_tilde) / S
    info = {"n_iter": 0, "relative_gap": 0.0, "converged": True, "n_screened": 0}
    if null_value == 0.0:  # y is constant: w = 0 is exact
        return np.zeros(n_features), info
    penalty = L1L2(n_features, lam / 2.0, l1_ratio)
    a1, a2 = penalty.group_strength, penalty.ridge
    if gram_cache is None:
        gram_cache = GramCache(design)
    if q is None:
        q = design.rmatmul(y_tilde[:, None], centred=True)[:, 0] / S
    problem = (design, gram_cache, y_tilde, q)
    if a1 == 0 and not positive:
        return _pure_ridge(problem, penalty, null_value, info)
    if positive and np.any(w < 0):
        w, correlations = np.maximum(w, 0.0), None
    if column_norms is None and screening and a1 > 0:
        column_norms = design.column_squared_norms()
    kept = np.ones(n_features, dtype=bool)
    # With the full Gram matrix and few features an epoch over all of them is
    # cheap: skip the working-set rounds (each costs a gap evaluation).
    small = gram_cache.full is not None and n_features <= _SMALL_PROBLEM
    ws_size = n_features if small else 10
    n_iter = 0
    inner_factor = 0.15
    while True:
        correlations, v, gap, t, relative_gap = _certify(
            problem, correlations, w, penalty, positive, null_value
        )
        info.update(relative_gap=relative_gap, converged=relative_gap <= tol)
        if info["converged"] or n_iter >= max_iter:
            break
        if screening and a1 > 0:
            kept = _screen(kept, w, t * v, gap, S, column_norms, a1, positive)
        columns, finish, ws_size = _cd_working_set(
            w, v, kept, penalty, positive, ws_size
        )
        # Half the units and a fraction of the current gap (a forcing
        # sequence): the working set's gap must fall below the full one.
        inner_tol = (
            0.25 * tol if finish else max(inner_factor * relative_gap, 0.25 * tol)
        )
        budget = max(1, max_iter - n_iter)
        inner_args = (columns, w[columns], a1, a2, positive)
        coef, epochs = _inner(*problem, *inner_args, tol=inner_tol, budget=budget)
        if epochs == 0:
            # The inner solver judged the working set solved by its own gap
            # (a different dual point): ask it for more.
            inner_factor *= 0.1
        n_iter += max(epochs, 1)
        w = np.zeros(n_features)
        w[columns] = coef
        correlations = None
        ws_size = min(int(kept.sum()), 2 * ws_size)
    info["correlations"] = correlations
    info["n_iter"] = n_iter
    info["n_screened"] = int((~kept).sum())
    return w, info


def _certify(problem, correlations, w, penalty, positive, null_value):
    """((v, A, B), v, gap_Q, t, relative gap) at w.

    ``correlations`` are w's ``(v, A, B)`` when known, else None: then they
    cost one pass over X (or a product with the Gram matrix).
    """
    if correlations is None:
        correlations = _correlations(*problem, w)
    v, A, B = correlations
    gap, t = _gap(v, A, B, w, penalty, positive)
    return correlations, v, gap, t, max(2.0 * gap, 0.0) / null_value


def _pure_ridge(problem, penalty, null_value, info):
    """No ℓ1 part: one linear solve instead of coordinate descent, certified.

    For least squares (λ = 0) the dual point is the residual r itself, which
    the solve makes orthogonal to X̃ (to rounding): ``gap_Q = B − A``.
    """
    w = _ridge_solve(*problem, penalty.ridge)
    if penalty.ridge > 0:
        info["relative_gap"] = _certify(problem, None, w, penalty, False, null_value)[4]
    else:
        _, A, B = _correlations(*problem, w)
        info["relative_gap"] = 2.0 * max(B - A, 0.0) / null_value
    info["converged"] = info["relative_gap"] <= _LEAST_SQUARES_TOL
    return w, info


def _screened(correlation, gap, S, column_norms, a1, positive):
    """Gap-safe screening: the features that are zero at the optimum.

    The dual is 1-strongly concave, so ``‖θ − θ*‖ <= √(2·gap·S)`` and feature
    j is zero at the optimum when ``|v_j| + ‖x̃_j‖·√(2·gap/S) < a₁``.
    """
    correlation = np.maximum(correlation, 0.0) if positive else np.abs(correlation)
    radius = np.sqrt(2.0 * max(gap, 0.0) / S) * np.sqrt(column_norms)
    return correlation + radius < a1


def _screen(kept, w, correlation, gap, S, column_norms, a1, positive):
    """The features still kept after screening; the screened ones zeroed in w."""
    newly = kept & _screened(correlation, gap, S, column_norms, a1, positive)
    w[newly] = 0.0
    return kept & ~newly


def _cd_working_set(w, v, kept, penalty, positive, ws_size):
    """(columns, finish, size): the non-zero features and the worst violators.

    ``finish`` says no violator is left outside the working set: it holds the
    whole problem's support as far as can be told, so it is solved to the end
    (one more pass over X then certifies it) instead of by fractions.
    """
    a1, a2 = penalty.group_strength, penalty.ridge
    # Optimality violations (half units): non-zero features always stay.
    gradient = -v if not positive else np.minimum(-v, 0.0)
    violation = penalty.kkt_violation(w[:, None], gradient[:, None])
    if positive:
        violation = np.where(w > 0, np.abs(a2 * w + a1 - v), violation)
    active = w != 0
    ws_size = min(int(kept.sum()), max(ws_size, 2 * int(active.sum())))
    score = np.where(active, np.inf, np.where(kept, violation, -1.0))
    order = np.argsort(-score, kind="stable")[:ws_size]
    columns = np.sort(order[(score[order] > 0) | active[order]])
    if columns.size == 0:
        columns = np.sort(order[:1])
    finish = columns.size == kept.sum() or int(np.sum(score > 0)) <= np.sum(
        score[columns] > 0
    )
    return columns, finish, ws_size


# The compiled path runs at this multiple of the target gap (in its own units):
# our gap, at the best dual scaling, is far tighter than its own (measured
# 20-50 times on correlated designs), and the points it leaves above the
# target are refined from where they are, each by a cheap warm restart.
_PATH_LOOSENESS = 100.0
_REFINEMENTS = 3  # warm restarts per point, each 10 times tighter


def solve_path_on_gram(
    design,
    gram_cache,
    y_tilde,
    q,
    lams,
    l1_ratio,
    *,
    tol=1e-8,
    max_iter=1000,
    positive=False,
    column_norms=None,
):
    """A whole descending λ path for one target when the full Gram is known.

    One call of scikit-learn's compiled Gram coordinate descent runs the whole
    warm-started path (no Python work per λ) to a loose tolerance in its own
    units; every solution's gap is then checked with ours (one product with
    the Gram matrix for the whole path), and the points above ``tol`` are
    restarted from where they are, tighter each time, and at last finished by
    :func:`solve_target`.

    Returns
    -------
    coefs : ndarray of shape (n_lams, p)
    infos : list of dict
    """
    lams = np.asarray(lams, dtype=np.float64)
    yy = float(y_tilde @ y_tilde) / design.sw_sum
    if yy == 0.0:
        zero = {"n_iter": 0, "relative_gap": 0.0, "converged": True, "n_screened": 0}
        return np.zeros((lams.size, q.size)), [dict(zero) for _ in lams]
    on_gram = _GramPath(gram_cache.full, q, yy, l1_ratio, max_iter, positive)
    coefs, n_iters = on_gram.descend(lams, _PATH_LOOSENESS * tol)
    # At λ >= λ_max, w = 0 is the exact answer (the compiled solver may leave
    # a rounding-sized coefficient at λ_max itself).
    top = float(np.max(np.maximum(q, 0.0) if positive else np.abs(q), initial=0.0))
    coefs[top <= lams * l1_ratio / 2.0] = 0.0
    gaps = on_gram.relative_gaps(coefs, lams)
    infos = []
    for i, lam in enumerate(lams):
        if gaps[i] > tol:
            coefs[i], gaps[i], sweeps = on_gram.refine(coefs[i], lam, gaps[i], tol)
            n_iters[i] += sweeps
        info = {
            "n_iter": int(n_iters[i]),
            "relative_gap": float(gaps[i]),
            "converged": bool(gaps[i] <= tol),
            "n_screened": 0,
        }
        if not info["converged"]:
            coefs[i], more = solve_target(
                design,
                y_tilde,
                lam,
                l1_ratio,
                coefs[i],
                tol=tol,
                max_iter=max_iter,
                positive=positive,
                gram_cache=gram_cache,
                column_norms=column_norms,
                q=q,
            )
            more.pop("correlations", None)
            more["n_iter"] += info["n_iter"]
            info = more
        infos.append(info)
    return coefs, infos


class _GramPath:
    """scikit-learn's Gram coordinate descent and our gaps, for one target.

    In the pseudo-row form of :func:`_inner` (n' = 1, ``y' = √(yᵀy/S)``),
    scikit-learn's objective ``½(y'² − 2qᵀw + wᵀGw) + a·(ρ‖w‖₁ + (1 − ρ)/2
    ‖w‖²)`` is ours in half units with ``a = λ(1 − α/2)``, ``ρ = α/(2 − α)``.
    """

    def __init__(self, gram, q, yy, l1_ratio, max_iter, positive):
        self.gram = np.ascontiguousarray(gram)
        self.q = np.ascontiguousarray(q)
        self.yy = yy
        self.l1_ratio = l1_ratio
        self.max_iter = max_iter
        self.positive = positive

    def descend(self, lams, cd_tol, coef_init=None):
        """(coefs of shape (n_lams, p), sweeps per λ), warm-started along lams."""
        with warnings.catch_warnings(), config_context(skip_parameter_validation=True):
            warnings.simplefilter("ignore", ConvergenceWarning)
            _, coefs, _, n_iters = enet_path(
                np.zeros((1, self.q.size), order="F"),
                np.array([np.sqrt(self.yy)]),
                precompute=self.gram,
                Xy=self.q,
                l1_ratio=self.l1_ratio / (2.0 - self.l1_ratio),
                alphas=lams * (1.0 - self.l1_ratio / 2.0),
                tol=cd_tol,
                max_iter=self.max_iter,
                coef_init=coef_init,
                check_input=False,
                return_n_iter=True,
                positive=self.positive,
            )
        return np.array(coefs.T), np.asarray(n_iters, dtype=int)

    def refine(self, coef, lam, gap, tol):
        """(coef, gap, sweeps) after up to ``_REFINEMENTS`` rounds at one λ.

        Each round tries the face solution, then a warm restart 10 times
        tighter than the path's tolerance, until the gap is at most ``tol``.
        """
        lam_array, sweeps = np.array([lam]), 0
        cd_tol = _PATH_LOOSENESS * tol
        for _ in range(_REFINEMENTS):
            face = self.face_solution(coef, lam)
            face_gap = self.relative_gaps(face[None], lam_array)[0]
            if face_gap < gap:
                coef, gap = face, face_gap
                if gap <= tol:
                    break
            cd_tol *= 0.1
            coefs, more = self.descend(lam_array, cd_tol, coef)
            coef, sweeps = coefs[0], sweeps + int(more[0])
            gap = self.relative_gaps(coefs, lam_array)[0]
            if gap <= tol:
                break
        return coef, gap, sweeps

    def face_solution(self, coef, lam):
        """The minimiser on the face of ``coef``: its support and signs kept.

        There the objective is a quadratic, minimised by one linear solve:
        ``(G_AA + a₂I) w_A = q_A − a₁·sign(w_A)``. It is the solution when
        the support and signs are right (then the gap is rounding), and
        otherwise a point whose gap is checked like any other.
        """
        support = np.flatnonzero(coef)
        result = np.zeros_like(coef)
        if support.size == 0:
            return result
        a1, a2 = lam * self.l1_ratio / 2.0, lam * (1.0 - self.l1_ratio)
        matrix = self.gram[np.ix_(support, support)]
        matrix[np.diag_indices_from(matrix)] += a2
        rhs = self.q[support] - a1 * np.sign(coef[support])
        try:
            # NumPy's LAPACK: SciPy's would wait for NumPy's idle BLAS threads
            # after the Gram products.
            result[support] = np.linalg.solve(matrix, rhs)
        except np.linalg.LinAlgError:
            return coef
        if self.positive:
            np.maximum(result, 0.0, out=result)
        return result

    def relative_gaps(self, coefs, lams):
        """Our relative gap of every row of ``coefs`` (one Gram product)."""
        Gw = coefs @ self.gram  # (n_lams, p): G is symmetric
        qw = coefs @ self.q
        A = self.yy - qw
        B = self.yy - 2.0 * qw + np.einsum("ij,ij->i", coefs, Gw)
        gaps = np.empty(len(lams))
        for i, lam in enumerate(lams):
            penalty = L1L2(self.q.size, lam / 2.0, self.l1_ratio)
            v = self.q - Gw[i]
            gaps[i] = _gap(v, A[i], B[i], coefs[i], penalty, self.positive)[0]
        return np.maximum(2.0 * gaps, 0.0) / self.yy
