"""ElasticNetClassifier: logistic regression with the elastic-net penalty."""

from numbers import Integral, Real

from ._logistic import _SingleLambdaLogistic
from ._penalties import L1L2
from ._sklearn_compat import Interval, StrOptions
from ._validation import check_factors

__all__ = ["ElasticNetClassifier"]


class _L1L2Penalised:
    """The elastic-net penalty of the logistic estimators (single and CV)."""

    _mix_name = "l1_ratio"

    def _penalty_structure(self, n_features):
        """The checked penalty factors (None: all ones)."""
        return check_factors(
            self.penalty_factor, n_features, "penalty_factor", "feature"
        )

    def _make_penalty(self, n_features, lam, mix, structure):
        return L1L2(n_features, lam, mix, structure, self.positive)


#: Parameters shared by ElasticNetClassifier and its CV estimator.
ELASTIC_LOGISTIC_CONSTRAINTS = {
    "penalty_factor": ["array-like", None],
    "positive": ["boolean"],
    "fit_intercept": ["boolean"],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "verbose": ["verbose"],
}


class ElasticNetClassifier(_L1L2Penalised, _SingleLambdaLogistic):
    """Logistic loss + λ[α‖w‖₁ + (1 − α)‖w‖²], α = l1_ratio (sklearn's: α/(2 − α)).

    Binary or multinomial, with the elastic-net penalty.

    Minimises the mean (weighted) log-loss, or the multinomial cross-entropy
    for more than two classes, plus

    ``lam · Σ_j f_j [l1_ratio · Σ_k |W_jk| + (1 − l1_ratio) · Σ_k W_jk²]``,

    (f = ``penalty_factor``, ones by default),

    the elastic net written without rescaling (no ½ on the squared
    term); intercepts are not penalised. ``l1_ratio=1`` is the lasso,
    ``l1_ratio=0`` ridge.

    The solver is the one of :class:`GroupL2LogisticRegression`: proximal
    Newton on working sets of features, exact intercepts, stopped on the
    duality gap relative to the objective at ``W = 0``.

    Read more in the :ref:`User Guide <elastic_net>`.

    Parameters
    ----------
    lam : float, default=0.01
        Penalty strength λ >= 0.
    l1_ratio : float in [0, 1], default=0.5
        The mix α: share of the ℓ1 term. Not scikit-learn's ``l1_ratio``
        for 0 < α < 1: the same penalty there has ``l1_ratio = α/(2 − α)``
        (its L2 term carries a ½), and a different strength;
        :func:`~sklearn_l2x.conventions.convert` gives both.
    penalty_factor : array-like of shape (n_features,), default=None
        f_j >= 0 multiplying both terms of feature j's penalty; 0 leaves a
        feature unpenalised (glmnet's ``penalty.factor``, which glmnet
        rescales to sum to n_features; these are used as given). None means
        ones.
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
        Intercepts (mean zero over classes for more than two classes).
    n_iter_ : int
        Proximal Newton steps taken.
    dual_gap_ : float
        Duality gap at the solution relative to the objective at ``W = 0``; it
        bounds the relative suboptimality.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    ElasticNetClassifierCV : λ (and α) chosen by cross-validation.
    ElasticNet : The same penalty on the squared error.

    Notes
    -----
    The same model is ``LogisticRegression(C=1/(S·λ·(2 − α)),
    l1_ratio=α/(2 − α))`` (solver ``"saga"``) with S the sum of the sample
    weights: see :func:`sklearn_l2x.convert`.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_l2x import ElasticNetClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(
    ...     StandardScaler(), ElasticNetClassifier(lam=0.02, l1_ratio=0.9)
    ... ).fit(X, y)
    >>> int((model[-1].coef_ != 0).sum())
    13
    >>> round(model.score(X, y), 3)
    0.972
    """

    _parameter_constraints: dict = {
        **ELASTIC_LOGISTIC_CONSTRAINTS,
        "lam": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        lam=0.01,
        *,
        l1_ratio=0.5,
        penalty_factor=None,
        positive=False,
        fit_intercept=True,
        class_weight=None,
        tol=1e-6,
        max_iter=500,
        warm_start=False,
        verbose=0,
    ):
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose
