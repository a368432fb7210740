"""What every logistic estimator shares: targets, weights, fitting, prediction.

Subclasses say which penalty they use (``_make_penalty``) and what to report
about the solution (``_describe_solution``); the solver is the working-set
proximal Newton of :mod:`sklearn_l2x._solvers.prox_newton` for all of them.
"""

import warnings

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._losses import make_logistic_loss
from ._sklearn_compat import fit_context
from ._solvers.prox_newton import solve
from ._validation import check_sample_weight


def _encode_targets(y, estimator_name, classes=None):
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
            f"{estimator_name} needs samples of at least 2 classes in the "
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
    weighted = [
        label for label in y_encoded_classes if sample_weight[y == label].sum() > 0
    ]
    if len(weighted) < 2:
        # The optimum would put the intercept at infinity.
        raise ValueError(
            "Need samples of at least 2 classes with positive weight, but only "
            f"one class has positive sample_weight: {weighted[0]!r}."
        )
    return sample_weight


def lam_max_of(X, loss, penalty, fit_intercept):
    """Smallest λ with W = 0 optimal (:meth:`Penalty.lam_max` at W = 0).

    The loss gradient is taken at W = 0 with the optimal intercept.
    """
    if penalty.ratio == 0:
        return np.inf
    eta = np.zeros((X.shape[0], loss.n_outputs)) + loss.null_intercept(fit_intercept)
    return penalty.lam_max(np.asarray(X.T @ loss.gradient(eta)))


class _LogisticLinearModel(ClassifierMixin, BaseEstimator):
    """Penalised logistic regression fitted by proximal Newton."""

    _mix_name = None  # the parameter mixing the penalty's two parts

    def _make_penalty(self, n_features, lam):
        raise NotImplementedError

    def _describe_solution(self, W, penalty):
        """Set attributes that depend on the penalty (e.g. active groups)."""

    def _prepare(self, X, y, sample_weight, reset):
        """Validate; set classes_; return X, the loss and the penalty."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
        )
        check_classification_targets(y)
        self.classes_, Y = _encode_targets(y, type(self).__name__)
        sample_weight = _effective_weights(
            self.classes_, y, sample_weight, self.class_weight, X
        )
        loss = make_logistic_loss(Y, sample_weight)
        return X, loss, self._make_penalty(X.shape[1], self.lam)

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
            chord=True,
        )
        self._set_solution(W, b, info, penalty)
        return self

    def _set_solution(self, W, b, info, penalty):
        self.coef_ = W.T.copy()
        self.intercept_ = np.asarray(b, dtype=np.float64).copy()
        self.n_iter_ = info["n_iter"]
        self.dual_gap_ = info["relative_gap"]
        self._describe_solution(W, penalty)
        if not info["converged"]:
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter="
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
