"""Ridge below AdaptiveRidge's face: from a spectrum to a chosen model.

:func:`fit_spectrum` turns one :class:`~sklearn_l2x._solvers.spectral.Spectrum`
(and, for banded ridge, a :class:`~sklearn_l2x._solvers.banded.BandedRidge`)
into a :class:`RidgeFit`: λ fixed, or searched continuously for the criterion
(GCV, leave-one-out, evidence, a k-fold curve), one per target or shared, or
one per feature group; the coefficients; and for the evidence the Gaussian
posterior (:class:`Posterior`) that predictive standard deviations need.
:func:`kfold_curve` builds the k-fold criterion from one decomposition per
training fold. Nothing here knows scikit-learn's estimator API.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from . import _selection
from ._sklearn_compat import to_numpy
from ._solvers.spectral import RowProjector, coefficients, decompose
from ._solvers.unpenalised import Unpenalised


@dataclass
class RidgeFit:
    """A fitted ridge model for k targets, in per-target arrays.

    ``alpha`` (= S·λ) has shape (k,), or (k, n_groups) for banded ridge, like
    ``on_boundary``; ``best`` is the criterion's value at the optimum (None for
    a fixed λ). ``boundary`` is (count, total, what) when optima sit at an end
    of the search range, for the estimator to warn about.
    """

    coef: np.ndarray  # (k, p)
    intercept: np.ndarray  # (k,)
    alpha: np.ndarray
    dof: np.ndarray  # (k,)
    best: np.ndarray | None
    on_boundary: np.ndarray
    lam_path: np.ndarray | None = None
    criterion_path: np.ndarray | None = None  # (m, k)
    posterior: "Posterior | None" = None
    boundary: tuple | None = None
    lam_min: np.ndarray | None = None  # (k,), k-fold: the minimiser
    lam_1se: np.ndarray | None = None  # (k,), k-fold: the 1-SE λ
    criterion_se_path: np.ndarray | None = None  # (m, k), k-fold


def _fresh(array):
    """A copy in freshly allocated memory (dense C order, or sparse)."""
    return array.copy() if sp.issparse(array) else np.array(array, order="C")


def _decompose_fold(X, y, sample_weight, fit_intercept):
    """decompose, computed the same way in any process.

    BLAS rounds differently with another thread count, and on inputs that
    sit in differently aligned buffers (joblib's and dask's workers receive
    arrays unpickled into such buffers, and run with fewer threads): copying
    the inputs to fresh memory and using one BLAS thread makes k-fold results
    bit-for-bit the same for every ``n_jobs`` and backend.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        spectrum = decompose(
            _fresh(X), _fresh(y), _fresh(sample_weight), fit_intercept=fit_intercept
        )
    return spectrum


def kfold_curve(X, y2d, sample_weight, folds, fit_intercept, n_jobs, free=None):
    """The k-fold held-out error as a function of alpha (one decomposition per fold).

    ``free`` (a mask of unpenalised columns, or None): each training fold
    then has them (and the intercept) partialled out, and its held-out rows
    are residualised with the training fold's fit.
    """
    parts = [
        _fold_parts(X, y2d, sample_weight, rows, free, fit_intercept) for rows in folds
    ]
    intercept = fit_intercept and free is None
    spectra = Parallel(n_jobs=n_jobs)(
        delayed(_decompose_fold)(*train, fit_intercept=intercept) for train, _ in parts
    )
    return _selection.KFoldCurve(spectra, [test for _, test in parts])


def _fold_parts(X, y2d, sample_weight, rows, free, fit_intercept):
    """((X, y, s) of the training rows, (X, y, s) of the held-out rows)."""
    train, test = rows
    parts = [(X[r], y2d[r], sample_weight[r]) for r in (train, test)]
    if free is None:
        return parts
    projection = Unpenalised(*parts[0], free, fit_intercept)
    return [(*projection.residualise(Xr, yr), sr) for Xr, yr, sr in parts]


def on_host(spectrum, function):
    """``function(alpha)`` for NumPy alpha, with NumPy values, whatever the spectrum.

    For a spectrum of another namespace (on its device), alpha (m×k numbers)
    goes to the device and the m×k criterion values come back: the search
    loop runs on the host over reductions computed where the spectrum lives.
    """
    xp = spectrum.xp
    if xp is None:
        return function
    dtype, device = spectrum.d2.dtype, spectrum.d2.device

    def evaluate(alpha):
        alpha = xp.asarray(
            np.array(alpha, dtype=np.float64), dtype=dtype, device=device
        )
        return to_numpy(function(alpha), xp).astype(np.float64)

    return evaluate


def _objective(spectrum, criterion, fold_curve, fit_intercept):
    """The criterion to minimise and the sign that restores its meaning."""
    if criterion == "gcv":
        function, sign = (lambda a: _selection.gcv(spectrum, a, fit_intercept)), 1.0
    elif criterion == "loo":
        function, sign = (lambda a: _selection.loo(spectrum, a, fit_intercept)), 1.0
    elif criterion == "evidence":
        function = lambda a: -_selection.log_evidence(spectrum, a, fit_intercept)  # noqa: E731
        sign = -1.0
    else:
        return fold_curve, 1.0
    return on_host(spectrum, function), sign


def alpha_range(spectrum, lam_bounds):
    """The search range of alpha: ``lam_bounds`` times S, or the default."""
    if lam_bounds is None:
        return _selection.default_alpha_range(spectrum)
    return tuple(float(b) * spectrum.sw_sum for b in lam_bounds)


def fit_spectrum(
    spectrum,
    *,
    lam,
    criterion,
    fit_intercept,
    fold_curve=None,
    lam_bounds=None,
    per_target=True,
    banded=None,
    selection="min",
):
    """The ridge model at ``lam``, or at the λ the criterion chooses (see module).

    With k-fold, ``selection="1se"`` moves from the minimiser to the largest
    λ within one standard error of it (the fit records both, and the
    standard errors along the searched grid).
    """
    n_targets = spectrum.t.shape[1]
    if lam is not None:
        alpha = np.full(n_targets, float(lam) * spectrum.sw_sum)
        return _at_alpha(spectrum, alpha, None, np.zeros(n_targets, dtype=bool))
    objective, sign = _objective(spectrum, criterion, fold_curve, fit_intercept)
    search_range = alpha_range(spectrum, lam_bounds)
    alpha, best, grid, grid_values, on_boundary = _selection.search(
        objective, n_targets, search_range, per_target=per_target
    )
    if spectrum.d2.size == 0:  # nothing to shrink: λ is irrelevant
        on_boundary[:] = False
    if banded is not None:
        fit = _banded(
            banded, spectrum, alpha, criterion, fit_intercept, search_range, per_target
        )
    else:
        alpha_min = alpha_1se = alpha
        if criterion == "kfold":
            alpha_1se = _selection.one_standard_error(
                fold_curve, alpha, search_range[1], per_target
            )
        if selection == "1se":
            alpha, best = alpha_1se, fold_curve(alpha_1se[None, :])[0]
        fit = _at_alpha(spectrum, alpha, sign * best, on_boundary)
        if criterion == "kfold":
            fit.lam_min = alpha_min / spectrum.sw_sum
            fit.lam_1se = alpha_1se / spectrum.sw_sum
            fit.criterion_se_path = fold_curve.standard_error(grid[:, None])
        if np.any(on_boundary):
            fit.boundary = (int(on_boundary.sum()), n_targets, "target(s)")
        if criterion == "evidence":
            fit.posterior = _single_alpha_posterior(spectrum, alpha, fit_intercept)
    fit.lam_path = grid / spectrum.sw_sum
    fit.criterion_path = sign * grid_values
    return fit


def _at_alpha(spectrum, alpha, best, on_boundary):
    coef, intercept = coefficients(spectrum, alpha)
    dof = on_host(spectrum, lambda a: _selection.effective_dof(spectrum, a))
    return RidgeFit(coef.T, intercept, alpha, dof(alpha[None, :])[0], best, on_boundary)


def _single_alpha_posterior(spectrum, alpha, fit_intercept):
    projector = RowProjector(spectrum)
    variance = on_host(
        spectrum,
        lambda a: _selection.noise_variance(spectrum, a[0, ...], fit_intercept),
    )
    sigma2 = variance(alpha[None, :])
    x_mean = spectrum.x_mean
    bases = [
        (projector, spectrum.d2 / float(a), _filled(spectrum, 1 / np.sqrt(a)))
        for a in alpha
    ]
    return Posterior(bases, sigma2, x_mean, spectrum.sw_sum, fit_intercept, spectrum.xp)


def _filled(spectrum, value):
    """A vector of ``value`` like the spectrum's x_mean (its namespace, device)."""
    x_mean = spectrum.x_mean
    if spectrum.xp is None:
        return np.full(x_mean.shape, value)
    return spectrum.xp.full(
        x_mean.shape, value, dtype=x_mean.dtype, device=x_mean.device
    )


def _banded_run(banded, criterion, columns, start, log_bounds, fit_intercept, out):
    """One L-BFGS-B search of the group strengths for the targets ``columns``.

    Writes the run's results into the per-target arrays of ``out``.
    """
    solution, _ = banded.optimise(criterion, columns, start, log_bounds)
    scaled, scale = banded.spectrum(solution)
    coef_z, intercept_z = coefficients(scaled, 1.0)
    one = np.ones((1, len(columns)))
    if criterion == "evidence":
        values = _selection.log_evidence(scaled, one, fit_intercept)
        noise = _selection.noise_variance(
            scaled, np.ones(scaled.t.shape[1]), fit_intercept
        )
        projector = RowProjector(scaled, copy_data=False)
    else:
        values = _selection.gcv(scaled, one, fit_intercept)
    run_dof = _selection.effective_dof(scaled, np.ones((1, 1)))[0, 0]
    for column in columns:
        out["coef"][column] = scale * coef_z[:, column]
        out["intercept"][column] = intercept_z[column]
        out["log_alpha"][column] = solution
        out["dof"][column] = run_dof
        out["best"][column] = values[0, column]
        if criterion == "evidence":
            out["sigma2"][column] = noise[column]
            out["bases"][column] = (projector, scaled.d2, scale)


def _banded(
    banded, spectrum, alpha_start, criterion, fit_intercept, search_range, per_target
):
    """One alpha per group, by L-BFGS-B from the best single alpha."""
    n_targets = spectrum.t.shape[1]
    log_bounds = tuple(np.log(search_range))
    runs = [[t] for t in range(n_targets)] if per_target else [list(range(n_targets))]
    out = {
        "coef": np.empty((n_targets, spectrum.x_mean.shape[0])),
        "log_alpha": np.empty((n_targets, banded.n_groups)),
        "bases": [None] * n_targets,
        **{
            name: np.empty(n_targets) for name in ("intercept", "dof", "best", "sigma2")
        },
    }
    for columns in runs:
        start = np.full(banded.n_groups, np.log(alpha_start[columns[0]]))
        _banded_run(banded, criterion, columns, start, log_bounds, fit_intercept, out)
    log_alpha = out["log_alpha"]
    at_low = np.isclose(log_alpha, log_bounds[0], atol=1e-6)
    at_high = np.isclose(log_alpha, log_bounds[1], atol=1e-6)
    fit = RidgeFit(
        out["coef"],
        out["intercept"],
        np.exp(log_alpha),
        out["dof"],
        out["best"],
        at_low | at_high,
    )
    if np.any(at_low):
        fit.boundary = (int(at_low.sum()), at_low.size, "group strengths")
    if criterion == "evidence":
        fit.posterior = Posterior(
            out["bases"], out["sigma2"], spectrum.x_mean, spectrum.sw_sum, fit_intercept
        )
    return fit


class Posterior:
    """The Gaussian posterior of evidence-fitted ridge, for predictive spreads.

    ``bases[t] = (project, e, scale)`` describes target t's posterior in the
    coordinates ``u = scale ∘ (x − x̄)`` where the prior is N(0, σ²I),
    ``project`` mapping rows to ``Vᵀu`` (a :class:`RowProjector`):
    ``x̃ᵀΣx̃ = Σ_j (v_jᵀu)²/(1 + e_j) + ‖u‖² − ‖Vᵀu‖²``.
    """

    def __init__(self, bases, sigma2, x_mean, sw_sum, fit_intercept, xp=None):
        self.bases = bases
        self.sigma2 = sigma2
        self.x_mean = x_mean
        self.sw_sum = sw_sum
        self.fit_intercept = fit_intercept
        self.xp = xp  # the namespace of the bases' arrays when not NumPy

    def predictive_std(self, X):
        """``σ̂·√(1 + 1/S + x̃ᵀΣx̃)`` for every row of X and target, (n, k)."""
        xp = np if self.xp is None else self.xp
        x_mean = self.x_mean
        extra = 1.0 / self.sw_sum if self.fit_intercept else 0.0
        columns = []
        for target, (projector, e, scale) in enumerate(self.bases):
            projection = projector(X, x_mean, scale)
            scale2 = scale**2
            if sp.issparse(X):
                sq_norm = np.asarray(X.multiply(X) @ scale2).ravel()
                sq_norm -= 2 * np.asarray(X @ (x_mean * scale2)).ravel()
                sq_norm += x_mean**2 @ scale2
            else:
                sq_norm = ((X - x_mean) ** 2) @ scale2
            outside = sq_norm - xp.sum(projection**2, axis=1)
            outside = xp.where(outside > 0, outside, xp.zeros_like(outside))
            quad = (projection**2) @ (1.0 / (1.0 + e)) + outside
            sigma2 = float(self.sigma2[target])
            columns.append(xp.sqrt(sigma2 * (1.0 + extra + quad)))
        return xp.stack(columns, axis=1)
