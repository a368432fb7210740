"""Criteria for choosing the ridge strength, and a continuous search over them.

Every criterion is a vectorised function of ``alpha`` (= S·λ, scikit-learn's
``Ridge.alpha``) of shape (m, k), m candidate values for each of k targets,
computed from one :class:`~sklearn_l2x._solvers.spectral.Spectrum` in O(r) per
value (GCV, evidence) or O(n·r) (leave-one-out, k-fold). Formulas:
``conventions.md`` §3. The search brackets the optimum on a log grid, then
refines it on log alpha by Brent's method, vectorised over the targets.
"""

import contextlib

import numpy as np
from scipy.optimize import minimize_scalar

from ._solvers.spectral import RowProjector

# Log10 half-width of the default search range around the mean eigenvalue.
_DEFAULT_DECADES = 10.0
_GRID_PER_DECADE = 3
_LOG_TOL = 1e-7  # width (in log alpha) at which the refinement stops
_SQRT_EPS = np.sqrt(np.finfo(float).eps)
_MAX_SEARCH_STEPS = 500  # Brent needs ~15 steps; this only guards the loop
_FLAT_RTOL = 1e-9  # criterion values this close to the best count as equal


def _quiet(xp):
    """NumPy's floating-point warnings off (other namespaces do not warn)."""
    if xp is np:
        return np.errstate(divide="ignore", invalid="ignore", over="ignore")
    return contextlib.nullcontext()


def _shrink_sums(spectrum, alpha, shrink_power):
    """``Σ_j shrink_j`` and ``Σ_j shrink_j^shrink_power · z_j²``, each (m, k).

    ``shrink = alpha/(d² + alpha)``. ``alpha`` has shape (m, 1) (one value per
    row, shared by the k targets: a BLAS product, no (m, r, k) temporary) or
    (m, k). The shrink factors are formed once for both sums. Every criterion
    computes with the spectrum's namespace (``xp``), on its device.
    """
    xp = spectrum.namespace
    weights = spectrum.z_squared
    if alpha.shape[1] == 1:
        shrink = alpha / (spectrum.d2[None, :] + alpha)
        total = xp.sum(shrink, axis=1, keepdims=True)
        return total, shrink**shrink_power @ weights
    shrink = alpha[:, None, :] / (spectrum.d2[None, :, None] + alpha[:, None, :])
    total = xp.sum(shrink, axis=1)
    if shrink_power == 2:
        shrink = shrink * shrink
    if xp is np:
        return total, np.einsum("mrk,rk->mk", shrink, weights)
    return total, xp.sum(shrink * weights[None, :, :], axis=1)


def effective_dof(spectrum, alpha):
    """df(alpha) = Σ_j d_j²/(d_j² + alpha), shape like alpha (m, 1) or (m, k)."""
    return spectrum.d2.shape[0] - _shrink_sums(spectrum, alpha, 1)[0]


def _free_terms(spectrum, fit_intercept):
    """(count, leverage (n,) or 0, log det) of the unpenalised columns.

    The intercept alone (``fit_intercept``), or the columns recorded in
    ``spectrum.free`` when features of penalty factor 0 were projected out
    with it.
    """
    free = spectrum.free
    if free is not None:
        return free.count, free.leverage, free.log_det
    if not fit_intercept:
        return 0, 0.0, 0.0
    leverage = (
        None if spectrum.sqrt_sw is None else spectrum.sqrt_sw**2 / spectrum.sw_sum
    )
    return 1, leverage, float(np.log(spectrum.sw_sum))


def gcv(spectrum, alpha, fit_intercept):
    """Generalised cross-validation with S = Σ s_i playing n (frequency weights).

    ``GCV = (RSS_w/S) / (1 − (df + 1)/S)²`` (``df`` alone without intercept),
    ``RSS_w = ‖ỹ⊥‖² + Σ_j (alpha z_j/(d_j² + alpha))²``; +inf where the
    denominator is not positive. Shape (m, k).
    """
    sw_sum = spectrum.sw_sum
    # 1 − (df + 1)/S with df = r − Σ shrink, written without the cancellation
    # that ruins it near interpolation (S − 1 = r, λ → 0).
    xp = spectrum.namespace
    free = sw_sum - spectrum.d2.shape[0] - _free_terms(spectrum, fit_intercept)[0]
    shrink_total, shrunk = _shrink_sums(spectrum, alpha, 2)
    denominator = (free + shrink_total) / sw_sum
    rss = spectrum.resid_ss + shrunk
    with _quiet(xp):
        values = (rss / sw_sum) / denominator**2
    return xp.where(denominator > 0, values, xp.full_like(values, np.inf))


# The leave-one-out error is evaluated for blocks of alpha values at once (two
# matrix products per block instead of two per value); a block's (n, m, k)
# temporaries hold at most this many entries.
_LOO_BLOCK_ENTRIES = 2**19


def loo(spectrum, alpha, fit_intercept):
    """Weighted leave-one-out mean squared error Σ s_i e_(−i)²/S, shape (m, k).

    ``e_(−i) = e_i/(1 − h_ii)`` with ``h_ii = s_i/S + Σ_j U_ij² d_j²/(d_j² + alpha)``
    (the residuals here are times √s_i). ``alpha`` has shape (m, 1), one value
    shared by the k targets (one leverage per value), or (m, k).
    """
    xp = spectrum.namespace
    U, z, d2 = spectrum.U, spectrum.z, spectrum.d2
    n_samples, rank = U.shape
    n_targets = z.shape[1]
    n_alpha = alpha.shape[1]
    intercept_leverage = _free_terms(spectrum, fit_intercept)[1]
    if not isinstance(intercept_leverage, float):
        intercept_leverage = intercept_leverage[:, None, None]
    blocks = []
    block = max(1, _LOO_BLOCK_ENTRIES // (n_samples * n_targets))
    for start in range(0, alpha.shape[0], block):
        rows = alpha[start : min(start + block, alpha.shape[0]), ...]
        m = rows.shape[0]
        kept = d2[:, None, None] / (d2[:, None, None] + rows[None, ...])  # (r, m, ka)
        fitted = U @ xp.reshape(kept * z[:, None, :], (rank, m * n_targets))
        residual = spectrum.y_tilde[:, None, :] - xp.reshape(
            fitted, (n_samples, m, n_targets)
        )
        leverage = xp.reshape(
            spectrum.U_squared @ xp.reshape(kept, (rank, m * n_alpha)),
            (n_samples, m, n_alpha),
        )
        leverage = leverage + intercept_leverage
        with _quiet(xp):
            scaled = residual / (1.0 - leverage)
            loo_residual = xp.where(
                leverage < 1.0 - 1e-12, scaled, xp.full_like(scaled, np.inf)
            )
        if xp is np:
            blocks.append(np.einsum("imk,imk->mk", loo_residual, loo_residual))
        else:
            blocks.append(xp.sum(loo_residual * loo_residual, axis=0))
    if len(blocks) == 1:
        values = blocks[0]
    else:  # NumPy before 2.0 has no ``concat``
        values = np.concatenate(blocks) if xp is np else xp.concat(blocks, axis=0)
    return values / spectrum.sw_sum


def log_evidence(spectrum, alpha, fit_intercept):
    """Log marginal likelihood with the noise variance profiled out, shape (m, k).

    Model: ``y_i = b + x_iᵀw + ε``, ``ε ~ N(0, σ²)``, ``w ~ N(0, σ²/alpha·I)``,
    flat prior on ``b``, sample weights read as frequencies (a row of weight 2
    counts as two rows), so ``N = S``. With ``Q = ‖ỹ⊥‖² + Σ z_j² alpha/(d_j² +
    alpha)``, ``ν = N − 1`` (``N`` without intercept) and ``σ̂² = Q/ν``:
    ``log p = −(ν/2)·(log(2π σ̂²) + 1) − ½ Σ log(1 + d_j²/alpha) − ½ log S``
    (the last term only with an intercept). With unpenalised features
    projected out too (``spectrum.free``), ν = N − rank(Q) and the last term is
    ``−½ log pdet(QᵀSQ)``, Q the intercept column and those features.
    """
    xp = spectrum.namespace
    count, _, free_log_det = _free_terms(spectrum, fit_intercept)
    nu = spectrum.sw_sum - count
    q = spectrum.resid_ss + _shrink_sums(spectrum, alpha, 1)[1]
    log_det = xp.sum(xp.log1p(spectrum.d2[None, :, None] / alpha[:, None, :]), axis=1)
    with _quiet(xp):
        value = -0.5 * nu * (xp.log(2 * np.pi * q / nu) + 1.0) - 0.5 * log_det
    return value - 0.5 * free_log_det


def noise_variance(spectrum, alpha, fit_intercept):
    """σ̂² = Q/ν at alpha (k,), the evidence's profiled noise variance."""
    xp = spectrum.namespace
    nu = spectrum.sw_sum - _free_terms(spectrum, fit_intercept)[0]
    shrink = alpha[None, :] / (spectrum.d2[:, None] + alpha[None, :])
    return (spectrum.resid_ss + xp.sum(shrink * spectrum.z_squared, axis=0)) / nu


class KFoldCurve:
    """Held-out weighted MSE of ridge, summed over folds, for any alpha.

    One decomposition per training fold; the held-out rows are projected once
    onto each fold's right singular vectors, so each alpha costs O(n·r).
    """

    def __init__(self, fold_spectra, test_sets):
        self._parts = []
        self.sw_sum = 0.0
        for spectrum, (X_test, y_test, sw_test) in zip(
            fold_spectra, test_sets, strict=True
        ):
            project = RowProjector(spectrum, copy_data=False)
            projection = project(X_test, spectrum.x_mean)
            residual0 = y_test - spectrum.y_mean
            self._parts.append((spectrum, projection, residual0, sw_test))
            self.sw_sum += sw_test.sum()

    def _fold_totals(self, alpha):
        """Per fold, the weighted held-out squared error summed over rows."""
        for spectrum, projection, residual0, sw_test in self._parts:
            # w = V diag(1/(d² + alpha)) t
            scaled = spectrum.t[None] / (spectrum.d2[None, :, None] + alpha[:, None, :])
            predicted = np.einsum("nr,mrk->mnk", projection, scaled)
            yield np.einsum("n,mnk->mk", sw_test, (residual0[None] - predicted) ** 2)

    def __call__(self, alpha):
        return sum(self._fold_totals(alpha)) / self.sw_sum

    def fold_errors(self, alpha):
        """Each fold's weighted held-out MSE, shape (n_folds, m, k)."""
        return np.array(
            [
                total / part[3].sum()
                for total, part in zip(
                    self._fold_totals(alpha), self._parts, strict=True
                )
            ]
        )

    def standard_error(self, alpha, shared=False):
        """Standard error of the mean fold error (ddof=1 over √n_folds), (m, k).

        With ``shared``, of the fold errors summed over targets, (m, 1).
        """
        errors = self.fold_errors(alpha)
        if shared:
            errors = errors.sum(axis=2, keepdims=True)
        n_folds = errors.shape[0]
        if n_folds < 2:
            return np.zeros(errors.shape[1:])
        return errors.std(axis=0, ddof=1) / np.sqrt(n_folds)


def one_standard_error(curve, alpha, upper, per_target):
    """The largest alpha in [alpha, upper] within one standard error of alpha's error.

    ``curve`` is a :class:`KFoldCurve` and ``alpha`` (k,) its minimisers;
    the threshold is ``curve(alpha) + se(alpha)`` (of the sum over targets
    when λ is shared). The crossing is bracketed on a log grid and refined by
    bisection to rounding level of log alpha.
    """
    shared = not per_target

    def values(a):
        v = curve(a)
        return v.sum(axis=1, keepdims=True) if shared else v

    threshold = (
        values(alpha[None, :])[0] + curve.standard_error(alpha[None, :], shared)[0]
    )
    steps = np.linspace(0.0, 1.0, _ONE_SE_GRID)[:, None]
    log_low, log_high = np.log(alpha), np.log(upper)
    grid = log_low[None, :] + steps * (log_high - log_low)[None, :]
    inside = values(np.exp(grid)) <= threshold[None, :]
    if shared:
        inside = np.broadcast_to(inside, grid.shape)
    last = grid.shape[0] - 1 - np.argmax(inside[::-1], axis=0)
    low = grid[last, np.arange(grid.shape[1])]
    high = grid[np.minimum(last + 1, grid.shape[0] - 1), np.arange(grid.shape[1])]
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        ok = values(np.exp(middle)[None, :])[0] <= threshold
        low, high = np.where(ok, middle, low), np.where(ok, high, middle)
    return np.exp(low)


def default_alpha_range(spectrum):
    """A wide search range around the mean non-zero eigenvalue of X̃ᵀX̃."""
    d2 = spectrum.d2
    centre = float(spectrum.namespace.mean(d2)) if d2.shape[0] else 1.0
    return centre * 10.0**-_DEFAULT_DECADES, centre * 10.0**_DEFAULT_DECADES


# Grid points bracketing the one-standard-error crossing, and the halvings
# that refine it (2^-50 of a grid step is below rounding of log alpha).
_ONE_SE_GRID = 60
_BISECTIONS = 50


def _brent_one(evaluate, lower, upper):
    """:func:`_brent` of one column: SciPy's bounded Brent on floats, without
    the vectorised loop's array operations per step."""
    result = minimize_scalar(
        lambda t: float(evaluate(np.array([t]))[0]),
        bounds=(float(lower[0]), float(upper[0])),
        method="bounded",
        options={"xatol": _LOG_TOL, "maxiter": _MAX_SEARCH_STEPS},
    )
    return np.array([result.x])


def _brent(evaluate, lower, upper):
    """Brent's bounded minimisation, vectorised: one bracket per column.

    The algorithm of ``scipy.optimize.minimize_scalar(method="bounded")``
    (golden-section steps, parabolic steps where the last three points allow)
    run for every column at once, one call of ``evaluate`` per iteration;
    columns that have converged (to ``_LOG_TOL``) keep their point. About
    15 evaluations instead of golden section's ~35. One column is SciPy's own
    ``minimize_scalar`` (:func:`_brent_one`).
    """
    if lower.shape == (1,):
        return _brent_one(evaluate, lower, upper)
    golden = 0.5 * (3.0 - np.sqrt(5.0))
    a, b = lower.astype(float), upper.astype(float)
    x = a + golden * (b - a)
    fx = evaluate(x)
    v, w, fv, fw = x.copy(), x.copy(), fx.copy(), fx.copy()
    step, previous = np.zeros_like(x), np.zeros_like(x)
    for _ in range(_MAX_SEARCH_STEPS):
        middle = 0.5 * (a + b)
        tol1 = _SQRT_EPS * np.abs(x) + _LOG_TOL / 3.0
        tol2 = 2.0 * tol1
        active = np.abs(x - middle) > tol2 - 0.5 * (b - a)
        if not active.any():
            break
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            p = np.where(q > 0, -p, p)
            q = np.abs(q)
            parabolic = (
                (np.abs(previous) > tol1)
                & (np.abs(p) < np.abs(0.5 * q * previous))
                & (p > q * (a - x))
                & (p < q * (b - x))
            )
            parabola_step = p / q
        towards_middle = tol1 * (np.sign(middle - x) + (middle == x))
        near_end = ((x + parabola_step - a) < tol2) | ((b - x - parabola_step) < tol2)
        parabola_step = np.where(near_end, towards_middle, parabola_step)
        golden_gap = np.where(x >= middle, a - x, b - x)
        previous = np.where(active, np.where(parabolic, step, golden_gap), previous)
        step = np.where(
            active, np.where(parabolic, parabola_step, golden * golden_gap), step
        )
        direction = np.sign(step) + (step == 0)
        u = np.where(active, x + direction * np.maximum(np.abs(step), tol1), x)
        fu = evaluate(u)
        better = active & (fu <= fx)
        worse = active & ~(fu <= fx)
        a = np.where(better & (u >= x), x, np.where(worse & (u < x), u, a))
        b = np.where(better & (u < x), x, np.where(worse & (u >= x), u, b))
        second = worse & ((fu <= fw) | (w == x))
        third = worse & ~second & ((fu <= fv) | (v == x) | (v == w))
        v, fv = (
            np.where(better | second, w, np.where(third, u, v)),
            np.where(better | second, fw, np.where(third, fu, fv)),
        )
        w, fw = (
            np.where(better, x, np.where(second, u, w)),
            np.where(better, fx, np.where(second, fu, fw)),
        )
        x, fx = np.where(better, u, x), np.where(better, fu, fx)
    return x


def search(objective, n_targets, alpha_range, *, per_target=True):
    """Minimise ``objective`` over alpha in ``alpha_range`` continuously.

    Parameters
    ----------
    objective : callable
        Maps alpha of shape (m, k) to criterion values of shape (m, k), lower
        is better.
    n_targets : int
    alpha_range : (float, float)
    per_target : bool
        One alpha per target, or one shared alpha minimising the sum over
        targets.

    Returns
    -------
    alpha : ndarray of shape (k,)
    best : ndarray of shape (k,)
        Criterion value at alpha (per target, also when shared).
    grid : ndarray of shape (m,)
        The log-spaced grid used to bracket the optimum.
    grid_values : ndarray of shape (m, k)
        The criterion on the grid (the curve a user may plot).
    on_boundary : ndarray of bool of shape (k,)
        Whether the optimum is at an end of the range.
    """
    low, high = alpha_range
    n_grid = max(int(np.ceil(np.log10(high / low) * _GRID_PER_DECADE)) + 1, 5)
    grid = np.geomspace(low, high, n_grid)
    grid_values = np.broadcast_to(objective(grid[:, None]), (n_grid, n_targets))
    n_columns = n_targets if per_target else 1
    ranking = grid_values if per_target else grid_values.sum(axis=1, keepdims=True)
    ranking = np.where(np.isnan(ranking), np.inf, ranking)
    best_index = np.argmin(ranking, axis=0)

    def evaluate(log_alpha):
        alpha = np.exp(log_alpha)
        values = objective(np.broadcast_to(alpha, (n_targets,))[None, :].copy())[0]
        values = values if per_target else values.sum(keepdims=True)
        return np.where(np.isnan(values), np.inf, values)

    log_grid = np.log(grid)
    lower = log_grid[np.maximum(best_index - 1, 0)]
    upper = log_grid[np.minimum(best_index + 1, n_grid - 1)]
    log_alpha = _brent(evaluate, lower, upper)
    refined = evaluate(log_alpha)
    columns = np.arange(n_columns)
    grid_best = ranking[best_index, columns]
    use_grid = grid_best < refined
    log_alpha = np.where(use_grid, log_grid[best_index], log_alpha)
    on_boundary = (best_index == 0) | (best_index == n_grid - 1)
    on_boundary &= np.isclose(log_alpha, log_grid[0], atol=1e-3) | np.isclose(
        log_alpha, log_grid[-1], atol=1e-3
    )
    # A criterion that only flattens out towards λ → 0 (interpolation, e.g. the
    # evidence when rank X̃ = n − 1) has its supremum in the limit; rather than
    # the degenerate smallest λ, take the largest λ of the plateau.
    at_low = on_boundary & (best_index == 0)
    if np.any(at_low):
        tolerance = _FLAT_RTOL * np.maximum(np.abs(grid_best), np.finfo(float).tiny)
        flat = np.cumprod(ranking <= grid_best + tolerance, axis=0).astype(bool)
        plateau_end = flat.sum(axis=0) - 1
        log_alpha = np.where(at_low, log_grid[plateau_end], log_alpha)
    alpha = np.broadcast_to(np.exp(log_alpha), (n_targets,)).copy()
    best = objective(alpha[None, :].copy())[0]
    on_boundary = np.broadcast_to(on_boundary, (n_targets,)).copy()
    return alpha, best, grid, grid_values, on_boundary


def lam_grid(lam_top, lams, n_lams, eps, mix_name):
    """A descending λ grid: the given values, or ``n_lams`` log-spaced ones.

    Parameters
    ----------
    lam_top : float
        λ_max of the data (inf when the penalty has no sparsifying part).
    lams : array-like or None
        Explicit values (sorted descending); None for the automatic grid
        from ``lam_top`` down to ``eps·lam_top``.
    n_lams : int
        Size of the automatic grid.
    eps : float
        Ratio of its smallest to its largest λ.
    mix_name : str
        The estimator's mix parameter, named in the error when it is 0.
    """
    if lams is not None:
        grid = np.asarray(lams, dtype=np.float64)
        if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)):
            raise ValueError("lams must be a non-empty 1-D array of finite values.")
        if np.any(grid < 0):
            raise ValueError("lams must be non-negative.")
        return np.sort(grid)[::-1]
    if not np.isfinite(lam_top):
        raise ValueError(
            f"An automatic λ grid needs {mix_name} > 0 (with {mix_name} = 0 no λ "
            "makes all coefficients zero); pass lams explicitly."
        )
    if lam_top <= 0:
        # The target does not depend on X: W = 0 at every λ; any grid will do.
        lam_top = 1.0
    return np.geomspace(lam_top, lam_top * eps, int(n_lams))


def count_or_values_grid(lam_top, lams, eps, mix_name):
    """:func:`lam_grid` for ``lams`` given as a count (automatic grid) or the values."""
    if np.isscalar(lams):
        return lam_grid(lam_top, None, lams, eps, mix_name)
    return lam_grid(lam_top, lams, None, eps, mix_name)


def mix_values(mix, name):
    """The mix values to cross-validate: a float or a non-empty list, each in [0, 1].

    A mix of 0 (no sparse part) has no λ_max: :func:`lam_grid` then needs the
    λ values given.
    """
    values = np.atleast_1d(np.asarray(mix, dtype=np.float64))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a float or a non-empty list of floats.")
    if not np.all(np.isfinite(values) & (values >= 0) & (values <= 1)):
        raise ValueError(
            f"Every value of {name} must be in [0, 1], got {values.tolist()!r}."
        )
    return [float(v) for v in values]


# A criterion that needs a fit per value is searched on a log grid walked down
# from the top of the range, a decade a step (optima of held-out log-loss in λ
# are wider than that), stopping at the first step that does not improve on
# the best, then refined by Brent's method in the two steps around the best.
_DESCENT_STEP = np.log(10.0)
_DESCENT_PATIENCE = 1
# Width in log λ at which the refinement stops (3% in λ; a 20-point grid over
# 8 decades has 160% between points): far below what changes a held-out
# score (the criterion is flat there to second order), and far above the
# rounding of the criterion, so equal data take the same comparisons.
_REFINE_XTOL = 3e-2


def descend_and_refine(objective, log_high, log_low, log_start=None):
    """Minimise ``objective(log λ)`` over ``[log_low, log_high]``, one call at a time.

    For criteria that cost a fit per evaluation (each warm-started from the
    last): a grid of ``_DESCENT_STEP`` anchored at ``log_high`` is walked from
    its point nearest ``log_start`` (default ``log_high``) down, stopping
    ``_DESCENT_PATIENCE`` steps after its best point, and, when its first
    point is the best, up from there the same way (to ``log_high`` at
    most); successive parabolic interpolation (golden section where a
    parabola is not trusted) then refines inside the two grid steps around
    the best, to ``_REFINE_XTOL``.

    Returns
    -------
    log_best : float
    best : float
        The criterion at ``log_best``.
    grid : ndarray
        The log λ grid points evaluated (descending).
    grid_values : ndarray
        The criterion at them.
    on_boundary : bool
        Whether the optimum is at ``log_high`` or ``log_low``.
    """

    def evaluate(log_lam):
        value = float(objective(float(log_lam)))
        return value if np.isfinite(value) else np.inf

    start = log_high
    if log_start is not None:
        # On the grid anchored at log_high: a start that data equal up to
        # rounding move slightly must not move every point of the walk.
        offset = np.round(
            (log_high - min(max(log_start, log_low), log_high)) / _DESCENT_STEP
        )
        start = log_high - offset * _DESCENT_STEP
    points = _walk(evaluate, start, log_low, -_DESCENT_STEP)
    if int(np.argmin([v for _, v in points])) == 0 and start < log_high:
        points += _walk(
            evaluate, start + _DESCENT_STEP, log_high, _DESCENT_STEP, points[0][1]
        )
    points.sort(key=lambda point: -point[0])
    grid = np.array([point[0] for point in points])
    values = np.array([point[1] for point in points])
    index = int(np.argmin(values))
    log_best, best = float(grid[index]), float(values[index])
    if grid.size == 1:
        return log_best, best, grid, values, True
    if 0 < index < grid.size - 1:
        bracket = (grid[index + 1], grid[index], grid[index - 1])
        bracket_values = (values[index + 1], values[index], values[index - 1])
    else:
        # Best at an end: the optimum is the end, or between it and the next
        # grid point; the midpoint tells which.
        neighbour = 1 if index == 0 else index - 1
        middle = 0.5 * (grid[index] + grid[neighbour])
        middle_value = evaluate(middle)
        if not middle_value < best:
            return log_best, best, grid, values, True
        pair = sorted([(grid[index], best), (grid[neighbour], values[neighbour])])
        bracket = (pair[0][0], middle, pair[1][0])
        bracket_values = (pair[0][1], middle_value, pair[1][1])
    log_best, best = _parabolic_refine(evaluate, bracket, bracket_values)
    return log_best, best, grid, values, False


def _walk(evaluate, start, stop, step, best=np.inf):
    """[(log λ, value)] from ``start`` towards ``stop`` by ``step``, until
    ``_DESCENT_PATIENCE`` points in a row have not improved on the best (which
    starts at ``best``, the value of a point already evaluated)."""
    points, since_best = [], 0
    n_steps = max(int(np.ceil((stop - start) / step - 1e-9)), 0)
    for log_lam in start + step * np.arange(n_steps + 1):
        log_lam = max(log_lam, stop) if step < 0 else min(log_lam, stop)
        value = evaluate(log_lam)
        points.append((float(log_lam), value))
        if value < best:
            best, since_best = value, 0
        else:
            since_best += 1
            if since_best >= _DESCENT_PATIENCE:
                break
    return points


# Golden-section fraction, for steps where the parabola is not trusted.
_GOLDEN = 0.5 * (3.0 - np.sqrt(5.0))
_MAX_REFINE_STEPS = 50
# Brackets wider than this (in log λ) are shrunk by golden section first:
# criteria of λ are asymmetric over decades (steep towards λ → 0), and a
# parabola through such points puts its vertex on the wrong side.
_PARABOLA_WIDTH = np.log(10.0)


def _parabolic_refine(evaluate, bracket, bracket_values):
    """Minimise inside ``a < b < c`` with ``f(b) <= f(a), f(c)``: (x, f(x)).

    Each step evaluates the vertex of the parabola through the three points
    (a golden-section point of the larger side when the vertex falls outside
    the bracket or too close to its points) and keeps a bracket; it stops
    when the vertex is within ``_REFINE_XTOL/2`` of the best point or the
    bracket is narrower than ``2·_REFINE_XTOL``.
    """
    (a, b, c), (fa, fb, fc) = bracket, bracket_values
    tol = _REFINE_XTOL
    steps = [np.inf, np.inf]  # the last two step lengths
    for _ in range(_MAX_REFINE_STEPS):
        if c - a < 2.0 * tol:
            break
        numerator = (b - a) ** 2 * (fb - fc) - (b - c) ** 2 * (fb - fa)
        denominator = (b - a) * (fb - fc) - (b - c) * (fb - fa)
        vertex = b - 0.5 * numerator / denominator if denominator != 0 else np.nan
        if np.isfinite(vertex) and abs(vertex - b) < 0.5 * tol:
            break
        # Brent's safeguard: a parabolic step must be inside the bracket and
        # shorter than half the step before last (else it is creeping along
        # one side, and a golden-section step shrinks the bracket instead);
        # and the bracket must be narrow enough for a parabola to model.
        trusted = (
            c - a <= _PARABOLA_WIDTH
            and np.isfinite(vertex)
            and a + 0.5 * tol < vertex < c - 0.5 * tol
            and abs(vertex - b) < 0.5 * steps[0]
        )
        if not trusted:
            vertex = b + _GOLDEN * (c - b) if c - b > b - a else b - _GOLDEN * (b - a)
        steps = [steps[1], abs(vertex - b)]
        value = evaluate(vertex)
        if value < fb:
            if vertex < b:
                c, fc = b, fb
            else:
                a, fa = b, fb
            b, fb = vertex, value
        elif vertex < b:
            a, fa = vertex, value
        else:
            c, fc = vertex, value
    return float(b), float(fb)
