"""Banded ridge: one penalty strength per feature group, chosen by a criterion.

The objective is ``Σ s_i r_i² + Σ_g alpha_g ‖w_g‖²``. Scaling the columns of
group g by ``1/√alpha_g`` (``Z = X̃ D``, ``D = diag(alpha^{-1/2})``) turns it
into plain ridge with strength 1, so for any alpha vector the criteria of
:mod:`sklearn_l2x._selection` follow from the spectrum of Z (eigenvalues
``e_j``, projections ``t_j``) and ``w = D·V(t/(1 + e))``. Unlike one shared
strength, every new alpha vector needs a new decomposition: a p×p eigenproblem
from the (rescaled) sufficient statistics when p <= n, or an n×n kernel and
eigenproblem when p > n. The gradients with respect to ``log alpha_g`` are
analytic (below), so L-BFGS-B needs a few dozen decompositions in all.

With ``β = V(t/(1+e))`` (the coefficients of Z), ``Q = ỹᵀC⁻¹ỹ``,
``C = I + ZZᵀ``:

- ``∂Q/∂log alpha_g = ‖β_g‖²`` and ``∂log|C|/∂log alpha_g = −γ_g`` with
  ``γ_g = Σ_{i∈g} Σ_j V_ij² e_j/(1+e_j)`` (the group's degrees of freedom), so
  the profiled log evidence has gradient ``−(ν/2)‖β_g‖²/Q + γ_g/2`` (zero at
  MacKay's fixed point ``alpha_g = γ_g σ̂²/‖w_g‖²``);
- ``∂RSS/∂log alpha_g = 2 β_gᵀ(V t/(1+e)²)_g`` and
  ``∂df/∂log alpha_g = −Σ_{i∈g} Σ_j V_ij² e_j/(1+e_j)²``, which give GCV's.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

from .._groups import group_membership
from .spectral import decompose, right_vectors


class BandedRidge:
    """Criteria of banded ridge as functions of log(alpha_g), with gradients.

    Parameters
    ----------
    groups : list of ndarray of int
        A partition of the columns.
    stats : SufficientStats or None
        Centred second moments (p <= n, or partial_fit).
    X, y, sample_weight : arrays or None
        The rows, used instead of ``stats`` when p > n.
    fit_intercept : bool
    """

    def __init__(
        self,
        groups,
        *,
        stats=None,
        X=None,
        y=None,
        sample_weight=None,
        fit_intercept=True,
    ):
        self.membership = group_membership(groups)
        self.n_groups = len(groups)
        self.stats = stats
        self.data = (X, y, sample_weight)
        self.fit_intercept = fit_intercept

    def spectrum(self, log_alpha):
        """Spectrum of Z = X̃·diag(alpha^{-1/2}) and the column scale used."""
        scale = np.exp(-0.5 * np.asarray(log_alpha))[self.membership]
        if self.stats is not None:
            return self.stats.scaled(scale).spectrum(), scale
        X, y, sample_weight = self.data
        X_scaled = X @ sp.diags(scale) if sp.issparse(X) else X * scale
        spectrum = decompose(
            X_scaled, y, sample_weight, fit_intercept=self.fit_intercept
        )
        return spectrum, scale

    def _group_sums(self, values):
        """Sum the rows (features) of ``values`` (p, m) within each group."""
        return np.stack(
            [
                np.bincount(self.membership, weights=column, minlength=self.n_groups)
                for column in np.atleast_2d(values.T)
            ],
            axis=1,
        )

    def value_and_gradient(self, log_alpha, criterion, columns):
        """Criterion to minimise (summed over ``columns``) and its gradient."""
        spectrum, _ = self.spectrum(log_alpha)
        e = spectrum.d2
        inv = 1.0 / (1.0 + e)
        t = spectrum.t[:, columns]
        resid = spectrum.resid_ss[columns]
        z2 = t**2 / e[:, None]
        V = right_vectors(spectrum)
        V2 = V**2
        beta = V @ (t * inv[:, None])
        beta_sq = self._group_sums(beta**2)  # (G, k)
        sw_sum = spectrum.sw_sum
        intercept = 1.0 if self.fit_intercept else 0.0
        if criterion == "evidence":
            nu = sw_sum - intercept
            q = resid + inv @ z2
            gamma = self._group_sums((V2 @ (e * inv))[:, None])[:, 0]
            log_det = np.sum(np.log1p(e))
            value = -0.5 * nu * (np.log(2 * np.pi * q / nu) + 1.0) - 0.5 * log_det
            if self.fit_intercept:
                value -= 0.5 * np.log(sw_sum)
            gradient = -0.5 * nu * beta_sq / q + 0.5 * gamma[:, None]
            return -value.sum(), -gradient.sum(axis=1)
        # GCV
        rss = resid + (inv**2) @ z2
        denominator = (sw_sum - intercept - e.size + inv.sum()) / sw_sum
        value = (rss / sw_sum) / denominator**2
        v = V @ (t * (inv**2)[:, None])
        d_rss = 2.0 * self._group_sums(beta * v)
        d_denominator = self._group_sums((V2 @ (e * inv**2))[:, None])[:, 0] / sw_sum
        if denominator <= 0:
            return np.inf, np.zeros(self.n_groups)
        gradient = value * (d_rss / rss - 2.0 * d_denominator[:, None] / denominator)
        return value.sum(), gradient.sum(axis=1)

    def optimise(self, criterion, columns, log_alpha0, log_bounds):
        """Minimise over log alpha in the box, from log_alpha0 (L-BFGS-B)."""
        result = minimize(
            self.value_and_gradient,
            log_alpha0,
            args=(criterion, columns),
            jac=True,
            method="L-BFGS-B",
            bounds=[log_bounds] * self.n_groups,
            options={"maxiter": 500, "ftol": 1e-13, "gtol": 1e-9},
        )
        return result.x, result
