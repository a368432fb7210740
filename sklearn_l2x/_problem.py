"""Problems built from validated arrays: design, targets, loss and penalty.

A problem is what every fit, path, ``lam_max`` and cross-validation fold
solves: ``F(XW + b) + Ω_λ(W)`` on arrays that the estimators have already
validated. It is built the same way everywhere, holds no estimator and sets
no estimator attribute. Two kinds, one interface (``lam_max``, ``solve``,
``path``):

- :class:`PenalisedProblem`: any :class:`~sklearn_l2x._losses.Loss` with any
  :class:`~sklearn_l2x._penalties.Penalty`, solved by proximal Newton on
  working sets (logistic losses; the squared loss with a group penalty);
- :class:`ElasticNetProblem`: the squared loss with the elastic net, solved
  by coordinate descent on the weighted, centred design (the intercept
  eliminated by centring; a Gram matrix shared along a path).

Paths return :class:`Path`: coefficients of shape (n_lams, K, p), intercepts
(n_lams, K), relative duality gaps (n_lams,) and per-point solver records.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from ._losses import SquaredError, make_logistic_loss
from ._penalties import L1L2
from ._progress import path_progress
from ._solvers.enet_cd import (
    GramCache,
    solve_path_on_gram,
    solve_target,
    whole_gram_fits,
)
from ._solvers.gram import RowPairs, gram_cache_for
from ._solvers.pass_bounds import PassBounds
from ._solvers.prox_newton import solve
from ._solvers.spectral import CentredDesign
from ._validation import warn_not_converged

# What max_iter counts, named in ConvergenceWarnings.
PROX_NEWTON_STEPS = "proximal Newton steps"
CD_EPOCHS = "coordinate-descent epochs"

# The null model with free rows (the start of every fit and path) is solved to
# this relative gap: far below any tol asked of a fit.
_NULL_MODEL_TOL = 1e-12


@dataclass
class Path:
    """Solutions along a descending λ grid."""

    lams: np.ndarray
    coefs: np.ndarray  # (n_lams, K, p)
    intercepts: np.ndarray  # (n_lams, K)
    gaps: np.ndarray  # (n_lams,), relative
    infos: list = field(default_factory=list)


class PenalisedProblem:
    """``loss(XW + b) + penalty(W)`` on validated arrays, by proximal Newton.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n, p)
    loss : Loss
    penalty : Penalty
        Its ``lam`` is set by :meth:`solve` and :meth:`path`.
    fit_intercept : bool
    """

    def __init__(self, X, loss, penalty, fit_intercept):
        self.X = X
        self.loss = loss
        self.penalty = penalty
        self.fit_intercept = fit_intercept

    @property
    def shape(self):
        """(p, K) of the coefficient matrix W."""
        return self.X.shape[1], self.loss.n_outputs

    def lam_max(self):
        """Smallest λ with every penalised coefficient zero (inf without a sparse part).

        The loss gradient is taken at :meth:`start`, the null model: the
        intercepts and the rows the penalty leaves free fitted.
        """
        if self.penalty.ratio == 0:
            return np.inf
        W, b = self.start()
        eta = np.asarray(self.X @ W) + b
        gradient = np.asarray(self.X.T @ self.loss.gradient(eta))
        gradient[self.penalty.free_rows()] = 0.0  # optimal there, to rounding
        return self.penalty.lam_max(gradient)

    def start(self):
        """The null model: W = 0 on every penalised row, optimal intercepts, and
        the rows the penalty leaves free at every λ fitted (once per problem)."""
        W = np.zeros(self.shape)
        b = self.loss.null_intercept(self.fit_intercept)
        free = self.penalty.free_rows()
        if not free.any():
            return W, b
        if getattr(self, "_null_model", None) is None:
            units = np.unique(self.penalty.membership[free])
            rows, restricted = self.penalty.restrict(units)
            W_free, b, info = solve(
                self.X[:, rows],
                self.loss,
                restricted,
                np.zeros((rows.size, self.shape[1])),
                b,
                fit_intercept=self.fit_intercept,
                tol=_NULL_MODEL_TOL,
            )
            self._null_model = (rows, W_free, b)
        rows, W_free, b = self._null_model
        W[rows] = W_free
        return W, b.copy()

    def solve(self, lam, W=None, b=None, **options):
        """(W, b, info) at λ from (W, b) (default: :meth:`start`).

        ``options`` go to :func:`~sklearn_l2x._solvers.prox_newton.solve`.
        """
        W0, b0 = self.start()
        self.penalty.lam = float(lam)
        if getattr(self, "_gram_cache", False) is False:
            # Shared by every solve on these data (a path's points, a CV's refit).
            self._gram_cache = gram_cache_for(self.X, self.loss, self.fit_intercept)
            self._row_pairs = RowPairs.of(self.X, self.fit_intercept)
        return solve(
            self.X,
            self.loss,
            self.penalty,
            W0 if W is None else W,
            b0 if b is None else b,
            fit_intercept=self.fit_intercept,
            gram_cache=self._gram_cache,
            row_pairs=self._row_pairs,
            **options,
        )

    def path(self, lams, *, tol, max_iter, progress=None):
        """Solutions along the descending grid ``lams``, each warm-started.

        ``progress`` (a :class:`~sklearn_l2x._progress.PathProgress`) hears of
        every solved λ.
        """
        if _fortran_pays(self.X, len(lams)):
            # Columns are what a path reads (working sets, supports, the
            # certificates' bounded products): Fortran order makes them
            # contiguous. Copied once, as scikit-learn's coordinate descent does.
            self.X = np.asfortranarray(self.X)
            self._gram_cache = False  # made again on the copy
        W, b = self.start()
        coefs, intercepts, infos = [], [], []
        gradient = tangent = None
        # The certificates' passes over X, bounded from one point to the next.
        bounds = PassBounds.of(self.X, self.penalty) if len(lams) > 1 else None
        for k, lam in enumerate(lams):
            start = W
            if k >= 1 and lam > 0 and lam != lams[k - 1]:
                start = self._predicted_start(
                    W,
                    coefs[-2].T if k >= 2 else None,
                    lams[max(k - 2, 0) : k + 1],
                    tangent,
                )
            W, b, info = self.solve(
                lam,
                start,
                b,
                tol=tol,
                max_iter=max_iter,
                chord=True,
                polish=False,
                gradient_hint=gradient,
                pass_bounds=bounds,
                tangent=True,
            )
            gradient = info.pop("gradient", None)
            tangent = info.pop("tangent", None)
            coefs.append(W.T.copy())
            intercepts.append(b.copy())
            infos.append(info)
            if progress is not None:
                progress.point(lam, info["relative_gap"])
        gaps = np.array([info["relative_gap"] for info in infos])
        return Path(
            np.asarray(lams), np.array(coefs), np.array(intercepts), gaps, infos
        )

    def _predicted_start(self, W, W_before, lams, tangent):
        """The next point predicted from the last ones, in log λ.

        Between changes of the support the solution moves smoothly in log λ.
        With the last solution's ``tangent`` (its derivative in log λ), the
        prediction is the quadratic through the last two solutions with that
        slope at the last one (groups that were zero at the one before have
        no curvature term); without it, the line through the last two. Only
        the groups active now move; the solver certifies whatever it is
        given.
        """
        last, lam = lams[-2:]
        step = np.log(lam / last)
        penalty = self.penalty
        active = (penalty.group_norms(W) > 0)[penalty.membership][:, None]
        if tangent is None:
            if W_before is None or lams[0] == last:
                return W
            slope = (W - W_before) / np.log(last / lams[0])
            start = W + step * slope
        else:
            start = W + step * tangent
            if W_before is not None and lams[0] != last:
                back = np.log(lams[0] / last)
                both = (
                    active
                    & (penalty.group_norms(W_before) > 0)[penalty.membership][:, None]
                )
                curvature = (W_before - W - back * tangent) / back**2
                start += np.where(both, step**2 * curvature, 0.0)
        start = np.where(active, start, 0.0)
        if getattr(penalty, "positive", False):
            np.maximum(start, 0.0, out=start)
        return start


# A path of at least this many points on a dense C-ordered X of at most this
# many bytes works on a Fortran-ordered copy of it.
_FORTRAN_POINTS = 5
_FORTRAN_BYTES = 2**28


def _fortran_pays(X, n_points):
    """Whether a path copies X to Fortran order (see :meth:`PenalisedProblem.path`)."""
    return (
        isinstance(X, np.ndarray)
        and not X.flags.f_contiguous
        and X.ndim == 2
        and min(X.shape) > 1
        and n_points >= _FORTRAN_POINTS
        and X.nbytes <= _FORTRAN_BYTES
    )


def logistic_problem(X, Y, sample_weight, penalty, fit_intercept):
    """The penalised log-loss problem for encoded targets Y (see ``encode_classes``)."""
    return PenalisedProblem(
        X, make_logistic_loss(Y, sample_weight), penalty, fit_intercept
    )


def certified_path(problem, grid, tol, max_iter, name, steps, verbose=0):
    """``problem.path(grid)``, with one ConvergenceWarning (naming ``name``)
    for the points that stopped above ``tol``, and progress lines."""
    progress = path_progress(name, len(grid), verbose)
    path = problem.path(grid, tol=tol, max_iter=max_iter, progress=progress)
    warn_not_converged(name, path.infos, tol, max_iter, steps)
    return path


def regression_problem(X, y, sample_weight, penalty, fit_intercept):
    """The penalised squared-error problem; y of shape (n,) or (n, K)."""
    Y = y[:, None] if y.ndim == 1 else y
    return PenalisedProblem(X, SquaredError(Y, sample_weight), penalty, fit_intercept)


def _check_positive_lam(lam, positive):
    """Non-negative least squares (λ = 0 with positive=True) is not solved here."""
    if positive and lam == 0:
        raise ValueError(
            "positive=True needs lam > 0 (every λ of a grid > 0): the "
            "coordinate-descent solver cannot certify non-negative least squares. "
            "For it use scikit-learn's LinearRegression(positive=True)."
        )


class ElasticNetProblem:
    """The squared-loss elastic net on the weighted, centred design.

    ``(1/S) Σ s_i ‖y_i − b − Wᵀx_i‖² + λ·[α‖W‖₁ + (1 − α)‖W‖²]``, one
    independent problem per target. ``many_fits`` says several λ will be
    solved on these data (a path): then the full Gram matrix is formed once
    when n >= p, and every fit works in p-space (no pass over X per iteration);
    ``gram`` is that matrix, ``X̃ᵀX̃/S``, when the caller has it already.
    """

    def __init__(
        self,
        X,
        y,
        sample_weight,
        fit_intercept,
        many_fits=False,
        factors=None,
        gram=None,
    ):
        Y = y[:, None] if y.ndim == 1 else y
        self.single = y.ndim == 1
        # With penalty factors (None: all ones) the same objective is solved
        # by proximal Newton on the shared engine: the compiled coordinate
        # descent takes one strength for every feature.
        self.weighted = None
        if factors is not None:
            penalty = L1L2(X.shape[1], 0.0, 1.0, factors)
            self.weighted = regression_problem(
                X, y, sample_weight, penalty, fit_intercept
            )
        self.design = CentredDesign(X, sample_weight, fit_intercept)
        S = self.design.sw_sum
        self.y_mean = sample_weight @ Y / S if fit_intercept else np.zeros(Y.shape[1])
        self.Y_tilde = self.design.sqrt_sw[:, None] * (Y - self.y_mean)
        full = many_fits and whole_gram_fits(*X.shape)
        self.gram_cache = GramCache(self.design, full=full, gram=gram)
        self._column_norms = None
        self._correlation = None
        # Per target, the last solution and its (v, A, B): a warm start from
        # it (the next point of a path) need not pass over X to begin.
        self._last = {}

    def correlation(self):
        """``X̃ᵀỸ/S`` (p, k), computed once."""
        if self._correlation is None:
            self._correlation = (
                self.design.rmatmul(self.Y_tilde, centred=True) / self.design.sw_sum
            )
        return self._correlation

    @property
    def n_targets(self):
        return self.Y_tilde.shape[1]

    def column_norms(self):
        if self._column_norms is None:
            self._column_norms = self.design.column_squared_norms()
        return self._column_norms

    @property
    def steps(self):
        """What ``max_iter`` counts for this problem's solver (for warnings)."""
        return PROX_NEWTON_STEPS if self.weighted is not None else CD_EPOCHS

    def _weighted_penalty(self, lam, l1_ratio, positive):
        penalty = self.weighted.penalty
        penalty.lam, penalty.ratio, penalty.positive = lam, l1_ratio, positive
        return self.weighted

    def lam_max(self, l1_ratio, positive):
        """Smallest λ with w = 0 optimal for every target: ``2‖X̃ᵀỹ‖∞/(S·α)``."""
        if l1_ratio == 0:
            return np.inf
        if self.weighted is not None:
            return self._weighted_penalty(1.0, l1_ratio, positive).lam_max()
        correlation = self.correlation() * self.design.sw_sum
        if positive:
            correlation = np.maximum(correlation, 0.0)
        top = float(np.abs(correlation).max(initial=0.0))
        return 2.0 * top / (self.design.sw_sum * l1_ratio)

    def solve(self, lam, l1_ratio, W, *, tol, max_iter, positive):
        """Coefficients (p, k) at λ from the start W, and per-target info."""
        _check_positive_lam(lam, positive)
        if self.weighted is not None:
            problem = self._weighted_penalty(lam, l1_ratio, positive)
            W, _, info = problem.solve(lam, W, tol=tol, max_iter=max_iter, chord=True)
            return W, [info] * self.n_targets
        W = np.array(W, dtype=np.float64)
        infos = []
        for k in range(self.n_targets):
            last_w, correlations = self._last.get(k, (None, None))
            if last_w is None or not np.array_equal(last_w, W[:, k]):
                correlations = None
            W[:, k], info = solve_target(
                self.design,
                self.Y_tilde[:, k],
                lam,
                l1_ratio,
                W[:, k],
                tol=tol,
                max_iter=max_iter,
                positive=positive,
                gram_cache=self.gram_cache,
                column_norms=self.column_norms() if lam * l1_ratio > 0 else None,
                q=self.correlation()[:, k],
                correlations=correlations,
            )
            self._last[k] = (W[:, k].copy(), info.pop("correlations", None))
            infos.append(info)
        return W, infos

    def intercepts(self, W):
        """The intercepts that go with W (p, k): ``ȳ − x̄ᵀW``."""
        return self.y_mean - self.design.x_mean @ W

    def path(self, lams, l1_ratio, *, tol, max_iter, positive, progress=None):
        """Solutions along the descending grid ``lams``, each warm-started.

        ``progress`` (a :class:`~sklearn_l2x._progress.PathProgress`) hears of
        every solved λ, or of every target's path on the Gram matrix (solved
        in one call).
        """
        _check_positive_lam(np.min(lams), positive)
        if self.weighted is not None:
            problem = self._weighted_penalty(lams[0], l1_ratio, positive)
            return problem.path(lams, tol=tol, max_iter=max_iter, progress=progress)
        if self.gram_cache.full is not None and l1_ratio > 0:
            coefs, gaps, infos = self._path_on_gram(
                lams, l1_ratio, tol, max_iter, positive, progress
            )
        else:
            W = np.zeros((self.design.X.shape[1], self.n_targets))
            coefs, gaps, infos = [], [], []
            for lam in lams:
                W, target_infos = self.solve(
                    lam, l1_ratio, W, tol=tol, max_iter=max_iter, positive=positive
                )
                coefs.append(W.copy())
                gaps.append(max(info["relative_gap"] for info in target_infos))
                infos.extend(target_infos)
                if progress is not None:
                    progress.point(lam, gaps[-1])
            coefs = np.array(coefs)
        intercepts = np.array([self.intercepts(W) for W in coefs])
        return Path(
            np.asarray(lams),
            np.transpose(coefs, (0, 2, 1)),
            intercepts,
            np.asarray(gaps),
            infos,
        )

    def _path_on_gram(self, lams, l1_ratio, tol, max_iter, positive, progress):
        per_target = []
        for k in range(self.n_targets):
            start = time.perf_counter()
            per_target.append(
                solve_path_on_gram(
                    self.design,
                    self.gram_cache,
                    self.Y_tilde[:, k],
                    self.correlation()[:, k],
                    lams,
                    l1_ratio,
                    tol=tol,
                    max_iter=max_iter,
                    positive=positive,
                    column_norms=self.column_norms(),
                )
            )
            if progress is not None:
                gaps = [info["relative_gap"] for info in per_target[-1][1]]
                what = f"target {k + 1}/{self.n_targets}"
                progress.whole(lams, gaps, time.perf_counter() - start, what)
        coefs = np.stack([coef for coef, _ in per_target], axis=2)  # (n_lams, p, k)
        gaps = np.array(
            [
                max(infos[i]["relative_gap"] for _, infos in per_target)
                for i in range(len(lams))
            ]
        )
        infos = [info for _, infos in per_target for info in infos]
        return coefs, gaps, infos
