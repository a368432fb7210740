"""Choosing λ for a ridge-penalised GLM (logistic regression) during fit.

The model minimises ``F(Θ) = (1/S) Σ_i s_i ℓ(y_i, η_i) + λ‖W‖²`` with
``η_i = W ᵀx_i + b`` (see :mod:`sklearn_l2x._solvers.newton`). Each criterion
is a function of λ that costs one Newton fit (warm-started from the nearest λ
solved before) plus, for some, work on the Hessian H of F at the solution:

- approximate leave-one-out (ALO): one Newton step from the full-data fit
  towards the fit without one unit of weight of row i (Sherman–Morrison on
  the K×K block of row i), ``η̃_i = η_i + Q_i (I − ρ_i D_i Q_i)⁻¹ ρ_i R_i``
  with ``Q_i = Z̃_i H⁻¹ Z̃_iᵀ``, ``D_i``, ``R_i`` the loss's Hessian weights and
  gradient at row i and ``ρ_i = min(s_i, 1)/s_i``; the criterion is
  ``(1/S) Σ s_i ℓ(y_i, η̃_i)``;
- exact leave-one-out: the same, with the fit refitted without that unit;
- the Laplace evidence of the Gaussian prior ``W ~ N(0, I/α)``, ``α = 2Sλ``:
  ``log Z = −S·F(Θ̂) + (m/2) log(α/2π) + (d/2) log 2π − ½ log det(S·H)``
  (m penalised coefficients, d identifiable parameters, a flat prior on the
  intercepts);
- k-fold: the mean over folds of the held-out weighted mean loss.

Rows are frequency weights: leaving one out removes one unit of its weight
(all of it when the weight is below one), so that weighted rows and repeated
rows give the same criterion. Everything here works on arrays; nothing knows
of estimators.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._ridge_engine import fit_spectrum
from ._selection import descend_and_refine
from ._solvers.newton import RidgeNewton
from ._solvers.spectral import decompose

# Default search range: λ from the curvature scale of the null model (a bound
# on the largest eigenvalue of the loss's Hessian: the penalty's 2λ dominates
# every direction there) down by _DEFAULT_DECADES decades; the descent usually
# stops long before the bottom.
_TOP_FACTOR = 1.0
# The search starts from this fraction of ridge's λ on the class codes (see
# Problem.pilot_log_lam) and walks down, or up when the start is the best.
_PILOT_FACTOR = 0.1
# The first fit starts from the null model plus the best of these multiples of
# ridge's coefficients on the ±1 codes (a logit is a few times a ±1 score).
_RAY_SCALES = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)
_DEFAULT_DECADES = 6.0


def _left_out_fraction(sample_weight):
    """ρ_i = min(s_i, 1)/s_i: the share of row i that leaving one unit out removes."""
    return np.divide(
        np.minimum(sample_weight, 1.0),
        sample_weight,
        out=np.zeros_like(sample_weight),
        where=sample_weight > 0,
    )


def approximate_loo_predictor(fit, loss):
    """The ALO linear predictors ``η̃`` of shape (n, K) (see the module)."""
    Q = fit.curvature.leverages()
    rho = _left_out_fraction(loss.sw)
    D = loss.hessian_weights(fit.eta) * rho[:, None, None]
    R = loss.gradient(fit.eta) * rho[:, None]
    K = R.shape[1]
    system = np.eye(K)[None] - D @ Q
    solved = np.linalg.solve(system, R[:, :, None])
    return fit.eta + (Q @ solved)[:, :, 0]


def approximate_loo(fit, loss):
    """ALO estimate of the held-out weighted mean loss (lower is better)."""
    return loss.value(approximate_loo_predictor(fit, loss))


def log_evidence(fit, loss, lam, n_penalised):
    """Laplace approximation of the log marginal likelihood at λ (higher is better)."""
    sw_sum = loss.sw_sum
    alpha = 2.0 * sw_sum * lam
    n_params = fit.curvature.hessian.shape[0] - int(fit.curvature.shift_fixed)
    log_det = fit.curvature.log_det() + n_params * np.log(sw_sum)
    return (
        -sw_sum * fit.value
        + 0.5 * n_penalised * np.log(alpha / (2.0 * np.pi))
        + 0.5 * n_params * np.log(2.0 * np.pi)
        - 0.5 * log_det
    )


@dataclass
class WarmStarts:
    """Newton fits of one problem at any λ, each started from the nearest done.

    The start is the nearest solution moved along its tangent ``dΘ/d log λ =
    −λH⁻¹[2Θ_w; 0]`` (the implicit function theorem on ∇F = 0), when that
    lowers the objective: it is exact to second order in the step in log λ,
    so a nearby λ (the refinement) usually needs one Newton step; chord steps
    with the last fit's Hessian come before it (see ``RidgeNewton.solve``).
    ``stopped`` records the fits that reached ``max_iter`` (their relative
    decrement).
    """

    solver: RidgeNewton
    solutions: dict = field(default_factory=dict)
    stopped: list = field(default_factory=list)
    n_steps: int = 0
    last_curvature: object = None
    ray: np.ndarray = None

    def _start(self, lam):
        if not self.solutions:
            return self._start_on_ray(lam)
        log_lam = np.log(lam)
        nearest = min(self.solutions, key=lambda key: abs(key - log_lam))
        Theta, tangent = self.solutions[nearest]
        if tangent is None:  # the last fit's: its criterion has used its Hessian
            tangent = self._tangent(Theta, nearest)
            self.solutions[nearest] = (Theta, tangent)
        predicted = Theta + (log_lam - nearest) * tangent
        solver = self.solver
        values = [
            solver.objective(solver.design.linear(start), start, lam)
            for start in (Theta, predicted)
        ]
        return predicted if values[1] < values[0] else Theta

    def _start_on_ray(self, lam):
        """The null model plus the multiple of ``ray`` (coefficients only) that
        lowers F most among ``_RAY_SCALES``; None without a ray."""
        if self.ray is None:
            return None
        solver, q = self.solver, self.solver.design.q
        null = solver.null_start()
        best, best_value = None, np.inf
        for scale in _RAY_SCALES:
            start = null.copy()
            start[:q] += scale * self.ray[:q]
            value = solver.objective(solver.design.linear(start), start, lam)
            if value < best_value:
                best, best_value = start, value
        return best

    def fit(self, lam, start=None):
        if start is None:
            start = self._start(lam)
        result = self.solver.solve(
            lam, start, reference=self.last_curvature, exact_curvature=True
        )
        self._finish_tangents()
        self.last_curvature = result.curvature
        self.n_steps += result.n_iter
        self.solutions[float(np.log(lam))] = (result.Theta, None)
        if not result.converged:
            self.stopped.append(result.decrement / max(result.value, 1e-300))
        return result

    def _finish_tangents(self):
        """Tangents of the solutions still without one (only the last fit's,
        whose curvature is the only one kept)."""
        for key, (Theta, tangent) in self.solutions.items():
            if tangent is None:
                self.solutions[key] = (Theta, self._tangent(Theta, key))

    def _tangent(self, Theta, log_lam):
        """``dΘ/d log λ = −λH⁻¹[2λΘ_w; 0]`` from the last fit's curvature (its
        inverse, once a criterion has formed it, makes this a product)."""
        lam = np.exp(log_lam)
        penalised = np.zeros_like(Theta)
        q = self.solver.design.q
        penalised[:q] = 2.0 * lam * Theta[:q]
        return -self.last_curvature.solve(penalised)


class Problem:
    """One ridge-penalised GLM: a design, targets, weights and how to fit it.

    Parameters
    ----------
    design : RowSpaceDesign
    Y : ndarray of shape (n, K)
        Targets in the loss's encoding.
    sample_weight : ndarray of shape (n,)
    make_loss : callable
        ``(Y, sample_weight) -> Loss``.
    tol, max_iter : Newton's stopping rule.
    """

    def __init__(self, design, Y, sample_weight, make_loss, tol, max_iter):
        self.design, self.Y, self.sw = design, Y, sample_weight
        self.make_loss, self.tol, self.max_iter = make_loss, tol, max_iter
        self.loss = make_loss(Y, sample_weight)
        self.fits = self._warm_starts(design, self.loss)

    def _warm_starts(self, design, loss):
        return WarmStarts(RidgeNewton(design, loss, self.tol, self.max_iter))

    def stopped(self):
        """Relative decrements of every fit that stopped at max_iter."""
        return list(self.fits.stopped)

    def default_log_range(self):
        """(log λ low, log λ high) around the null model's curvature scale.

        The scale is ``c · Σ_j Var_s(z_j)``, c the largest class variance
        ``π_k(1 − π_k)`` of the weighted class shares: the trace of the
        loss's Hessian in the coefficients at the null model, a bound on its
        largest eigenvalue.
        """
        weights = self.sw / self.sw.sum()
        Z = self.design.Z
        mean = np.asarray(Z.T @ weights).ravel()
        squares = Z.multiply(Z) if sp.issparse(Z) else Z * Z
        second = np.asarray(squares.T @ weights).ravel()
        spread = float(np.sum(np.maximum(second - mean**2, 0.0)))
        shares = weights @ self.Y
        if self.Y.shape[1] == 1:
            shares = np.array([shares[0], 1.0 - shares[0]])
        scale = spread * float(np.max(shares * (1.0 - shares)))
        log_high = np.log(_TOP_FACTOR * max(scale, np.finfo(float).tiny))
        return log_high - _DEFAULT_DECADES * np.log(10.0), log_high

    def pilot_log_lam(self):
        """log of a starting λ: ridge's GCV choice on ±1 class codes, scaled.

        One decomposition of the design (a fraction of one Hessian's cost);
        across binary and multinomial data sets the λ the log-loss criteria
        choose was 0.01 to 0.5 times this ridge λ (a median near 0.1). The
        ridge coefficients become the ray the first fit starts on.
        """
        codes = 2.0 * self.Y - 1.0
        spectrum = decompose(
            self.design.Z, codes, self.sw, fit_intercept=self.design.fit_intercept
        )
        fit = fit_spectrum(
            spectrum,
            lam=None,
            criterion="gcv",
            fit_intercept=self.design.fit_intercept,
            per_target=False,
        )
        ray = np.zeros((self.design.n_params, self.Y.shape[1]))
        ray[: self.design.q] = fit.coef.T
        self.fits.ray = ray
        return float(np.log(_PILOT_FACTOR * fit.alpha[0] / spectrum.sw_sum))


class Criterion:
    """A criterion of λ on a :class:`Problem` (lower is better)."""

    def __init__(self, problem):
        self.problem = problem

    def __call__(self, lam):
        return self.value(self.problem.fits.fit(lam), lam)

    def value(self, fit, lam):
        raise NotImplementedError

    def stopped(self):
        return self.problem.stopped()


class ApproximateLOO(Criterion):
    def value(self, fit, lam):
        return approximate_loo(fit, self.problem.loss)


class NegativeEvidence(Criterion):
    def value(self, fit, lam):
        n_penalised = self.problem.design.q * self.problem.Y.shape[1]
        return -log_evidence(fit, self.problem.loss, lam, n_penalised)


class ExactLOO(Criterion):
    """Refits without one unit of each row's weight (n fits per λ)."""

    def value(self, fit, lam):
        problem = self.problem
        sw, sw_sum = problem.sw, problem.loss.sw_sum
        removed = np.minimum(sw, 1.0)
        held_out = np.zeros_like(problem.Y)
        for i in np.flatnonzero(sw > 0):
            weights = sw.copy()
            weights[i] -= removed[i]
            loss = problem.make_loss(problem.Y, weights)
            solver = RidgeNewton(problem.design, loss, problem.tol, problem.max_iter)
            # Same penalty relative to the summed loss: λ·S/(S − removed).
            refit = solver.solve(
                lam * sw_sum / (sw_sum - removed[i]),
                fit.Theta,
                reference=fit.curvature,
            )
            if not refit.converged:
                problem.fits.stopped.append(refit.decrement / max(refit.value, 1e-300))
            held_out[i] = problem.design.rows([i]).linear(refit.Theta)[0]
        return problem.loss.value(held_out)


class KFold(Criterion):
    """Mean over folds of the held-out weighted mean loss."""

    def __init__(self, problem, folds):
        super().__init__(problem)
        self.parts = []
        for train, test in folds:
            if problem.sw[test].sum() <= 0 or problem.sw[train].sum() <= 0:
                raise ValueError(
                    "Every cross-validation fold needs training and test rows "
                    "of positive sample_weight."
                )
            fold_loss = problem.make_loss(problem.Y[train], problem.sw[train])
            fits = problem._warm_starts(problem.design.rows(train), fold_loss)
            test_loss = problem.make_loss(problem.Y[test], problem.sw[test])
            self.parts.append((fits, problem.design.rows(test), test_loss))

    def __call__(self, lam):
        for fits, _, _ in self.parts:
            fits.ray = self.problem.fits.ray
        scores = [
            test_loss.value(test_design.linear(fits.fit(lam).Theta))
            for fits, test_design, test_loss in self.parts
        ]
        return float(np.mean(scores))

    def stopped(self):
        return [ratio for fits, _, _ in self.parts for ratio in fits.stopped]


CRITERIA = {"alo": ApproximateLOO, "evidence": NegativeEvidence, "loo": ExactLOO}


def make_criterion(name, problem, folds=None):
    """The criterion object for ``name`` ("alo", "evidence", "loo", "kfold")."""
    if name == "kfold":
        return KFold(problem, folds)
    return CRITERIA[name](problem)


@dataclass
class Selection:
    """The outcome of a search: λ, the criterion there and on the grid walked."""

    lam: float
    value: float
    lam_path: np.ndarray
    criterion_path: np.ndarray
    on_boundary: bool
    n_evaluations: int


def choose_lam(criterion, log_range, log_start=None):
    """Minimise ``criterion`` over λ in ``exp(log_range)``: :class:`Selection`.

    The walk starts at ``log_start`` (the top of the range if None).
    """
    log_low, log_high = log_range
    evaluated = []

    def objective(log_lam):
        evaluated.append(log_lam)
        return criterion(np.exp(log_lam))

    log_best, best, grid, values, on_boundary = descend_and_refine(
        objective, log_high, log_low, log_start
    )
    return Selection(
        float(np.exp(log_best)),
        best,
        np.exp(grid),
        values,
        on_boundary,
        len(evaluated),
    )
