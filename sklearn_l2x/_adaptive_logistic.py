"""AdaptiveLogisticRegression: L2 logistic regression that chooses its own λ."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from . import _glm_selection
from ._logistic import (
    _LogisticLinearModel,
    effective_weights,
    encode_classes,
    probabilities,
)
from ._losses import make_logistic_loss
from ._routing import RoutedFolds
from ._sklearn_compat import Interval, StrOptions, fit_context
from ._solvers.newton import RowSpaceDesign
from ._validation import check_lam_bounds, chosen_criterion, warn, warn_not_converged

__all__ = ["AdaptiveLogisticRegression"]


class AdaptiveLogisticRegression(RoutedFolds, _LogisticLinearModel):
    """L2-penalised logistic regression that chooses its own λ during ``fit``.

    Minimises the mean (weighted) log-loss plus an L2 penalty,

    ``(1/S) Σ_i s_i ℓ(y_i, W ᵀx_i + b) + λ‖W‖²``,  ``S = Σ_i s_i``,

    with the intercepts unpenalised; ℓ is the binary log-loss for two classes
    and the multinomial cross-entropy (K coefficient vectors) otherwise. At
    the same λ the model is scikit-learn's ``LogisticRegression(C=1/(2·S·λ))``.
    Unless ``lam`` is given, λ is chosen by ``criterion``, searched
    continuously on a log scale: a grid of one point per decade walked from
    a start (a tenth of ridge's GCV λ on ±1 class codes) down, or up, until
    the criterion stops improving (each fit warm-started from the last),
    then parabolic interpolation with Brent's safeguards in the bracket, to
    3% in λ. Each fit is Newton's method with the exact Hessian, which the
    criteria then reuse.

    Read more in the :ref:`User Guide <adaptive_logistic>`.

    Parameters
    ----------
    lam : float or None, default=None
        Fixed penalty strength λ > 0 (no search). If None, λ is chosen by
        ``criterion``.
    criterion : {"alo", "evidence", "loo", "kfold"} or None, default=None
        How λ is chosen. None means ``"alo"``, or ``"kfold"`` when ``cv`` is
        given:

        - ``"alo"``: approximate leave-one-out log-loss, from one fit per λ
          (one Newton step towards each leave-one-out fit, from the Hessian
          of the fit; Rad & Maleki, 2020);
        - ``"evidence"``: the Laplace approximation of the marginal
          likelihood of the Gaussian prior ``W ~ N(0, I/(2Sλ))`` that the
          penalty is (MacKay, 1992), maximised;
        - ``"loo"``: exact leave-one-out log-loss, by n warm-started refits
          per λ (for small n);
        - ``"kfold"``: mean held-out log-loss over the folds of ``cv``.

        Sample weights are frequencies: leaving a row out removes one unit
        of its weight (all of it below one), so weighted and repeated rows
        give the same λ (``"alo"``, ``"loo"``, ``"evidence"``).
    cv : int, cross-validation generator or iterable, default=None
        Folds for ``criterion="kfold"`` (None there means stratified
        5-fold). Giving ``cv`` selects k-fold; combining it with another
        explicit criterion is an error.
    lam_bounds : tuple of two floats or None, default=None
        Search range ``(low, high)`` for λ. None means from ``c·Σ_j Var(x_j)``
        (c the largest ``π_k(1 − π_k)`` of the class shares: a bound on the
        largest curvature of the loss at the null model) down 6 decades. An
        optimum at an end is reported in ``lam_on_boundary_`` and by a
        warning.
    fit_intercept : bool, default=True
        Whether to fit unpenalised intercepts.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
    moderated_output : bool, default=False
        If True, :meth:`predict_proba` integrates the probabilities over the
        Laplace posterior of the coefficients at ``lam_`` (MacKay's moderated
        output, see Notes) instead of plugging in the fitted coefficients;
        :meth:`predict` then returns the most probable class under it.
    tol : float, default=1e-8
        Newton stops when its decrement ``½gᵀH⁻¹g`` (its estimate of the
        distance to the optimum of the objective) is at most ``tol`` times the
        objective; the last step is then taken whole, which leaves the
        coefficients accurate far below ``tol``.
    max_iter : int, default=100
        Most Newton steps per fit.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients (for two classes, of ``classes_[1]``), of the dtype of X.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (mean zero over the classes with more than two).
    criterion_ : str
        The criterion used (``criterion``, or its default).
    lam_ : float
        The λ used (chosen or given), in this package's convention.
    C_ : float
        The equivalent ``LogisticRegression(C=...)``: ``1/(2·S·lam_)``.
    criterion_value_ : float or None
        The criterion at ``lam_``: the ALO, LOO or k-fold mean log-loss
        (lower is better) or the log evidence (higher is better). With a
        fixed ``lam``, computed when ``criterion`` is given ("alo",
        "evidence", "loo"), else None.
    lam_path_ : ndarray of shape (n_grid,) or None
        The descending λ grid the search walked (None with a fixed ``lam``).
    criterion_path_ : ndarray of shape (n_grid,) or None
        The criterion on ``lam_path_``, for plotting.
    lam_on_boundary_ : bool
        Whether the chosen λ is at an end of the search range.
    n_iter_ : int
        Newton (and chord) steps of all the fits on the full data, the
        search's included (at least 1).
    n_lams_evaluated_ : int
        Values of λ at which the criterion was evaluated (each a fit, or a
        fit per fold or per left-out row).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.linear_model.LogisticRegressionCV : k-fold over a grid of C.
    AdaptiveRidge : The same idea for ridge regression.
    sklearn_l2x.conventions.lambda_to_C : λ to ``C``.

    Notes
    -----
    With ``η_i = W ᵀx_i + b``, R_i and D_i the gradient and Hessian of
    ``s_i ℓ(y_i, η_i)/S`` in ``η_i``, H the Hessian of the objective in all
    coefficients at the fit, ``Q_i = X̃_i H⁻¹ X̃_iᵀ`` (K×K; ``X̃_i = I_K ⊗
    [x_iᵀ, 1]``) and ``ρ_i = min(s_i, 1)/s_i``, the ALO predictor is
    ``η̃_i = η_i + Q_i (I − ρ_i D_i Q_i)⁻¹ ρ_i R_i`` and the criterion
    ``(1/S) Σ s_i ℓ(y_i, η̃_i)``; cost O(n·d²) per λ for d = K(min(n, p) + 1)
    coefficients (for p > n the fit works in the row space of X, exactly).
    The log evidence, with ``α = 2Sλ``, m = K·min(n, p) penalised
    coefficients, d identifiable parameters (one fewer with a softmax
    intercept) and a flat prior on the intercepts, is ``−S·F(Ŵ, b̂) +
    (m/2) log(α/2π) + (d/2) log 2π − ½ log pdet(S·H)``.

    The moderated output replaces each logit ``μ_k`` by ``μ_k/√(1 + πσ_k²/8)``,
    ``σ_k² = x̃ᵀ Σ_kk x̃`` its posterior variance (``Σ = (S·H)⁻¹``), before the
    sigmoid (exact to the probit approximation for two classes) or the
    softmax (its usual per-class extension for K classes).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import AdaptiveLogisticRegression
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), AdaptiveLogisticRegression())
    >>> model = model.fit(X, y)
    >>> fitted = model[-1]
    >>> print(f"{fitted.lam_:.2e}")  # chosen by approximate leave-one-out
    1.34e-03
    >>> round(fitted.criterion_value_, 4)  # its estimate of the held-out log-loss
    0.0749
    """

    _stratified_folds = True

    _parameter_constraints: dict = {
        "lam": [Interval(Real, 0, None, closed="neither"), None],
        "criterion": [StrOptions({"alo", "evidence", "loo", "kfold"}), None],
        "cv": ["cv_object"],
        "lam_bounds": [tuple, list, None],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "moderated_output": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        lam=None,
        *,
        criterion=None,
        cv=None,
        lam_bounds=None,
        fit_intercept=True,
        class_weight=None,
        moderated_output=False,
        tol=1e-8,
        max_iter=100,
    ):
        self.lam = lam
        self.criterion = criterion
        self.cv = cv
        self.lam_bounds = lam_bounds
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.moderated_output = moderated_output
        self.tol = tol
        self.max_iter = max_iter

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model, choosing λ unless ``lam`` is given.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (CSR/CSC sparse matrices are not densified). Not
            modified.
        y : array-like of shape (n_samples,)
            Class labels (any type).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (frequencies), multiplied by ``class_weight``.
        **params : dict
            Metadata for the splitter of ``criterion="kfold"`` (e.g.
            ``groups`` for ``GroupKFold``): routed to it with
            ``sklearn.set_config(enable_metadata_routing=True)``; without
            routing, ``groups`` alone is accepted and passed to it.

        Returns
        -------
        self : AdaptiveLogisticRegression
            The fitted estimator.
        """
        self.criterion_ = chosen_criterion(self.criterion, self.cv, "alo")
        split_params, _ = self._routed(
            params,
            self.criterion_ == "kfold"
            and (self.lam is None or self.criterion is not None),
        )
        bounds = check_lam_bounds(self.lam_bounds)
        X, y = self._validate(X, y)
        check_classification_targets(y)
        classes, Y = encode_classes(y, type(self).__name__)
        weights = effective_weights(classes, y, sample_weight, self.class_weight, X)
        design = RowSpaceDesign.from_data(_float64(X), self.fit_intercept)
        problem = _glm_selection.Problem(
            design, Y, weights, make_logistic_loss, self.tol, self.max_iter
        )
        criterion = None
        if self.lam is None or self.criterion is not None:
            folds = None
            if self.criterion_ == "kfold":
                folds = self._folds(X, y, split_params)
            criterion = _glm_selection.make_criterion(self.criterion_, problem, folds)
        self._search(problem, criterion, bounds)
        fit = problem.fits.fit(self.lam_)
        self._record(classes, design, fit, weights.sum(), X.dtype)
        self.n_iter_ = max(problem.fits.n_steps, 1)
        stopped = criterion.stopped() if criterion else problem.stopped()
        warn_not_converged(
            type(self).__name__,
            [{"converged": False, "relative_gap": ratio} for ratio in stopped],
            self.tol,
            self.max_iter,
            "Newton steps",
            measure="relative Newton decrement",
        )
        return self

    def _search(self, problem, criterion, bounds):
        """Set ``lam_`` and the search's attributes."""
        sign = -1.0 if self.criterion_ == "evidence" else 1.0
        if self.lam is not None:
            self.lam_ = float(self.lam)
            self.lam_path_ = self.criterion_path_ = None
            self.lam_on_boundary_ = False
            self.n_lams_evaluated_ = int(criterion is not None)
            value = None if criterion is None else criterion(self.lam_)
            self.criterion_value_ = None if value is None else sign * float(value)
            return
        log_range = (
            problem.default_log_range() if bounds is None else tuple(np.log(bounds))
        )
        selection = _glm_selection.choose_lam(
            criterion, log_range, problem.pilot_log_lam()
        )
        self.lam_ = selection.lam
        self.criterion_value_ = sign * float(selection.value)
        self.lam_path_ = selection.lam_path
        self.criterion_path_ = sign * selection.criterion_path
        self.lam_on_boundary_ = selection.on_boundary
        self.n_lams_evaluated_ = selection.n_evaluations
        if selection.on_boundary:
            warn(
                f"The {self.criterion_} criterion is optimal at an end of the "
                f"search range of lam (lam_ = {self.lam_:.3g}); widen lam_bounds "
                "if this is not intended (see lam_on_boundary_).",
                UserWarning,
            )

    def _record(self, classes, design, fit, sw_sum, dtype):
        """Coefficients, C_, and the posterior that moderated output needs."""
        W, b = design.coefficients(fit.Theta)
        if W.shape[1] > 1:
            b = b - b.mean()
        self.classes_ = classes
        self.coef_ = W.T.astype(dtype)
        self.intercept_ = np.asarray(b).astype(dtype)
        self.C_ = 1.0 / (2.0 * sw_sum * self.lam_)
        self._posterior = None
        if self.moderated_output:
            m = design.n_params
            inverse = fit.curvature.inverse / sw_sum
            blocks = [
                inverse[k * m : (k + 1) * m, k * m : (k + 1) * m]
                for k in range(W.shape[1])
            ]
            self._posterior = (design, np.stack(blocks), 2.0 * sw_sum * self.lam_)

    def _logit_variances(self, X):
        """Posterior variances ``σ_k²`` of the logits at the rows of X, (n, K)."""
        design, blocks, alpha = self._posterior
        Z, outside = design.coordinates(_float64(X))
        rows = RowSpaceDesign(Z, None, design.fit_intercept)
        variances = rows.row_quadratics(blocks)
        return np.maximum(variances, 0.0) + outside[:, None] / alpha

    def predict_proba(self, X):
        """Class probabilities (moderated by the posterior if ``moderated_output``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns in the order of ``classes_``.
        """
        if not self.moderated_output:
            return super().predict_proba(X)
        X = self._validated_rows(X)
        scores = np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_
        scores = scores / np.sqrt(1.0 + np.pi * self._logit_variances(X) / 8.0)
        return probabilities(scores)

    def predict(self, X):
        """Predict class labels (the most probable under :meth:`predict_proba`).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            The predicted class of each row.
        """
        if not self.moderated_output:
            return super().predict(X)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _float64(X):
    """X as float64 (a copy only when it is float32)."""
    return X if X.dtype == np.float64 else X.astype(np.float64)
