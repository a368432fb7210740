"""GroupL2LogisticRegression: logistic regression with a group-L2 penalty."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._groups import resolve_groups
from ._losses import make_logistic_loss
from ._penalties import GroupL2
from ._solvers.prox_newton import solve
from ._validation import check_sample_weight

__all__ = ["GroupL2LogisticRegression", "lam_max"]


def _encode_targets(y, classes=None):
    """Label-encode y; return classes and Y (n, 1) for 2 classes, one-hot else."""
    encoder = LabelEncoder()
    if classes is None:
        encoded = encoder.fit_transform(y)
    else:
        encoder.classes_ = classes
        encoded = encoder.transform(y)
    classes = encoder.classes_
    if len(classes) < 2:
        raise ValueError(
            "GroupL2LogisticRegression needs samples of at least 2 classes in the "
            f"data, but the data contain only one class: {classes[0]!r}."
        )
    if len(classes) == 2:
        Y = encoded[:, None].astype(np.float64)
    else:
        Y = np.eye(len(classes))[encoded]
    return classes, Y


def _effective_weights(y_encoded_classes, y, sample_weight, class_weight, X):
    sample_weight = check_sample_weight(sample_weight, X)
    if class_weight is not None:
        per_class = compute_class_weight(class_weight, classes=y_encoded_classes, y=y)
        lookup = dict(zip(y_encoded_classes, per_class, strict=True))
        sample_weight = sample_weight * np.array([lookup[label] for label in y])
        if sample_weight.sum() <= 0:
            raise ValueError("sample_weight times class_weight sums to zero.")
    return sample_weight


def _group_weights(groups, group_weights):
    if group_weights is None:
        return np.sqrt([len(g) for g in groups])
    weights = np.asarray(group_weights, dtype=np.float64)
    if weights.shape != (len(groups),):
        raise ValueError(
            f"group_weights must have one entry per group ({len(groups)}), got "
            f"shape {weights.shape}."
        )
    if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise ValueError("group_weights must be positive and finite.")
    return weights


def _lam_max(X, loss, penalty, fit_intercept):
    """max_g ‖X_gᵀR₀‖_F/(ratio·ω_g) at W = 0 with the optimal intercept."""
    if penalty.ratio == 0:
        return np.inf
    eta = np.zeros((X.shape[0], loss.n_outputs)) + loss.null_intercept(fit_intercept)
    gradient = np.asarray(X.T @ loss.gradient(eta))
    norms = penalty.group_norms(gradient) / penalty.weights
    return float(norms.max(initial=0.0) / penalty.ratio)


def lam_max(
    X,
    y,
    *,
    groups=None,
    group_ratio=1.0,
    group_weights=None,
    sample_weight=None,
    class_weight=None,
    fit_intercept=True,
):
    """The smallest λ for which every group of coefficients is zero.

    For ``GroupL2LogisticRegression(lam=λ, ...)``, all coefficients are zero
    if and only if ``λ >= lam_max(X, y, ...)``:
    ``λ_max = max_g ‖X_gᵀ diag(s)(Y − 1π̄ᵀ)‖_F / (S · group_ratio · ω_g)``,
    with π̄ the weighted class shares (which the intercept fits). It does not
    depend on the ridge part.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    groups, group_ratio, group_weights, class_weight, fit_intercept
        As in :class:`GroupL2LogisticRegression`.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    lam_max : float
        ``inf`` when ``group_ratio == 0`` (a pure ridge penalty never zeroes
        all coefficients).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import GroupL2LogisticRegression, lam_max
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> top = lam_max(X, y)
    >>> model = GroupL2LogisticRegression(lam=1.001 * top).fit(X, y)
    >>> bool((model.coef_ == 0).all())
    True
    """
    estimator = GroupL2LogisticRegression(
        groups=groups,
        group_ratio=group_ratio,
        group_weights=group_weights,
        class_weight=class_weight,
        fit_intercept=fit_intercept,
    )
    X, loss, penalty = estimator._prepare(X, y, sample_weight, reset=True)
    return _lam_max(X, loss, penalty, fit_intercept)


class GroupL2LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression with a group-L2 (group lasso) penalty.

    Minimises the mean (weighted) log-loss, or the multinomial cross-entropy
    for more than two classes, plus

    ``lam · [group_ratio · Σ_g ω_g ‖W_g‖₂ + (1 − group_ratio) · ‖W‖₂²]``,

    where ``W_g`` holds the coefficients of group g *for all classes at once*,
    so a group leaves the model for every class together; intercepts are not
    penalised. With one-hot columns of a categorical variable as one group,
    whole variables are selected.

    The solver is proximal Newton on working sets of groups (exact Hessian on
    the working set, accelerated proximal gradient for the quadratic model,
    Armijo line search), with exact intercept updates; it stops when the
    duality gap, relative to the objective at ``W = 0``, is below ``tol``, so a
    fit is certified rather than just stopped.

    Read more in the :ref:`User Guide <group_logistic>`.

    Parameters
    ----------
    groups : None, array-like of shape (n_features,), list of lists or dict, \
            default=None
        Feature groups: one label per feature, a list of column-index lists, or
        a dict ``name -> columns`` (indices, or column names when X is a
        DataFrame). None makes every feature its own group (the lasso). Every
        feature must belong to exactly one group. See also
        :func:`~sklearn_l2x.groups_from_feature_names`.
    lam : float, default=0.01
        Penalty strength λ >= 0.
    group_ratio : float in [0, 1], default=1.0
        Share of the group term; 0 is pure ridge, 1 pure group lasso.
    group_weights : array-like of shape (n_groups,), default=None
        ω_g; None means √|g|.
    fit_intercept : bool, default=True
        Whether to fit (unpenalised) intercepts.
    class_weight : dict or "balanced", default=None
        Multiplies the sample weights per class, as in scikit-learn.
    tol : float, default=1e-6
        Stop when the duality gap is at most ``tol`` times the objective at
        ``W = 0`` (with the optimal intercept).
    max_iter : int, default=500
        Maximum number of proximal Newton steps.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    verbose : int, default=0
        Print the objective and the gap at each outer iteration.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients (one row for two classes, as scikit-learn).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_iter_ : int
        Proximal Newton steps taken.
    dual_gap_ : float
        Duality gap at the solution, relative to the objective at ``W = 0``;
        it bounds the relative suboptimality.
    groups_ : list of ndarray
        Column indices of each group.
    group_names_ : list
        Name of each group.
    active_groups_ : list
        Names of the groups with non-zero coefficients.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    lam_max : The smallest λ with all groups zero.
    group_l2_logistic_path : Solutions along a λ grid.
    GroupL2LogisticRegressionCV : λ chosen by cross-validation.

    Notes
    -----
    At a solution, with ``R = diag(s)(P̂ − Y)/S``: ``1ᵀR = 0``; for a zero group
    ``‖X_gᵀR‖ <= λ·ratio·ω_g``; for a non-zero group ``X_gᵀR + 2λ(1 − ratio)W_g
    + λ·ratio·ω_g W_g/‖W_g‖ = 0``. With singleton groups and ``group_ratio=1``
    this is ``LogisticRegression(l1_ratio=1, C=1/(λS))``; with
    ``group_ratio=0`` it is ``LogisticRegression(C=1/(2λS))``.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import GroupL2LogisticRegression
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> groups = [j // 10 for j in range(30)]  # means, errors, worst values
    >>> model = make_pipeline(
    ...     StandardScaler(), GroupL2LogisticRegression(lam=0.05, groups=groups)
    ... ).fit(X, y)
    >>> model[-1].active_groups_
    [0, 2]
    >>> round(model.score(X, y), 3)
    0.96...
    """

    _parameter_constraints: dict = {
        "groups": ["array-like", dict, None],
        "lam": [Interval(Real, 0, None, closed="left")],
        "group_ratio": [Interval(Real, 0, 1, closed="both")],
        "group_weights": ["array-like", None],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        groups=None,
        lam=0.01,
        *,
        group_ratio=1.0,
        group_weights=None,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        warm_start=False,
        verbose=0,
    ):
        self.groups = groups
        self.lam = lam
        self.group_ratio = group_ratio
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose

    def _prepare(self, X, y, sample_weight, reset):
        """Validate; set classes_/groups_; return X, the loss and the penalty."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )
        check_classification_targets(y)
        self.classes_, Y = _encode_targets(y)
        sample_weight = _effective_weights(
            self.classes_, y, sample_weight, self.class_weight, X
        )
        self.groups_, self.group_names_ = resolve_groups(
            self.groups, X.shape[1], getattr(self, "feature_names_in_", None)
        )
        weights = _group_weights(self.groups_, self.group_weights)
        loss = make_logistic_loss(Y, sample_weight)
        penalty = GroupL2(self.groups_, weights, self.lam, self.group_ratio)
        return X, loss, penalty

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to a relative duality gap of ``tol``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (CSR/CSC sparse matrices are not densified).
        y : array-like of shape (n_samples,)
            Class labels (any type).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, multiplied by ``class_weight``.

        Returns
        -------
        self : GroupL2LogisticRegression
            The fitted estimator.
        """
        previous = None
        if self.warm_start and hasattr(self, "coef_"):
            previous = (self.coef_, self.intercept_, self.classes_)
        X, loss, penalty = self._prepare(X, y, sample_weight, reset=True)
        n_outputs = loss.n_outputs
        W0 = np.zeros((X.shape[1], n_outputs))
        b0 = loss.null_intercept(self.fit_intercept)
        if previous is not None and np.array_equal(previous[2], self.classes_):
            if previous[0].shape == (n_outputs, X.shape[1]):
                W0, b0 = previous[0].T.astype(np.float64), previous[1].copy()
        W, b, info = solve(
            X,
            loss,
            penalty,
            W0,
            b0,
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            verbose=self.verbose,
        )
        self._set_solution(W, b, info, penalty)
        return self

    def _set_solution(self, W, b, info, penalty):
        self.coef_ = W.T.copy()
        self.intercept_ = np.asarray(b, dtype=np.float64).copy()
        self.n_iter_ = info["n_iter"]
        self.dual_gap_ = info["relative_gap"]
        active = penalty.group_norms(W) > 0
        self.active_groups_ = [
            name for name, on in zip(self.group_names_, active, strict=True) if on
        ]
        if not info["converged"]:
            warnings.warn(
                f"GroupL2LogisticRegression did not converge in max_iter="
                f"{self.max_iter} proximal Newton steps: the relative duality gap "
                f"is {info['relative_gap']:.2e} > tol={self.tol:g}. Increase "
                "max_iter, or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def decision_function(self, X):
        """Linear scores ``X coef_ᵀ + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_proba(self, X):
        """Class probabilities (sigmoid for two classes, softmax otherwise).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        return log_softmax(scores, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
