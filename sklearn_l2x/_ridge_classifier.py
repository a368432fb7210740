"""AdaptiveRidgeClassifier: ridge on ±1 class codes, λ chosen during fit."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from . import _array_api
from ._logistic import effective_weights, encode_classes
from ._ridge import AdaptiveRidge
from ._routing import RoutedFolds
from ._sklearn_compat import Interval, LinearClassifierMixin, StrOptions, fit_context

__all__ = ["AdaptiveRidgeClassifier"]

# What the classifier reports of the ridge fitted to its class codes.
_RIDGE_ATTRIBUTES = (
    "criterion_",
    "lam_",
    "alpha_",
    "effective_dof_",
    "criterion_value_",
    "lam_path_",
    "criterion_path_",
    "lam_on_boundary_",
)


class AdaptiveRidgeClassifier(RoutedFolds, LinearClassifierMixin, BaseEstimator):
    """Ridge classifier that chooses its own λ during ``fit``.

    The classes are coded as ±1 (one column for two classes, one per class
    otherwise, +1 for the row's class) and :class:`AdaptiveRidge` is fitted
    to the codes: ``(1/S) Σ_i s_i ‖t_i − b − Wᵀx_i‖² + λ‖W‖²``, λ chosen by
    the same criteria from one decomposition of the data, searched
    continuously. The prediction is the class of the largest score (the sign
    of the score for two classes), as scikit-learn's ``RidgeClassifierCV``,
    which this model equals at the same λ (``alpha = S·λ``).

    Read more in the :ref:`User Guide <adaptive_logistic>`.

    Parameters
    ----------
    lam : float or None, default=None
        Fixed penalty strength λ > 0 (no search). If None, λ is chosen by
        ``criterion``.
    criterion : {"gcv", "loo", "evidence", "kfold"} or None, default=None
        How λ is chosen, on the squared error of the codes (see
        :class:`AdaptiveRidge`). None means ``"gcv"``, or ``"kfold"`` when
        ``cv`` is given.
    cv : int, cross-validation generator or iterable, default=None
        Folds for ``criterion="kfold"`` (None there means 5-fold).
    n_jobs : int, default=None
        Folds decomposed in parallel with joblib (k-fold only).
    lam_per_target : bool, default=False
        With more than two classes, one λ per class column instead of one
        shared by all (minimising the criterion summed over the columns).
    lam_bounds : tuple of two floats or None, default=None
        Search range ``(low, high)`` for λ (see :class:`AdaptiveRidge`).
    fit_intercept : bool, default=True
        Whether to fit unpenalised intercepts.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        Coefficients of the code columns (one column, of ``classes_[1]``,
        for two classes: the shapes of ``RidgeClassifierCV``).
    intercept_ : float or ndarray of shape (n_classes,)
        Intercepts.
    criterion_ : str
        The criterion used.
    lam_ : float or ndarray of shape (n_classes,)
        The λ used (one per column with ``lam_per_target``).
    alpha_ : float or ndarray
        The equivalent ``RidgeClassifier(alpha=...)``, ``S·lam_``.
    effective_dof_ : float or ndarray
        Effective degrees of freedom at ``lam_``.
    criterion_value_ : float or ndarray or None
        The criterion at ``lam_`` (None with a fixed ``lam``).
    lam_path_ : ndarray of shape (n_grid,) or None
        The λ grid that bracketed the search.
    criterion_path_ : ndarray of shape (n_grid,) or (n_grid, n_columns) or None
        The criterion on ``lam_path_``.
    lam_on_boundary_ : bool or ndarray
        Whether the chosen λ is at an end of the search range.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.linear_model.RidgeClassifierCV : The same model on a grid of alphas.
    AdaptiveLogisticRegression : λ chosen for the log-loss.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn_l2x import AdaptiveRidgeClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = AdaptiveRidgeClassifier().fit(X, y)
    >>> print(f"{model.lam_:.2e}")  # chosen by generalised cross-validation
    3.02e-06
    >>> round(model.score(X, y), 3)
    0.961
    """

    _parameter_constraints: dict = {
        "lam": [Interval(Real, 0, None, closed="neither"), None],
        "criterion": [StrOptions({"gcv", "loo", "evidence", "kfold"}), None],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "lam_per_target": ["boolean"],
        "lam_bounds": [tuple, list, None],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        lam=None,
        *,
        criterion=None,
        cv=None,
        n_jobs=None,
        lam_per_target=False,
        lam_bounds=None,
        fit_intercept=True,
        class_weight=None,
    ):
        self.lam = lam
        self.criterion = criterion
        self.cv = cv
        self.n_jobs = n_jobs
        self.lam_per_target = lam_per_target
        self.lam_bounds = lam_bounds
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit ridge to the ±1 class codes, choosing λ unless ``lam`` is given.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Not modified.
        y : array-like of shape (n_samples,)
            Class labels (any type).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, multiplied by ``class_weight``.
        **params : dict
            Metadata for the splitter of ``criterion="kfold"`` (e.g.
            ``groups`` for ``GroupKFold``), as in :meth:`AdaptiveRidge.fit`.

        Returns
        -------
        self : AdaptiveRidgeClassifier
            The fitted estimator.
        """
        namespace = _array_api.dispatched_namespace(X)
        if namespace is not None:
            return self._fit_on_device(X, y, sample_weight, params, *namespace)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc", "coo"),
            dtype=[np.float64, np.float32],
        )
        check_classification_targets(y)
        classes, _ = encode_classes(y, type(self).__name__)
        weights = effective_weights(classes, y, sample_weight, self.class_weight, X)
        codes = LabelBinarizer(pos_label=1, neg_label=-1).fit_transform(y)
        if codes.shape[1] == 1:
            codes = codes[:, 0]  # as RidgeClassifierCV: coef_ of shape (p,)
        ridge = self._ridge().fit(
            X, codes.astype(np.float64), sample_weight=weights, **params
        )
        return self._record(classes, ridge)

    def _fit_on_device(self, X, y, sample_weight, params, xp, device):
        """The fit of array-API (non-NumPy) inputs: the ±1 codes made there."""
        if self.class_weight is not None:
            _array_api.refuse_under_dispatch(self, "class_weight")
        y = _array_api.following(y, xp, device)
        sample_weight = _array_api.following(sample_weight, xp, device)
        X, y = validate_data(self, X, y, dtype=[xp.float64, xp.float32])
        check_classification_targets(y)
        classes = xp.unique_values(y)
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, got 1 class: {classes[0]}."
            )
        codes = xp.astype(y[:, None] == classes[None, :], X.dtype) * 2.0 - 1.0
        if classes.shape[0] == 2:
            codes = codes[:, 1]  # as RidgeClassifierCV: coef_ of shape (p,)
        ridge = self._ridge().fit(X, codes, sample_weight=sample_weight, **params)
        return self._record(classes, ridge)

    def _ridge(self):
        return AdaptiveRidge(
            self.lam,
            criterion=self.criterion,
            cv=self.cv,
            n_jobs=self.n_jobs,
            lam_per_target=self.lam_per_target,
            lam_bounds=self.lam_bounds,
            fit_intercept=self.fit_intercept,
        )

    def _record(self, classes, ridge):
        """The fitted attributes, from the ridge fitted to the codes."""
        self.classes_ = classes
        self.coef_ = ridge.coef_
        self.intercept_ = ridge.intercept_
        for name in _RIDGE_ATTRIBUTES:
            value = getattr(ridge, name, None)
            if name in ("lam_", "alpha_") and hasattr(value, "shape"):
                value = _shared(value, self.lam_per_target)
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags


def _shared(values, per_target):
    """One λ (a float) when it is shared by the code columns (any namespace)."""
    if values.ndim == 0:
        return float(values)
    if not per_target or values.shape[0] == 1:
        return float(values[0])
    return values
