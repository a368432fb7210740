"""AdaptiveRidge: ridge regression that chooses its own λ during fit."""

from functools import partial
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _array_api
from ._dask import dask_sufficient_stats, is_dask_collection
from ._groups import SourceGroups, resolve_groups
from ._ridge_engine import fit_spectrum, kfold_curve
from ._routing import RoutedFolds
from ._sklearn_compat import Interval, StrOptions, fit_context
from ._solvers.banded import BandedRidge
from ._solvers.spectral import SufficientStats, decompose, decompose_on_device
from ._solvers.unpenalised import Unpenalised
from ._validation import (
    check_factors,
    check_lam_bounds,
    check_sample_weight,
    check_square_scale,
    check_square_scale_from_gram,
    chosen_criterion,
    warn,
)

__all__ = ["AdaptiveRidge"]


class AdaptiveRidge(RoutedFolds, RegressorMixin, BaseEstimator):
    """Ridge regression that chooses its own λ during ``fit``.

    Minimises the mean squared error plus an L2 penalty,

    ``(1/S) Σ_i s_i (y_i − b − x_iᵀw)² + λ‖w‖²``,  ``S = Σ_i s_i``,

    with the intercept ``b`` unpenalised, so that at the same λ the coefficients
    equal those of scikit-learn's ``Ridge(alpha=S·λ)``. Unless ``lam`` is given,
    λ is chosen by a criterion searched *continuously* on a log scale (a coarse
    grid to bracket, then Brent's method, vectorised over the targets, to a
    relative tolerance of 1e-7), from one decomposition of the data: each
    criterion evaluation costs
    O(min(n, p)) (``"gcv"``, ``"evidence"``) or O(n·min(n, p)) (``"loo"``).

    Read more in the :ref:`User Guide <adaptive_ridge>`.

    Parameters
    ----------
    lam : float or None, default=None
        Fixed penalty strength λ > 0 (no search), e.g. for a grid over λ in
        ``GridSearchCV``. If None, λ is chosen by ``criterion``.
    criterion : {"gcv", "loo", "evidence", "kfold"} or None, default=None
        How λ is chosen when ``lam`` is None. None means ``"gcv"``, or
        ``"kfold"`` when ``cv`` is given:

        - ``"gcv"``: generalised cross-validation,
          ``(RSS_w/S) / (1 − (1 + df)/S)²``, with sample weights read as
          frequencies (a weight of 2 counts as two rows), so that weighted rows
          and repeated rows give the same λ;
        - ``"loo"``: the exact leave-one-out mean squared error (from the hat
          matrix diagonal, not the GCV approximation);
        - ``"evidence"``: the marginal likelihood of the Bayesian linear model
          (empirical Bayes, as :class:`~sklearn.linear_model.BayesianRidge`),
          noise variance profiled out; enables ``predict(X, return_std=True)``
          (for p > n the model then keeps a copy of the training rows, the
          size of the p×r posterior basis it replaces);
        - ``"kfold"``: held-out mean squared error over the folds of ``cv``.
    cv : int, cross-validation generator or iterable, default=None
        Folds for k-fold selection of λ (with ``criterion="kfold"`` None means
        5-fold). Giving ``cv`` selects k-fold; combining it with another
        explicit criterion is an error.
    n_jobs : int, default=None
        Folds of ``criterion="kfold"`` decomposed in parallel with joblib (any
        backend, e.g. dask). Each fold uses one BLAS thread, so the result is
        bit-for-bit the same for every ``n_jobs`` and backend.
    lam_per_target : bool, default=True
        With several targets, choose one λ per target (at no extra
        decomposition); if False, one λ shared by all targets, minimising the
        criterion summed over them.
    lam_bounds : tuple of two floats or None, default=None
        Search range ``(low, high)`` for λ. None means 10 decades either side
        of ``mean(d_j²)/S``, where ``d_j`` are the singular values of the
        centred design. An optimum at an end of the range is reported in
        ``lam_on_boundary_`` and by a warning.
    groups : None, array-like of shape (n_features,), list of lists, dict or \
            SourceGroups, default=None
        Feature groups for *banded* ridge, one λ per group (λ_g‖w_g‖² summed
        over groups), chosen by ``"gcv"`` or ``"evidence"``: one label per
        feature, a list of column-index lists, or a dict ``name -> columns``
        (indices, or column names when X is a DataFrame), or
        :class:`~sklearn_l2x.SourceGroups` naming the columns before encoding.
        Every feature must be in exactly one group. Cost: each trial vector
        of λ needs its own decomposition (p×p from the statistics when
        n >= p, n×n kernel when p > n), and L-BFGS-B with analytic gradients
        usually takes 20 to 60 of them, so a banded fit costs tens of plain
        fits (per target when ``lam_per_target``).
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept. Sparse X is centred
        implicitly, never densified.
    selection : {"min", "1se"}, default="min"
        With k-fold, the λ used: ``"min"`` the minimiser of the held-out
        error, ``"1se"`` the largest λ whose error is within one standard error
        (of the fold errors, at the minimiser) of the minimum, found
        continuously (glmnet's ``lambda.1se``). Other criteria have no fold
        errors: ``"1se"`` with them is an error.
    penalty_factor : array-like of shape (n_features,), default=None
        Positive factors f_j: the penalty becomes ``λ Σ_j f_j w_j²`` (with
        ``groups``, ``Σ_g λ_g Σ_{j∈g} f_j w_j²``). Fitted exactly as ridge on
        the columns ``x_j/√f_j``, so it stays one decomposition. A factor of 0
        leaves a feature unpenalised: it is projected out of the design like
        the intercept (weighted least squares on it and the intercept column),
        every criterion counting its degree of freedom (``fit`` only, not with
        ``groups``, ``partial_fit`` or dask arrays; sparse X is then
        densified).

    Attributes
    ----------
    criterion_ : str
        The criterion used (``criterion``, or its default).
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, of the dtype of X (float32 stays float32).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept(s).
    lam_ : float or ndarray of shape (n_targets,)
        The λ used (chosen or given), in this package's convention. With
        ``groups``: one per group, shape (n_groups,) or (n_targets, n_groups).
    alpha_ : float or ndarray
        The equivalent ``Ridge(alpha=...)``, ``S·lam_`` (per group with
        ``groups``).
    groups_ : list of ndarray or None
        Column indices of each group (``groups`` resolved), or None.
    group_names_ : list or None
        The name of each group (label, dict key, or position).
    effective_dof_ : float or ndarray of shape (n_targets,)
        Effective degrees of freedom ``Σ_j d_j²/(d_j² + S·λ)`` (the
        intercept and unpenalised features not counted).
    criterion_value_ : float or ndarray of shape (n_targets,) or None
        The criterion at ``lam_``: GCV score, LOO or k-fold mean squared error
        (lower is better) or the log evidence (higher is better). None when
        ``lam`` is fixed.
    lam_path_ : ndarray of shape (n_grid,) or None
        The λ grid that bracketed the search (with ``groups``: the search of
        one shared λ that starts the per-group search).
    criterion_path_ : ndarray of shape (n_grid,) or (n_grid, n_targets) or None
        The criterion on ``lam_path_``, for plotting.
    lam_on_boundary_ : bool or ndarray
        Whether the chosen λ is at an end of the search range (per group with
        ``groups``; a group at the upper end is in effect switched off).
    noise_variance_ : float or ndarray of shape (n_targets,)
        Estimated noise variance σ² (``criterion="evidence"`` only).
    lam_min_, lam_1se_ : float or ndarray of shape (n_targets,)
        k-fold only: the minimiser of the held-out error and the largest λ
        within one standard error of it (``lam_`` is one of them, as
        ``selection`` says).
    criterion_se_path_ : ndarray of shape (n_grid,) or (n_grid, n_targets)
        k-fold only: the standard error of the mean fold error along
        ``lam_path_`` (the fold errors' standard deviation, ``ddof=1``, over
        √n_folds).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.linear_model.RidgeCV : Ridge with a user grid of alphas.
    sklearn.linear_model.BayesianRidge : Evidence maximisation by iteration.
    sklearn_l2x.conventions.convert : λ in other libraries' conventions.

    Notes
    -----
    After weighted centring, ``X̃ = diag(√s)(X − 1x̄ᵀ) = U diag(d) Vᵀ`` (from the
    eigendecomposition of the smaller of ``X̃ᵀX̃`` and ``X̃X̃ᵀ``) and
    ``z = Uᵀỹ``. With ``α = S·λ`` and ``D_j = d_j²/(d_j² + α)``:
    ``w = V(d∘z/(d² + α))``, ``df = Σ D_j``, ``RSS_w = ‖ỹ⊥‖² + Σ (α z_j/(d_j² +
    α))²``, the hat diagonal ``h_ii = s_i/S + Σ_j U_ij² D_j`` and the LOO
    residual ``e_i/(1 − h_ii)``. The log evidence, with ``Q = ‖ỹ⊥‖² + Σ z_j²
    α/(d_j² + α)`` and ``ν = S − 1``, is ``−(ν/2)(log(2πQ/ν) + 1) − ½ Σ log(1 +
    d_j²/α) − ½ log S``.

    Memory: the design is copied once (centred); no n×n matrix is formed when
    n > p and no p×p matrix when p > n (``partial_fit`` always keeps p×p
    statistics).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import AdaptiveRidge
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = AdaptiveRidge().fit(X, y)
    >>> float(model.lam_)  # chosen by generalised cross-validation
    1.67...e-05
    >>> round(model.score(X, y), 3)
    0.517
    """

    _parameter_constraints: dict = {
        "lam": [Interval(Real, 0, None, closed="neither"), None],
        "criterion": [StrOptions({"gcv", "loo", "evidence", "kfold"}), None],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "lam_per_target": ["boolean"],
        "lam_bounds": [tuple, list, None],
        "groups": ["array-like", dict, SourceGroups, None],
        "fit_intercept": ["boolean"],
        "selection": [StrOptions({"min", "1se"})],
        "penalty_factor": ["array-like", None],
    }

    def __init__(
        self,
        lam=None,
        *,
        criterion=None,
        cv=None,
        n_jobs=None,
        lam_per_target=True,
        lam_bounds=None,
        groups=None,
        fit_intercept=True,
        selection="min",
        penalty_factor=None,
    ):
        self.lam = lam
        self.criterion = criterion
        self.cv = cv
        self.n_jobs = n_jobs
        self.lam_per_target = lam_per_target
        self.lam_bounds = lam_bounds
        self.groups = groups
        self.fit_intercept = fit_intercept
        self.selection = selection
        self.penalty_factor = penalty_factor

    # -- validation ------------------------------------------------------------

    def _check_options(self):
        """Check what the constraints cannot; set ``criterion_``."""
        self.criterion_ = chosen_criterion(self.criterion, self.cv, "gcv")
        if self.selection == "1se" and (self.criterion_ != "kfold" or self.lam):
            raise ValueError(
                "selection='1se' needs k-fold cross-validation (cv=... or "
                f"criterion='kfold', and lam=None); got criterion="
                f"{self.criterion_!r}, lam={self.lam!r}."
            )
        check_lam_bounds(self.lam_bounds)

    def _validate(self, X, y, sample_weight, reset, check_scale=True):
        """Validated (X, y, sample_weight); ``check_scale=False`` leaves X's
        finiteness and scale to the caller (:meth:`_scale_check`)."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            ensure_all_finite=False,  # check_square_scale checks it
        )
        sample_weight = check_sample_weight(sample_weight, X)
        if reset:
            self._column_scale = self._check_penalty_factor(X.shape[1])
        X = self._scaled(X)
        if check_scale:
            check_square_scale(X, sample_weight, self)
        y = np.asarray(y, dtype=np.float64)
        return X, y, sample_weight

    def _scale_check(self, X, sample_weight):
        """X's finiteness and scale check, for :func:`decompose` to run on the
        diagonal of the XᵀX it forms (or directly, called with None)."""
        return partial(check_square_scale_from_gram, X, sample_weight, estimator=self)

    def _check_penalty_factor(self, n_features):
        """1/√f per column (None without factors); factors must be positive."""
        factors = check_factors(
            self.penalty_factor, n_features, "penalty_factor", "feature"
        )
        self._free = None
        if factors is None:
            return None
        if np.any(factors == 0):
            self._free = factors == 0
            factors = np.where(self._free, 1.0, factors)  # Q's columns: any scale
        return 1.0 / np.sqrt(factors)

    def _refuse_free_columns(self, where):
        """Unpenalised features need the rows (they are projected out of them)."""
        self._unpenalised = None
        if getattr(self, "_free", None) is not None:
            raise ValueError(
                f"penalty_factor values of 0 (unpenalised features) are not "
                f"supported with {where}: they are projected out of the rows, "
                "which the accumulated statistics do not keep; use fit, or "
                "positive factors."
            )

    def _scaled(self, X):
        """X with column j divided by √f_j: the penalty Σ f_j w_j² becomes ‖v‖²."""
        scale = getattr(self, "_column_scale", None)
        if scale is None:
            return X
        if sp.issparse(X):
            return (X @ sp.diags(scale.astype(X.dtype))).asformat(
                X.format if X.format != "coo" else "csr"
            )
        return X * scale.astype(X.dtype)

    # -- fitting -----------------------------------------------------------------

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model, choosing λ unless ``lam`` is given.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data. Not modified. A dask array is never gathered: the
            sufficient statistics of its row blocks are computed where the
            blocks live and merged (``criterion="gcv"``, ``"evidence"`` or a
            fixed ``lam``); see :ref:`scaling`.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values (a dask array too when X is one). Not modified.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (not all zero), read as frequencies by
            ``"gcv"`` and ``"evidence"``.
        **params : dict
            Metadata for the splitter of ``criterion="kfold"`` (e.g.
            ``groups`` for ``GroupKFold``): routed to it with
            ``sklearn.set_config(enable_metadata_routing=True)``; without
            routing, ``groups`` alone is accepted and passed to it.

        Returns
        -------
        self : AdaptiveRidge
            The fitted estimator.
        """
        self._check_options()
        split_params, _ = self._routed(params, self._splits())
        if is_dask_collection(X):
            return self._fit_dask(X, y, sample_weight)
        namespace = _array_api.dispatched_namespace(X)
        if namespace is not None:
            return self._fit_on_device(X, y, sample_weight, *namespace)
        X, y, sample_weight = self._validate(
            X, y, sample_weight, reset=True, check_scale=False
        )
        scale_check = self._scale_check(X, sample_weight)
        self._stats = None
        y2d = y.reshape(len(y), -1)
        self._check_enough_samples(X.shape[0])
        self._resolve_groups(X.shape[1])
        self._unpenalised = None
        if self._free is not None:
            scale_check(None)
            return self._fit_with_free_columns(X, y, y2d, sample_weight, split_params)
        banded = None
        if self._banded_search():
            scale_check(None)
            scale_check = None
            n_samples, n_features = X.shape
            if n_features <= n_samples:
                stats = SufficientStats.from_chunk(
                    X, y2d, sample_weight, fit_intercept=self.fit_intercept
                )
                spectrum = stats.spectrum()
                banded = BandedRidge(
                    self.groups_, stats=stats, fit_intercept=self.fit_intercept
                )
            else:
                banded = BandedRidge(
                    self.groups_,
                    X=X,
                    y=y2d,
                    sample_weight=sample_weight,
                    fit_intercept=self.fit_intercept,
                )
        if banded is None or X.shape[1] > X.shape[0]:
            spectrum = decompose(
                X,
                y2d,
                sample_weight,
                fit_intercept=self.fit_intercept,
                need_U=self.lam is None and self.criterion_ == "loo",
                gram_check=scale_check,
            )
        fold_curve = None
        if self._splits():
            fold_curve = self._kfold_curve(X, y2d, sample_weight, split_params)
        self._finish_fit(spectrum, X.dtype, y.ndim, fold_curve, banded)
        return self

    def _fit_on_device(self, X, y, sample_weight, xp, device):
        """The fit of an array-API (non-NumPy) input, on its device."""
        _array_api.check_supported(self)
        X, y, sample_weight = _array_api.validated(
            self, X, y, sample_weight, xp, device
        )
        self._column_scale = self._free = self._unpenalised = self._stats = None
        self.groups_ = self.group_names_ = None
        self._check_enough_samples(X.shape[0])
        spectrum = decompose_on_device(
            X,
            xp.reshape(y, (y.shape[0], -1)),
            sample_weight,
            fit_intercept=self.fit_intercept,
            need_U=self.lam is None and self.criterion_ == "loo",
            xp=xp,
            dtype=_array_api.compute_dtype(xp, device),
        )
        self._finish_fit(spectrum, X.dtype, y.ndim, None)
        _array_api.fitted_on_device(self, xp, device)
        return self

    def _fit_with_free_columns(self, X, y, y2d, sample_weight, split_params):
        """Ridge with the unpenalised columns (and the intercept) projected out."""
        if self.groups is not None:
            raise ValueError(
                "groups (banded ridge) cannot be combined with penalty_factor "
                "values of 0; give every feature a positive factor."
            )
        self._unpenalised = Unpenalised(
            X, y2d, sample_weight, self._free, self.fit_intercept
        )
        X_tilde, y_tilde = self._unpenalised.residualise(X, y2d)
        spectrum = decompose(
            X_tilde,
            y_tilde,
            sample_weight,
            fit_intercept=False,
            need_U=self.lam is None and self.criterion_ == "loo",
        )
        spectrum.free = self._unpenalised.record
        fold_curve = None
        if self._splits():
            fold_curve = self._kfold_curve(X, y2d, sample_weight, split_params)
        self._finish_fit(spectrum, X.dtype, y.ndim, fold_curve)
        return self

    def _fit_dask(self, X, y, sample_weight):
        """Fit from the merged block statistics of a dask array."""
        if self.lam is None and self.criterion_ in ("loo", "kfold"):
            raise ValueError(
                f"criterion={self.criterion_!r} needs the rows themselves and "
                "cannot be computed from the block statistics of a dask array; "
                "use criterion='gcv' or 'evidence', or a fixed lam."
            )
        if y is None or getattr(y, "ndim", 0) not in (1, 2):
            raise ValueError("y must be a 1-D or 2-D array of targets.")
        self._column_scale = self._check_penalty_factor(X.shape[1])
        self._refuse_free_columns("a dask array")
        stats, n_features = dask_sufficient_stats(
            self._scaled(X), y, sample_weight, self.fit_intercept
        )
        self.n_features_in_ = n_features
        if hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self._stats = None
        self._check_enough_samples(stats.n_samples)
        self._resolve_groups(n_features)
        banded = (
            BandedRidge(self.groups_, stats=stats, fit_intercept=self.fit_intercept)
            if self._banded_search()
            else None
        )
        dtype = np.float32 if X.dtype == np.float32 else np.float64
        self._finish_fit(stats.spectrum(), dtype, y.ndim, None, banded)
        return self

    def _resolve_groups(self, n_features):
        """Set ``groups_`` and ``group_names_`` from ``groups`` (None: unset)."""
        if self.groups is None:
            self.groups_ = self.group_names_ = None
            return
        self.groups_, self.group_names_ = resolve_groups(
            self.groups, n_features, getattr(self, "feature_names_in_", None)
        )

    def _banded_search(self):
        """Whether λ is searched per feature group; checks the criterion."""
        if self.groups is None or self.lam is not None:
            return False
        if self.criterion_ not in ("gcv", "evidence"):
            raise ValueError(
                f"groups need criterion='gcv' or 'evidence' (one λ per group is "
                f"searched with their gradients), got criterion={self.criterion_!r}."
            )
        return True

    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of rows and refit from the accumulated statistics.

        Accumulates the centred second moments ``X̃ᵀX̃``, ``X̃ᵀỹ``, ``‖ỹ‖²`` and
        the weighted means (merged with Chan's pairwise update), so data larger
        than memory, or arriving in chunks, gives the same model as one
        ``fit`` on all rows. Works with ``criterion="gcv"``, ``"evidence"`` or
        a fixed ``lam``; ``"loo"`` and ``"kfold"`` need the rows themselves.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Its targets; the same number of targets in every chunk.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the chunk's rows.

        Returns
        -------
        self : AdaptiveRidge
            The estimator fitted on all chunks seen so far.
        """
        if _array_api.dispatched_namespace(X) is not None:
            _array_api.refuse_under_dispatch(self, "partial_fit")
        first = not hasattr(self, "_stats") or self._stats is None
        if first:
            self._validate_params()
            self._check_options()
            if self.lam is None and self.criterion_ in ("loo", "kfold"):
                raise ValueError(
                    f"criterion={self.criterion_!r} needs the rows themselves and "
                    "cannot be computed from the accumulated statistics of "
                    "partial_fit; use criterion='gcv' or 'evidence', a fixed lam, "
                    "or fit."
                )
        X, y, sample_weight = self._validate(X, y, sample_weight, reset=first)
        self._refuse_free_columns("partial_fit")
        y2d = y.reshape(len(y), -1)
        chunk = SufficientStats.from_chunk(
            X, y2d, sample_weight, fit_intercept=self.fit_intercept
        )
        if first:
            self._y_ndim = y.ndim
            self._resolve_groups(X.shape[1])
            stats = chunk
        else:
            if y2d.shape[1] != self._stats.cross.shape[1] or y.ndim != self._y_ndim:
                raise ValueError(
                    f"y has {y2d.shape[1]} target(s) in this chunk but "
                    f"{self._stats.cross.shape[1]} in the earlier ones."
                )
            stats = self._stats.merge(chunk, fit_intercept=self.fit_intercept)
        self._check_enough_samples(stats.n_samples)
        banded = (
            BandedRidge(self.groups_, stats=stats, fit_intercept=self.fit_intercept)
            if self._banded_search()
            else None
        )
        self._finish_fit(stats.spectrum(), X.dtype, self._y_ndim, None, banded)
        self._stats = stats
        return self

    def _check_enough_samples(self, n_samples):
        if self.lam is None and n_samples < 2:
            raise ValueError(
                f"AdaptiveRidge needs at least 2 samples to choose lam, got "
                f"n_samples = {n_samples} (1 sample); give lam to fit it anyway."
            )

    def _splits(self):
        """Whether this fit chooses λ on folds."""
        return self.lam is None and self.criterion_ == "kfold"

    def _kfold_curve(self, X, y2d, sample_weight, split_params):
        folds = self._folds(X, y2d, split_params)
        return kfold_curve(
            X,
            y2d,
            sample_weight,
            folds,
            self.fit_intercept,
            self.n_jobs,
            free=getattr(self, "_free", None),
        )

    def _finish_fit(self, spectrum, dtype, y_ndim, fold_curve, banded=None):
        """Choose alpha (unless fixed) and set exactly the fitted attributes."""
        fit = fit_spectrum(
            spectrum,
            lam=self.lam,
            criterion=self.criterion_,
            # With free columns projected out, spectrum.free carries the
            # intercept's part: the posterior adds Q's variance in predict.
            fit_intercept=self.fit_intercept and self._unpenalised is None,
            fold_curve=fold_curve,
            lam_bounds=self.lam_bounds,
            per_target=self.lam_per_target,
            banded=banded,
            selection=self.selection,
        )
        if fit.boundary is not None:
            self._warn_boundary(*fit.boundary)
        single = y_ndim == 1

        def shaped(values):
            return values[0, ...] if single else values

        self.lam_path_ = fit.lam_path
        path = fit.criterion_path
        self.criterion_path_ = (
            None if path is None else (path[:, 0] if single else path)
        )
        coef, intercept = self._original_coefficients(fit)
        if spectrum.xp is None:
            self.coef_ = shaped(coef).astype(dtype, copy=False)
            intercept = intercept.astype(dtype)
        else:
            self.coef_ = spectrum.xp.astype(shaped(coef), dtype)
            intercept = spectrum.xp.astype(intercept, dtype)
        self.intercept_ = float(intercept[0]) if single else intercept
        self.alpha_ = shaped(fit.alpha)
        self.lam_ = shaped(fit.alpha / spectrum.sw_sum)
        self.effective_dof_ = shaped(fit.dof)
        self.lam_on_boundary_ = shaped(fit.on_boundary)
        self.criterion_value_ = None if fit.best is None else shaped(fit.best)
        self._set_kfold_selection(fit, shaped, single)
        # Only evidence fits have a noise model: no stale one from an earlier fit.
        self._posterior = fit.posterior
        if fit.posterior is None:
            self.__dict__.pop("noise_variance_", None)
        else:
            self.noise_variance_ = shaped(fit.posterior.sigma2)

    def _original_coefficients(self, fit):
        """(coef (k, p), intercept (k,)) in X's columns, from the fitted model.

        Undoes the scaling v = √f·w, and with free columns adds their least-
        squares coefficients (and the intercept) to the ridge part's.
        """
        coef, intercept = fit.coef, fit.intercept
        if self._unpenalised is not None:
            intercept, free_coef = self._unpenalised.coefficients(coef.T)
            full = np.empty((coef.shape[0], self._free.size))
            full[:, ~self._free] = coef
            full[:, self._free] = free_coef.T
            coef = full
        if self._column_scale is not None:  # back from v = √f·w to w
            coef = coef * self._column_scale
        return coef, intercept

    def _set_kfold_selection(self, fit, shaped, single):
        """``lam_min_``, ``lam_1se_``, ``criterion_se_path_`` (k-fold fits only)."""
        names = ("lam_min_", "lam_1se_", "criterion_se_path_")
        if fit.lam_min is None:
            for name in names:
                self.__dict__.pop(name, None)
            return
        self.lam_min_ = shaped(fit.lam_min)
        self.lam_1se_ = shaped(fit.lam_1se)
        se = fit.criterion_se_path
        self.criterion_se_path_ = se[:, 0] if single else se

    def _warn_boundary(self, count, total, what):
        warn(
            f"The {self.criterion_} criterion is optimal at, or flat towards, an "
            f"end of the search range of lam for {count} of {total} {what}; widen "
            "lam_bounds if this is not intended (see lam_on_boundary_). Where it "
            "only flattens towards lam -> 0, the largest lam of the plateau is "
            "used.",
            UserWarning,
        )

    # -- prediction ----------------------------------------------------------------

    def predict(self, X, return_std=False):
        """Predict with the fitted model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        return_std : bool, default=False
            Also return the standard deviation of the posterior predictive
            distribution (``criterion="evidence"`` only).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions.
        y_std : ndarray of the same shape as y_pred
            Posterior predictive standard deviation ``σ̂·√(1 + 1/S + x̃ᵀΣx̃)``,
            with ``Σ = (X̃ᵀX̃ + αI)⁻¹`` and ``x̃ = x − x̄``; only if
            ``return_std``.
        """
        check_is_fitted(self)
        namespace = _array_api.check_same_namespace(X, self, "coef_", "predict")
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32]
            if namespace is None
            else [namespace[0].float64, namespace[0].float32],
        )
        if namespace is None:
            y_pred = np.asarray(X @ self.coef_.T) + self.intercept_
        else:
            coef = self.coef_
            y_pred = (X @ coef if coef.ndim == 1 else X @ coef.T) + self.intercept_
        if not return_std:
            return y_pred
        if self.criterion_ != "evidence" or self.lam is not None:
            raise ValueError(
                "return_std=True needs the noise model of criterion='evidence' "
                f"with lam=None; this model was fitted with criterion="
                f"{self.criterion_!r} and lam={self.lam!r}."
            )
        y_std = self._predictive_std(self._scaled(X))
        if np.ndim(self.intercept_) == 0:
            y_std = y_std[:, 0]
        return y_pred, y_std

    def _predictive_std(self, X):
        """The posterior's spread, plus that of the free columns' coefficients."""
        if self._unpenalised is None:
            return self._posterior.predictive_std(X)
        spread = self._posterior.predictive_std(self._unpenalised.residualise(X))
        extra = self._unpenalised.variance(X)[:, None] * self._posterior.sigma2
        return np.sqrt(spread**2 + extra)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.array_api_support = True
        return tags
