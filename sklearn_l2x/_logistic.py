"""What every logistic estimator shares: targets, weights, the problem, prediction.

Single-λ estimators and their CV counterparts both derive from
:class:`_LogisticLinearModel` (they share its parameters' meaning, its
prediction methods and how a fitted solution is recorded), not from each
other. Subclasses say which penalty they use (``_make_penalty``) and what to
report about the solution (``_describe_solution``); the problem and its
solver are those of :mod:`sklearn_l2x._problem`.
"""

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._problem import PROX_NEWTON_STEPS, logistic_problem
from ._sklearn_compat import fit_context
from ._validation import check_sample_weight, warn_not_converged


def encode_classes(y, estimator_name):
    """Label-encode y; return classes and Y (n, 1) for 2 classes, one-hot else."""
    encoder = LabelEncoder()
    encoded = encoder.fit_transform(y)
    classes = encoder.classes_
    if len(classes) < 2:
        raise ValueError(
            f"{estimator_name} needs samples of at least 2 classes in the "
            f"data, but the data contain only one class: {classes[0]!r}."
        )
    if len(classes) == 2:
        Y = encoded[:, None].astype(np.float64)
    else:
        Y = np.eye(len(classes))[encoded]
    return classes, Y


def _check_class_weight(class_weight, classes):
    """class_weight as a dict is finite and non-negative and names known classes."""
    if not isinstance(class_weight, dict):
        return
    known = set(classes)
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight names classes {unknown!r} that are not in the data; "
            f"the classes are {np.asarray(classes).tolist()!r}."
        )
    values = np.array(list(class_weight.values()), dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(
            "class_weight values must be finite and non-negative, got "
            f"{class_weight!r}."
        )


def effective_weights(classes, y, sample_weight, class_weight, X):
    """Sample weights times class weights, checked (at least two classes weigh)."""
    sample_weight = check_sample_weight(sample_weight, X)
    if class_weight is not None:
        _check_class_weight(class_weight, classes)
        per_class = compute_class_weight(class_weight, classes=classes, y=y)
        lookup = dict(zip(classes, per_class, strict=True))
        sample_weight = sample_weight * np.array([lookup[label] for label in y])
        if sample_weight.sum() <= 0:
            raise ValueError("sample_weight times class_weight sums to zero.")
    weighted = [label for label in classes if sample_weight[y == label].sum() > 0]
    if len(weighted) < 2:
        # The optimum would put the intercept at infinity.
        raise ValueError(
            "Need samples of at least 2 classes with positive weight, but only "
            f"one class has positive sample_weight: {weighted[0]!r}."
        )
    return sample_weight


def build_problem(X, y, sample_weight, class_weight, penalty, fit_intercept, name):
    """(classes, problem) for validated X and y: the one way every fit builds it."""
    check_classification_targets(y)
    classes, Y = encode_classes(y, name)
    weights = effective_weights(classes, y, sample_weight, class_weight, X)
    return classes, logistic_problem(X, Y, weights, penalty, fit_intercept)


def probabilities(scores):
    """Class probabilities from scores: sigmoid of one column (or 1-D), else softmax."""
    if scores.ndim == 1 or scores.shape[1] == 1:
        positive = expit(np.ravel(scores))
        return np.column_stack([1.0 - positive, positive])
    return softmax(scores, axis=1)


class _LogisticLinearModel(ClassifierMixin, BaseEstimator):
    """Penalised logistic regression: validation, the problem, prediction."""

    _mix_name = None  # the parameter mixing the penalty's two parts

    def _make_penalty(self, n_features, lam, mix, structure):
        """The penalty at (λ, mix); ``structure`` from :meth:`_penalty_structure`."""
        raise NotImplementedError

    def _penalty_structure(self, n_features):
        """What the penalty needs beyond (λ, mix), from the parameters (e.g. groups)."""
        return None

    def _describe_solution(self, W, structure):
        """Set attributes that depend on the penalty (e.g. active groups)."""

    def _validate(self, X, y, reset=True):
        return validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )

    def _problem(self, X, y, sample_weight, lam, mix, structure):
        """(classes, problem) at (λ, mix) for validated X, y (no attribute set)."""
        penalty = self._make_penalty(X.shape[1], lam, mix, structure)
        return build_problem(
            X,
            y,
            sample_weight,
            self.class_weight,
            penalty,
            self.fit_intercept,
            type(self).__name__,
        )

    def _solver_options(self):
        return {"tol": self.tol, "max_iter": self.max_iter, "verbose": self.verbose}

    def _set_solution(self, classes, W, b, info, structure, dtype=np.float64):
        """Record a solution (W (p, K), b (K,)) as the fitted attributes.

        Coefficients and intercepts take the dtype of X (float32 stays float32,
        as in scikit-learn's linear models); the solver works in float64.
        """
        self.classes_ = classes
        self.coef_ = W.T.astype(dtype)
        self.intercept_ = np.asarray(b).astype(dtype)
        self.n_iter_ = info["n_iter"]
        self.dual_gap_ = info["relative_gap"]
        self._describe_solution(W, structure)
        warn_not_converged(
            type(self).__name__,
            [info],
            self.tol,
            self.max_iter,
            PROX_NEWTON_STEPS,
        )

    def _with_solution(self, classes, coef, intercept):
        """A copy of this estimator's kind, fitted to (coef (K, p), intercept)."""
        fitted = type(self).__new__(type(self))
        fitted.__dict__.update(self.__dict__)
        # It scores rows that are validated arrays already (held-out folds).
        fitted.__dict__.pop("feature_names_in_", None)
        fitted.classes_ = classes
        fitted.coef_, fitted.intercept_ = coef, intercept
        return fitted

    def decision_function(self, X):
        """Linear scores ``X coef_ᵀ + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]``.
        """
        X = self._validated_rows(X)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def _validated_rows(self, X):
        """X checked against the fitted model (features, names, dtype)."""
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            The predicted class of each row.
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
            The rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns in the order of ``classes_``.
        """
        return probabilities(self.decision_function(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Logarithms of the class probabilities, computed without overflow.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        return log_softmax(scores, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _SingleLambdaLogistic(_LogisticLinearModel):
    """A logistic estimator fitted at its own ``lam``."""

    @fit_context(prefer_skip_nested_validation=True)
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
        self : object
            The fitted estimator.
        """
        previous = None
        if self.warm_start and hasattr(self, "coef_"):
            previous = (self.coef_, self.intercept_, self.classes_)
        X, y = self._validate(X, y)
        structure = self._penalty_structure(X.shape[1])
        mix = getattr(self, self._mix_name)
        classes, problem = self._problem(X, y, sample_weight, self.lam, mix, structure)
        W0, b0 = problem.start()
        if previous is not None and np.array_equal(previous[2], classes):
            if previous[0].shape == W0.T.shape:
                W0, b0 = previous[0].T.astype(np.float64), previous[1].copy()
        W, b, info = problem.solve(
            self.lam, W0, b0, chord=True, **self._solver_options()
        )
        self._set_solution(classes, W, b, info, structure, X.dtype)
        return self
