"""GroupL2LogisticRegression: logistic regression with a group-L2 penalty."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_array, check_consistent_length

from ._docstrings import share_parameters
from ._groups import SourceGroups, resolve_groups
from ._logistic import _SingleLambdaLogistic, build_problem
from ._penalties import GroupL2
from ._problem import regression_problem
from ._regression import validate_regression
from ._sklearn_compat import Interval, StrOptions, feature_names_of, validate_params
from ._validation import check_factors

__all__ = ["GroupL2LogisticRegression", "lam_max"]


def _group_weights(groups, group_weights):
    if group_weights is None:
        return np.sqrt([len(g) for g in groups])
    weights = check_factors(group_weights, len(groups), "group_weights", "group")
    return np.ones(len(groups)) if weights is None else weights


class GroupStructure:
    """Resolved groups (column indices, names, weights ω_g), the ℓ1 share and sign."""

    def __init__(
        self,
        groups,
        n_features,
        feature_names,
        group_weights,
        l1_ratio=0.0,
        positive=False,
    ):
        self.groups, self.names = resolve_groups(groups, n_features, feature_names)
        self.weights = _group_weights(self.groups, group_weights)
        # A group of weight 0 is left unpenalised altogether.
        self.factors = (self.weights > 0).astype(np.float64)
        self.l1_ratio, self.positive = l1_ratio, positive

    def penalty(self, lam, group_ratio):
        return GroupL2(
            self.groups,
            self.weights,
            lam,
            group_ratio,
            self.l1_ratio,
            self.positive,
            self.factors,
        )


class _GroupL2Penalised:
    """The group-L2 penalty's parameters and fitted attributes (single and CV)."""

    _mix_name = "group_ratio"

    def _penalty_structure(self, n_features):
        return GroupStructure(
            self.groups,
            n_features,
            getattr(self, "feature_names_in_", None),
            self.group_weights,
            self.l1_ratio,
            self.positive,
        )

    def _make_penalty(self, n_features, lam, mix, structure):
        return structure.penalty(lam, mix)

    def _describe_solution(self, W, structure):
        self.groups_, self.group_names_ = structure.groups, structure.names
        active = structure.penalty(1.0, 1.0).group_norms(W) > 0
        self.active_groups_ = [
            name for name, on in zip(structure.names, active, strict=True) if on
        ]


#: Parameters shared by GroupL2LogisticRegression and its CV estimator.
GROUP_LOGISTIC_CONSTRAINTS = {
    "groups": ["array-like", dict, SourceGroups, None],
    "group_ratio": [Interval(Real, 0, 1, closed="both")],
    "group_weights": ["array-like", None],
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    "positive": ["boolean"],
    "fit_intercept": ["boolean"],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "verbose": ["verbose"],
}


def validated_classification_data(X, y):
    """X and y checked for the public functions, and X's column names."""
    names = feature_names_of(X)
    X = check_array(
        X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32], input_name="X"
    )
    y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per sample), got shape {y.shape}.")
    check_consistent_length(X, y)
    return X, y, names


def group_problem(X, y, sample_weight, class_weight, structure, ratio, fit_intercept):
    """(classes, problem) of the group-L2 logistic regression on checked arrays."""
    return build_problem(
        X,
        y,
        sample_weight,
        class_weight,
        structure.penalty(1.0, ratio),
        fit_intercept,
        "GroupL2LogisticRegression",
    )


#: Arguments of the public group-L2 logistic functions.
GROUP_FUNCTION_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "sample_weight": ["array-like", None],
    **{
        name: GROUP_LOGISTIC_CONSTRAINTS[name]
        for name in (
            "groups",
            "group_ratio",
            "group_weights",
            "l1_ratio",
            "positive",
            "class_weight",
            "fit_intercept",
        )
    },
}


@validate_params(
    {**GROUP_FUNCTION_CONSTRAINTS, "loss": [StrOptions({"log", "squared"})]},
    prefer_skip_nested_validation=True,
)
def lam_max(
    X,
    y,
    *,
    loss="log",
    groups=None,
    group_ratio=1.0,
    group_weights=None,
    l1_ratio=0.0,
    positive=False,
    sample_weight=None,
    class_weight=None,
    fit_intercept=True,
):
    """The smallest λ for which every group of coefficients is zero.

    For ``GroupL2LogisticRegression(lam=λ, ...)`` (``loss="log"``) or
    ``GroupL2Regression(lam=λ, ...)`` (``loss="squared"``), all coefficients
    are zero if and only if ``λ >= lam_max(X, y, ...)``. For the log-loss
    and ``l1_ratio=0``,
    ``λ_max = max_g ‖X_gᵀ diag(s)(Y − 1π̄ᵀ)‖_F / (S · group_ratio · ω_g)``,
    with π̄ the weighted class shares (which the intercept fits); for the
    squared loss ``2‖X_gᵀ diag(s)(Y − 1ȳᵀ)‖_F / (S · group_ratio · ω_g)``.
    With ``l1_ratio`` τ > 0 a group's critical value μ = λ·group_ratio solves
    ``‖S_{μτ}(G_g)‖ = μ(1 − τ)ω_g`` (S the soft-threshold, G the loss gradient
    at zero); with ``positive`` only the part of −G above zero counts. It
    does not depend on the ridge part.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), or (n_samples, n_targets) for \
``loss="squared"``
        Class labels, or the targets of the squared error.
    loss : {"log", "squared"}, default="log"
        The log-loss (y class labels) or the squared error (y numeric).
    groups, group_ratio, group_weights, l1_ratio, positive, class_weight, \
fit_intercept
        As in :class:`GroupL2LogisticRegression`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; None gives every sample weight 1.

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
    if loss == "squared":
        if class_weight is not None:
            raise ValueError(
                "class_weight applies to loss='log' only; got loss='squared'."
            )
        names = feature_names_of(X)
        X, y, sample_weight = validate_regression(None, X, y, sample_weight)
    else:
        X, y, names = validated_classification_data(X, y)
    structure = GroupStructure(
        groups, X.shape[1], names, group_weights, l1_ratio, positive
    )
    if loss == "squared":
        penalty = structure.penalty(1.0, group_ratio)
        problem = regression_problem(X, y, sample_weight, penalty, fit_intercept)
    else:
        _, problem = group_problem(
            X, y, sample_weight, class_weight, structure, group_ratio, fit_intercept
        )
    return problem.lam_max()


class GroupL2LogisticRegression(_GroupL2Penalised, _SingleLambdaLogistic):
    """Logistic regression with a group-L2 (group lasso) penalty.

    Minimises the mean (weighted) log-loss, or the multinomial cross-entropy
    for more than two classes, plus

    ``lam · [group_ratio · Σ_g ((1 − τ) ω_g ‖W_g‖₂ + τ ‖W_g‖₁)
    + (1 − group_ratio) · ‖W‖₂²]``

    (τ = ``l1_ratio``, 0 by default: the group lasso), where ``W_g`` holds the
    coefficients of group g *for all classes at once*, so a group leaves the
    model for every class together; intercepts are not penalised. With τ > 0
    (the sparse-group lasso) the ℓ1 term also zeroes single coefficients of
    the groups that enter. With one-hot columns of a categorical variable as one group,
    whole variables are selected.

    The solver is proximal Newton on working sets of groups (exact Hessian on
    the working set; the quadratic model minimised by Newton steps on the
    support's face, groups leaving and entering the face as the steps demand,
    by accelerated proximal gradient when that does not settle; Armijo line
    search), with exact intercept updates; it stops when the
    duality gap, relative to the objective at ``W = 0``, is below ``tol``, so a
    fit is certified rather than just stopped.

    Read more in the :ref:`User Guide <group_logistic>`.

    Parameters
    ----------
    groups : None, array-like of shape (n_features,), list of lists, dict or \
            SourceGroups, default=None
        Feature groups: one label per feature, a list of column-index lists, or
        a dict ``name -> columns`` (indices, or column names when X is a
        DataFrame). None makes every feature its own group (the lasso). Every
        feature must belong to exactly one group. Inside a pipeline whose
        encoder decides the columns at each fit (folds may lack rare
        categories), name the source columns with
        :class:`~sklearn_l2x.SourceGroups`; see also
        :func:`~sklearn_l2x.groups_from_feature_names`.
    lam : float, default=0.01
        Penalty strength λ >= 0.
    group_ratio : float in [0, 1], default=1.0
        Share of the group term; 0 is pure ridge, 1 pure group lasso.
    group_weights : array-like of shape (n_groups,), default=None
        ω_g >= 0; None means √|g|. A weight of 0 leaves the group
        unpenalised altogether (none of the penalty's terms applies to it, as
        glmnet's ``penalty.factor = 0``); ``lam_max`` is then the smallest λ
        zeroing every other group, with the free groups fitted.
    l1_ratio : float in [0, 1], default=0.0
        τ, the ℓ1 share inside the sparse part (the sparse-group lasso): the
        group term becomes ``Σ_g ((1 − τ) ω_g ‖W_g‖₂ + τ ‖W_g‖₁)``, so a group
        enters and only some of its entries are non-zero. 0 is the group
        lasso, 1 the lasso on every entry.
    positive : bool, default=False
        Constrain every coefficient to be non-negative.
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
        **GROUP_LOGISTIC_CONSTRAINTS,
        "lam": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        groups=None,
        lam=0.01,
        *,
        group_ratio=1.0,
        group_weights=None,
        l1_ratio=0.0,
        positive=False,
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
        self.l1_ratio = l1_ratio
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose


share_parameters(lam_max, GroupL2LogisticRegression)
